// Package ingest reads HTTP access logs and Okta System Log exports as a stream of parsed requests,
// one [Record] per line, and accounts for every line it reads: each one is either a request or a
// skipped line counted by reason ([Stats.Lines] == [Stats.Requests] + [Stats.Skipped], always).
//
// # Formats
//
// The accepted formats, by the name [Options.Format] and the --format flag use, in sniffing order
// (see [Formats]):
//
//   - okta-array: an Okta System Log export as GET /api/v1/logs returns it, a JSON array of
//     LogEvents, or several pages concatenated ("[…][…]"), pretty-printed or not; JSON objects at
//     the top level, between or instead of arrays, are read too: a single pretty-printed event, and
//     an error body saved between pages (skipped as [ReasonErrorBody]). It is decoded value by
//     value as a json.Decoder does, never read whole. Here a "line" is an event (an array element or
//     a top-level object): Stats.Lines counts events and Record.Line, RateLimitEvent.Line and
//     Skip.Line are the 1-based index of the event in the file, across pages. An event longer than
//     max(MaxLineBytes, 1 MiB), or a JSON syntax error, stops the Reader with an error naming the
//     file and the event (the decoder cannot resync). Sniffed from a window that starts with '['
//     then '{' (with an "eventType" key) or ']', or with a '{' whose first line is not a whole JSON
//     value (a pretty-printed object) and an "eventType" key in the window.
//   - okta-ndjson: System Log events one JSON object per line, as collectors and SIEMs write them.
//     Sniffed from a line that is a JSON object with an eventType.
//   - okta-csv: a System Log CSV export, read by column names from its header row, compared
//     lower-cased without spaces, dots or underscores, whole or by their last dotted part. It needs
//     an event-type column (eventType, "Event Type") and a time column (published, time, timestamp,
//     date, datetime, eventTime); it uses client.ipAddress, client.userAgent.rawUserAgent,
//     transaction.id/type, a debugData (or debugContext) column holding JSON, and any other column
//     as a debugData key (requestUri, requestId, threshold, urlPattern…), a uuid column as the uuid;
//     a target column holding JSON [{id,type}] or "id (Type), …" text, and flattened target
//     columns (target.0.id, target.0.type, "Target ID", …), are read as target[]. A quoted field
//     spanning lines is not supported (its lines are skipped as malformed). Sniffed from the header
//     row; a repeated header is skipped.
//   - cloudflare: Cloudflare Logpush HTTP request logs (JSON lines with ClientRequestURI).
//   - caddy: Caddy's JSON access log (ts, request.method, request.uri…); Caddy's other messages in
//     the same file are skipped as not-a-request. A "name | " prefix (docker compose) is ignored in
//     every JSON-lines format.
//   - envoy: Envoy / Istio JSON access logs with the default keys (start_time, method, path,
//     response_code…).
//   - envoy-text: Envoy's default text access log format, and Istio's (which adds fields, the peer
//     address among them): [START_TIME] "METHOD PATH PROTO" RESPONSE_CODE FLAGS …, placed at
//     START_TIME.
//   - w3c: W3C extended logs as IIS writes them, driven by their "#Fields:" directives (IIS's
//     default field list until the first one); sniffed from a "#Fields:" or IIS "#Software:" line.
//   - alb: AWS Application Load Balancer access logs (the target is the absolute URL logged), placed
//     at request_creation_time; the load balancers' connection-log and NLB TLS lines are
//     not-a-request.
//   - haproxy: HAProxy's HTTP log format, with or without a syslog prefix; its accept date, which
//     carries no offset, is taken as UTC. [Options.HAProxyLogFormat] reads any other HAProxy
//     log-format instead (see [CompileHAProxyLogFormat]).
//   - vhost_combined: a "host:port" field, then a combined line (Apache's vhost_combined); a line
//     without the vhost is read as combined.
//   - combined: nginx's and Apache's combined log format, optionally followed by extra fields
//     (an X-Forwarded-For, a request time), which are ignored (but see [Options.ForwardedFor]):
//     10.0.0.1 - alice [14/Oct/2026:10:00:00 +0200] "GET /api/v1/users/me HTTP/1.1" 200 512 "-" "okta-sdk/1.0" "-"
//   - common: the Common Log Format, the same line without referer and user agent:
//     10.0.0.1 - - [14/Oct/2026:10:00:00.123 -0700] "POST /oauth2/v1/token HTTP/1.1" 200 1024
//   - nginx: any nginx log_format, given in [Options.LogFormat] (see [CompileLogFormat]); it reads
//     $upstream_http_x_rate_limit_* / $sent_http_x_rate_limit_* into the Record's rate-limit fields,
//     and places a request at its start where $request_time (or $upstream_response_time) is logged.
//     Never sniffed: setting LogFormat selects it (before any sniffing).
//   - json: any JSON-lines log, mapped by [Options.Fields] ("time=ts", "path=request.uri", dotted
//     paths); setting Fields selects it. Without Fields it reads the keys time/timestamp/ts/@timestamp,
//     method, path/uri/url, status, client, user_agent, and is sniffed (last) from a line that has a
//     time, a method and a path under those keys.
//
// Combined and common share one tolerant parser: a line with only the common fields in a combined
// file is a request with an empty [Record.UserAgent], and a combined line in a common file is a
// request too. The format name only says what the file was detected (sniffed) as. The client field
// may be an IPv4 or IPv6 address or a host name; quoted fields may hold backslash escapes (Apache's
// \" and nginx's \x22), which are kept as logged. The timestamp may carry fractional seconds, and
// every request is placed at its UTC instant using the offset on its own line (timestamps without an
// offset, in the formats that have them, are taken as UTC).
//
// # Okta System Log
//
// The okta-* formats read Okta's LogEvent with its keys matched case-insensitively (SIEMs write
// "eventtype", "debugcontext", "debugdata", "requesturi") and "published" with or without 'T'/'Z'
// ("2022-08-26 07:51:24.601" is UTC); an EventBridge envelope ({"detail-type":…,"detail":{…}}) is
// read as the event in its detail. An event with debugContext.debugData.requestUri is a request:
// Record.Source is [SourceSystemLog], Target is the requestUri, Status is 0 unless debugData has a
// statusCode. Okta logs no method: Record.Methods holds the methods the request may have been made
// with (debugData's requestMethod when an export has one, else the method table of
// systemlog_methods.tsv, by event type and path), and Record.Method the method when that leaves
// one. Okta does not log every API call, so these requests are a lower bound of the traffic. One
// call often writes several events, and log streams deliver an event more than once:
// Record.RequestID (debugData.requestId, else a WEB transaction.id) and Record.EventID (the uuid)
// identify them, and the analysis of a run, which sees every file, counts each request and each
// event once ([ReasonDuplicate], [ReasonDuplicateEvent]); a Reader does not. Rate-limit events (see
// [IsRateLimitEventType]) are kept as [RateLimitEvent] values ([Reader.Events]) as well, with the
// bucket's URL pattern and the threshold Okta applied; one without a requestUri is skipped as
// [ReasonRateLimitEvent], and any other event without one as [ReasonNotARequest]. An Okta error
// body among the events is skipped as [ReasonErrorBody].
//
// # Client identity
//
// [Record.Client] is the socket peer the format logs (the client address, or the proxy in front of
// it). With [Options.ForwardedFor] it is the first hop of the request's X-Forwarded-For instead,
// when the format logs that header and the line has a value: combined and vhost_combined (a quoted
// field right after the user agent), nginx ($http_x_forwarded_for, $proxy_add_x_forwarded_for),
// envoy (x_forwarded_for), caddy (request.headers.X-Forwarded-For) and json (x_forwarded_for,
// http_x_forwarded_for or the Fields key "forwarded_for"). [Record.Principal] is an Okta principal
// hint: the API token id of a System Log event (transaction.detail.requestApiTokenId), else the
// OAuth client_id in the query string of an /oauth2/ request, in every format; "" otherwise.
//
// # Input
//
// A file may be plain, gzip (also several concatenated members, as logrotate writes) or zstd; the
// compression is recognised from the first bytes, not from the file name. Input is streamed through a
// fixed buffer, so memory does not grow with the size of a file; a line longer than
// [Options.MaxLineBytes] is skipped whole ([ReasonTooLong]) without being buffered. A UTF-8 byte-order
// mark is ignored; an input that starts with a UTF-16 byte order mark (Windows PowerShell's Out-File
// writes UTF-16LE) is transcoded to UTF-8 before it is cut into lines, so its lines are the file's
// lines. CRLF line endings are accepted, and a last line without a final newline is read.
//
// Unless [Options.Format] names the format (or LogFormat, HAProxyLogFormat or Fields select one), it
// is detected from the first 64 KiB of the decompressed input by a vote of its lines, and a line that
// fails under it is detected alone ([NewReader], [Stats.Formats]). Lines a container runtime (Docker's
// json-file, CRI) or syslog wrapped are unwrapped first, when most lines are. [Open] reads standard
// input for the path "-".
//
// [OpenParts] opens a file as up to n Readers to be read in parallel: a large plain file in a format
// whose lines are independent of each other (combined, common, envoy-text) is cut at line
// boundaries, and the Readers share the one open file. [Options.Progress] counts the bytes read (compressed bytes for
// compressed input), for a progress display.
//
// # Bad input
//
// A line that cannot be parsed is not an error: it is skipped, counted under one of the reasons listed
// in [Reasons], and the first few are kept as [Skip] examples in [Stats]. Only a failure to read or
// decompress the input stops a [Reader]; [Reader.Err] then names the file and the line reached, and what
// was read before stays counted.
package ingest

package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync/atomic"
	"unicode/utf8"
)

// Record is one parsed request. Its strings alias the Reader's buffer (or, for JSON strings with
// escapes, a buffer of the Reader's that holds them unquoted; for the CSV format, they are fresh
// copies) and are valid only until the next call to [Reader.Next] (copy them, e.g. with
// strings.Clone, to keep them longer).
//
// The rate-limit fields are filled only by formats that can log response headers: a custom nginx
// log_format with $upstream_http_x_rate_limit_* or $sent_http_x_rate_limit_*, W3C logs with
// sc(X-Rate-Limit-…) columns, Caddy's resp_headers, JSON logs with rate_limit_* keys or Fields. HasRateLimit tells whether the line carried at least one of the three
// headers; a header the line does not carry (absent, "-" or empty) is 0. So RateLimitRemaining 0
// with HasRateLimit means an exhausted window, and the zero value means "not logged".
type Record struct {
	Time      int64  // UTC instant, Unix microseconds (sub-second precision kept when the log has it)
	Method    string // e.g. "GET"; "" when the log does not say (System Log events without a method)
	Target    string // request target as logged: path with optional query, or absolute URL
	Status    int    // HTTP status, 0 if logged as "-" or not logged
	Client    string // remote address or host; "" when the format has none
	UserAgent string // "" when absent or "-"
	Line      int    // 1-based line number in the file (for the okta-array format: 1-based event index)

	// Source is "" for access logs (every request is in the log) and SourceSystemLog for requests
	// recovered from Okta System Log events, which are a lower bound: Okta does not log every call.
	Source string

	// Methods is, for a request recovered from an Okta System Log event, the methods it may have
	// been made with: Method's alone when the event logged a method of the set (debugData
	// requestMethod, method or httpMethod) or its event type and path make one certain; otherwise
	// the candidates the method table gives for its event type and path, or [APIMethods] (see
	// systemlog_methods.tsv). Method is set when Methods holds one method. 0 for access logs.
	Methods MethodSet
	// RequestID identifies the request of a System Log event across events and files: its
	// debugContext.debugData.requestId, or else transaction.id when transaction.type is WEB or
	// absent, when that is 12 characters or more ("" otherwise, and for access logs). Several
	// events with the same RequestID and Target are one request.
	RequestID string
	// EventID is the uuid of a System Log event, when it has the shape of a UUID ("" otherwise,
	// and for access logs). Log streams deliver at least once: events with the same EventID are
	// one event.
	EventID string

	// Principal is an Okta principal hint, "" when the input has none: for System Log requests the
	// API token id of transaction.detail.requestApiTokenId; otherwise (and for System Log events
	// without a token) the OAuth client id of an /oauth2/ request, the value of a client_id
	// parameter in the target's query string (e.g. "0oa1b2c3d4…" from
	// "/oauth2/v1/token?grant_type=…&client_id=0oa1b2c3d4"). It aliases Target (or the token id
	// string), so finding it does not allocate. A client id sent in the request body (the usual
	// case for /oauth2/v1/token) is not in any log and is not found.
	Principal string

	// Duration is how long the request took, in microseconds, when the format logs it (HasDuration):
	// nginx $request_time (else $upstream_response_time), ALB's time − request_creation_time (else
	// its three processing times), Envoy's duration, Caddy's duration, W3C time-taken, HAProxy's
	// Ta/Tt timers, the json format's Fields "duration". The request was in flight on
	// [Time, Time+Duration): Time is its start in every format (see each format's doc for how the
	// logged instant is turned into the start). 0 when not logged.
	Duration    int64
	HasDuration bool // the line carried a duration (Duration may be 0: a request shorter than the log's precision)

	HasRateLimit       bool  // the line carried an X-Rate-Limit-Limit, -Remaining or -Reset value
	RateLimitLimit     int   // X-Rate-Limit-Limit of the response (0 also for Okta's concurrency 429); 0 when absent
	RateLimitRemaining int   // X-Rate-Limit-Remaining of the response; 0 when absent
	RateLimitReset     int64 // X-Rate-Limit-Reset of the response, UTC epoch seconds; 0 when absent
}

// setRateLimit stores the k-th X-Rate-Limit header value, in the order every format lists them:
// 0 X-Rate-Limit-Limit, 1 -Remaining, 2 -Reset.
func (rec *Record) setRateLimit(k int, n int64) {
	rec.HasRateLimit = true
	switch k {
	case 0:
		rec.RateLimitLimit = int(n)
	case 1:
		rec.RateLimitRemaining = int(n)
	case 2:
		rec.RateLimitReset = n
	}
}

// SourceSystemLog is the [Record.Source] of requests read from Okta System Log events.
const SourceSystemLog = "system-log"

// Skip reasons: stable ids used in the JSON summary.
const (
	ReasonBlank        = "blank"            // empty or whitespace-only line
	ReasonMalformed    = "malformed"        // not the format's shape (missing fields, unbalanced quotes/brackets, bad status)
	ReasonBadTimestamp = "bad-timestamp"    // timestamp field present but impossible (31/Feb, 25:00, bad month, bad offset)
	ReasonBadRequest   = "bad-request-line" // request field not `METHOD TARGET [PROTO]` (e.g. "-" or TLS bytes "\x16\x03\x01")
	ReasonTooLong      = "line-too-long"    // longer than Options.MaxLineBytes; skipped whole, never truncated into a record
	ReasonTruncated    = "truncated"        // partial last line cut off by a read/decompression error

	// ReasonHeader is a format's header or directive line: a W3C "#Fields:"/"#Software:" line, the
	// header row of a CSV export.
	ReasonHeader = "header"
	// ReasonNotARequest is a well-formed line or event that records no HTTP request: a System Log
	// event without debugContext.debugData.requestUri (e.g. a JOB event), a Caddy or HAProxy
	// message that is not an access-log entry.
	ReasonNotARequest = "not-a-request"
	// ReasonRateLimitEvent is a System Log rate-limit event that names no request URI: it is kept in
	// [Reader.Events] but is not a request.
	ReasonRateLimitEvent = "rate-limit-event"
	// ReasonDuplicate is a System Log event of a request already counted: another event with the
	// same [Record.RequestID] and request URI. One API call often writes several events; counting
	// each would overstate the request rate. A Reader never gives it: the analysis that reads every
	// file of a run does (report/analyze), as the same request's events may be in several files.
	ReasonDuplicate = "duplicate-request"
	// ReasonDuplicateEvent is a System Log event seen before: the same uuid ([Record.EventID],
	// [RateLimitEvent.UUID]), as log streams deliver at least once and exports overlap. Like
	// ReasonDuplicate, it is given by the analysis of a run, never by a Reader.
	ReasonDuplicateEvent = "duplicate-event"
	// ReasonErrorBody is an Okta error body among System Log events ({"errorCode":"E0000047",…}), as
	// a /api/v1/logs call answered with HTTP 429 saves it between pages.
	ReasonErrorBody = "error-body"
)

// Reasons lists every skip reason, in a fixed order.
var Reasons = []string{ReasonBlank, ReasonMalformed, ReasonBadTimestamp, ReasonBadRequest, ReasonTooLong, ReasonTruncated,
	ReasonHeader, ReasonNotARequest, ReasonRateLimitEvent, ReasonDuplicate, ReasonDuplicateEvent, ReasonErrorBody}

// Skip is one example of a skipped line, kept for the report.
type Skip struct {
	File    string // the name given to Open or NewReader
	Line    int    // 1-based line number (for the okta-array format: 1-based event index, see Skip.Event)
	Reason  string // one of Reasons
	Excerpt string // first 200 bytes of the line (without its line ending), secrets and logins masked (Redact), invalid UTF-8 replaced by U+FFFD
	Event   bool   // Line is the index of an event in a JSON array (okta-array), not a line number
	// line is the skipped line, kept instead of Excerpt by a chunk Reader (see [Skip.FillExcerpt]).
	line string
}

// FillExcerpt makes the Excerpt of an example of a chunk Reader ([Reader.NextChunk]), which keeps
// the line and leaves the Excerpt empty: most of a compressed file's chunks' examples are not among
// the file's first ones, which are the ones shown, and masking secrets in a line takes a while. It
// lets the line go. Other examples are left as they are.
func (s *Skip) FillExcerpt() {
	if s.line != "" {
		s.Excerpt, s.line = excerpt([]byte(s.line)), ""
	}
}

// Stats is the accounting for one file. Lines == Requests + Skipped always, exactly.
type Stats struct {
	Lines, Requests, Skipped int64
	Reasons                  map[string]int64 // only reasons that occurred
	Examples                 []Skip           // at most Options.MaxExamples, in line order
	First, Last              int64            // min and max Record.Time of parsed requests (0 when none)
	// Events is the number of System Log rate-limit events seen, including those past the
	// [MaxEvents] kept by [Reader.Events]. An event is also a request or a skipped line, so it is
	// not part of Lines == Requests + Skipped.
	Events int64
	// Formats counts the lines read as each format, by name, when per-line detection read some in
	// another format than the Reader's (see [NewReader]); its counts add up to Lines. It is nil when
	// every line was read as [Reader.Format].
	Formats map[string]int64
}

// Options configure a Reader. The zero value sniffs the format and uses the defaults.
type Options struct {
	Format       string // "" = sniff (or "nginx" when LogFormat is set); else a name from Formats()
	MaxLineBytes int    // longest line read, without its line ending; <= 0 means 64 KiB
	MaxExamples  int    // skipped-line examples kept in Stats; 0 means 5, < 0 keeps none

	// LogFormat is an nginx log_format string, e.g.
	// `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_user_agent"`.
	// It is required by the format "nginx" and selects it when Format is "". See [CompileLogFormat].
	LogFormat string

	// HAProxyLogFormat is an HAProxy log-format string, e.g.
	// `%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %{+Q}r`: the format "haproxy" then reads
	// lines written with it instead of HAProxy's predefined HTTP log format, and it selects that
	// format when Format is "". See [CompileHAProxyLogFormat].
	HAProxyLogFormat string

	// Fields maps record fields to the keys of a generic JSON-lines log, for the format "json":
	// "time", "method", "path" (or "target"), "status", "client", "user_agent", "forwarded_for" (see ForwardedFor), "rate_limit_limit",
	// "rate_limit_remaining", "rate_limit_reset" → a key or a dotted path into nested objects, e.g.
	// {"time": "ts", "path": "request.uri", "method": "request.method"}. "time" and "path" are
	// required. A duration is mapped with its unit in the field's name: "duration" (seconds),
	// "duration_ms", "duration_us" or "duration_ns" (one of them); the time is then the request's
	// start, unless it is mapped as "end_time" instead of "time": the request is then placed at
	// end_time minus the duration. Setting Fields with Format "" selects "json".
	Fields map[string]string

	// ForwardedFor makes Record.Client the first hop of the request's X-Forwarded-For header
	// (the original client, as the first proxy saw it) instead of the socket peer, when the format
	// logs that header and the line has a value for it (not "-" or empty); otherwise Client stays
	// the peer. Formats that log it: combined and vhost_combined (a quoted field right after the
	// user agent, as nginx setups append "$http_x_forwarded_for"), nginx ($http_x_forwarded_for or
	// $proxy_add_x_forwarded_for), envoy (x_forwarded_for), caddy
	// (request.headers.X-Forwarded-For) and json (x_forwarded_for / http_x_forwarded_for, or the
	// Fields key "forwarded_for"). alb, haproxy, w3c, common and the okta-* formats log no
	// X-Forwarded-For; cloudflare's ClientIP already is the visitor's address.
	ForwardedFor bool

	// Progress, when set, is added the number of bytes the Reader reads from its input, as it reads
	// them: the bytes of the file or stream itself, before any decompression (so compressed bytes
	// for compressed input). A Reader that has read its input to the end has added its size. A
	// progress display polls it; the Readers of several files, or of the parts of one
	// ([OpenParts]), may share one counter.
	Progress *atomic.Int64

	// part is set by OpenParts for each part of a file it cuts (with Format set to the file's).
	part *partOf
}

// partOf is what a part of a file cut by OpenParts takes from the whole file, as it is: the line
// wrapper, and whether the format was detected (so that the part detects its failing lines too).
type partOf struct {
	wrap     wrapKind
	detected bool
}

const (
	defaultMaxLineBytes = 64 << 10
	defaultMaxExamples  = 5
	sniffBytes          = 64 << 10 // the sniff window, of decompressed input
)

// Reader reads one log file as a stream of requests. It is used like bufio.Scanner:
//
//	for r.Next() {
//		rec := r.Record()
//		…
//	}
//	if err := r.Err(); err != nil { … }
//
// A Reader holds one buffer of about max(64 KiB, MaxLineBytes) (two for compressed input, plus the
// decompressor's window), whatever the size of the file; the JSON formats add an index of the
// tokens of the current line (32 bytes a token); the System Log formats add at most
// [MaxEvents] events and, for okta-array, one event of at most max(MaxLineBytes, 1 MiB). It is not safe for concurrent use, but
// different Readers (the parts of one file from [OpenParts] too) may be read at the same time.
type Reader struct {
	name     string
	offset   int64 // where the input starts in its file (see Offset)
	format   *formatSpec
	maxLine  int
	maxEx    int
	br       *bufio.Reader // the (decompressed) lines
	codec    string        // "gzip", "zstd" or "" (plain), for error messages
	utf16    string        // "UTF-16LE" or "UTF-16BE" for input transcoded to UTF-8 (utf16.go), else ""
	closeFns []func() error
	rec      Record
	stats    Stats
	err      error
	done     bool
	long     []byte // the start of a line too long for the buffer, kept for its excerpt

	parseFn func(line []byte, rec *Record) string // the format's parser, with its per-file state
	det     *lineDetect                           // per-line detection; nil when the format was given
	wrap    wrapKind                              // the line wrapper (wrap.go), if any
	wbuf    []byte                                // a docker-json line's unwrapped content
	message bool                                  // the current line is a wrapped message of the program (wrap.go)
	sink    eventSink                             // System Log rate-limit events
	arr     *arrayStream                          // non-nil for the okta-array format
	chunk   chunking                              // handing the lines out in chunks (chunks.go)
}

// Open opens the file at path and returns a Reader for it ([OpenParts] with n = 1); see [NewReader].
// Its errors name the path: a missing or unreadable file, a directory, an input in no known format
// or compression, or an unknown Options.Format. Close the Reader to close the file.
//
// The path "-" reads standard input (named "-" in errors and examples); Close does not close it.
func Open(path string, opt Options) (*Reader, error) {
	rs, err := OpenParts(path, opt, 1)
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// NewReader returns a Reader for the log read from src; name is used in errors and in [Skip.File].
//
// The compression (gzip, zstd, or none) is recognised from the first bytes, then a UTF-16 byte order
// mark (the input is then transcoded to UTF-8, see utf16.go), and a line wrapper (Docker's
// json-file, CRI, syslog; see wrap.go) from the lines of the first 64 KiB of decompressed
// input. Then, unless Options.Format names it (or LogFormat, HAProxyLogFormat or Fields select it),
// the format is detected from the complete lines of that window: the format most of them have the
// shape of, each line counting for the first format of [Formats] it fits (a line with a bad
// timestamp or request field counts, since it is still a line of that format), ties going to the
// earlier format. While reading, a line that fails under a detected format is detected alone (see
// detect.go and [Stats.Formats]). A window with no non-blank line gives the format "empty" when the
// input ends inside it. Otherwise the error wraps [ErrUnknownFormat], names the shapes the lines
// come closest to with the option (and command-line flag) that would read them, and lists
// [Formats]; if a read or decompression error struck inside the window and no format was found,
// that error is returned instead.
//
// Close does not close src.
func NewReader(src io.Reader, name string, opt Options) (*Reader, error) {
	return makeReader(src, name, opt, false)
}

// makeReader is NewReader. With mid set, src is a part of a plain input that starts after a newline
// (one of OpenParts' parts after the first), and opt.Format and opt.part are set: then its first
// bytes are neither compression magic nor a byte order mark, but the start of a line.
func makeReader(src io.Reader, name string, opt Options, mid bool) (*Reader, error) {
	if opt.Progress != nil {
		src = &countingReader{r: src, n: opt.Progress}
	}
	r := &Reader{name: name, maxLine: opt.MaxLineBytes, maxEx: opt.MaxExamples}
	r.sink.file, r.sink.line = name, &r.stats.Lines
	detect := false
	if opt.part != nil {
		r.wrap, detect = opt.part.wrap, opt.part.detected
	}
	switch {
	case opt.Format != "":
	case opt.LogFormat != "" && opt.HAProxyLogFormat != "":
		return nil, fmt.Errorf("%s: an nginx log_format and an HAProxy log-format are both given: give one", name)
	case opt.LogFormat != "":
		opt.Format = "nginx"
	case opt.HAProxyLogFormat != "":
		opt.Format = "haproxy"
	case opt.Fields != nil:
		opt.Format = "json"
	default:
		detect = true
	}
	if opt.Format != "" {
		if r.format = lookupFormat(opt.Format); r.format == nil {
			return nil, fmt.Errorf("%s: %w", name, unknownFormatName(opt.Format))
		}
	}
	if r.maxLine <= 0 {
		r.maxLine = defaultMaxLineBytes
	}
	if r.maxEx == 0 {
		r.maxEx = defaultMaxExamples
	}
	// The buffer holds a longest line with its "\r\n", and the sniff window.
	bufSize := max(r.maxLine+2, sniffBytes)

	raw := bufio.NewReaderSize(&stickyReader{r: src}, bufSize)
	if mid {
		r.br = raw
	} else {
		if err := r.openCodec(raw, bufSize); err != nil {
			r.Close()
			return nil, err
		}
		r.openUTF16(bufSize)
		if b, _ := r.br.Peek(len(utf8BOM)); bytes.Equal(b, utf8BOM) {
			r.br.Discard(len(utf8BOM))
		}
	}
	if r.format == nil || opt.part == nil && opt.Fields == nil && !r.format.stream {
		if err := r.sniff(); err != nil {
			r.Close()
			return nil, err
		}
	}
	if detect {
		r.det = newLineDetect(r.format, &opt)
	}
	if err := r.setup(&opt); err != nil {
		r.Close()
		return nil, err
	}
	if !mid {
		o := opt
		r.chunk.opt = &o
	}
	return r, nil
}

// setup prepares the parser of r.format, with its options and per-file state.
func (r *Reader) setup(opt *Options) error {
	f := r.format
	switch {
	case f.newParser != nil:
		p, err := f.newParser(opt, &r.sink)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", r.name, f.name, err)
		}
		r.parseFn = p
	case f.newFileParser != nil:
		r.parseFn = f.newFileParser(opt)
	case opt.ForwardedFor && f.parseXFF != nil:
		r.parseFn = f.parseXFF
	default:
		r.parseFn = f.parse
	}
	if f.stream {
		r.arr = newArrayStream(r)
	}
	return nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// sniff recognises the line wrapper of the lines of the first sniffBytes of the decompressed
// input and, unless r.format is already set, sets it from them (see NewReader).
func (r *Reader) sniff() error {
	window, err := r.br.Peek(sniffBytes) // the buffer holds at least sniffBytes: no ErrBufferFull
	lines := windowLines(window, err == io.EOF, r.maxLine)
	r.wrap = detectWrap(lines)
	lines = unwrapLines(lines, r.wrap)
	if r.format != nil {
		return nil
	}
	for i := range formats {
		if formats[i].sniffWindow != nil && formats[i].sniffWindow(window) {
			r.format, r.wrap = &formats[i], wrapNone
			return nil
		}
	}
	if f := voteFormat(lines); f != nil {
		r.format = f
		return nil
	}
	switch {
	case err != nil && err != io.EOF:
		return r.readError(err, bytes.Count(window, []byte{'\n'})+1)
	case err == io.EOF && len(trimLine(window)) == 0:
		r.format = &emptyFormat
		return nil
	}
	return fmt.Errorf("%s: %w: no line in the first 64 KiB is in a known format%s (known formats: %s)",
		r.name, ErrUnknownFormat, closestFormats(lines), knownFormats())
}

// Offset returns the byte offset in its file at which the Reader's input starts: the start of its
// part for a Reader of a part of a file after the first ([OpenParts]), else 0. Its line numbers
// (Record.Line, Stats, Skip.Line) count from there.
func (r *Reader) Offset() int64 { return r.offset }

// Format returns the name of the detected or forced format: one of [Formats], or "empty" for an input
// with no non-blank line in the sniff window. Per-line detection may read some lines in other
// formats ([Stats.Formats]).
func (r *Reader) Format() string { return r.format.name }

// Wrapper returns the line wrapper the lines were found in and unwrapped from: "docker-json"
// (Docker's json-file driver), "cri" (containerd, CRI-O), "syslog", or "" for none.
func (r *Reader) Wrapper() string { return r.wrap.String() }

// Next advances to the next parsed request and reports whether there is one. Skipped lines are
// counted in [Reader.Stats] and never returned. It returns false at the end of the input, or after a
// read or decompression error ([Reader.Err]).
func (r *Reader) Next() bool {
	if r.arr != nil {
		return r.nextArray()
	}
	for !r.done {
		line, err := r.br.ReadSlice('\n')
		switch {
		case err == nil:
		case err == bufio.ErrBufferFull:
			r.skipLong(line)
			continue
		case err == io.EOF:
			r.done = true
			if len(line) == 0 {
				return false
			}
		default:
			r.done = true
			if len(line) > 0 {
				r.stats.Lines++
				r.skip(ReasonTruncated, dropEOL(line))
				r.err = r.readError(err, int(r.stats.Lines))
			} else {
				r.err = r.readError(err, int(r.stats.Lines)+1)
			}
			return false
		}
		r.stats.Lines++
		if r.parse(line) {
			return true
		}
	}
	return false
}

// parse parses one whole line (with its line ending, if any) into r.rec, or counts it as skipped.
func (r *Reader) parse(line []byte) bool {
	line = dropEOL(line)
	if len(line) > r.maxLine {
		r.skip(ReasonTooLong, line)
		return false
	}
	t := line
	r.message = false
	if r.wrap != wrapNone {
		inner, buf, kind := r.wrap.unwrap(line, r.wbuf)
		r.wbuf = buf
		switch kind {
		case wrappedPiece:
			r.skip(ReasonTooLong, line)
			return false
		case wrappedLine, wrappedMessage:
			t, r.message = inner, kind == wrappedMessage
		}
	}
	if t = trimLine(t); len(t) == 0 {
		r.skip(ReasonBlank, line)
		return false
	}
	return r.parseTrimmed(t, line)
}

// parseTrimmed parses a trimmed, non-blank line (or JSON array element) t, whose untrimmed form is
// line, into r.rec, or counts it as skipped.
func (r *Reader) parseTrimmed(t, line []byte) bool {
	if reason := r.parseFn(t, &r.rec); reason != "" {
		if r.det != nil && failed(reason) {
			if alt, ok := r.det.read(t, &r.rec); ok {
				reason = alt
			}
		}
		if reason == ReasonMalformed && isMessage(t, r.message) {
			reason = ReasonNotARequest
		}
		if reason != "" {
			r.skip(reason, line)
			return false
		}
	}
	r.rec.Line = int(r.stats.Lines)
	if r.rec.Principal == "" {
		r.rec.Principal = oauthClientID(r.rec.Target)
	}
	if r.stats.Requests == 0 || r.rec.Time < r.stats.First {
		r.stats.First = r.rec.Time
	}
	if r.stats.Requests == 0 || r.rec.Time > r.stats.Last {
		r.stats.Last = r.rec.Time
	}
	r.stats.Requests++
	return true
}

// skipLong consumes a line that does not fit in the buffer, whose first part is start, and counts it
// as too long (or truncated, when a read error cuts it off).
func (r *Reader) skipLong(start []byte) {
	r.stats.Lines++
	r.long = append(r.long[:0], start[:min(len(start), excerptBytes+utf8.UTFMax)]...)
	for {
		_, err := r.br.ReadSlice('\n')
		switch err {
		case bufio.ErrBufferFull:
			continue
		case nil:
		case io.EOF:
			r.done = true
		default:
			r.done = true
			r.skip(ReasonTruncated, r.long)
			r.err = r.readError(err, int(r.stats.Lines))
			return
		}
		r.skip(ReasonTooLong, r.long)
		return
	}
}

// skip counts the current line (already counted in Lines) as skipped for reason.
func (r *Reader) skip(reason string, line []byte) {
	r.stats.Skipped++
	if r.stats.Reasons == nil {
		r.stats.Reasons = make(map[string]int64, len(Reasons))
	}
	r.stats.Reasons[reason]++
	if len(r.stats.Examples) < r.maxEx {
		ex := Skip{File: r.name, Line: int(r.stats.Lines), Reason: reason, Event: r.arr != nil}
		if r.chunk.lazy && len(line) > 0 {
			ex.line = string(line)
		} else {
			ex.Excerpt = excerpt(line)
		}
		r.stats.Examples = append(r.stats.Examples, ex)
	}
}

// dropEOL strips a trailing "\n" or "\r\n".
func dropEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// Record returns the current request. The pointer is to a struct the Reader reuses, and its strings
// alias the Reader's buffer: both are valid only until the next call to Next.
func (r *Reader) Record() *Record { return &r.rec }

// Err returns the read or decompression error that stopped Next, or nil at a clean end of input. The
// error names the file and the line reached, e.g.
// "access.log.gz: line 1234: truncated gzip stream: unexpected EOF"; errors.Is sees the cause
// (e.g. io.ErrUnexpectedEOF).
func (r *Reader) Err() error { return r.err }

// Stats returns the accounting so far: after Next has returned false it covers the whole input, or,
// after an error, every line read before it. The returned value is a copy.
func (r *Reader) Stats() Stats {
	s := r.stats
	if s.Reasons != nil {
		s.Reasons = make(map[string]int64, len(r.stats.Reasons))
		for k, v := range r.stats.Reasons {
			s.Reasons[k] = v
		}
	}
	s.Examples = slices.Clone(s.Examples)
	s.Events = r.sink.total
	s.Formats = r.det.counts(s.Lines)
	return s
}

// MaxEvents is the number of System Log rate-limit events a Reader keeps for [Reader.Events]; later
// ones are only counted in [Stats.Events].
const MaxEvents = 10_000

// Events returns the System Log rate-limit events read so far (at most [MaxEvents], in input order),
// for the formats that read System Log exports; nil for the others. The returned slice is a copy.
func (r *Reader) Events() []RateLimitEvent { return slices.Clone(r.sink.events) }

// Close releases the decompressor and, for a Reader from [Open], closes the file; of the Readers of
// one [OpenParts] call, the last one closed closes the file. Next returns false afterwards.
func (r *Reader) Close() error {
	r.done = true
	var errs []error
	for i := len(r.closeFns) - 1; i >= 0; i-- {
		errs = append(errs, r.closeFns[i]())
	}
	r.closeFns = nil
	return errors.Join(errs...)
}

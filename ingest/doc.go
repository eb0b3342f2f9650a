// Package ingest reads HTTP access logs as a stream of parsed requests, one [Record] per line, and
// accounts for every line it reads: each one is either a request or a skipped line counted by reason
// ([Stats.Lines] == [Stats.Requests] + [Stats.Skipped], always).
//
// # Formats
//
// The accepted formats, by the name [Options.Format] and the --format flag use:
//
//   - combined: nginx's and Apache's combined log format, optionally followed by extra fields
//     (an X-Forwarded-For, a request time), which are ignored:
//     10.0.0.1 - alice [14/Oct/2026:10:00:00 +0200] "GET /api/v1/users/me HTTP/1.1" 200 512 "-" "okta-sdk/1.0" "-"
//   - common: the Common Log Format, the same line without referer and user agent:
//     10.0.0.1 - - [14/Oct/2026:10:00:00.123 -0700] "POST /oauth2/v1/token HTTP/1.1" 200 1024
//
// Both share one tolerant parser: a line with only the common fields in a combined file is a request
// with an empty [Record.UserAgent], and a combined line in a common file is a request too. The format
// name only says what the file was detected (sniffed) as. The client field may be an IPv4 or IPv6
// address or a host name; quoted fields may hold backslash escapes (Apache's \" and nginx's \x22),
// which are kept as logged. The timestamp may carry fractional seconds, and every request is placed at
// its UTC instant using the offset on its own line.
//
// # Input
//
// A file may be plain, gzip (also several concatenated members, as logrotate writes) or zstd; the
// compression is recognised from the first bytes, not from the file name. Input is streamed through a
// fixed buffer, so memory does not grow with the size of a file; a line longer than
// [Options.MaxLineBytes] is skipped whole ([ReasonTooLong]) without being buffered. A UTF-8 byte-order
// mark is ignored, CRLF line endings are accepted, and a last line without a final newline is read.
//
// Unless [Options.Format] names the format, it is detected from the first 64 KiB of the decompressed
// input (see [Open]).
//
// # Bad input
//
// A line that cannot be parsed is not an error: it is skipped, counted under one of the reasons listed
// in [Reasons], and the first few are kept as [Skip] examples in [Stats]. Only a failure to read or
// decompress the input stops a [Reader]; [Reader.Err] then names the file and the line reached, and what
// was read before stays counted.
package ingest

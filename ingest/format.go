package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrUnknownFormat is wrapped by the error returned when a file is in no known format (nothing in its
// first 64 KiB parses as one) or when [Options.Format] is not one of [Formats]. The message of the
// wrapping error lists the known formats; for a file, it also names the shapes its lines come
// closest to and the option (and command-line flag) that would read them.
var ErrUnknownFormat = errors.New("unknown log format")

// formatSpec is one row of the format table.
type formatSpec struct {
	name string
	// sniff reports whether a complete, trimmed, non-blank line has this format's shape. A line whose
	// timestamp or request field is bad still has the shape: it is a line of this format that will be
	// skipped for that reason. nil: the format is never sniffed (it needs options).
	sniff func(line []byte) bool
	// sniffWindow, when set, is tried on the whole sniff window before any per-line sniff.
	sniffWindow func(window []byte) bool
	// parse parses a trimmed, non-blank line into rec. It returns "" on success; otherwise the skip
	// reason, and rec is left untouched. The strings it stores alias line (or, for the CSV format,
	// and for JSON strings with escapes, are fresh strings). Used when newParser is nil.
	parse func(line []byte, rec *Record) (reason string)
	// newParser, when set, returns a parse function with per-file state (a header seen, a compiled
	// log_format), built from opt; rate-limit events go to sink. parseLine calls it with zero Options
	// and a nil sink for every line.
	newParser func(opt *Options, sink *eventSink) (func(line []byte, rec *Record) string, error)
	// newFileParser, when set, returns the parse function a Reader uses for one file: parse, or
	// parseXFF for Options.ForwardedFor, with per-file state that only makes it faster (a timestamp
	// cache, a JSON tape reused from line to line, whose strings then alias the tape's buffer until
	// the next line). parseLine uses parse (which, for the CLF formats, must not allocate).
	newFileParser func(opt *Options) func(line []byte, rec *Record) string
	// parseXFF, when set, is parse for Options.ForwardedFor: Record.Client is the first
	// X-Forwarded-For hop when the line has one. (Formats with newParser read the option there.)
	parseXFF func(line []byte, rec *Record) string
	// stream: the input is a sequence of JSON arrays whose elements are parsed, not lines.
	stream bool
	// splittable: each line is parsed alone (no header, no state carried from line to line that
	// changes a result), so a plain file can be cut at any line boundary and each part read by a
	// Reader of its own ([OpenParts]), and a compressed one handed out in chunks (Reader.NextChunk).
	// (okta-ndjson is: the System Log events of one request that land in different parts are
	// resolved across parts as across files, by report/analyze.)
	splittable bool
	// lineDetect: a line of this format is recognised (sniff) and read alone, with no options and
	// no state, so per-line detection may read a line in it; and the lines that fail in a file
	// detected as it are detected alone (see detect.go).
	lineDetect bool
}

// shapeOK reports whether a parse result (a skip reason, or "") means the line has the format's
// shape, as formatSpec.sniff wants to know, even if its timestamp or request field is bad.
func shapeOK(reason string) bool {
	return reason == "" || reason == ReasonBadTimestamp || reason == ReasonBadRequest
}

// formats is the format table, in sniffing order: the most specific format first. A new format is a
// new file with its sniff and parse functions and one row here.
var formats = []formatSpec{
	{name: "okta-array", sniffWindow: sniffOktaArray, newParser: newSysLogJSONParser, stream: true},
	{name: "okta-ndjson", sniff: sniffSysLogJSON, newParser: newSysLogJSONParser, splittable: true},
	{name: "okta-csv", sniff: sniffSysLogCSV, newParser: newSysLogCSVParser},
	{name: "cloudflare", sniff: sniffCloudflare, parse: cloudflareMapping.parse, newFileParser: cloudflareMapping.newFileParser,
		splittable: true, lineDetect: true},
	{name: "caddy", sniff: sniffCaddy, parse: caddyMapping.parse, newFileParser: caddyMapping.newFileParser, splittable: true,
		lineDetect: true},
	{name: "envoy", sniff: sniffEnvoy, parse: envoyMapping.parse, newFileParser: envoyMapping.newFileParser, splittable: true,
		lineDetect: true},
	{name: "envoy-text", sniff: sniffEnvoyText, parse: parseEnvoyText, parseXFF: parseEnvoyTextXFF, splittable: true,
		lineDetect: true},
	{name: "w3c", sniff: sniffW3C, newParser: newW3CParser},
	{name: "alb", sniff: sniffALB, parse: parseALB, splittable: true, lineDetect: true},
	{name: "haproxy", sniff: sniffHAProxy, newParser: newHAProxyParser, lineDetect: true},
	{name: "vhost_combined", sniff: sniffVhostCombined, parse: parseVhostCombined, parseXFF: parseVhostCombinedXFF,
		newFileParser: newVhostCombinedFileParser, lineDetect: true},
	{name: "combined", sniff: sniffCombined, parse: parseCLF, parseXFF: parseCLFXFF, newFileParser: newCombinedFileParser,
		splittable: true, lineDetect: true},
	{name: "common", sniff: sniffCommon, parse: parseCLF, newFileParser: newCommonFileParser, splittable: true, lineDetect: true},
	{name: "nginx", newParser: newNginxParser, splittable: true},
	{name: "json", sniff: sniffGenericJSON, newParser: newJSONParser, splittable: true, lineDetect: true},
}

// emptyFormat is the format of a file whose sniff window holds no non-blank line. Such a file has no
// line to parse (a file with 64 KiB of blank lines followed by more is an unknown format instead).
var emptyFormat = formatSpec{
	name:  "empty",
	sniff: func([]byte) bool { return false },
	parse: func([]byte, *Record) string { return ReasonMalformed },
}

// Formats returns the names of the known formats, in sniffing order.
func Formats() []string {
	names := make([]string, len(formats))
	for i := range formats {
		names[i] = formats[i].name
	}
	return names
}

// formatIndex maps a format name to its row of formats.
var formatIndex = func() map[string]int {
	m := make(map[string]int, len(formats))
	for i := range formats {
		m[formats[i].name] = i
	}
	return m
}()

// lookupFormat returns the row of formats named name, or nil.
func lookupFormat(name string) *formatSpec {
	if i, ok := formatIndex[name]; ok {
		return &formats[i]
	}
	return nil
}

func knownFormats() string { return strings.Join(Formats(), ", ") }

// unknownFormatName is the error for a format name that is not in the table.
func unknownFormatName(name string) error {
	return fmt.Errorf("%w %q (known formats: %s)", ErrUnknownFormat, name, knownFormats())
}

// parseError describes one line that could not be parsed. parseLine returns it; the [Reader] does
// not (it counts bad lines in [Stats] instead), but fills File and Line the same way in its [Skip]
// examples.
type parseError struct {
	Format  string // format the line was parsed as, e.g. "combined"
	File    string // file name; "" when unknown
	Line    int    // 1-based line number (for okta-array: event index); 0 when unknown
	Reason  string // one of [Reasons]
	Excerpt string // the first 200 bytes of the line, invalid UTF-8 replaced by U+FFFD
}

// Error returns, e.g., `access.log:17: combined: bad-timestamp: "10.0.0.1 - - [31/Feb/2026…"`.
// The file and line are left out when unknown.
func (e *parseError) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	fmt.Fprintf(&b, "%s: %s: %q", e.Format, e.Reason, e.Excerpt)
	return b.String()
}

// parseLine parses one line in the named format (one of [Formats]) into rec. A trailing line ending
// ("\n" or "\r\n") and surrounding spaces and tabs are ignored.
//
// On success it returns nil and sets every field of rec except Line, which it leaves as it was; the
// strings in rec alias line (or are copies) and stay valid only while line is not modified.
//
// Each line is parsed alone, with zero [Options]: "nginx" uses nginx's predefined combined
// log_format, "json" the default keys (time/timestamp/ts/@timestamp, method, path/uri/url, status,
// client, user_agent), "w3c" IIS's default field list; an "okta-csv" data line, which needs its
// header row, is malformed; "okta-array" parses one array element (an event object). Rate-limit
// events are not kept. On failure it returns a
// *parseError whose Reason is one of [Reasons] (File and Line are zero), and rec is left untouched:
// there is never a half-built record. An unknown format name returns an error wrapping
// [ErrUnknownFormat].
func parseLine(format string, line []byte, rec *Record) error {
	spec := lookupFormat(format)
	if spec == nil {
		return unknownFormatName(format)
	}
	parse := spec.parse
	if spec.newParser != nil {
		p, err := spec.newParser(&Options{}, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", format, err)
		}
		parse = p
	}
	t := trimLine(line)
	reason := ReasonBlank
	if len(t) > 0 {
		reason = parse(t, rec)
	}
	if reason == "" {
		if rec.Principal == "" {
			rec.Principal = oauthClientID(rec.Target)
		}
		return nil
	}
	return &parseError{Format: format, Reason: reason, Excerpt: excerpt(bytes.TrimRight(line, "\r\n"))}
}

// trimLine strips a trailing "\n" or "\r\n" and the spaces, tabs and carriage returns around the line.
func trimLine(b []byte) []byte {
	i, j := 0, len(b)
	for j > i && isBlankByte(b[j-1]) {
		j--
	}
	for i < j && isBlankByte(b[i]) {
		i++
	}
	return b[i:j]
}

func isBlankByte(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// excerptBytes is the length of [Skip.Excerpt] and parseError.Excerpt.
const excerptBytes = 200

// excerpt returns the first 200 bytes of b, redacted ([Redact]: the whole line is masked before it
// is cut, so no secret is cut in half and kept), as valid UTF-8: a rune cut by the limit is dropped and
// invalid bytes are replaced by U+FFFD.
func excerpt(b []byte) string {
	s := Redact(strings.ToValidUTF8(string(b), "\uFFFD"))
	if len(s) > excerptBytes {
		cut := excerptBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

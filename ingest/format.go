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
// wrapping error lists the known formats.
var ErrUnknownFormat = errors.New("unknown log format")

// formatSpec is one row of the format table.
type formatSpec struct {
	name string
	// sniff reports whether a complete, trimmed, non-blank line has this format's shape. A line whose
	// timestamp or request field is bad still has the shape: it is a line of this format that will be
	// skipped for that reason.
	sniff func(line []byte) bool
	// parse parses a trimmed, non-blank line into rec. It returns "" on success; otherwise the skip
	// reason, and rec is left untouched. The strings it stores alias line.
	parse func(line []byte, rec *Record) (reason string)
}

// formats is the format table, in sniffing order: the most specific format first. A new format is a
// new file with its sniff and parse functions and one row here.
var formats = []formatSpec{
	{name: "combined", sniff: sniffCombined, parse: parseCLF},
	{name: "common", sniff: sniffCommon, parse: parseCLF},
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

func lookupFormat(name string) *formatSpec {
	for i := range formats {
		if formats[i].name == name {
			return &formats[i]
		}
	}
	return nil
}

func knownFormats() string { return strings.Join(Formats(), ", ") }

// unknownFormatName is the error for a format name that is not in the table.
func unknownFormatName(name string) error {
	return fmt.Errorf("%w %q (known formats: %s)", ErrUnknownFormat, name, knownFormats())
}

// ParseError describes one line that could not be parsed. [ParseLine] returns it; the [Reader] does
// not (it counts bad lines in [Stats] instead), but fills File and Line the same way in its [Skip]
// examples.
type ParseError struct {
	Format  string // format the line was parsed as, e.g. "combined"
	File    string // file name; "" when unknown
	Line    int    // 1-based line number; 0 when unknown
	Reason  string // one of [Reasons]
	Excerpt string // the first 200 bytes of the line, invalid UTF-8 replaced by U+FFFD
}

// Error returns, e.g., `access.log:17: combined: bad-timestamp: "10.0.0.1 - - [31/Feb/2026…"`.
// The file and line are left out when unknown.
func (e *ParseError) Error() string {
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

// ParseLine parses one line in the named format (one of [Formats]) into rec. A trailing line ending
// ("\n" or "\r\n") and surrounding spaces and tabs are ignored.
//
// On success it returns nil and sets every field of rec except Line, which it leaves as it was; the
// strings in rec alias line and stay valid only while line is not modified. On failure it returns a
// *[ParseError] whose Reason is one of [Reasons] (File and Line are zero), and rec is left untouched:
// there is never a half-built record. An unknown format name returns an error wrapping
// [ErrUnknownFormat].
func ParseLine(format string, line []byte, rec *Record) error {
	spec := lookupFormat(format)
	if spec == nil {
		return unknownFormatName(format)
	}
	t := trimLine(line)
	reason := ReasonBlank
	if len(t) > 0 {
		reason = spec.parse(t, rec)
	}
	if reason == "" {
		return nil
	}
	return &ParseError{Format: format, Reason: reason, Excerpt: excerpt(bytes.TrimRight(line, "\r\n"))}
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

// excerptBytes is the length of [Skip.Excerpt] and [ParseError.Excerpt].
const excerptBytes = 200

// excerpt returns the first 200 bytes of b as valid UTF-8: a rune cut by the limit is dropped and
// invalid bytes are replaced by U+FFFD.
func excerpt(b []byte) string {
	if len(b) > excerptBytes {
		cut := excerptBytes
		for k := cut; k > cut-utf8.UTFMax; k-- {
			if utf8.RuneStart(b[k]) {
				cut = k
				break
			}
		}
		b = b[:cut]
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

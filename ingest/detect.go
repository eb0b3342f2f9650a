package ingest

import "bytes"

// Format detection. A file's format is the one most of the complete lines of its sniff window have
// (a vote: each line votes for the first format of the table whose shape it has, and ties go to the
// table's order, most specific first). Then, while the file is read, a line that fails under that
// format — not its shape (malformed), or not a request in it — is detected alone: it is read in the
// first other format of the table that can read a line on its own (formatSpec.lineDetect) and whose
// shape it has. Which format that is depends on the line alone, so a file reads the same whole or
// in parts ([OpenParts]), a part that starts in a region of another format included. A file that
// concatenates several formats, or a syslog file in which several daemons write, is so read whole;
// [Stats.Formats] says how many lines were read as each format. A line that no format reads keeps
// the reason the file's format gave it (but see isMessage in wrap.go).
//
// Detection is off when the format is given (Options.Format, LogFormat, HAProxyLogFormat or
// Fields): every line is then read in that format. It applies only between the formats whose lines
// stand alone (formatSpec.lineDetect): never to okta-*, w3c or nginx lines, which need their file
// (a header row, a #Fields: directive, a log_format, the events of one request), nor inside such
// a file.
//
// Cost: a file in one format never reaches detection (a line that parses costs nothing more). A
// line that fails is sniffed against the other formats in table order: a text format rejects a
// line of another shape after a few bytes, but the JSON formats decode a JSON line to sniff it. On
// the 2-core development VM, lines of seven formats (three of them JSON) read at about 110,000 lines
// a second interleaved line by line and 160,000 concatenated in runs, against 0.4–3.3 million for
// one format (BenchmarkReadMixed, BenchmarkReadFormats).

// windowLines returns the complete, trimmed, non-blank lines of a sniff window (a last piece without
// its newline is one only when the input ends there: atEOF), leaving out lines longer than maxLine.
func windowLines(window []byte, atEOF bool, maxLine int) [][]byte {
	complete := window
	if !atEOF {
		complete = window[:bytes.LastIndexByte(window, '\n')+1]
	}
	var lines [][]byte
	for len(complete) > 0 {
		line := complete
		if nl := bytes.IndexByte(complete, '\n'); nl >= 0 {
			line, complete = complete[:nl], complete[nl+1:]
		} else {
			complete = nil
		}
		if t := trimLine(line); len(t) > 0 && len(bytes.TrimSuffix(line, []byte{'\r'})) <= maxLine {
			lines = append(lines, t)
		}
	}
	return lines
}

// unwrapLines returns the lines inside wrapped lines (see wrap.go), as fresh copies; a line that is
// not wrapped is left as it is, and one whose inside is blank or a partial piece is left out.
func unwrapLines(lines [][]byte, w wrapKind) [][]byte {
	if w == wrapNone {
		return lines
	}
	out := make([][]byte, 0, len(lines))
	for _, l := range lines {
		inner, _, kind := w.unwrap(l, nil)
		switch kind {
		case notWrapped:
			out = append(out, l)
		case wrappedLine, wrappedMessage:
			if t := trimLine(inner); len(t) > 0 {
				out = append(out, bytes.Clone(t))
			}
		}
	}
	return out
}

// voteFormat returns the format most lines have the shape of (each line counting for the first
// format of the table it fits), ties to the earlier format; nil when no line fits any.
func voteFormat(lines [][]byte) *formatSpec {
	votes := make([]int, len(formats))
	best := -1
	for _, line := range lines {
		for i := range formats {
			if formats[i].sniff == nil || !formats[i].sniff(line) {
				continue
			}
			votes[i]++
			if best < 0 || votes[i] > votes[best] || votes[i] == votes[best] && i < best {
				best = i
			}
			break
		}
		if best >= 0 && 2*votes[best] > len(lines) {
			break // a majority of all the lines: no other format can catch up
		}
	}
	if best < 0 {
		return nil
	}
	return &formats[best]
}

// lineDetect reads, for one Reader, the lines that fail under its format in the other formats.
type lineDetect struct {
	opt     Options
	primary int                                     // the Reader's format, an index into formats
	parsers []func(line []byte, rec *Record) string // by format index, built on first use
	lines   []int64                                 // lines read as each format other than the primary
	any     bool                                    // some line was read in another format
}

// newLineDetect returns the per-line detection of a Reader of format f, or nil when it does not
// apply to f: only a format that is itself read line by line (formatSpec.lineDetect) has it.
func newLineDetect(f *formatSpec, opt *Options) *lineDetect {
	i, ok := formatIndex[f.name]
	if !ok || !f.lineDetect {
		return nil
	}
	o := Options{ForwardedFor: opt.ForwardedFor}
	return &lineDetect{opt: o, primary: i,
		parsers: make([]func([]byte, *Record) string, len(formats)), lines: make([]int64, len(formats))}
}

// failed reports whether a skip reason under the file's format sends the line to detection.
func failed(reason string) bool { return reason == ReasonMalformed || reason == ReasonNotARequest }

// parser returns the parse function of format i for this file, building it on first use; nil when
// it cannot be built.
func (d *lineDetect) parser(i int) func([]byte, *Record) string {
	if p := d.parsers[i]; p != nil {
		return p
	}
	f := &formats[i]
	var p func([]byte, *Record) string
	switch {
	case f.newParser != nil:
		p, _ = f.newParser(&d.opt, nil)
	case f.newFileParser != nil:
		p = f.newFileParser(&d.opt)
	case d.opt.ForwardedFor && f.parseXFF != nil:
		p = f.parseXFF
	default:
		p = f.parse
	}
	d.parsers[i] = p
	return p
}

// read reads the trimmed line t, which failed under the file's format, in the first other format of
// the table that can read a line alone and whose shape t has. It returns the parse result (rec is
// set on "") and true; false when no format has t's shape. The format a line is read in depends on
// the line alone (not on the lines before it), so a file reads the same whole or in parts.
func (d *lineDetect) read(t []byte, rec *Record) (string, bool) {
	for i := range formats {
		f := &formats[i]
		if i == d.primary || !f.lineDetect || !f.sniff(t) {
			continue
		}
		p := d.parser(i)
		if p == nil {
			continue
		}
		d.any = true
		d.lines[i]++
		return p(t, rec), true
	}
	return "", false
}

// counts returns the lines read as each format, the primary's being the rest of total; nil when
// every line was read as the primary.
func (d *lineDetect) counts(total int64) map[string]int64 {
	if d == nil || !d.any {
		return nil
	}
	m := map[string]int64{}
	rest := total
	for i, n := range d.lines {
		if n > 0 {
			m[formats[i].name] = n
			rest -= n
		}
	}
	if rest > 0 {
		m[formats[d.primary].name] = rest
	}
	return m
}

package ingest

import "bytes"

// The combined and common formats (nginx and Apache):
//
//	client ident user [time] "request" status bytes ["referer" "user-agent"] [extra fields...]
//
// Fields are separated by one or more spaces. A quoted field ends at the first '"' not escaped by a
// backslash and must be followed by a space or the end of the line; extra fields after bytes are
// either quoted (and then must be balanced) or bare tokens. When the first two extra fields are both
// quoted they are the referer and the user agent, which makes the line a combined one.

// sniffCombined reports whether line has the combined shape, referer and user agent included.
func sniffCombined(line []byte) bool {
	var rec Record
	reason, agent := scanCLF(line, &rec, false)
	return agent && shapeOK(reason)
}

// sniffCommon reports whether line has at least the common shape.
func sniffCommon(line []byte) bool {
	var rec Record
	reason, _ := scanCLF(line, &rec, false)
	return shapeOK(reason)
}

// parseCLF parses a trimmed, non-blank combined or common line (the formatSpec.parse of both).
func parseCLF(line []byte, rec *Record) string {
	reason, _ := scanCLFCached(line, rec, false, nil)
	return reason
}

// parseCLFXFF is parseCLF for Options.ForwardedFor.
func parseCLFXFF(line []byte, rec *Record) string {
	reason, _ := scanCLFCached(line, rec, true, nil)
	return reason
}

// clfParser is parseCLF (or parseCLFXFF) with a timestamp cache, for the lines of one file.
type clfParser struct {
	xff bool
	tc  clfTimeCache
}

// parse is the parse function of p.
func (p *clfParser) parse(line []byte, rec *Record) string {
	reason, _ := scanCLFCached(line, rec, p.xff, &p.tc)
	return reason
}

// newCombinedFileParser returns parseCLF, or parseCLFXFF for Options.ForwardedFor, with a timestamp
// cache (the formatSpec.newFileParser of combined).
func newCombinedFileParser(opt *Options) func([]byte, *Record) string {
	return (&clfParser{xff: opt.ForwardedFor}).parse
}

// newCommonFileParser returns parseCLF with a timestamp cache (the formatSpec.newFileParser of
// common, which logs no X-Forwarded-For).
func newCommonFileParser(*Options) func([]byte, *Record) string {
	return (&clfParser{}).parse
}

// scanCLF parses line into rec. It returns the skip reason ("" on success; rec is untouched otherwise)
// and whether the line holds the quoted referer and user-agent pair, which is known as soon as the
// line's structure is (so also for a bad timestamp or request field). Structure is checked first: a
// line that is both malformed and has a bad timestamp is malformed. With xff, the client is the first
// hop of a quoted X-Forwarded-For field right after the user agent, when there is one (not "-").
func scanCLF(line []byte, rec *Record, xff bool) (reason string, agent bool) {
	n := len(line)

	// client ident user: three space-separated tokens, then '['.
	i := bytes.IndexByte(line, ' ')
	if i <= 0 {
		return ReasonMalformed, false
	}
	client := line[:i]
	for range 2 { // ident, user
		i = skipSpaces(line, i)
		sp := bytes.IndexByte(line[i:], ' ')
		if sp <= 0 {
			return ReasonMalformed, false
		}
		i += sp
	}
	i = skipSpaces(line, i)
	if i >= n || line[i] != '[' {
		return ReasonMalformed, false
	}
	end := bytes.IndexByte(line[i+1:], ']')
	if end < 0 {
		return ReasonMalformed, false
	}
	ts := line[i+1 : i+1+end]
	i += end + 2

	// "request"
	if i >= n || line[i] != ' ' {
		return ReasonMalformed, false
	}
	if i = skipSpaces(line, i); i == n || line[i] != '"' {
		return ReasonMalformed, false
	}
	q := closeQuote(line, i+1)
	if q < 0 {
		return ReasonMalformed, false
	}
	req := line[i+1 : q]
	i = q + 1

	// status bytes
	tok, i := nextToken(line, i)
	status, ok := parseStatus(tok)
	if !ok {
		return ReasonMalformed, false
	}
	if tok, i = nextToken(line, i); !isBytesField(tok) {
		return ReasonMalformed, false
	}

	// Extra fields: the referer and user agent when the first two are quoted, then anything.
	var ua []byte
	firstQuoted := false
	for field := 0; ; field++ {
		if i < n && line[i] != ' ' {
			return ReasonMalformed, false // e.g. a quote right after a closing quote
		}
		if i = skipSpaces(line, i); i >= n {
			break
		}
		if line[i] != '"' {
			sp := bytes.IndexByte(line[i:], ' ')
			if sp < 0 {
				break
			}
			i += sp
			continue
		}
		q := closeQuote(line, i+1)
		if q < 0 {
			return ReasonMalformed, false
		}
		switch {
		case field == 0:
			firstQuoted = true
		case field == 1 && firstQuoted:
			ua, agent = line[i+1:q], true
		case field == 2 && agent && xff:
			if hop := firstHop(line[i+1 : q]); len(hop) > 0 {
				client = hop
			}
		}
		i = q + 1
	}

	// Content: timestamp, then request line.
	t, ok := parseCLFTime(ts)
	if !ok {
		return ReasonBadTimestamp, agent
	}
	method, target, ok := splitRequest(req)
	if !ok {
		return ReasonBadRequest, agent
	}
	if len(ua) == 1 && ua[0] == '-' {
		ua = nil
	}
	*rec = Record{
		Time:      t,
		Method:    aliasString(method),
		Target:    aliasString(target),
		Status:    status,
		Client:    aliasString(client),
		UserAgent: aliasString(ua),
		Line:      rec.Line,
	}
	return "", agent
}

// nextToken returns the space-separated token that starts after the spaces at b[i:], and the index
// just after it. It returns an empty token when b[i] is not a space (the previous field did not end
// there) or when only spaces follow.
func nextToken(b []byte, i int) ([]byte, int) {
	if i >= len(b) || b[i] != ' ' {
		return nil, i
	}
	i = skipSpaces(b, i)
	sp := bytes.IndexByte(b[i:], ' ')
	if sp < 0 {
		return b[i:], len(b)
	}
	return b[i : i+sp], i + sp
}

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

// shapeOK reports whether a parse result means the line has the format's shape, even if its timestamp
// or request field is bad.
func shapeOK(reason string) bool {
	return reason == "" || reason == ReasonBadTimestamp || reason == ReasonBadRequest
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

// parseCLFTime parses a timestamp `02/Jan/2006:15:04:05 -0700`, optionally with fractional seconds
// after the seconds (`15:04:05.123`), into Unix microseconds (UTC). Digits beyond microseconds are
// truncated. It rejects impossible values: an unknown or wrongly cased month, a day past the end of
// the month (leap years counted), an hour over 23, a minute or second over 59, and an offset whose
// hours exceed 14 or minutes exceed 59.
func parseCLFTime(b []byte) (int64, bool) {
	const minLen = len("02/Jan/2006:15:04:05 -0700")
	if len(b) < minLen || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' {
		return 0, false
	}
	day, ok1 := num2(b[0:2])
	month := monthNumber(b[3:6])
	year, ok2 := num4(b[7:11])
	hour, ok3 := num2(b[12:14])
	minute, ok4 := num2(b[15:17])
	sec, ok5 := num2(b[18:20])
	if !(ok1 && ok2 && ok3 && ok4 && ok5) || month == 0 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return 0, false
	}
	i := 20
	var micros int64
	if b[i] == '.' {
		i++
		start := i
		for i < len(b) && isDigit(b[i]) {
			if i-start < 6 {
				micros = micros*10 + int64(b[i]-'0')
			}
			i++
		}
		if i == start {
			return 0, false
		}
		for k := i - start; k < 6; k++ {
			micros *= 10
		}
	}
	if len(b)-i != len(" -0700") || b[i] != ' ' {
		return 0, false
	}
	sign := int64(1)
	switch b[i+1] {
	case '+':
	case '-':
		sign = -1
	default:
		return 0, false
	}
	oh, ok1 := num2(b[i+2 : i+4])
	om, ok2 := num2(b[i+4 : i+6])
	if !ok1 || !ok2 || oh > 14 || om > 59 {
		return 0, false
	}
	secs := daysFromCivil(year, month, day)*86400 + int64(hour*3600+minute*60+sec) - sign*int64(oh*3600+om*60)
	return secs*1_000_000 + micros, true
}

func num2(b []byte) (int, bool) {
	d0, d1 := b[0]-'0', b[1]-'0'
	return int(d0)*10 + int(d1), d0 <= 9 && d1 <= 9
}

func num4(b []byte) (int, bool) {
	hi, ok1 := num2(b[0:2])
	lo, ok2 := num2(b[2:4])
	return hi*100 + lo, ok1 && ok2
}

// monthNumber returns 1–12 for an English three-letter month name as logged ("Jan"…"Dec"), else 0.
func monthNumber(b []byte) int {
	switch string(b) { // does not allocate
	case "Jan":
		return 1
	case "Feb":
		return 2
	case "Mar":
		return 3
	case "Apr":
		return 4
	case "May":
		return 5
	case "Jun":
		return 6
	case "Jul":
		return 7
	case "Aug":
		return 8
	case "Sep":
		return 9
	case "Oct":
		return 10
	case "Nov":
		return 11
	case "Dec":
		return 12
	}
	return 0
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the number of days from 1970-01-01 to the given proleptic Gregorian date
// (Howard Hinnant's days_from_civil).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

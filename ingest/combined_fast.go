package ingest

import (
	"bytes"
	"encoding/binary"
)

// The fast path of the combined and common formats.
//
// scanCLF checks every field with general code: any number of spaces between fields, escaped quotes,
// "-" for a status, a timestamp with fractional seconds. Nearly every line of a real log has one
// shape, though: single spaces, "- -" or two short tokens before the bracketed timestamp, a
// 26-byte timestamp, three status digits, a request line `METHOD TARGET HTTP/x`. scanCLFFast reads
// such a line in one pass: fixed-size fields at their expected places, bytes.IndexByte to the end
// of the others, then only the ends of the request line (method and protocol) and a timestamp whose
// minute is usually cached (see clfTimeCache). It leaves every other line to scanCLF: it never
// decides that a line is bad, so the skip reasons, their order of precedence and the examples stay
// scanCLF's. TestCLFFastMatchesScanCLF and FuzzCLFFast check that whenever scanCLFFast accepts a
// line, scanCLF accepts it too, with the same record; the careful code (scanCLF, parseCLFTime,
// splitRequest) stays the reference.

// scanCLFCached is scanCLF with the fast path first: it returns what scanCLF(line, rec, xff) returns.
// tc, when not nil, caches the last timestamp's date, hour, minute and zone across calls.
func scanCLFCached(line []byte, rec *Record, xff bool, tc *clfTimeCache) (reason string, agent bool) {
	if agent, ok := scanCLFFast(line, rec, xff, tc); ok {
		return "", agent
	}
	return scanCLF(line, rec, xff)
}

// scanCLFFast parses a well-formed combined or common line into rec and reports ok. When the line
// is not of the common shape it reads (see above), or is bad in any way, it returns ok false and
// leaves rec untouched; the caller then runs scanCLF. When ok is true, rec and agent are exactly what
// scanCLF(line, rec, xff) would give, with the reason "". tc may be nil.
func scanCLFFast(line []byte, rec *Record, xff bool, tc *clfTimeCache) (agent, ok bool) {
	n := len(line)

	// client, then " - - [" or " ident user [" with single spaces.
	i := bytes.IndexByte(line, ' ')
	if i <= 0 {
		return false, false
	}
	client := line[:i]
	if i+6 <= n && string(line[i:i+6]) == " - - [" {
		i += 6
	} else {
		if i = tokenEnd(line, i+1); i < 0 { // ident
			return false, false
		}
		if i = tokenEnd(line, i+1); i < 0 { // user
			return false, false
		}
		if i+1 >= n || line[i+1] != '[' {
			return false, false
		}
		i += 2
	}

	// [time]: the 26 bytes of "10/Oct/2026:13:55:36 -0700" are followed by ']' in nearly every log.
	// parseCLFTimeCached accepts no ']' inside them (nor does its cache hold one), so when it accepts
	// them they are the field scanCLF finds too, which ends at the first ']'.
	var ts []byte
	if i+26 < n && line[i+26] == ']' {
		ts = line[i : i+26]
		i += 27
	} else {
		end := bytes.IndexByte(line[i:], ']')
		if end < 0 {
			return false, false
		}
		ts = line[i : i+end]
		i += end + 1
	}

	// "request"
	if rest := line[i:]; len(rest) < 2 || rest[0] != ' ' || rest[1] != '"' {
		return false, false
	}
	start := i + 2
	k := bytes.IndexByte(line[start:], '"')
	if k < 0 {
		return false, false
	}
	q := start + k
	if k > 0 && line[q-1] == '\\' {
		if q = closeQuote(line, start); q < 0 {
			return false, false
		}
	}
	req := line[start:q]

	// " ddd " status, then the bytes field: digits or "-".
	st := line[q+1:] // (one bounds check for the six bytes below)
	if len(st) < 6 || st[0] != ' ' || st[4] != ' ' {
		return false, false
	}
	d0, d1, d2 := st[1]-'0', st[2]-'0', st[3]-'0'
	if d0 > 9 || d1 > 9 || d2 > 9 {
		return false, false
	}
	status := int(d0)*100 + int(d1)*10 + int(d2)
	i = q + 6
	if st[5] == '-' {
		i++
	} else {
		b0 := i
		for i < n && isDigit(line[i]) {
			i++
		}
		if i == b0 {
			return false, false
		}
	}

	// Extra fields, as scanCLF reads them: the referer and user agent when the first two are quoted,
	// then anything with balanced quotes.
	var ua []byte
	firstQuoted := false
	for field := 0; i < n; field++ {
		if line[i] != ' ' {
			return false, false
		}
		for i < n && line[i] == ' ' {
			i++
		}
		if i >= n {
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
		start := i + 1
		q := start + 1 // "-": no IndexByte call for the usual empty referer
		if q >= n || line[q] != '"' || line[start] != '-' {
			k := bytes.IndexByte(line[start:], '"')
			if k < 0 {
				return false, false
			}
			q = start + k
			if k > 0 && line[q-1] == '\\' {
				if q = closeQuote(line, start); q < 0 {
					return false, false
				}
			}
		}
		switch {
		case field == 0:
			firstQuoted = true
		case field == 1 && firstQuoted:
			ua, agent = line[start:q], true
		case field == 2 && agent && xff:
			if hop := firstHop(line[start:q]); len(hop) > 0 {
				client = hop
			}
		}
		i = q + 1
	}

	t, ok := parseCLFTimeCached(ts, tc)
	if !ok {
		return false, false
	}
	method, target, ok := splitRequestFast(req)
	if !ok {
		return false, false
	}
	if len(ua) == 1 && ua[0] == '-' {
		ua = nil
	}
	// Field by field: a struct literal is built on the stack and copied, which is slower.
	*rec = Record{Line: rec.Line}
	rec.Time = t
	rec.Method = aliasString(method)
	rec.Target = aliasString(target)
	rec.Status = status
	rec.Client = aliasString(client)
	rec.UserAgent = aliasString(ua)
	return agent, true
}

// tokenEnd returns the index of the space that ends the token starting at b[i], or -1 when b[i] is
// a space or past the end (no token, or more than one space before it) or no space follows the
// token.
func tokenEnd(b []byte, i int) int {
	if i >= len(b) || b[i] == ' ' {
		return -1
	}
	for i < len(b) {
		if b[i] == ' ' {
			return i
		}
		i++
	}
	return -1
}

// clfTimeCache remembers the last CLF timestamp parsed whole: its bytes but the seconds, as four
// little-endian words, and the instant of its minute. Consecutive lines of a log nearly always share
// the date, hour, minute and zone, so parseCLFTimeCached then only reads the seconds. The zero value
// is an empty cache.
type clfTimeCache struct {
	valid bool
	w0    uint64 // "10/Oct/2"
	w1    uint64 // "026:13:5"
	w2    uint64 // "5:36 -07" with the seconds masked out
	w3    uint16 // "00"
	base  int64  // Unix seconds of the minute (second 0), UTC
}

// clfSecondsMask clears the seconds from the word of bytes 16–23 of a timestamp.
const clfSecondsMask = ^uint64(0xFFFF_0000)

// parseCLFTimeCached is parseCLFTime, reading only the seconds of a 26-byte timestamp (no fraction)
// whose other bytes are those of the last one parsed into tc, and filling tc from the others that
// parse. tc may be nil.
func parseCLFTimeCached(b []byte, tc *clfTimeCache) (int64, bool) {
	if len(b) != 26 {
		return parseCLFTime(b)
	}
	if tc == nil {
		return parseCLFTime26(b)
	}
	w0 := binary.LittleEndian.Uint64(b[0:8])
	w1 := binary.LittleEndian.Uint64(b[8:16])
	w2 := binary.LittleEndian.Uint64(b[16:24]) & clfSecondsMask
	w3 := binary.LittleEndian.Uint16(b[24:26])
	s0, s1 := b[18]-'0', b[19]-'0'
	if tc.valid && w0 == tc.w0 && w1 == tc.w1 && w2 == tc.w2 && w3 == tc.w3 && s0 <= 5 && s1 <= 9 {
		return (tc.base + int64(s0)*10 + int64(s1)) * 1_000_000, true
	}
	t, ok := parseCLFTime26(b)
	if ok {
		*tc = clfTimeCache{valid: true, w0: w0, w1: w1, w2: w2, w3: w3,
			base: t/1_000_000 - int64(s0)*10 - int64(s1)}
	}
	return t, ok
}

// parseCLFTime26 is parseCLFTime in straight-line code for the usual timestamp of 26 bytes,
// "10/Oct/2026:13:55:36 -0700", which has no room for fractional seconds: it checks the same things
// (TestParseCLFTime26 compares the two). Other lengths go to parseCLFTime.
func parseCLFTime26(b []byte) (int64, bool) {
	if len(b) != 26 {
		return parseCLFTime(b)
	}
	_ = b[25]
	if b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' || b[20] != ' ' {
		return 0, false
	}
	var sign int
	switch b[21] {
	case '+':
		sign = 1
	case '-':
		sign = -1
	default:
		return 0, false
	}
	d0, d1 := uint32(b[0]-'0'), uint32(b[1]-'0')
	y0, y1, y2, y3 := uint32(b[7]-'0'), uint32(b[8]-'0'), uint32(b[9]-'0'), uint32(b[10]-'0')
	h0, h1 := uint32(b[12]-'0'), uint32(b[13]-'0')
	m0, m1 := uint32(b[15]-'0'), uint32(b[16]-'0')
	s0, s1 := uint32(b[18]-'0'), uint32(b[19]-'0')
	oh0, oh1, om0, om1 := uint32(b[22]-'0'), uint32(b[23]-'0'), uint32(b[24]-'0'), uint32(b[25]-'0')
	// A byte value d (0–255) is a digit when d+6 < 16: one test for the sixteen digits.
	if ((d0+6)|(d1+6)|(y0+6)|(y1+6)|(y2+6)|(y3+6)|(h0+6)|(h1+6)|(m0+6)|(m1+6)|(s0+6)|(s1+6)|
		(oh0+6)|(oh1+6)|(om0+6)|(om1+6))&^15 != 0 {
		return 0, false
	}
	day := int(d0*10 + d1)
	year := int(y0*1000 + y1*100 + y2*10 + y3)
	hour := int(h0*10 + h1)
	minute := int(m0*10 + m1)
	sec := int(s0*10 + s1)
	oh := int(oh0*10 + oh1)
	om := int(om0*10 + om1)
	month := monthNumber3(b[3], b[4], b[5])
	if month == 0 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 || oh > 14 || om > 59 {
		return 0, false
	}
	secs := civilDays(year, month, day)*86400 + int64(hour*3600+minute*60+sec-sign*(oh*3600+om*60))
	return secs * 1_000_000, true
}

// civilDays is daysFromCivil for the years 0–9999 and months 1–12, with unsigned divisions that do
// not wait for each other and a table for the months.
func civilDays(year, month, day int) int64 {
	// Count years from March 1 of year -400 (146097 days, a whole Gregorian cycle, before year 0), so
	// that January and February belong to the year before and nothing is negative.
	y := uint(year + 400)
	if month <= 2 {
		y--
	}
	doy := int(marchDays[month&15]) + day - 1
	return int64(y*365+y/4-y/100+y/400) + int64(doy) - 719468 - 146097
}

// marchDays holds, for each month 1–12, the days from March 1 to the first of that month in a year
// that starts on March 1 (January and February count as the end of the year before).
var marchDays = [16]uint16{1: 306, 2: 337, 3: 0, 4: 31, 5: 61, 6: 92, 7: 122, 8: 153, 9: 184, 10: 214, 11: 245, 12: 275}

// monthNumber3 is monthNumber for the three bytes a, b, c.
func monthNumber3(a, b, c byte) int {
	switch uint32(a)<<16 | uint32(b)<<8 | uint32(c) {
	case 'J'<<16 | 'a'<<8 | 'n':
		return 1
	case 'F'<<16 | 'e'<<8 | 'b':
		return 2
	case 'M'<<16 | 'a'<<8 | 'r':
		return 3
	case 'A'<<16 | 'p'<<8 | 'r':
		return 4
	case 'M'<<16 | 'a'<<8 | 'y':
		return 5
	case 'J'<<16 | 'u'<<8 | 'n':
		return 6
	case 'J'<<16 | 'u'<<8 | 'l':
		return 7
	case 'A'<<16 | 'u'<<8 | 'g':
		return 8
	case 'S'<<16 | 'e'<<8 | 'p':
		return 9
	case 'O'<<16 | 'c'<<8 | 't':
		return 10
	case 'N'<<16 | 'o'<<8 | 'v':
		return 11
	case 'D'<<16 | 'e'<<8 | 'c':
		return 12
	}
	return 0
}

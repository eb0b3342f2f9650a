package ingest

import (
	"encoding/binary"
	"math"
)

// Timestamp parsers shared by the formats: ISO 8601, Unix epoch numbers and CLF's
// "02/Jan/2006:15:04:05 -0700" (with a cache for the lines of one file), and the civil-date
// arithmetic under them.

// parseISOTime parses an ISO 8601 / RFC 3339 timestamp into Unix microseconds (UTC):
//
//	2006-01-02T15:04:05[.frac][Z|±07:00|±0700|±07]
//
// The separator may be 'T', 't' or a space; fractional seconds of any length are truncated to
// microseconds (',' is accepted as the decimal mark); a timestamp without a zone is taken as UTC (as
// Okta's System Log exports in SIEMs write "2022-08-26 07:51:24.601"). Impossible dates and times are
// rejected like in parseCLFTime.
func parseISOTime(b []byte) (int64, bool) {
	if len(b) < len("2006-01-02T15:04:05") || b[4] != '-' || b[7] != '-' || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	if c := b[10]; c != 'T' && c != 't' && c != ' ' {
		return 0, false
	}
	year, ok1 := num4(b[0:4])
	month, ok2 := num2(b[5:7])
	day, ok3 := num2(b[8:10])
	hour, ok4 := num2(b[11:13])
	minute, ok5 := num2(b[14:16])
	sec, ok6 := num2(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 ||
		day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return 0, false
	}
	i := 19
	micros, i, ok := parseFraction(b, i)
	if !ok {
		return 0, false
	}
	off, ok := parseZone(b[i:])
	if !ok {
		return 0, false
	}
	secs := daysFromCivil(year, month, day)*86400 + int64(hour*3600+minute*60+sec) - off
	return secs*1_000_000 + micros, true
}

// parseFraction parses an optional ".123456…" (or ",123…") at b[i:], returning microseconds
// (truncated) and the index after it.
func parseFraction(b []byte, i int) (int64, int, bool) {
	if i >= len(b) || (b[i] != '.' && b[i] != ',') {
		return 0, i, true
	}
	i++
	start := i
	var micros int64
	for i < len(b) && isDigit(b[i]) {
		if i-start < 6 {
			micros = micros*10 + int64(b[i]-'0')
		}
		i++
	}
	if i == start {
		return 0, i, false
	}
	for k := i - start; k < 6; k++ {
		micros *= 10
	}
	return micros, i, true
}

// parseZone parses a whole zone suffix: "", "Z", " UTC", "+07:00", "+0700", "+07" (an optional
// space before the sign is allowed). It returns the offset east of UTC in seconds.
func parseZone(b []byte) (int64, bool) {
	if len(b) > 0 && b[0] == ' ' {
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	switch string(b) {
	case "", "Z", "z", "UTC", "GMT":
		return 0, true
	}
	sign := int64(1)
	switch b[0] {
	case '+':
	case '-':
		sign = -1
	default:
		return 0, false
	}
	b = b[1:]
	var oh, om int
	var ok1, ok2 bool
	switch {
	case len(b) == 2:
		oh, ok1 = num2(b)
		ok2 = true
	case len(b) == 4:
		oh, ok1 = num2(b[0:2])
		om, ok2 = num2(b[2:4])
	case len(b) == 5 && b[2] == ':':
		oh, ok1 = num2(b[0:2])
		om, ok2 = num2(b[3:5])
	default:
		return 0, false
	}
	if !ok1 || !ok2 || oh > 14 || om > 59 {
		return 0, false
	}
	return sign * int64(oh*3600+om*60), true
}

// parseEpoch parses a Unix timestamp written as a decimal number ("1712790000", "1761019828.6153953",
// "1712790000123000000") into Unix microseconds. The unit of an integer is told by its size:
// seconds up to 11 digits, then milliseconds (up to 14), microseconds (up to 17) and nanoseconds.
// A number with a fraction is in seconds. Negative, exponent and empty numbers are rejected.
func parseEpoch(b []byte) (int64, bool) {
	i := 0
	var n int64
	for i < len(b) && isDigit(b[i]) {
		d := int64(b[i] - '0')
		if n > (math.MaxInt64-d)/10 {
			return 0, false
		}
		n = n*10 + d
		i++
	}
	digits := i
	if digits == 0 {
		return 0, false
	}
	if i < len(b) {
		if digits > 11 {
			return 0, false
		}
		micros, j, ok := parseFraction(b, i)
		if !ok || j != len(b) {
			return 0, false
		}
		return n*1_000_000 + micros, true
	}
	switch {
	case digits <= 11:
		return n * 1_000_000, true
	case digits <= 14:
		return n * 1_000, true
	case digits <= 17:
		return n, true
	default:
		return n / 1_000, true
	}
}

// parseAnyTime parses an ISO 8601 timestamp, a Unix epoch number (see parseEpoch) or a CLF
// timestamp, whichever b is.
func parseAnyTime(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	if t, ok := parseEpoch(b); ok {
		return t, true
	}
	if t, ok := parseISOTime(b); ok {
		return t, true
	}
	return parseCLFTime(b)
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

// num2 parses two ASCII digits; ok is false when either is not a digit.
func num2(b []byte) (int, bool) {
	d0, d1 := b[0]-'0', b[1]-'0'
	return int(d0)*10 + int(d1), d0 <= 9 && d1 <= 9
}

// num4 parses four ASCII digits; ok is false when any is not a digit.
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

// daysIn returns the number of days of month (1–12) in the proleptic Gregorian year.
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

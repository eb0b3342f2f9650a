package ingest

import "math"

// Timestamp parsers shared by the formats other than combined/common.

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

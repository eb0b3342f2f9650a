package ingest

// Durations as formats log them: seconds with a fraction (nginx, ALB, Caddy), or milliseconds
// (Envoy, W3C time-taken, HAProxy timers), read into microseconds.

// parseDecimal parses digits (at most maxDigits) with an optional fraction ("0.041", "12"): the
// whole part, and the fraction in millionths (digits beyond the sixth are truncated).
func parseDecimal(b []byte, maxDigits int) (whole, millionths int64, ok bool) {
	i := 0
	for i < len(b) && isDigit(b[i]) && i < maxDigits {
		whole = whole*10 + int64(b[i]-'0')
		i++
	}
	if i == 0 {
		return 0, 0, false
	}
	millionths, j, ok := parseFraction(b, i)
	if !ok || j != len(b) {
		return 0, 0, false
	}
	return whole, millionths, true
}

// parseSeconds parses a duration in seconds with an optional fraction ("0.041", "12") into
// microseconds (a fraction beyond microseconds is truncated). At most 9 integer digits.
func parseSeconds(b []byte) (int64, bool) {
	n, frac, ok := parseDecimal(b, 9)
	return n*1_000_000 + frac, ok
}

// parseMillis parses a duration in milliseconds with an optional fraction ("41", "12.5") into
// microseconds (a fraction beyond microseconds is truncated). At most 12 integer digits.
func parseMillis(b []byte) (int64, bool) {
	n, frac, ok := parseDecimal(b, 12)
	return n*1000 + frac/1000, ok
}

// durationUnits are the units a json-format duration field may be given in (Options.Fields keys
// "duration", "duration_ms", "duration_us", "duration_ns"), in microseconds per unit; 0 for
// nanoseconds, which divide.
var durationUnits = map[string]int64{"duration": 1_000_000, "duration_ms": 1000, "duration_us": 1, "duration_ns": 0}

// parseDurationUnit parses a number of units (microseconds per unit, 0: nanoseconds) with an
// optional fraction into microseconds (a fraction of a microsecond is truncated).
func parseDurationUnit(b []byte, unit int64) (int64, bool) {
	switch unit {
	case 1_000_000:
		return parseSeconds(b)
	case 1000:
		return parseMillis(b)
	}
	n, _, ok := parseDecimal(b, 18)
	if unit == 0 {
		return n / 1000, ok
	}
	return n * unit, ok
}

package ingest

import "bytes"

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
	rec.setRequest(t, method, target, status, aliasString(client), ua)
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

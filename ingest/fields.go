package ingest

import (
	"bytes"
	"strings"
)

// Fields of log lines and the values logged in them, shared by the formats: space-separated and
// quoted fields, status codes, response sizes, header values, X-Forwarded-For hops and OAuth client
// ids.

// nextField returns the next space- (or tab-) separated field of line at or after i, and the index
// after it. A field that starts with '"' runs to the closing quote (a quote escaped by a backslash
// or doubled, as IIS writes it, does not close it) and is returned without its quotes; ok is false
// for an unclosed quote or a quote followed by something other than a separator. At the end of
// the line it returns ok true and an index of -1.
func nextField(line []byte, i int) (field []byte, next int, ok bool) {
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	if i >= len(line) {
		return nil, -1, true
	}
	if line[i] != '"' { // short, as a rule: a loop beats a search
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		return line[i:j], j, true
	}
	for from := i + 1; ; {
		j := closeQuote(line, from) // the first '"' after an even run of backslashes
		switch {
		case j < 0:
			return nil, 0, false
		case j+1 < len(line) && line[j+1] == '"': // "" inside a quoted field
			from = j + 2
			continue
		case j+1 < len(line) && line[j+1] != ' ' && line[j+1] != '\t':
			return nil, 0, false
		}
		return line[i+1 : j], j + 1, true
	}
}

// splitFields splits line with nextField into at most len(dst) fields, appending to dst[:0]. It
// reports false for a bad quote or more fields than dst can hold.
func splitFields(line []byte, dst [][]byte) ([][]byte, bool) {
	out := dst[:0]
	for i := 0; ; {
		f, next, ok := nextField(line, i)
		if !ok {
			return nil, false
		}
		if next < 0 {
			return out, true
		}
		if len(out) == cap(out) {
			return nil, false
		}
		out = append(out, f)
		i = next
	}
}

// joinDateTime writes "date time" into buf (for parseISOTime) and returns it, or nil when it does
// not fit.
func joinDateTime(buf []byte, date, tm []byte) []byte {
	if len(date)+1+len(tm) > len(buf) {
		return nil
	}
	n := copy(buf, date)
	buf[n] = ' '
	n++
	n += copy(buf[n:], tm)
	return buf[:n]
}

// firstHop returns the first address of an X-Forwarded-For value ("203.0.113.7, 10.0.0.2" →
// "203.0.113.7"), trimmed; nil for "-", "" or a value without a first address.
func firstHop(b []byte) []byte {
	if c := bytes.IndexByte(b, ','); c >= 0 {
		b = b[:c]
	}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || isDash(b) {
		return nil
	}
	return b
}

// oauthClientID returns the client_id query parameter of an /oauth2/ request target (a path or an
// absolute URL), as logged (not unescaped), or "" when there is none. It does not allocate.
func oauthClientID(target string) string {
	q := strings.IndexByte(target, '?')
	if q < 0 || !strings.Contains(target[:q], "/oauth2/") {
		return ""
	}
	query := target[q+1:]
	if h := strings.IndexByte(query, '#'); h >= 0 {
		query = query[:h]
	}
	for query != "" {
		var kv string
		kv, query, _ = strings.Cut(query, "&")
		if v, ok := strings.CutPrefix(kv, "client_id="); ok && v != "" {
			return v
		}
	}
	return ""
}

// parseStatus parses a status field: three digits, or "-" for none (0).
func parseStatus(b []byte) (int, bool) {
	if len(b) == 1 && b[0] == '-' {
		return 0, true
	}
	if len(b) != 3 || !isDigit(b[0]) || !isDigit(b[1]) || !isDigit(b[2]) {
		return 0, false
	}
	return int(b[0]-'0')*100 + int(b[1]-'0')*10 + int(b[2]-'0'), true
}

// parseStatusLoose is parseStatus that also reads "-1" (no response) as 0, as "000" is.
func parseStatusLoose(b []byte) (int, bool) {
	if bytes.Equal(b, []byte("-1")) {
		return 0, true
	}
	return parseStatus(b)
}

// isBytesField reports whether b is a response size: digits, or "-".
func isBytesField(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if len(b) == 1 && b[0] == '-' {
		return true
	}
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// headerInt parses a logged header value: decimal digits; of several values ("600, 600", one per
// upstream tried) the last. "-", "" and anything else are absent.
func headerInt(b []byte) (int64, bool) {
	if c := bytes.LastIndexByte(b, ','); c >= 0 {
		b = bytes.TrimSpace(b[c+1:])
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

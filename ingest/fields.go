package ingest

import (
	"bytes"
	"strings"
)

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
	if line[i] != '"' {
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		return line[i:j], j, true
	}
	for j := i + 1; j < len(line); j++ {
		switch line[j] {
		case '\\':
			j++
		case '"':
			if j+1 < len(line) && line[j+1] == '"' { // "" inside a quoted field
				j++
				continue
			}
			if j+1 < len(line) && line[j+1] != ' ' && line[j+1] != '\t' {
				return nil, 0, false
			}
			return line[i+1 : j], j + 1, true
		}
	}
	return nil, 0, false
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

// isHTTPStatusOrDash is parseStatus that also accepts "-1" and "000" (no response) as 0.
func parseStatusLoose(b []byte) (int, bool) {
	if bytes.Equal(b, []byte("-1")) {
		return 0, true
	}
	return parseStatus(b)
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

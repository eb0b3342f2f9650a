package ingest

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// The hint of an unknown-format error: what the lines of the sniff window come closest to, and the
// option (with its command-line flag) that would read them. Each line counts for the first of the
// near shapes below it has; the shapes are named, most lines first (at most three).

// nearShape is a shape of line that is close to a known format without being one.
type nearShape struct {
	match func(line []byte) bool
	// hint says what the lines look like and how to read them; for JSON lines it is built from the
	// keys of the first such line (keyHint).
	hint    string
	keyHint bool
}

var nearShapes = []nearShape{
	{match: isJSONObjectLine, keyHint: true},
	{match: looksHAProxy, hint: "HAProxy lines with a custom log-format: give it with --haproxy-log-format '…' " +
		"(Options.HAProxyLogFormat), as in haproxy.cfg"},
	{match: looksEnvoyText, hint: "Envoy access lines in a custom format: log JSON (json_format) and map it with --field, " +
		"or force --format envoy-text"},
	{match: looksCLF, hint: "nginx or Apache access lines with other fields: give the nginx log_format they were " +
		"written with, --log-format '…' (Options.LogFormat)"},
	{match: looksW3C, hint: "W3C extended lines without their #Fields: directive: force --format w3c (IIS's default fields)"},
	{match: looksALB, hint: "AWS load-balancer lines of another shape: force --format alb"},
	{match: looksZeek, hint: "Zeek TSV lines: have Zeek write JSON (LogAscii::use_json=T), whose ts, method and uri " +
		"the json format reads"},
	{match: hasRequestLine, hint: "lines with a \"METHOD path\" request in an unknown layout: describe them with " +
		"--log-format (an nginx log_format) or --haproxy-log-format"},
}

// closestFormats returns the hint of an unknown-format error for the sniffed lines: "; closest: …",
// or a sentence naming the options when no line is near any format.
func closestFormats(lines [][]byte) string {
	counts := make([]int, len(nearShapes))
	var firstJSON []byte
	for _, l := range lines {
		for i := range nearShapes {
			if nearShapes[i].match(l) {
				counts[i]++
				if nearShapes[i].keyHint && firstJSON == nil {
					firstJSON = l
				}
				break
			}
		}
	}
	order := make([]int, 0, len(nearShapes))
	for i, n := range counts {
		if n > 0 {
			order = append(order, i)
		}
	}
	if len(order) == 0 {
		return "; no line looks like an access-log line (a [date] and a \"METHOD path\" request, or a JSON object): " +
			"force a format with --format, or describe the lines with --log-format (an nginx log_format), " +
			"--haproxy-log-format or --field (JSON lines)"
	}
	sort.SliceStable(order, func(a, b int) bool { return counts[order[a]] > counts[order[b]] })
	if len(order) > 3 {
		order = order[:3]
	}
	var b strings.Builder
	b.WriteString("; closest: ")
	for k, i := range order {
		if k > 0 {
			b.WriteString("; ")
		}
		hint := nearShapes[i].hint
		if nearShapes[i].keyHint {
			hint = jsonKeyHint(firstJSON)
		}
		fmt.Fprintf(&b, "%d of %d lines look like %s", counts[i], len(lines), hint)
	}
	return b.String()
}

// isJSONObjectLine reports whether line is a JSON object (after an optional "name | " prefix).
func isJSONObjectLine(line []byte) bool {
	b := jsonObject(line)
	if b == nil {
		return false
	}
	_, ok := decodeObject(b)
	return ok
}

// jsonKeyHint names the top-level keys of the JSON line (at most 12, sorted) and the --field
// mappings that read such lines.
func jsonKeyHint(line []byte) string {
	obj, _ := decodeObject(jsonObject(line))
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, fmt.Sprintf("%q", excerpt([]byte(k))))
	}
	sort.Strings(keys)
	more := ""
	if len(keys) > 12 {
		keys, more = keys[:12], ", …"
	}
	return "JSON objects of another shape (keys " + strings.Join(keys, ", ") + more + "): map them with " +
		"--field time=KEY --field path=KEY, and method, status, client, user_agent (dotted paths reach into " +
		"nested objects: --field path=request.uri; Options.Fields)"
}

// looksHAProxy: an HAProxy syslog tag, or "ip:port [date]" then "frontend backend/server".
func looksHAProxy(line []byte) bool {
	if bytes.Contains(line, []byte("haproxy[")) {
		return true
	}
	body := haproxyBody(line)
	sp := bytes.IndexByte(body, ' ')
	return sp > 0 && bytes.IndexByte(body[:sp], ':') > 0 && sp+1 < len(body) && body[sp+1] == '[' &&
		bytes.Contains(body, []byte("/")) && hasRequestLine(body)
}

// looksEnvoyText: "[ISO time]" then a quoted request.
func looksEnvoyText(line []byte) bool {
	if len(line) < 22 || line[0] != '[' {
		return false
	}
	end := bytes.IndexByte(line, ']')
	if end < 0 {
		return false
	}
	_, ok := parseISOTime(line[1:end])
	return ok && hasRequestLine(line[end:])
}

// looksCLF: a bracketed CLF time ("[10/Oct/2026:13:55:36") and a quoted request.
func looksCLF(line []byte) bool {
	o := bytes.IndexByte(line, '[')
	if o < 0 || len(line) < o+21 {
		return false
	}
	d := line[o+1:]
	if d[2] != '/' || d[6] != '/' || d[11] != ':' || monthNumber3(d[3], d[4], d[5]) == 0 {
		return false
	}
	return hasRequestLine(line)
}

// looksW3C: a line that starts "2006-01-02 15:04:05 " and holds an HTTP method as a field.
func looksW3C(line []byte) bool {
	if len(line) < 21 || line[19] != ' ' {
		return false
	}
	if _, ok := parseISOTime(line[:19]); !ok {
		return false
	}
	for _, f := range bytes.Fields(line[20:]) {
		if isMethod(string(f)) && len(f) >= 3 {
			return true
		}
	}
	return false
}

// looksALB: an ALB request type, then an ISO time.
func looksALB(line []byte) bool {
	f := bytes.Fields(line)
	if len(f) < 3 {
		return false
	}
	_, ok := parseISOTime(f[1])
	for _, t := range albTypes {
		if bytes.Equal(f[0], t) {
			return ok
		}
	}
	return false
}

// hasRequestLine reports whether line holds a quoted HTTP request line: "METHOD /… or
// "METHOD http….
func hasRequestLine(line []byte) bool {
	for i := 0; ; {
		q := bytes.IndexByte(line[i:], '"')
		if q < 0 {
			return false
		}
		i += q + 1
		sp := bytes.IndexByte(line[i:], ' ')
		if sp >= 3 && sp <= maxMethod && isMethod(aliasString(line[i:i+sp])) && i+sp+1 < len(line) {
			if c := line[i+sp+1]; c == '/' || c == 'h' || c == '*' {
				return true
			}
		}
	}
}

// looksZeek: a Zeek (Bro) TSV log's directives, "#separator", "#fields\t…", "#path\thttp".
func looksZeek(line []byte) bool {
	return bytes.HasPrefix(line, []byte("#separator ")) || bytes.HasPrefix(line, []byte("#fields\t")) ||
		bytes.HasPrefix(line, []byte("#path\t"))
}

package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// The nginx format: lines written by a custom nginx log_format, given in [Options.LogFormat] and
// compiled once ([CompileLogFormat]) into a matcher. Each variable's value runs up to the first
// occurrence of the literal text that follows it in the format (to the end of the line for a last
// variable), so two variables must be separated by some literal text. nginx escapes '"' and
// control bytes in values as \xHH, so a quoted value ends at the first '"'.
//
// nginx writes $time_local, $time_iso8601 and $msec when the request ends. Where the format logs
// how long the request took, the request is placed at its start: the time minus $request_time, or,
// when only $upstream_response_time is logged, minus that (the sum of its values when several
// upstreams were tried: a lower bound of the request's duration). $time_local and $time_iso8601
// have whole seconds and are truncated (the request ended within the second after), so the start
// lies within one second after the time minus the duration; ratecard subtracts the duration's
// whole seconds only, which keeps the instant a whole second inside that interval (a request
// shorter than a second keeps its logged second). With $msec the duration is subtracted exactly
// (milliseconds). A duration of "-" or not a number leaves the time as logged.
//
// The request was in flight on [start, start + duration) ([Record.Duration]): with whole-second
// times that interval ends within the logged second, as the request did. Without $request_time and
// $upstream_response_time a line has no duration.

// nginxCombined is nginx's predefined "combined" log_format, used when LogFormat is "combined" (and
// by parseLine, which has no options).
const nginxCombined = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"`

// nginx variables ingest reads; every other variable is matched and ignored.
const (
	nvIgnored = iota
	nvTimeLocal
	nvTimeISO
	nvMsec
	nvRequest
	nvMethod
	nvRequestURI
	nvURI
	nvStatus
	nvRemoteAddr
	nvForwardedFor
	nvUserAgent
	nvRequestTime
	nvUpstreamTime
	nvRLLimit
	nvRLRemaining
	nvRLReset
	nvCount // the number of kinds
)

var nginxVars = map[string]int{
	"time_local":                           nvTimeLocal,
	"time_iso8601":                         nvTimeISO,
	"msec":                                 nvMsec,
	"request":                              nvRequest,
	"request_method":                       nvMethod,
	"request_uri":                          nvRequestURI,
	"uri":                                  nvURI,
	"document_uri":                         nvURI,
	"status":                               nvStatus,
	"remote_addr":                          nvRemoteAddr,
	"http_x_forwarded_for":                 nvForwardedFor,
	"proxy_add_x_forwarded_for":            nvForwardedFor,
	"http_user_agent":                      nvUserAgent,
	"request_time":                         nvRequestTime,
	"upstream_response_time":               nvUpstreamTime,
	"upstream_http_x_rate_limit_limit":     nvRLLimit,
	"upstream_http_x_rate_limit_remaining": nvRLRemaining,
	"upstream_http_x_rate_limit_reset":     nvRLReset,
	"sent_http_x_rate_limit_limit":         nvRLLimit,
	"sent_http_x_rate_limit_remaining":     nvRLRemaining,
	"sent_http_x_rate_limit_reset":         nvRLReset,
}

// LogFormat is a compiled nginx log_format. It is safe for concurrent use.
type LogFormat struct {
	src    string
	prefix []byte      // literal text before the first variable
	steps  []nginxStep // each variable and the literal after it
	has    [nvCount]bool
	xff    bool // Options.ForwardedFor: the client is the first hop of $http_x_forwarded_for
	// combinedHead: the format starts as nginx's combined one does (matchCombinedHead).
	combinedHead bool
	// uaThenLast: after that head come only $http_user_agent, a literal starting with '"', and one
	// last variable running to the end of the line (nginx's combined with " $request_time").
	uaThenLast bool
	// combinedLast: uaThenLast, and the last variable is $request_time, $upstream_response_time or
	// one ingest ignores (parseCombinedLast).
	combinedLast bool
}

type nginxStep struct {
	kind int
	name string
	lit  []byte // literal text after the variable; empty only for the last one
	// comma: lit starts with a space, so a value of several upstreams ("600, 600") may run past
	// the ", " in it.
	comma bool
	// time26: the variable is $time_local and lit's first byte is none of a valid 26-byte
	// timestamp's (clfTimeByte), so when the 26 bytes at the value's start parse as one and lit
	// follows them, that is lit's first occurrence.
	time26 bool
}

// clfTimeByte reports whether c may be a byte of a CLF timestamp that parses
// ("10/Oct/2026:13:55:36 -0700"): a letter, a digit, '/', ':', ' ', '+' or '-'.
func clfTimeByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || strings.IndexByte("/: +-", c) >= 0
}

// String returns the log_format text the LogFormat was compiled from.
func (f *LogFormat) String() string { return f.src }

// CompileLogFormat compiles an nginx log_format string: either the format itself
// (`$remote_addr - [$time_local] "$request" $status …`), or as written in nginx.conf, one or more
// quoted strings ('…' "…";, with backslash escapes), or the name "combined". It needs a time variable ($time_local,
// $time_iso8601 or $msec) and a request ($request, $request_uri or $uri); variables must be
// separated by literal text. Variables ingest does not use are matched and ignored.
func CompileLogFormat(format string) (*LogFormat, error) {
	src := strings.TrimSpace(format)
	if src == "combined" {
		src = nginxCombined
	}
	if src != "" && src[0] == '\'' {
		s, err := unquoteConf(src)
		if err != nil {
			return nil, fmt.Errorf("log format %q: %w", format, err)
		}
		src = s
	} else if src != "" && src[0] == '"' {
		if s, err := unquoteConf(src); err == nil { // else a format that starts with a quote
			src = s
		}
	}
	f := &LogFormat{src: src}
	i := 0
	lit := func(until int) []byte { return []byte(src[i:until]) }
	first := true
	for {
		d := strings.IndexByte(src[i:], '$')
		if d < 0 {
			if first {
				return nil, fmt.Errorf("log format %q has no variable", format)
			}
			f.steps[len(f.steps)-1].lit = lit(len(src))
			break
		}
		d += i
		if first {
			f.prefix = lit(d)
		} else {
			if d == i {
				return nil, fmt.Errorf("log format %q: $%s and the next variable are not separated by literal text", format, f.steps[len(f.steps)-1].name)
			}
			f.steps[len(f.steps)-1].lit = lit(d)
		}
		first = false
		j, name := d+1, ""
		if j < len(src) && src[j] == '{' {
			end := strings.IndexByte(src[j:], '}')
			if end < 0 {
				return nil, fmt.Errorf("log format %q: unclosed ${", format)
			}
			name, j = src[j+1:j+end], j+end+1
		} else {
			k := j
			for k < len(src) && (src[k] == '_' || src[k] >= 'a' && src[k] <= 'z' || src[k] >= 'A' && src[k] <= 'Z' || src[k] >= '0' && src[k] <= '9') {
				k++
			}
			name, j = src[j:k], k
		}
		if name == "" {
			return nil, fmt.Errorf("log format %q: '$' without a variable name", format)
		}
		kind := nginxVars[strings.ToLower(name)]
		f.has[kind] = true
		f.steps = append(f.steps, nginxStep{kind: kind, name: name})
		i = j
	}
	for k := range f.steps {
		s := &f.steps[k]
		s.comma = len(s.lit) > 0 && s.lit[0] == ' '
		s.time26 = s.kind == nvTimeLocal && len(s.lit) > 0 && !clfTimeByte(s.lit[0])
	}
	f.combinedHead = f.hasCombinedHead()
	f.uaThenLast = f.combinedHead && len(f.steps) == combinedHeadSteps+2 && f.steps[combinedHeadSteps].name == "http_user_agent" &&
		f.steps[combinedHeadSteps].lit[0] == '"' && len(f.steps[combinedHeadSteps+1].lit) == 0
	if f.uaThenLast {
		switch f.steps[combinedHeadSteps+1].kind {
		case nvRequestTime, nvUpstreamTime, nvIgnored:
			f.combinedLast = true
		}
	}
	if !f.has[nvTimeLocal] && !f.has[nvTimeISO] && !f.has[nvMsec] {
		return nil, fmt.Errorf("log format %q has no time variable ($time_local, $time_iso8601 or $msec)", format)
	}
	if !f.has[nvRequest] && !f.has[nvRequestURI] && !f.has[nvURI] {
		return nil, fmt.Errorf("log format %q has no request variable ($request, $request_uri or $uri)", format)
	}
	return f, nil
}

// unquoteConf joins the quoted strings of an nginx.conf log_format ('a' "b" 'c';).
func unquoteConf(s string) (string, error) {
	var b strings.Builder
	s = strings.TrimSuffix(strings.TrimSpace(s), ";")
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		q := s[0]
		if q != '\'' && q != '"' {
			return "", errors.New("text outside quotes")
		}
		i := 1
		for ; i < len(s) && s[i] != q; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
			}
			b.WriteByte(s[i])
		}
		if i >= len(s) {
			return "", errors.New("unbalanced quotes")
		}
		s = s[i+1:]
	}
	return b.String(), nil
}

func newNginxParser(opt *Options, _ *eventSink) (func([]byte, *Record) string, error) {
	src := opt.LogFormat
	if src == "" {
		if opt.Format == "nginx" {
			return nil, errors.New("the nginx format needs a log_format (Options.LogFormat, --log-format)")
		}
		src = nginxCombined // parseLine
	}
	f, err := CompileLogFormat(src)
	if err != nil {
		return nil, err
	}
	if opt.ForwardedFor {
		g := *f
		g.xff = true
		f = &g
	}
	return newNginxFileParser(f).parse, nil
}

// parse parses a trimmed line written with this log_format into rec.
func (f *LogFormat) parse(line []byte, rec *Record) string { return f.parseWith(line, rec, nil) }

// nginxFileParser is a LogFormat's parse for the lines of one file, with what it learns from line
// to line to read the next one faster, never differently.
type nginxFileParser struct {
	f    *LogFormat
	tc   clfTimeCache // the last $time_local's minute
	long []bool       // by step: its value in the last line read was scanShort bytes or longer
}

func newNginxFileParser(f *LogFormat) *nginxFileParser {
	return &nginxFileParser{f: f, long: make([]bool, len(f.steps))}
}

// parse is the parse function of p.
func (p *nginxFileParser) parse(line []byte, rec *Record) string { return p.f.parseWith(line, rec, p) }

// parseWith is parse, with the state of ps when it is not nil. Each variable's value is kept in a
// slot of its kind, so matching a step is the same few instructions whatever the variable; the
// tests hold it to parseReference, a switch per variable and bytes.Index for each literal.
func (f *LogFormat) parseWith(line []byte, rec *Record, ps *nginxFileParser) string {
	var tc *clfTimeCache
	if ps != nil {
		tc = &ps.tc
	}
	if f.combinedLast && f.parseCombinedLast(line, rec, tc) {
		return ""
	}
	if !bytes.HasPrefix(line, f.prefix) {
		return ReasonMalformed
	}
	pos := len(f.prefix)
	var v [nvCount][]byte // by kind; a variable the format lacks stays nil
	from := 0             // the first step the loop below matches
	if f.combinedHead {
		if p, ok := matchCombinedHead(line, &v, tc); ok {
			pos, from = p, combinedHeadSteps
			// "combined" and one variable more (as " $request_time"): the user agent runs to its
			// literal, which starts with the first '"' after it when it occurs there at all, and
			// the last variable to the end of the line.
			if f.uaThenLast {
				ua, last := &f.steps[combinedHeadSteps], &f.steps[combinedHeadSteps+1]
				if q := bytes.IndexByte(line[pos:], '"'); q >= 0 && litAt(line, pos+q, ua.lit) {
					v[ua.kind], pos = line[pos:pos+q], pos+q+len(ua.lit)
					v[last.kind], pos = line[pos:], len(line)
					from = len(f.steps)
				}
			}
		}
	}
	for k := from; k < len(f.steps); k++ {
		s := &f.steps[k]
		lit := s.lit
		if len(lit) == 0 { // the last variable, with nothing after it
			v[s.kind], pos = line[pos:], len(line)
			break
		}
		// Three shortcuts to where scanLit would stop, each exact: a value "-" (which does not
		// start the literal); a 26-byte $time_local, whose bytes, when they parse, cannot start
		// the literal (s.time26); and, for a value that was long in the line before, indexLit
		// without scanLit's byte-by-byte start.
		var e int
		switch {
		case pos+1 < len(line) && line[pos] == '-' && line[pos+1] == lit[0] && lit[0] != '-' && litAt(line, pos+1, lit):
			e = 1
		case s.time26 && pos+26 < len(line) && line[pos+26] == lit[0] && litAt(line, pos+26, lit) && timeOK(line[pos:pos+26], tc):
			e = 26
		case ps != nil && ps.long[k]:
			e = indexLit(line[pos:], lit)
		default:
			e = scanLit(line[pos:], lit)
		}
		if e < 0 {
			return ReasonMalformed
		}
		if ps != nil {
			ps.long[k] = e >= scanShort
		}
		// A value of several upstreams ("600, 600") holds ", ": do not end it at that space.
		for s.comma && e > 0 && line[pos+e-1] == ',' {
			more := bytes.Index(line[pos+e+1:], lit)
			if more < 0 {
				break
			}
			e += 1 + more
		}
		v[s.kind], pos = line[pos:pos+e], pos+e+len(lit)
	}
	if pos != len(line) {
		return ReasonMalformed // text after the last literal
	}
	status := v[nvStatus]
	st, ok := parseStatus(status)
	if status != nil && !ok {
		return ReasonMalformed
	}
	// $msec, the most precise, first.
	var t int64
	ok = false
	if len(v[nvMsec]) > 0 {
		t, ok = parseEpoch(v[nvMsec])
	}
	exact := ok
	if !ok && len(v[nvTimeISO]) > 0 {
		t, ok = parseISOTime(v[nvTimeISO])
	}
	if !ok {
		t, ok = parseCLFTimeCached(v[nvTimeLocal], tc)
	}
	if !ok {
		return ReasonBadTimestamp
	}
	dur, hasDur := nginxDuration(v[nvRequestTime], v[nvUpstreamTime])
	if hasDur {
		d := dur
		if !exact {
			d -= d % 1_000_000
		}
		t -= d
	}
	var target []byte
	method := v[nvMethod]
	if req := v[nvRequest]; req != nil {
		m, tg, ok := splitRequestFast(req)
		if !ok {
			return ReasonBadRequest
		}
		if method == nil {
			method = m
		}
		target = tg
	}
	switch reqURI, uri := v[nvRequestURI], v[nvURI]; {
	case len(reqURI) > 0 && !isDash(reqURI):
		target = reqURI
	case target == nil && len(uri) > 0 && !isDash(uri):
		target = uri
	}
	if len(target) == 0 {
		return ReasonBadRequest
	}
	if method != nil && (isDash(method) || !isMethod(aliasString(method))) {
		return ReasonBadRequest
	}
	client, xff := v[nvRemoteAddr], v[nvForwardedFor]
	if len(xff) > 0 { // else the client is $remote_addr
		if hop := firstHop(xff); f.xff && len(hop) > 0 {
			client = hop
		} else if len(client) == 0 || isDash(client) {
			client = xff
			if c := bytes.IndexByte(client, ','); c >= 0 {
				client = client[:c]
			}
			client = bytes.TrimSpace(client)
		}
	}
	if isDash(client) {
		client = nil
	}
	rec.setRequest(t, method, target, st, aliasString(client), v[nvUserAgent])
	if hasDur {
		rec.setDuration(dur)
	}
	if f.has[nvRLLimit] || f.has[nvRLRemaining] || f.has[nvRLReset] {
		for k, b := range v[nvRLLimit : nvRLReset+1] {
			n, ok := headerInt(b)
			if !ok {
				continue
			}
			rec.setRateLimit(k, n)
		}
	}
	return ""
}

// parseCombinedLast reads a line of a combinedLast format (nginx's combined and one variable more,
// as " $request_time") in straight-line code, without the value slots of parseWith. It handles only
// lines parseWith accepts, and sets rec exactly as parseWith would; on any other line it returns
// false, leaving rec untouched, and parseWith reads the line (and says what is wrong with it).
func (f *LogFormat) parseCombinedLast(line []byte, rec *Record, tc *clfTimeCache) bool {
	var h headValues
	pos, ok := matchHead(line, &h, tc)
	if !ok {
		return false
	}
	// $http_user_agent runs to its literal, which starts at the first '"' after it (uaThenLast).
	ua, last := &f.steps[combinedHeadSteps], &f.steps[combinedHeadSteps+1]
	q := bytes.IndexByte(line[pos:], '"')
	if q < 0 || !litAt(line, pos+q, ua.lit) {
		return false
	}
	agent, val := line[pos:pos+q], line[pos+q+len(ua.lit):]
	st, ok := parseStatus(h.status)
	if !ok {
		return false
	}
	t := h.t
	var dur int64
	hasDur := false
	switch last.kind {
	case nvRequestTime:
		dur, hasDur = nginxDuration(val, nil)
	case nvUpstreamTime:
		dur, hasDur = nginxDuration(nil, val)
	}
	if hasDur {
		t -= dur - dur%1_000_000 // $time_local has whole seconds: the duration's whole seconds only
	}
	method, target, ok := splitRequestFast(h.req)
	if !ok || len(target) == 0 || isDash(method) || !isMethod(aliasString(method)) {
		return false
	}
	client := h.addr
	if isDash(client) {
		client = nil
	}
	rec.setRequest(t, method, target, st, aliasString(client), agent)
	if hasDur {
		rec.setDuration(dur)
	}
	return true
}

// combinedHeadSteps is how many steps of nginx's combined log_format matchCombinedHead matches: up
// to $http_referer and the `" "` after it.
const combinedHeadSteps = 7

// hasCombinedHead reports whether f starts as nginx's combined log_format does, up to the quote
// after $http_referer (so matchCombinedHead may match its first steps).
func (f *LogFormat) hasCombinedHead() bool {
	if len(f.prefix) != 0 || len(f.steps) <= combinedHeadSteps {
		return false
	}
	for k, s := range combinedHead {
		if f.steps[k].name != s[0] || string(f.steps[k].lit) != s[1] {
			return false
		}
	}
	return true
}

// combinedHead is each variable of nginxCombined up to $http_referer, and the literal after it.
var combinedHead = [combinedHeadSteps][2]string{{"remote_addr", " - "}, {"remote_user", " ["}, {"time_local", `] "`},
	{"request", `" `}, {"status", " "}, {"body_bytes_sent", ` "`}, {"http_referer", `" "`}}

// matchCombinedHead matches the first combinedHeadSteps variables of nginx's combined log_format
// ($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" ")
// in a line of the usual shape: a client address then " - ", a $remote_user of "-", a 26-byte
// $time_local that parses (through tc), a $request with no '"' in it, a three-digit $status, a
// $body_bytes_sent of digits and a $http_referer with no '"' in it. It stores the values in v and
// returns the position after the quote that opens $http_user_agent, where each step of the general
// loop would have stopped too; on any other line it returns false, leaving v untouched.
func matchCombinedHead(line []byte, v *[nvCount][]byte, tc *clfTimeCache) (int, bool) {
	var h headValues
	p, ok := matchHead(line, &h, tc)
	if ok {
		v[nvRemoteAddr], v[nvTimeLocal], v[nvRequest], v[nvStatus] = h.addr, h.ts, h.req, h.status // the others are not read
	}
	return p, ok
}

// headValues are the values matchHead reads.
type headValues struct {
	addr, ts, req, status []byte
	t                     int64 // ts parsed
}

// matchHead is matchCombinedHead with the values in h, and the timestamp it parsed (through tc) in
// h.t, so that a caller need not parse it again; on a line it does not match it leaves h untouched.
func matchHead(line []byte, h *headValues, tc *clfTimeCache) (int, bool) {
	n := len(line)
	// $remote_addr up to the first " - ", which starts at the first space; no ", " before it.
	i := bytes.IndexByte(line, ' ')
	if i < 0 || i+33 > n || line[i+1] != '-' || line[i+2] != ' ' || (i > 0 && line[i-1] == ',') {
		return 0, false
	}
	addr := line[:i]
	// "- [" then the timestamp and `] "`.
	p := i + 3
	if line[p] != '-' || line[p+1] != ' ' || line[p+2] != '[' {
		return 0, false
	}
	p += 3
	if p+29 > n || line[p+26] != ']' || line[p+27] != ' ' || line[p+28] != '"' {
		return 0, false
	}
	t, ok := parseCLFTimeCached(line[p:p+26], tc)
	if !ok {
		return 0, false
	}
	ts := line[p : p+26]
	// $request up to `" `: its first '"' must start it.
	p += 29
	q := bytes.IndexByte(line[p:], '"')
	if q < 0 || p+q+1 >= n || line[p+q+1] != ' ' {
		return 0, false
	}
	req := line[p : p+q]
	// $status: three digits and a space.
	p += q + 2
	if p+4 > n || line[p+3] != ' ' || !isDigit(line[p]) || !isDigit(line[p+1]) || !isDigit(line[p+2]) {
		return 0, false
	}
	status := line[p : p+3]
	// $body_bytes_sent: digits up to ` "`.
	p += 4
	for p < n && isDigit(line[p]) {
		p++
	}
	if p+2 > n || line[p] != ' ' || line[p+1] != '"' {
		return 0, false
	}
	// $http_referer up to `" "`: its first '"' must start it. Most are "-": no IndexByte call.
	p += 2
	r := 1
	if p+1 >= n || line[p] != '-' || line[p+1] != '"' {
		if r = bytes.IndexByte(line[p:], '"'); r < 0 {
			return 0, false
		}
	}
	if p+r+3 > n || line[p+r+1] != ' ' || line[p+r+2] != '"' {
		return 0, false
	}
	h.addr, h.ts, h.req, h.status, h.t = addr, ts, req, status, t
	return p + r + 3, true
}

// timeOK reports whether b is a $time_local that parses.
func timeOK(b []byte, tc *clfTimeCache) bool {
	_, ok := parseCLFTimeCached(b, tc)
	return ok
}

// scanShort is how many bytes scanLit compares one by one before it calls indexLit: most values
// of a log line are shorter, and a loop over them costs less than IndexByte's call and set-up.
const scanShort = 16

// scanLit returns the index of the first occurrence of lit (not empty) in b, or -1.
func scanLit(b, lit []byte) int {
	c := lit[0]
	for i, x := range b {
		if i == scanShort {
			if j := indexLit(b[i:], lit); j >= 0 {
				return i + j
			}
			return -1
		}
		if x == c && litAt(b, i, lit) {
			return i
		}
	}
	return -1
}

// litAt reports whether lit occurs at b[i:], given that b[i] is lit's first byte (it compares the
// others).
func litAt(b []byte, i int, lit []byte) bool {
	if len(b)-i < len(lit) {
		return false
	}
	for k := 1; k < len(lit); k++ {
		if b[i+k] != lit[k] {
			return false
		}
	}
	return true
}

// indexLit is bytes.Index for the short literals of a log format: IndexByte to each occurrence
// of the literal's first byte, then a comparison (a third of the time of bytes.Index on them).
func indexLit(b, lit []byte) int {
	if len(lit) == 1 {
		return bytes.IndexByte(b, lit[0])
	}
	for off := 0; ; {
		i := bytes.IndexByte(b[off:], lit[0])
		if i < 0 {
			return -1
		}
		j := off + i
		if litAt(b, j, lit) {
			return j
		}
		off = j + 1
	}
}

// parseMillisDecimal is parseSeconds for the form nginx writes $request_time in, one to six digits
// and three decimals ("0.041"), in straight-line code; it returns false for any other form.
func parseMillisDecimal(b []byte) (int64, bool) {
	n := len(b)
	if n < 5 || n > 10 || b[n-4] != '.' {
		return 0, false
	}
	m0, m1, m2 := b[n-3]-'0', b[n-2]-'0', b[n-1]-'0'
	whole, ok := int64(0), m0 <= 9 && m1 <= 9 && m2 <= 9
	for _, c := range b[:n-4] {
		whole, ok = whole*10+int64(c-'0'), ok && isDigit(c)
	}
	return whole*1_000_000 + int64(m0)*100_000 + int64(m1)*10_000 + int64(m2)*1000, ok
}

// nginxDuration returns the request's duration in microseconds: $request_time when logged, else the
// sum of the values of $upstream_response_time ("0.040, 0.002 : 0.010"; "-" values count 0).
func nginxDuration(reqTime, upTime []byte) (int64, bool) {
	if reqTime != nil {
		if d, ok := parseMillisDecimal(reqTime); ok {
			return d, true
		}
		return parseSeconds(reqTime)
	}
	if upTime == nil {
		return 0, false
	}
	var sum int64
	any := false
	for rest := upTime; len(rest) > 0; {
		part := rest
		if k := bytes.IndexAny(rest, ",:"); k >= 0 {
			part, rest = rest[:k], rest[k+1:]
		} else {
			rest = nil
		}
		if part = bytes.TrimSpace(part); len(part) == 0 || isDash(part) {
			continue
		}
		d, ok := parseSeconds(part)
		if !ok {
			return 0, false
		}
		sum, any = sum+d, true
	}
	return sum, any
}

package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// HAProxy log-format strings (Options.HAProxyLogFormat): lines written by a custom HAProxy
// "log-format", compiled once ([CompileHAProxyLogFormat]) into a matcher, as [CompileLogFormat] does
// for nginx. The variables read:
//
//	%ci, %[src]                     client address
//	%tr, %t                         request date, accept date: 25/Feb/2019:16:19:48.143 (no offset: UTC)
//	%trg, %T / %trl, %Tl            the same with an offset (GMT, local): 25/Feb/2019:16:19:48 +0000
//	%Ts [with %ms], %[date]         Unix seconds [and milliseconds]
//	%r                              the request line "GET /path HTTP/1.1"
//	%HM, %HU / %HP / %HPO           method; URI (with query) / path (without)
//	%ST                             status (-1: none, read as 0)
//	%[req.hdr(User-Agent)]          user agent (also req.fhdr; and X-Forwarded-For for Options.ForwardedFor)
//	%[res.hdr(X-Rate-Limit-Limit)]  Okta's rate-limit headers (-Remaining, -Reset too)
//	%Ta, %Tt                        the request's duration (ms): active time from %tr, total time from %t
//
// Every other variable is matched and ignored. The time read is the first logged of %tr, %t, %trg,
// %T, %trl, %Tl, %Ts: all are when the request (or its connection) began, so no duration is
// subtracted. The request was in flight on [time, time + duration), the duration being %Ta (active
// time, counted from the request date) when the time is a request date (%tr, %trg, %trl), %Tt
// (total time, counted from the accept date) when it is an accept date, else whichever of the two
// is logged; -1 (aborted) is no duration, a '+' before the value (option logasap) is ignored. A value runs up to the first occurrence of the literal text that follows it in the
// format, with three exceptions: a quoted value (the "+Q" flag, as in %{+Q}r) runs to its closing
// quote; an unquoted %r spans its method, target and protocol (two spaces); a captured-headers
// value (%hr, %hs, %hrl, %hsl) that starts with '{' runs to its '}'. Lines behind a syslog prefix
// ("… haproxy[7]: ") are read as the predefined format's are.

// HAProxy variables ingest reads; every other one is matched and ignored.
const (
	hvIgnored = iota
	hvClient
	hvTimeReq    // %tr
	hvTimeAccept // %t
	hvTimeReqGMT // %trg
	hvTimeGMT    // %T
	hvTimeReqLoc // %trl
	hvTimeLocal  // %Tl
	hvEpoch      // %Ts, %[date]
	hvMillis     // %ms
	hvRequest
	hvMethod
	hvURI
	hvPath
	hvStatus
	hvUserAgent
	hvForwardedFor
	hvRLLimit
	hvRLRemaining
	hvRLReset
	hvTa // active time, ms, from the request date
	hvTt // total time, ms, from the accept date
	numHAProxyVars
)

var haproxyVars = map[string]int{
	"ci": hvClient, "tr": hvTimeReq, "t": hvTimeAccept, "trg": hvTimeReqGMT, "T": hvTimeGMT, "trl": hvTimeReqLoc,
	"Tl": hvTimeLocal, "Ts": hvEpoch, "ms": hvMillis, "r": hvRequest, "HM": hvMethod, "HU": hvURI, "HP": hvPath,
	"HPO": hvPath, "ST": hvStatus, "Ta": hvTa, "Tt": hvTt,
}

// haproxySamples maps sample fetches (lower case, without spaces or converters) to variables.
var haproxySamples = map[string]int{
	"src": hvClient, "date": hvEpoch, "method": hvMethod, "url": hvURI, "path": hvPath, "status": hvStatus,
	"req.hdr(user-agent)": hvUserAgent, "req.fhdr(user-agent)": hvUserAgent,
	"req.hdr(x-forwarded-for)": hvForwardedFor, "req.fhdr(x-forwarded-for)": hvForwardedFor,
	"res.hdr(x-rate-limit-limit)": hvRLLimit, "res.fhdr(x-rate-limit-limit)": hvRLLimit,
	"res.hdr(x-rate-limit-remaining)": hvRLRemaining, "res.fhdr(x-rate-limit-remaining)": hvRLRemaining,
	"res.hdr(x-rate-limit-reset)": hvRLReset, "res.fhdr(x-rate-limit-reset)": hvRLReset,
}

// HAProxyLogFormat is a compiled HAProxy log-format. It is safe for concurrent use.
type HAProxyLogFormat struct {
	src    string
	prefix []byte
	steps  []haproxyStep
	has    [numHAProxyVars]bool
	xff    bool // Options.ForwardedFor
}

type haproxyStep struct {
	kind   int
	name   string
	quoted bool   // "+Q": the value is in double quotes
	lit    []byte // literal text after the variable; empty only for the last one or after a quoted one
}

// String returns the log-format text the HAProxyLogFormat was compiled from.
func (f *HAProxyLogFormat) String() string { return f.src }

// CompileHAProxyLogFormat compiles an HAProxy log-format string, as written after "log-format" in
// haproxy.cfg: quoted or not, spaces escaped with a backslash or not, the keyword itself optional
// ("log-format %ci:%cp\ [%tr]\ …"). It needs a time (%tr, %t, %trg, %T, %trl, %Tl, %Ts or
// %[date]) and a request (%r, %HU, %HP, %HPO, %[url] or %[path]); variables not quoted must be
// separated by literal text.
func CompileHAProxyLogFormat(format string) (*HAProxyLogFormat, error) {
	src := strings.TrimSpace(format)
	if rest, ok := strings.CutPrefix(src, "log-format "); ok {
		src = strings.TrimSpace(rest)
	}
	if len(src) >= 2 && src[0] == '"' && src[len(src)-1] == '"' {
		src = src[1 : len(src)-1]
	}
	src = unescapeBackslashes(src)
	f := &HAProxyLogFormat{src: src}
	var lit []byte
	for i := 0; i < len(src); {
		c := src[i]
		if c != '%' {
			lit = append(lit, c)
			i++
			continue
		}
		if i+1 < len(src) && src[i+1] == '%' {
			lit = append(lit, '%')
			i += 2
			continue
		}
		step, next, err := haproxyVariable(src, i)
		if err != nil {
			return nil, fmt.Errorf("log-format %q: %w", format, err)
		}
		if len(f.steps) == 0 {
			f.prefix = lit
		} else {
			prev := &f.steps[len(f.steps)-1]
			if len(lit) == 0 && !prev.quoted {
				return nil, fmt.Errorf("log-format %q: %%%s and the next variable are not separated by literal text", format, prev.name)
			}
			prev.lit = lit
		}
		lit = nil
		f.has[step.kind] = true
		f.steps = append(f.steps, step)
		i = next
	}
	if len(f.steps) == 0 {
		return nil, fmt.Errorf("log-format %q has no variable", format)
	}
	f.steps[len(f.steps)-1].lit = lit
	h := &f.has
	if !h[hvTimeReq] && !h[hvTimeAccept] && !h[hvTimeReqGMT] && !h[hvTimeGMT] && !h[hvTimeReqLoc] && !h[hvTimeLocal] && !h[hvEpoch] {
		return nil, fmt.Errorf("log-format %q has no time variable (%%tr, %%t, %%trg, %%T, %%trl, %%Tl or %%Ts)", format)
	}
	if !h[hvRequest] && !h[hvURI] && !h[hvPath] {
		return nil, fmt.Errorf("log-format %q has no request variable (%%r, %%HU, %%HP or %%HPO)", format)
	}
	return f, nil
}

// unescapeBackslashes drops the backslash of each "\x" (haproxy.cfg escapes spaces and quotes so).
func unescapeBackslashes(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// haproxyVariable reads the variable at src[i] ('%'): "%{flags}name", "%name" or "%[sample]".
func haproxyVariable(src string, i int) (haproxyStep, int, error) {
	var st haproxyStep
	j := i + 1
	if j < len(src) && src[j] == '{' {
		end := strings.IndexByte(src[j:], '}')
		if end < 0 {
			return st, 0, errors.New("unclosed %{")
		}
		for _, fl := range strings.Split(src[j+1:j+end], ",") {
			st.quoted = st.quoted || strings.TrimSpace(fl) == "+Q"
		}
		j += end + 1
	}
	if j < len(src) && src[j] == '[' {
		end := strings.IndexByte(src[j:], ']')
		if end < 0 {
			return st, 0, errors.New("unclosed %[")
		}
		expr := strings.ToLower(strings.ReplaceAll(src[j+1:j+end], " ", ""))
		st.name = "[" + src[j+1:j+end] + "]"
		if c := strings.IndexByte(expr, ','); c >= 0 {
			expr = expr[:c] // converters
		}
		st.kind = haproxySamples[expr]
		return st, j + end + 1, nil
	}
	k := j
	for k < len(src) && (src[k] >= 'a' && src[k] <= 'z' || src[k] >= 'A' && src[k] <= 'Z') {
		k++
	}
	if k == j {
		return st, 0, errors.New("'%' without a variable name (write %% for a percent sign)")
	}
	st.name = src[j:k]
	st.kind = haproxyVars[st.name]
	return st, k, nil
}

// newHAProxyParser returns the parse function of the haproxy format: the compiled
// Options.HAProxyLogFormat, or HAProxy's predefined HTTP log format.
func newHAProxyParser(opt *Options, _ *eventSink) (func([]byte, *Record) string, error) {
	if opt.HAProxyLogFormat == "" {
		return parseHAProxy, nil
	}
	f, err := CompileHAProxyLogFormat(opt.HAProxyLogFormat)
	if err != nil {
		return nil, err
	}
	f.xff = opt.ForwardedFor // f is this parser's own
	return f.parse, nil
}

// parse parses a trimmed line written with this log-format into rec: after its syslog prefix, or,
// failing that, whole. A line with a syslog prefix, no quote and not this shape is one of HAProxy's
// own messages (not-a-request).
func (f *HAProxyLogFormat) parse(line []byte, rec *Record) string {
	body := syslogBody(line)
	if body == nil {
		body = haproxyBody(line)
	}
	reason := f.match(body, rec)
	if reason != ReasonMalformed || len(body) == len(line) {
		return reason
	}
	if reason = f.match(line, rec); reason == ReasonMalformed && bytes.IndexByte(body, '"') < 0 {
		return ReasonNotARequest
	}
	return reason
}

// match matches line against the format and fills rec.
func (f *HAProxyLogFormat) match(line []byte, rec *Record) string {
	if !bytes.HasPrefix(line, f.prefix) {
		return ReasonMalformed
	}
	var v [numHAProxyVars][]byte
	pos := len(f.prefix)
	for k := range f.steps {
		s := &f.steps[k]
		var val []byte
		switch {
		case s.quoted:
			if pos >= len(line) || line[pos] != '"' {
				return ReasonMalformed
			}
			q := closeQuote(line, pos+1)
			if q < 0 {
				return ReasonMalformed
			}
			val, pos = line[pos+1:q], q+1
			if !bytes.HasPrefix(line[pos:], s.lit) {
				return ReasonMalformed
			}
			pos += len(s.lit)
		case len(s.lit) == 0:
			val, pos = line[pos:], len(line)
		default:
			from := pos
			switch {
			case s.kind == hvRequest:
				from = requestEnd(line, pos)
			case s.kind == hvClient && s.lit[0] == ':':
				// "%ci:%cp": an IPv6 client holds colons itself; it ends at the last one of its field.
				end := bytes.IndexByte(line[pos:], ' ')
				if end < 0 {
					end = len(line) - pos
				}
				if e := bytes.LastIndex(line[pos:pos+end], s.lit[:1]); e > 0 {
					from = pos + e
				}
			case (s.name == "hr" || s.name == "hs" || s.name == "hrl" || s.name == "hsl") && pos < len(line) && line[pos] == '{':
				if e := bytes.IndexByte(line[pos:], '}'); e >= 0 {
					from = pos + e
				}
			}
			e := bytes.Index(line[from:], s.lit)
			if e < 0 {
				return ReasonMalformed
			}
			val, pos = line[pos:from+e], from+e+len(s.lit)
		}
		if v[s.kind] == nil {
			v[s.kind] = val
		}
	}
	if pos != len(line) {
		return ReasonMalformed
	}
	status := 0
	if st := v[hvStatus]; st != nil {
		n, ok := parseStatusLoose(st)
		if !ok {
			return ReasonMalformed
		}
		status = n
	}
	t, reqDate, ok := haproxyTime(&v)
	if !ok {
		return ReasonBadTimestamp
	}
	method, target := v[hvMethod], v[hvURI]
	if target == nil {
		target = v[hvPath]
	}
	if req := v[hvRequest]; req != nil {
		m, tg, ok := splitRequestFast(req)
		if !ok {
			return ReasonBadRequest
		}
		method, target = m, tg
	}
	if len(target) == 0 || isDash(target) || method != nil && !isMethod(aliasString(method)) {
		return ReasonBadRequest
	}
	client := v[hvClient]
	if n := len(client); n > 2 && client[0] == '[' && client[n-1] == ']' {
		client = client[1 : n-1]
	}
	if hop := firstHop(v[hvForwardedFor]); f.xff && len(hop) > 0 {
		client = hop
	}
	if isDash(client) {
		client = nil
	}
	rec.setRequest(t, method, target, status, aliasString(client), v[hvUserAgent])
	// The request's duration: %Ta from a request date, %Tt from an accept date, else whichever
	// is logged.
	timers := [2][]byte{v[hvTa], v[hvTt]}
	if !reqDate {
		timers[0], timers[1] = timers[1], timers[0]
	}
	for _, b := range timers {
		if b != nil {
			if d, ok := haproxyTimer(b); ok {
				rec.setDuration(d)
			}
			break
		}
	}
	for k, b := range v[hvRLLimit : hvRLReset+1] {
		if n, ok := headerInt(b); ok {
			rec.setRateLimit(k, n)
		}
	}
	return ""
}

// requestEnd returns where to look for the literal after an unquoted request line that starts at
// pos: past its method and, when the target is followed by a protocol, past the target.
func requestEnd(line []byte, pos int) int {
	sp := bytes.IndexByte(line[pos:], ' ')
	if sp < 0 {
		return pos
	}
	i := pos + sp + 1
	if sp := bytes.IndexByte(line[i:], ' '); sp >= 0 && bytes.HasPrefix(line[i+sp+1:], httpProto) {
		return i + sp + 1
	}
	return i
}

// haproxyTime reads the first logged time of %tr, %t, %trg, %T, %trl, %Tl, %Ts (with %ms), and
// tells whether it is a request date (%tr, %trg, %trl) rather than an accept date.
func haproxyTime(v *[numHAProxyVars][]byte) (int64, bool, bool) {
	for _, k := range []int{hvTimeReq, hvTimeAccept} {
		if d := v[k]; d != nil {
			var buf [48]byte
			if len(d)+6 > len(buf) {
				return 0, false, false
			}
			n := copy(buf[:], d)
			n += copy(buf[n:], " +0000")
			t, ok := parseCLFTime(buf[:n])
			return t, k == hvTimeReq, ok
		}
	}
	for _, k := range []int{hvTimeReqGMT, hvTimeGMT, hvTimeReqLoc, hvTimeLocal} {
		if d := v[k]; d != nil {
			t, ok := parseCLFTime(d)
			return t, k == hvTimeReqGMT || k == hvTimeReqLoc, ok
		}
	}
	t, ok := parseEpoch(v[hvEpoch])
	if ms := v[hvMillis]; ok && ms != nil {
		n, ok := headerInt(ms)
		if !ok || n > 999 {
			return 0, false, false
		}
		t += n * 1000
	}
	return t, false, ok
}

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
	has    [nvRLReset + 1]bool
	xff    bool // Options.ForwardedFor: the client is the first hop of $http_x_forwarded_for
}

type nginxStep struct {
	kind int
	name string
	lit  []byte // literal text after the variable; empty only for the last one
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
		return g.parse, nil
	}
	return f.parse, nil
}

// parse parses a trimmed line written with this log_format into rec.
func (f *LogFormat) parse(line []byte, rec *Record) string {
	if !bytes.HasPrefix(line, f.prefix) {
		return ReasonMalformed
	}
	pos := len(f.prefix)
	var (
		times                            [3][]byte // $time_local, $time_iso8601, $msec
		req, method, reqURI, uri, status []byte
		addr, xff, ua                    []byte
		reqTime, upTime                  []byte
		rl                               [3][]byte
	)
	for k := range f.steps {
		s := &f.steps[k]
		var v []byte
		if len(s.lit) == 0 {
			v, pos = line[pos:], len(line)
		} else {
			e := indexLit(line[pos:], s.lit)
			if e < 0 {
				return ReasonMalformed
			}
			// A value of several upstreams ("600, 600") holds ", ": do not end it at that space.
			for e > 0 && line[pos+e-1] == ',' && s.lit[0] == ' ' {
				more := bytes.Index(line[pos+e+1:], s.lit)
				if more < 0 {
					break
				}
				e += 1 + more
			}
			v, pos = line[pos:pos+e], pos+e+len(s.lit)
		}
		switch s.kind {
		case nvTimeLocal, nvTimeISO, nvMsec:
			times[s.kind-nvTimeLocal] = v
		case nvRequest:
			req = v
		case nvMethod:
			method = v
		case nvRequestURI:
			reqURI = v
		case nvURI:
			uri = v
		case nvStatus:
			status = v
		case nvRemoteAddr:
			addr = v
		case nvForwardedFor:
			xff = v
		case nvUserAgent:
			ua = v
		case nvRequestTime:
			reqTime = v
		case nvUpstreamTime:
			upTime = v
		case nvRLLimit, nvRLRemaining, nvRLReset:
			rl[s.kind-nvRLLimit] = v
		}
	}
	if pos != len(line) {
		return ReasonMalformed // text after the last literal
	}
	st, ok := parseStatus(status)
	if status != nil && !ok {
		return ReasonMalformed
	}
	// $msec, the most precise, first.
	t, ok := parseEpoch(times[2])
	exact := ok
	if !ok {
		t, ok = parseISOTime(times[1])
	}
	if !ok {
		t, ok = parseCLFTime26(times[0])
	}
	if !ok {
		return ReasonBadTimestamp
	}
	dur, hasDur := nginxDuration(reqTime, upTime)
	if hasDur {
		d := dur
		if !exact {
			d -= d % 1_000_000
		}
		t -= d
	}
	var target []byte
	if req != nil {
		m, tg, ok := splitRequestFast(req)
		if !ok {
			return ReasonBadRequest
		}
		if method == nil {
			method = m
		}
		target = tg
	}
	switch {
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
	client := addr
	if hop := firstHop(xff); f.xff && len(hop) > 0 {
		client = hop
	} else if len(client) == 0 || isDash(client) {
		client = xff
		if c := bytes.IndexByte(client, ','); c >= 0 {
			client = client[:c]
		}
		client = bytes.TrimSpace(client)
	}
	if isDash(client) {
		client = nil
	}
	if isDash(ua) {
		ua = nil
	}
	*rec = Record{
		Time:      t,
		Method:    aliasString(method),
		Target:    aliasString(target),
		Status:    st,
		Client:    aliasString(client),
		UserAgent: aliasString(ua),
		Line:      rec.Line,
	}
	if hasDur {
		rec.setDuration(dur)
	}
	for k, v := range rl {
		n, ok := headerInt(v)
		if !ok {
			continue
		}
		rec.setRateLimit(k, n)
	}
	return ""
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
		if bytes.HasPrefix(b[j:], lit) {
			return j
		}
		off = j + 1
	}
}

// nginxDuration returns the request's duration in microseconds: $request_time when logged, else the
// sum of the values of $upstream_response_time ("0.040, 0.002 : 0.010"; "-" values count 0).
func nginxDuration(reqTime, upTime []byte) (int64, bool) {
	if reqTime != nil {
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

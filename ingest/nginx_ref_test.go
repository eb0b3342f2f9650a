package ingest

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// parseReference is LogFormat.parse as first written: a switch on each variable, bytes.Index-like
// search for every literal, and no timestamp cache. The tests hold the fast parse to it.
func (f *LogFormat) parseReference(line []byte, rec *Record) string {
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
			e := bytes.Index(line[pos:], s.lit)
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
		t, ok = parseCLFTime(times[0])
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

// nginxRefFormats are the log formats the fast parse is compared with parseReference under: the
// bench month's (combined with $request_time), the formats of the other nginx tests, and formats
// whose literals start with bytes a $time_local or a "-" value holds.
var nginxRefFormats = []string{
	nginxCombined,
	nginxCombined + ` $request_time`,
	nginxCombined + ` [$time_local] $request_time`, // two $time_local: the second one counts
	nginxCombined + ` $upstream_response_time`,
	nginxCombined + ` $connection`,           // a variable ingest does not read
	nginxCombined + ` $http_x_forwarded_for`, // the client when $remote_addr is "-"
	nginxCombined + ` "$http_x_forwarded_for" $request_time $upstream_response_time`,
	`$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_user_agent" $request_time $upstream_http_x_rate_limit_limit $upstream_http_x_rate_limit_remaining $upstream_http_x_rate_limit_reset`,
	`$remote_addr [$time_local] "$request" $status $upstream_http_x_rate_limit_remaining`,
	`$time_iso8601 $msec $request_method $request_uri $status $http_x_forwarded_for "$http_user_agent"`,
	`$remote_addr -$remote_user- $time_local:$request_uri $status`,
	`[$time_local]-"$request"-$status-$remote_user`,
	`$time_local $request $status`,
	`${msec}|${uri}|${sent_http_x_rate_limit_reset}`,
}

// nginxRefLines returns the lines the nginx comparison starts from: the CLF seed lines, those lines
// with a duration and rate-limit values appended, and a few of each reference format's shape.
func nginxRefLines(t testing.TB) [][]byte {
	lines := clfFastSeedLines(t)
	for _, l := range clfFastSeedLines(t) {
		lines = append(lines, append(bytes.Clone(l), " 0.041"...), append(bytes.Clone(l), ` "203.0.113.9, 10.0.0.1" 1.250 0.600, 0.650`...),
			append(bytes.Clone(l), ` [14/Oct/2026:11:59:07 +0000] 0.041`...))
	}
	lines = appendTrimmedLines(lines, benchFormat("nginx", 20))
	for _, s := range []string{
		`10.0.0.1 [14/Oct/2026:10:00:00 +0200] "GET / HTTP/1.1" 200 600, 599`,
		`2026-10-14T10:00:00+02:00 1791964800.123 GET /api/v1/users?limit=200 200 203.0.113.9, 10.0.0.1 "okta-cli"`,
		`10.0.0.1 -- 14/Oct/2026:10:00:00 +0200:/api/v1/users 200`,
		`10.0.0.1 --- 14/Oct/2026:10:00:00 +0200:/api/v1/users 200`,
		`[14/Oct/2026:10:00:00 +0200]-"GET /x HTTP/1.1"-200--`,
		`14/Oct/2026:10:00:00 +0200 GET /x HTTP/1.1 200`,
		`1791964800|/x|-`,
		`- - - [14/Oct/2026:10:00:00 +0200] "GET /api/v1/users HTTP/1.1" 200 12 "-" "curl/8.5" 0.041`, // no client
		`10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "- /api/v1/users HTTP/1.1" 200 12 "-" "curl/8.5" 1.5`,
		`10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "GET HTTP/1.1" 200 12 "-" "curl/8.5" 0.041`, // no target
	} {
		lines = append(lines, []byte(s))
	}
	return lines
}

// checkNginxFast parses each line with f.parse, with a file parser carried from line to line, and
// with f.parseReference, and fails when they differ in the skip reason or the record, or when a
// failed parse touched the record.
func checkNginxFast(t testing.TB, f *LogFormat, fp *nginxFileParser, line []byte) {
	t.Helper()
	want := Record{Method: "sentinel", Line: 7}
	wantReason := f.parseReference(line, &want)
	for _, p := range []struct {
		name  string
		parse func([]byte, *Record) string
	}{{"parse", f.parse}, {"file parser", fp.parse}} {
		got := Record{Method: "sentinel", Line: 7}
		if reason := p.parse(line, &got); reason != wantReason || got != want {
			t.Fatalf("log format %q, line %q:\n%s: %q %+v\nreference: %q %+v", f, line, p.name, reason, got, wantReason, want)
		}
	}
}

// TestNginxMatchesReference: on the seed lines and 400,000 mutations of them, read in sequence by
// one file parser per format (so its timestamp cache and hints carry over as in a file), the nginx
// parse gives exactly what parseReference gives.
func TestNginxMatchesReference(t *testing.T) {
	seeds := nginxRefLines(t)
	rng := rand.New(rand.NewPCG(5, 9))
	n := 400_000
	if testing.Short() {
		n = 40_000
	}
	for _, format := range nginxRefFormats {
		f, err := CompileLogFormat(format)
		if err != nil {
			t.Fatalf("%q: %v", format, err)
		}
		fp := newNginxFileParser(f)
		head, last := 0, 0
		for _, l := range seeds {
			checkNginxFast(t, f, fp, l)
			var v [nvCount][]byte
			if _, ok := matchCombinedHead(l, &v, nil); ok {
				head++
			}
			var rec Record
			if f.combinedLast && f.parseCombinedLast(l, &rec, nil) {
				last++
			}
		}
		// The shortcuts must be taken, not only be right when they are.
		if f.combinedHead && head < len(seeds)/4 {
			t.Errorf("%q: matchCombinedHead matched %d of %d seed lines", format, head, len(seeds))
		}
		if f.combinedLast && last < len(seeds)/8 {
			t.Errorf("%q: parseCombinedLast read %d of %d seed lines", format, last, len(seeds))
		}
		for range n / len(nginxRefFormats) {
			checkNginxFast(t, f, fp, mutateLine(rng, seeds[rng.IntN(len(seeds))]))
		}
	}
}

// FuzzNginxMatchesReference: for a fuzzed log format and fuzzed lines (read in order by one file
// parser), the nginx parse gives exactly what parseReference gives.
func FuzzNginxMatchesReference(f *testing.F) {
	seeds := nginxRefLines(f)
	for i, format := range nginxRefFormats {
		f.Add(format, bytes.Join(seeds[i*7%len(seeds):min(len(seeds), i*7%len(seeds)+5)], []byte("\n")))
	}
	f.Fuzz(func(t *testing.T, format string, lines []byte) {
		lf, err := CompileLogFormat(format)
		if err != nil {
			return
		}
		fp := newNginxFileParser(lf)
		for _, l := range bytes.Split(lines, []byte("\n")) {
			if l = trimLine(l); len(l) > 0 {
				checkNginxFast(t, lf, fp, l)
			}
		}
	})
}

// TestCombinedHead: combinedHead is nginxCombined's first steps, and the formats that start with
// them (and only those) match their head with matchCombinedHead; those with one variable more
// that the record does not need beyond a duration are read by parseCombinedLast.
func TestCombinedHead(t *testing.T) {
	c, err := CompileLogFormat(nginxCombined + " $request_time")
	if err != nil {
		t.Fatal(err)
	}
	for k, s := range combinedHead {
		if c.steps[k].name != s[0] || string(c.steps[k].lit) != s[1] {
			t.Errorf("combinedHead[%d] = %q, nginxCombined has $%s %q", k, s, c.steps[k].name, c.steps[k].lit)
		}
	}
	for _, tt := range []struct {
		format     string
		head, last bool
	}{
		{nginxCombined + " $request_time", true, true},
		{nginxCombined + " $upstream_response_time", true, true},
		{nginxCombined + " $connection", true, true}, // a variable ingest does not read
		{nginxCombined + " $http_x_forwarded_for", true, false},
		{nginxCombined + " $request_time $upstream_response_time", true, false},
		{nginxCombined + ` "$http_x_forwarded_for"`, true, false},
		{nginxCombined, true, false},
		{`$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer"`, false, false}, // the head and nothing after
		{"x" + nginxCombined + " $request_time", false, false},
		{`$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_user_agent" $request_time`, false, false},
	} {
		f, err := CompileLogFormat(tt.format)
		if err != nil {
			t.Fatal(err)
		}
		if f.combinedHead != tt.head || f.combinedLast != tt.last {
			t.Errorf("%q: combinedHead, combinedLast = %v, %v, want %v, %v", tt.format, f.combinedHead, f.combinedLast, tt.head, tt.last)
		}
	}
}

// TestParseMillisDecimal: whenever parseMillisDecimal reads a value, parseSeconds reads the same,
// over every string of up to six bytes of digits, '.', '-' and ' ' and random longer ones; and it
// reads nginx's own form.
func TestParseMillisDecimal(t *testing.T) {
	const alphabet = "0159.- "
	check := func(b []byte) {
		got, ok := parseMillisDecimal(b)
		want, wok := parseSeconds(b)
		if ok && (!wok || got != want) {
			t.Fatalf("parseMillisDecimal(%q) = %d, parseSeconds = %d, %v", b, got, want, wok)
		}
	}
	var rec func(b []byte)
	rec = func(b []byte) {
		check(b)
		if len(b) < 6 {
			for i := range len(alphabet) {
				rec(append(b, alphabet[i]))
			}
		}
	}
	rec(nil)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		b := make([]byte, 5+rng.IntN(7))
		for i := range b {
			b[i] = "0123456789."[rng.IntN(11)]
		}
		check(b)
	}
	for _, s := range []string{"0.041", "12.500", "123456.999"} {
		if _, ok := parseMillisDecimal([]byte(s)); !ok {
			t.Errorf("parseMillisDecimal(%q) is not read", s)
		}
	}
}

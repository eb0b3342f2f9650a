package ingest

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzSeedLines are hand-written lines for FuzzParseLine; the lines of the test cases are added.
var fuzzSeedLines = []string{
	`10.0.0.1 - - [10/Oct/2026:13:55:36 -0700] "GET /api/v1/users/me HTTP/1.1" 200 2326 "-" "okta-sdk-go/2.0"`,
	`10.0.0.1 - frank [10/Oct/2026:13:55:36.123 +0200] "POST /oauth2/v1/token HTTP/1.0" 401 -`,
	`2001:db8::1 - - [29/Feb/2028:00:00:00 +1400] "GET /api/v1/groups HTTP/2.0" 200 1 "-" "x" "-" 0.012`,
	`egress.example.com - - [10/Oct/2026:13:55:36 +0530] "GET /s?q=\"a\" HTTP/1.1" 200 9 "-" "a \"b\" \\"`,
	`10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "\x16\x03\x01\x00\xa5" 400 157 "-" "-"`,
	`10.112.81.15 - - [15/Feb/2013:06:00:31 +0000] "-" 400 0 "-" "-"`,
	`10.0.0.1 - - [31/Feb/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 9 "-" "-"`,
	`10.0.0.1 - - [10/Oct/2026:13:55:36 +2500] "GET / HTTP/1.1" 200 9 "-" "-"`,
	`10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1 200 9 "-" "-"`,
	`10.0.0.1 - - [10/Oct/2026:13:55:36 +0000 "GET / HTTP/1.1" 200 9 "-" "-"`,
	`10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "M-SEARCH * HTTP/1.1" - -` + "\r\n",
	"\xef\xbb\xbf \t\r\n",
	`{"ts":"2026-10-10T13:55:36Z","method":"GET"}`,
	`{"ts":"2026-10-10T13:55:36Z","method":"GET","path":"/api/v1/users","status":"200"}`,
	`{"published":"2022-08-26 07:51:24.601","eventtype":"system.org.rate_limit.warning","debugcontext":{"debugData":{"requesturi":"/api/v1/users","threshold":"500"}}}`,
	`{"published":1,"eventType":"x","debugContext":{"debugData":{"requestUri":"/","requestMethod":"get"}},"transaction":{"type":"WEB","id":"t"}}`,
	`published,eventType,debugContext.debugData.requestUri`,
	`2026-10-14T08:00:00Z,user.session.start,/api/v1/authn`,
	`#Fields: date time cs-method cs-uri-stem sc-status`,
	`2026-10-14 08:00:00 GET /api/v1/users - 443 - 192.0.2.1 okta+sdk - 200 0 0 41`,
	`https 2026-10-14T08:00:00.123456Z app/x/1 192.0.2.1:1 10.0.0.5:443 0 0 0 200 200 1 1 "GET https://a:443/ HTTP/1.1" "ua" x`,
	`Oct 14 08:00:01 lb haproxy[7]: 10.0.0.9:1 [14/Oct/2026:08:00:00.143] fe~ be/s 0/0/7/145/152 200 1 - - ---- 2/1/0/0/0 0/0 "GET / HTTP/1.1"`,
	`acme:443 10.0.0.1 - - [10/Oct/2026:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "x" 12`,
	`c  | {"ts":1.5,"request":{"method":"GET","uri":"/","headers":{"User-Agent":["x"]}},"status":200,"resp_headers":{"X-Rate-Limit-Remaining":["0"]}}`,
	`{"ClientIP":"1","ClientRequestMethod":"GET","ClientRequestURI":"/","EdgeStartTimestamp":1712790000123000000,"EdgeResponseStatus":200}`,
	`{"start_time":"2026-10-14T08:00:00Z","method":"GET","path":"/","response_code":200,"downstream_remote_address":"[::1]:1"}`,
}

// caseLines returns the lines of every test case's input (testdata/<format>/<case>/input.log).
func caseLines(t testing.TB) [][]byte {
	var lines [][]byte
	for _, c := range caseDirs(t) {
		lines = append(lines, bytes.SplitAfter(c.input(t), []byte("\n"))...)
	}
	if len(lines) == 0 {
		t.Fatal("no fuzz seeds found in testdata/<format>/<case>/")
	}
	return lines
}

// clfFormats are the formats whose lines hold a bracketed CLF timestamp, a method and a client.
var clfFormats = map[string]bool{"combined": true, "common": true, "vhost_combined": true, "nginx": true}

// FuzzParseLine checks, for every format: no panic; on error a *parseError with a known reason and the
// record left untouched; on success a non-empty target, a valid method or none, a status and
// rate-limit values in range, Source set exactly for System Log formats; and for the CLF formats a
// method, a client and a time that time.Parse reads from one of the line's bracketed fields.
func FuzzParseLine(f *testing.F) {
	for _, s := range fuzzSeedLines {
		f.Add([]byte(s))
	}
	for _, l := range caseLines(f) {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		for _, format := range Formats() {
			sentinel := Record{Method: "sentinel", Time: -1, Line: 7}
			rec := sentinel
			err := parseLine(format, line, &rec)
			if err != nil {
				var pe *parseError
				if !errors.As(err, &pe) || !contains(Reasons, pe.Reason) || pe.Format != format {
					t.Fatalf("parseLine(%s, %q) = %v, want a *parseError with a known reason", format, line, err)
				}
				if rec != sentinel {
					t.Fatalf("parseLine(%s, %q) failed (%s) but changed the record: %+v", format, line, pe.Reason, rec)
				}
				if !utf8.ValidString(pe.Excerpt) {
					t.Fatalf("excerpt is not valid UTF-8: %q", pe.Excerpt)
				}
				continue
			}
			if rec.Target == "" || rec.Line != 7 || rec.Status < 0 || rec.Status > 999 || rec.UserAgent == "-" ||
				(rec.Method != "" && !isMethod(rec.Method)) || rec.RateLimitLimit < 0 || rec.RateLimitRemaining < 0 || rec.RateLimitReset < 0 {
				t.Fatalf("parseLine(%s, %q) = %+v", format, line, rec)
			}
			if (rec.Source == SourceSystemLog) != strings.HasPrefix(format, "okta-") {
				t.Fatalf("parseLine(%s, %q): Source %q", format, line, rec.Source)
			}
			if !clfFormats[format] {
				continue
			}
			if rec.Method == "" || rec.Client == "" {
				t.Fatalf("parseLine(%s, %q) = %+v", format, line, rec)
			}
			if !timeRoundTrips(line, rec.Time) {
				t.Fatalf("parseLine(%s, %q): time %d (%s) is in no bracketed field", format, line, rec.Time,
					time.UnixMicro(rec.Time).UTC().Format(time.RFC3339Nano))
			}
		}
	})
}

// timeRoundTrips reports whether some [...] field of line is a timestamp time.Parse reads as the
// instant micros.
func timeRoundTrips(line []byte, micros int64) bool {
	for i := 0; i < len(line); i++ {
		if line[i] != '[' {
			continue
		}
		end := bytes.IndexByte(line[i:], ']')
		if end < 0 {
			return false
		}
		tm, err := time.Parse(clfLayout, string(line[i+1:i+end]))
		if err == nil && tm.UnixMicro() == micros {
			return true
		}
	}
	return false
}

// methodOptional are the formats whose records may have no method (the log does not say).
var methodOptional = map[string]bool{"okta-array": true, "okta-ndjson": true, "okta-csv": true, "json": true, "w3c": true}

// FuzzReader reads whole inputs, sniffed (lines of several formats, wrapped lines) and forced with a
// small line limit: no panic, exact accounting (by reason and by format), strictly increasing line
// numbers, never more examples than asked for.
func FuzzReader(f *testing.F) {
	for _, c := range caseDirs(f) {
		f.Add(c.input(f))
	}
	plain := goodLines(50)
	gz, zs := gzipMembers(f, plain[:1000], plain[1000:]), zstdFrames(f, plain)
	f.Add(gz)
	f.Add(gz[:len(gz)/2])
	f.Add(zs)
	f.Add(zs[:len(zs)-5])
	f.Add([]byte{})
	f.Add([]byte("\xef\xbb\xbf\r\n\x00"))
	f.Add([]byte(`[{"published":"2026-10-14T08:00:00Z","eventType":"a","debugContext":{"debugData":{"requestUri":"/"}}}][]` + "\n[{}]"))
	f.Add([]byte("[\n{\"eventType\":\"system.org.rate_limit.burst\"},\n\"x\",1,[],{\"a\""))
	mixed, _, _ := mixLog(7, "combined", 3, 12, 3)
	f.Add(mixed)
	f.Add([]byte("[{\"eventType\":\"a\"}]{\"errorCode\":\"E0000047\"}\n{\n\"eventType\":\"b\"}[]{"))
	f.Add([]byte("\xff\xfe{\x00\n\x00\x00\xd8\n\x00"))
	f.Add([]byte("\xfe\xff\x00[\x00{\xd8\x3d\xde\x00\x00}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opt := range []Options{{}, {Format: "combined", MaxLineBytes: 80, MaxExamples: 3},
			{Format: "okta-array", MaxLineBytes: 80, MaxExamples: 3}, {Format: "w3c", MaxLineBytes: 80},
			{LogFormat: `$remote_addr [$time_local] "$request" $status $upstream_http_x_rate_limit_remaining`},
			{HAProxyLogFormat: haproxyHTTPLog}} {
			r, err := NewReader(bytes.NewReader(data), "fuzz.log", opt)
			if err != nil {
				continue
			}
			last := 0
			for r.Next() {
				rec := r.Record()
				if rec.Line <= last || (rec.Method == "" && !methodOptional[r.Format()]) || rec.Target == "" {
					t.Fatalf("record %+v after line %d", rec, last)
				}
				last = rec.Line
			}
			st := r.Stats()
			if st.Lines != st.Requests+st.Skipped || int64(last) > st.Lines {
				t.Fatalf("stats %+v, last record line %d", st, last)
			}
			var byFormat int64
			for _, n := range st.Formats {
				byFormat += n
			}
			if st.Formats != nil && byFormat != st.Lines {
				t.Fatalf("Formats %v, Lines %d", st.Formats, st.Lines)
			}
			if evs := r.Events(); int64(len(evs)) > st.Events || len(evs) > MaxEvents {
				t.Fatalf("%d events, Stats.Events %d", len(evs), st.Events)
			}
			maxEx := opt.MaxExamples
			if maxEx == 0 {
				maxEx = defaultMaxExamples
			}
			if len(st.Examples) > maxEx {
				t.Fatalf("%d examples, max %d", len(st.Examples), maxEx)
			}
			if opt.MaxLineBytes > 0 {
				for _, ex := range st.Examples {
					if ex.Reason != ReasonTooLong && ex.Reason != ReasonTruncated && len(ex.Excerpt) > 3*opt.MaxLineBytes {
						t.Fatalf("example of a line over the limit: %+v", ex)
					}
				}
			}
			r.Close()
		}
	})
}

package ingest

import (
	"fmt"
	"strings"
	"testing"
)

func TestCompileLogFormat(t *testing.T) {
	for _, tt := range []struct {
		in, err string // err: a substring of the error; "" for none
	}{
		{"combined", ""},
		{nginxCombined, ""},
		{`'$remote_addr [$time_local] ' "\"$request\" $status";`, ""},
		{`${time_iso8601} ${request_uri} $status`, ""},
		{`$msec $uri`, ""},
		{`$remote_addr [$time_local]`, "no request variable"},
		{`"$request" $status`, "no time variable"},
		{`$time_local$request`, "not separated"},
		{`no variables`, "no variable"},
		{`[$time_local] "$request" ${status`, "unclosed"},
		{`[$time_local] "$request" $`, "without a variable name"},
		{`'$time_local $request`, "unbalanced quotes"},
		{`'$time_local' $request`, "text outside quotes"},
		{``, "no variable"},
	} {
		f, err := CompileLogFormat(tt.in)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("CompileLogFormat(%q): %v", tt.in, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("CompileLogFormat(%q) = %v, want an error saying %q", tt.in, err, tt.err)
		case err == nil && f.String() == "":
			t.Errorf("CompileLogFormat(%q).String() is empty", tt.in)
		}
	}
	// Options: LogFormat selects nginx; a bad one is an error naming the file; nginx without one too.
	if _, err := NewReader(strings.NewReader(""), "a.log", Options{LogFormat: "$status"}); err == nil || !strings.HasPrefix(err.Error(), "a.log: nginx: log format") {
		t.Errorf("bad LogFormat: err = %v", err)
	}
	if _, err := NewReader(strings.NewReader(""), "a.log", Options{Format: "nginx"}); err == nil || !strings.Contains(err.Error(), "needs a log_format") {
		t.Errorf("nginx without LogFormat: err = %v", err)
	}
	r := newReader(t, []byte(goodLine(1)+"\n"), Options{LogFormat: "combined"})
	if got := readAll(t, r); got.format != "nginx" || got.stats.Requests != 1 || got.recs[0].UserAgent != "okta-sdk-go/2.0.1" {
		t.Errorf("LogFormat combined: format %s, %+v", got.format, got.recs)
	}
}

// TestNginxMatchesCombined: on combined lines, the nginx parser with the combined log_format agrees
// with the combined parser.
func TestNginxMatchesCombined(t *testing.T) {
	f, err := CompileLogFormat("combined")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 500 {
		line := []byte(goodLine(i * 7919))
		var a, b Record
		ra, rb := f.parse(line, &a), parseCLF(line, &b)
		if ra != rb || a != b {
			t.Fatalf("%s\nnginx %q %+v\ncombined %q %+v", line, ra, a, rb, b)
		}
	}
}

func TestNginxDoesNotAllocate(t *testing.T) {
	const lf = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_user_agent" $request_time $upstream_http_x_rate_limit_limit $upstream_http_x_rate_limit_remaining $upstream_http_x_rate_limit_reset`
	var b strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&b, "10.0.0.%d - - [14/Oct/2026:10:%02d:%02d +0200] \"GET /api/v1/users/00u%d HTTP/1.1\" 200 512 \"okta-sdk-go/2.0\" 0.041 600 %d 1791936060\n",
			i%250, i/60%60, i%60, i, 600-i%600)
	}
	r := newReader(t, []byte(b.String()), Options{LogFormat: lf})
	for range 100 {
		r.Next()
	}
	allocs := testing.AllocsPerRun(2000, func() {
		if !r.Next() {
			t.Fatal("ran out of lines")
		}
	})
	if allocs != 0 {
		t.Errorf("Next allocates %.2f times per nginx line", allocs)
	}
	if rec := r.Record(); !rec.HasRateLimit || rec.RateLimitLimit != 600 || rec.RateLimitReset != 1791936060 {
		t.Errorf("record %+v", rec)
	}
}

// FuzzLogFormat compiles arbitrary log_format strings and parses arbitrary lines with them: no panic;
// a record only with a target, a valid method or none, a status in range and no negative rate-limit
// value; the record untouched on failure.
func FuzzLogFormat(f *testing.F) {
	f.Add(nginxCombined, []byte(goodLine(3)))
	f.Add(`'$remote_addr [$time_local] "$request" $status $upstream_http_x_rate_limit_remaining';`,
		[]byte(`10.0.0.1 [14/Oct/2026:10:00:00 +0200] "GET / HTTP/1.1" 200 600, 599`))
	f.Add(`$time_iso8601 $msec $request_method $request_uri $status $http_x_forwarded_for "$http_user_agent"`,
		[]byte(`2026-10-14T10:00:00+02:00 1791964800.123 GET /api/v1/users?limit=200 200 203.0.113.9, 10.0.0.1 "okta-cli"`))
	f.Add(`${msec}|${uri}|${sent_http_x_rate_limit_reset}`, []byte(`1791964800|/x|-`))
	f.Fuzz(func(t *testing.T, format string, line []byte) {
		lf, err := CompileLogFormat(format)
		if err != nil {
			return
		}
		sentinel := Record{Method: "sentinel", Line: 3}
		rec := sentinel
		if reason := lf.parse(trimLine(line), &rec); reason != "" {
			if rec != sentinel || !contains(Reasons, reason) {
				t.Fatalf("reason %q, record %+v", reason, rec)
			}
			return
		}
		if rec.Target == "" || rec.Line != 3 || (rec.Method != "" && !isMethod(rec.Method)) || rec.Status < 0 || rec.Status > 999 ||
			rec.RateLimitLimit < 0 || rec.RateLimitRemaining < 0 || rec.RateLimitReset < 0 {
			t.Fatalf("CompileLogFormat(%q).parse(%q) = %+v", format, line, rec)
		}
	})
}

// TestIndexLit: indexLit finds what bytes.Index finds.
func TestIndexLit(t *testing.T) {
	for _, b := range []string{"", "a", `"GET / HTTP/1.1" 200`, `x" "y" "z`, "] [", "aaab", `- - [`} {
		for _, lit := range []string{" ", `" "`, "] \"", " - ", "ab", "b", `" `, "zz"} {
			if got, want := indexLit([]byte(b), []byte(lit)), strings.Index(b, lit); got != want {
				t.Errorf("indexLit(%q, %q) = %d, want %d", b, lit, got, want)
			}
		}
	}
}

// TestParseDurations: the duration units read into microseconds.
func TestParseDurations(t *testing.T) {
	for _, tt := range []struct {
		in   string
		unit int64
		want int64
		ok   bool
	}{
		{"0.041", 1_000_000, 41_000, true}, {"12", 1_000_000, 12_000_000, true}, {"1.2345678", 1_000_000, 1_234_567, true},
		{"41", 1000, 41_000, true}, {"12.5", 1000, 12_500, true}, {"7", 1, 7, true}, {"7.9", 1, 7, true},
		{"1500", 0, 1, true}, {"999", 0, 0, true}, {"-1", 1000, 0, false}, {"1.", 1000, 0, false}, {"", 1, 0, false},
		{"12ms", 1000, 0, false}, {"1234567890", 1_000_000, 0, false},
	} {
		got, ok := parseDurationUnit([]byte(tt.in), tt.unit)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("parseDurationUnit(%q, %d) = %d, %v; want %d, %v", tt.in, tt.unit, got, ok, tt.want, tt.ok)
		}
	}
}

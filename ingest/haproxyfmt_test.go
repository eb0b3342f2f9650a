package ingest

import (
	"fmt"
	"strings"
	"testing"
)

// haproxyHTTPLog is HAProxy's "option httplog" written as a log-format, as HAProxy's configuration
// manual gives it.
const haproxyHTTPLog = `%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r`

// TestHAProxyLogFormatMatchesBuiltin: the predefined HTTP log format compiled from its log-format
// string reads every line as the built-in parser does (records and skip reasons): two independent
// implementations of one format.
func TestHAProxyLogFormatMatchesBuiltin(t *testing.T) {
	f, err := CompileHAProxyLogFormat(haproxyHTTPLog)
	if err != nil {
		t.Fatal(err)
	}
	lines := []string{
		`Oct 14 08:00:01 lb1 haproxy[7]: 10.0.0.9:53332 [14/Oct/2026:08:00:00.143] okta_out~ okta/acme 0/0/7/145/152 200 1394 - - ---- 2/1/0/0/0 0/0 {okta-sdk-go/2.0} {} "GET /api/v1/users/me HTTP/1.1"`,
		`[2001:db8::9]:53333 [14/Oct/2026:08:00:01.000] okta_out~ okta/acme 0/0/1/2/3 429 120 - - ---- 1/1/0/0/0 0/0 {} {} "POST /oauth2/v1/token?client_id=0oa1 HTTP/1.1"`,
		`10.0.0.9:53334 [14/Oct/2026:08:00:02.000] okta_out okta_out/<NOSRV> -1/-1/-1/-1/0 -1 0 - - CR-- 1/1/0/0/0 0/0 {} {} "<BADREQ>"`,
		`Oct 14 08:00:04 lb1 haproxy[7]: Proxy okta_out started.`,
		`Oct 14 08:00:05 lb1 haproxy[7]: 10.0.0.9:53337 [31/Oct/2026:25:00:00.000] okta_out~ okta/acme 0/0/1/2/3 200 10 - - ---- 1/1/0/0/0 0/0 {a b} {c} "GET /api/v1/groups HTTP/1.1"`,
		`10.0.0.9:1 [14/Oct/2026:08:00:00.000] fe~ be/s 0/0/7/145/152 200 1 - - ---- 2/1/0/0/0 0/0 {Mozilla/5.0 (X11; Linux)} {} "DELETE /api/v1/sessions/x HTTP/1.1"`,
		`garbage "with a quote"`,
	}
	for i := range 200 {
		lines = append(lines, fmt.Sprintf(`Oct 14 08:00:%02d lb haproxy[7]: 10.0.%d.%d:%d [14/Oct/2026:%02d:%02d:%02d.%03d] fe be/s%d 0/0/%d/1/2 %d %d - - ---- 1/1/0/0/0 0/0 {ua %d} {} "%s /api/v1/users/%d?x=%d HTTP/1.%d"`,
			i%60, i/256, i%256, 1024+i, i%24, i%60, (i*7)%60, i%1000, i, i, 200+i%300, i*13, i, []string{"GET", "POST", "PUT"}[i%3], i, i, i%2))
	}
	for _, l := range lines {
		var a, b Record
		ra, rb := parseHAProxy([]byte(l), &a), f.parse([]byte(l), &b)
		if ra != rb || a != b {
			t.Errorf("%s\nbuilt-in: %q %+v\ncompiled: %q %+v", l, ra, a, rb, b)
		}
	}
}

func TestCompileHAProxyLogFormat(t *testing.T) {
	same := []string{
		`%ci [%tr] %{+Q}r %ST`,
		`"%ci [%tr] %{+Q}r %ST"`,
		`log-format "%ci [%tr] %{+Q}r %ST"`,
		`log-format %ci\ [%tr]\ %{+Q}r\ %ST`,
	}
	for _, s := range same {
		f, err := CompileHAProxyLogFormat(s)
		if err != nil || f.String() != same[0] {
			t.Errorf("%q: %v, %v", s, f, err)
		}
	}
	for _, tt := range []struct{ format, err string }{
		{`%ci %ST %{+Q}r`, "no time variable"},
		{`%ci [%tr] %ST`, "no request variable"},
		{`%ci%tr %{+Q}r`, "not separated by literal text"},
		{`%{+Q %tr %r`, "unclosed %{"},
		{`%[src %tr %r`, "unclosed %["},
		{`100% [%tr] %r`, "'%' without a variable name"},
		{`just text`, "no variable"},
	} {
		if _, err := CompileHAProxyLogFormat(tt.format); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: err %v, want %q", tt.format, err, tt.err)
		}
	}
	// A quoted variable needs no literal after it; %% is a literal percent sign.
	f, err := CompileHAProxyLogFormat(`%{+Q}r%ST 100%% [%t]`)
	if err != nil {
		t.Fatal(err)
	}
	var rec Record
	if r := f.parse([]byte(`"GET /a HTTP/1.1"200 100% [14/Oct/2026:08:00:00.500]`), &rec); r != "" || rec.Status != 200 ||
		rec.Time != utcInstant+500_000 || rec.Target != "/a" {
		t.Errorf("%q %+v", r, rec)
	}
	// Both an nginx log_format and an HAProxy log-format given: an error.
	if _, err := NewReader(strings.NewReader(""), "x", Options{LogFormat: "combined", HAProxyLogFormat: haproxyHTTPLog}); err == nil {
		t.Error("LogFormat and HAProxyLogFormat together: no error")
	}
	if _, err := NewReader(strings.NewReader(""), "x", Options{HAProxyLogFormat: "%ci"}); err == nil ||
		!strings.Contains(err.Error(), "haproxy: log-format") {
		t.Errorf("bad HAProxyLogFormat: %v", err)
	}
}

package ingest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestNginxRequestStart: where the log_format logs a duration, the request is placed at its start,
// recomputed here with package time: $msec minus $request_time exactly; $time_local minus the whole
// seconds of $request_time (or of the sum of $upstream_response_time when that is all there is).
func TestNginxRequestStart(t *testing.T) {
	local, err := CompileLogFormat(`[$time_local] "$request" $status $request_time`)
	if err != nil {
		t.Fatal(err)
	}
	msec, _ := CompileLogFormat(`$msec "$request" $status $request_time`)
	upstream, _ := CompileLogFormat(`$time_iso8601 "$request" $status $upstream_response_time`)
	rng := rand.New(rand.NewPCG(1, 2))
	zone := time.FixedZone("", 2*3600)
	for range 2000 {
		end := time.Unix(1791936000+rng.Int64N(86400), rng.Int64N(1000)*int64(time.Millisecond))
		dur := time.Duration(rng.Int64N(120_000)) * time.Millisecond
		secs := fmt.Sprintf("%d.%03d", dur/time.Second, dur%time.Second/time.Millisecond)
		whole := end.Truncate(time.Second)

		var rec Record
		line := fmt.Sprintf(`[%s] "GET /a HTTP/1.1" 200 %s`, whole.In(zone).Format("02/Jan/2006:15:04:05 -0700"), secs)
		if r := local.parse([]byte(line), &rec); r != "" || rec.Time != whole.Add(-dur.Truncate(time.Second)).UnixMicro() {
			t.Fatalf("%s: %q %s, want %s", line, r, time.UnixMicro(rec.Time).UTC(), whole.Add(-dur.Truncate(time.Second)).UTC())
		}
		line = fmt.Sprintf(`%d.%03d "GET /a HTTP/1.1" 200 %s`, end.Unix(), end.Nanosecond()/1e6, secs)
		if r := msec.parse([]byte(line), &rec); r != "" || rec.Time != end.Add(-dur).UnixMicro() {
			t.Fatalf("%s: %q %s, want %s", line, r, time.UnixMicro(rec.Time).UTC(), end.Add(-dur).UTC())
		}
		tries := 1 + rng.IntN(3)
		var parts []string
		var sum time.Duration
		for range tries {
			d := time.Duration(rng.Int64N(30_000)) * time.Millisecond
			sum += d
			parts = append(parts, fmt.Sprintf("%d.%03d", d/time.Second, d%time.Second/time.Millisecond))
		}
		line = fmt.Sprintf(`%s "GET /a HTTP/1.1" 502 %s`, whole.Format(time.RFC3339), strings.Join(parts, ", "))
		if r := upstream.parse([]byte(line), &rec); r != "" || rec.Time != whole.Add(-sum.Truncate(time.Second)).UnixMicro() {
			t.Fatalf("%s: %q %s, want %s", line, r, time.UnixMicro(rec.Time).UTC(), whole.Add(-sum.Truncate(time.Second)).UTC())
		}
	}
}

// TestEnvoyTextMatchesJSON: a request logged in Envoy's default text format and in the envoy JSON
// format with the same values reads as the same record (Istio's layout gives the peer address).
func TestEnvoyTextMatchesJSON(t *testing.T) {
	for i := range 100 {
		ts := time.UnixMicro(utcInstant + int64(i)*1_234_567).UTC().Format("2006-01-02T15:04:05.000Z")
		method, path, status := []string{"GET", "POST", "DELETE"}[i%3], fmt.Sprintf("/api/v1/users/%d?x=%d", i, i), 200+i%3*100
		xff, ua := fmt.Sprintf("203.0.113.%d, 10.0.0.1", i), fmt.Sprintf("okta-sdk/%d", i)
		peer := fmt.Sprintf("10.9.0.%d:%d", i, 40000+i)
		text := fmt.Sprintf(`[%s] "%s %s HTTP/1.1" %d - via_upstream - "-" 0 12 3 2 "%s" "%s" "id%d" "acme.okta.com" "10.0.0.5:443" outbound|443||x 10.0.0.9:1 10.0.45.1:443 %s - default`,
			ts, method, path, status, xff, ua, i, peer)
		json := fmt.Sprintf(`{"start_time":"%s","method":"%s","path":"%s","response_code":%d,"x_forwarded_for":"%s","user_agent":"%s","downstream_remote_address":"%s","duration":3}`,
			ts, method, path, status, xff, ua, peer)
		for _, xffOpt := range []bool{false, true} {
			pt, pj := parseEnvoyText, envoyMapping.parse
			if xffOpt {
				pt, pj = parseEnvoyTextXFF, envoyMapping.withXFF().parse
			}
			var a, b Record
			if ra, rb := pt([]byte(text), &a), pj([]byte(json), &b); ra != "" || rb != "" || a != b {
				t.Fatalf("xff %v:\n%s\n%q %+v\n%s\n%q %+v", xffOpt, text, ra, a, json, rb, b)
			}
		}
	}
}

// TestUnwrap checks each line wrapper on lines of its shape and of near shapes.
func TestUnwrap(t *testing.T) {
	for _, tt := range []struct {
		w          wrapKind
		line, want string
		kind       unwrapped
	}{
		{wrapDocker, `{"log":"a \"b\" \u00e9\n","stream":"stdout","time":"x"}`, `a "b" é`, wrappedLine},
		{wrapDocker, `{"log":"err\r\n","stream":"stderr","time":"x"}`, "err", wrappedMessage},
		{wrapDocker, `{"log":"piece","stream":"stdout","time":"x"}`, "piece", wrappedPiece},
		{wrapDocker, `{"log":"x\n","time":"x"}`, "", notWrapped},
		{wrapDocker, `{"log":"x\n","stream":"stdout"`, "", notWrapped},
		{wrapDocker, `{"log":"bad \q\n","stream":"stdout"}`, "", notWrapped},
		{wrapDocker, `{"msg":"x"}`, "", notWrapped},
		{wrapCRI, `2026-10-14T08:00:00.123456789Z stdout F a b`, "a b", wrappedLine},
		{wrapCRI, `2026-10-14T08:00:00.123456789+02:00 stderr F:x e`, "e", wrappedMessage},
		{wrapCRI, `2026-10-14T08:00:00Z stdout P part`, "part", wrappedPiece},
		{wrapCRI, `2026-10-14T08:00:00Z stdin F x`, "", notWrapped},
		{wrapCRI, `2026-10-14T25:00:00Z stdout F x`, "", notWrapped},
		{wrapCRI, `2026-10-14T08:00:00Z stdout`, "", notWrapped},
		{wrapSyslog, `Oct 14 08:00:01 lb1 haproxy[7]: a b`, "a b", wrappedMessage},
		{wrapSyslog, `<134>Oct  4 08:00:01 lb1 nginx: x`, "x", wrappedMessage},
		{wrapSyslog, `2026-10-14T08:00:01.5+00:00 lb1 my-app.sh[1]: y`, "y", wrappedMessage},
		{wrapSyslog, `Oct 14 08:00:01 lb1 haproxy[x]: a`, "", notWrapped},
		{wrapSyslog, `Oct 14 08:00:01 lb1 haproxy a`, "", notWrapped},
		{wrapSyslog, `Foo 14 08:00:01 lb1 haproxy: a`, "", notWrapped},
		{wrapSyslog, `10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "GET / HTTP/1.1" 200 1`, "", notWrapped},
		{wrapSyslog, `<1x>Oct 14 08:00:01 h t: a`, "", notWrapped},
	} {
		inner, _, kind := tt.w.unwrap([]byte(tt.line), nil)
		if kind != tt.kind || (kind != notWrapped && string(inner) != tt.want) {
			t.Errorf("%s %q: %q kind %d, want %q kind %d", tt.w, tt.line, inner, kind, tt.want, tt.kind)
		}
	}
	// A file is wrapped when more than half of its sniffed lines are.
	for _, tt := range []struct {
		lines []string
		want  wrapKind
	}{
		{[]string{`2026-10-14T08:00:00Z stdout F a`, `2026-10-14T08:00:00Z stderr F b`, `c`}, wrapCRI},
		{[]string{`2026-10-14T08:00:00Z stdout F a`, `c`}, wrapNone},
		{[]string{`Oct 14 08:00:01 h t: a`, `Oct 14 08:00:01 h t: b`, `{"log":"x\n","stream":"stdout"}`}, wrapSyslog},
	} {
		var lines [][]byte
		for _, l := range tt.lines {
			lines = append(lines, []byte(l))
		}
		if got := detectWrap(lines); got != tt.want {
			t.Errorf("%q: %s, want %s", tt.lines, got, tt.want)
		}
	}
}

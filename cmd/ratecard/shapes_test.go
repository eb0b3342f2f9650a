package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInputShapes checks end to end the access-log shapes of issue 16: --haproxy-log-format, Envoy's
// text log in a Docker wrapper, a file that concatenates formats (summary.json's per-file formats),
// and the hint of an unknown format.
func TestInputShapes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	out := filepath.Join(dir, "out")
	files := func() []map[string]any {
		t.Helper()
		var s struct {
			Input struct {
				Files []map[string]any `json:"files"`
			} `json:"input"`
		}
		data, err := os.ReadFile(filepath.Join(out, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatal(err)
		}
		return s.Input.Files
	}

	hap := write("haproxy.log", strings.Repeat(`Oct 14 08:00:01 lb1 haproxy[7]: 10.0.0.9:53332 [14/Oct/2026:08:00:00.143] okta_out okta/acme 200 "okta-sdk-go/2.0" "GET /api/v1/users/me HTTP/1.1"`+"\n", 5))
	logFormat := `%ci:%cp [%tr] %ft %b/%s %ST %{+Q}[req.hdr(User-Agent)] %{+Q}r`
	code, stdout, stderr := runCLI(t, "analyze", "--haproxy-log-format", logFormat, "--out", out, hap)
	if f := files(); code != 0 || !strings.Contains(stdout, "users-get") || f[0]["requests"] != 5.0 || f[0]["format"] != "haproxy" {
		t.Errorf("--haproxy-log-format: exit %d, files %v\n%s\n%s", code, f, stdout, stderr)
	}
	for _, args := range [][]string{
		{"--haproxy-log-format", "%ci [%tr]", hap},
		{"--haproxy-log-format", logFormat, "--log-format", "combined", hap},
	} {
		if code, _, stderr := runCLI(t, append([]string{"analyze", "--out", out}, args...)...); code != 2 || !strings.Contains(stderr, "haproxy-log-format") {
			t.Errorf("%q: exit %d, %s", args, code, stderr)
		}
	}

	envoy := write("envoy-docker.log", strings.Repeat(`{"log":"[2026-10-14T08:00:00.123Z] \"POST /api/v1/authn HTTP/1.1\" 200 - 0 512 41 40 \"-\" \"okta-auth-js/7.0\" \"id\" \"acme.okta.com\" \"10.0.0.5:443\"\n","stream":"stdout","time":"2026-10-14T08:00:00.2Z"}`+"\n", 4))
	mixed := write("mixed.log", strings.Repeat(`10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "GET /api/v1/groups HTTP/1.1" 200 5 "-" "sdk/1"`+"\n", 3)+
		`Oct 14 08:00:02 lb1 haproxy[7]: 10.0.0.9:53333 [14/Oct/2026:08:00:02.000] okta_out~ okta/acme 0/0/1/2/3 200 120 - - ---- 1/1/0/0/0 0/0 "GET /api/v1/apps HTTP/1.1"`+"\n")
	code, stdout, stderr = runCLI(t, "analyze", "--out", out, envoy, mixed)
	f := files()
	if code != 0 || f[0]["format"] != "envoy-text" || f[0]["requests"] != 4.0 || f[0]["formats"] != nil {
		t.Errorf("envoy in docker: exit %d, %v\n%s\n%s", code, f[0], stdout, stderr)
	}
	if want := map[string]any{"combined": 3.0, "haproxy": 1.0}; len(f) < 2 || f[1]["requests"] != 4.0 || !equalJSON(f[1]["formats"], want) {
		t.Errorf("mixed file: %v, want formats %v", f, want)
	}
	if md, _ := os.ReadFile(filepath.Join(out, "summary.md")); !strings.Contains(string(md), "(combined 3 · haproxy 1)") {
		t.Errorf("summary.md does not name the formats of the mixed file:\n%s", md)
	}

	unknown := write("custom.log", strings.Repeat(`10.0.0.1 [14/Oct/2026:10:00:00 +0200] "GET /api/v1/users HTTP/1.1" 200 rt=0.003`+"\n", 3))
	if code, _, stderr := runCLI(t, "analyze", "--out", out, unknown); code != 1 || !strings.Contains(stderr, "--log-format") ||
		!strings.Contains(stderr, "3 of 3 lines look like nginx") {
		t.Errorf("unknown format: exit %d, %s", code, stderr)
	}
}

// equalJSON reports whether a decoded JSON value equals want.
func equalJSON(got any, want map[string]any) bool {
	m, ok := got.(map[string]any)
	if !ok || len(m) != len(want) {
		return false
	}
	for k, v := range want {
		if m[k] != v {
			return false
		}
	}
	return true
}

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

const goodLine = `10.1.2.3 - - [14/Oct/2026:10:23:00 +0200] "GET /api/v1/users/00u1a2b3c4d5e6f7g8h9 HTTP/1.1" 200 512 "-" "curl/8.0"` + "\n"

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.log")
	if err := os.WriteFile(good, []byte(goodLine), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	tests := []struct {
		name       string
		args       []string
		code       int
		wantOut    string
		wantErrout string
	}{
		{"no args", nil, 2, "", "Usage:"},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"analyze without files", []string{"analyze"}, 2, "", "at least one input file"},
		{"bad tier", []string{"analyze", "--tier", "gold", good}, 2, "", "gold"},
		{"warn too low", []string{"analyze", "--warn", "20", good}, 2, "", "30-90"},
		{"warn too high", []string{"analyze", "--warn", "95", good}, 2, "", "30-90"},
		{"unknown flag", []string{"analyze", "--bogus", good}, 2, "", "bogus"},
		{"unknown format", []string{"analyze", "--format", "yaml", good}, 2, "", "yaml"},
		{"missing file", []string{"analyze", "--out", out, filepath.Join(dir, "missing.log")}, 1, "", "missing.log"},
		{"directory", []string{"analyze", "--out", out, dir}, 1, "", dir},
		{"analyze help", []string{"analyze", "--help"}, 0, "", "--tier"},
		{"flags after files", []string{"analyze", good, "--out", out, "--tier", "workforce"}, 0, "users-get", ""},
		{"version", []string{"version"}, 0, "ratecard ", ""},
		{"help", []string{"help"}, 0, "Usage:", ""},
		{"classify login", []string{"classify", "GET", "/api/v1/users/jane%40acme.com?expand=x"}, 0, "users-get", ""},
		{"classify custom AS", []string{"classify", "POST", "/oauth2/default/v1/token"}, 0, "oauth2-custom", ""},
		{"classify metadata", []string{"classify", "GET", "/oauth2/v1/keys"}, 0, "public-metadata", ""},
		{"classify outside", []string{"classify", "GET", "/login/login.htm"}, 0, "outside-catalog", ""},
		{"classify missing path", []string{"classify", "GET"}, 2, "", "METHOD and PATH"},
		{"buckets", []string{"buckets"}, 0, "oauth2-clients", ""},
		{"buckets one tier", []string{"buckets", "--tier", "one-app"}, 0, "one-app", ""},
		{"buckets bad tier", []string{"buckets", "--tier", "x"}, 2, "", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantOut, stdout)
			}
			if !strings.Contains(stderr, tt.wantErrout) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErrout, stderr)
			}
		})
	}
}

func TestClassifyPrintsEveryTier(t *testing.T) {
	code, stdout, _ := runCLI(t, "classify", "GET", "/api/v1/users/00u1a2b3c4d5e6f7g8h9")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"users-get", "developer-free", "100", "one-app", "300", "enterprise", "1000", "workforce", "2000"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("classify output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = runCLI(t, "buckets")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, id := range []string{"authn", "authn-verify", "sessions", "oauth2-custom", "oauth2-org", "oauth2-other", "oauth2-clients",
		"apps", "apps-by-id", "groups", "groups-by-id", "users", "users-get", "users-update", "logs", "events", "orgs", "api-other"} {
		if !strings.Contains(stdout, id+" ") {
			t.Errorf("buckets output lacks %s", id)
		}
	}
}

// A gzip stream cut short is an error naming the file (exit 1), but what was read stays counted and
// the report is still written.
func TestTruncatedGzip(t *testing.T) {
	dir := t.TempDir()
	var plain bytes.Buffer
	for i := 0; i < 5000; i++ {
		plain.WriteString(goodLine)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain.Bytes())
	zw.Close()
	cut := filepath.Join(dir, "cut.log.gz")
	if err := os.WriteFile(cut, gz.Bytes()[:gz.Len()/2], 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.log")
	if err := os.WriteFile(good, []byte(goodLine), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, _, stderr := runCLI(t, "analyze", "--out", out, cut, good)
	if code != 1 || !strings.Contains(stderr, "cut.log.gz") {
		t.Fatalf("exit %d, stderr %q; want 1 naming cut.log.gz", code, stderr)
	}
	var s struct {
		Input struct {
			Lines, Requests, Skipped int64
			Files                    []struct {
				Path                     string
				Lines, Requests, Skipped int64
				Error                    string
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	f := s.Input.Files[0]
	if f.Error == "" || f.Lines == 0 || f.Lines >= 5000 || f.Lines != f.Requests+f.Skipped {
		t.Errorf("truncated file accounting %+v", f)
	}
	if s.Input.Files[1].Requests != 1 || s.Input.Lines != s.Input.Requests+s.Input.Skipped {
		t.Errorf("input accounting %+v", s.Input)
	}
}

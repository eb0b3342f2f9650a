package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

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
	emptyDir := filepath.Join(dir, "empty")
	if err := os.MkdirAll(filepath.Join(emptyDir, ".hidden"), 0o755); err != nil {
		t.Fatal(err)
	}
	limits := filepath.Join(dir, "limits.yaml")
	if err := os.WriteFile(limits, []byte("users-get:\n  enterprise: 2500\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badLimits := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badLimits, []byte("# org limits\nauthnn: 3000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	many := filepath.Join(dir, "many.log") // 200 users-get in one minute: over developer-free (100), near developer-paid (300)
	if err := os.WriteFile(many, []byte(strings.Repeat(goodLine, 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []cliCase{
		{"no args", nil, 2, "", "Usage:"},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"analyze without files", []string{"analyze"}, 2, "", "at least one input file"},
		{"bad tier", []string{"analyze", "--tier", "gold", good}, 2, "", "gold"},
		{"warn too low", []string{"analyze", "--warn", "20", good}, 2, "", "30-90"},
		{"warn too high", []string{"analyze", "--warn", "95", good}, 2, "", "30-90"},
		{"unknown flag", []string{"analyze", "--bogus", good}, 2, "", "bogus"},
		{"unknown format", []string{"analyze", "--format", "yaml", good}, 2, "", "yaml"},
		{"missing file", []string{"analyze", "--out", out, filepath.Join(dir, "missing.log")}, 1, "", "missing.log"},
		{"directory without log files", []string{"analyze", "--out", out, emptyDir}, 1, "", "no log file"},
		{"analyze help", []string{"analyze", "--help"}, 0, "--tier", ""},
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
		{"buckets okta-2025", []string{"buckets", "--catalog", "okta-2025"}, 0, "Integrator Free Plan", ""},
		{"buckets bad catalog", []string{"buckets", "--catalog", "okta-1999"}, 2, "", "okta-1999"},
		{"classify okta-2025 token", []string{"classify", "--catalog", "okta-2025", "POST", "/oauth2/default/v1/token"}, 0, "oauth2-custom-token", ""},
		{"classify with limits", []string{"classify", "--limits", limits, "GET", "/api/v1/users/00u1"}, 0, "2,500", ""},
		{"limits missing", []string{"classify", "--limits", filepath.Join(dir, "nope.yaml"), "GET", "/"}, 1, "", "nope.yaml"},
		{"limits invalid", []string{"analyze", "--limits", badLimits, "--out", out, good}, 1, "", "bad.yaml:2:"},
		{"fail-on bad value", []string{"analyze", "--fail-on", "always", good}, 2, "", "--fail-on"},
		{"fail-on over, not over", []string{"analyze", "--fail-on", "over", "--out", out, good}, 0, "users-get", ""},
		{"fail-on over, over on developer-free", []string{"analyze", "--fail-on", "over", "--tier", "developer-free", "--out", out, many}, 3, "users-get", "users-get"},
		{"fail-on near", []string{"analyze", "--fail-on", "near", "--tier", "developer-paid", "--out", out, many}, 3, "", "users-get"},
		{"db without files, missing", []string{"analyze", "--db", filepath.Join(dir, "none.duckdb"), "--out", out}, 1, "", "none.duckdb"},
		{"progress bad value", []string{"analyze", "--progress", "maybe", good}, 2, "", "--progress"},
	}
	runCases(t, tests)
}

func TestClassifyPrintsEveryTier(t *testing.T) {
	code, stdout, _ := runCLI(t, "classify", "GET", "/api/v1/users/00u1a2b3c4d5e6f7g8h9")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"users-get", "developer-free", "100", "one-app", "300", "enterprise", "1,000", "workforce", "2,000"} {
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
	decodeSummary(t, out, &s)
	f := s.Input.Files[0]
	if f.Error == "" || f.Lines == 0 || f.Lines >= 5000 || f.Lines != f.Requests+f.Skipped {
		t.Errorf("truncated file accounting %+v", f)
	}
	if s.Input.Files[1].Requests != 1 || s.Input.Lines != s.Input.Requests+s.Input.Skipped {
		t.Errorf("input accounting %+v", s.Input)
	}

	// --strict: the same input stops without a report.
	strictOut := filepath.Join(dir, "strict")
	code, _, stderr = runCLI(t, "analyze", "--strict", "--out", strictOut, cut, good)
	if code != 1 || !strings.Contains(stderr, "cut.log.gz") || !strings.Contains(stderr, "--strict") {
		t.Errorf("--strict: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(strictOut, "report.html")); err == nil {
		t.Errorf("--strict wrote a report")
	}
}

// TestWindow checks --from/--to: requests outside are parsed and counted, not analysed.
func TestWindow(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.log") // 08:23 UTC (10:23 +0200), 200 users-get; 08:30 UTC, 10 apps
	apps := strings.ReplaceAll(strings.ReplaceAll(goodLine, "10:23:00", "10:30:00"), "/users/00u1a2b3c4d5e6f7g8h9", "/apps")
	if err := os.WriteFile(path, []byte(strings.Repeat(goodLine, 200)+strings.Repeat(apps, 10)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "analyze", "--from", "2026-10-14T08:24:00Z", "--to", "2026-10-15", "--out", out, path)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	var s struct {
		Input struct {
			Lines         int64 `json:"lines"`
			Requests      int64 `json:"requests"`
			OutsideWindow int64 `json:"outside_window"`
		} `json:"input"`
		Buckets []struct {
			ID       string `json:"id"`
			Requests int64  `json:"requests"`
		} `json:"buckets"`
	}
	decodeSummary(t, out, &s)
	if s.Input.Lines != 210 || s.Input.Requests != 210 || s.Input.OutsideWindow != 200 {
		t.Errorf("input %+v, want 210 lines and requests, 200 outside the window", s.Input)
	}
	if len(s.Buckets) != 1 || s.Buckets[0].ID != "apps" || s.Buckets[0].Requests != 10 {
		t.Errorf("buckets %+v, want only apps with 10", s.Buckets)
	}
	for _, args := range [][]string{
		{"analyze", "--from", "yesterday", path},
		{"analyze", "--from", "2026-10-15", "--to", "2026-10-14", path},
		{"analyze", "--db", filepath.Join(dir, "x.duckdb"), "--from", "2026-10-14"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// TestInterrupted checks that a cancelled run (Ctrl-C) stops with a message and no report.
func TestInterrupted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.log")
	if err := os.WriteFile(path, []byte(strings.Repeat(goodLine, 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	out := filepath.Join(dir, "out")
	code := run(ctx, []string{"analyze", "--out", out, path}, &stdout, &stderr)
	if code != 130 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q; want 130 and a message", code, stderr.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("an interrupted run created %s", out)
	}
}

// TestDBReanalysis checks that --db keeps an ingest that analyze --db then analyses again, for another
// tier, without the logs, with the same figures as a fresh run.
func TestDBReanalysis(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "a.log")
	if err := os.WriteFile(logPath, []byte(strings.Repeat(goodLine, 150)+"junk\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "m.duckdb")
	if code, stdout, stderr := runCLI(t, "analyze", "--db", db, "--out", filepath.Join(dir, "o1"), logPath); code != 0 || !strings.Contains(stdout, "kept:") {
		t.Fatalf("ingest: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if err := os.Remove(logPath); err != nil { // the logs are gone: only the store remains
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "analyze", "--db", db, "--tier", "developer-free", "--out", filepath.Join(dir, "o2"))
	if code != 0 {
		t.Fatalf("re-analysis: exit %d\n%s\n%s", code, stdout, stderr)
	}
	var sum struct {
		Tier  string `json:"tier"`
		Input struct {
			Lines, Requests, Skipped int64
		} `json:"input"`
		Buckets []struct {
			ID     string                `json:"id"`
			Status string                `json:"status"`
			Peak   struct{ Count int64 } `json:"peak"`
		} `json:"buckets"`
	}
	decodeSummary(t, filepath.Join(dir, "o2"), &sum)
	if sum.Tier != "developer-free" || sum.Input.Lines != 151 || sum.Input.Requests != 150 || sum.Input.Skipped != 1 {
		t.Errorf("re-analysis summary: %+v", sum)
	}
	if len(sum.Buckets) != 1 || sum.Buckets[0].ID != "users-get" || sum.Buckets[0].Peak.Count != 150 || sum.Buckets[0].Status != "over" {
		t.Errorf("re-analysis buckets: %+v", sum.Buckets)
	}
}

func TestProgressLine(t *testing.T) {
	got := progressLine(512<<20, 1024<<20, 4_000_000, 2*time.Second)
	want := "reading 512.0 MiB of 1024.0 MiB (50 %) · 2.00 M lines/s · about 2s left"
	if got != want {
		t.Errorf("progressLine = %q, want %q", got, want)
	}
	if isTerminal(new(bytes.Buffer)) {
		t.Error("a buffer is not a terminal")
	}
}

// TestInputFlags checks --log-format, --field and standard input end to end.
func TestInputFlags(t *testing.T) {
	dir := t.TempDir()
	ng := filepath.Join(dir, "okta.log")
	ngLine := `10.0.0.1 [14/Oct/2026:10:00:00 +0200] "GET /api/v1/users/00u1 HTTP/1.1" 200 "sdk/1" 600 598` + "\n"
	if err := os.WriteFile(ng, []byte(strings.Repeat(ngLine, 3)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	format := `$remote_addr [$time_local] "$request" $status "$http_user_agent" $upstream_http_x_rate_limit_limit $upstream_http_x_rate_limit_remaining`
	code, stdout, stderr := runCLI(t, "analyze", "--log-format", format, "--out", out, ng)
	if code != 0 || !strings.Contains(stdout, "users-get") || !strings.Contains(stdout, "X-Rate-Limit-Limit 600") {
		t.Errorf("--log-format: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, "analyze", "--log-format", "$nonsense_only", ng); code != 2 {
		t.Errorf("bad --log-format: exit %d, %s", code, stderr)
	}

	js := filepath.Join(dir, "gw.jsonl")
	if err := os.WriteFile(js, []byte(`{"ts":"2026-10-14T08:00:00Z","req":{"m":"GET","uri":"/api/v1/apps"}}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, "analyze", "--field", "time=ts", "--field", "path=req.uri", "--field", "method=req.m", "--out", out, js)
	if code != 0 || !strings.Contains(stdout, "apps") {
		t.Errorf("--field: exit %d\n%s\n%s", code, stdout, stderr)
	}
	xff := filepath.Join(dir, "lb.log")
	if err := os.WriteFile(xff, []byte(strings.Repeat(`10.0.0.9 - - [14/Oct/2026:10:00:00 +0200] "GET /api/v1/users/00u1 HTTP/1.1" 200 5 "-" "sdk/1" "203.0.113.7, 10.0.0.9"`+"\n", 700)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCLI(t, "analyze", "--forwarded-for", "--out", out, xff); code != 0 || !strings.Contains(stdout, `"203.0.113.7"`) {
		t.Errorf("--forwarded-for: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// --limits learned: the X-Rate-Limit-Limit of 600 replaces users-get's enterprise 1,000.
	code, stdout, stderr = runCLI(t, "analyze", "--log-format", format, "--limits", "learned", "--out", out, ng)
	if code != 0 || !regexp.MustCompile(`(?m)^users-get +600 `).MatchString(stdout) {
		t.Errorf("--limits learned: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if sum, _ := os.ReadFile(filepath.Join(out, "summary.json")); !strings.Contains(string(sum), `"catalog": "seed+learned"`) ||
		!strings.Contains(string(sum), `"limit_origin": "learned"`) {
		t.Errorf("--limits learned summary lacks the learned catalog and origin")
	}
	// --principal-map: the sdk caller, named by its user agent, at a 1 % share (10/min of 1,000).
	pmap := filepath.Join(dir, "principals.txt")
	if err := os.WriteFile(pmap, []byte("ua sdk = user-sync\nshare user-sync = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, "analyze", "--log-format", format, "--principal-map", pmap, "--out", out, ng)
	sum, _ := os.ReadFile(filepath.Join(out, "summary.json"))
	if code != 0 || !strings.Contains(string(sum), `"name": "user-sync"`) || !strings.Contains(string(sum), `"share_percent": 1,`) {
		t.Errorf("--principal-map: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if err := os.WriteFile(pmap, []byte("share user-sync = lots\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "analyze", "--principal-map", pmap, ng); code != 1 || !strings.Contains(stderr, "principals.txt:1:") {
		t.Errorf("bad --principal-map: exit %d, %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "buckets", "--limits", "learned"); code != 2 {
		t.Errorf("buckets --limits learned: exit %d, want 2", code)
	}
	if code, _, _ := runCLI(t, "analyze", "--field", "time", js); code != 2 {
		t.Errorf("--field without =: exit %d, want 2", code)
	}
}

// TestUnopenableFileAmongOthers checks that a missing file does not stop the analysis of the others
// (the report names it, exit 1) unless --strict.
func TestUnopenableFileAmongOthers(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.log")
	if err := os.WriteFile(good, []byte(strings.Repeat(goodLine, 5)), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "rotated.log.1")
	out := filepath.Join(dir, "out")
	empty := filepath.Join(dir, "empty") // a directory with no log file in it
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "analyze", "--out", out, good, missing, empty)
	if code != 1 || !strings.Contains(stderr, "rotated.log.1") || !strings.Contains(stdout, "users-get") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	var s struct {
		Input struct {
			Requests int64
			Files    []struct {
				Path  string
				Error string
			}
		}
	}
	decodeSummary(t, out, &s)
	if s.Input.Requests != 5 || len(s.Input.Files) != 3 || s.Input.Files[1].Error == "" || s.Input.Files[2].Error == "" {
		t.Errorf("input %+v", s.Input)
	}
	strictOut := filepath.Join(dir, "strict")
	if code, _, stderr := runCLI(t, "analyze", "--strict", "--out", strictOut, good, missing); code != 1 || !strings.Contains(stderr, "rotated.log.1") {
		t.Errorf("--strict: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(strictOut); err == nil {
		t.Errorf("--strict wrote %s", strictOut)
	}
}

// TestBrokenFiles runs the broken inputs of the reliability issue beside a good file: each is named
// in a clear message, the good file is still analysed, and the accounting shows what was read.
func TestBrokenFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.log")
	if err := os.WriteFile(good, []byte(strings.Repeat(goodLine, 10)), 0o644); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Repeat(goodLine, 20)))
	zw.Close()
	garbage := filepath.Join(dir, "trailing-garbage.log.gz")
	if err := os.WriteFile(garbage, append(gz.Bytes(), "this is not gzip at all"...), 0o644); err != nil {
		t.Fatal(err)
	}
	nul := filepath.Join(dir, "nul.log")
	if err := os.WriteFile(nul, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.log")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, _, stderr := runCLI(t, "analyze", "--out", out, good, garbage, nul, empty)
	if code != 1 || !strings.Contains(stderr, "trailing-garbage.log.gz") || !strings.Contains(stderr, "nul.log") {
		t.Fatalf("exit %d, stderr %q; want 1 naming both broken files", code, stderr)
	}
	var s struct {
		Input struct {
			Requests int64
			Files    []struct {
				Path                     string
				Lines, Requests, Skipped int64
				Error                    string
			}
		}
	}
	decodeSummary(t, out, &s)
	f := s.Input.Files
	if len(f) != 4 || f[0].Requests != 10 || f[0].Error != "" {
		t.Fatalf("files %+v", f)
	}
	if f[1].Requests != 20 || f[1].Error == "" { // every line of the gzip member is read, then the error
		t.Errorf("trailing garbage: %+v", f[1])
	}
	if f[2].Lines != 0 || f[2].Error == "" {
		t.Errorf("NUL file: %+v", f[2])
	}
	if f[3].Lines != 0 || f[3].Error != "" {
		t.Errorf("empty file: %+v", f[3])
	}
}

// TestStamp checks that --stamp, and only --stamp, writes the run's time into the outputs.
func TestStamp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.log")
	if err := os.WriteFile(path, []byte(goodLine), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, stamp := range []bool{false, true} {
		out := filepath.Join(dir, fmt.Sprint(stamp))
		args := []string{"analyze", "--out", out, path}
		if stamp {
			args = append(args, "--stamp")
		}
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		sum, _ := os.ReadFile(filepath.Join(out, "summary.json"))
		html, _ := os.ReadFile(filepath.Join(out, "report.html"))
		year := fmt.Sprint(time.Now().UTC().Year())
		if got := strings.Contains(string(sum), `"generated_at": "`+year); got != stamp {
			t.Errorf("--stamp=%v: summary.json has generated_at: %v", stamp, got)
		}
		if got := regexp.MustCompile(`Generated by ratecard [^<]* at ` + year).Match(html); got != stamp {
			t.Errorf("--stamp=%v: report.html has the time: %v", stamp, got)
		}
	}
}

// cliCase is one command line and what it must give: the exit code, and text stdout and stderr
// contain.
type cliCase struct {
	name       string
	args       []string
	code       int
	wantOut    string
	wantErrout string
}

func runCases(t *testing.T, tests []cliCase) {
	t.Helper()
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

// decodeSummary decodes dir/summary.json into v, a struct of the fields a test checks.
func decodeSummary(t *testing.T, dir string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/ratecard/ratecard/ingest/oktalog"
	"github.com/ratecard/ratecard/ingest/oktalog/oktatest"
	"github.com/ratecard/ratecard/report"
)

// The fetch tests run the command against oktatest's in-process Okta on a simulated clock that
// the command shares (fetchEnv), then analyse what it wrote.

// cliToken is the API token the server accepts; fetchNow the simulated clock's start and
// fetchSince the range's start in these tests.
const cliToken = "00SECRET-cli-token-4f9d2a"

var fetchNow, fetchSince = time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC), time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)

// inRange counts the events of fetchServer's org with n events in [from, to).
func inRange(n int, from, to time.Time) int {
	c := 0
	for _, e := range oktatest.Events(fetchSince.Add(-time.Hour), 13*time.Second, n) {
		if !e.Published.Before(from) && e.Published.Before(to) {
			c++
		}
	}
	return c
}

// fetchServer starts an org with n events from fetchSince and points fetchEnv at it.
func fetchServer(t *testing.T, cfg oktatest.Config, n int) *oktatest.Server {
	t.Helper()
	clock := oktatest.NewClock(fetchNow)
	cfg.Clock = clock
	cfg.Token = cliToken
	cfg.Events = oktatest.Events(fetchSince.Add(-time.Hour), 13*time.Second, n)
	srv := oktatest.NewServer(cfg)
	t.Cleanup(srv.Close)
	old := fetchEnv
	fetchEnv.clock = clock
	fetchEnv.getenv = func(k string) string {
		if k == tokenEnv {
			return cliToken
		}
		return ""
	}
	t.Cleanup(func() { fetchEnv = old })
	return srv
}

func TestFetchExitCodes(t *testing.T) {
	srv := fetchServer(t, oktatest.Config{}, 10)
	dir := t.TempDir()
	out := filepath.Join(dir, "logs")
	key := filepath.Join(dir, "key.pem")
	os.WriteFile(key, []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), 0o600)
	runCases(t, []cliCase{
		{"no org", []string{"fetch"}, 2, "", "--org"},
		{"http org", []string{"fetch", "--org", "http://acme.okta.com"}, 2, "", "https is required"},
		{"org with path", []string{"fetch", "--org", "https://acme.okta.com/api/v1/logs"}, 2, "", "origin only"},
		{"share 0", []string{"fetch", "--org", srv.URL, "--share", "0"}, 2, "", "--share"},
		{"until alone", []string{"fetch", "--org", srv.URL, "--until", "2026-12-01"}, 2, "", "--until needs --since"},
		{"older than retention", []string{"fetch", "--org", srv.URL, "--since", "2026-09-01", "--until", "2026-09-02"}, 2, "", "90 days"},
		{"future until", []string{"fetch", "--org", srv.URL, "--since", "2026-12-01", "--until", "2026-12-11"}, 2, "", "in the future"},
		{"bad date", []string{"fetch", "--org", srv.URL, "--since", "yesterday"}, 2, "", "--since"},
		{"argument", []string{"fetch", "--org", srv.URL, "logs"}, 2, "", "no arguments"},
		{"client id without key", []string{"fetch", "--org", srv.URL, "--client-id", "0oa1"}, 2, "", "--private-key FILE"},
		{"key without client id", []string{"fetch", "--org", srv.URL, "--private-key", key}, 2, "", "go with --client-id"},
		{"bad key", []string{"fetch", "--org", srv.URL, "--client-id", "0oa1", "--private-key", key, "--out", out}, 1, "", "no PEM block holds a private key"},
		{"token flag does not exist", []string{"fetch", "--org", srv.URL, "--token", "x"}, 2, "", "unknown flag --token"},
		{"fetch help", []string{"fetch", "--help"}, 0, "OKTA_API_TOKEN", ""},
	})
	fetchEnv.getenv = func(string) string { return "" }
	runCases(t, []cliCase{{"no credential", []string{"fetch", "--org", srv.URL}, 2, "", "set OKTA_API_TOKEN"}})
	fetchEnv.getenv = func(string) string { return "00wrong" }
	runCases(t, []cliCase{{"refused token", []string{"fetch", "--org", srv.URL, "--out", out}, 1, "", "the API token in OKTA_API_TOKEN was refused by /api/v1/logs"}})
}

// TestFetchThenAnalyze fetches, fetches again (nothing to do), analyses the directory and checks
// that the analysis equals that of the same events given as one plain file, and that every
// output says its input is a fetched System Log.
func TestFetchThenAnalyze(t *testing.T) {
	srv := fetchServer(t, oktatest.Config{MaxPage: 100, WarningThreshold: 75, Faults: map[int]oktatest.Fault{2: oktatest.Fault500}}, 2500)
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	args := []string{"fetch", "--org", srv.URL, "--since", "2026-11-03", "--until", "2026-11-03T08:00:00Z", "--out", logs, "--progress", "never"}
	n := inRange(2500, fetchSince, fetchSince.Add(8*time.Hour))
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("fetched %s events", thousandsOf(n))) || !strings.Contains(stdout, "warning threshold 75 %") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, args...)
	if code != 0 || !strings.Contains(stdout, "nothing to do") {
		t.Fatalf("second run: exit %d\n%s", code, stdout)
	}
	// The same events as one plain NDJSON file, in order.
	var plain strings.Builder
	for _, e := range oktatest.Events(fetchSince.Add(-time.Hour), 13*time.Second, 2500) {
		if !e.Published.Before(fetchSince) && e.Published.Before(fetchSince.Add(8*time.Hour)) {
			plain.Write(e.JSON)
			plain.WriteByte('\n')
		}
	}
	flat := filepath.Join(dir, "events.ndjson")
	os.WriteFile(flat, []byte(plain.String()), 0o644)

	repDir, repFlat := filepath.Join(dir, "rep-dir"), filepath.Join(dir, "rep-flat")
	code, stdout, stderr = runCLI(t, "analyze", "--out", repDir, logs)
	if code != 0 || !strings.Contains(stdout, "input:   Okta System Log of "+srv.URL) {
		t.Fatalf("analyze DIR: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, stderr = runCLI(t, "analyze", "--warn", "75", "--out", repFlat, flat); code != 0 {
		t.Fatalf("analyze file: exit %d\n%s", code, stderr)
	}
	a, b := normalizedSummary(t, repDir), normalizedSummary(t, repFlat)
	fetched := a["input"].(map[string]any)["fetched"]
	delete(a["input"].(map[string]any), "fetched")
	ja, _ := json.MarshalIndent(a, "", " ") // map keys sorted: equal maps give equal bytes
	jb, _ := json.MarshalIndent(b, "", " ")
	if string(ja) != string(jb) {
		t.Errorf("analysis of the directory differs from that of the same events in one file:\n%s\n----\n%s", ja, jb)
	}
	want := []any{map[string]any{"dir": logs, "org": srv.URL, "since": "2026-11-03T00:00:00Z", "until": "2026-11-03T08:00:00Z",
		"events": float64(n), "fetched_at": fetchNow.Add(time.Duration(0)).Format("2006-01-02T") + "", "complete": true, "warning_threshold": 75.0, "warn_from_org": true}}
	got := fetched.([]any)
	if len(got) != 1 {
		t.Fatalf("input.fetched = %v", fetched)
	}
	for k, v := range want[0].(map[string]any) {
		if k == "fetched_at" {
			if !strings.HasPrefix(got[0].(map[string]any)[k].(string), v.(string)) {
				t.Errorf("fetched_at = %v", got[0].(map[string]any)[k])
			}
			continue
		}
		if got[0].(map[string]any)[k] != v {
			t.Errorf("input.fetched[0].%s = %v, want %v", k, got[0].(map[string]any)[k], v)
		}
	}
	for _, name := range []string{"report.html", "summary.md"} {
		b, _ := os.ReadFile(filepath.Join(repDir, name))
		if !strings.Contains(string(b), fmt.Sprintf("Okta System Log of %s for 2026-11-03 00:00 to 2026-11-03 08:00 UTC: %s events", srv.URL, thousandsOf(n))) {
			t.Errorf("%s does not name the fetched input", name)
		}
	}
	// Every file written and everything printed is free of the token.
	all := stdout + stderr + readTree(t, dir)
	if strings.Contains(all, cliToken) {
		t.Error("the API token reached an output")
	}
}

// normalizedSummary reads summary.json without what names files (paths, lines within a file).
func normalizedSummary(t *testing.T, dir string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	in := m["input"].(map[string]any)
	if len(in["files"].([]any)) == 0 {
		t.Fatal("no input file")
	}
	delete(in, "files")
	delete(in, "skipped_examples")
	if evs, ok := m["okta_events"].([]any); ok {
		if len(evs) == 0 {
			t.Fatal("no Okta rate-limit event: the comparison misses them")
		}
		for _, e := range evs {
			delete(e.(map[string]any), "file")
			delete(e.(map[string]any), "line")
		}
	}
	return m
}

// readTree returns every file under dir, gzip files decompressed too.
func readTree(t *testing.T, dir string) string {
	var all strings.Builder
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		all.Write(b)
		if zr, err := gzip.NewReader(strings.NewReader(string(b))); err == nil {
			u, _ := io.ReadAll(zr)
			all.Write(u)
		}
		return nil
	})
	return all.String()
}

// cancelClock is a simulated clock whose first sleep cancels the command, as Ctrl-C during a
// wait for the rate limit does.
type cancelClock struct {
	*oktatest.Clock
	cancel context.CancelFunc
}

// Sleep cancels and reports the cancellation.
func (c cancelClock) Sleep(ctx context.Context, d time.Duration) error {
	c.cancel()
	return context.Canceled
}

func TestFetchInterruptedThenResumed(t *testing.T) {
	srv := fetchServer(t, oktatest.Config{MaxPage: 50, Window: 5 * time.Second, Limit: 4}, 600)
	logs := filepath.Join(t.TempDir(), "logs")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fetchEnv.clock = cancelClock{fetchEnv.clock.(*oktatest.Clock), cancel}
	args := []string{"fetch", "--org", srv.URL, "--since", "2026-11-03", "--until", "2026-11-04", "--out", logs}
	var stdout, stderr strings.Builder
	code := run(ctx, args, &stdout, &stderr)
	if code != 130 || !strings.Contains(stderr.String(), "100 events in "+logs+" are kept: run the same command again to continue") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	fetchEnv.clock = fetchEnv.clock.(cancelClock).Clock
	code, out, errout := runCLI(t, args...)
	n := inRange(600, fetchSince, fetchSince.Add(24*time.Hour))
	if code != 0 || !strings.Contains(out, fmt.Sprintf("continued: %d events in all", n)) {
		t.Fatalf("resume: exit %d\n%s\n%s", code, out, errout)
	}
	m, _ := oktalog.ReadManifest(logs)
	if m.Events != int64(n) || !m.Complete() {
		t.Errorf("manifest %+v", m)
	}
}

func TestFetchSinceAloneResumes(t *testing.T) {
	srv := fetchServer(t, oktatest.Config{MaxPage: 50}, 100)
	logs := filepath.Join(t.TempDir(), "logs")
	args := []string{"fetch", "--org", srv.URL, "--since", "2026-11-03", "--out", logs, "--settings=false"}
	if code, out, errout := runCLI(t, args...); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errout)
	}
	// A day later, the same command finds the fetch complete (its until is the checkpoint's).
	fetchEnv.clock.(*oktatest.Clock).Advance(24 * time.Hour)
	code, out, _ := runCLI(t, args...)
	if code != 0 || !strings.Contains(out, "nothing to do") || !strings.Contains(out, fetchNow.Format("2006-01-02T15:04")) {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// thousandsOf groups n's digits by commas.
func thousandsOf(n int) string { return strings.TrimSuffix(report.Count(int64(n), "x"), " xs") }

func TestFetchProgressLine(t *testing.T) {
	p := oktalog.Progress{Since: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Position: time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC), Events: 12345, EventsRun: 12345}
	for _, tc := range []struct {
		name    string
		resumed time.Time
		wait    time.Duration
		want    string
	}{
		{"fresh", time.Time{}, 0, "fetched 12,345 events · 206 events/s · 33 % of 2026-11-01 to 2026-12-01 (at 2026-11-11 00:00) · about 2m0s left"},
		{"resumed halfway", time.Date(2026, 11, 6, 0, 0, 0, 0, time.UTC), 0, "· about 4m0s left"},
		{"waiting", time.Time{}, 23 * time.Second, "· waiting 23s: share spent"},
	} {
		p.Resumed = tc.resumed
		got := fetchProgressLine(p, time.Minute, tc.wait, "share spent: 25 of 25 requests in this window")
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q lacks %q", tc.name, got, tc.want)
		}
	}
}

// TestFetchServiceApp fetches with an OAuth service app that requires DPoP, its key in a PEM
// file, and checks that no token, client assertion or key material reaches an output.
func TestFetchServiceApp(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	srv := fetchServer(t, oktatest.Config{MaxPage: 40, App: &oktatest.App{ClientID: "0oa1cli", PublicKey: &key.PublicKey, DPoP: true,
		Scopes: []string{oktalog.ScopeLogs, oktalog.ScopeRateLimits}}}, 300)
	dir := t.TempDir()
	keyFile, out := filepath.Join(dir, "app-key.pem"), filepath.Join(dir, "logs")
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "fetch", "--org", srv.URL, "--since", "2026-11-03", "--until", "2026-11-04",
		"--client-id", "0oa1cli", "--private-key", keyFile, "--out", out)
	if code != 0 || len(srv.Issued) == 0 {
		t.Fatalf("exit %d, %d tokens issued\n%s\n%s", code, len(srv.Issued), stdout, stderr)
	}
	for _, p := range srv.Problems {
		t.Error("server:", p)
	}
	all := stdout + stderr + readTree(t, out)
	secrets := append(append([]string{string(der[len(der)-40:]), b64url(key.D.FillBytes(make([]byte, 32)))}, srv.Issued...), srv.Assertions...)
	for _, s := range secrets {
		if strings.Contains(all, s) {
			t.Errorf("a secret (%.10q…) reached an output", s)
		}
	}
}

// b64url encodes b as base64url without padding, as JWKs hold key numbers.
func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

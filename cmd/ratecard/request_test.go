package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// requestLog is combined-format traffic whose paths, query, remote user, referrer and user agent carry
// a login or user id: 700 GET /api/v1/users/… in the minute of 08:23 UTC (near Enterprise's limit of
// 1,000) from three client addresses, and a malformed line holding a login, which becomes a
// skipped-line excerpt.
func requestLog() string {
	var b strings.Builder
	ids := []string{"jane%40example.com", "jane@example.com", "00u1abcdefghijklmnop"}
	for i := range 700 {
		fmt.Fprintf(&b, `10.1.2.%d - jane@example.com [14/Oct/2026:10:23:%02d +0200] "GET /api/v1/users/%s?login=jane%%40example.com HTTP/1.1" 200 512 "https://app.example.com/u/00u1abcdefghijklmnop" "sync-bot (jane@example.com)"`+"\n",
			i%3, i%60, ids[i%3])
	}
	b.WriteString(`10.1.2.3 - - [14/Oct/2026:10:24:00 +0200] "GET /api/v1/users/jane@example.com` + "\n")
	return b.String()
}

func TestRequestExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.log")
	if err := os.WriteFile(good, []byte(goodLine), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	tests := []cliCase{
		{"request without files", []string{"request", "--out", out}, 2, "", "request needs at least one input file"},
		{"request help", []string{"request", "--help"}, 0, "--growth", ""},
		{"bad growth", []string{"request", "--growth", "lots", "--out", out, good}, 2, "", "--growth"},
		{"negative growth", []string{"request", "--growth", "-5%", "--out", out, good}, 2, "", "--growth"},
		{"bad event dates", []string{"request", "--event", "2026-12-03:2026-12-01x4", "--out", out, good}, 2, "", "ends before it starts"},
		{"bad event factor", []string{"request", "--event", "2026-12-01x0", "--out", out, good}, 2, "", "factor"},
		{"event without factor", []string{"request", "--event", "2026-12-01", "--out", out, good}, 2, "", "-event"},
		{"shared flag checked", []string{"request", "--warn", "95", "--out", out, good}, 2, "", "30-90"},
		{"request", []string{"request", "--growth", "30%", "--event", "2026-12-01:2026-12-03x4", "--out", out, good}, 0, "request.md", ""},
		{"request fail-on", []string{"request", "--fail-on", "over", "--tier", "developer-free", "--event", "2026-12-01x500", "--out", out, good}, 0, "request.md", ""},
	}
	runCases(t, tests)
	for _, f := range []string{"request.md", "request.csv", "report.html", "summary.json", "summary.md", "minutes.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("request did not write %s: %v", f, err)
		}
	}
}

// TestRequestPackHasNoPersonalData runs ratecard request on logs full of logins and user ids and
// checks that none of them, nor a client address or user agent, is in any file of the pack (the
// integration is named by its user agent's product token, sync-bot, which names no one); and that
// --show-clients names the callers.
func TestRequestPackHasNoPersonalData(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "access.log")
	if err := os.WriteFile(logPath, []byte(requestLog()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "pack")
	code, stdout, stderr := runCLI(t, "request", "--out", out, "--growth", "30%", logPath)
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 6 {
		t.Errorf("%d files in the pack, want 6", len(ents))
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"jane%40example.com", "jane@example.com", "jane", "00u1abcdefghijklmnop", "10.1.2.", "sync-bot ("} {
			if strings.Contains(string(b), bad) {
				t.Errorf("%s contains %q", e.Name(), bad)
			}
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "request.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "`users-get`") || !strings.Contains(string(md), "client 1") || !strings.Contains(string(md), "`sync-bot` 100.0 %") {
		t.Errorf("request.md lacks the users-get evidence, numbered callers or the integration by its product token:\n%s", md)
	}

	shown := filepath.Join(dir, "shown")
	if code, _, stderr := runCLI(t, "request", "--show-clients", "--out", shown, logPath); code != 0 {
		t.Fatalf("--show-clients: exit %d: %s", code, stderr)
	}
	md, err = os.ReadFile(filepath.Join(shown, "request.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "10.1.2.") {
		t.Error("--show-clients: request.md does not name the client addresses")
	}
}

// TestRequestFromDB builds the pack from a kept --db ingest, without the logs.
func TestRequestFromDB(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "access.log")
	if err := os.WriteFile(logPath, []byte(requestLog()), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "kept.duckdb")
	if code, _, stderr := runCLI(t, "analyze", "--db", db, "--out", filepath.Join(dir, "report"), logPath); code != 0 {
		t.Fatalf("analyze --db: exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "pack")
	code, stdout, stderr := runCLI(t, "request", "--db", db, "--event", "2026-12-01x2", "--out", out)
	if code != 0 {
		t.Fatalf("request --db: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	md, err := os.ReadFile(filepath.Join(out, "request.md"))
	if err != nil {
		t.Fatal(err)
	}
	// 700 requests in one minute on users-get, ×2 for the event: 1,400, needing 2,334/min.
	for _, want := range []string{"`users-get`", "| 700 at 2026-10-14 08:23 UTC |", "| 1,400 | 1,400 |", "2,334"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("request.md lacks %q:\n%s", want, md)
		}
	}
}

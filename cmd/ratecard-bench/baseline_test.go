package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// TestBaseline checks that the benchmark's DuckDB-only query reads a log and counts its requests,
// so the comparison in make bench is against a query that works.
func TestBaseline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.log")
	log := `10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "GET /api/v1/users/jane%40example.com HTTP/1.1" 200 1 "-" "ua"
10.0.0.1 - - [14/Oct/2026:01:00:59 -0700] "POST /oauth2/default/v1/token HTTP/1.1" 200 1 "-" "ua"
not a log line
10.0.0.1 - - [14/Oct/2026:08:01:00 +0000] "GET /api/v1/apps?limit=2 HTTP/1.1" 200 1 "-" "ua"
`
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := baseline(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("baseline counted %d requests, want 3", n)
	}
}

// TestSysLogBaseline checks the read_json baseline against a brute-force count of the same file:
// requests are events with a requestUri, one per (requestId, requestUri), counted in the minute of
// their first event; job events and re-deliveries do not add requests.
func TestSysLogBaseline(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var b bytes.Buffer
	start := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	var lines []string
	for i := range 400 {
		ts := start.Add(time.Duration(i) * 1700 * time.Millisecond)
		id := fmt.Sprintf("req%024d", i)
		uri := []string{"/api/v1/authn", "/oauth2/v1/token", "/api/v1/users/00u1", ""}[rng.IntN(4)]
		dd := fmt.Sprintf(`{"requestId":"%s","requestUri":"%s","threshold":"1"}`, id, uri)
		if uri == "" {
			dd = `{"jobId":"j1"}`
		}
		ev := func(k int, ts time.Time) string {
			return fmt.Sprintf(`{"actor":{"id":"00u1","type":"User"},"uuid":"%08x-0000-4000-8000-000000000000","published":"%s","eventType":"user.session.start","debugContext":{"debugData":%s},"transaction":{"type":"WEB","id":"%s"}}`,
				i*10+k, ts.Format("2006-01-02T15:04:05.000Z"), dd, id)
		}
		lines = append(lines, ev(0, ts))
		if rng.IntN(3) == 0 { // a second event of the same call, maybe in the next minute
			lines = append(lines, ev(1, ts.Add(1500*time.Millisecond)))
		}
		if rng.IntN(10) == 0 { // a re-delivery
			lines = append(lines, lines[len(lines)-1])
		}
	}
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	path := filepath.Join(t.TempDir(), "s.ndjson")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// Brute force.
	first := map[string]time.Time{}
	for _, l := range lines {
		var ev struct {
			Published    time.Time
			DebugContext struct{ DebugData map[string]string }
		}
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatal(err)
		}
		uri := ev.DebugContext.DebugData["requestUri"]
		if uri == "" {
			continue
		}
		k := ev.DebugContext.DebugData["requestId"] + " " + uri
		if f, ok := first[k]; !ok || ev.Published.Before(f) {
			first[k] = ev.Published
		}
	}
	minutes := map[time.Time]bool{}
	for _, ts := range first {
		minutes[ts.Truncate(time.Minute)] = true
	}
	gotMin, gotReq, err := sysLogBaseline(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if gotReq != int64(len(first)) || gotMin != int64(len(minutes)) {
		t.Errorf("read_json baseline: %d requests in %d minutes, want %d in %d", gotReq, gotMin, len(first), len(minutes))
	}
	if len(first) == len(lines) {
		t.Fatal("the test input has no duplicates to remove")
	}
}

// TestGunzipDiscard checks that the gzip baseline decompresses every member of a multi-member
// file (as ingest reads them) and counts the bytes.
func TestGunzipDiscard(t *testing.T) {
	var want bytes.Buffer
	var gz bytes.Buffer
	for m := range 3 {
		var part bytes.Buffer
		for i := range 20000 {
			fmt.Fprintf(&part, "member %d line %d\n", m, i)
		}
		zw := gzip.NewWriter(&gz)
		zw.Write(part.Bytes())
		zw.Close()
		want.Write(part.Bytes())
	}
	path := filepath.Join(t.TempDir(), "a.log.gz")
	if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := gunzipDiscard(path)
	if err != nil || n != int64(want.Len()) {
		t.Errorf("gunzipDiscard: %d bytes, %v; want %d", n, err, want.Len())
	}
	if err := os.WriteFile(path, gz.Bytes()[:gz.Len()-5], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := gunzipDiscard(path); err == nil {
		t.Error("a truncated file decompressed without an error")
	}
}

// TestWCLines checks the wc -l baseline's parsing on a small file.
func TestWCLines(t *testing.T) {
	wc, err := exec.LookPath("wc")
	if err != nil {
		t.Skip("no wc")
	}
	path := filepath.Join(t.TempDir(), "a.log")
	os.WriteFile(path, []byte(strings.Repeat("x\n", 1234)), 0o644)
	n, _, err := wcLines(wc, path)
	if err != nil || n != 1234 {
		t.Errorf("wcLines: %d, %v; want 1234", n, err)
	}
	if _, _, err := wcLines(wc, path+".missing"); err == nil {
		t.Error("no error for a missing file")
	}
}

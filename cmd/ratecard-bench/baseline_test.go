package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
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

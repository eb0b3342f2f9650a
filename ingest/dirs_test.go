package ingest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestExpandPaths(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"b.log", "a.log.gz", ".ratecard-fetch.json", ".systemlog-000003.ndjson.gz.tmp", "sub/c.log", "sub/.hidden", ".git/config", "z/y.log"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "sub"), filepath.Join(dir, "link-to-dir")); err != nil {
		t.Fatal(err)
	}
	got, err := ExpandPaths([]string{"-", filepath.Join(dir, "b.log"), dir, filepath.Join(dir, "missing.log")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"-", filepath.Join(dir, "b.log"),
		filepath.Join(dir, "a.log.gz"), filepath.Join(dir, "b.log"), filepath.Join(dir, "sub", "c.log"), filepath.Join(dir, "z", "y.log"),
		filepath.Join(dir, "missing.log")}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(filepath.Join(empty, ".only-hidden"), 0o755)
	os.WriteFile(filepath.Join(empty, ".ratecard-fetch.json"), []byte("{}"), 0o644)
	if got, err := ExpandPaths([]string{empty}); err != nil || !slices.Equal(got, []string{empty}) {
		t.Errorf("empty directory: %q %v (want it kept, for its reader to report)", got, err)
	}
	if _, err := OpenParts(empty, Options{}, 1); err == nil || !strings.Contains(err.Error(), "no log file in it") {
		t.Errorf("reading an empty directory: %v", err)
	}
}

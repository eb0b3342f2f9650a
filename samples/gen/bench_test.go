package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

// TestBenchSyncOverLimit checks that the bench input's nightly sync job goes over the enterprise
// limit of the bucket its requests count against, so make bench has peaks over the limit to find.
func TestBenchSyncOverLimit(t *testing.T) {
	r := benchRoutes[benchSyncRoute]
	target := r.prefix + strings.Repeat("x", 20) + r.suffix
	cl := catalog.Classify(r.method, target)
	b, ok := catalog.Bucket(cl)
	if !ok {
		t.Fatalf("%s %s: class %s, want a bucket of the %s catalog", r.method, target, catalog.ClassID(cl), catalog.Name)
	}
	if lim := b.Limit(classify.Enterprise); lim == classify.NA || benchSyncPerMinute <= lim {
		t.Errorf("%s %s: bucket %s, enterprise limit %d; the sync job's %d a minute is not over it",
			r.method, target, b.ID, lim, benchSyncPerMinute)
	}
}

// TestBenchLatency checks that every bench route has a typical duration.
func TestBenchLatency(t *testing.T) {
	if len(benchLatency) != len(benchRoutes) {
		t.Fatalf("%d latencies for %d routes", len(benchLatency), len(benchRoutes))
	}
}

// TestBenchFiles writes a small bench input and checks its files: combined.log holds access.log's
// lines without their last field, the parts hold access.log's lines in order, the .gz copies
// decompress to the same bytes, and ratecard's ingest reads every line of both logs as a request.
func TestBenchFiles(t *testing.T) {
	dir := t.TempDir()
	const n = 8000
	if err := run([]string{"-out", dir, "-bench-lines", "8000", "-days", "1", "-split", "3"}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	access, combined := read("access.log"), read("combined.log")
	al, cl := strings.Split(strings.TrimSuffix(string(access), "\n"), "\n"), strings.Split(strings.TrimSuffix(string(combined), "\n"), "\n")
	if len(al) != n || len(cl) != n {
		t.Fatalf("access.log %d lines, combined.log %d, want %d", len(al), len(cl), n)
	}
	for i := range al {
		k := strings.LastIndexByte(al[i], ' ')
		if k < 0 || al[i][:k] != cl[i] || !strings.HasSuffix(cl[i], `"`) {
			t.Fatalf("line %d:\n%s\n%s", i+1, al[i], cl[i])
		}
	}
	if got := string(read("split/part-0.log")) + string(read("split/part-1.log")) + string(read("split/part-2.log")); got != string(access) {
		t.Error("the parts do not add up to access.log")
	}
	zr, err := gzip.NewReader(bytes.NewReader(read("access.log.gz")))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(zr); err != nil || !bytes.Equal(b, access) {
		t.Errorf("access.log.gz: %v, or other bytes than access.log", err)
	}
	for name, format := range map[string]string{"access.log": strings.TrimSpace(string(read("log_format.txt"))), "combined.log": ""} {
		r, err := ingest.Open(filepath.Join(dir, name), ingest.Options{LogFormat: format})
		if err != nil {
			t.Fatal(err)
		}
		durations := 0
		for r.Next() {
			if r.Record().HasDuration {
				durations++
			}
		}
		st := r.Stats()
		r.Close()
		if st.Lines != n || st.Requests != n || (durations == n) != (format != "") {
			t.Errorf("%s: %d lines, %d requests, %d with a duration", name, st.Lines, st.Requests, durations)
		}
	}

	// -split 0 -bench-gzip=false -bench-combined=false: access.log alone.
	dir = t.TempDir()
	if err := run([]string{"-out", dir, "-bench-lines", "8000", "-days", "1", "-split", "0", "-bench-gzip=false", "-bench-combined=false"}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 { // access.log, log_format.txt
		t.Errorf("%d files, want access.log and log_format.txt", len(ents))
	}
}

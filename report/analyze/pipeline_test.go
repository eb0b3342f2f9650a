package analyze

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
)

// TestSplitMatchesSequential checks that cutting a plain file into parts parsed in parallel changes
// nothing: the same accounting, the same examples at the same line numbers in the whole file, and the
// same analysis as one reader. The file is just large enough for ingest.OpenParts to cut it. Some of
// its lines are in other formats (Envoy's text lines here and there, a run of HAProxy lines where
// the last part starts), which every part detects alone: FileInput.Formats counts them.
func TestSplitMatchesSequential(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "access.log")
	var sb strings.Builder
	base := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	var badLines []int
	const lines = 360_000 // 34 MiB
	formats := map[string]int64{}
	for i := 1; i <= lines; i++ {
		at := base.Add(time.Duration(i) * 137 * time.Millisecond)
		switch {
		case i%1999 == 0:
			sb.WriteString("this is not a log line\n")
			badLines = append(badLines, i)
			formats["combined"]++
			continue
		case i%7777 == 0:
			fmt.Fprintf(&sb, "[%s] \"GET /api/v1/groups HTTP/1.1\" 200 - 0 12 3 2 \"-\" \"ua\" \"id\" \"acme\" \"-\"\n", at.Format("2006-01-02T15:04:05.000Z"))
			formats["envoy-text"]++
			continue
		case i > 3*lines/4-300 && i < 3*lines/4+300:
			fmt.Fprintf(&sb, "10.0.0.1:5 [%s] fe be/s 0/0/1/2/3 200 1 - - ---- 1/1/0/0/0 0/0 \"POST /api/v1/authn HTTP/1.1\"\n", at.Format("02/Jan/2006:15:04:05.000"))
			formats["haproxy"]++
			continue
		}
		formats["combined"]++
		ts := at.Format("02/Jan/2006:15:04:05 -0700")
		target := []string{"/api/v1/users/jane%40example.com", "/api/v1/apps", "/oauth2/default/v1/token", "/favicon.ico"}[i%4]
		fmt.Fprintf(&sb, "10.0.0.%d - - [%s] \"GET %s HTTP/1.1\" 200 12 \"-\" \"ua\"\n", i%250, ts, target)
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	analyze := func(workers int, progress *atomic.Int64) *report.Result {
		t.Helper()
		res, err := Files(context.Background(), []string{path}, Options{Catalog: classify.Seed(),
			Tier: classify.Enterprise, WarnPercent: 60, Workers: workers, MaxExamples: 1000, Progress: progress})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if rs, err := ingest.OpenParts(path, ingest.Options{}, 4); err != nil || len(rs) != 4 {
		t.Fatalf("%d parts (%v), want 4", len(rs), err)
	} else {
		for _, r := range rs {
			r.Close()
		}
	}
	one := analyze(1, nil)
	var read atomic.Int64
	four := analyze(4, &read)
	if !reflect.DeepEqual(one, four) {
		t.Errorf("split analysis differs:\n one: %+v\nfour: %+v", one.Input, four.Input)
	}
	if read.Load() != int64(sb.Len()) {
		t.Errorf("progress counted %d bytes, file has %d", read.Load(), sb.Len())
	}
	var got []int
	for _, ex := range four.Input.Examples {
		got = append(got, ex.Line)
	}
	if !reflect.DeepEqual(got, badLines) {
		t.Errorf("example lines %v, want %v", got, badLines)
	}
	if four.Input.Lines != lines || four.Input.Skipped != int64(len(badLines)) {
		t.Errorf("lines %d skipped %d", four.Input.Lines, four.Input.Skipped)
	}
	if f := four.Input.Files[0]; f.Format != "combined" || !reflect.DeepEqual(f.Formats, formats) {
		t.Errorf("format %s, lines by format %v, want combined, %v", f.Format, f.Formats, formats)
	}

	// Compressed, the file is read whole by one worker, and cut into chunks as it is decompressed
	// for more: the same Result, the same examples at the same lines; and a stream cut short keeps
	// what came before the cut, with its error.
	gz := gzipFile(t, path)
	path = gz
	defer func(n int) { chunkBytes = n }(chunkBytes)
	chunkBytes = 256 << 10
	parts, _, err := openParts([]string{gz}, ingest.Options{}, 4, true)
	if err != nil || len(parts) != 1 || !parts[0].chunked {
		t.Fatalf("openParts of a gzip file for 4 workers: %d parts, chunked %v, err %v", len(parts), len(parts) > 0 && parts[0].chunked, err)
	}
	parts[0].close()
	// With a part for every worker, compressed files are read whole, each by one worker.
	for _, c := range []struct {
		files, workers int
		chunked        bool
	}{{1, 2, true}, {2, 2, false}, {3, 2, false}, {3, 4, true}, {4, 4, false}} {
		ps, _, err := openParts(slices.Repeat([]string{gz}, c.files), ingest.Options{}, c.workers, true)
		if err != nil || len(ps) != c.files {
			t.Fatalf("openParts of %d gzip files: %d parts, %v", c.files, len(ps), err)
		}
		for _, p := range ps {
			if p.chunked != c.chunked {
				t.Errorf("%d gzip files, %d workers: chunked %v, want %v", c.files, c.workers, p.chunked, c.chunked)
			}
			p.close()
		}
	}
	// A file that cannot be opened is no part to read.
	ps, _, err := openParts([]string{gz, filepath.Join(t.TempDir(), "missing.log")}, ingest.Options{}, 2, false)
	if err != nil || len(ps) != 2 || !ps[0].chunked || ps[1].r != nil {
		t.Fatalf("a gzip file and a missing one for 2 workers: %d parts, %v", len(ps), err)
	}
	ps[0].close()
	parts, _, err = openParts([]string{gz}, ingest.Options{}, 4, true)
	if err != nil {
		t.Fatal(err)
	}
	jobs := make(chan *part)
	go func() {
		defer close(jobs)
		parts = feedParts(context.Background(), parts, jobs)
	}()
	chunks := 0
	for p := range jobs {
		if !p.chunk || p.idx != chunks+1 || p.file != 0 {
			t.Fatalf("chunk %d: %+v", chunks, p)
		}
		chunks++
		p.close()
	}
	parts[0].close()
	if chunks < 50 || len(parts) != chunks+1 {
		t.Fatalf("%d chunks of a %d-byte file, %d parts", chunks, sb.Len(), len(parts))
	}
	one = analyze(1, nil)
	read.Store(0)
	if four = analyze(4, &read); !reflect.DeepEqual(one, four) {
		t.Errorf("gzip in chunks: another result than one reader:\n one: %+v\nfour: %+v", one.Input, four.Input)
	}
	if one.Input.Lines != lines || one.Input.Files[0].Format != "combined" {
		t.Errorf("gzip: %d lines, format %s", one.Input.Lines, one.Input.Files[0].Format)
	}
	if fi, _ := os.Stat(gz); read.Load() != fi.Size() {
		t.Errorf("gzip: progress counted %d bytes, file has %d", read.Load(), fi.Size())
	}
	data, err := os.ReadFile(gz)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gz, data[:len(data)*3/5], 0o644); err != nil {
		t.Fatal(err)
	}
	cut := func(workers int) *report.Result {
		res, err := Files(context.Background(), []string{gz}, Options{Catalog: classify.Seed(),
			Tier: classify.Enterprise, WarnPercent: 60, Workers: workers, MaxExamples: 1000})
		if err == nil || !strings.Contains(err.Error(), "truncated gzip stream") {
			t.Fatalf("%d workers on a cut gzip file: err %v", workers, err)
		}
		return res
	}
	oneCut, fourCut := cut(1), cut(4)
	if oneCut.Input.Lines < lines/2 || oneCut.Input.Files[0].Err == "" {
		t.Fatalf("a cut gzip file: %d lines, error %q", oneCut.Input.Lines, oneCut.Input.Files[0].Err)
	}
	// The same error too, at the same line of the file.
	if !reflect.DeepEqual(oneCut, fourCut) {
		t.Errorf("a cut gzip file in chunks: another result than one reader:\n one: %+v\nfour: %+v", oneCut.Input, fourCut.Input)
	}
}

// TestFilesCancel checks that a cancelled context stops the run with its error.
func TestFilesCancel(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.log")
	line := "10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] \"GET /api/v1/apps HTTP/1.1\" 200 1 \"-\" \"-\"\n"
	if err := os.WriteFile(path, []byte(strings.Repeat(line, 300_000)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Files(ctx, []string{path}, Options{Catalog: classify.Seed(), Tier: classify.Enterprise, WarnPercent: 60})
	if err != context.Canceled || res != nil {
		t.Fatalf("got %v, %v; want nil, context.Canceled", res, err)
	}
}

// TestDedupe checks --dedupe on two rotated files that overlap: the repeats are dropped from the
// analysis, counted against the later file, and the same on every run.
func TestDedupe(t *testing.T) {
	dir := t.TempDir()
	var lines []string
	base := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	for i := range 300 {
		ts := base.Add(time.Duration(i) * time.Second).Format("02/Jan/2006:15:04:05 -0700")
		lines = append(lines, fmt.Sprintf("10.0.0.1 - - [%s] \"GET /api/v1/apps HTTP/1.1\" 200 1 \"-\" \"ua\"\n", ts))
	}
	a := filepath.Join(dir, "access.log.1")
	b := filepath.Join(dir, "access.log")
	if err := os.WriteFile(a, []byte(strings.Join(lines[:200], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte(strings.Join(lines[150:], "")), 0o644); err != nil { // 50 lines overlap
		t.Fatal(err)
	}
	run := func(dedupe bool) *report.Result {
		res, err := Files(context.Background(), []string{a, b}, Options{Catalog: classify.Seed(),
			Tier: classify.Enterprise, WarnPercent: 60, Dedupe: dedupe})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	plain, dd := run(false), run(true)
	if plain.Buckets[0].Requests != 350 || plain.Input.Duplicates != 0 {
		t.Errorf("without --dedupe: %d requests analysed, %d duplicates", plain.Buckets[0].Requests, plain.Input.Duplicates)
	}
	if dd.Buckets[0].Requests != 300 || dd.Input.Duplicates != 50 || dd.Input.Files[0].Duplicates != 0 ||
		dd.Input.Files[1].Duplicates != 50 || dd.Input.Requests != 350 || dd.Input.Lines != 350 {
		t.Errorf("with --dedupe: %d analysed, input %+v", dd.Buckets[0].Requests, dd.Input)
	}
	if again := run(true); !reflect.DeepEqual(again, dd) {
		t.Error("--dedupe differs between runs")
	}
}

// TestSeenSetHash checks that --dedupe's in-place hash is FNV-1a over the documented bytes and
// allocates nothing per request once the set has room.
func TestSeenSetHash(t *testing.T) {
	rec := &ingest.Record{Time: 1_791_936_000_123_456, Status: 429, Method: "GET", Target: "/api/v1/users/00u1",
		Client: "10.0.0.1", UserAgent: "sdk/1", Principal: "0oa1"}
	ref := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(rec.Time))
	ref.Write(b[:])
	binary.LittleEndian.PutUint64(b[:], uint64(rec.Status))
	ref.Write(b[:])
	for _, f := range []string{rec.Method, rec.Target, rec.Client, rec.UserAgent, rec.Principal} {
		ref.Write([]byte(f))
		ref.Write([]byte{0})
	}
	s := newSeenSet()
	if !s.add(rec) || s.add(rec) {
		t.Fatal("the first add is not new, or the second is")
	}
	if _, ok := s.m[ref.Sum64()]; !ok || len(s.m) != 1 {
		t.Errorf("set holds %v, want the FNV-1a hash %x", s.m, ref.Sum64())
	}
	if n := testing.AllocsPerRun(100, func() { s.add(rec) }); n != 0 {
		t.Errorf("add of a seen request allocates %v times", n)
	}
}

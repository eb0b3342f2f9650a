package ingest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// readChunks hands the lines of the compressed file at path out in chunks of size bytes, reads every
// chunk as readParts reads the parts of a cut file, and returns that with the chunk Readers.
func readChunks(t *testing.T, path string, opt Options, size int) (result, []*Reader) {
	t.Helper()
	r := openFile(t, path, opt)
	if !r.Chunkable() {
		t.Fatalf("a %s file is not chunkable", r.Format())
	}
	var cs []*Reader
	for {
		c, err := r.NextChunk(size)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if c.Offset() < 0 || len(cs) > 0 && c.Offset() < cs[len(cs)-1].Offset() {
			t.Fatalf("chunk %d starts at %d", len(cs), c.Offset())
		}
		cs = append(cs, c)
	}
	if r.Chunkable() {
		t.Error("a Reader that handed its last chunk out is still chunkable")
	}
	if len(cs) == 0 {
		return result{format: r.Format()}, nil
	}
	got := readParts(t, cs)
	for _, c := range cs {
		c.Close()
	}
	for i := range got.stats.Examples {
		ex := &got.stats.Examples[i]
		if ex.Excerpt != "" {
			t.Fatalf("a chunk's example has an excerpt before FillExcerpt: %+v", ex)
		}
		ex.FillExcerpt()
	}
	return got, cs
}

// lineInErr matches the line number in a read error ("file: line 12: …").
var lineInErr = regexp.MustCompile(`: line (\d+): `)

// TestChunksMatchWhole: a compressed file read as chunks of any size gives what its one Reader
// gives: the same records, lines, skip reasons, examples, events, and the same error where the stream
// fails (at the same line of the file once the chunks before it are counted); the Progress counter
// counts each compressed byte once.
func TestChunksMatchWhole(t *testing.T) {
	plain := mixedLog(3000, goodLine)
	long := append(append(goodLines(50), strings.Repeat("x", 200<<10)+"\n"...), goodLines(50)...) // a line too long to parse
	gz := gzipMembers(t, plain)
	for _, tt := range []struct {
		name string
		data []byte
		opt  Options
		err  bool // the stream ends in an error
	}{
		{"gzip", gz, Options{MaxExamples: 1000}, false},
		{"gzip members", gzipMembers(t, plain[:len(plain)/3], plain[len(plain)/3:]), Options{MaxExamples: 1000}, false},
		{"zstd", zstdFrames(t, plain), Options{MaxExamples: 1000}, false},
		{"CRLF", gzipMembers(t, bytes.ReplaceAll(goodLines(2000), []byte("\n"), []byte("\r\n"))), Options{}, false},
		{"no final newline", gzipMembers(t, bytes.TrimSuffix(goodLines(500), []byte("\n"))), Options{}, false},
		{"blank lines", gzipMembers(t, bytes.ReplaceAll(goodLines(500), []byte("\n"), []byte("\n\n \n"))), Options{MaxExamples: 1000}, false},
		{"long line", gzipMembers(t, long), Options{MaxExamples: 1000}, false},
		{"okta-ndjson", gzipMembers(t, repeatFile(t, "testdata/okta-ndjson/basic/input.log", 50)), Options{MaxExamples: 1000}, false},
		{"nginx", gzipMembers(t, benchFormat("nginx", 2000)), benchOptions("nginx"), false},
		{"truncated", gz[:len(gz)*2/3], Options{MaxExamples: 1000}, true},
		{"corrupt", append(bytes.Clone(gz[:len(gz)/2]), bytes.Repeat([]byte{0xff}, 4096)...), Options{MaxExamples: 1000}, true},
	} {
		path := writeFile(t, "access.log.gz", tt.data)
		want := readAll(t, openFile(t, path, tt.opt))
		if want.stats.Requests == 0 || (want.err != nil) != tt.err {
			t.Fatalf("%s: the whole file has %d requests, err %v", tt.name, want.stats.Requests, want.err)
		}
		for _, size := range []int{1, 700, 64 << 10, 1 << 20} {
			t.Run(fmt.Sprintf("%s/%d", tt.name, size), func(t *testing.T) {
				var progress atomic.Int64
				opt := tt.opt
				opt.Progress = &progress
				got, cs := readChunks(t, path, opt, size)
				gotErr, wantErr := got.err, want.err
				got.err, want.err = nil, nil
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%d chunks read\n%+v\nwant\n%+v", len(cs), got.stats, want.stats)
				}
				want.err = wantErr
				if (gotErr != nil) != (wantErr != nil) {
					t.Fatalf("chunks' error %v, the whole file's %v", gotErr, wantErr)
				}
				if gotErr != nil {
					// The last chunk numbers its lines from its own start.
					var base int64
					for _, c := range cs[:len(cs)-1] {
						base += c.Stats().Lines
					}
					msg := lineInErr.ReplaceAllStringFunc(gotErr.Error(), func(s string) string {
						n, _ := strconv.Atoi(lineInErr.FindStringSubmatch(s)[1])
						return fmt.Sprintf(": line %d: ", int64(n)+base)
					})
					if msg != wantErr.Error() {
						t.Errorf("chunks' error %q (%q with its line in the file), the whole file's %q", gotErr, msg, wantErr)
					}
				}
				if size >= 700 && !tt.err && len(cs) < 2 && len(tt.data) > 2*size {
					t.Errorf("%d chunks of %d bytes", len(cs), size)
				}
				if !tt.err && progress.Load() != int64(len(tt.data)) {
					t.Errorf("Progress = %d, want the file size %d", progress.Load(), len(tt.data))
				}
			})
		}
	}
}

// TestChunkable: only a whole compressed file of independent lines hands out chunks.
func TestChunkable(t *testing.T) {
	plain := goodLines(100)
	for _, tt := range []struct {
		name string
		data []byte
		want bool
	}{
		{"gzip", gzipMembers(t, plain), true},
		{"plain", plain, false},
		{"okta-csv", gzipMembers(t, []byte("uuid,published,eventType\nu1,2026-10-14T00:00:00Z,user.session.start\n")), false},
		{"w3c", gzipMembers(t, []byte("#Fields: "+w3cDefaultFields+"\n")), false},
	} {
		r := openFile(t, writeFile(t, "in.gz", tt.data), Options{})
		if got := r.Chunkable(); got != tt.want {
			t.Errorf("%s (%s): Chunkable = %v, want %v", tt.name, r.Format(), got, tt.want)
		}
		if !tt.want {
			if c, err := r.NextChunk(100); c != nil || err != io.EOF {
				t.Errorf("%s: NextChunk = %v, %v", tt.name, c, err)
			}
		}
	}
}

// FuzzChunks: any input, gzipped and read as chunks of any size in a format of independent lines,
// gives what its one Reader gives (records, stats, examples and events; the error's line in the
// whole file).
func FuzzChunks(f *testing.F) {
	f.Add(goodLines(20), uint16(100), uint8(0))
	f.Add(mixedLog(50, goodLine), uint16(7), uint8(0))
	f.Add([]byte("a\n\n"+goodLine(1)+"\r\n"+strings.Repeat("z", 300)+"\n"+goodLine(2)), uint16(40), uint8(1))
	f.Add(repeatFile(f, "testdata/okta-ndjson/basic/input.log", 2), uint16(500), uint8(2))
	formats := []string{"combined", "common", "okta-ndjson", "json", "envoy-text"}
	f.Fuzz(func(t *testing.T, data []byte, size uint16, format uint8) {
		if len(data) > 4<<10 {
			return
		}
		opt := Options{Format: formats[int(format)%len(formats)], MaxExamples: 50, MaxLineBytes: 256}
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(data)
		zw.Close()
		whole, err := NewReader(bytes.NewReader(gz.Bytes()), "f.gz", opt)
		if err != nil {
			return
		}
		want := drain(whole)
		whole.Close()
		r, err := NewReader(bytes.NewReader(gz.Bytes()), "f.gz", opt)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if !r.Chunkable() {
			t.Fatalf("a gzipped %s input is not chunkable", r.Format())
		}
		var recs []Record
		var lines, requests, skipped int64
		var examples []Skip
		var events []RateLimitEvent
		var gotErr error
		for {
			c, err := r.NextChunk(16 + int(size)%4096)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			d := drain(c)
			c.Close()
			for _, rec := range d.recs {
				rec.Line += int(lines)
				recs = append(recs, rec)
			}
			for _, ex := range d.stats.Examples {
				ex.Line += int(lines)
				ex.FillExcerpt()
				examples = append(examples, ex)
			}
			for _, e := range d.events {
				e.Line += int(lines)
				events = append(events, e)
			}
			if d.err != nil {
				gotErr = d.err
			}
			lines, requests, skipped = lines+d.stats.Lines, requests+d.stats.Requests, skipped+d.stats.Skipped
		}
		if len(examples) > 50 {
			examples = examples[:50]
		}
		if len(events) > MaxEvents {
			events = events[:MaxEvents]
		}
		if lines != want.stats.Lines || requests != want.stats.Requests || skipped != want.stats.Skipped ||
			!reflect.DeepEqual(recs, want.recs) || !reflect.DeepEqual(examples, want.stats.Examples) ||
			!reflect.DeepEqual(events, want.events) || (gotErr != nil) != (want.err != nil) {
			t.Fatalf("chunks: %d lines, %d requests, %d skipped, err %v\nwhole: %+v, err %v", lines, requests, skipped, gotErr, want.stats, want.err)
		}
	})
}

// TestChunksMatchWholeOnCorpus: every third-party corpus log of independent lines, gzipped, reads the
// same in chunks as whole (the tests skip without the corpus, as TestCorpus does).
func TestChunksMatchWholeOnCorpus(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(corpusDir, "logfile_*"))
	if len(paths) == 0 {
		t.Skipf("corpus not found at %s", corpusDir)
	}
	// And the Okta System Log exports (NDJSON) of the second corpus.
	filepath.WalkDir(oktaCorpusDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".jsonl") {
			paths = append(paths, p)
		}
		return nil
	})
	chunked := 0
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		gz := writeFile(t, filepath.Base(path)+".gz", gzipMembers(t, data))
		r, err := Open(gz, Options{MaxExamples: 1000})
		if err != nil {
			continue // no known format: nothing to compare
		}
		ok := r.Chunkable()
		want := readAll(t, r)
		r.Close()
		if !ok {
			continue
		}
		chunked++
		for _, size := range []int{64, 1000} {
			got, _ := readChunks(t, gz, Options{MaxExamples: 1000}, size)
			got.err, want.err = nil, nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s in chunks of %d: %+v\nwhole: %+v", filepath.Base(path), size, got.stats, want.stats)
			}
		}
	}
	if chunked < 10 {
		t.Errorf("only %d corpus files were chunkable", chunked)
	}
	t.Logf("%d of %d corpus files read in chunks", chunked, len(paths))
}

package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// setSplitMin sets splitMinBytes for the test.
func setSplitMin(t *testing.T, n int64) {
	t.Helper()
	saved := splitMinBytes
	splitMinBytes = n
	t.Cleanup(func() { splitMinBytes = saved })
}

// countOpens makes osOpen record the files it opens, for the test.
func countOpens(t *testing.T) *[]*os.File {
	t.Helper()
	var files []*os.File
	saved := osOpen
	osOpen = func(name string) (*os.File, error) {
		f, err := saved(name)
		if err == nil {
			files = append(files, f)
		}
		return f, err
	}
	t.Cleanup(func() { osOpen = saved })
	return &files
}

// drained is what one Reader produced, read without a testing.T (on a goroutine of its own).
type drained struct {
	recs   []Record
	events []RateLimitEvent
	stats  Stats
	err    error
}

func drain(r *Reader) drained {
	var d drained
	for r.Next() {
		rec := *r.Record()
		rec.Method, rec.Target = strings.Clone(rec.Method), strings.Clone(rec.Target)
		rec.Client, rec.UserAgent = strings.Clone(rec.Client), strings.Clone(rec.UserAgent)
		rec.Source, rec.Principal = strings.Clone(rec.Source), strings.Clone(rec.Principal)
		rec.RequestID, rec.EventID = strings.Clone(rec.RequestID), strings.Clone(rec.EventID)
		d.recs = append(d.recs, rec)
	}
	d.stats, d.err, d.events = r.Stats(), r.Err(), r.Events()
	return d
}

// repeatFile returns the file at path n times over, each copy ending with a newline.
func repeatFile(t testing.TB, path string, n int) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	return bytes.Repeat(b, n)
}

// readParts reads the Readers at the same time, one goroutine each, and merges what they produced
// in file order as a caller numbering the lines of the whole file does: a part's line numbers are
// shifted by the lines of the parts before it.
func readParts(t *testing.T, rs []*Reader) result {
	t.Helper()
	parts := make([]drained, len(rs))
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Go(func() { parts[i] = drain(r) })
	}
	wg.Wait()
	m := result{format: rs[0].Format()}
	var base int
	for i, p := range parts {
		checkStats(t, p.stats, p.recs)
		if f := rs[i].Format(); f != m.format {
			t.Fatalf("part %d has format %s, part 0 %s", i, f, m.format)
		}
		for _, rec := range p.recs {
			rec.Line += base
			m.recs = append(m.recs, rec)
		}
		for _, ex := range p.stats.Examples {
			ex.Line += base
			m.stats.Examples = append(m.stats.Examples, ex)
		}
		for _, e := range p.events {
			e.Line += base
			m.events = append(m.events, e)
		}
		m.stats.Lines += p.stats.Lines
		m.stats.Formats = mergeFormats(m.stats.Formats, parts[:i], rs[:i], p.stats, rs[i].Format())
		m.stats.Requests += p.stats.Requests
		m.stats.Skipped += p.stats.Skipped
		m.stats.Events += p.stats.Events
		for k, v := range p.stats.Reasons {
			if m.stats.Reasons == nil {
				m.stats.Reasons = map[string]int64{}
			}
			m.stats.Reasons[k] += v
		}
		if p.stats.Requests > 0 {
			if m.stats.Requests == p.stats.Requests { // the first part with requests
				m.stats.First, m.stats.Last = p.stats.First, p.stats.Last
			}
			m.stats.First, m.stats.Last = min(m.stats.First, p.stats.First), max(m.stats.Last, p.stats.Last)
		}
		if p.err != nil && m.err == nil {
			m.err = p.err
		}
		base += int(p.stats.Lines)
	}
	return m
}

// mergeFormats is the Stats.Formats of a file read in parts, after adding part st (of format) to
// those before it whose merged Formats is m: nil while every line so far was read in the parts'
// format, else the lines read as each format.
func mergeFormats(m map[string]int64, before []drained, rs []*Reader, st Stats, format string) map[string]int64 {
	if m == nil && st.Formats == nil {
		return nil
	}
	if m == nil {
		m = map[string]int64{}
		for i, p := range before {
			m[rs[i].Format()] += p.stats.Lines
		}
	}
	if st.Formats == nil {
		m[format] += st.Lines
	}
	for k, v := range st.Formats {
		m[k] += v
	}
	for k, v := range m {
		if v == 0 {
			delete(m, k)
		}
	}
	return m
}

// wantOffsets is where OpenParts is to cut data into n parts: after the first newline at or after
// len·k/n and after the previous cut, while a line starts there.
func wantOffsets(data []byte, n int) []int64 {
	offs := []int64{0}
	size := int64(len(data))
	for k := 1; k < n; k++ {
		at := max(size*int64(k)/int64(n), offs[len(offs)-1]+1)
		nl := bytes.IndexByte(data[at-1:], '\n')
		if nl < 0 || at+int64(nl) >= size {
			break
		}
		offs = append(offs, at+int64(nl))
	}
	return offs
}

// overwriteAtCut overwrites the start of the line at which OpenParts cuts data in two with s.
func overwriteAtCut(data []byte, s string) []byte {
	copy(data[wantOffsets(data, 2)[1]:], s)
	return data
}

// commonLine is goodLine in the common format.
func commonLine(i int) string {
	return fmt.Sprintf(`10.0.%d.%d - u%d [14/Oct/2026:%02d:%02d:%02d +0000] "POST /oauth2/v1/token?client_id=0oa%d HTTP/1.1" %d -`,
		i>>8&255, i&255, i, i/3600%24, i/60%60, i%60, i, 200+i%2)
}

// mixedLog returns lines of line(i), interleaved with CRLF endings, blank lines, malformed lines, a
// bad timestamp, a request field that is no request, and a line longer than the 64 KiB limit; the
// last line ends without a newline.
func mixedLog(n int, line func(int) string) []byte {
	var b bytes.Buffer
	for i := range n {
		b.WriteString(line(i))
		switch i % 23 {
		case 3:
			b.WriteString("\r\n")
		case 5:
			b.WriteString("\n\n   \r\n")
		case 7:
			b.WriteString("\nnot a log line at all\n")
		case 11:
			b.WriteString("\n" + strings.Replace(line(i), "14/Oct", "31/Feb", 1) + "\n")
		case 13:
			b.WriteString("\n" + strings.Replace(line(i), ` "`, ` "\x16\x03 `, 1) + "\n")
		default:
			b.WriteString("\n")
		}
		if i == n/2 {
			b.WriteString(line(i) + strings.Repeat("x", 100<<10) + "\n")
		}
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func TestOpenPartsSplits(t *testing.T) {
	setSplitMin(t, 1)
	hugeLast := []byte(goodLine(0) + "\n" + goodLine(1) + strings.Repeat("y", 300<<10))
	hugeMiddle := []byte(goodLine(0) + "\n" + strings.Repeat("z", 500<<10) + "\n" + goodLine(1) + "\n")
	for _, tt := range []struct {
		name, format string
		data         []byte
		minParts     int // for n = 5
	}{
		{"combined", "combined", mixedLog(3000, goodLine), 5},
		{"common", "common", mixedLog(3000, commonLine), 5},
		{"CRLF", "combined", bytes.ReplaceAll(goodLines(2000), []byte("\n"), []byte("\r\n")), 5},
		{"BOM", "combined", append([]byte("\xEF\xBB\xBF"), goodLines(2000)...), 5},
		// A part is read as the lines it holds, whatever its first bytes look like.
		{"gzip magic at a cut", "combined", overwriteAtCut(goodLines(2000), "\x1f\x8b"), 5},
		{"BOM at a cut", "combined", overwriteAtCut(goodLines(2000), "\xEF\xBB\xBF"), 5},
		// JSON lines are independent too: an Okta System Log export (whose rate-limit events each
		// part keeps with its own line numbers), Cloudflare, Caddy, Envoy and generic JSON logs
		// (fewer than 1,000 skipped lines each: every example is kept).
		{"okta-ndjson", "okta-ndjson", repeatFile(t, "testdata/okta-ndjson/basic/input.log", 100), 5},
		{"cloudflare", "cloudflare", repeatFile(t, "testdata/cloudflare/basic/input.log", 100), 5},
		{"caddy", "caddy", repeatFile(t, "testdata/caddy/basic/input.log", 100), 5},
		{"envoy", "envoy", repeatFile(t, "testdata/envoy/basic/input.log", 100), 5},
		{"json", "json", repeatFile(t, "testdata/json/default/input.log", 100), 5},
		// The cuts inside a line longer than the 64 KiB read while looking for a newline go after it.
		{"huge middle line", "combined", hugeMiddle, 2},
		// No line starts after a cut inside the last line: the file is one part.
		{"huge last line", "combined", hugeLast, 1},
	} {
		path := writeFile(t, "access.log", tt.data)
		want := readAll(t, openFile(t, path, Options{MaxExamples: 1000}))
		if want.format != tt.format || want.stats.Requests == 0 {
			t.Fatalf("%s: the whole file is %s with %d requests", tt.name, want.format, want.stats.Requests)
		}
		for n := 1; n <= 5; n++ {
			t.Run(fmt.Sprintf("%s/n=%d", tt.name, n), func(t *testing.T) {
				files := countOpens(t)
				var progress atomic.Int64
				rs, err := OpenParts(path, Options{MaxExamples: 1000, Progress: &progress}, n)
				if err != nil {
					t.Fatal(err)
				}
				var offs []int64
				for _, r := range rs {
					offs = append(offs, r.Offset())
				}
				if wantOffs := wantOffsets(tt.data, n); !reflect.DeepEqual(offs, wantOffs) {
					t.Errorf("parts start at %v, want %v", offs, wantOffs)
				}
				if n == 5 && len(rs) < tt.minParts {
					t.Errorf("%d parts, want at least %d", len(rs), tt.minParts)
				}
				for _, off := range offs[1:] {
					if tt.data[off-1] != '\n' {
						t.Errorf("part at %d does not start after a newline", off)
					}
				}
				got := readParts(t, rs)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("parts read\n%+v\nwant\n%+v", got.stats, want.stats)
				}
				// Bytes read once each: the parts cover the file without overlap.
				if p := progress.Load(); p != int64(len(tt.data)) {
					t.Errorf("Progress = %d, want the file size %d", p, len(tt.data))
				}
				for _, r := range rs {
					if err := r.Close(); err != nil {
						t.Fatal(err)
					}
				}
				if len(*files) != 1 {
					t.Fatalf("the file was opened %d times", len(*files))
				}
				if _, err := (*files)[0].ReadAt(make([]byte, 1), 0); !errors.Is(err, os.ErrClosed) {
					t.Errorf("the file is open after closing every part: ReadAt: %v", err)
				}
			})
		}
	}
}

func TestOpenPartsWhole(t *testing.T) {
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	plain := mixedLog(2000, goodLine)
	for _, tt := range []struct {
		name, format string
		data         []byte
		splitMin     int64
	}{
		{"gzip", "combined", gzipMembers(t, plain), 1},
		{"zstd", "combined", zstdFrames(t, plain[:len(plain)/2], plain[len(plain)/2:]), 1},
		{"okta-array", "okta-array", read("testdata/okta-array/basic/input.log"), 1},
		{"okta-csv", "okta-csv", read("testdata/okta-csv/basic/input.log"), 1},
		{"w3c", "w3c", read("testdata/w3c/basic/input.log"), 1},
		{"vhost_combined", "vhost_combined", read("testdata/vhost_combined/basic/input.log"), 1},
		{"empty", "empty", nil, 0},
		{"below the minimum size", "combined", plain, int64(len(plain)) + 1},
	} {
		path := writeFile(t, "input.log", tt.data)
		want := readAll(t, openFile(t, path, Options{}))
		if want.format != tt.format {
			t.Fatalf("%s: the whole file is %s", tt.name, want.format)
		}
		for _, n := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/n=%d", tt.name, n), func(t *testing.T) {
				setSplitMin(t, tt.splitMin)
				files := countOpens(t)
				var progress atomic.Int64
				rs, err := OpenParts(path, Options{Progress: &progress}, n)
				if err != nil {
					t.Fatal(err)
				}
				if len(rs) != 1 || rs[0].Offset() != 0 {
					t.Fatalf("%d parts, the first at %d; want the whole file", len(rs), rs[0].Offset())
				}
				if got := readAll(t, rs[0]); !reflect.DeepEqual(got, want) {
					t.Errorf("got %+v\nwant %+v", got.stats, want.stats)
				}
				// The bytes of the file, compressed ones for a compressed file, each once.
				if p := progress.Load(); p != int64(len(tt.data)) {
					t.Errorf("Progress = %d, want the file size %d", p, len(tt.data))
				}
				rs[0].Close()
				if len(*files) != 1 {
					t.Fatalf("the file was opened %d times", len(*files))
				}
				if _, err := (*files)[0].ReadAt(make([]byte, 1), 0); !errors.Is(err, os.ErrClosed) {
					t.Errorf("the file is open after Close: ReadAt: %v", err)
				}
			})
		}
	}
}

// TestOpenPartsClose checks that the file stays open while any part is, and only that long.
func TestOpenPartsClose(t *testing.T) {
	setSplitMin(t, 1)
	files := countOpens(t)
	rs, err := OpenParts(writeFile(t, "access.log", goodLines(1000)), Options{}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 4 || len(*files) != 1 {
		t.Fatalf("%d parts, %d opens; want 4 parts of one open file", len(rs), len(*files))
	}
	f := (*files)[0]
	for i, r := range rs {
		if _, err := f.ReadAt(make([]byte, 1), 0); err != nil {
			t.Fatalf("with %d of 4 parts closed: ReadAt: %v", i, err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if err := r.Close(); err != nil { // a second Close drops no other part's reference
			t.Fatal(err)
		}
	}
	if _, err := f.ReadAt(make([]byte, 1), 0); !errors.Is(err, os.ErrClosed) {
		t.Errorf("the file is open after closing every part: ReadAt: %v", err)
	}
	if rs[3].Next() {
		t.Error("Next after Close")
	}
}

func TestOpenPartsErrors(t *testing.T) {
	setSplitMin(t, 1)
	dir := t.TempDir()
	for _, tt := range []struct {
		name, path, message string
		is                  error
	}{
		{"missing file", filepath.Join(dir, "missing.log"), "no such file", fs.ErrNotExist},
		{"directory", dir, "is a directory", nil},
		{"unknown format", writeFile(t, "app.log", []byte(`{"ts":1,"msg":"GET /"}`+"\n")), "no line in the first 64 KiB", ErrUnknownFormat},
		{"unsupported compression", writeFile(t, "a.log.xz", []byte("\xfd7zXZ\x00\x00")), "xz-compressed", ErrUnknownFormat},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files := countOpens(t)
			rs, err := OpenParts(tt.path, Options{}, 4)
			if err == nil {
				t.Fatalf("no error, %d parts", len(rs))
			}
			if !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q: want it to name %s and say %q", err, tt.path, tt.message)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q does not wrap %v", err, tt.is)
			}
			if _, openErr := Open(tt.path, Options{}); openErr == nil || openErr.Error() != err.Error() {
				t.Errorf("OpenParts: %v; Open: %v", err, openErr)
			}
			for _, f := range *files {
				if _, err := f.ReadAt(make([]byte, 1), 0); !errors.Is(err, os.ErrClosed) {
					t.Errorf("the file is left open: ReadAt: %v", err)
				}
			}
		})
	}
}

// TestOpenPartsStdin checks that standard input is one part, even when it is a large regular file.
func TestOpenPartsStdin(t *testing.T) {
	setSplitMin(t, 1)
	data := goodLines(1000)
	f := setStdin(t, data)
	var progress atomic.Int64
	rs, err := OpenParts("-", Options{Progress: &progress}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("%d parts of standard input", len(rs))
	}
	got := readAll(t, rs[0])
	rs[0].Close()
	if got.stats.Requests != 1000 || progress.Load() != int64(len(data)) {
		t.Errorf("%d requests, Progress %d; want 1000, %d", got.stats.Requests, progress.Load(), len(data))
	}
	if _, err := f.Stat(); err != nil {
		t.Errorf("Close closed standard input: %v", err)
	}
}

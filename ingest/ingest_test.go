package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// goodLine returns a valid combined line, different for every i, logged at second i after
// 2026-10-14 00:00:00 UTC in a +0200 zone.
func goodLine(i int) string {
	return fmt.Sprintf(`10.%d.%d.%d - - [14/Oct/2026:%02d:%02d:%02d +0200] "GET /api/v1/users/00u%06d?limit=%d HTTP/1.1" %d %d "-" "okta-sdk-go/2.0.%d"`,
		i>>16&255, i>>8&255, i&255, (i/3600+2)%24, i/60%60, i%60, i, i%200, 200+i%3, i*7, i)
}

// goodLines returns n good lines, each ending in "\n".
func goodLines(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		b.WriteString(goodLine(i))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// result is everything a Reader produced, with strings copied.
type result struct {
	format string
	recs   []Record
	events []RateLimitEvent
	stats  Stats
	err    error
}

// readAll drains r and checks the invariants every read must keep: Lines == Requests + Skipped,
// the sum of Reasons is Skipped, line numbers increase, and First/Last bound the record times.
func readAll(t testing.TB, r *Reader) result {
	t.Helper()
	res := result{format: r.Format()}
	for r.Next() {
		rec := *r.Record()
		rec.Method, rec.Target = strings.Clone(rec.Method), strings.Clone(rec.Target)
		rec.Client, rec.UserAgent = strings.Clone(rec.Client), strings.Clone(rec.UserAgent)
		rec.Source, rec.Principal = strings.Clone(rec.Source), strings.Clone(rec.Principal)
		rec.RequestID, rec.EventID = strings.Clone(rec.RequestID), strings.Clone(rec.EventID)
		if n := len(res.recs); n > 0 && rec.Line <= res.recs[n-1].Line {
			t.Fatalf("record line %d after line %d", rec.Line, res.recs[n-1].Line)
		}
		res.recs = append(res.recs, rec)
	}
	if r.Next() {
		t.Fatal("Next returned true after returning false")
	}
	res.stats, res.err, res.events = r.Stats(), r.Err(), r.Events()
	checkStats(t, res.stats, res.recs)
	if n := int64(len(res.events)); n > res.stats.Events || n > MaxEvents || (n < res.stats.Events && n != MaxEvents) {
		t.Fatalf("%d events kept, Stats.Events = %d", n, res.stats.Events)
	}
	return res
}

func checkStats(t testing.TB, st Stats, recs []Record) {
	t.Helper()
	if st.Lines != st.Requests+st.Skipped {
		t.Fatalf("Lines %d != Requests %d + Skipped %d", st.Lines, st.Requests, st.Skipped)
	}
	if recs != nil && st.Requests != int64(len(recs)) {
		t.Fatalf("Requests = %d, but %d records", st.Requests, len(recs))
	}
	var sum int64
	for reason, n := range st.Reasons {
		if n <= 0 || !contains(Reasons, reason) {
			t.Fatalf("Reasons[%q] = %d", reason, n)
		}
		sum += n
	}
	if sum != st.Skipped {
		t.Fatalf("Reasons add up to %d, Skipped = %d", sum, st.Skipped)
	}
	if st.Formats != nil {
		var lines int64
		for f, n := range st.Formats {
			if n <= 0 || !contains(Formats(), f) {
				t.Fatalf("Formats[%q] = %d", f, n)
			}
			lines += n
		}
		if lines != st.Lines {
			t.Fatalf("Formats %v add up to %d lines, Lines = %d", st.Formats, lines, st.Lines)
		}
	}
	for i, ex := range st.Examples {
		if i > 0 && ex.Line <= st.Examples[i-1].Line {
			t.Fatalf("examples out of line order: %+v", st.Examples)
		}
	}
	if len(recs) > 0 {
		lo, hi := recs[0].Time, recs[0].Time
		for _, r := range recs {
			lo, hi = min(lo, r.Time), max(hi, r.Time)
		}
		if st.First != lo || st.Last != hi {
			t.Fatalf("First/Last = %d/%d, want %d/%d", st.First, st.Last, lo, hi)
		}
	} else if recs != nil && (st.First != 0 || st.Last != 0) {
		t.Fatalf("First/Last = %d/%d with no request", st.First, st.Last)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func newReader(t testing.TB, data []byte, opt Options) *Reader {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), "test.log", opt)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func openFile(t testing.TB, path string, opt Options) *Reader {
	t.Helper()
	r, err := Open(path, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// gzipMembers compresses each part as its own gzip member and concatenates them.
func gzipMembers(t testing.TB, parts ...[]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, p := range parts {
		w := gzip.NewWriter(&b)
		if _, err := w.Write(p); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// zstdFrames compresses each part as its own zstd frame and concatenates them.
func zstdFrames(t testing.TB, parts ...[]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, p := range parts {
		w, err := zstd.NewWriter(&b)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(p); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func TestReaderCompression(t *testing.T) {
	plain := goodLines(3000)
	third := len(plain) / 3 // members split mid-line: the stream is one text
	want := readAll(t, newReader(t, plain, Options{}))
	if want.err != nil || len(want.recs) != 3000 || want.format != "combined" {
		t.Fatalf("plain: %d records, format %q, err %v", len(want.recs), want.format, want.err)
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"access.log", plain},
		{"access.log.gz", gzipMembers(t, plain)},
		{"access.log.1.gz", gzipMembers(t, plain[:third], plain[third:2*third], plain[2*third:])},
		{"access.log.zst", zstdFrames(t, plain)},
		{"access.log.2.zst", zstdFrames(t, plain[:third], plain[third:])},
		{"no-extension", gzipMembers(t, plain)}, // the magic bytes decide, not the name
		{"looks-compressed.gz", plain},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, openFile(t, writeFile(t, tt.name, tt.data), Options{}))
			if got.err != nil {
				t.Fatalf("Err = %v", got.err)
			}
			if got.format != "combined" || len(got.recs) != len(want.recs) {
				t.Fatalf("format %q, %d records; want combined, %d", got.format, len(got.recs), len(want.recs))
			}
			for i := range got.recs {
				if got.recs[i] != want.recs[i] {
					t.Fatalf("record %d = %+v, want %+v", i, got.recs[i], want.recs[i])
				}
			}
		})
	}
}

func TestReaderRecordFields(t *testing.T) {
	r := newReader(t, []byte(goodLine(0)+"\n"+goodLine(3661)+"\n"), Options{})
	got := readAll(t, r)
	want := []Record{
		{Time: micros(2026, 10, 14, 0, 0, 0, 0), Method: "GET", Target: "/api/v1/users/00u000000?limit=0", Status: 200,
			Client: "10.0.0.0", UserAgent: "okta-sdk-go/2.0.0", Line: 1},
		{Time: micros(2026, 10, 14, 1, 1, 1, 0), Method: "GET", Target: "/api/v1/users/00u003661?limit=61", Status: 201,
			Client: "10.0.14.77", UserAgent: "okta-sdk-go/2.0.3661", Line: 2},
	}
	if len(got.recs) != 2 || got.recs[0] != want[0] || got.recs[1] != want[1] {
		t.Errorf("records\n got %+v\nwant %+v", got.recs, want)
	}
	if got.stats.First != want[0].Time || got.stats.Last != want[1].Time {
		t.Errorf("First/Last = %d/%d", got.stats.First, got.stats.Last)
	}
}

// truncatedErr matches the error of a stream cut off after line N.
var truncatedErr = regexp.MustCompile(`^(.*): line (\d+): truncated (gzip|zstd) stream: unexpected EOF$`)

func TestReaderTruncated(t *testing.T) {
	plain := goodLines(20000) // ~3 MB: the cut lands well after the sniff window
	for _, tt := range []struct {
		codec string
		data  []byte
	}{
		{"gzip", gzipMembers(t, plain)},
		{"zstd", zstdFrames(t, plain)},
	} {
		t.Run(tt.codec, func(t *testing.T) {
			for _, cut := range []int{len(tt.data) / 2, len(tt.data) - 3, len(tt.data) - 1} {
				path := writeFile(t, "access.log."+tt.codec, tt.data[:cut])
				got := readAll(t, openFile(t, path, Options{}))
				if got.err == nil {
					t.Fatalf("cut at %d/%d: no error (%d requests)", cut, len(tt.data), got.stats.Requests)
				}
				m := truncatedErr.FindStringSubmatch(got.err.Error())
				if m == nil || m[1] != path || m[3] != tt.codec {
					t.Fatalf("Err = %q, want %q", got.err, path+": line N: truncated "+tt.codec+" stream: unexpected EOF")
				}
				if !errors.Is(got.err, io.ErrUnexpectedEOF) {
					t.Errorf("errors.Is(Err, io.ErrUnexpectedEOF) = false")
				}
				// What was read stays counted, and every record is one of the original lines.
				for _, rec := range got.recs {
					if want := micros(2026, 10, 14, 0, 0, 0, 0) + int64(rec.Line-1)*1e6; rec.Time != want {
						t.Fatalf("line %d: time %d, want %d", rec.Line, rec.Time, want)
					}
				}
				st := got.stats
				line, _ := strconv.Atoi(m[2])
				switch st.Reasons[ReasonTruncated] {
				case 1: // the partial line is the last one counted, and the error names it
					if ex := st.Examples[len(st.Examples)-1]; ex.Reason != ReasonTruncated || int64(ex.Line) != st.Lines || line != ex.Line {
						t.Errorf("truncated example %+v, Lines %d, error line %d", ex, st.Lines, line)
					}
				case 0: // cut at a line boundary: the error names the line it could not read
					if int64(line) != st.Lines+1 {
						t.Errorf("error line %d, Lines %d", line, st.Lines)
					}
				default:
					t.Errorf("Reasons = %v", st.Reasons)
				}
				if st.Requests == 0 || st.Requests > 20000 || cut == len(tt.data)/2 && st.Requests == 20000 {
					t.Errorf("cut at %d/%d: Requests = %d", cut, len(tt.data), st.Requests)
				}
			}
		})
	}
}

func TestReaderCorruptGzip(t *testing.T) {
	data := gzipMembers(t, goodLines(20000))
	for i := len(data) / 2; i < len(data)/2+64; i++ {
		data[i] ^= 0x5a
	}
	path := writeFile(t, "access.log.gz", data)
	got := readAll(t, openFile(t, path, Options{}))
	if got.err == nil || !strings.HasPrefix(got.err.Error(), path+": line ") || !strings.Contains(got.err.Error(), "gzip") {
		t.Fatalf("Err = %v, want a gzip error naming %s and a line", got.err, path)
	}
}

func TestReaderReadError(t *testing.T) {
	boom := errors.New("boom")
	data := []byte(goodLine(0) + "\n" + goodLine(1) + "\n" + goodLine(2)[:40])
	r, err := NewReader(iotest.DataErrReader(io.MultiReader(bytes.NewReader(data), iotest.ErrReader(boom))), "in.log", Options{Format: "combined"})
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, r)
	if !errors.Is(got.err, boom) || got.err.Error() != "in.log: line 3: read: boom" {
		t.Fatalf("Err = %v", got.err)
	}
	if got.stats.Requests != 2 || got.stats.Reasons[ReasonTruncated] != 1 || got.stats.Lines != 3 {
		t.Fatalf("stats %+v", got.stats)
	}
	if ex := got.stats.Examples[0]; ex.Line != 3 || ex.Excerpt != goodLine(2)[:40] {
		t.Errorf("example %+v", ex)
	}
}

// flakyReader fails once, after its first chunk, and would then go on as if nothing happened.
type flakyReader struct {
	chunks [][]byte
	failed bool
}

func (f *flakyReader) Read(p []byte) (int, error) {
	if len(f.chunks) == 0 {
		return 0, io.EOF
	}
	if len(f.chunks) == 1 && !f.failed {
		f.failed = true
		return 0, errors.New("transient")
	}
	n := copy(p, f.chunks[0])
	f.chunks = f.chunks[1:]
	return n, nil
}

func TestReaderStopsAtFirstError(t *testing.T) {
	line := goodLine(0)
	src := &flakyReader{chunks: [][]byte{[]byte(line + "\n" + line[:30]), []byte(line[30:] + "\n")}}
	r, err := NewReader(src, "flaky.log", Options{Format: "combined"})
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, r)
	if got.err == nil || len(got.recs) != 1 || got.stats.Reasons[ReasonTruncated] != 1 {
		t.Fatalf("records %d, stats %+v, err %v: want 1 request, 1 truncated line and the error", len(got.recs), got.stats, got.err)
	}
}

func TestReaderLineEndings(t *testing.T) {
	l1, l2 := goodLine(1), goodLine(2)
	bom := "\xef\xbb\xbf"
	for _, tt := range []struct {
		name, data string
		lines      int64
	}{
		{"LF", l1 + "\n" + l2 + "\n", 2},
		{"CRLF", l1 + "\r\n" + l2 + "\r\n", 2},
		{"no final newline", l1 + "\n" + l2, 2},
		{"CRLF, no final newline", l1 + "\r\n" + l2 + "\r", 2},
		{"BOM", bom + l1 + "\n" + l2 + "\n", 2},
		{"BOM, CRLF, blank lines", bom + l1 + "\r\n\r\n  \r\n" + l2 + "\r\n", 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, newReader(t, []byte(tt.data), Options{}))
			if got.err != nil || len(got.recs) != 2 || got.stats.Lines != tt.lines {
				t.Fatalf("%d records, %d lines, err %v; stats %+v", len(got.recs), got.stats.Lines, got.err, got.stats)
			}
			if got.recs[0].Client != "10.0.0.1" || got.recs[1].UserAgent != "okta-sdk-go/2.0.2" || got.recs[1].Line != int(tt.lines) {
				t.Errorf("records %+v", got.recs)
			}
			if got.stats.Skipped != tt.lines-2 || got.stats.Reasons[ReasonBlank] != tt.lines-2 {
				t.Errorf("stats %+v", got.stats)
			}
		})
	}
}

func TestReaderLongLines(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	hugeRequest := strings.Replace(goodLine(1), "/api/v1/users/", "/api/v1/users/"+huge, 1)
	for _, tt := range []struct {
		name   string
		data   string
		gz     bool
		opt    Options
		want   []int // line numbers of the records
		long   []int // line numbers skipped as too long
		reason string
	}{
		{name: "1 MiB line between good lines", data: goodLine(0) + "\n" + huge + "\n" + goodLine(2) + "\n",
			want: []int{1, 3}, long: []int{2}},
		{name: "1 MiB valid request, gzip", data: goodLine(0) + "\n" + hugeRequest + "\n" + goodLine(2) + "\n", gz: true,
			want: []int{1, 3}, long: []int{2}},
		{name: "1 MiB last line, no newline", data: goodLine(0) + "\n" + hugeRequest,
			want: []int{1}, long: []int{2}},
		{name: "over the limit but inside the buffer", data: goodLine(0) + "\n" + goodLine(10) + "\n",
			opt: Options{MaxLineBytes: len(goodLine(0))}, want: []int{1}, long: []int{2}},
		{name: "exactly the limit, CRLF", data: goodLine(0) + "\r\n" + goodLine(1) + "\r\n",
			opt: Options{MaxLineBytes: len(goodLine(1))}, want: []int{1, 2}},
		{name: "limit raised past the buffer", data: goodLine(0) + "\n" + hugeRequest + "\n",
			opt: Options{MaxLineBytes: 2 << 20}, want: []int{1, 2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			if tt.gz {
				data = gzipMembers(t, data)
			}
			got := readAll(t, newReader(t, data, tt.opt))
			if got.err != nil {
				t.Fatal(got.err)
			}
			var lines []int
			for _, r := range got.recs {
				lines = append(lines, r.Line)
			}
			if fmt.Sprint(lines) != fmt.Sprint(tt.want) {
				t.Errorf("record lines %v, want %v", lines, tt.want)
			}
			var long []int
			for _, ex := range got.stats.Examples {
				if ex.Reason == ReasonTooLong {
					long = append(long, ex.Line)
					if len(ex.Excerpt) > excerptBytes {
						t.Errorf("excerpt of %d bytes", len(ex.Excerpt))
					}
				}
			}
			if fmt.Sprint(long) != fmt.Sprint(tt.long) || got.stats.Reasons[ReasonTooLong] != int64(len(tt.long)) {
				t.Errorf("too-long lines %v (stats %v), want %v", long, got.stats.Reasons, tt.long)
			}
		})
	}
}

func TestReaderEmpty(t *testing.T) {
	for _, tt := range []struct {
		name   string
		data   []byte
		blanks int64
	}{
		{"empty", nil, 0},
		{"BOM only", []byte("\xef\xbb\xbf"), 0},
		{"blank lines", []byte("\n  \r\n\t\n"), 3},
		{"blank, no final newline", []byte("\n "), 2},
		{"empty gzip", gzipMembers(t, nil), 0},
		{"empty zstd", zstdFrames(t, nil), 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, openFile(t, writeFile(t, "empty.log", tt.data), Options{}))
			if got.format != "empty" || got.err != nil || len(got.recs) != 0 {
				t.Fatalf("format %q, %d records, err %v", got.format, len(got.recs), got.err)
			}
			if st := got.stats; st.Lines != tt.blanks || st.Reasons[ReasonBlank] != tt.blanks {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	common := `192.0.2.1 - - [14/Oct/2026:10:00:00 +0000] "GET /api/v1/users HTTP/1.1" 200 12`
	dash := `10.112.81.15 - - [15/Feb/2013:06:00:31 +0000] "-" 400 0 "-" "-"`
	for _, tt := range []struct {
		name, data, format string
		requests           int64
	}{
		{"combined", goodLine(0) + "\n", "combined", 1},
		{"common", common + "\n" + common + "\n", "common", 2},
		{"common first, combined later", common + "\n" + goodLine(1) + "\n", "combined", 2},
		{"bad request lines only", dash + "\n", "combined", 0},
		{"garbage before a good line", "garbage\n\x00\x01\n" + common + "\n", "common", 1},
		{"blank lines first", "\n\n" + goodLine(0), "combined", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, newReader(t, []byte(tt.data), Options{}))
			if got.format != tt.format || got.stats.Requests != tt.requests || got.err != nil {
				t.Errorf("format %q, %d requests, err %v; want %q, %d", got.format, got.stats.Requests, got.err, tt.format, tt.requests)
			}
		})
	}

	// A good line past the 64 KiB window is not seen by the sniffer.
	late := strings.Repeat("not a log line\n", 70000/15) + goodLine(0) + "\n"
	if _, err := NewReader(strings.NewReader(late), "late.log", Options{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("late good line: err = %v, want ErrUnknownFormat", err)
	}
	// A line cut by the end of the window is not a complete line; and blank lines filling the window
	// make an unknown format, not "empty", when the input goes on.
	cut := strings.Repeat(" \n", (sniffBytes-40)/2) + goodLine(0) + "\n"
	if _, err := NewReader(strings.NewReader(cut), "cut.log", Options{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("line cut by the window: err = %v, want ErrUnknownFormat", err)
	}
}

func TestForcedFormat(t *testing.T) {
	common := `192.0.2.1 - - [14/Oct/2026:10:00:00 +0000] "GET /api/v1/users HTTP/1.1" 200 12` + "\n"
	got := readAll(t, newReader(t, []byte(common+goodLine(1)+"\n"), Options{Format: "common"}))
	if got.format != "common" || got.stats.Requests != 2 {
		t.Errorf("forced common: format %q, %d requests", got.format, got.stats.Requests)
	}
	// Forcing skips sniffing: an input no line of which is combined still reads, all skipped.
	got = readAll(t, newReader(t, []byte("garbage\n\x00\n"), Options{Format: "combined"}))
	if got.format != "combined" || got.stats.Lines != 2 || got.stats.Reasons[ReasonMalformed] != 2 {
		t.Errorf("forced combined on garbage: format %q, stats %+v", got.format, got.stats)
	}
	got = readAll(t, newReader(t, nil, Options{Format: "common"}))
	if got.format != "common" || got.stats.Lines != 0 {
		t.Errorf("forced common on empty input: format %q, stats %+v", got.format, got.stats)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	gz := gzipMembers(t, goodLines(100))
	nul := writeFile(t, "nul.log", make([]byte, 100000))
	for _, tt := range []struct {
		name    string
		path    string
		opt     Options
		is      error
		message string // a substring of the error, after the path
	}{
		{name: "missing file", path: filepath.Join(dir, "missing.log"), is: fs.ErrNotExist, message: "no such file"},
		{name: "directory", path: dir, message: "is a directory"},
		{name: "unknown forced format", path: writeFile(t, "a.log", goodLines(1)), opt: Options{Format: "jsonx"},
			is: ErrUnknownFormat, message: `unknown log format "jsonx" (known formats: ` + knownFormats() + ")"},
		{name: "NUL bytes", path: nul, is: ErrUnknownFormat, message: "known formats: " + knownFormats()},
		{name: "NUL lines", path: writeFile(t, "nul2.log", bytes.Repeat([]byte("\x00\x00\x00\n"), 100)), is: ErrUnknownFormat},
		{name: "JSON lines of no known shape", path: writeFile(t, "app.log", []byte(`{"ts":1,"msg":"GET /"}`+"\n")),
			is: ErrUnknownFormat, message: "no line in the first 64 KiB is in a known format"},
		{name: "bad Fields", path: writeFile(t, "b.log", goodLines(1)), opt: Options{Fields: map[string]string{"time": "ts"}},
			message: `json: Fields must map "time" (or "end_time") and "path"`},
		{name: "unknown field in Fields", path: writeFile(t, "c.log", goodLines(1)), opt: Options{Fields: map[string]string{"time": "ts", "path": "p", "bytes": "b"}},
			message: `json: unknown field "bytes" in Fields`},
		{name: "bad key path in Fields", path: writeFile(t, "d.log", goodLines(1)), opt: Options{Fields: map[string]string{"time": "ts", "path": "a..b"}},
			message: `json: field path: bad key path "a..b"`},
		{name: "bzip2", path: writeFile(t, "a.log.bz2", []byte("BZh91AY&SY\x00\x00")), is: ErrUnknownFormat, message: "bzip2"},
		{name: "gzip magic only", path: writeFile(t, "a.log.gz", gz[:2]), is: io.ErrUnexpectedEOF,
			message: "line 1: truncated gzip stream"},
		{name: "gzip cut inside the first line", path: writeFile(t, "b.log.gz", gz[:30]), is: io.ErrUnexpectedEOF,
			message: "line 1: truncated gzip stream"},
		{name: "not gzip after the magic", path: writeFile(t, "c.log.gz", []byte("\x1f\x8bnot really gzip data")),
			message: "corrupt gzip stream"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(tt.path, tt.opt)
			if err == nil {
				r.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q: want it to name %s and say %q", err, tt.path, tt.message)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q does not wrap %v", err, tt.is)
			}
		})
	}
}

func TestExamples(t *testing.T) {
	var b strings.Builder
	for i := range 10 {
		fmt.Fprintf(&b, "%s\nbad line %d\n", goodLine(i), i)
	}
	data := []byte(b.String())
	for _, tt := range []struct {
		max, want int
	}{{0, 5}, {2, 2}, {-1, 0}, {100, 10}} {
		got := readAll(t, newReader(t, data, Options{MaxExamples: tt.max}))
		if len(got.stats.Examples) != tt.want || got.stats.Reasons[ReasonMalformed] != 10 {
			t.Errorf("MaxExamples %d: %d examples, stats %+v", tt.max, len(got.stats.Examples), got.stats)
		}
		for i, ex := range got.stats.Examples {
			want := Skip{File: "test.log", Line: 2 * (i + 1), Reason: ReasonMalformed, Excerpt: fmt.Sprintf("bad line %d", i)}
			if ex != want {
				t.Errorf("example %d = %+v, want %+v", i, ex, want)
			}
		}
	}
}

func TestStatsIsACopy(t *testing.T) {
	r := newReader(t, []byte(goodLine(0)+"\nbad\n"+goodLine(1)+"\nbad\n"), Options{})
	r.Next()
	r.Next()
	st := r.Stats()
	for r.Next() {
	}
	if st.Reasons[ReasonMalformed] != 1 || len(st.Examples) != 1 || st.Lines != 3 {
		t.Errorf("earlier Stats changed: %+v", st)
	}
	if got := r.Stats(); got.Reasons[ReasonMalformed] != 2 || len(got.Examples) != 2 || got.Lines != 4 {
		t.Errorf("final Stats %+v", got)
	}
}

func TestClose(t *testing.T) {
	r := openFile(t, writeFile(t, "a.log", goodLines(3)), Options{})
	if !r.Next() {
		t.Fatal("no first record")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if r.Next() {
		t.Error("Next after Close")
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestNextDoesNotAllocate(t *testing.T) {
	r := newReader(t, goodLines(5000), Options{})
	for range 100 { // warm up: fill the buffer
		r.Next()
	}
	allocs := testing.AllocsPerRun(2000, func() {
		if !r.Next() {
			t.Fatal("ran out of lines")
		}
	})
	if allocs != 0 {
		t.Errorf("Next allocates %.2f times per line", allocs)
	}
}

func TestReasons(t *testing.T) {
	want := []string{"blank", "malformed", "bad-timestamp", "bad-request-line", "line-too-long", "truncated",
		"header", "not-a-request", "rate-limit-event", "duplicate-request", "duplicate-event", "error-body"}
	if fmt.Sprint(Reasons) != fmt.Sprint(want) {
		t.Errorf("Reasons = %v", Reasons)
	}
	if fmt.Sprint(Formats()) != "[okta-array okta-ndjson okta-csv cloudflare caddy envoy envoy-text w3c alb haproxy vhost_combined combined common nginx json]" {
		t.Errorf("Formats() = %v", Formats())
	}
}

// setStdin makes standard input a file holding data for the rest of the test, and returns the file.
func setStdin(t *testing.T, data []byte) *os.File {
	t.Helper()
	f, err := os.Open(writeFile(t, "stdin.log", data))
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdin
	os.Stdin = f
	t.Cleanup(func() {
		os.Stdin = saved
		f.Close()
	})
	return f
}

func TestOpenStdin(t *testing.T) {
	f := setStdin(t, gzipMembers(t, goodLines(3)))
	r, err := Open("-", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, r)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if got.format != "combined" || got.stats.Requests != 3 || got.err != nil {
		t.Errorf("format %s, stats %+v, err %v", got.format, got.stats, got.err)
	}
	if _, err := f.Stat(); err != nil {
		t.Errorf("Close closed standard input: %v", err)
	}
	// Standard input at its end is an empty input.
	os.Stdin = f // at EOF now: an empty input
	if r, err := Open("-", Options{}); err != nil || r.Format() != "empty" {
		t.Errorf("Open(-) at EOF: %v", err)
	}
}

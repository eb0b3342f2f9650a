package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// mixFormats are formats whose lines no other of them reads, so that a line of one is read as it
// whatever the file's format: the oracle of the detection tests.
var mixFormats = []string{"combined", "haproxy", "envoy-text", "alb", "caddy", "cloudflare", "envoy"}

// mixLine returns request i as a line of format f, at second i after 2026-10-14 00:00 UTC.
func mixLine(f string, i int) string {
	h, m, s := i/3600%24, i/60%60, i%60
	switch f {
	case "combined":
		return goodLine(i)
	case "haproxy":
		return fmt.Sprintf(`Oct 14 %02d:%02d:%02d lb1 haproxy[7]: 10.1.%d.%d:5333 [14/Oct/2026:%02d:%02d:%02d.143] okta_out~ okta/acme 0/0/7/145/152 200 1394 - - ---- 2/1/0/0/0 0/0 "POST /api/v1/authn?i=%d HTTP/1.1"`,
			h, m, s, i>>8&255, i&255, h, m, s, i)
	case "envoy-text":
		return fmt.Sprintf(`[2026-10-14T%02d:%02d:%02d.250Z] "GET /oauth2/v1/keys?i=%d HTTP/1.1" 200 - 0 512 41 40 "203.0.113.%d" "okta-oidc-js/5" "id%d" "acme.okta.com" "10.0.0.5:443"`,
			h, m, s, i, i&255, i)
	case "alb":
		return fmt.Sprintf(`https 2026-10-14T%02d:%02d:%02d.900000Z app/x/1 192.0.2.%d:1 10.0.0.5:443 0 0 0 200 200 1 1 "GET https://acme.okta.com:443/api/v1/logs?i=%d HTTP/1.1" "ua" - - arn "Root" "acme.okta.com" "-" 0 2026-10-14T%02d:%02d:%02d.100000Z "forward"`,
			h, m, s, i&255, i, h, m, s)
	case "caddy":
		return fmt.Sprintf(`{"level":"info","ts":%d.5,"logger":"http.log.access","request":{"remote_ip":"10.2.0.%d","method":"GET","uri":"/api/v1/apps?i=%d"},"status":200}`,
			1791936000+i, i&255, i)
	case "cloudflare":
		return fmt.Sprintf(`{"ClientIP":"10.3.0.%d","ClientRequestMethod":"GET","ClientRequestURI":"/api/v1/groups?i=%d","EdgeResponseStatus":200,"EdgeStartTimestamp":"2026-10-14T%02d:%02d:%02dZ"}`,
			i&255, i, h, m, s)
	case "envoy":
		return fmt.Sprintf(`{"start_time":"2026-10-14T%02d:%02d:%02d.000Z","method":"DELETE","path":"/api/v1/sessions/%d","response_code":204}`, h, m, s, i)
	}
	panic(f)
}

// mixLog is a log of runs of lines of mixFormats, the first run of first (with n0 lines), then
// runs of 1–maxRun lines of formats drawn at random: its text, the format of each line, and the
// lines of each format.
func mixLog(seed uint64, first string, n0, runs, maxRun int) ([]byte, []string, map[string]int64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	var of []string
	count := map[string]int64{}
	add := func(f string, n int) {
		for range n {
			b.WriteString(mixLine(f, len(of)))
			b.WriteByte('\n')
			of = append(of, f)
			count[f]++
		}
	}
	add(first, n0)
	for range runs {
		add(mixFormats[rng.IntN(len(mixFormats))], 1+rng.IntN(maxRun))
	}
	return b.Bytes(), of, count
}

// voteOracle is the format the vote must pick for data: the most frequent format of the complete
// lines of its first 64 KiB, ties to the earlier format of the table.
func voteOracle(data []byte, of []string) string {
	window := data[:min(len(data), sniffBytes)]
	complete := bytes.Count(window, []byte("\n"))
	if len(data) <= sniffBytes && len(data) > 0 && data[len(data)-1] != '\n' {
		complete++
	}
	n := map[string]int{}
	for _, f := range of[:complete] {
		n[f]++
	}
	best := ""
	for _, f := range Formats() {
		if n[f] > n[best] {
			best = f
		}
	}
	return best
}

// TestDetectMixed reads logs that mix the formats of mixFormats, in runs of random length: the
// file's format is the vote's, every line is read as a request of its own format, and each record
// is what parseLine gives for that line in that format; read in parts, the file reads the same.
func TestDetectMixed(t *testing.T) {
	setSplitMin(t, 1)
	for _, tt := range []struct {
		name           string
		seed           uint64
		first          string
		n0, runs, maxR int
	}{
		{"issue: one haproxy line in an nginx log", 1, "haproxy", 1, 0, 0},
		{"concatenated", 2, "combined", 3000, 6, 3000},
		{"interleaved", 3, "combined", 200, 3000, 3},
		{"starts in another format", 4, "envoy-text", 10, 400, 60},
		{"JSON first", 5, "caddy", 100, 300, 40},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data, of, count := mixLog(tt.seed, tt.first, tt.n0, tt.runs, tt.maxR)
			if tt.runs == 0 { // the file: one HAProxy line, then 1,000 nginx lines
				var b bytes.Buffer
				b.Write(data)
				for i := 1; i <= 1000; i++ {
					b.WriteString(goodLine(i) + "\n")
					of = append(of, "combined")
				}
				data, count = b.Bytes(), map[string]int64{"haproxy": 1, "combined": 1000}
			}
			path := writeFile(t, "mixed.log", data)
			got := readAll(t, openFile(t, path, Options{}))
			if want := voteOracle(data, of); got.format != want {
				t.Errorf("format %s, want %s", got.format, want)
			}
			if got.stats.Requests != int64(len(of)) || got.stats.Skipped != 0 {
				t.Errorf("%d requests, %d skipped (%v); want %d requests", got.stats.Requests, got.stats.Skipped, got.stats.Reasons, len(of))
			}
			wantFormats := count
			if len(count) == 1 {
				wantFormats = nil
			}
			if !reflect.DeepEqual(got.stats.Formats, wantFormats) {
				t.Errorf("Formats %v, want %v", got.stats.Formats, wantFormats)
			}
			lines := bytes.Split(data, []byte("\n"))
			for _, rec := range got.recs {
				var want Record
				if err := parseLine(of[rec.Line-1], lines[rec.Line-1], &want); err != nil {
					t.Fatalf("line %d: %v", rec.Line, err)
				}
				want.Line = rec.Line
				if rec != want {
					t.Fatalf("line %d (%s): %+v, want %+v", rec.Line, of[rec.Line-1], rec, want)
				}
			}
			for n := 2; n <= 4; n++ {
				checkParts(t, path, n, got)
			}
		})
	}
}

// TestDetectOff: with the format given, lines of other formats are not detected.
func TestDetectOff(t *testing.T) {
	data := []byte(goodLine(1) + "\n" + mixLine("haproxy", 2) + "\n" + mixLine("envoy-text", 3) + "\n")
	for _, opt := range []Options{{Format: "combined"}, {LogFormat: "combined"}} {
		got := readAll(t, newReader(t, data, opt))
		if got.stats.Requests != 1 || got.stats.Reasons[ReasonMalformed] != 2 || got.stats.Formats != nil {
			t.Errorf("%+v: stats %+v", opt, got.stats)
		}
	}
	got := readAll(t, newReader(t, data, Options{}))
	if got.stats.Requests != 3 || got.stats.Formats["haproxy"] != 1 || got.stats.Formats["envoy-text"] != 1 {
		t.Errorf("detected: stats %+v", got.stats)
	}
}

// TestVoteTies: a tie goes to the earlier format of the table; a majority wins whatever its place.
func TestVoteTies(t *testing.T) {
	for _, tt := range []struct {
		lines  []string
		format string
	}{
		{[]string{mixLine("combined", 1), mixLine("haproxy", 2)}, "haproxy"},
		{[]string{mixLine("combined", 1), mixLine("haproxy", 2), mixLine("combined", 3)}, "combined"},
		{[]string{mixLine("alb", 1), mixLine("envoy-text", 2), mixLine("combined", 3)}, "envoy-text"},
		{[]string{"garbage", mixLine("alb", 1), "more garbage", "and more"}, "alb"},
	} {
		got := readAll(t, newReader(t, []byte(strings.Join(tt.lines, "\n")+"\n"), Options{}))
		if got.format != tt.format || got.stats.Requests != int64(len(tt.lines))-got.stats.Reasons[ReasonMalformed] {
			t.Errorf("%q: format %s, stats %+v; want %s", tt.lines, got.format, got.stats, tt.format)
		}
	}
}

// TestUnknownFormatHint: the error names the closest shape and the flag that reads it.
func TestUnknownFormatHint(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		want       []string
	}{
		{"nginx with other fields", strings.Repeat(`10.0.0.1 [14/Oct/2026:10:00:00 +0200] "GET /a HTTP/1.1" 200 0.003 up=10.0.0.5`+"\n", 3),
			[]string{"3 of 3 lines look like nginx", "--log-format"}},
		{"JSON of other keys", `{"ts":"2026-10-14T08:00:00Z","req":{"uri":"/a"},"code":200}` + "\n",
			[]string{`keys "code", "req", "ts"`, "--field time=KEY --field path=KEY"}},
		{"HAProxy with a custom log-format", `Oct 14 08:00:00 lb haproxy[1]: 10.0.0.1:5 [14/Oct/2026:08:00:00.000] fe be/s 200 "GET / HTTP/1.1" x` + "\n",
			[]string{"HAProxy", "--haproxy-log-format"}},
		{"W3C without directives", "2026-10-14 08:00:00 10.0.0.5 GET /api/v1/users - 443 - 10.0.0.1 ua - 200\n",
			[]string{"W3C", "--format w3c"}},
		{"mixed: most lines first", "garbage\n" + strings.Repeat(`{"a":1}`+"\n", 2) + `x "GET /a HTTP/1.1" y` + "\n",
			[]string{"2 of 4 lines look like JSON", "; 1 of 4 lines look like lines with a \"METHOD path\" request"}},
		{"Zeek", "#separator \\x09\n#fields\tts\tuid\n1.5\tC1\n", []string{"2 of 3 lines look like Zeek TSV lines", "use_json"}},
		{"nothing near", "one line\nand another\n", []string{"no line looks like an access-log line", "--format", "--field"}},
	} {
		_, err := NewReader(strings.NewReader(tt.data), "x.log", Options{})
		if !errors.Is(err, ErrUnknownFormat) {
			t.Fatalf("%s: err %v", tt.name, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q lacks %q", tt.name, err, w)
			}
		}
	}
}

// BenchmarkReadMixed reads 100k lines of the formats of mixFormats in runs of 1–3 (most lines
// then fail under the file's format and are detected alone) and, for comparison, of 1–3,000.
func BenchmarkReadMixed(b *testing.B) {
	for _, tt := range []struct {
		name       string
		runs, maxR int
	}{{"interleaved", 50_000, 3}, {"concatenated", 66, 3000}} {
		data, _, _ := mixLog(9, "combined", 100, tt.runs, tt.maxR)
		n := bytes.Count(data, []byte("\n"))
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var src bytes.Reader
			for b.Loop() {
				src.Reset(data)
				r, err := NewReader(&src, "bench.log", Options{})
				if err != nil {
					b.Fatal(err)
				}
				for r.Next() {
				}
				if st := r.Stats(); st.Lines != int64(n) || st.Skipped != 0 {
					b.Fatalf("stats %+v", st)
				}
				r.Close()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

// TestDetectPartsWrapped: every part of a cut file unwraps its lines as the whole file does, even a
// first part too small to tell the wrapper from its own lines.
func TestDetectPartsWrapped(t *testing.T) {
	setSplitMin(t, 1)
	var b bytes.Buffer
	for i := range 3000 {
		line := goodLine(i)
		if i >= 40 {
			js, _ := json.Marshal(line + "\n")
			line = `{"log":` + string(js) + `,"stream":"stdout","time":"2026-10-14T08:00:00Z"}`
		}
		b.WriteString(line + "\n")
	}
	path := writeFile(t, "docker.log", b.Bytes())
	want := readAll(t, openFile(t, path, Options{}))
	if want.stats.Requests != 3000 {
		t.Fatalf("whole file: %+v", want.stats)
	}
	for _, n := range []int{2, 20, 80, 2000} { // with 80, the first part holds the 40 plain lines and a few wrapped ones
		checkParts(t, path, n, want)
	}
}

// checkParts reads the file at path in up to n parts and checks that they read as want, the whole
// file read by one Reader: the same records and stats.
func checkParts(t *testing.T, path string, n int, want result) {
	t.Helper()
	rs, err := OpenParts(path, Options{}, n)
	if err != nil {
		t.Fatal(err)
	}
	if got := readParts(t, rs); !reflect.DeepEqual(got.stats, want.stats) || !reflect.DeepEqual(got.recs, want.recs) {
		t.Errorf("in %d parts: stats %+v, want %+v", len(rs), got.stats, want.stats)
	}
	for _, r := range rs {
		r.Close()
	}
}

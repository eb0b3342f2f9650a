package report

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenResult analyses a small fixed traffic pattern, with hostile strings in every place the
// input can put one (file name, skipped-line excerpt).
func goldenResult(t *testing.T) *Result {
	t.Helper()
	cat := classify.Seed()
	an, err := NewAnalyzer(cat)
	if err != nil {
		t.Fatal(err)
	}
	defer an.Close()
	id := func(s string) classify.Class {
		_, c, ok := cat.BucketByID(s)
		if !ok {
			t.Fatalf("no bucket %s", s)
		}
		return c
	}
	base := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC).UnixMicro()
	sec := int64(time.Second / time.Microsecond)
	for m := int64(0); m < 30; m++ {
		n := 10 + m
		if m == 23 {
			n = 1096
		}
		for i := int64(0); i < n; i++ {
			an.Add(base+m*60*sec+i*60*sec/n, id("users-get"))
		}
	}
	for i := int64(0); i < 70; i++ {
		an.Add(base+10*60*sec+30*sec+i*sec*4/10, id("apps"))
		an.Add(base+11*60*sec+i*sec*4/10, id("apps"))
	}
	an.Add(base+5*sec, id("orgs"))
	an.Add(base+6*sec, classify.PublicMetadata)
	an.Add(base+7*sec, classify.OutsideCatalog)
	requests := int64(0)
	for m := int64(0); m < 30; m++ {
		requests += 10 + m
	}
	requests += 1096 - 33 + 140 + 3
	file := `proxy-<script>alert("f")</script>.log`
	in := Input{
		Lines: requests + 2, Requests: requests, Skipped: 2,
		SkippedReasons: map[string]int64{ingest.ReasonMalformed: 1, ingest.ReasonBadRequest: 1},
		Files: []FileInput{{Path: file, Format: "combined", Lines: requests + 2, Requests: requests, Skipped: 2,
			SkippedReasons: map[string]int64{ingest.ReasonMalformed: 1, ingest.ReasonBadRequest: 1},
			First:          time.UnixMicro(base).UTC(), Last: time.UnixMicro(base + 30*60*sec - 1).UTC()}},
		Examples: []ingest.Skip{
			{File: file, Line: 7, Reason: ingest.ReasonMalformed, Excerpt: `10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "GET /api/v1/users/jane%40acme.com</script><img src=x onerror=alert(1)>`},
			{File: file, Line: 9, Reason: ingest.ReasonBadRequest, Excerpt: `10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "\x16\x03\x01" 400 0 "-" "<script>alert(2)</script>"`},
		},
	}
	res, err := an.Analyze(Params{Tier: classify.Enterprise, WarnPercent: 60}, in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the golden file at line %d:\n got: %.300s\nwant: %.300s\n(run with -update if the change is intended)", name, i+1, g, w)
			}
		}
	}
}

func TestGoldenSummary(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSummary(&buf, goldenResult(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.golden.json", buf.Bytes())
}

func TestGoldenHTML(t *testing.T) {
	res := goldenResult(t)
	var buf bytes.Buffer
	if err := RenderHTML(&buf, res, HTMLOptions{Version: "golden"}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	// The inlined ECharts build is pinned by its own test; the golden file keeps the page around it.
	if strings.Count(html, EChartsJS) != 1 {
		t.Fatal("the page does not inline echarts.min.js exactly once")
	}
	html = strings.Replace(html, EChartsJS, "/* echarts.min.js "+EChartsVersion+" */", 1)
	golden(t, "report.golden.html", []byte(html))

	// Hostile strings from the input appear only escaped, and logins never raw.
	for _, bad := range []string{`<script>alert("f")`, `<img src=x`, `<script>alert(2)`, "jane%40acme.com", "jane@acme.com"} {
		if strings.Contains(html, bad) {
			t.Errorf("report contains %q unescaped or unredacted", bad)
		}
	}
	// ECharts, one per bucket chart, two heatmaps and the range selector.
	if got, want := strings.Count(html, "<script"), 1+len(res.Buckets)+2+1; got != want {
		t.Errorf("%d <script elements, want %d", got, want)
	}
}

func TestGoldenMinutesCSV(t *testing.T) {
	res := goldenResult(t)
	var buf bytes.Buffer
	if err := WriteMinutesCSV(&buf, res); err != nil {
		t.Fatal(err)
	}
	golden(t, "minutes.golden.csv", buf.Bytes())

	// One row per non-empty bucket-minute, and the counts add up to the bucket totals.
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cells, sum := 0, int64(0)
	for i := range res.Buckets {
		cells += len(res.Buckets[i].Minutes)
		sum += res.Buckets[i].Requests
	}
	if len(rows) != 1+cells {
		t.Fatalf("%d rows, want a header and %d cells", len(rows), cells)
	}
	var got int64
	for _, r := range rows[1:] {
		n, err := strconv.ParseInt(r[2], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		got += n
	}
	if got != sum {
		t.Errorf("counts add up to %d, want %d", got, sum)
	}
}

func TestGoldenMarkdown(t *testing.T) {
	res := goldenResult(t)
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, res); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.golden.md", buf.Bytes())
	md := buf.String()
	for _, bad := range []string{"<script", "<img", "proxy-", "jane", "acme"} {
		if strings.Contains(md, bad) {
			t.Errorf("summary.md contains %q", bad)
		}
	}
}

func ExampleVerdict() {
	for _, n := range []int64{59, 60, 100, 101} {
		fmt.Println(n, Verdict(n, 100, 60))
	}
	fmt.Println(Verdict(3, classify.NA, 60))
	// Output:
	// 59 ok
	// 60 near
	// 100 near
	// 101 over
	// unavailable
}

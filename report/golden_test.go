package report_test

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
	"github.com/ratecard/ratecard/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenResult is the analysis of a small fixed traffic pattern with hostile strings in every place
// the input can put one (file name, skipped-line excerpt): report/testdata/golden.result.json, which
// the engine's TestFixtures computes and keeps up to date.
func goldenResult(t *testing.T) *report.Result {
	t.Helper()
	return fixture(t, "golden.result.json")
}

// fixture reads a report.Result from testdata/name (see package reporttest).
func fixture(t *testing.T, name string) *report.Result {
	t.Helper()
	res, err := reporttest.ReadFile(filepath.Join("testdata", name))
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
	if err := report.WriteSummary(&buf, goldenResult(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.golden.json", buf.Bytes())
}

func TestGoldenHTML(t *testing.T) {
	res := goldenResult(t)
	var buf bytes.Buffer
	if err := report.RenderHTML(&buf, res, report.HTMLOptions{Version: "golden"}); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	// The inlined ECharts build is pinned by its own test; the golden file keeps the page around it.
	if strings.Count(html, report.EChartsJS) != 1 {
		t.Fatal("the page does not inline echarts.min.js exactly once")
	}
	html = strings.Replace(html, report.EChartsJS, "/* echarts.min.js "+report.EChartsVersion+" */", 1)
	golden(t, "report.golden.html", []byte(html))

	// Hostile strings from the input appear only escaped, and logins never raw.
	for _, bad := range []string{`<script>alert("f")`, `<img src=x`, `<script>alert(2)`, "jane%40acme.com", "jane@acme.com"} {
		if strings.Contains(html, bad) {
			t.Errorf("report contains %q unescaped or unredacted", bad)
		}
	}
	// ECharts, the time zone's formatting, one per bucket chart (full size or small), two heatmaps,
	// and the range selector with the print handler.
	if got, want := strings.Count(html, "<script"), 2+len(res.Buckets)+2+1; got != want {
		t.Errorf("%d <script elements, want %d", got, want)
	}
}

func TestGoldenMinutesCSV(t *testing.T) {
	res := goldenResult(t)
	var buf bytes.Buffer
	if err := report.WriteMinutesCSV(&buf, res); err != nil {
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
	if err := report.WriteMarkdown(&buf, res); err != nil {
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
		fmt.Println(n, report.Verdict(n, 100, 60))
	}
	fmt.Println(report.Verdict(3, classify.NA, 60))
	// Output:
	// 59 ok
	// 60 near
	// 100 near
	// 101 over
	// unavailable
}

// TestGoldenSystemLog renders the analysis of Okta System Log exports
// (testdata/systemlog.result.json): the requests of unknown method and the lower bound are in
// every output.
func TestGoldenSystemLog(t *testing.T) {
	res := fixture(t, "systemlog.result.json")
	if len(res.MethodUnknown) == 0 || !res.SystemLogRead() {
		t.Fatal("the fixture has no request of unknown method, or no System Log input")
	}
	var js, md, txt, html bytes.Buffer
	if err := report.WriteSummary(&js, res); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.systemlog.golden.json", js.Bytes())
	if err := report.WriteMarkdown(&md, res); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.systemlog.golden.md", md.Bytes())
	if err := report.WriteText(&txt, res); err != nil {
		t.Fatal(err)
	}
	golden(t, "text.systemlog.golden.txt", txt.Bytes())
	if err := report.RenderHTML(&html, res, report.HTMLOptions{Version: "golden"}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]string{
		"summary.json": {`"method_unknown": [`, `"users-get",`, `"requests": 12,`, `"/api/v1/users/{idOrLogin}"`, `"duplicate-event": 6`, `"error-body": 1`},
		"summary.md": {"12 requests recovered from Okta System Log events are of unknown method", "12 in users-get or users-update",
			"Okta System Log input is a lower bound of the traffic"},
		"text":        {"method unknown: 12 System Log requests could be in users-get or users-update (/api/v1/users/{idOrLogin})"},
		"report.html": {`id="method-unknown-table"`, "<code>users-get</code> or <code>users-update</code>", "recovered from Okta System Log events: a lower bound"},
	} {
		out := map[string]string{"summary.json": js.String(), "summary.md": md.String(), "text": txt.String(), "report.html": html.String()}[name]
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s does not say %q", name, w)
			}
		}
	}
	// Without System Log input, none of it.
	var plain bytes.Buffer
	if err := report.WriteMarkdown(&plain, goldenResult(t)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "System Log") {
		t.Error("summary.md of access logs mentions the System Log")
	}
}

// clockRE finds a date and time of day as the outputs for people write them.
var clockRE = regexp.MustCompile(`\d{4}-\d\d-\d\d(</span> <span class="nw">| )\d\d:\d\d(:\d\d(\.\d+)?)?`)

// With --tz every time that report.html, summary.md, request.md and the terminal show is in the
// zone and names it (CEST or CET after each), and none is in UTC; summary.json, minutes.csv and
// request.csv are the same bytes as in UTC.
func TestOutputsInZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"golden.result.json", "request.result.json", "systemlog.result.json"} {
		res := fixture(t, name)
		utcDir, zoneDir := t.TempDir(), t.TempDir()
		opt := report.HTMLOptions{Version: "test", Request: &report.RequestOptions{}}
		if err := report.WriteDir(utcDir, res, opt); err != nil {
			t.Fatal(err)
		}
		res.Zone = berlin
		if err := report.WriteDir(zoneDir, res, opt); err != nil {
			t.Fatal(err)
		}
		var text bytes.Buffer
		if err := report.WriteText(&text, res); err != nil {
			t.Fatal(err)
		}
		outputs := map[string]string{"terminal": text.String()}
		for _, f := range []string{"report.html", "summary.md", "request.md", "summary.json", "minutes.csv", "request.csv"} {
			z, err := os.ReadFile(filepath.Join(zoneDir, f))
			if err != nil {
				t.Fatal(err)
			}
			u, _ := os.ReadFile(filepath.Join(utcDir, f))
			if strings.HasSuffix(f, ".json") || strings.HasSuffix(f, ".csv") {
				if !bytes.Equal(z, u) {
					t.Errorf("%s: %s changes with --tz", name, f)
				}
				continue
			}
			outputs[f] = string(z)
		}
		for f, out := range outputs {
			n := 0
			for _, loc := range clockRE.FindAllStringIndex(out, -1) {
				n++
				rest := out[loc[1]:]
				if !strings.HasPrefix(rest, " CEST") && !strings.HasPrefix(rest, " CET") {
					t.Errorf("%s, %s: %q is followed by %.20q, not the zone", name, f, out[loc[0]:loc[1]], rest)
				}
			}
			if n == 0 {
				t.Errorf("%s, %s: no time found", name, f)
			}
			if regexp.MustCompile(`\d\d:\d\d(:\d\d)? UTC`).MatchString(out) {
				t.Errorf("%s, %s: a time in UTC: %s", name, f, regexp.MustCompile(`.{40}\d\d:\d\d(:\d\d)? UTC`).FindString(out))
			}
		}
	}
}

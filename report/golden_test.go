package report_test

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

package report_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
)

// The payloads try to run script in the report. Each one, if it ran, would set the document title to
// pwnedTitle or add an element with the id pwnedID; the test looks for both in the rendered DOM.
const (
	pwnedTitle = "PWNED"
	pwnedID    = "pwned-marker"
	pwnJS      = `document.title='PWNED';document.body.insertAdjacentHTML('beforeend','<b id=pwned-marker></b>')`
)

var hostilePayloads = []string{
	`<script>` + pwnJS + `</script>`,
	`"><img src=x onerror="` + pwnJS + `">`,
	`'><svg onload="` + pwnJS + `">`,
	`</script><script>` + pwnJS + `</script>`,
	"\u2028';" + pwnJS + ";//\u2029",
	`</title><script>` + pwnJS + `</script>`,
	`<!--<script>` + pwnJS + `</script>-->`,
}

// chromiumPath finds the headless browser: $RATECARD_CHROMIUM, else chromium or chromium-browser on
// PATH. Without one the test is skipped, except under CI=true, where it fails.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := findChromium(); p != "" {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (CI=true): .ci/run installs it with apt-get")
	}
	t.Skip("chromium not found; install Debian's chromium package to run the browser test")
	return ""
}

// findChromium returns $RATECARD_CHROMIUM, else the path of chromium or chromium-browser on PATH, or
// "" when there is none.
func findChromium() string {
	if p := os.Getenv("RATECARD_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// dumpDOM loads url in headless Chromium with the network off and returns the DOM after the page's
// scripts ran, and the browser's stderr (where console messages are logged). A browser crash is
// retried once. The page runs in virtual time, so timers and animation frames settle at once.
func dumpDOM(t testing.TB, chromium, url string) (dom, stderr string) {
	return runChromium(t, chromium, url, "--virtual-time-budget=5000")
}

// dumpDOMReal is dumpDOM in real time, so that performance.now() in the page measures real work.
func dumpDOMReal(t testing.TB, chromium, url string) (dom, stderr string) {
	return runChromium(t, chromium, url)
}

// runChromium runs headless Chromium with the network off and extra flags, and returns the DOM it
// dumps and its stderr.
func runChromium(t testing.TB, chromium, url string, extra ...string) (dom, stderr string) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
		args := append([]string{
			"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
			"--user-data-dir=" + t.TempDir(),
			// No network: every host name fails to resolve and any proxy use goes nowhere.
			"--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
			"--enable-logging=stderr", "--v=0"}, extra...)
		cmd := exec.CommandContext(ctx, chromium, append(args, "--dump-dom", url)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		cancel()
		if err == nil && strings.Contains(out.String(), "</html>") {
			return out.String(), errb.String()
		}
		var ee *exec.ExitError
		if attempt < 2 && (errors.As(err, &ee) || out.Len() == 0) {
			t.Logf("chromium attempt %d failed (%v); retrying", attempt, err)
			continue
		}
		t.Fatalf("chromium: %v\nstderr:\n%s", err, errb.String())
	}
}

// consoleLines returns the lines of Chromium's stderr that report console output or uncaught errors.
func consoleLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "CONSOLE") || strings.Contains(l, "Uncaught") {
			out = append(out, l)
		}
	}
	return out
}

var (
	titleRE     = regexp.MustCompile(`(?s)<title>(.*?)</title>`)
	containerRE = regexp.MustCompile(`<div class="item" id="([A-Za-z0-9_]+)"`)
)

// checkInjection fails when a payload ran in the dumped DOM.
func injected(dom string) []string {
	var why []string
	if m := titleRE.FindStringSubmatch(dom); m == nil || strings.Contains(m[1], pwnedTitle) {
		why = append(why, "the document title was changed")
	}
	if strings.Contains(dom, `id="`+pwnedID+`"`) {
		why = append(why, "a marker element was inserted")
	}
	return why
}

// TestBrowserRendersHostileReport renders a report whose input strings are script-injection
// payloads, opens it in headless Chromium from file:// without network, and checks that every chart
// drew, that the console stayed silent (no error, no CSP violation) and that no payload ran.
func TestBrowserRendersHostileReport(t *testing.T) {
	chromium := chromiumPath(t)

	// The detector must see an injection that does run (and scripts must run at all).
	ctl := filepath.Join(t.TempDir(), "control.html")
	if err := os.WriteFile(ctl, []byte("<!DOCTYPE html><html><head><title>ok</title></head><body>"+hostilePayloads[0]+"</body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if dom, _ := dumpDOM(t, chromium, "file://"+ctl); len(injected(dom)) != 2 {
		t.Fatalf("control page: the injection detector did not see a payload that ran:\n%s", dom)
	}

	res := goldenResult(t)
	payload := strings.Join(hostilePayloads, " ")
	res.Input.Files[0].Path = "/var/log/" + hostilePayloads[1] + "/okta-" + hostilePayloads[0] + ".log"
	res.Input.Files[0].Err = "gzip: invalid header " + payload
	res.Input.Examples = []ingest.Skip{
		{File: res.Input.Files[0].Path, Line: 7, Reason: ingest.ReasonMalformed, Excerpt: `GET /api/v1/users/jane%40acme.com ` + payload},
		{File: res.Input.Files[0].Path, Line: 9, Reason: ingest.ReasonBadRequest, Excerpt: hostilePayloads[3] + hostilePayloads[4]},
		{File: hostilePayloads[5], Line: 11, Reason: hostilePayloads[2], Excerpt: hostilePayloads[6]},
	}
	// Every kind of chart series and table: 429 marks on a chart (a second series, with the verdict
	// colours limited to the first), path templates (made by the report only from catalog words, so
	// a payload here is belt and braces) and clock gaps.
	for i := range res.Buckets {
		b := &res.Buckets[i]
		for k := range b.Minutes {
			if k%2 == 0 {
				b.Minutes[k].Throttled = 1 + int64(k)
			}
		}
		b.Paths = []report.Share{{Name: "/api/v1/" + payload, Count: 3}, {Name: "", Count: 1}}
	}
	res.Gaps = []report.Gap{{From: res.From, To: res.From.Add(20 * time.Minute)}}
	res.GapCount, res.GapMinutes, res.GapThreshold = 1, 20, 15
	dir := t.TempDir()
	if err := report.WriteDir(dir, res, report.HTMLOptions{Version: hostilePayloads[0]}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"name":"HTTP 429 responses per minute","type":"scatter"`, `id="gaps-table"`, `>Path template<`} {
		if !strings.Contains(string(page), want) {
			t.Fatalf("the report lacks %s", want)
		}
	}
	containers := containerRE.FindAllStringSubmatch(string(page), -1)
	if want := len(res.Buckets) + 2; len(containers) != want {
		t.Fatalf("report has %d chart containers, want %d (one per bucket and two heatmaps)", len(containers), want)
	}

	dom, stderr := dumpDOM(t, chromium, "file://"+filepath.Join(dir, "report.html"))
	checkChartsDrawn(t, dom, stderr, containers)
	if why := injected(dom); len(why) > 0 {
		t.Errorf("an injected script ran: %s", strings.Join(why, "; "))
	}
	if m := titleRE.FindStringSubmatch(dom); m == nil || m[1] != "Okta rate-limit report · Enterprise" {
		t.Errorf("title %q", m)
	}
	for _, raw := range []string{"jane%40acme.com", "jane@acme.com"} {
		if strings.Contains(dom, raw) {
			t.Errorf("the rendered page shows the login %q", raw)
		}
	}
}

// writePage renders res into dir/name with extra inserted before </head> (a style or a script of the
// test), and returns its file:// URL.
func writePage(t *testing.T, res *report.Result, name, extra string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := report.RenderHTML(&buf, res, report.HTMLOptions{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	page := strings.Replace(buf.String(), "</head>", extra+"</head>", 1)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	return "file://" + path
}

// layoutResult is monthResult cut to its first two days, so that the browser draws it quickly: the
// verdict table, whose layout these tests check, keeps every bucket, each with its peak in them.
func layoutResult(t *testing.T, tz string) *report.Result {
	t.Helper()
	res := monthResult(t)
	res.To = res.From.Add(48 * time.Hour)
	res.ChartTo = res.To
	for i := range res.Buckets {
		b := &res.Buckets[i]
		b.Minutes = b.Minutes[:48*60]
		b.Peak = 0
		for _, m := range b.Minutes {
			if m.Count > b.Peak {
				b.Peak, b.PeakMinute = m.Count, m.Minute
			}
		}
		b.Rolling, b.RollingFrom = b.Peak+b.Peak/20, b.PeakMinute.Add(17*time.Second)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatal(err)
	}
	res.Zone = loc
	return res
}

// overflowProbe, run once the page has loaded, writes into the title how far the page scrolls
// sideways and which elements outside a .scroll box (a table's own scrolling box) stick out of the
// window.
const overflowProbe = `<script>window.addEventListener("load", function () {
  var w = document.documentElement.clientWidth, bad = [];
  document.querySelectorAll("body *").forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > w + 0.5 && !e.closest(".scroll")) bad.push(e.tagName + (e.id ? "#" + e.id : "") + (e.className && e.className.baseVal === undefined ? "." + e.className : ""));
  });
  var box = document.getElementById("verdict-table").parentNode;
  document.title = "overflow " + (document.documentElement.scrollWidth - w) + " box " + box.className + ":" + getComputedStyle(box).overflowX + " bad " + bad.slice(0, 8).join(" ");
});</script>`

var probeRE = regexp.MustCompile(`<title>overflow (-?\d+) box ([^<]*?) bad ?([^<]*)</title>`)

// At 800 pixels the page does not scroll sideways: a table wider than the window scrolls inside its
// own box, and nothing else sticks out, for every bucket, in a zone whose times are longer than
// UTC's (CEST after each).
func TestBrowserNarrowWindow(t *testing.T) {
	chromium := chromiumPath(t)
	for _, tz := range []string{"Europe/Berlin"} {
		res := layoutResult(t, tz)
		dom, _ := runChromium(t, chromium, writePage(t, res, "narrow.html", overflowProbe), "--virtual-time-budget=5000", "--window-size=800,900")
		m := probeRE.FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("%s: no measurement in the title: %.300s", tz, titleRE.FindString(dom))
		}
		if m[1] != "0" || m[2] != "scroll:auto" || strings.TrimSpace(m[3]) != "" {
			t.Errorf("%s at 800 px: the page scrolls sideways by %s px; verdict table's box %q; sticking out: %s", tz, m[1], m[2], m[3])
		}
	}
}

// printPDF prints url with headless Chromium to a PDF (no header or footer; the paper size of the
// page's @page, Letter without one) and returns the text of its first page, laid out as printed.
func printPDF(t *testing.T, chromium, url string) string {
	t.Helper()
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is not installed (CI=true): install poppler-utils")
		}
		t.Skip("pdftotext not found; install poppler-utils to run the print test")
	}
	out := filepath.Join(t.TempDir(), "report.pdf")
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions", "--user-data-dir="+t.TempDir(),
			"--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9", "--no-pdf-header-footer",
			"--virtual-time-budget=5000", "--print-to-pdf="+out, url)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		cancel()
		if fi, serr := os.Stat(out); err == nil && serr == nil && fi.Size() > 0 {
			break
		}
		if attempt == 2 {
			t.Fatalf("chromium --print-to-pdf: %v\n%s", err, errb.String())
		}
	}
	text, err := exec.Command(pdftotext, "-layout", "-f", "1", "-l", "1", out, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(text)
}

// Printed on Letter and on A4, every column of the verdict table is on the first page: every word of
// its header, and the widest row (the longest endpoint) from its statuses to its endpoint.
func TestBrowserPrintVerdictTable(t *testing.T) {
	chromium := chromiumPath(t)
	for _, c := range []struct {
		paper, tz string
		style     string
	}{
		{"Letter", "UTC", ""},
		{"A4", "Europe/Berlin", "<style>@page{size:A4}</style>"},
	} {
		res := layoutResult(t, c.tz)
		page := printPDF(t, chromium, writePage(t, res, "print.html", c.style))
		lines := strings.Split(page, "\n")
		head := -1
		for i, l := range lines {
			if f := strings.Fields(l); len(f) > 2 && f[0] == "Bucket" && f[1] == "Status" {
				head = i
				break
			}
		}
		if head < 0 {
			t.Fatalf("%s: the verdict table's header is not on page 1:\n%s", c.paper, page)
		}
		header := strings.Join(lines[head:min(head+4, len(lines))], " ")
		zone := "(" + c.tz + ")"
		for _, w := range []string{"Bucket", "Status", "Rolling", "status", "Utilisation", "Limit", "/ min", "Peak", "minute", "at", zone,
			"60 s", "peak", "from", "Minutes", "near", "over", "Requests", "Endpoint"} {
			if !strings.Contains(header, w) {
				t.Errorf("%s: the verdict table's header on page 1 lacks %q:\n%s", c.paper, w, header)
			}
		}
		first := &res.Buckets[0]
		for i := range res.Buckets {
			if b := &res.Buckets[i]; len(b.Bucket.Pattern) > len(first.Bucket.Pattern) {
				first = b // the longest endpoint, so the widest row
			}
		}
		var row string
		for _, l := range lines[head+1:] {
			if strings.HasPrefix(strings.TrimSpace(l), first.Bucket.ID+" ") {
				row = l
				break
			}
		}
		// The endpoint wraps at its slashes, so its first line ends the row's first line.
		f := strings.Fields(row)
		if len(f) < 12 || f[1] != "over" || f[2] != "over" || !strings.HasPrefix(first.Bucket.Pattern, f[len(f)-1]) || len(f[len(f)-1]) < 8 {
			t.Errorf("%s: the %s row on page 1 is not whole: %q", c.paper, first.Bucket.ID, row)
		}
	}
}

// The page's time formatting (ratecardClock, ratecardTick), which the charts' axis, tooltip and
// slider use, shows the zone's wall clock with the abbreviation in force, on both sides of a
// daylight-saving change: the hour the change repeats is told apart, midnights are labelled by their
// day, and a day tick the change moved off midnight by its day and time.
func TestBrowserTimeAxisLabels(t *testing.T) {
	chromium := chromiumPath(t)
	res := layoutResult(t, "Europe/Berlin")
	res.ChartFrom = time.Date(2026, 10, 24, 0, 0, 0, 0, time.UTC)
	res.ChartTo = res.ChartFrom.Add(72 * time.Hour)
	const shift = 2 * 3600 * 1000 // CEST at the start of the axis
	x := func(y, mo, d, h, mi int) int64 {
		return time.Date(y, time.Month(mo), d, h, mi, 0, 0, time.UTC).UnixMilli() + shift
	}
	probe := fmt.Sprintf(`<script>document.title = "labels|" + [ratecardClock(%d, true), ratecardClock(%d, true), ratecardTick(%d), ratecardTick(%d), ratecardTick(%d)].join("|");</script>`,
		x(2026, 10, 25, 0, 30), x(2026, 10, 25, 1, 30), x(2026, 10, 24, 22, 0), time.Date(2026, 10, 26, 0, 0, 0, 0, time.UTC).UnixMilli(), x(2026, 10, 25, 6, 0))
	dom, stderr := runChromium(t, chromium, writePage(t, res, "labels.html", probe), "--virtual-time-budget=5000")
	m := regexp.MustCompile(`<title>labels\|([^<]*)</title>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("no labels in the title: %.300s\n%s", titleRE.FindString(dom), strings.Join(consoleLines(stderr), "\n"))
	}
	want := "2026-10-25 02:30 CEST|2026-10-25 02:30 CET|{day|Sun 25 Oct}|{day|25 Oct 23:00}|07:00"
	if m[1] != want {
		t.Errorf("labels %q\nwant   %q", m[1], want)
	}
	if lines := consoleLines(stderr); len(lines) > 0 {
		t.Errorf("console: %s", strings.Join(lines, "\n"))
	}
}

// TestBrowserConcurrencyChart renders a report with requests in flight (the request fixture, whose
// requests carry durations) in a zone other than UTC, and checks in headless Chromium that every
// chart, the concurrency chart among them, draws, and that the page logs nothing to the console.
func TestBrowserConcurrencyChart(t *testing.T) {
	chromium := chromiumPath(t)
	res := fixture(t, "request.result.json")
	if res.Concurrency == nil || len(res.Concurrency.Series) == 0 {
		t.Fatal("the request fixture has no concurrency series")
	}
	zone, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	res.Zone = zone
	dir := t.TempDir()
	if err := report.WriteDir(dir, res, report.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	containers := containerRE.FindAllStringSubmatch(string(page), -1)
	ids := map[string]bool{}
	for _, c := range containers {
		ids[c[1]] = true
	}
	if !ids["chart_concurrency"] || strings.Count(string(page), `<div class="item" id=`) != len(containers) {
		t.Fatalf("chart containers %v: no concurrency chart, or an id that is no identifier", ids)
	}
	dom, stderr := dumpDOM(t, chromium, "file://"+filepath.Join(dir, "report.html"))
	checkChartsDrawn(t, dom, stderr, containers)
}

// checkChartsDrawn checks that every chart container of the page (containerRE's matches) is in the
// rendered DOM with a canvas or an svg drawn in it, and that the page logged nothing to the console.
func checkChartsDrawn(t *testing.T, dom, stderr string, containers [][]string) {
	t.Helper()
	for _, c := range containers {
		id := c[1]
		i := strings.Index(dom, `id="`+id+`"`)
		if i < 0 {
			t.Errorf("chart container %s is missing from the rendered DOM", id)
			continue
		}
		rest := dom[i:]
		if j := strings.Index(rest[1:], `class="item"`); j >= 0 {
			rest = rest[:j+1]
		}
		if !strings.Contains(rest, "<canvas") && !strings.Contains(rest, "<svg") {
			t.Errorf("chart %s rendered no canvas or svg", id)
		}
	}
	if lines := consoleLines(stderr); len(lines) > 0 {
		t.Errorf("the page logged to the console (JavaScript error or CSP violation):\n%s", strings.Join(lines, "\n"))
	}
}

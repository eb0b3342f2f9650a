package report_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/report"
)

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

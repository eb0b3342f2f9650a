package report_test

import (
	"bytes"
	"context"
	"errors"
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

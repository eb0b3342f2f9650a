package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/report"
)

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

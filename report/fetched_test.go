package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/report"
)

// TestFetchedInput checks that a fetched System Log in the input is named in summary.json (an
// addition under input.fetched), summary.md and report.html, and that a Result without one
// gives no trace of the field.
func TestFetchedInput(t *testing.T) {
	res := goldenResult(t)
	var plain bytes.Buffer
	if err := report.WriteSummary(&plain, res); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), `"fetched"`) {
		t.Error("summary.json without a fetched input has a fetched field")
	}
	res.Input.Fetched = []report.FetchedLog{{Dir: "okta-logs", Org: "https://acme.okta.com",
		Since: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Events: 12345, FetchedAt: time.Date(2026, 12, 5, 10, 0, 7, 0, time.UTC), Complete: true, WarningThreshold: 90, WarnApplied: true}}
	var js, md, html bytes.Buffer
	if err := report.WriteSummary(&js, res); err != nil {
		t.Fatal(err)
	}
	var s struct {
		Input struct {
			Fetched []map[string]any `json:"fetched"`
		} `json:"input"`
	}
	if err := json.Unmarshal(js.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"dir": "okta-logs", "org": "https://acme.okta.com", "since": "2026-11-01T00:00:00Z", "until": "2026-12-01T00:00:00Z",
		"events": 12345.0, "fetched_at": "2026-12-05T10:00:07Z", "complete": true, "warning_threshold": 90.0, "warn_from_org": true}
	if len(s.Input.Fetched) != 1 {
		t.Fatalf("input.fetched = %v", s.Input.Fetched)
	}
	for k, v := range want {
		if s.Input.Fetched[0][k] != v {
			t.Errorf("input.fetched[0].%s = %v, want %v", k, s.Input.Fetched[0][k], v)
		}
	}
	if err := report.WriteMarkdown(&md, res); err != nil {
		t.Fatal(err)
	}
	if err := report.RenderHTML(&html, res, report.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	sentence := "Okta System Log of https://acme.okta.com for 2026-11-01 00:00 to 2026-12-01 00:00 UTC: 12,345 events, fetched 2026-12-05 10:00 UTC by ratecard fetch; the warning threshold of 90 % is the org&#39;s own setting"
	if !strings.Contains(html.String(), sentence) {
		t.Errorf("report.html does not say %q", sentence)
	}
	if !strings.Contains(md.String(), "- **Input:** Okta System Log of https://acme.okta.com for 2026-11-01 00:00 to 2026-12-01 00:00 UTC: 12,345 events") {
		t.Errorf("summary.md does not name the fetched input:\n%s", md.String()[:600])
	}
	res.Input.Fetched[0].Complete = false
	if !strings.Contains(report.FetchedText(res.Input.Fetched[0]), "incomplete") {
		t.Error("an incomplete fetch is not called so")
	}
}

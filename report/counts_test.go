package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ratecard/ratecard/report"
)

// TestCountsInput checks what every writer says when the input was per-second counts (analyze
// --counts): summary.json marks it (an addition under input.counts), and report.html, summary.md,
// request.md and the terminal text count rows and say callers are not available from counts; a
// Result from logs carries none of it.
func TestCountsInput(t *testing.T) {
	notAvailable := "not available from counts"
	for _, counts := range []bool{false, true} {
		res := goldenResult(t)
		res.Input.Counts = counts
		if counts {
			for i := range res.Buckets {
				b := &res.Buckets[i]
				b.Clients, b.Agents, b.Paths, b.Products, b.Principals = nil, nil, nil, nil, nil
			}
		}
		var js, md, html, req, text bytes.Buffer
		if err := report.WriteSummary(&js, res); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteMarkdown(&md, res); err != nil {
			t.Fatal(err)
		}
		if err := report.RenderHTML(&html, res, report.HTMLOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteRequestMarkdown(&req, report.BuildRequest(res, requestOptions(t))); err != nil {
			t.Fatal(err)
		}
		if err := report.WriteText(&text, res); err != nil {
			t.Fatal(err)
		}
		var s struct {
			Input map[string]any `json:"input"`
		}
		if err := json.Unmarshal(js.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		if v, ok := s.Input["counts"]; ok != counts || counts && v != true {
			t.Errorf("counts %v: summary.json input.counts = %v (present %v)", counts, v, ok)
		}
		checks := []struct {
			name, out, says string
		}{
			{"summary.md", md.String(), notAvailable},
			{"summary.md", md.String(), "rows of per-second counts read"},
			{"report.html", html.String(), notAvailable},
			{"report.html", html.String(), "<th>Rows</th>"},
			{"request.md", req.String(), "| Top callers (hot minutes) | " + notAvailable},
			{"request.md", req.String(), "rows of per-second counts read from"},
			{"request.md", req.String(), "counted per bucket and UTC second"},
			{"terminal", text.String(), "rows of per-second counts, "},
		}
		for _, c := range checks {
			if strings.Contains(c.out, c.says) != counts {
				t.Errorf("counts %v: %s says %q: %v", counts, c.name, c.says, !counts)
			}
		}
		if counts && strings.Contains(req.String(), "none recorded") {
			t.Error("request.md from counts says callers were none recorded, not that counts lack them")
		}
	}
}

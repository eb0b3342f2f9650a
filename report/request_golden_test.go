package report_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/report"
)

// requestResult is the analysis of generated traffic with known peaks on Enterprise (warning 60 %),
// report/testdata/request.result.json, which the engine's TestFixtures computes and keeps up to date:
//   - users-get (limit 1,000): 100 requests in each minute 08:00–08:29 except 1,200 at 08:23 (over);
//     the 08:23 minute comes 900 from client 10.0.0.7 with agent okta-sdk-java and 300 from 192.0.2.9
//     with curl.
//   - authn (limit 600): 400 requests at 08:10 only (near by minute and rolling peak).
//   - groups (limit 600, not DynamicScale-eligible): 100 at 08:05 (ok; near only under a ×4 event).
//   - apps-by-id: 10 at 08:00 (ok under every scenario, so left out of the pack).
func requestResult(t *testing.T) *report.Result {
	t.Helper()
	return fixture(t, "request.result.json")
}

func requestOptions(t *testing.T) report.RequestOptions {
	t.Helper()
	g, err := report.ParseGrowth("30%")
	if err != nil {
		t.Fatal(err)
	}
	e, err := report.ParseSurge("2026-12-01:2026-12-03x4")
	if err != nil {
		t.Fatal(err)
	}
	return report.RequestOptions{Growth: &g, Surges: []report.Surge{e}}
}

func TestRequestFigures(t *testing.T) {
	res := requestResult(t)
	rq := report.BuildRequest(report.Anonymize(res), requestOptions(t))
	var ids []string
	for _, rb := range rq.Buckets {
		ids = append(ids, rb.B.Bucket.ID)
	}
	if got := strings.Join(ids, ","); got != "users-get,authn,groups" {
		t.Fatalf("pack buckets %s, want users-get,authn,groups", got)
	}
	ug := rq.Buckets[0]
	if ug.B.Peak != 1200 || ug.B.Rolling != 1200 || ug.B.P95 != 100 || ug.B.P99 != 1200 {
		t.Errorf("users-get peak %d rolling %d p95 %d p99 %d, want 1200 1200 100 1200", ug.B.Peak, ug.B.Rolling, ug.B.P95, ug.B.P99)
	}
	obs := ug.Figures[0]
	// 1,200 < 60 % × L needs L ≥ 2,001; ×2.01 of 1,000: below 5×, a temporary increase, no DynamicScale step.
	if obs.NeededLimit != 2001 || obs.Multiplier != 2.01 || obs.Step != 0 || obs.Ask != report.AskTemporary || obs.MinutesOver != 1 {
		t.Errorf("users-get observed %+v", obs)
	}
	// ×1.3 × ×4 = ×5.2: 6,240, needs 10,401 (×10.41: DynamicScale, step ×25); the event's 3 days each
	// repeat 2026-10-14, whose one minute over makes 3.
	ev := ug.Figures[2]
	if ev.Scenario.Factor != 52000 || ev.Rolling != 6240 || ev.NeededLimit != 10401 || ev.Step != 25 || ev.Ask != report.AskDynamicScale ||
		ev.MinutesOver != 3 || ev.Status != report.StatusOver || ev.Worst[0].Count != 6240 {
		t.Errorf("users-get event %+v (factor %d)", ev, ev.Scenario.Factor)
	}
	if len(ug.Worst) != 5 || ug.Worst[0].Count != 1200 || !ug.Worst[1].Minute.Equal(time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("worst minutes %v", ug.Worst)
	}
	if ug.Clients[0].Name != "client 1" || ug.Agents[1].Name != "user agent 2" {
		t.Errorf("callers not numbered: %v %v", ug.Clients, ug.Agents)
	}
	// groups (not DynamicScale-eligible) is ok observed and near under the event: its event row says
	// so, and asks for a temporary increase (×1.45).
	if gr := rq.Buckets[2]; gr.Figures[0].NeededLimit != 0 || gr.Figures[2].NeededLimit == 0 || gr.Figures[2].Status != report.StatusNear ||
		gr.Figures[0].Status != report.StatusOK || gr.Figures[2].Ask != report.AskTemporary || gr.Figures[2].Step != 0 {
		t.Errorf("groups: observed %+v, event %+v", gr.Figures[0], gr.Figures[2])
	}
}

func TestGoldenRequest(t *testing.T) {
	res := report.Anonymize(requestResult(t))
	rq := report.BuildRequest(res, requestOptions(t))
	var md, cv bytes.Buffer
	if err := report.WriteRequestMarkdown(&md, rq); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteRequestCSV(&cv, rq); err != nil {
		t.Fatal(err)
	}
	golden(t, "request.golden.md", md.Bytes())
	golden(t, "request.golden.csv", cv.Bytes())
	rows, err := csv.NewReader(bytes.NewReader(cv.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+3*3 {
		t.Errorf("%d rows, want a header and 3 buckets × 3 scenarios", len(rows))
	}
	for _, r := range rows { // encoding/csv also refuses rows of another length than the header's
		if len(r) != len(rows[0]) {
			t.Fatalf("row %v has %d cells, want the header's %d", r, len(r), len(rows[0]))
		}
	}
	if !strings.Contains(md.String(), "15 business days") || !strings.Contains(md.String(), "Tuesday 10 November 2026") {
		t.Error("request.md lacks the lead-time reminder or the case deadline")
	}
}

// TestRequestPackPrivate writes the whole pack and checks that no caller address, user agent or
// login from the input is in any file, and that --show-clients brings the callers back.
func TestRequestPackPrivate(t *testing.T) {
	res := requestResult(t)
	dir := t.TempDir()
	if err := report.WriteDir(dir, res, report.HTMLOptions{Version: "test", Request: &report.RequestOptions{}}); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"10.0.0.7", "192.0.2.9", "okta-sdk-java/8.2.1", "hr-sync/2.1.4", "curl/8.0.1", "x86_64", "jane"} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("%s contains %q", e.Name(), bad)
			}
		}
		// The integrations, named by their user-agent product tokens, are evidence and no personal
		// data: every file but minutes.csv shows them.
		for _, good := range []string{"hr-sync/2.1", "curl/8.0"} {
			if e.Name() != "minutes.csv" && !bytes.Contains(b, []byte(good)) {
				t.Errorf("%s lacks the integration %q", e.Name(), good)
			}
		}
	}
	if got := strings.Join(names, ","); got != "minutes.csv,report.html,request.csv,request.md,summary.json,summary.md" {
		t.Errorf("pack files %s", got)
	}
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	if !bytes.Contains(html, []byte(`id="request"`)) || !bytes.Contains(html, []byte(`id="request-users-get"`)) {
		t.Error("report.html lacks the rate-limit increase request section")
	}
	if !bytes.Contains(html, []byte(report.ExcerptOmitted)) {
		t.Error("report.html does not show the omitted skipped line")
	}
	if len(res.Input.Examples) == 0 || res.Input.Examples[0].Excerpt == report.ExcerptOmitted || len(res.Buckets[0].Clients) == 0 || strings.HasPrefix(res.Buckets[0].Clients[0].Name, "client ") {
		t.Error("WriteDir changed the caller's report.Result")
	}

	shown := t.TempDir()
	if err := report.WriteDir(shown, res, report.HTMLOptions{Request: &report.RequestOptions{ShowClients: true}}); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(shown, "request.md"))
	if !bytes.Contains(md, []byte("10.0.0.7")) {
		t.Error("--show-clients: request.md does not name the client")
	}
}

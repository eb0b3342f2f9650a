package report

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

// requestResult analyses generated traffic with known peaks on Enterprise (warning 60 %):
//   - users-get (limit 1,000): 100 requests in each minute 08:00–08:29 except 1,200 at 08:23 (over);
//     the 08:23 minute comes 900 from client 10.0.0.7 with agent okta-sdk-java and 300 from 192.0.2.9
//     with curl.
//   - authn (limit 600): 400 requests at 08:10 only (near by minute and rolling peak).
//   - groups (limit 600, not DynamicScale-eligible): 100 at 08:05 (ok; near only under a ×4 event).
//   - apps-by-id: 10 at 08:00 (ok under every scenario, so left out of the pack).
func requestResult(t *testing.T) *Result {
	t.Helper()
	cat := classify.Seed()
	an, err := NewAnalyzer(cat)
	if err != nil {
		t.Fatal(err)
	}
	defer an.Close()
	paths := []string{"", "(other)"} // path template ids: one per bucket, its endpoint
	pathID := map[string]uint32{}
	base := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC).UnixMicro()
	rows := &Rows{Class: [][]uint8{nil}}
	add := func(id string, minute, n int64, client uint64, agent uint32) {
		_, cl, ok := cat.BucketByID(id)
		if !ok {
			t.Fatalf("no bucket %s", id)
		}
		if _, ok := pathID[id]; !ok {
			b, _ := cat.Bucket(cl)
			pathID[id] = uint32(len(paths))
			paths = append(paths, b.Pattern)
		}
		for i := range n {
			rows.Path = append(rows.Path, pathID[id])
			rows.TS = append(rows.TS, base+minute*60_000_000+i*60_000_000/n)
			rows.Class[0] = append(rows.Class[0], uint8(cl))
			rows.Status = append(rows.Status, 200)
			rows.Client = append(rows.Client, client)
			rows.Agent = append(rows.Agent, agent)
			rows.Principal = append(rows.Principal, 0)
			rows.RL = append(rows.RL, 0)
			rows.Src = append(rows.Src, 0)
		}
	}
	var total int64
	for m := int64(0); m < 30; m++ {
		if m == 23 {
			add("users-get", m, 900, 1, 1)
			add("users-get", m, 300, 2, 2)
			total += 1200
			continue
		}
		add("users-get", m, 100, 1, 1)
		total += 100
	}
	add("authn", 10, 400, 2, 2)
	add("groups", 5, 100, 1, 2)
	add("apps-by-id", 0, 10, 1, 1)
	total += 510
	if err := an.AddRows(rows); err != nil {
		t.Fatal(err)
	}
	if err := an.SetNames(Names{Clients: []string{"", "10.0.0.7", "192.0.2.9"}, Agents: []string{"", "okta-sdk-java/1.0", "curl/8.0"},
		Paths: paths}); err != nil {
		t.Fatal(err)
	}
	in := Input{Lines: total + 1, Requests: total, Skipped: 1,
		SkippedReasons: map[string]int64{ingest.ReasonMalformed: 1},
		Files: []FileInput{{Path: "access.log", Format: "combined", Lines: total + 1, Requests: total, Skipped: 1,
			SkippedReasons: map[string]int64{ingest.ReasonMalformed: 1}}},
		Examples: []ingest.Skip{{File: "access.log", Line: 3, Reason: ingest.ReasonMalformed,
			Excerpt: `10.0.0.7 - - "GET /api/v1/users/jane%40example.com`}},
	}
	res, err := an.Analyze(Params{Tier: classify.Enterprise, WarnPercent: 60}, in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func requestOptions(t *testing.T) RequestOptions {
	t.Helper()
	g, err := ParseGrowth("30%")
	if err != nil {
		t.Fatal(err)
	}
	e, err := ParseEvent("2026-12-01:2026-12-03x4")
	if err != nil {
		t.Fatal(err)
	}
	return RequestOptions{Growth: &g, Events: []Event{e}}
}

func TestRequestFigures(t *testing.T) {
	res := requestResult(t)
	rq := BuildRequest(Anonymize(res), requestOptions(t))
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
	// 1,200 < 60 % × L needs L ≥ 2,001; ×2.01 of 1,000; step ×5.
	if obs.NeededLimit != 2001 || obs.Multiplier != 2.01 || obs.Step != 5 || obs.MinutesOver != 1 {
		t.Errorf("users-get observed %+v", obs)
	}
	ev := ug.Figures[2] // ×1.3 × ×4 = ×5.2: 6,240, needs 10,401 (×10.41 → step ×25)
	if ev.Scenario.Factor != 52000 || ev.Rolling != 6240 || ev.NeededLimit != 10401 || ev.Step != 25 {
		t.Errorf("users-get event %+v (factor %d)", ev, ev.Scenario.Factor)
	}
	if len(ug.Worst) != 5 || ug.Worst[0].Count != 1200 || !ug.Worst[1].Minute.Equal(time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("worst minutes %v", ug.Worst)
	}
	if ug.Clients[0].Name != "client 1" || ug.Agents[1].Name != "user agent 2" {
		t.Errorf("callers not numbered: %v %v", ug.Clients, ug.Agents)
	}
	if gr := rq.Buckets[2]; gr.Figures[0].NeededLimit != 0 || gr.Figures[2].NeededLimit == 0 {
		t.Errorf("groups: observed %+v, event %+v", gr.Figures[0], gr.Figures[2])
	}
}

func TestGoldenRequest(t *testing.T) {
	res := Anonymize(requestResult(t))
	rq := BuildRequest(res, requestOptions(t))
	var md, cv bytes.Buffer
	if err := WriteRequestMarkdown(&md, rq); err != nil {
		t.Fatal(err)
	}
	if err := WriteRequestCSV(&cv, rq); err != nil {
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
	for _, r := range rows {
		if len(r) != len(requestCSVHeader) {
			t.Fatalf("row %v has %d cells, want %d", r, len(r), len(requestCSVHeader))
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
	if err := WriteDir(dir, res, HTMLOptions{Version: "test", Request: &RequestOptions{}}); err != nil {
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
		for _, bad := range []string{"10.0.0.7", "192.0.2.9", "okta-sdk-java", "curl/8", "jane"} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("%s contains %q", e.Name(), bad)
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
	if !bytes.Contains(html, []byte(ExcerptOmitted)) {
		t.Error("report.html does not show the omitted skipped line")
	}
	if len(res.Input.Examples) == 0 || res.Input.Examples[0].Excerpt == ExcerptOmitted || len(res.Buckets[0].Clients) == 0 || strings.HasPrefix(res.Buckets[0].Clients[0].Name, "client ") {
		t.Error("WriteDir changed the caller's Result")
	}

	shown := t.TempDir()
	if err := WriteDir(shown, res, HTMLOptions{Request: &RequestOptions{ShowClients: true}}); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(shown, "request.md"))
	if !bytes.Contains(md, []byte("10.0.0.7")) {
		t.Error("--show-clients: request.md does not name the client")
	}
}

func TestDynamicScaleStep(t *testing.T) {
	for _, tt := range []struct {
		mult float64
		want int
	}{
		{0, 0}, {-1, 0}, {0.5, 5}, {1.01, 5}, {5, 5}, {5.01, 10}, {10, 10}, {10.01, 25}, {25, 25},
		{26, 50}, {50.5, 100}, {100, 100}, {101, 250}, {250, 250}, {400, 500}, {999.99, 1000}, {1000, 1000},
		{1000.01, 0}, {5000, 0},
	} {
		if got := DynamicScaleStep(tt.mult); got != tt.want {
			t.Errorf("DynamicScaleStep(%v) = %d, want %d", tt.mult, got, tt.want)
		}
	}
}

func TestParseGrowth(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64 // hundredths of a percent; -1: error
		str  string
	}{
		{"30%", 3000, "+30 %"}, {"30", 3000, "+30 %"}, {" 12.5% ", 1250, "+12.5 %"}, {"0%", 0, "+0 %"},
		{"0.25%", 25, "+0.25 %"}, {"10000%", 1_000_000, "+10000 %"},
		{"", -1, ""}, {"%", -1, ""}, {"-5%", -1, ""}, {"1.234%", -1, ""}, {"abc", -1, ""}, {"30%%", -1, ""},
		{"10001%", -1, ""}, {"1e3", -1, ""}, {"9999999999999", -1, ""},
	} {
		g, err := ParseGrowth(tt.in)
		if tt.want < 0 {
			if err == nil {
				t.Errorf("ParseGrowth(%q) = %v, want an error", tt.in, g)
			}
			continue
		}
		if err != nil || g.Hundredths != tt.want || g.String() != tt.str {
			t.Errorf("ParseGrowth(%q) = %d %q, %v; want %d %q", tt.in, g.Hundredths, g.String(), err, tt.want, tt.str)
		}
	}
}

func TestParseEvent(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	for _, tt := range []struct {
		in       string
		ok       bool
		from, to string
		factor   int64
		str      string
	}{
		{"2026-12-01:2026-12-03x4", true, "2026-12-01", "2026-12-03", 40000, "2026-12-01 to 2026-12-03 ×4"},
		{"2026-11-27x2.5", true, "2026-11-27", "2026-11-27", 25000, "2026-11-27 ×2.5"},
		{"2026-11-27:2026-11-27X1.25", true, "2026-11-27", "2026-11-27", 12500, "2026-11-27 ×1.25"},
		{"2026-12-01:2026-12-03×1000", true, "2026-12-01", "2026-12-03", 10_000_000, "2026-12-01 to 2026-12-03 ×1000"},
		{"2026-12-01:2026-12-03", false, "", "", 0, ""},
		{"2026-12-03:2026-12-01x4", false, "", "", 0, ""},
		{"2026-12-01:2026-12-03x0", false, "", "", 0, ""},
		{"2026-12-01:2026-12-03x-2", false, "", "", 0, ""},
		{"2026-12-01:2026-12-03x1001", false, "", "", 0, ""},
		{"2026-12-01:2026-12-03x", false, "", "", 0, ""},
		{"2026-13-01x4", false, "", "", 0, ""},
		{"tomorrow x4", false, "", "", 0, ""},
		{"x4", false, "", "", 0, ""},
		{"2026-12-01:x4", false, "", "", 0, ""},
	} {
		e, err := ParseEvent(tt.in)
		if !tt.ok {
			if err == nil {
				t.Errorf("ParseEvent(%q) = %v, want an error", tt.in, e)
			}
			continue
		}
		if err != nil || !e.From.Equal(day(tt.from)) || !e.To.Equal(day(tt.to)) || e.Factor != tt.factor || e.String() != tt.str {
			t.Errorf("ParseEvent(%q) = %+v %q, %v", tt.in, e, e.String(), err)
		}
	}
}

func TestCaseDeadline(t *testing.T) {
	// 15 business days before Tuesday 1 December 2026 is Tuesday 10 November 2026; before Monday 30
	// November it is Monday 9 November.
	for start, want := range map[string]string{"2026-12-01": "2026-11-10", "2026-11-30": "2026-11-09", "2026-12-05": "2026-11-16"} {
		s, _ := time.Parse("2006-01-02", start)
		if got := caseDeadline(s, 15).Format("2006-01-02"); got != want {
			t.Errorf("caseDeadline(%s) = %s, want %s", start, got, want)
		}
	}
}

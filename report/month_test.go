package report_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// monthReportLimit is the bound on report.html for a 30-day, 1,000-requests-per-minute input.
const monthReportLimit = 5 << 20

// monthResult builds by hand what the analysis of a busy month gives: 30 days of traffic at about
// 1,000 requests per minute in all, spread over a dozen buckets with a working-day shape, every minute
// non-empty in every bucket, and a few spikes near and over the Enterprise limits (with 429s), so
// every chart is downsampled and keeps full resolution around its hot minutes. The page's size and
// drawing time depend on the minutes and buckets, not on the requests behind them, so this stands in
// for 43 million log lines.
func monthResult(t testing.TB) *report.Result {
	t.Helper()
	cat := classify.Seed()
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	const minutes = 30 * 24 * 60
	shares := map[string]float64{"authn": 0.08, "authn-verify": 0.04, "sessions": 0.05, "oauth2-custom": 0.25,
		"oauth2-org": 0.12, "apps": 0.03, "apps-by-id": 0.04, "groups": 0.05, "groups-by-id": 0.04,
		"users": 0.05, "users-get": 0.2, "users-update": 0.03, "logs": 0.01, "api-other": 0.01}
	rng := rand.New(rand.NewPCG(3, 5))
	res := &report.Result{Catalog: cat.Name, Tier: classify.Enterprise, WarnPercent: 60, From: from, To: from.Add(minutes * time.Minute)}
	res.ChartFrom, res.ChartTo = res.From, res.To
	for _, tt := range classify.Tiers {
		res.TierTitles[tt] = cat.TierTitle(tt)
	}
	for i := range cat.Buckets {
		b := &cat.Buckets[i]
		share, ok := shares[b.ID]
		if !ok {
			continue
		}
		br := report.BucketResult{Bucket: b, Minutes: make([]report.MinuteCount, minutes)}
		lim := int64(b.Limit(res.Tier))
		for k := range minutes {
			hour := float64(k%1440) / 60
			shape := 0.4 + 0.9*math.Max(0, math.Sin((hour-6)/12*math.Pi)) // quiet nights, busy days
			n := int64(share*1000*shape*(0.8+0.4*rng.Float64())) + 1
			mc := report.MinuteCount{Minute: from.Add(time.Duration(k) * time.Minute), Count: n}
			if rng.IntN(4000) == 0 && lim > 0 { // a spike: near or over the limit
				mc.Count = lim*6/10 + rng.Int64N(lim*6/10)
				if mc.Count > lim {
					mc.Throttled = mc.Count - lim
				}
			}
			br.Minutes[k] = mc
			br.Requests += mc.Count
			br.Throttled += mc.Throttled
			if mc.Count > br.Peak {
				br.Peak, br.PeakMinute = mc.Count, mc.Minute
			}
		}
		br.Rolling, br.RollingFrom = br.Peak+br.Peak/20, br.PeakMinute.Add(17*time.Second)
		for _, tt := range classify.Tiers {
			l := b.Limit(tt)
			v := report.TierVerdict{Limit: l, Status: report.Verdict(br.Peak, l, res.WarnPercent), RollingStatus: report.Verdict(br.Rolling, l, res.WarnPercent)}
			for _, m := range br.Minutes {
				switch report.Verdict(m.Count, l, res.WarnPercent) {
				case report.StatusNear:
					v.MinutesNear++
				case report.StatusOver:
					v.MinutesOver++
				}
			}
			br.ByTier[tt] = v
		}
		if br.Chosen(res.Tier).Status != report.StatusOK {
			br.HotMinutes, br.HotRequests = 12, 9000
			br.Clients = []report.Share{{Name: "10.0.0.7", Count: 6000}, {Name: "10.0.0.8", Count: 2000}, {Name: "203.0.113.9", Count: 1000}}
			br.Agents = []report.Share{{Name: "okta-sdk-java/8.2.0", Count: 8000}, {Name: "curl/8.5.0", Count: 1000}}
		}
		res.Buckets = append(res.Buckets, br)
		res.Input.Requests += br.Requests
	}
	for _, tt := range classify.Tiers {
		tr := report.TierResult{Tier: tt}
		for i := range res.Buckets {
			switch v := res.Buckets[i].ByTier[tt]; v.Status {
			case report.StatusOver:
				tr.BucketsOver = append(tr.BucketsOver, res.Buckets[i].Bucket.ID)
			case report.StatusNear:
				tr.BucketsNear = append(tr.BucketsNear, res.Buckets[i].Bucket.ID)
			}
		}
		res.Tiers = append(res.Tiers, tr)
	}
	res.Input.Lines = res.Input.Requests
	res.Input.Files = []report.FileInput{{Path: "month.log", Format: "combined", Lines: res.Input.Lines, Requests: res.Input.Requests,
		First: res.From, Last: res.To.Add(-time.Second)}}
	return res // every minute has traffic: no outliers and no clock gaps, so the chart window is the period
}

// TestMonthReportSize checks the size bound on report.html for a busy month.
func TestMonthReportSize(t *testing.T) {
	res := monthResult(t)
	var buf bytes.Buffer
	if err := report.RenderHTML(&buf, res, report.HTMLOptions{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > monthReportLimit {
		t.Errorf("report.html of a 30-day, 1,000 req/min month is %d bytes, bound %d", buf.Len(), monthReportLimit)
	}
	t.Logf("report.html: %.2f MB for %d buckets", float64(buf.Len())/1e6, len(res.Buckets))
}

// drawnRE reads the time the injected marker script recorded in the page title.
var drawnRE = regexp.MustCompile(`<title>drawn ([0-9.]+)</title>`)

// BenchmarkMonthReport measures, for a 30-day, 1,000-requests-per-minute month: rendering report.html
// in Go, its size, and how long headless Chromium takes from navigation start until every chart is
// drawn (each chart's script ends with echarts' synchronous setOption, which paints its canvas; a
// marker script after the last one records performance.now()). The browser part is skipped when
// Chromium is not installed. Run it with: go test -run XX -bench MonthReport ./report
func BenchmarkMonthReport(b *testing.B) {
	res := monthResult(b)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := report.RenderHTML(&buf, res, report.HTMLOptions{Version: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1e6, "MB-html")
	chromium := findChromium()
	if chromium == "" {
		b.Log("chromium not found: drawing time not measured")
		return
	}
	page := buf.String()
	i := strings.LastIndex(page, "</body>")
	if i < 0 {
		b.Fatal("no </body>")
	}
	marked := page[:i] + `<script>document.title = "drawn " + performance.now().toFixed(0);</script>` + page[i:]
	path := filepath.Join(b.TempDir(), "month.html")
	if err := os.WriteFile(path, []byte(marked), 0o644); err != nil {
		b.Fatal(err)
	}
	var worst float64
	for range 3 {
		dom, stderr := dumpDOMReal(b, chromium, "file://"+path)
		m := drawnRE.FindStringSubmatch(dom)
		if m == nil {
			b.Fatalf("no drawing time in the page title; console:\n%s", strings.Join(consoleLines(stderr), "\n"))
		}
		ms, _ := strconv.ParseFloat(m[1], 64)
		worst = max(worst, ms)
		if n := len(containerRE.FindAllString(dom, -1)); n == 0 || strings.Count(dom, "<canvas") < n {
			b.Fatalf("%d chart containers, %d canvases", n, strings.Count(dom, "<canvas"))
		}
	}
	b.ReportMetric(worst, "ms-drawn(worst-of-3)")
}

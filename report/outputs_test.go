package report

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/ratecard/ratecard/classify"
)

// syntheticResult builds a Result by hand: each bucket id gets the given minute and rolling peaks, and
// verdicts on every tier from the catalog's limits.
func syntheticResult(t *testing.T, tier classify.Tier, warn int, peaks map[string][2]int64) *Result {
	t.Helper()
	cat := classify.Seed()
	res := &Result{Catalog: "seed", Tier: tier, WarnPercent: warn}
	for i := range cat.Buckets {
		b := &cat.Buckets[i]
		p, ok := peaks[b.ID]
		if !ok {
			continue
		}
		br := BucketResult{Bucket: b, Requests: p[0], Peak: p[0], Rolling: p[1]}
		for _, tt := range classify.Tiers {
			lim := b.Limit(tt)
			br.ByTier[tt] = TierVerdict{Limit: lim, Status: Verdict(p[0], lim, warn), RollingStatus: Verdict(p[1], lim, warn)}
		}
		res.Buckets = append(res.Buckets, br)
	}
	if len(res.Buckets) != len(peaks) {
		t.Fatalf("unknown bucket id in %v", peaks)
	}
	return res
}

func TestRecommend(t *testing.T) {
	cat := classify.Seed()
	limit := func(id string, tier classify.Tier) int64 {
		b, _, ok := cat.BucketByID(id)
		if !ok {
			t.Fatalf("no bucket %s", id)
		}
		return int64(b.Limit(tier))
	}
	ent := limit("users-get", classify.Enterprise)
	wf := limit("users-get", classify.Workforce)
	if wf <= ent {
		t.Skipf("the catalog's workforce users-get limit (%d) is not above enterprise's (%d)", wf, ent)
	}

	// Quiet traffic fits the smallest tier.
	r := Recommend(syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"users-get": {1, 1}}))
	if !r.Found || r.Tier != classify.DeveloperFree || len(r.Needs) != 0 {
		t.Errorf("quiet: %+v", r)
	}

	// A rolling peak exactly at 60 % of the enterprise limit is near: enterprise does not fit, and the
	// next tier with a higher limit does.
	at := ent * 60 / 100
	if at*100 != ent*60 {
		t.Skipf("60 %% of %d is not whole", ent)
	}
	r = Recommend(syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"users-get": {at - 1, at}}))
	if !r.Found || r.Tier != classify.Workforce {
		t.Errorf("at the threshold: %+v, want workforce", r)
	}
	if len(r.Needs) != 1 || r.Needs[0].NeededLimit != ent+1 || r.Needs[0].Multiplier != 1.01 || r.Needs[0].Peak != at {
		t.Errorf("at the threshold: needs %+v, want limit %d ×1.01", r.Needs, ent+1)
	}
	// One below the threshold fits.
	r = Recommend(syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"users-get": {at - 1, at - 1}}))
	if len(r.Needs) != 0 || !r.Found || r.Tier > classify.Enterprise {
		t.Errorf("below the threshold: %+v", r)
	}

	// Over every tier: no recommendation, and a multiplier that really keeps the peak below warn.
	peak := 3*wf + 7
	r = Recommend(syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"users-get": {peak - 5, peak}, "orgs": {1, 1}}))
	if r.Found {
		t.Errorf("over everywhere: found %v", r.Tier)
	}
	if len(r.Needs) != 1 {
		t.Fatalf("needs %+v", r.Needs)
	}
	n := r.Needs[0]
	m := int64(n.Multiplier*100 + 0.5)
	if !(m*60*ent > 10000*peak) || !((m-1)*60*ent <= 10000*peak) {
		t.Errorf("multiplier %.2f is not the smallest hundredth keeping %d below 60 %% of %d", n.Multiplier, peak, ent)
	}
	if !(100*peak < 60*n.NeededLimit) || !(100*peak >= 60*(n.NeededLimit-1)) {
		t.Errorf("needed limit %d is not the smallest keeping %d below 60 %%", n.NeededLimit, peak)
	}

	// A bucket the chosen tier does not offer is listed, not given a multiplier.
	r = Recommend(syntheticResult(t, classify.OneApp, 60, map[string][2]int64{"orgs": {1, 1}}))
	if len(r.Unavailable) != 1 || r.Unavailable[0] != "orgs" || len(r.Needs) != 0 || !r.Found || r.Tier != classify.Enterprise {
		t.Errorf("orgs on one-app: %+v", r)
	}
}

func TestDisplaySeriesKeepsFullResolutionAroundPeaks(t *testing.T) {
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(30 * 24 * time.Hour) // 43,200 minutes: steps of 15
	var minutes []MinuteCount
	for k := 0; k < 43200; k += 7 {
		minutes = append(minutes, MinuteCount{Minute: from.Add(time.Duration(k) * time.Minute), Count: 5})
	}
	spike := from.Add(20*24*time.Hour + 37*time.Minute)
	minutes = append(minutes, MinuteCount{Minute: spike, Count: 900}, MinuteCount{Minute: spike.Add(time.Minute), Count: 650})
	sortMinutes(minutes)
	hot := func(n int64) bool { return n >= 600 }

	pts, step, fine := displaySeries(minutes, from, to, hot)
	if step != 15 || fine != 45 {
		t.Fatalf("step %d, %d fine minutes; want 15 and 3 steps × 15", step, fine)
	}
	for i := 1; i < len(pts); i++ {
		if pts[i][0] <= pts[i-1][0] {
			t.Fatalf("points out of order at %d", i)
		}
	}
	got := map[int64]int64{}
	for _, p := range pts {
		got[p[0]] = p[1]
	}
	if got[spike.UnixMilli()] != 900 || got[spike.Add(time.Minute).UnixMilli()] != 650 {
		t.Errorf("the spike's minutes are not drawn one by one")
	}
	// Minutes next to the spike, in the same step, are drawn at their own (small) value.
	if v, ok := got[spike.Add(2*time.Minute).UnixMilli()]; !ok || v > 5 {
		t.Errorf("minute after the spike: %d, %v", v, ok)
	}
	if len(pts) != 2880-3+45 {
		t.Errorf("%d points, want %d", len(pts), 2880-3+45)
	}

	// Many hot minutes: the budget holds, and the highest steps get full resolution first.
	var busy []MinuteCount
	for k := 0; k < 43200; k++ {
		busy = append(busy, MinuteCount{Minute: from.Add(time.Duration(k) * time.Minute), Count: 600 + int64(k%1000)})
	}
	pts, _, fine = displaySeries(busy, from, to, hot)
	if fine > maxFineMinutes || fine == 0 {
		t.Errorf("%d fine minutes, budget %d", fine, maxFineMinutes)
	}
	var max int64
	for _, p := range pts {
		max = maxInt(max, p[1])
	}
	if max != 1599 {
		t.Errorf("max %d, want 1599 kept", max)
	}

	// Short ranges are drawn at full resolution anyway.
	if _, step, fine := displaySeries(minutes[:3], from, from.Add(time.Hour), hot); step != 1 || fine != 0 {
		t.Errorf("short range: step %d fine %d", step, fine)
	}
}

func sortMinutes(m []MinuteCount) {
	for i := 1; i < len(m); i++ {
		for j := i; j > 0 && m[j].Minute.Before(m[j-1].Minute); j-- {
			m[j], m[j-1] = m[j-1], m[j]
		}
	}
}

func maxInt(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func TestRangeButtons(t *testing.T) {
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(3 * 24 * time.Hour)
	bs := rangeButtons(from.Add(30*time.Minute), from, to)
	if len(bs) != 3 || bs[0].Label != "2 hours" || bs[1].Label != "1 day" || bs[2].Label != "All" {
		t.Fatalf("buttons %+v", bs)
	}
	// Windows near the start are clamped to the period.
	if bs[0].Start != from.UnixMilli() || bs[0].End != from.Add(2*time.Hour).UnixMilli() {
		t.Errorf("2 hours: %+v", bs[0])
	}
	bs = rangeButtons(to.Add(-time.Minute), from, to)
	if bs[1].End != to.UnixMilli() || bs[1].Start != to.Add(-24*time.Hour).UnixMilli() {
		t.Errorf("1 day at the end: %+v", bs[1])
	}
	if bs := rangeButtons(from, from, from.Add(time.Hour)); len(bs) != 0 {
		t.Errorf("an hour-long period has buttons %+v", bs)
	}
}

func TestMinutesCSVOrder(t *testing.T) {
	res := syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"apps": {3, 3}, "users-get": {2, 2}, "orgs": {1, 1}})
	m := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	for i := range res.Buckets {
		res.Buckets[i].Minutes = []MinuteCount{{Minute: m.Add(time.Duration(i) * time.Minute), Count: int64(i + 1)}, {Minute: m.Add(5 * time.Minute), Count: 9}}
	}
	var buf bytes.Buffer
	if err := WriteMinutesCSV(&buf, res); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n")[1:] {
		f := strings.Split(l, ",")
		ids = append(ids, f[0][11:16]+" "+f[1])
	}
	want := "08:00 " + res.Buckets[0].Bucket.ID + ",08:01 " + res.Buckets[1].Bucket.ID + ",08:02 " + res.Buckets[2].Bucket.ID +
		",08:05 " + res.Buckets[0].Bucket.ID + ",08:05 " + res.Buckets[1].Bucket.ID + ",08:05 " + res.Buckets[2].Bucket.ID
	if got := strings.Join(ids, ","); got != want {
		t.Errorf("rows %s\nwant %s", got, want)
	}
}

func TestOverMinutes(t *testing.T) {
	m := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	b := &BucketResult{Peak: 50, PeakMinute: m.Add(2 * time.Minute), Minutes: []MinuteCount{
		{Minute: m, Count: 11}, {Minute: m.Add(time.Minute), Count: 10}, {Minute: m.Add(2 * time.Minute), Count: 50},
		{Minute: m.Add(3 * time.Minute), Count: 30}, {Minute: m.Add(4 * time.Minute), Count: 11},
	}}
	var got []int64
	for _, o := range overMinutes(b, 10, 2) {
		got = append(got, o.Count)
	}
	// Over 10: 11, 30, 11 (the peak minute has its own pin); the two highest are 30 and the first 11.
	if len(got) != 2 || got[0] != 11 || got[1] != 30 {
		t.Errorf("over minutes %v, want [11 30]", got)
	}
	if o := overMinutes(b, classify.NA, 5); o != nil {
		t.Errorf("N/A limit: %v", o)
	}
}

// TestEmptyResult renders every output of an analysis that saw no request.
func TestEmptyResult(t *testing.T) {
	res := &Result{Catalog: "seed", Tier: classify.Enterprise, WarnPercent: 60, Input: Input{Lines: 1, Skipped: 1, SkippedReasons: map[string]int64{"blank": 1}}}
	for _, tt := range classify.Tiers {
		res.Tiers = append(res.Tiers, TierResult{Tier: tt})
	}
	var buf bytes.Buffer
	for name, write := range map[string]func() error{
		"html":     func() error { return RenderHTML(&buf, res, HTMLOptions{Version: "test"}) },
		"summary":  func() error { return WriteSummary(&buf, res) },
		"markdown": func() error { return WriteMarkdown(&buf, res) },
		"csv":      func() error { return WriteMinutesCSV(&buf, res) },
		"text":     func() error { return WriteText(&buf, res) },
	} {
		buf.Reset()
		if err := write(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if name == "csv" && buf.String() != "minute,bucket,count,limit,utilisation,status,throttled\n" {
			t.Errorf("csv of no traffic: %q", buf.String())
		}
	}
}

func TestThrottledSeries(t *testing.T) {
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	at := func(k int) time.Time { return from.Add(time.Duration(k) * time.Minute) }
	value := func(marks []opts.ScatterData) [][2]int64 {
		var out [][2]int64
		for _, m := range marks {
			v := m.Value.([]int64)
			out = append(out, [2]int64{v[0], v[1]})
		}
		return out
	}
	// A few throttled minutes are drawn exactly, even when the requests line is downsampled; minutes
	// without a 429 and minutes outside the chart's range get no mark.
	month := at(30 * 24 * 60)
	few := []MinuteCount{{Minute: at(-5), Count: 9, Throttled: 9}, {Minute: at(3), Count: 50}, {Minute: at(4), Count: 80, Throttled: 7},
		{Minute: at(5), Count: 90, Throttled: 1}, {Minute: month, Count: 5, Throttled: 5}}
	marks, coarse := throttledSeries(few, from, month)
	want := [][2]int64{{at(4).UnixMilli(), 7}, {at(5).UnixMilli(), 1}}
	if got := value(marks); coarse || !reflect.DeepEqual(got, want) {
		t.Errorf("few: %v (coarse %v), want %v", got, coarse, want)
	}
	if marks, _ := throttledSeries(few[1:2], from, month); len(marks) != 0 {
		t.Errorf("no 429s: %d marks", len(marks))
	}

	// 429s in every minute of a month: one mark per step, at the step's largest count.
	var many []MinuteCount
	for k := range 30 * 24 * 60 {
		many = append(many, MinuteCount{Minute: at(k), Count: 100, Throttled: int64(1 + k%15)})
	}
	many[20*15+3].Throttled = 99
	marks, coarse = throttledSeries(many, from, month)
	got := value(marks)
	if !coarse || len(got) != 2880 {
		t.Fatalf("many: %d marks (coarse %v), want 2880 steps of 15 minutes", len(got), coarse)
	}
	if got[20] != [2]int64{at(20 * 15).UnixMilli(), 99} || got[21][1] != 15 {
		t.Errorf("steps 20, 21: %v %v; want the 99 kept and each step's maximum", got[20], got[21])
	}
}

func TestBucketChartThrottled(t *testing.T) {
	res := syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"users-get": {700, 700}})
	b := &res.Buckets[0]
	m := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	b.Minutes = []MinuteCount{{Minute: m, Count: 700}}
	plain := bucketChart(b, res.Tier, 60, m, m.Add(time.Hour), nil, timeAxis{})
	b.Minutes[0].Throttled = 20
	withMarks := bucketChart(b, res.Tier, 60, m, m.Add(time.Hour), nil, timeAxis{})
	for _, c := range []struct {
		name   string
		script string
		want   bool
	}{{"without 429s", string(plain.Script), false}, {"with 429s", string(withMarks.Script), true}} {
		if got := strings.Contains(c.script, `"name":"HTTP 429 responses per minute","type":"scatter"`); got != c.want {
			t.Errorf("%s: 429 series drawn %v, want %v", c.name, got, c.want)
		}
		if got := strings.Contains(c.script, `"visualMap":[{"seriesIndex":0,`); got != c.want {
			t.Errorf("%s: visualMap limited to the requests line %v, want %v", c.name, got, c.want)
		}
	}
}

// TestGapsInOutputs checks that clock gaps reach the report's data quality section, summary.md and
// summary.json.
func TestGapsInOutputs(t *testing.T) {
	res := syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"users-get": {10, 10}})
	m := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	res.Gaps = []Gap{{From: m, To: m.Add(95 * time.Minute)}, {From: m.Add(5 * time.Hour), To: m.Add(5*time.Hour + 20*time.Minute)}}
	res.GapCount, res.GapMinutes, res.GapThreshold = 3, 95+20+16, 15
	html, md, js := renderOutputs(t, res)
	for _, c := range []struct{ name, out, want string }{
		{"html", html, "<tr><td class=\"l\">2026-10-14 08:00</td><td class=\"l\">2026-10-14 09:35</td><td>95</td></tr>"},
		{"html", html, "Clock gaps: 3 stretches of at least 15 minutes"},
		{"summary.md", md, "3 clock gaps of at least 15 minutes with no request (131 minutes in all; the longest 95 minutes from 2026-10-14 08:00 UTC)"},
		{"summary.json", js, `"clock_gaps": [
      {
        "from": "2026-10-14T08:00:00Z",
        "to": "2026-10-14T09:35:00Z",
        "minutes": 95
      },`},
		{"summary.json", js, `"clock_gap_count": 3`},
	} {
		if !strings.Contains(c.out, c.want) {
			t.Errorf("%s lacks %q", c.name, c.want)
		}
	}
}

// TestLineSnippet checks that lineSnippet renders what go-echarts' RenderSnippet renders, for charts
// built as bucketChart builds them, and leaves a chart with a JavaScript function to RenderSnippet.
func TestLineSnippet(t *testing.T) {
	res := syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"users-get": {700, 720}})
	b := &res.Buckets[0]
	m := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	b.PeakMinute, b.RollingFrom = m.Add(3*time.Minute), m.Add(3*time.Minute+20*time.Second)
	b.Minutes = []MinuteCount{{Minute: m, Count: 10}, {Minute: m.Add(3 * time.Minute), Count: 700, Throttled: 4}}
	build := func(fn bool) *charts.Line {
		line := charts.NewLine()
		line.SetGlobalOptions(charts.WithInitializationOpts(opts.Initialization{ChartID: "chart_x", Width: "100%", Height: "300px"}),
			charts.WithXAxisOpts(opts.XAxis{Type: "time"}),
			charts.WithVisualMapOpts(opts.VisualMap{Type: "piecewise", Pieces: []opts.Piece{{Lte: 5, Color: colourOK}}}))
		if fn {
			line.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Formatter: opts.FuncOpts(`function (p) { return p.name; }`)}))
		}
		line.AddSeries("requests", []opts.LineData{{Value: []int64{1, 2}}},
			charts.WithMarkPointNameCoordItemOpts(opts.MarkPointNameCoordItem{Name: "peak", Coordinate: []any{1, 2}, Value: "2"}))
		sc := charts.NewScatter()
		sc.AddSeries("429", []opts.ScatterData{{Value: []int64{1, 1}}})
		line.Overlap(sc)
		line.Validate()
		return line
	}
	for _, fn := range []bool{false, true} {
		want, got := build(fn).RenderSnippet(), lineSnippet(build(fn))
		if got.Element != want.Element || got.Script != want.Script {
			t.Errorf("function %v: lineSnippet\n%q\n%q\nRenderSnippet\n%q\n%q", fn, got.Element, got.Script, want.Element, want.Script)
		}
	}
	// And the whole bucket chart keeps its shape.
	c := bucketChart(b, res.Tier, 60, m, m.Add(time.Hour), nil, timeAxis{})
	if !strings.HasPrefix(string(c.Script), `<script type="text/javascript">`) || !strings.Contains(string(c.Script), "goecharts_chart_users_get.setOption(option_chart_users_get);") ||
		!strings.Contains(string(c.Element), `id="chart_users_get"`) {
		t.Errorf("bucket chart:\n%s\n%.300s", c.Element, c.Script)
	}
}

// TestAppendFixed4 checks appendFixed4 against strconv.AppendFloat, which minutes.csv used to call.
func TestAppendFixed4(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	ks := []int64{0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 10001, 12345, 100000, 1<<46 - 1}
	for range 200_000 {
		ks = append(ks, rng.Int64N(1<<uint(1+rng.IntN(46))))
	}
	for _, k := range ks {
		want := string(strconv.AppendFloat(nil, float64(k)/10000, 'f', -1, 64))
		if got := string(appendFixed4([]byte("x"), k)); got != "x"+want {
			t.Fatalf("appendFixed4(%d) = %q, want %q", k, got, "x"+want)
		}
	}
}

// The value axis ends on a round tick of its own, at least a tenth above what it shows, in three to
// six round steps (1, 2, 2.5 or 5 times a power of ten), and never on the limit: its top label never sits just above the limit's (660
// over 600, 1,320 over 1,200).
func TestNiceAxis(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	tops := []int64{0, 1, 2, 5, 9, 10, 50, 60, 100, 145, 600, 660, 1000, 1062, 1200, 1320, 2000, 99999}
	for range 100_000 {
		tops = append(tops, rng.Int64N(1_000_000))
	}
	for _, top := range tops {
		a := niceAxis(top)
		steps := a.Max / a.Interval
		m := a.Interval
		for m%10 == 0 {
			m /= 10
		}
		if a.Max%a.Interval != 0 || 10*a.Max < 11*top || steps < 3 && a.Max > 3 || steps > 6 || m != 1 && m != 2 && m != 25 && m != 5 {
			t.Fatalf("niceAxis(%d) = %+v", top, a)
		}
	}
	// The limit is never the top of the axis.
	for _, lim := range []int64{20, 25, 50, 100, 120, 300, 500, 600, 750, 1000, 1200, 2000} {
		for _, peak := range []int64{0, 1, lim / 2, lim - 1, lim, lim + 1, 2 * lim} {
			if a := niceAxis(max(lim, peak)); a.Max == lim || a.Max == peak {
				t.Errorf("limit %d, peak %d: the axis ends at %d", lim, peak, a.Max)
			}
		}
	}
}

// chartOption decodes the option object of a chart's script.
func chartOption(t *testing.T, c chartHTML) map[string]any {
	t.Helper()
	m := regexp.MustCompile(`(?s)let option_\w+ = (\{.*\})\n`).FindStringSubmatch(string(c.Script))
	if m == nil {
		t.Fatalf("no option in %.200s", c.Script)
	}
	var o map[string]any
	if err := json.Unmarshal([]byte(m[1]), &o); err != nil {
		t.Fatal(err)
	}
	return o
}

// markPoints returns a chart's first series' mark points by name.
func markPoints(t *testing.T, o map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	series := o["series"].([]any)[0].(map[string]any)
	for _, d := range series["markPoint"].(map[string]any)["data"].([]any) {
		mp := d.(map[string]any)
		out[mp["name"].(string)] = mp
	}
	return out
}

// A bucket chart's axis, pins and labels: the value axis as niceAxis says; the peak's pin wide
// enough for its label (ECharts draws a pin's head three fifths of its size wide; each character is
// taken at 0.6 em here, wider than the digits and commas of a count are); the limit's and warning's
// labels at the end of their lines, in a right margin wide enough for them (where no pin or dot
// can cover them); the rolling peak's label above its triangle near the time axis.
func TestBucketChartLabels(t *testing.T) {
	from := time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC)
	to := from.Add(72 * time.Hour)
	for _, c := range []struct {
		id            string
		peak, rolling int64
		at            time.Duration // the peak's minute from the start
		max, interval float64
		rollingLabel  string
	}{
		{"users-get", 1062, 1062, 25 * time.Hour, 1200, 200, "right"},
		{"apps", 73, 145, 65 * time.Hour, 200, 50, "right"},
		{"apps-by-id", 22, 29, 29 * time.Hour, 800, 200, "top"},
		{"oauth2-custom", 12345, 12400, 70 * time.Hour, 15000, 2500, "right"},
		{"users", 1096, 1096, 10 * time.Hour, 1250, 250, "right"},
	} {
		res := syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{c.id: {c.peak, c.rolling}})
		b := &res.Buckets[0]
		b.PeakMinute, b.RollingFrom = from.Add(c.at), from.Add(c.at+17*time.Second)
		b.Minutes = []MinuteCount{{Minute: from, Count: 1}, {Minute: b.PeakMinute, Count: c.peak}}
		o := chartOption(t, bucketChart(b, res.Tier, 60, from, to, nil, timeAxis{}))
		y := o["yAxis"].([]any)[0].(map[string]any)
		if y["min"] != 0.0 || y["max"] != c.max || y["minInterval"] != c.interval || y["maxInterval"] != c.interval {
			t.Errorf("%s: y axis %v, want 0 to %v in steps of %v", c.id, y, c.max, c.interval)
		}
		mps := markPoints(t, o)
		pin := mps["peak minute"]
		text := thousands(c.peak)
		if size := pin["symbolSize"].(float64); size*3/5 < float64(len(text))*0.6*pinFont+4 || pin["label"].(map[string]any)["fontSize"] != float64(pinFont) {
			t.Errorf("%s: a pin of size %v for %q at %v px", c.id, size, text, pin["label"])
		}
		if got := mps["rolling 60 s peak"]["label"].(map[string]any)["position"]; got != c.rollingLabel {
			t.Errorf("%s: rolling label %v, want %s", c.id, got, c.rollingLabel)
		}
		ml := o["series"].([]any)[0].(map[string]any)["markLine"].(map[string]any)
		label := ml["label"].(map[string]any)
		right, _ := strconv.ParseFloat(o["grid"].([]any)[0].(map[string]any)["right"].(string), 64)
		for _, d := range ml["data"].([]any) {
			name := d.(map[string]any)["name"].(string)
			if w := float64(len(name))*0.6*label["fontSize"].(float64) + 5; label["position"] != "end" || right < w {
				t.Errorf("%s: line label %q at %v in a right margin of %v px, want the end and %v px", c.id, name, label["position"], right, w)
			}
		}
	}
}

// In another zone the charts' x values are the instants shifted by the zone's offset at the start
// (so ECharts, in UTC, puts its ticks on the zone's round hours), the range buttons too, and each
// chart hands its options to ratecardAxis, which the page's description of the zone drives.
func TestBucketChartTimeZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	res := syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"users-get": {700, 720}})
	res.Zone, res.ChartFrom, res.ChartTo = berlin, from, to
	b := &res.Buckets[0]
	b.PeakMinute, b.RollingFrom = from.Add(26*24*time.Hour), from.Add(26*24*time.Hour+20*time.Second) // after the change to CET
	b.Minutes = []MinuteCount{{Minute: from, Count: 10}, {Minute: b.PeakMinute, Count: 700}}
	ax := timeAxisOf(res)
	if ax.Shift != 2*3600*1000 || len(ax.Segments) != 2 || !ax.Segments[1].Start.Equal(time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC)) {
		t.Fatalf("time axis %+v", ax)
	}
	if got, want := string(ax.JS()), `var ratecardZone = {"name":"Europe/Berlin","shift":7200000,"segs":[[1790812800000,7200000,"CEST"],[1792890000000,3600000,"CET"]]};`; got != want {
		t.Errorf("zone for the page:\n%s\nwant\n%s", got, want)
	}
	c := bucketChart(b, res.Tier, 60, from, to, nil, ax)
	o := chartOption(t, c)
	first := o["series"].([]any)[0].(map[string]any)["data"].([]any)[0].(map[string]any)["value"].([]any)[0].(float64)
	if int64(first) != from.UnixMilli()+ax.Shift {
		t.Errorf("first point at %v, want %d", first, from.UnixMilli()+ax.Shift)
	}
	if pin := markPoints(t, o)["peak minute"]["coord"].([]any)[0].(float64); int64(pin) != b.PeakMinute.UnixMilli()+ax.Shift {
		t.Errorf("pin at %v", pin)
	}
	if c.Ranges[0].Start != rangeButtons(b.PeakMinute, from, to)[0].Start+ax.Shift {
		t.Errorf("range buttons not shifted: %+v", c.Ranges[0])
	}
	if !strings.Contains(string(c.Script), "ratecardAxis(option_chart_users_get);\n    goecharts_chart_users_get.setOption(option_chart_users_get);") {
		t.Errorf("the chart does not call ratecardAxis before drawing:\n%.400s", c.Script)
	}
	if x := o["xAxis"].([]any)[0].(map[string]any); x["name"] != "Europe/Berlin" {
		t.Errorf("x axis %v does not name the zone", x)
	}
	// In UTC nothing moves.
	res.Zone = nil
	if ax := timeAxisOf(res); ax.Shift != 0 || len(ax.Segments) != 1 || ax.Segments[0].Abbr != "UTC" {
		t.Errorf("UTC axis %+v", ax)
	}
}

// Buckets far from their limit are drawn small; a bucket near it, throttled, with an Okta event,
// or with a lower limit announced by Okta is not.
func TestQuietBucket(t *testing.T) {
	res := syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"users-get": {299, 299}, "apps": {29, 29}, "groups": {179, 180}, "authn": {1, 1}})
	got := map[string]bool{}
	for i := range res.Buckets {
		got[res.Buckets[i].Bucket.ID] = quietBucket(res, &res.Buckets[i])
	}
	// users-get: 299 of 1,000 is under 30 %; apps: 29 of 100 too; groups: a rolling 180 of 600 is 30 %.
	if !got["users-get"] || !got["apps"] || got["groups"] || !got["authn"] {
		t.Errorf("quiet: %v", got)
	}
	for _, change := range []func(b *BucketResult){
		func(b *BucketResult) { b.Throttled = 1 },
		func(b *BucketResult) { b.LearnedLimit = 10 },
		func(b *BucketResult) { b.EventThreshold = 600 },
	} {
		r := syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"authn": {1, 1}})
		change(&r.Buckets[0])
		if quietBucket(r, &r.Buckets[0]) {
			t.Errorf("%+v is quiet", r.Buckets[0])
		}
	}
	r := syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"authn": {1, 1}})
	r.Events = []RateLimitEvent{{Bucket: "authn", Kind: "warning"}}
	if quietBucket(r, &r.Buckets[0]) {
		t.Error("a bucket with an Okta event is quiet")
	}
	r = syntheticResult(t, classify.DeveloperFree, 60, map[string][2]int64{"orgs": {1, 1}})
	if quietBucket(r, &r.Buckets[0]) {
		t.Error("a bucket the tier does not offer is quiet")
	}
}

// The headline says the worst verdict and counts the buckets by minute and by rolling peak as the
// statuses say, and says so in a sentence when every bucket is below the warning threshold.
func TestHeadline(t *testing.T) {
	for _, c := range []struct {
		tier  classify.Tier
		peaks map[string][2]int64
		word  string
		says  string
	}{
		{classify.Enterprise, map[string][2]int64{"users-get": {1062, 1062}, "apps": {73, 145}, "logs": {42, 43}, "authn": {15, 16}},
			"over", "1 bucket over and 2 near by minute peak, 2 over and 1 near by rolling 60 s peak"},
		{classify.Enterprise, map[string][2]int64{"apps": {59, 61}}, "near", "no bucket over or near by minute peak, 1 near by rolling 60 s peak"},
		{classify.Enterprise, map[string][2]int64{"authn": {15, 16}, "users": {4, 5}}, "ok",
			"every bucket below the 60 % warning threshold, by minute and by rolling 60 s peak"},
		{classify.DeveloperFree, map[string][2]int64{"orgs": {1, 1}, "authn": {5, 5}}, "not offered",
			"1 bucket with traffic the tier does not offer; every other bucket below the 60 % warning threshold"},
	} {
		res := syntheticResult(t, c.tier, 60, c.peaks)
		res.Buckets[0].Throttled = 0
		h := headlineOf(res)
		if h.Word() != c.word || h.Counts() != c.says {
			t.Errorf("%v: %q, %q\nwant %q, %q", c.peaks, h.Word(), h.Counts(), c.word, c.says)
		}
	}
	res := syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"users-get": {1062, 1062}, "apps": {10, 10}})
	res.Buckets[0].Throttled, res.Buckets[1].Throttled = 100, 63
	if h := headlineOf(res); h.Throttled != 163 || h.ThrottledBuckets != 2 || h.Counts() != "1 bucket over by minute peak, 1 over by rolling 60 s peak; 163 requests answered HTTP 429" {
		t.Errorf("%+v: %s", h, h.Counts())
	}
	if h := headlineOf(&Result{}); h.Word() != "no Okta traffic" {
		t.Errorf("no traffic: %q", h.Word())
	}
}

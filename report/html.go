package report

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

// EChartsJS is the vendored Apache ECharts build (npm package echarts, dist/echarts.min.js), inlined
// into every report so that it renders offline. `make echarts` refreshes it and checks EChartsSHA256.
//
//go:embed assets/echarts.min.js
var EChartsJS string

// EChartsVersion and EChartsSHA256 pin the vendored ECharts build.
const (
	EChartsVersion = "5.6.0"
	EChartsSHA256  = "bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1"
)

//go:embed report.html.tmpl
var reportTemplate string

var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":      func(f float64) string { return fmt.Sprintf("%.1f %%", f*100) },
	"num":      thousands,
	"fetched":  FetchedText,
	"redact":   ingest.Redact,
	"limitStr": FormatLimit,
	"path":     breakablePath,
	// burst is "burst" or "violation" for a count over the limit (see classify.BurstStatus), else "".
	"burst": func(count int64, limit int, eligible bool) string {
		if s := classify.BurstStatus(count, limit, eligible); s == classify.BurstZone || s == classify.BurstViolation {
			return s
		}
		return ""
	},
	"mult":         func(f float64) string { return fmt.Sprintf("%.2f", f) },
	"numi":         func(n int) string { return thousands(int64(n)) },
	"yesno":        yesNo,
	"half":         func(n int) string { return strconv.FormatFloat(float64(n)/2, 'f', -1, 64) },
	"needed":       neededLimitString,
	"multx":        multString,
	"ask":          askString,
	"scenario":     func(f RequestFigures) string { return scenarioLabel(&f) },
	"neededText":   func(f RequestFigures) string { return neededString(&f) },
	"salesNote":    func(rb RequestBucket) string { return salesNote(&rb) },
	"perMin":       limitPerMin,
	"methods":      methodsString,
	"quality":      dataQuality,
	"formats":      formatCounts,
	"lead":         func() string { return leadTimeStatement },
	"catalogShort": func(r *Result) string { return catalogInfo(r).Short() },
	"catalogText":  catalogText,
	"products":     productsText,
	"events":       eventsText,
}).Funcs(zoneFuncs(zone{})).Parse(reportTemplate))

// zoneFuncs are the template functions that show times, in zone z: RenderHTML binds them to the
// Result's zone (--tz) on a clone of tmpl.
func zoneFuncs(z zone) template.FuncMap {
	return template.FuncMap{
		"zone":       z.Name,
		"isUTC":      z.utc,
		"span":       func(from, to time.Time) string { return z.span(from, to, "2006-01-02 15:04") },
		"at":         func(t time.Time) string { return z.at(t, "2006-01-02 15:04:05.999999") },
		"minute":     func(t time.Time) string { return z.cell(t, "2006-01-02 15:04") },
		"instant":    func(t time.Time) string { return z.cell(t, "2006-01-02 15:04:05.999999") },
		"when":       func(t time.Time, layout string) template.HTML { return when(z, t, layout) },
		"worst":      func(ms []MinuteCount) string { return worstString(z, ms) },
		"throttle":   func(b *BucketResult) string { return throttleText(z, b) },
		"principals": func(b *BucketResult) string { return principalsText(z, b) },
	}
}

// breakablePath escapes an endpoint pattern and lets the browser wrap it only after a slash, so
// narrow table columns never split a segment such as {idOrLogin} in the middle.
func breakablePath(p string) template.HTML {
	parts := strings.Split(p, "/")
	for i := range parts {
		parts[i] = template.HTMLEscapeString(parts[i])
	}
	return template.HTML(strings.Join(parts, "/<wbr>"))
}

// when renders a time in z as date and time that may wrap between, but never inside, the two.
func when(z zone, t time.Time, layout string) template.HTML {
	d, c, _ := strings.Cut(z.cell(t, layout), " ")
	return template.HTML(`<span class="nw">` + template.HTMLEscapeString(d) + `</span> <span class="nw">` +
		template.HTMLEscapeString(c) + `</span>`)
}

// HTMLOptions are the parts of the page that do not come from the analysis.
type HTMLOptions struct {
	Version string // ratecard version shown in the footer
	// Request, when set, adds the "Rate-limit increase request" section (the evidence pack of
	// BuildRequest) to the page; unless Request.ShowClients the page is rendered from Anonymize(res).
	Request *RequestOptions
}

type page struct {
	R          *Result
	Reach      []string // how far each tier gets, when none fits
	Comparison string   // what the other built-in catalog would change
	Opt        HTMLOptions
	TierTitle  string
	Finding    string
	Verdicts   []*BucketResult // worst first
	Tiers      []classify.Tier
	Charts     []bucketChartView // the buckets drawn full size: near or over, or not far from it
	Quiet      []bucketChartView // the buckets far from their limit (quietBucket), drawn small
	Heatmaps   []heatmapView
	Head       headline    // the verdict at a glance
	Axis       template.JS // the charts' time zone, for ratecardAxis (timeAxis.JS)
	Rec        Recommendation
	ECharts    template.JS
	Examples   []exampleView
	Req        *Request // nil unless HTMLOptions.Request
	Draft      string   // the draft case text of Req
	Conc       *concurrencyView
}

type heatmapView struct {
	Title string
	Chart chartHTML
}

type bucketChartView struct {
	B     *BucketResult
	Chart chartHTML
}

type exampleView struct {
	Where, Reason, Excerpt string
}

// RenderHTML writes the self-contained offline report. Every string that comes from the input (file
// names, skipped lines) goes through html/template's escaping; skipped-line excerpts, masked by
// ingest when they were read, are masked again with ingest.Redact (a store written by an older
// ratecard may hold them unmasked). The output holds no wall-clock time: the same Result gives the same bytes.
func RenderHTML(w io.Writer, res *Result, opt HTMLOptions) error {
	if sum := sha256.Sum256([]byte(EChartsJS)); hex.EncodeToString(sum[:]) != EChartsSHA256 {
		return fmt.Errorf("embedded echarts.min.js does not match its pinned sha256 (run make echarts)")
	}
	if opt.Request != nil && !opt.Request.ShowClients {
		res = Anonymize(res)
	}
	p := &page{R: res, Opt: opt, TierTitle: res.TierTitle(res.Tier), Tiers: classify.Tiers[:],
		ECharts: template.JS(EChartsJS)}
	p.Verdicts = sortedVerdicts(res)
	p.Rec = Recommend(res)
	p.Reach = reachLines(res, p.Rec, "×")
	p.Comparison = comparisonText(res)
	p.Finding = finding(res)
	p.Head = headlineOf(res)
	ax := timeAxisOf(res)
	p.Axis = ax.JS()
	p.Conc = concurrencyViewOf(res, ax)
	for _, b := range p.Verdicts {
		if quietBucket(res, b) {
			p.Quiet = append(p.Quiet, bucketChartView{B: b, Chart: quietChart(b, res.ChartFrom, res.ChartTo, ax)})
			continue
		}
		p.Charts = append(p.Charts, bucketChartView{B: b, Chart: bucketChart(b, res.Tier, res.WarnPercent, res.ChartFrom, res.ChartTo, eventsOf(res, b.Bucket.ID), ax)})
	}
	if c, ok := heatmapChart(res, heatByDay); ok {
		p.Heatmaps = append(p.Heatmaps, heatmapView{Title: "Peak minute per day", Chart: c})
	}
	if c, ok := heatmapChart(res, heatByHour); ok {
		p.Heatmaps = append(p.Heatmaps, heatmapView{Title: "Peak minute per hour of the day, over all days", Chart: c})
	}
	for _, e := range res.Input.Examples {
		p.Examples = append(p.Examples, exampleView{Where: fmt.Sprintf("%s:%d", e.File, e.Line), Reason: e.Reason, Excerpt: e.Excerpt})
	}
	if opt.Request != nil {
		p.Req = BuildRequest(res, *opt.Request)
		p.Draft = draftCase(p.Req)
	}
	t, err := tmpl.Clone()
	if err != nil {
		return err
	}
	return t.Funcs(zoneFuncs(res.zone())).Execute(w, p)
}

// finding is the one-paragraph plain-language verdict for the chosen tier.
func finding(res *Result) string {
	t := res.Tier
	if len(res.Buckets) == 0 {
		return NoTrafficText(res)
	}
	var over, near, rollOver, unavail []string
	var worst *BucketResult
	for i := range res.Buckets {
		b := &res.Buckets[i]
		v := b.Chosen(t)
		switch v.Status {
		case StatusOver:
			over = append(over, b.Bucket.ID)
		case StatusNear:
			near = append(near, b.Bucket.ID)
		case StatusUnavailable:
			unavail = append(unavail, b.Bucket.ID)
		}
		if v.RollingStatus == StatusOver && v.Status != StatusOver {
			rollOver = append(rollOver, b.Bucket.ID)
		}
		if v.Limit != classify.NA && (worst == nil || v.Utilization > worst.Chosen(t).Utilization) {
			worst = b
		}
	}
	var tr *TierResult
	for i := range res.Tiers {
		if res.Tiers[i].Tier == t {
			tr = &res.Tiers[i]
		}
	}
	var s strings.Builder
	switch {
	case len(over) > 0:
		fmt.Fprintf(&s, "%s exceeded the %s limit on %s (%s).", plural(len(over), "bucket"), res.TierTitle(t),
			plural(int(tr.MinutesOver), "minute"), strings.Join(over, ", "))
	default:
		fmt.Fprintf(&s, "No bucket exceeded the %s limit in any wall-clock minute.", res.TierTitle(t))
	}
	if len(near) > 0 {
		fmt.Fprintf(&s, " %s reached the %d %% warning threshold (%s).", plural(len(near), "bucket"), res.WarnPercent, strings.Join(near, ", "))
	}
	if len(rollOver) > 0 {
		fmt.Fprintf(&s, " Counted in a rolling 60-second window, as Okta's unaligned windows can fall, %s also went over (%s).",
			plural(len(rollOver), "bucket"), strings.Join(rollOver, ", "))
	}
	if len(unavail) > 0 {
		fmt.Fprintf(&s, " %s saw traffic to endpoints the %s tier does not offer (%s).", plural(len(unavail), "bucket"), res.TierTitle(t), strings.Join(unavail, ", "))
	}
	if worst != nil {
		v := worst.Chosen(t)
		fmt.Fprintf(&s, " The highest was %s (%s) at %.1f %% of its limit of %s: %s requests in the minute starting %s.",
			worst.Bucket.ID, worst.Bucket.Pattern, v.Utilization*100, thousands(int64(v.Limit)), thousands(worst.Peak), res.zone().at(worst.PeakMinute, "2 Jan 15:04"))
	}
	return s.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// thousands formats n with thin-space-free comma grouping: 1234567 → "1,234,567".
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// FormatLimit formats a limit in requests per minute with thousands grouped ("1,000"), or "N/A" where
// the tier does not offer the bucket (classify.NA): the one spelling of a limit in every output.
func FormatLimit(l int) string {
	if l == classify.NA {
		return "N/A"
	}
	return thousands(int64(l))
}

// eventsOf lists the Okta events of one bucket that carry a time, for its chart.
func eventsOf(res *Result, id string) []RateLimitEvent {
	var out []RateLimitEvent
	for _, e := range res.Events {
		if e.Bucket == id && !e.Time.IsZero() {
			out = append(out, e)
		}
	}
	return out
}

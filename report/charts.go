package report

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/ratecard/ratecard/classify"
)

// maxChartPoints bounds the points drawn per bucket chart. Longer ranges are drawn as the maximum of
// each run of k minutes, so downsampling never hides a peak; the tables keep exact per-minute numbers.
const maxChartPoints = 3000

// chartHTML is one rendered chart: its container element and the script that draws it.
type chartHTML struct {
	Element template.HTML
	Script  template.HTML
	Step    int // minutes per drawn point (1 = full resolution)
}

// minuteSeries returns one point per step minutes over [from, to): the maximum count of the minutes
// in that step (empty minutes count 0), stamped with the step's first minute.
func minuteSeries(minutes []MinuteCount, from, to time.Time) (points [][2]int64, step int) {
	total := int(to.Sub(from) / time.Minute)
	if total <= 0 {
		return nil, 1
	}
	step = (total + maxChartPoints - 1) / maxChartPoints
	points = make([][2]int64, (total+step-1)/step)
	for i := range points {
		points[i][0] = from.Add(time.Duration(i*step) * time.Minute).UnixMilli()
	}
	for _, m := range minutes {
		i := int(m.Minute.Sub(from)/time.Minute) / step
		if i >= 0 && i < len(points) && m.Count > points[i][1] {
			points[i][1] = m.Count
		}
	}
	return points, step
}

// bucketChart draws a bucket's requests per minute with the chosen tier's limit and warning lines.
// Everything that reaches the chart's script is a number or a catalog string (bucket id, tier title),
// never text from the logs.
func bucketChart(b *BucketResult, tier classify.Tier, warn int, from, to time.Time) chartHTML {
	points, step := minuteSeries(b.Minutes, from, to)
	data := make([]opts.LineData, len(points))
	for i, p := range points {
		data[i] = opts.LineData{Value: []int64{p[0], p[1]}}
	}
	name := "requests per minute"
	if step > 1 {
		name = fmt.Sprintf("busiest minute of each %d", step)
	}
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: chartID(b.Bucket.ID), Width: "100%", Height: "300px"}),
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "time"}),
		// The axis always reaches the limit line, so a quiet bucket still shows how far below it stays.
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "req/min", Max: yMax(b, tier)}),
		charts.WithDataZoomOpts(opts.DataZoom{Type: "inside"}, opts.DataZoom{Type: "slider"}),
	)
	seriesOpts := []charts.SeriesOpts{
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Step: "start"}),
		charts.WithLineStyleOpts(opts.LineStyle{Width: 1}),
	}
	if lim := b.Bucket.Limit(tier); lim != classify.NA {
		seriesOpts = append(seriesOpts,
			charts.WithMarkLineNameYAxisItemOpts(
				opts.MarkLineNameYAxisItem{Name: fmt.Sprintf("%s limit %d", tier.Title(), lim), YAxis: lim},
				opts.MarkLineNameYAxisItem{Name: fmt.Sprintf("warning %d%%", warn), YAxis: float64(lim) * float64(warn) / 100},
			),
			charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
				Label: &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "insideEndTop"}}),
		)
	}
	line.AddSeries(name, data, seriesOpts...)
	line.Validate()
	snip := line.RenderSnippet()
	return chartHTML{
		// The snippet is built from numbers and catalog ids only; "</" is still neutralised in the
		// script so that no future string can close the script element early.
		Element: template.HTML(snip.Element),
		Script:  template.HTML(safeScript(snip.Script)),
		Step:    step,
	}
}

// yMax is the top of a bucket chart's value axis: 10 % above the larger of the peak and the limit.
func yMax(b *BucketResult, tier classify.Tier) int64 {
	top := b.Peak
	if lim := int64(b.Bucket.Limit(tier)); lim > top {
		top = lim
	}
	return top + (top+9)/10
}

// chartID is the chart's element id, also used by go-echarts as part of JavaScript variable names,
// so it may hold only letters, digits and underscores: "users-get" becomes "chart_users_get".
func chartID(bucketID string) string {
	return "chart_" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, bucketID)
}

// safeScript keeps a generated <script> element's body from closing the element early or opening an
// HTML comment: inside the body, "</" becomes "<\/" and "<!--" becomes "<\!--" (both mean the same in JS strings).
func safeScript(s string) string {
	const open, close = "<script", "</script>"
	i := strings.Index(s, ">")
	j := strings.LastIndex(s, close)
	if !strings.HasPrefix(strings.TrimSpace(s), open) || i < 0 || j < i {
		return ""
	}
	body := s[i+1 : j]
	body = strings.ReplaceAll(body, "</", `<\/`)
	body = strings.ReplaceAll(body, "<!--", `<\!--`)
	return s[:i+1] + body + s[j:]
}

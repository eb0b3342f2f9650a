package report

import (
	"html/template"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/ratecard/ratecard/classify"
)

// quietBucket reports whether a bucket is far from its limit on the chosen tier, so that the report
// draws it small: its rolling 60-second peak (never below its minute peak) stays under half the
// warning threshold (under 30 % of the limit at Okta's default 60 %), the logs show no HTTP 429 for
// it, Okta wrote no rate-limit event for it, and Okta announced no lower limit for it than the
// catalog's. A bucket the tier does not offer is never quiet.
func quietBucket(res *Result, b *BucketResult) bool {
	lim := b.Chosen(res.Tier).Limit
	if lim == classify.NA || lim <= 0 || b.Throttled > 0 || b.EventThreshold > 0 || len(bucketEvents(res, b.Bucket.ID)) > 0 {
		return false
	}
	if b.LearnedLimit > 0 && b.LearnedLimit < lim {
		return false
	}
	return 200*max(b.Rolling, b.Peak) < int64(res.WarnPercent)*int64(lim)
}

// quietChart is a small multiple of a quiet bucket: its requests per minute over the period, the
// value axis scaled to its own peak (the card's title says how far that is from the limit), without
// marks, zoom or slider. Only numbers reach the script.
func quietChart(b *BucketResult, from, to time.Time, ax timeAxis) chartHTML {
	points, step := minuteSeries(b.Minutes, from, to)
	data := make([]opts.LineData, len(points))
	for i, p := range points {
		data[i] = opts.LineData{Value: []int64{p[0] + ax.Shift, p[1]}}
	}
	yAxis := niceAxis(max(b.Peak, 1))
	id := chartID(b.Bucket.ID)
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: "120px"}),
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(opts.Grid{Left: "30", Right: "30", Top: "12", Bottom: "4", ContainLabel: opts.Bool(true)}),
		// Few ticks (at least a quarter of the period apart), and no label at either end, where a label
		// would stick out of the small card.
		charts.WithXAxisOpts(opts.XAxis{Type: "time", SplitNumber: 3, MinInterval: float64(max(to.Sub(from)/4, time.Hour).Milliseconds()), AxisLabel: &opts.AxisLabel{FontSize: 10, HideOverlap: opts.Bool(true),
			ShowMinLabel: opts.Bool(false), ShowMaxLabel: opts.Bool(false)}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Min: 0, Max: yAxis.Max, MinInterval: float64(yAxis.Max), MaxInterval: float64(yAxis.Max),
			AxisLabel: &opts.AxisLabel{FontSize: 10}}),
	)
	name := "requests per minute"
	if step > 1 {
		name = "requests per minute (busiest of a step)"
	}
	line.AddSeries(name, data,
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Step: "end"}),
		charts.WithLineStyleOpts(opts.LineStyle{Width: 1, Color: colourOK}),
		charts.WithAreaStyleOpts(opts.AreaStyle{Color: "#dbe6fa", Opacity: opts.Float(1)}),
	)
	line.Validate()
	snip := lineSnippet(line)
	return chartHTML{
		Element: template.HTML(snip.Element),
		Script:  template.HTML(safeScript(withTimeAxis(snip.Script, id, true))),
		ID:      id,
		Step:    step,
	}
}

package report

import (
	"fmt"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/render"

	"github.com/ratecard/ratecard/classify"
)

// maxChartPoints bounds the points drawn per bucket chart. Longer ranges are drawn as the maximum of
// each run of k minutes, so downsampling never hides a peak; the tables keep exact per-minute numbers.
const maxChartPoints = 3000

// chartHTML is one rendered chart: its container element and the script that draws it.
type chartHTML struct {
	Element template.HTML
	Script  template.HTML
	ID      string        // the chart container's element id
	Step    int           // minutes per drawn point (1 = full resolution)
	Fine    int           // minutes drawn at full resolution around near/over minutes when Step > 1
	Ranges  []rangeButton // range selector presets; none when the period is short
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
	f := from.Unix()
	for _, m := range minutes {
		i := int((m.Minute.Unix()-f)/60) / step // minutes are whole: the division is exact
		if i >= 0 && i < len(points) && m.Count > points[i][1] {
			points[i][1] = m.Count
		}
	}
	return points, step
}

// maxFineMinutes bounds how many minutes of one bucket chart are drawn at full resolution around
// near and over minutes when the rest of the range is downsampled.
const maxFineMinutes = 6000

// displaySeries is what a bucket chart draws: minuteSeries' per-step maxima, except that every step
// holding a minute at or above the warning threshold (hot), and the step on either side of it, is
// drawn minute by minute. If that would exceed maxFineMinutes, the steps with the highest counts get
// full resolution first (ties: the earliest). Points keep increasing time order; each holds its value
// until the next point. fine is the number of minutes drawn at full resolution.
func displaySeries(minutes []MinuteCount, from, to time.Time, hot func(int64) bool) (points [][2]int64, step, fine int) {
	coarse, step := minuteSeries(minutes, from, to)
	if step == 1 || hot == nil {
		return coarse, step, 0
	}
	total := int(to.Sub(from) / time.Minute)
	var hotSteps []int // step indexes holding a hot minute, in time order, without repeats
	f := from.Unix()
	for _, m := range minutes {
		i := int((m.Minute.Unix()-f)/60) / step
		if i >= 0 && i < len(coarse) && hot(m.Count) && (len(hotSteps) == 0 || hotSteps[len(hotSteps)-1] != i) {
			hotSteps = append(hotSteps, i)
		}
	}
	if len(hotSteps) == 0 {
		return coarse, step, 0
	}
	sort.SliceStable(hotSteps, func(a, b int) bool { return coarse[hotSteps[a]][1] > coarse[hotSteps[b]][1] })
	isFine := make([]bool, len(coarse))
	nFine := 0
	for _, h := range hotSteps {
		for i := h - 1; i <= h+1; i++ {
			if i >= 0 && i < len(coarse) && !isFine[i] && (nFine+1)*step <= maxFineMinutes {
				isFine[i] = true
				nFine++
			}
		}
	}
	counts := make(map[int]int64)
	for _, m := range minutes {
		if k := int((m.Minute.Unix() - f) / 60); k >= 0 && k < total && isFine[k/step] {
			counts[k] = m.Count
		}
	}
	points = make([][2]int64, 0, len(coarse)+nFine*(step-1))
	for i, p := range coarse {
		if !isFine[i] {
			points = append(points, p)
			continue
		}
		for k := i * step; k < (i+1)*step && k < total; k++ {
			points = append(points, [2]int64{from.Add(time.Duration(k) * time.Minute).UnixMilli(), counts[k]})
			fine++
		}
	}
	return points, step, fine
}

// rangeButton is one preset of a chart's range selector: a window [Start, End] in Unix milliseconds.
type rangeButton struct {
	Label, Title string
	Start, End   int64
}

// rangeButtons returns the range presets of a bucket chart over [from, to): windows of 2 hours, 1 day
// and 7 days centred on the peak minute (each only when the range is longer), and the whole range.
func rangeButtons(peak, from, to time.Time) []rangeButton {
	var out []rangeButton
	for _, w := range []struct {
		label string
		d     time.Duration
	}{{"2 hours", 2 * time.Hour}, {"1 day", 24 * time.Hour}, {"7 days", 7 * 24 * time.Hour}} {
		if to.Sub(from) <= w.d {
			break
		}
		start := peak.Add(-w.d / 2).Truncate(time.Minute)
		if start.Before(from) {
			start = from
		}
		if end := start.Add(w.d); end.After(to) {
			start = to.Add(-w.d)
		}
		out = append(out, rangeButton{Label: w.label, Title: w.label + " around the peak minute",
			Start: start.UnixMilli(), End: start.Add(w.d).UnixMilli()})
	}
	if len(out) > 0 {
		out = append(out, rangeButton{Label: "All", Title: "the whole period", Start: from.UnixMilli(), End: to.UnixMilli()})
	}
	return out
}

// Colours of the verdicts in the charts, matching the tables' status colours.
const (
	colourOK   = "#3b6fd8"
	colourNear = "#d68a00"
	colourOver = "#c81e1e"
	colourRoll = "#7a3fc4"
)

// colourEvent marks Okta's own rate-limit events on a chart.
const colourEvent = "#111827"

// bucketChart draws a bucket's requests per minute with the chosen tier's limit and warning lines: the
// line turns amber at or above the warning threshold and red above the limit; a pin sized to its
// label marks the peak minute and a triangle the start of the rolling 60-second peak. The value axis
// ends on a round tick above the peak and the limit (niceAxis); the two lines are labelled in the
// right margin, outside the plot, where no pin or dot can cover them; the time axis is in the
// report's zone (ax). Everything that reaches the chart's script is a number or a catalog string
// (bucket id), never text from the logs.
func bucketChart(b *BucketResult, tier classify.Tier, warn int, from, to time.Time, events []RateLimitEvent, ax timeAxis) chartHTML {
	lim := b.Chosen(tier).Limit
	var hot func(int64) bool
	if lim != classify.NA {
		hot = func(n int64) bool { return Verdict(n, lim, warn) != StatusOK }
	}
	points, step, fine := displaySeries(b.Minutes, from, to, hot)
	data := make([]opts.LineData, len(points))
	for i, p := range points {
		data[i] = opts.LineData{Value: []int64{p[0] + ax.Shift, p[1]}}
	}
	yAxis := niceAxis(max(b.Peak, b.Rolling, int64(max(lim, 0))))
	name := "requests per minute"
	if step > 1 {
		name = "requests per minute (busiest of a step)"
	}
	line := charts.NewLine()
	global := []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{ChartID: chartID(b.Bucket.ID), Width: "100%", Height: "300px"}),
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		// The right margin holds the limit's and the warning line's labels ("warning 60 %").
		charts.WithGridOpts(opts.Grid{Left: "64", Right: "96"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "time", Name: ax.Zone.Name(), NameGap: 8}),
		// The axis always reaches the limit line, so a bucket still shows how far below it stays.
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "req/min", Min: 0, Max: yAxis.Max,
			MinInterval: float64(yAxis.Interval), MaxInterval: float64(yAxis.Interval)}),
		charts.WithDataZoomOpts(opts.DataZoom{Type: "inside", FilterMode: "none"}, opts.DataZoom{Type: "slider", FilterMode: "none"}),
	}
	seriesOpts := []charts.SeriesOpts{
		// "end": each point's value holds until the next point, so a minute is drawn over [mm:00, mm+1:00).
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Step: "end"}),
		charts.WithLineStyleOpts(opts.LineStyle{Width: 1}),
	}
	marks := []opts.MarkPointNameCoordItem{{
		Name: "peak minute", Coordinate: []interface{}{ax.ms(b.PeakMinute), b.Peak}, Value: thousands(b.Peak),
		Symbol: "pin", SymbolSize: pinSize(thousands(b.Peak)), ItemStyle: &opts.ItemStyle{Color: colourOf(Verdict(b.Peak, lim, warn))},
		Label: &opts.Label{Show: opts.Bool(true), FontSize: pinFont},
	}, {
		Name: "rolling 60 s peak", Coordinate: []interface{}{ax.ms(b.RollingFrom), b.Rolling},
		Value: "rolling " + thousands(b.Rolling), Symbol: "triangle", SymbolSize: 10, SymbolRotate: 180,
		ItemStyle: &opts.ItemStyle{Color: colourRoll},
		// A white ground keeps the label legible over the line and the dots of other minutes.
		Label: &opts.Label{Show: opts.Bool(true), Position: rollingLabel(b.Rolling, yAxis), Formatter: "{c}", Color: colourRoll,
			BackgroundColor: "rgba(255,255,255,0.85)"},
	}}
	for _, m := range overMinutes(b, lim, maxOverMarks) {
		marks = append(marks, opts.MarkPointNameCoordItem{Name: "over the limit",
			Coordinate: []interface{}{ax.ms(m.Minute), m.Count}, Value: thousands(m.Count),
			Symbol: "circle", SymbolSize: 7, ItemStyle: &opts.ItemStyle{Color: colourOver},
			Label: &opts.Label{Show: opts.Bool(false)}})
	}
	for _, e := range events {
		marks = append(marks, opts.MarkPointNameCoordItem{Name: "Okta " + e.Kind + " event",
			Coordinate: []interface{}{ax.ms(e.Time.Truncate(time.Minute)), e.Count}, Value: "Okta " + e.Kind,
			Symbol: "diamond", SymbolSize: 12, ItemStyle: &opts.ItemStyle{Color: colourEvent},
			Label: &opts.Label{Show: opts.Bool(false)}})
	}
	seriesOpts = append(seriesOpts, charts.WithMarkPointNameCoordItemOpts(marks...))
	if lim != classify.NA {
		seriesOpts = append(seriesOpts,
			charts.WithMarkLineNameYAxisItemOpts(
				opts.MarkLineNameYAxisItem{Name: "limit " + thousands(int64(lim)), YAxis: lim},
				opts.MarkLineNameYAxisItem{Name: fmt.Sprintf("warning %d %%", warn), YAxis: float64(lim) * float64(warn) / 100},
			),
			charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
				Label: &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "end", FontSize: 11}}),
		)
		if lim > 0 {
			// Counts are whole numbers: near starts at the first count with 100 × count ≥ warn × limit,
			// over at limit + 1. The piece edges sit half-way between counts, and no piece is closed at
			// another's edge, so ECharts' line gradient takes each piece's own colour.
			near := (int64(lim)*int64(warn) + 99) / 100
			a, b := float32(near)-0.5, float32(lim)+0.5
			global = append(global, charts.WithVisualMapOpts(opts.VisualMap{Type: "piecewise", Show: opts.Bool(false),
				Pieces: []opts.Piece{{Lte: a, Color: colourOK}, {Gt: a, Lt: b, Color: colourNear}, {Gte: b, Color: colourOver}}}))
		}
	}
	throttled, coarse := throttledSeries(b.Minutes, from, to)
	for _, m := range throttled {
		m.Value.([]int64)[0] += ax.Shift
	}
	if len(throttled) > 0 {
		global = append(global, charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Right: "96"}))
	}
	line.SetGlobalOptions(global...)
	line.AddSeries(name, data, seriesOpts...)
	if len(throttled) > 0 {
		sc := charts.NewScatter()
		sc.AddSeries(throttledName(coarse), throttled,
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colourThrottled}),
			charts.WithScatterChartOpts(opts.ScatterChart{Symbol: "rect", SymbolSize: 5}))
		line.Overlap(sc)
	}
	line.Validate()
	snip := lineSnippet(line)
	script := snip.Script
	if len(throttled) > 0 {
		// The verdict colours follow the requests line only: go-echarts has no visualMap.seriesIndex,
		// so it is set in the option JSON (the 429 marks keep their own colour).
		script = strings.Replace(script, `"visualMap":[{`, `"visualMap":[{"seriesIndex":0,`, 1)
	}
	script = withTimeAxis(script, chartID(b.Bucket.ID), false)
	ranges := rangeButtons(b.PeakMinute, from, to)
	for i := range ranges {
		ranges[i].Start += ax.Shift
		ranges[i].End += ax.Shift
	}
	return chartHTML{
		// The snippet is built from numbers and catalog ids only; "</" is still neutralised in the
		// script so that no future string can close the script element early.
		Element: template.HTML(snip.Element),
		Script:  template.HTML(safeScript(script)),
		ID:      chartID(b.Bucket.ID),
		Step:    step,
		Fine:    fine,
		Ranges:  ranges,
	}
}

// lineSnippet renders a line chart's element and script as go-echarts' RenderSnippet does, to the
// byte. RenderSnippet encodes the options three times and runs a regular expression over each copy to
// unquote JavaScript functions (opts.FuncOpts); a month of minutes makes that the costliest part of
// writing the report, and a bucket chart has no function to unquote. A chart that has one is left to
// RenderSnippet.
func lineSnippet(c *charts.Line) render.ChartSnippet {
	options := string(c.JSONNotEscaped())
	if strings.Contains(options, "__f__") {
		return c.RenderSnippet()
	}
	id := c.ChartID
	var script strings.Builder
	script.WriteString("<script type=\"text/javascript\">\n    \"use strict\";\n    let goecharts_" + id +
		" = echarts.init(document.getElementById('" + id + "'), \"" + c.Initialization.Theme + "\", { renderer: \"" + c.Initialization.Renderer + "\" });\n    let option_" + id + " = ")
	script.WriteString(options)
	script.WriteString("\n    goecharts_" + id + ".setOption(option_" + id + ");\n</script>\n")
	return render.ChartSnippet{
		Element: "<div class=\"container\">\n    <div class=\"item\" id=\"" + id + "\" style=\"width:" + c.Initialization.Width + ";height:" + c.Initialization.Height + ";\"></div>\n</div>\n\n    \n",
		Script:  script.String(),
	}
}

// colourThrottled draws the HTTP 429 responses on a bucket chart.
const colourThrottled = "#be185d"

// throttledName is the legend name of a chart's 429 series.
func throttledName(coarse bool) string {
	if coarse {
		return "HTTP 429 responses per minute (most of a step)"
	}
	return "HTTP 429 responses per minute"
}

// throttledSeries is what a bucket chart draws of the HTTP 429 responses the log shows: one mark per
// minute with at least one, at its count. When there are more such minutes than maxChartPoints, each
// step of minuteSeries' downsampling gets one mark at its largest count (stamped with the step's first
// minute), so no burst of 429s disappears from the chart, and coarse is true.
func throttledSeries(minutes []MinuteCount, from, to time.Time) (marks []opts.ScatterData, coarse bool) {
	var hit []MinuteCount
	for _, m := range minutes {
		if m.Throttled > 0 && !m.Minute.Before(from) && m.Minute.Before(to) {
			hit = append(hit, MinuteCount{Minute: m.Minute, Count: m.Throttled})
		}
	}
	points := make([][2]int64, 0, len(hit))
	if len(hit) <= maxChartPoints {
		for _, m := range hit {
			points = append(points, [2]int64{m.Minute.UnixMilli(), m.Count})
		}
	} else {
		steps, _ := minuteSeries(hit, from, to)
		for _, p := range steps {
			if p[1] > 0 {
				points = append(points, p)
			}
		}
		coarse = true
	}
	marks = make([]opts.ScatterData, len(points))
	for i, p := range points {
		marks[i] = opts.ScatterData{Value: []int64{p[0], p[1]}}
	}
	return marks, coarse
}

// maxOverMarks bounds the dots that mark over-limit minutes on one chart.
const maxOverMarks = 100

// overMinutes returns the minutes with more requests than lim, other than the peak minute (which has
// its own pin): the n highest, ties to the earliest, in time order.
func overMinutes(b *BucketResult, lim, n int) []MinuteCount {
	if lim == classify.NA {
		return nil
	}
	var out []MinuteCount
	for _, m := range b.Minutes {
		if m.Count > int64(lim) && !m.Minute.Equal(b.PeakMinute) {
			out = append(out, m)
		}
	}
	if len(out) > n {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
		out = out[:n]
		sort.Slice(out, func(i, j int) bool { return out[i].Minute.Before(out[j].Minute) })
	}
	return out
}

// colourOf is the chart colour of a verdict.
func colourOf(status string) string {
	switch status {
	case StatusOver, StatusUnavailable:
		return colourOver
	case StatusNear:
		return colourNear
	}
	return colourOK
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

package report

import (
	"fmt"
	"html/template"
	"math"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/ratecard/ratecard/classify"
)

// heatCell is one cell of a utilisation heatmap: the busiest minute of a bucket within one column
// (a day, or an hour of the day across all days, in the report's time zone).
type heatCell struct {
	Peak   int64
	Minute time.Time
}

// heatmapKind selects the columns of a utilisation heatmap.
type heatmapKind int

const (
	heatByDay  heatmapKind = iota // one column per day of the period
	heatByHour                    // one column per hour of the day (00–23), over all days
)

// heatmapRows returns the buckets a heatmap shows, worst on top: those the chosen tier offers. ECharts
// draws the first category at the bottom, so the order is reversed.
func heatmapRows(res *Result) []*BucketResult {
	var rows []*BucketResult
	sorted := sortedVerdicts(res)
	for i := len(sorted) - 1; i >= 0; i-- {
		if lim := sorted[i].Chosen(res.Tier).Limit; lim != classify.NA && lim > 0 {
			rows = append(rows, sorted[i])
		}
	}
	return rows
}

// dayColumn is the day of second unix counted from the midnight firstDay, or -1 before it (both
// Unix seconds, or both seconds of a zone's wall clock: see zone.localClock).
func dayColumn(unix, firstDay int64) int {
	if unix < firstDay {
		return -1
	}
	return int((unix - firstDay) / 86400)
}

// dayStart is the midnight that starts the day of second sec (floored, before 1970 too).
func dayStart(sec int64) int64 { return sec - (sec%86400+86400)%86400 }

// hourColumn is the hour of the day of second unix (a Unix second, or a second of a zone's wall
// clock), before 1970 too.
func hourColumn(unix int64) int { return int((unix%86400+86400)%86400) / 3600 }

// heatColumns are a heatmap's column labels, the column of a Unix second (-1 or len(cols) and over
// outside them), and the chart's id and axis title.
func heatColumns(res *Result, kind heatmapKind) (cols []string, colOf func(unix int64) int, id, title string) {
	// colOf works on seconds of the zone's wall clock: time.Time's In, Truncate and Sub cost more than
	// the rest of the loop over a month of minutes.
	z := res.zone()
	local := z.localClock(res.ChartFrom, res.ChartTo)
	if kind == heatByHour {
		for h := 0; h < 24; h++ {
			cols = append(cols, fmt.Sprintf("%02d:00", h))
		}
		return cols, func(unix int64) int { return hourColumn(local(unix)) }, "heatmap_hour", "hour of day (" + z.Name() + ")"
	}
	first := dayStart(local(res.ChartFrom.Unix()))
	last := dayStart(local(res.ChartTo.Add(-time.Minute).Unix()))
	for d := first; d <= last; d += 86400 {
		cols = append(cols, time.Unix(d, 0).UTC().Format("Mon 2 Jan"))
	}
	return cols, func(unix int64) int { return dayColumn(local(unix), first) }, "heatmap_day", "day (" + z.Name() + ")"
}

// heatmapChart draws bucket × day (or bucket × hour of day) of the peak minute's share of the chosen
// tier's limit, so that recurring busy days or hours stand out. Days and hours are those of the
// report's time zone: a day of a daylight-saving change holds its 23 or 25 hours, and the hour it
// repeats counts in its one column. Cells without traffic stay blank. Only numbers, dates and catalog
// ids reach the chart's script.
func heatmapChart(res *Result, kind heatmapKind) (chartHTML, bool) {
	rows := heatmapRows(res)
	if len(rows) == 0 || res.From.IsZero() {
		return chartHTML{}, false
	}
	z := res.zone()
	cols, colOf, id, title := heatColumns(res, kind)
	yLabels := make([]string, len(rows))
	var data []opts.HeatMapData
	for y, b := range rows {
		yLabels[y] = b.Bucket.ID
		lim := b.Chosen(res.Tier).Limit
		cells := make([]heatCell, len(cols))
		for _, m := range b.Minutes {
			if c := colOf(m.Minute.Unix()); c >= 0 && c < len(cells) && m.Count > cells[c].Peak {
				cells[c] = heatCell{Peak: m.Count, Minute: m.Minute}
			}
		}
		for x, c := range cells {
			if c.Peak == 0 {
				continue
			}
			pct := math.Round(float64(c.Peak)/float64(lim)*1000) / 10
			data = append(data, opts.HeatMapData{
				Name: fmt.Sprintf("%s · %s: peak %s req/min at %s = %.1f %% of %s", b.Bucket.ID, cols[x],
					thousands(c.Peak), z.at(c.Minute, "2006-01-02 15:04"), pct, thousands(int64(lim))),
				Value: [3]any{x, y, pct},
			})
		}
	}
	w := float32(res.WarnPercent)
	hm := charts.NewHeatMap()
	hm.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: fmt.Sprintf("%dpx", 110+24*len(rows))}),
		charts.WithAnimation(false),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item",
			Formatter: opts.FuncOpts(`function (p) { return p.name; }`)}),
		// The last column's label, centred on it, would stick out of the chart: it is aligned to the
		// right of its column instead, with room to spare on the right.
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "24", Top: "10", Bottom: "60", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: title, NameLocation: "middle", NameGap: 26, Data: cols,
			SplitArea: &opts.SplitArea{Show: opts.Bool(true)}, AxisLabel: &opts.AxisLabel{AlignMaxLabel: "right"}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: yLabels, SplitArea: &opts.SplitArea{Show: opts.Bool(true)}}),
		charts.WithVisualMapOpts(opts.VisualMap{Type: "piecewise", Show: opts.Bool(true), Orient: "horizontal", Left: "center", Bottom: "0",
			Pieces: []opts.Piece{
				{Lt: w / 2, Color: "#d6e4fb"},
				{Gte: w / 2, Lt: w, Color: "#8fb2ee"},
				{Gte: w, Lte: 100, Color: "#f2b84b"},
				{Gt: 100, Color: colourOver},
			}}),
	)
	hm.AddSeries("peak minute, % of limit", data,
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(len(cols) <= 31), Formatter: "{@[2]}", FontSize: 10}),
		charts.WithItemStyleOpts(opts.ItemStyle{BorderColor: "#fff", BorderWidth: 1}),
	)
	hm.Validate()
	snip := hm.RenderSnippet()
	return chartHTML{Element: template.HTML(snip.Element), Script: template.HTML(safeScript(snip.Script)), ID: id}, true
}

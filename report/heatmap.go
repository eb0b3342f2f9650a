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
// (a UTC day, or an hour of the day across all days).
type heatCell struct {
	Peak   int64
	Minute time.Time
}

// heatmapKind selects the columns of a utilisation heatmap.
type heatmapKind int

const (
	heatByDay  heatmapKind = iota // one column per UTC day of the period
	heatByHour                    // one column per UTC hour of the day (00–23), over all days
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

// dayColumn is the day of Unix second unix counted from the UTC midnight firstDay, or -1 before it.
func dayColumn(unix, firstDay int64) int {
	if unix < firstDay {
		return -1
	}
	return int((unix - firstDay) / 86400)
}

// hourColumn is the UTC hour of the day of Unix second unix, before 1970 too.
func hourColumn(unix int64) int { return int((unix%86400+86400)%86400) / 3600 }

// heatmapChart draws bucket × day (or bucket × hour of day) of the peak minute's share of the chosen
// tier's limit, so that recurring busy days or hours stand out. Cells without traffic stay blank. Only
// numbers, dates and catalog ids reach the chart's script.
func heatmapChart(res *Result, kind heatmapKind) (chartHTML, bool) {
	rows := heatmapRows(res)
	if len(rows) == 0 || res.From.IsZero() {
		return chartHTML{}, false
	}
	// colOf works on Unix seconds: time.Time's Truncate and Sub cost more than the rest of the loop
	// over a month of minutes.
	var cols []string
	var colOf func(unix int64) int
	id, title := "heatmap_day", "day (UTC)"
	switch kind {
	case heatByDay:
		first := res.ChartFrom.UTC().Truncate(24 * time.Hour)
		last := res.ChartTo.UTC().Add(-time.Minute).Truncate(24 * time.Hour)
		for d := first; !d.After(last); d = d.Add(24 * time.Hour) {
			cols = append(cols, d.Format("Mon 2 Jan"))
		}
		firstDay := first.Unix()
		colOf = func(unix int64) int { return dayColumn(unix, firstDay) }
	case heatByHour:
		id, title = "heatmap_hour", "hour of day (UTC)"
		for h := 0; h < 24; h++ {
			cols = append(cols, fmt.Sprintf("%02d:00", h))
		}
		colOf = hourColumn
	}
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
				Name: fmt.Sprintf("%s · %s: peak %s req/min at %s UTC = %.1f %% of %s", b.Bucket.ID, cols[x],
					thousands(c.Peak), c.Minute.UTC().Format("2006-01-02 15:04"), pct, thousands(int64(lim))),
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
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "8", Top: "10", Bottom: "60", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: title, NameLocation: "middle", NameGap: 26, Data: cols,
			SplitArea: &opts.SplitArea{Show: opts.Bool(true)}}),
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

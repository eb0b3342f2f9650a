package report

import (
	_ "embed"
	"fmt"
	"html/template"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// The report's "Requests in flight at once" section (concurrency.html.tmpl): the org concurrency
// of Result.Concurrency and the client-based limits of Result.ClientLimits.

//go:embed concurrency.html.tmpl
var concurrencyTemplate string

func init() {
	template.Must(tmpl.New("concurrency").Parse(concurrencyTemplate))
}

// concurrencyView is what the section shows besides the Result: the chart, and the analysed tier.
type concurrencyView struct {
	C         *Concurrency
	CL        *ClientLimits
	TierTitle string
	Tier      ConcurrencyTier // the analysed tier's
	Chart     chartHTML
}

// concurrencyViewOf makes the section's view of res: nil when the Result has no concurrency, or
// its input held no access-log request and no concurrency event (nothing to count or to set beside
// a count: an empty input, or System Log input alone).
func concurrencyViewOf(res *Result, ax timeAxis) *concurrencyView {
	if res.Concurrency == nil || res.Concurrency.Total == 0 && res.Concurrency.Violations.Count == 0 {
		return nil
	}
	v := &concurrencyView{C: res.Concurrency, CL: res.ClientLimits, TierTitle: res.TierTitle(res.Tier)}
	for _, t := range res.Concurrency.Tiers {
		if t.Tier == res.Tier {
			v.Tier = t
		}
	}
	if len(res.Concurrency.Series) > 0 {
		v.Chart = concurrencyChart(res.Concurrency, v.TierTitle, ax)
	}
	return v
}

// concurrencyChart draws the most requests in flight in each second around the peak, with the
// analysed tier's limit, on the report's time axis (its zone).
func concurrencyChart(c *Concurrency, tierTitle string, ax timeAxis) chartHTML {
	const id = "chart_concurrency" // a JavaScript identifier: go-echarts names its variables after it
	data := make([]opts.LineData, len(c.Series))
	from := ax.ms(c.SeriesFrom)
	for i, n := range c.Series {
		data[i] = opts.LineData{Value: []int64{from + int64(i)*1000, int64(n)}}
	}
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{ChartID: id, Width: "100%", Height: "300px"}),
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "time", Name: ax.Zone.Name(), NameGap: 8}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "in flight", Max: max(c.Limit, c.Peak)}),
		charts.WithDataZoomOpts(opts.DataZoom{Type: "inside", FilterMode: "none"}, opts.DataZoom{Type: "slider", FilterMode: "none"}),
	)
	seriesOpts := []charts.SeriesOpts{
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Step: "end"}),
		charts.WithLineStyleOpts(opts.LineStyle{Width: 1}),
		charts.WithMarkPointNameCoordItemOpts(opts.MarkPointNameCoordItem{Name: "peak",
			Coordinate: []interface{}{ax.ms(c.At.Truncate(1e9)), c.Peak}, Value: thousands(int64(c.Peak)),
			Symbol: "pin", SymbolSize: 44, ItemStyle: &opts.ItemStyle{Color: colourOf(verdictInFlight(c.Peak, c.Limit))}}),
	}
	if c.Limit > 0 {
		seriesOpts = append(seriesOpts,
			charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: fmt.Sprintf("%s limit %d", tierTitle, c.Limit), YAxis: c.Limit}),
			charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
				Label: &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "insideEndTop"}}))
	}
	line.AddSeries("most in flight in the second", data, seriesOpts...)
	line.Validate()
	snip := lineSnippet(line)
	return chartHTML{Element: template.HTML(snip.Element), Script: template.HTML(safeScript(withTimeAxis(snip.Script, id, false))), ID: id, Step: 1}
}

// verdictInFlight is over when n is over the limit, else ok.
func verdictInFlight(n, limit int) string {
	if limit > 0 && n > limit {
		return StatusOver
	}
	return StatusOK
}

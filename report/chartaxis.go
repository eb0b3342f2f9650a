package report

import (
	"encoding/json"
	"html/template"
	"math"
	"strings"
	"time"
)

// timeAxis maps instants to the x values of the bucket charts, in the report's time zone. ECharts
// 5 draws a time axis in UTC or in the browser's own zone, never in another, so the charts run in
// UTC (useUTC) on Unix milliseconds shifted by the zone's offset at the start of the period: the
// ticks then fall on the zone's round hours and midnights. The labels, the tooltip and the
// slider's labels are formatted by the page's ratecardAxis function from the true instant, with
// the offset and abbreviation in force at each (Segments), so they stay right after a
// daylight-saving change, where the ticks move by the change (to 23:00 instead of midnight).
type timeAxis struct {
	Zone     zone
	Shift    int64           // milliseconds added to every instant
	Segments []offsetSegment // the zone's offsets over the period
}

// timeAxisOf is the charts' time axis for res: its zone over the charts' period.
func timeAxisOf(res *Result) timeAxis {
	z := res.zone()
	segs := z.segments(res.ChartFrom, res.ChartTo)
	return timeAxis{Zone: z, Shift: int64(segs[0].Offset) * 1000, Segments: segs}
}

// ms is t's x value.
func (a timeAxis) ms(t time.Time) int64 { return t.UnixMilli() + a.Shift }

// JS is the page's description of the axis for ratecardAxis: the zone's name, the shift and the
// segments as [start (true Unix ms), offset (ms), abbreviation].
func (a timeAxis) JS() template.JS {
	type seg [3]any
	v := struct {
		Name  string `json:"name"`
		Shift int64  `json:"shift"`
		Segs  []seg  `json:"segs"`
	}{Name: a.Zone.Name(), Shift: a.Shift}
	for _, s := range a.Segments {
		v.Segs = append(v.Segs, seg{s.Start.UnixMilli(), int64(s.Offset) * 1000, s.Abbr})
	}
	b, _ := json.Marshal(v) // strings are zone names and abbreviations; json.Marshal escapes < > &
	return template.JS("var ratecardZone = " + string(b) + ";")
}

// withTimeAxis makes a chart script call ratecardAxis on its options before drawing them, so that
// its time axis, tooltip and slider show the report's zone; small asks for a small multiple's
// shorter labels.
func withTimeAxis(script, id string, small bool) string {
	set := "goecharts_" + id + ".setOption(option_" + id + ");"
	call := "ratecardAxis(option_" + id + ");"
	if small {
		call = "ratecardAxis(option_" + id + ", true);"
	}
	return strings.Replace(script, set, call+"\n    "+set, 1)
}

// valueAxis is a bucket chart's value axis: from 0 to Max in steps of Interval, both round
// numbers, Max a whole number of steps at least a tenth above the largest value shown. So the axis ends on a tick of
// its own and never on a label just above the limit's (660 over 600).
type valueAxis struct {
	Max, Interval int64
}

// niceAxis is the valueAxis for values up to top: three to six steps of 1, 2, 2.5 or 5 times a
// power of ten.
func niceAxis(top int64) valueAxis {
	want := max(float64(top)*1.1, 1)
	raw := want / 6
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	var step float64
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m == 2.5 && p < 10 {
			continue // steps stay whole numbers
		}
		if step = m * p; step >= raw {
			break
		}
	}
	iv := max(int64(step), 1)
	n := int64(math.Ceil(want / float64(iv)))
	return valueAxis{Max: n * iv, Interval: iv}
}

// pinFont is the font size of a peak pin's label.
const pinFont = 11

// textWidth estimates the width in pixels of a label in the charts' sans-serif font at size
// px: digits and most letters about 0.6 em, thin characters (commas, dots, i, l, spaces) 0.3 em.
func textWidth(s string, px float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune(",.:;'il| ", r):
			w += 0.3 * px
		default:
			w += 0.6 * px
		}
	}
	return w
}

// pinSize is the symbol size of a pin whose head holds text: ECharts draws a pin's head as a
// circle of three fifths of the symbol's width, so the size is the text's width with a margin on
// each side, over three fifths; 40 at least.
func pinSize(text string) float32 {
	return float32(math.Ceil(max(40, (textWidth(text, pinFont)+10)*5/3)))
}

// rollingLabel is where the rolling peak's triangle puts its label: to its right, or above it when
// the triangle sits in the bottom tenth of the axis, where a label to the right would lie on the
// time axis.
func rollingLabel(rolling int64, ax valueAxis) string {
	if ax.Max > 0 && rolling*10 < ax.Max {
		return "top"
	}
	return "right"
}

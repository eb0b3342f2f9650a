package report

import (
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
)

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

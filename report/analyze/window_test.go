package analyze

import (
	"slices"
	"testing"
	"time"

	"github.com/ratecard/ratecard/report"
)

func TestSetChartWindow(t *testing.T) {
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var minutes []report.MinuteCount
	for k := range 3 * 24 * 60 {
		minutes = append(minutes, report.MinuteCount{Minute: day.Add(time.Duration(k) * time.Minute), Count: 3})
	}
	old := report.MinuteCount{Minute: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), Count: 1}
	future := report.MinuteCount{Minute: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), Count: 2}

	res := &report.Result{Buckets: []report.BucketResult{{Minutes: append([]report.MinuteCount{old}, minutes...)}, {Minutes: []report.MinuteCount{future}}}}
	res.From, res.To = old.Minute, future.Minute.Add(time.Minute)
	setChartWindow(res)
	if res.Outliers != 3 || !res.OutlierFirst.Equal(old.Minute) || !res.OutlierLast.Equal(future.Minute) {
		t.Errorf("outliers %d from %v to %v", res.Outliers, res.OutlierFirst, res.OutlierLast)
	}
	if !res.ChartFrom.Equal(day) || !res.ChartTo.Equal(day.Add(72*time.Hour)) {
		t.Errorf("chart window %v .. %v", res.ChartFrom, res.ChartTo)
	}

	// A quiet day before a busy month is not an outlier: it is within a day of the bulk.
	res = &report.Result{Buckets: []report.BucketResult{{Minutes: minutes}}}
	res.From, res.To = day, day.Add(72*time.Hour)
	setChartWindow(res)
	if res.Outliers != 0 || !res.ChartFrom.Equal(res.From) || !res.ChartTo.Equal(res.To) {
		t.Errorf("no outliers expected: %d, %v .. %v", res.Outliers, res.ChartFrom, res.ChartTo)
	}
}

func TestSetGaps(t *testing.T) {
	day := time.Date(2026, 10, 14, 0, 0, 0, 0, time.UTC)
	at := func(k int) time.Time { return day.Add(time.Duration(k) * time.Minute) }
	// every returns one minute every step minutes over [from, to), with repeats (as the buckets give).
	every := func(from, to, step int) []report.MinuteCount {
		var out []report.MinuteCount
		for k := from; k < to; k += step {
			out = append(out, report.MinuteCount{Minute: at(k), Count: 1}, report.MinuteCount{Minute: at(k), Count: 2})
		}
		return out
	}
	join := func(parts ...[]report.MinuteCount) []report.MinuteCount { return slices.Concat(parts...) }
	for _, c := range []struct {
		name      string
		all       []report.MinuteCount
		threshold int
		count     int64
		minutes   int64
		gaps      []report.Gap
	}{
		{"empty", nil, 0, 0, 0, nil},
		{"one minute", every(0, 1, 1), 0, 0, 0, nil},
		{"busy, no gap", every(0, 600, 1), 15, 0, 0, nil},
		// Busy traffic with silences of 14 (not a gap), 15 and 40 empty minutes: longest first.
		{"busy with gaps", join(every(0, 100, 1), every(114, 200, 1), every(216, 300, 1), every(341, 400, 1)), 15, 2, 57,
			[]report.Gap{{From: at(300), To: at(341)}, {From: at(200), To: at(216)}}},
		// A quiet org with a request every 5 minutes: the threshold is 10 × 5 minutes, so a 45-minute
		// silence is its rhythm and only the 3-hour one counts.
		{"quiet", join(every(0, 300, 5), every(345, 600, 5), every(780, 900, 5)), 50, 1, 184, []report.Gap{{From: at(596), To: at(780)}}},
	} {
		res := &report.Result{}
		setGaps(res, c.all, at(-1000), at(100000))
		if res.GapThreshold != c.threshold || res.GapCount != c.count || res.GapMinutes != c.minutes || !slices.Equal(res.Gaps, c.gaps) {
			t.Errorf("%s: threshold %d, %d gaps of %d minutes %v; want %d, %d, %d %v", c.name, res.GapThreshold,
				res.GapCount, res.GapMinutes, res.Gaps, c.threshold, c.count, c.minutes, c.gaps)
		}
	}
	// Outliers far outside [lo, hi] make no gap.
	res := &report.Result{}
	setGaps(res, join(every(-90000, -89999, 1), every(0, 100, 1)), at(-10), at(200))
	if res.GapCount != 0 {
		t.Errorf("outlier made a gap: %v", res.Gaps)
	}
	// At most maxGaps are listed, all are counted.
	var many []report.MinuteCount
	for k := range 30 {
		many = join(many, every(k*100, k*100+60, 1))
	}
	setGaps(res, many, at(-10), at(100000))
	if res.GapCount != 29 || len(res.Gaps) != maxGaps || res.GapMinutes != 29*40 {
		t.Errorf("many: %d gaps, %d listed, %d minutes", res.GapCount, len(res.Gaps), res.GapMinutes)
	}
}

package report

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestSetChartWindow(t *testing.T) {
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var minutes []MinuteCount
	for k := range 3 * 24 * 60 {
		minutes = append(minutes, MinuteCount{Minute: day.Add(time.Duration(k) * time.Minute), Count: 3})
	}
	old := MinuteCount{Minute: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), Count: 1}
	future := MinuteCount{Minute: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), Count: 2}

	res := &Result{Buckets: []BucketResult{{Minutes: append([]MinuteCount{old}, minutes...)}, {Minutes: []MinuteCount{future}}}}
	res.From, res.To = old.Minute, future.Minute.Add(time.Minute)
	setChartWindow(res)
	if res.Outliers != 3 || !res.OutlierFirst.Equal(old.Minute) || !res.OutlierLast.Equal(future.Minute) {
		t.Errorf("outliers %d from %v to %v", res.Outliers, res.OutlierFirst, res.OutlierLast)
	}
	if !res.ChartFrom.Equal(day) || !res.ChartTo.Equal(day.Add(72*time.Hour)) {
		t.Errorf("chart window %v .. %v", res.ChartFrom, res.ChartTo)
	}

	// A quiet day before a busy month is not an outlier: it is within a day of the bulk.
	res = &Result{Buckets: []BucketResult{{Minutes: minutes}}}
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
	every := func(from, to, step int) []MinuteCount {
		var out []MinuteCount
		for k := from; k < to; k += step {
			out = append(out, MinuteCount{Minute: at(k), Count: 1}, MinuteCount{Minute: at(k), Count: 2})
		}
		return out
	}
	join := func(parts ...[]MinuteCount) []MinuteCount { return slices.Concat(parts...) }
	for _, c := range []struct {
		name      string
		all       []MinuteCount
		threshold int
		count     int64
		minutes   int64
		gaps      []Gap
	}{
		{"empty", nil, 0, 0, 0, nil},
		{"one minute", every(0, 1, 1), 0, 0, 0, nil},
		{"busy, no gap", every(0, 600, 1), 15, 0, 0, nil},
		// Busy traffic with silences of 14 (not a gap), 15 and 40 empty minutes: longest first.
		{"busy with gaps", join(every(0, 100, 1), every(114, 200, 1), every(216, 300, 1), every(341, 400, 1)), 15, 2, 57,
			[]Gap{{at(300), at(341)}, {at(200), at(216)}}},
		// A quiet org with a request every 5 minutes: the threshold is 10 × 5 minutes, so a 45-minute
		// silence is its rhythm and only the 3-hour one counts.
		{"quiet", join(every(0, 300, 5), every(345, 600, 5), every(780, 900, 5)), 50, 1, 184, []Gap{{at(596), at(780)}}},
	} {
		res := &Result{}
		setGaps(res, c.all, at(-1000), at(100000))
		if res.GapThreshold != c.threshold || res.GapCount != c.count || res.GapMinutes != c.minutes || !slices.Equal(res.Gaps, c.gaps) {
			t.Errorf("%s: threshold %d, %d gaps of %d minutes %v; want %d, %d, %d %v", c.name, res.GapThreshold,
				res.GapCount, res.GapMinutes, res.Gaps, c.threshold, c.count, c.minutes, c.gaps)
		}
	}
	// Outliers far outside [lo, hi] make no gap.
	res := &Result{}
	setGaps(res, join(every(-90000, -89999, 1), every(0, 100, 1)), at(-10), at(200))
	if res.GapCount != 0 {
		t.Errorf("outlier made a gap: %v", res.Gaps)
	}
	// At most maxGaps are listed, all are counted.
	var many []MinuteCount
	for k := range 30 {
		many = join(many, every(k*100, k*100+60, 1))
	}
	setGaps(res, many, at(-10), at(100000))
	if res.GapCount != 29 || len(res.Gaps) != maxGaps || res.GapMinutes != 29*40 {
		t.Errorf("many: %d gaps, %d listed, %d minutes", res.GapCount, len(res.Gaps), res.GapMinutes)
	}
}

// TestHeatmapColumnsByUnixSeconds checks the heatmaps' day and hour of a minute, computed on Unix
// seconds, against time.Time's Truncate and Hour, before and after 1970 and before the first day.
func TestHeatmapColumnsByUnixSeconds(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for range 100_000 {
		first := time.Unix(rng.Int64N(4e9)-2e9, 0).UTC().Truncate(24 * time.Hour)
		m := first.Add(time.Duration(rng.Int64N(200*24*60)-100*24*60) * time.Minute)
		wantDay := int(m.UTC().Truncate(24*time.Hour).Sub(first) / (24 * time.Hour))
		if got := dayColumn(m.Unix(), first.Unix()); got != wantDay {
			t.Fatalf("day of %s from %s: %d, want %d", m, first, got, wantDay)
		}
		if got := hourColumn(m.Unix()); got != m.UTC().Hour() {
			t.Fatalf("hour of %s: %d, want %d", m, got, m.UTC().Hour())
		}
	}
}

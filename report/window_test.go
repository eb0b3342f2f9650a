package report

import (
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

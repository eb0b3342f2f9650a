package report

import (
	"slices"
	"time"
)

// Outlier bounds. A log line with a wrong clock (a device that booted in 2001, a year typed as 2099)
// must not stretch a month's charts over a century: the charts and heatmaps show the bulk of the
// traffic, the minutes between the 0.1st and 99.9th percentile of requests widened by a day on each
// side, and the requests outside it are reported as outliers. The tables and summary.json keep every
// request.
const (
	outlierQuantile = 0.001
	outlierMargin   = 24 * time.Hour
)

// setChartWindow fills res.ChartFrom/ChartTo (the time axis of charts and heatmaps) and the outlier
// figures from the buckets' minute series.
func setChartWindow(res *Result) {
	res.ChartFrom, res.ChartTo = res.From, res.To
	res.Outliers, res.OutlierFirst, res.OutlierLast = 0, time.Time{}, time.Time{}
	var all []MinuteCount
	var total int64
	for i := range res.Buckets {
		for _, m := range res.Buckets[i].Minutes {
			all = append(all, m)
			total += m.Count
		}
	}
	if total == 0 {
		return
	}
	slices.SortFunc(all, func(a, b MinuteCount) int { return a.Minute.Compare(b.Minute) })
	// The minutes holding the request at each quantile.
	at := func(q float64) time.Time {
		k := int64(q * float64(total))
		var seen int64
		for _, m := range all {
			seen += m.Count
			if seen > k {
				return m.Minute
			}
		}
		return all[len(all)-1].Minute
	}
	lo, hi := at(outlierQuantile).Add(-outlierMargin), at(1-outlierQuantile).Add(outlierMargin)
	var first, last time.Time
	for _, m := range all {
		if m.Minute.Before(lo) || m.Minute.After(hi) {
			res.Outliers += m.Count
			if res.OutlierFirst.IsZero() {
				res.OutlierFirst = m.Minute
			}
			res.OutlierLast = m.Minute
			continue
		}
		if first.IsZero() {
			first = m.Minute
		}
		last = m.Minute
	}
	if res.Outliers > 0 && !first.IsZero() {
		res.ChartFrom, res.ChartTo = first, last.Add(time.Minute)
	}
}

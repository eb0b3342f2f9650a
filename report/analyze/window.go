package analyze

import (
	"math"
	"slices"
	"time"

	"github.com/ratecard/ratecard/report"
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
func setChartWindow(res *report.Result) {
	res.ChartFrom, res.ChartTo = res.From, res.To
	res.Outliers, res.OutlierFirst, res.OutlierLast = 0, time.Time{}, time.Time{}
	all := mergeMinutes(res.Buckets)
	var total int64
	for _, m := range all {
		total += m.Count
	}
	if total == 0 {
		return
	}
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
	setGaps(res, all, lo, hi)
}

// mergeMinutes returns the minutes in which any of buckets had a request, in time order, each with the
// buckets' requests added up (Throttled too). Each bucket's Minutes are in time order already, so this
// is a merge of a few sorted lists rather than a sort of all their minutes.
func mergeMinutes(buckets []report.BucketResult) []report.MinuteCount {
	next := make([]int, len(buckets))
	var out []report.MinuteCount
	for {
		best := int64(math.MaxInt64)
		for i := range buckets {
			if ms := buckets[i].Minutes; next[i] < len(ms) {
				best = min(best, ms[next[i]].Minute.Unix())
			}
		}
		if best == math.MaxInt64 {
			return out
		}
		sum := report.MinuteCount{Minute: time.Unix(best, 0).UTC()}
		for i := range buckets {
			if ms := buckets[i].Minutes; next[i] < len(ms) && ms[next[i]].Minute.Unix() == best {
				sum.Count += ms[next[i]].Count
				sum.Throttled += ms[next[i]].Throttled
				next[i]++
			}
		}
		out = append(out, sum)
	}
}

// Clock gaps: stretches inside the analysed period with no request to any rate-limited endpoint, which
// in a busy org usually mean lost logs (a collector down, a rotated file missing) and so peaks that may
// be understated. A quiet org is silent at night as a matter of course, so a stretch counts only when
// it lasts at least minGapMinutes and at least gapSpacingFactor times the median spacing of the minutes
// that do have traffic.
const (
	minGapMinutes    = 15
	gapSpacingFactor = 10
	maxGaps          = 10 // the longest gaps listed; GapCount and GapMinutes count them all
)

// setGaps fills res's clock-gap figures from the non-empty minutes all (in time order, repeats
// allowed), looking only between lo and hi (the bulk of the traffic, outliers aside).
func setGaps(res *report.Result, all []report.MinuteCount, lo, hi time.Time) {
	res.Gaps, res.GapCount, res.GapMinutes, res.GapThreshold = nil, 0, 0, 0
	var spacing []int64 // minutes from each non-empty minute to the next
	var prev time.Time
	for _, m := range all {
		if m.Minute.Before(lo) || m.Minute.After(hi) {
			continue
		}
		if !prev.IsZero() && m.Minute.After(prev) {
			spacing = append(spacing, int64(m.Minute.Sub(prev)/time.Minute))
		}
		prev = m.Minute
	}
	if len(spacing) == 0 {
		return
	}
	sorted := slices.Clone(spacing)
	slices.Sort(sorted)
	threshold := max(int64(minGapMinutes), gapSpacingFactor*sorted[(len(sorted)-1)/2])
	res.GapThreshold = int(threshold)
	prev = time.Time{}
	for _, m := range all {
		if m.Minute.Before(lo) || m.Minute.After(hi) {
			continue
		}
		if !prev.IsZero() && m.Minute.After(prev) {
			if empty := int64(m.Minute.Sub(prev)/time.Minute) - 1; empty >= threshold {
				res.GapCount++
				res.GapMinutes += empty
				res.Gaps = append(res.Gaps, report.Gap{From: prev.Add(time.Minute), To: m.Minute})
			}
		}
		prev = m.Minute
	}
	// The longest first (the earliest on ties), at most maxGaps.
	slices.SortStableFunc(res.Gaps, func(a, b report.Gap) int { return int(b.Minutes() - a.Minutes()) })
	if len(res.Gaps) > maxGaps {
		res.Gaps = res.Gaps[:maxGaps]
	}
}

package analyze

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// minuteFigures is what an analysis computes in Go from the minute counts alone, before DuckDB sees a
// request: each bucket's series of non-empty minutes and every figure that depends only on them (the
// total, the minute peak, the percentiles, the 429s, the minutes near and over on every tier), the
// distinct minutes over on each tier, the minutes near or over the chosen tier's limit (flagged), and
// the ten-second steps where the rolling peak may start (see rolling.go).
type minuteFigures struct {
	buckets [256]*report.BucketResult // by class; nil for a class without traffic
	// flagged lists the minutes near or over the chosen tier's limit, or with traffic the tier does
	// not offer: the drill-down's hot minutes (with the rolling peak's), which DuckDB needs the
	// requests of.
	flagged minuteList
	starts  startList
	// overByTier counts, per tier, the distinct minutes in which at least one bucket was over.
	overByTier [classify.NumTiers]int64

	// The totals over every request, and each bucket's most frequent X-Rate-Limit-Limit.
	any            bool
	minTS, maxTS   int64
	public, others int64
	learned        map[uint8]learnedLimit
}

// minuteList is a list of (class, minute) pairs as columns, in class and minute order.
type minuteList struct {
	cls []uint8
	m   []int64
}

func (l *minuteList) add(cl uint8, m int64) { l.cls, l.m = append(l.cls, cl), append(l.m, m) }

// figureMinutes computes the minute figures of the counts c against cat, judged on p's tier and
// warning threshold. The classes are figured in parallel, in contiguous runs of about equal numbers
// of pages (minutePart), and the runs' figures joined in class order; counts with spilled minutes are
// figured on one goroutine, in c.each's order.
func figureMinutes(c *minuteCounts, cat *classify.Catalog, p params) (*minuteFigures, error) {
	return figureMinutesIn(c, cat, p, runtime.GOMAXPROCS(0))
}

// figureMinutesIn is figureMinutes in at most n runs of classes.
func figureMinutesIn(c *minuteCounts, cat *classify.Catalog, p params, n int) (*minuteFigures, error) {
	f := &minuteFigures{any: c.any, minTS: c.minTS, maxTS: c.maxTS, public: c.public, others: c.outside,
		learned: c.learnedLimits()}
	first, last := floorDiv(c.minTS, minuteMicros), floorDiv(c.maxTS, minuteMicros)
	var parts []*minutePart
	if runs := c.classRuns(n); len(c.spill) > 0 || len(runs) < 2 {
		pt := &minutePart{over: newMinuteSet(first, last)}
		if err := pt.figure(c.each, cat, p); err != nil {
			return nil, err
		}
		parts = append(parts, pt)
	} else {
		parts = make([]*minutePart, len(runs))
		errs := make([]error, len(runs))
		var wg sync.WaitGroup
		for i, keys := range runs {
			parts[i] = &minutePart{over: newMinuteSet(first, last)}
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = parts[i].figure(func(fn func(cl uint8, m int64, cell, next *minuteCell)) { c.eachPage(keys, fn) }, cat, p)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
	}
	var cands []candidate
	over := newMinuteSet(first, last)
	for _, pt := range parts { // in class order
		for cl, b := range pt.buckets {
			if b != nil {
				f.buckets[cl] = b
			}
		}
		f.flagged.cls, f.flagged.m = append(f.flagged.cls, pt.flagged.cls...), append(f.flagged.m, pt.flagged.m...)
		cands = append(cands, pt.st.cands...)
		over.union(pt.over)
	}
	st := goStarts{cands: cands}
	for _, pt := range parts {
		for cl, lb := range pt.st.lb {
			st.lb[cl] = max(st.lb[cl], lb)
		}
	}
	f.starts = st.starts()
	for _, t := range classify.Tiers {
		f.overByTier[t] = over.count(uint8(t))
	}
	return f, nil
}

// minutePart is the figures of a run of classes, computed apart from the other runs'.
type minutePart struct {
	buckets [256]*report.BucketResult
	st      goStarts
	flagged minuteList
	over    *minuteSet // the minutes in which one of the run's buckets was over each tier's limit, by tier
}

// figure computes the part's figures from the minutes each visits (in class and minute order, each
// with the cell of the minute after it, nil when that had no request).
func (pt *minutePart) figure(each func(func(cl uint8, m int64, cell, next *minuteCell)), cat *classify.Catalog, p params) error {
	var peak, count [256]int64
	each(func(cl uint8, _ int64, cell, _ *minuteCell) {
		peak[cl] = max(peak[cl], cell.n())
		count[cl]++
	})
	for cl, n := range count {
		if n == 0 {
			continue
		}
		bk, ok := cat.Bucket(classify.Class(cl))
		if !ok {
			return fmt.Errorf("minute counts: unknown class %d", cl)
		}
		pt.buckets[cl] = &report.BucketResult{Bucket: bk, Minutes: make([]report.MinuteCount, 0, n)}
	}
	each(func(cl uint8, m int64, cell, next *minuteCell) {
		b := pt.buckets[cl]
		n := cell.n()
		b.Minutes = append(b.Minutes, report.MinuteCount{Minute: time.Unix(m*60, 0).UTC(), Count: n, Throttled: int64(cell.n429)})
		b.SystemLog += int64(cell.nsys)
		pt.st.add(cl, m, cell, next, peak[cl])
		lim := b.Bucket.Limit(p.tier)
		if lim == classify.NA || n*100 >= int64(p.warn)*int64(lim) {
			pt.flagged.add(cl, m)
		}
		for _, t := range classify.Tiers {
			if l := b.Bucket.Limit(t); l != classify.NA && n > int64(l) {
				pt.over.addNew(uint8(t), m)
			}
		}
	})
	for _, b := range pt.buckets {
		if b != nil {
			minuteTotals(b, p.warn)
		}
	}
	return nil
}

// minuteTotals sets the figures of b that its minute series gives: the total, the minute peak (the
// earliest minute on ties), the 429s, the percentiles, and the limit, the minute-peak verdict and the
// minutes near and over on every tier.
func minuteTotals(b *report.BucketResult, warn int) {
	for _, mc := range b.Minutes {
		b.Requests += mc.Count
		if mc.Count > b.Peak {
			b.Peak, b.PeakMinute = mc.Count, mc.Minute
		}
		b.Throttled += mc.Throttled
		if mc.Throttled > 0 {
			b.ThrottledMinutes++
		}
	}
	b.P95, b.P99 = percentiles(b.Minutes, b.Peak)
	for _, t := range classify.Tiers {
		lim := b.Bucket.Limit(t)
		v := &b.ByTier[t]
		v.Limit = lim
		v.Status = report.Verdict(b.Peak, lim, warn)
		if lim == classify.NA {
			continue // no minute is near or over where the tier does not offer the bucket
		}
		v.Utilization = ratio(b.Peak, lim)
		for _, mc := range b.Minutes {
			switch {
			case mc.Count > int64(lim):
				v.MinutesOver++
			case 100*mc.Count >= int64(warn)*int64(lim):
				v.MinutesNear++
			}
		}
	}
}

// setRolling sets b's rolling 60-second peak, its start (Unix microseconds), and its verdicts on
// every tier.
func setRolling(b *report.BucketResult, n, startMicros int64, warn int) {
	b.Rolling, b.RollingFrom = n, time.UnixMicro(startMicros).UTC()
	for _, t := range classify.Tiers {
		v := &b.ByTier[t]
		v.RollingStatus = report.Verdict(n, v.Limit, warn)
		if v.Limit != classify.NA {
			v.RollingUtil = ratio(n, v.Limit)
		}
	}
}

// percentiles returns the 95th and 99th percentiles of the counts of minutes, whose largest is peak,
// as DuckDB's quantile_disc(n, 0.95) and quantile_disc(n, 0.99) give them: of the N counts in
// ascending order, the one at index max(1, N − ⌊N·(100 − q)/100⌋) − 1, an observed count rather than
// an interpolation. TestPercentilesMatchDuckDB holds them to DuckDB's.
func percentiles(minutes []report.MinuteCount, peak int64) (p95, p99 int64) {
	n := int64(len(minutes))
	if n == 0 {
		return 0, 0
	}
	idx := func(q int64) int64 { return max(1, n-n*(100-q)/100) - 1 }
	i95, i99 := idx(95), idx(99)
	if peak <= 4*n+1024 { // counts are small beside their number: count them
		hist := make([]int64, peak+1)
		for _, mc := range minutes {
			hist[mc.Count]++
		}
		var seen int64
		p95, p99 = -1, -1
		for v, k := range hist {
			seen += k
			if p95 < 0 && seen > i95 {
				p95 = int64(v)
			}
			if seen > i99 {
				return p95, int64(v)
			}
		}
	}
	sorted := make([]int64, n)
	for i, mc := range minutes {
		sorted[i] = mc.Count
	}
	slices.Sort(sorted)
	return sorted[i95], sorted[i99]
}

// ratio is count/limit rounded to 3 decimals (0.1 % steps).
func ratio(count int64, limit int) float64 {
	return math.Round(float64(count)*1000/float64(limit)) / 1000
}

// tierResults lists, per tier, the buckets over, near and unavailable by their minute peak, those
// over by their rolling peak, and the distinct minutes in which any bucket was over.
func tierResults(buckets []report.BucketResult, overByTier [classify.NumTiers]int64) []report.TierResult {
	out := make([]report.TierResult, 0, classify.NumTiers)
	for _, t := range classify.Tiers {
		tr := report.TierResult{Tier: t, MinutesOver: overByTier[t],
			BucketsOver: []string{}, BucketsNear: []string{}, BucketsRollingOver: []string{}, BucketsUnavailable: []string{}}
		for i := range buckets {
			v := &buckets[i].ByTier[t]
			id := buckets[i].Bucket.ID
			switch v.Status {
			case report.StatusOver:
				tr.BucketsOver = append(tr.BucketsOver, id)
			case report.StatusNear:
				tr.BucketsNear = append(tr.BucketsNear, id)
			case report.StatusUnavailable:
				tr.BucketsUnavailable = append(tr.BucketsUnavailable, id)
			}
			if v.RollingStatus == report.StatusOver {
				tr.BucketsRollingOver = append(tr.BucketsRollingOver, id)
			}
		}
		out = append(out, tr)
	}
	return out
}

// hotMinutes returns the drill-down's minutes: the flagged minutes and, for each bucket whose rolling
// peak is near or over the chosen tier's limit (or on a tier that does not offer it), the one or two
// minutes its rolling peak spans. It sets each bucket's HotMinutes and HotRequests from those of them
// that had traffic.
func (f *minuteFigures) hotMinutes(tier classify.Tier) minuteList {
	var hot minuteList
	i := 0
	for cl, b := range f.buckets {
		if b == nil {
			continue
		}
		var ms []int64
		for ; i < len(f.flagged.cls) && f.flagged.cls[i] == uint8(cl); i++ {
			ms = append(ms, f.flagged.m[i])
		}
		switch b.ByTier[tier].RollingStatus {
		case report.StatusNear, report.StatusOver, report.StatusUnavailable:
			us := b.RollingFrom.UnixMicro()
			ms = append(ms, floorDiv(us, minuteMicros), floorDiv(us+minuteMicros-1, minuteMicros))
			slices.Sort(ms)
			ms = slices.Compact(ms)
		}
		for _, m := range ms {
			hot.add(uint8(cl), m)
			if n := minuteCount(b.Minutes, time.Unix(m*60, 0).UTC()); n > 0 {
				b.HotMinutes++
				b.HotRequests += n
			}
		}
	}
	return hot
}

// minuteSet is a set of (class, minute): a bitmap per class over the minutes the input spans, or a
// map when they span too many (timestamps scattered over decades).
type minuteSet struct {
	base, span int64
	bits       [256][]uint64
	m          map[minuteKey]struct{}
}

// maxBitmapMinutes bounds the span of a minuteSet's bitmaps (8 years: 512 KiB a class).
const maxBitmapMinutes = 1 << 22

// newMinuteSet makes a set for the minutes first to last.
func newMinuteSet(first, last int64) *minuteSet {
	s := &minuteSet{base: first, span: last - first + 1}
	if s.span > maxBitmapMinutes || s.span <= 0 {
		s.m = map[minuteKey]struct{}{}
	}
	return s
}

// addNew adds (cl, m) and reports whether it was not in the set yet; a minute outside first to
// last is never added (no request is there).
func (s *minuteSet) addNew(cl uint8, m int64) bool {
	if s.m != nil {
		k := minuteKey{m: m, class: cl}
		if _, ok := s.m[k]; ok {
			return false
		}
		s.m[k] = struct{}{}
		return true
	}
	i := m - s.base
	if i < 0 || i >= s.span {
		return false
	}
	if s.bits[cl] == nil {
		s.bits[cl] = make([]uint64, (s.span+63)/64)
	}
	w, bit := &s.bits[cl][i/64], uint64(1)<<(i%64)
	if *w&bit != 0 {
		return false
	}
	*w |= bit
	return true
}

// union adds o's members (a set over the same minutes) to s's.
func (s *minuteSet) union(o *minuteSet) {
	if s.m != nil {
		for k := range o.m {
			s.m[k] = struct{}{}
		}
		return
	}
	for cl, b := range o.bits {
		if b == nil {
			continue
		}
		if s.bits[cl] == nil {
			s.bits[cl] = slices.Clone(b)
			continue
		}
		for i, w := range b {
			s.bits[cl][i] |= w
		}
	}
}

// count is the number of members of class cl.
func (s *minuteSet) count(cl uint8) int64 {
	if s.m != nil {
		n := int64(0)
		for k := range s.m {
			if k.class == cl {
				n++
			}
		}
		return n
	}
	n := 0
	for _, w := range s.bits[cl] {
		n += bits.OnesCount64(w)
	}
	return int64(n)
}

// has reports whether (cl, m) is in the set.
func (s *minuteSet) has(cl uint8, m int64) bool {
	if s.m != nil {
		_, ok := s.m[minuteKey{m: m, class: cl}]
		return ok
	}
	b := s.bits[cl]
	i := m - s.base
	return b != nil && i >= 0 && i < s.span && b[i/64]&(1<<(i%64)) != 0
}

package analyze

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// bruteRolling is the definition, by brute force: the largest number of instants in any span
// [t, t+60 s), and the earliest t (always an instant) that reaches it.
func bruteRolling(ts []int64) (peak int64, start int64) {
	s := slices.Clone(ts)
	slices.Sort(s)
	const w = 60_000_000
	j := 0
	for i := range s {
		if i > 0 && s[i] == s[i-1] {
			continue // the same span as the first request at this instant
		}
		for j < len(s) && s[j] < s[i]+w {
			j++
		}
		if n := int64(j - i); n > peak {
			peak, start = n, s[i]
		}
	}
	return peak, start
}

// bruteMinutePeak is the largest count in one UTC minute and the earliest such minute (floored, also
// before 1970).
func bruteMinutePeak(ts []int64) (peak int64, minute int64) {
	counts := map[int64]int64{}
	for _, t := range ts {
		m := t / 60_000_000
		if t < 0 && t%60_000_000 != 0 {
			m--
		}
		counts[m]++
	}
	first := true
	for m, n := range counts {
		if n > peak || n == peak && (first || m < minute) {
			peak, minute, first = n, m, false
		}
	}
	return peak, minute
}

// TestRollingMatchesBruteForce checks the rolling peak, which DuckDB evaluates only where Go's bounds say it may start,
// against the definition on random traffic shaped to defeat shortcuts: bursts across minute
// boundaries, many requests at one instant, flat traffic where every minute ties, busy plateaus
// with bursts at ten-second edges, a slow ramp over a day, instants before 1970, and sub-second
// precision.
func TestRollingMatchesBruteForce(t *testing.T) {
	cat := classify.Seed()
	rng := rand.New(rand.NewPCG(7, 11))
	const minute = 60_000_000
	for round := range 60 {
		var rq requestsOf
		byClass := map[classify.Class][]int64{}
		nClasses := 1 + rng.IntN(4)
		for c := range nClasses {
			cl := classify.Class(c * 3)
			var ts []int64
			base := int64(rng.IntN(2000)-1000) * minute // around 1970, on both sides
			switch round % 6 {
			case 0: // uniform over an hour, sub-second
				for range 200 + rng.IntN(800) {
					ts = append(ts, base+rng.Int64N(60*minute))
				}
			case 1: // flat: the same count in every minute, whole seconds
				for m := range int64(30) {
					for k := range int64(5) {
						ts = append(ts, base+m*minute+k*12_000_000)
					}
				}
			case 2: // a burst straddling a boundary over a light background
				for range 300 {
					ts = append(ts, base+rng.Int64N(30*minute))
				}
				edge := base + int64(1+rng.IntN(28))*minute
				for range 50 + rng.IntN(100) {
					ts = append(ts, edge-rng.Int64N(minute/2)+rng.Int64N(minute/2))
				}
			case 3: // piles at a few instants
				for range 20 {
					at := base + rng.Int64N(10*minute)
					for range 1 + rng.IntN(40) {
						ts = append(ts, at)
					}
				}
			case 4: // a busy plateau, where every minute passes the minute bound, with small bursts
				// at ten-second edges; whole seconds or sub-second by class
				for range 120 * 100 {
					x := base + rng.Int64N(120*minute)
					if c%2 == 0 {
						x -= x % 1_000_000
					}
					ts = append(ts, x)
				}
				for range 1 + rng.IntN(4) {
					edge := base + int64(rng.IntN(720))*10_000_000
					for range 5 + rng.IntN(20) {
						ts = append(ts, edge-5_000_000+rng.Int64N(10_000_000))
					}
				}
			case 5: // over a day: a slow ramp, so that the candidates of its start are let go on the
				// way, or every minute alike, so that the earliest of many ties must be kept
				for m := range int64(1500) {
					if round%12 == 11 {
						for k := range int64(3) {
							ts = append(ts, base+m*minute+k*20_000_000)
						}
						continue
					}
					for range 1 + m/100 + int64(rng.IntN(2)) {
						ts = append(ts, base+m*minute+rng.Int64N(minute))
					}
				}
			}
			byClass[cl] = ts
			for _, x := range ts {
				rq.add(x, cl)
			}
		}
		// The same requests, analysed as a run and as a store opened again (which counts the minutes
		// in SQL), must both match the definition.
		live := newTestLive(t, false)
		mustAdd(t, live, rq.rows())
		st := newTestStore(t, cat, rq.rows())
		for _, res := range []*report.Result{mustAnalyze(t, live, cat, classify.Enterprise, 60), mustAnalyze(t, st, cat, classify.Enterprise, 60)} {
			checkRolling(t, round, cat, res, byClass)
		}
	}
}

// checkRolling compares each bucket's rolling and minute peaks in res with the brute-force ones of
// its instants, byClass.
func checkRolling(t *testing.T, round int, cat *classify.Catalog, res *report.Result, byClass map[classify.Class][]int64) {
	t.Helper()
	if len(res.Buckets) != len(byClass) {
		t.Fatalf("round %d: %d buckets, want %d", round, len(res.Buckets), len(byClass))
	}
	for i := range res.Buckets {
		b := &res.Buckets[i]
		_, cl, _ := cat.BucketByID(b.Bucket.ID)
		wantPeak, wantStart := bruteRolling(byClass[cl])
		if b.Rolling != wantPeak || b.RollingFrom.UnixMicro() != wantStart {
			t.Errorf("round %d %s: rolling %d from %d, want %d from %d", round, b.Bucket.ID,
				b.Rolling, b.RollingFrom.UnixMicro(), wantPeak, wantStart)
		}
		wantMin, wantMinute := bruteMinutePeak(byClass[cl])
		if b.Peak != wantMin || b.PeakMinute.Unix() != wantMinute*60 {
			t.Errorf("round %d %s: minute peak %d at %v, want %d at minute %d", round, b.Bucket.ID,
				b.Peak, b.PeakMinute, wantMin, wantMinute)
		}
	}
}

package report

import (
	"sort"

	"github.com/ratecard/ratecard/classify"
)

// Recommendation is the tier comparison's advice: the smallest tier the traffic fits, and how much
// higher the chosen tier's limits would have to be for the buckets that do not fit it.
//
// A bucket fits a tier when the tier offers its endpoint and both its fixed-minute peak and its rolling
// 60-second peak stay below the warning threshold (so no minute is near or over). A tier fits when
// every bucket with traffic fits it.
type Recommendation struct {
	// Tier is the smallest tier, in classify.Tiers order, that every bucket fits; valid only when Found.
	Tier  classify.Tier
	Found bool

	// Needs lists, highest multiplier first (ties in catalog order), the buckets that do not fit the chosen tier although it offers
	// them, with the limit that would make them fit. Empty when the chosen tier fits.
	Needs []BucketNeed

	// Unavailable lists the buckets with traffic that the chosen tier does not offer at all.
	Unavailable []string
}

// BucketNeed is the limit one bucket would need on the chosen tier to stay below the warning threshold.
type BucketNeed struct {
	ID    string
	Limit int   // the chosen tier's limit
	Peak  int64 // the larger of the fixed-minute and rolling 60-second peaks: what the limit must absorb

	// Multiplier is the smallest multiple of Limit, in hundredths, that keeps Peak strictly below the
	// warning threshold: Peak < WarnPercent % × Multiplier × Limit.
	Multiplier float64
	// NeededLimit is the smallest whole limit with Peak < WarnPercent % × NeededLimit.
	NeededLimit int64
}

// fits reports whether a bucket's peaks stay below warnPercent of limit (and the limit exists).
func fits(peak int64, limit, warnPercent int) bool {
	return limit != classify.NA && Verdict(peak, limit, warnPercent) == StatusOK
}

// worstPeak is what a limit must absorb: the rolling peak, which is never below the minute peak.
func worstPeak(b *BucketResult) int64 { return max(b.Peak, b.Rolling) }

// Recommend computes the tier recommendation from the analysis. It uses only the peaks, the catalog
// limits and the warning threshold, so it agrees with the verdict and tier tables.
func Recommend(res *Result) Recommendation {
	var r Recommendation
	for _, t := range classify.Tiers {
		ok := true
		for i := range res.Buckets {
			b := &res.Buckets[i]
			if !fits(worstPeak(b), b.ByTier[t].Limit, res.WarnPercent) {
				ok = false
				break
			}
		}
		if ok {
			r.Tier, r.Found = t, true
			break
		}
	}
	for i := range res.Buckets {
		b := &res.Buckets[i]
		lim := b.Chosen(res.Tier).Limit
		peak := worstPeak(b)
		switch {
		case lim == classify.NA:
			r.Unavailable = append(r.Unavailable, b.Bucket.ID)
		case lim <= 0 || res.WarnPercent <= 0 || fits(peak, lim, res.WarnPercent):
			// fits, or no multiple of a zero limit helps
		default:
			w, l := int64(res.WarnPercent), int64(lim)
			// Smallest h with h/100 × warn/100 × lim > peak, i.e. h × warn × lim > 10000 × peak.
			h := 10000*peak/(w*l) + 1
			r.Needs = append(r.Needs, BucketNeed{ID: b.Bucket.ID, Limit: lim, Peak: peak,
				Multiplier: float64(h) / 100, NeededLimit: 100*peak/w + 1})
		}
	}
	sort.SliceStable(r.Needs, func(i, j int) bool { return r.Needs[i].Multiplier > r.Needs[j].Multiplier })
	return r
}

package report

import (
	"fmt"
	"sort"
	"strings"

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

	// Reach says, when no tier fits (and there is traffic), how far each tier gets, in
	// classify.Tiers order.
	Reach []TierReach
}

// TierReach is how far one tier gets when no tier fits: how many of the buckets that do not fit the
// chosen tier fit it, and what the buckets that do not fit it would need.
type TierReach struct {
	Tier       classify.Tier
	Fixed, Of  int          // of the Of buckets that do not fit the chosen tier, Fixed fit this one
	Needs      []BucketNeed // the buckets that do not fit this tier although it offers them, highest multiplier first
	NotOffered []string     // the buckets with traffic this tier does not offer
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
// limits and the warning threshold, so it agrees with the verdict and tier tables. An analysis
// without a request to a rate-limited endpoint gets no recommendation (Found is false, and Reach
// empty): there is nothing to fit.
func Recommend(res *Result) Recommendation {
	var r Recommendation
	for _, t := range classify.Tiers {
		ok := len(res.Buckets) > 0 // no Okta traffic, no recommendation
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
	r.Needs, r.Unavailable = tierNeeds(res, res.Tier)
	if r.Found || len(res.Buckets) == 0 {
		return r
	}
	flagged := map[string]bool{}
	for i := range res.Buckets {
		b := &res.Buckets[i]
		if !fits(worstPeak(b), b.Chosen(res.Tier).Limit, res.WarnPercent) {
			flagged[b.Bucket.ID] = true
		}
	}
	for _, t := range classify.Tiers {
		tr := TierReach{Tier: t, Of: len(flagged)}
		tr.Needs, tr.NotOffered = tierNeeds(res, t)
		for i := range res.Buckets {
			b := &res.Buckets[i]
			if flagged[b.Bucket.ID] && fits(worstPeak(b), b.ByTier[t].Limit, res.WarnPercent) {
				tr.Fixed++
			}
		}
		r.Reach = append(r.Reach, tr)
	}
	return r
}

// tierNeeds lists the buckets that do not fit tier t although it offers them, with the limit that
// would make them fit, highest multiplier first (ties in catalog order), and the buckets t does not
// offer.
func tierNeeds(res *Result, t classify.Tier) (needs []BucketNeed, unavailable []string) {
	for i := range res.Buckets {
		b := &res.Buckets[i]
		lim := b.ByTier[t].Limit
		peak := worstPeak(b)
		switch {
		case lim == classify.NA:
			unavailable = append(unavailable, b.Bucket.ID)
		case lim <= 0 || res.WarnPercent <= 0 || fits(peak, lim, res.WarnPercent):
			// fits, or no multiple of a zero limit helps
		default:
			w, l := int64(res.WarnPercent), int64(lim)
			// Smallest h with h/100 × warn/100 × lim > peak, i.e. h × warn × lim > 10000 × peak.
			h := 10000*peak/(w*l) + 1
			needs = append(needs, BucketNeed{ID: b.Bucket.ID, Limit: lim, Peak: peak,
				Multiplier: float64(h) / 100, NeededLimit: 100*peak/w + 1})
		}
	}
	sort.SliceStable(needs, func(i, j int) bool { return needs[i].Multiplier > needs[j].Multiplier })
	return needs, unavailable
}

// reachLines says, when no tier fits, how far each tier gets, one plain line per tier: "Workforce:
// fixes 3 of 4 flagged buckets; apps still needs ×2.42 over 100/min", with times for "×".
func reachLines(res *Result, rec Recommendation, times string) []string {
	var out []string
	for _, tr := range rec.Reach {
		s := fmt.Sprintf("%s: fixes %d of %d flagged bucket", res.TierTitle(tr.Tier), tr.Fixed, tr.Of)
		if tr.Of != 1 {
			s += "s"
		}
		for i, n := range tr.Needs {
			if i == 0 {
				s += fmt.Sprintf("; %s still needs %s%.2f over %s/min", n.ID, times, n.Multiplier, FormatLimit(n.Limit))
			} else {
				s += fmt.Sprintf(", %s %s%.2f over %s/min", n.ID, times, n.Multiplier, FormatLimit(n.Limit))
			}
		}
		if len(tr.NotOffered) > 0 {
			s += "; does not offer " + strings.Join(tr.NotOffered, ", ")
		}
		out = append(out, s)
	}
	return out
}

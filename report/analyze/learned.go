package analyze

import (
	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// learnedName names the limits Okta itself announced, as an override set (catalog "seed+learned").
const learnedName = "learned"

// learnedOverrides returns, for the chosen tier, the limits Okta itself announced in the input: a
// bucket's most frequent X-Rate-Limit-Limit response header where the log recorded it, or else the
// largest threshold of Okta's org rate-limit events (warning, burst base, violation) for that bucket.
// Buckets without either keep the catalog's limit. It returns nil when the input announced nothing.
func learnedOverrides(res *report.Result) *classify.Overrides {
	ov := &classify.Overrides{Name: learnedName}
	for i := range res.Buckets {
		b := &res.Buckets[i]
		lim := b.LearnedLimit
		if lim == 0 {
			lim = b.EventThreshold
		}
		if lim > 0 {
			ov.Limits = append(ov.Limits, classify.LimitOverride{Bucket: b.Bucket.ID, Tier: res.Tier, Limit: lim})
		}
	}
	if len(ov.Limits) == 0 {
		return nil
	}
	return ov
}

package classify

import (
	"errors"
	"strings"
)

// eligibility is a set of bits, one per thing a bucket's default limit can be raised by.
type eligibility uint8

const (
	eligBurst        eligibility = 1 << iota // burst: up to BurstFactor × the limit before 429s
	eligDynamicScale                         // the DynamicScale add-on multiplies the default
	eligWorkforce                            // the Workforce license multiplier multiplies the default
)

// eligibilityNames are the words of the eligible column, in bit order.
var eligibilityNames = [...]string{"burst", "dynamicscale", "workforce-multiplier"}

// String lists the set as the eligible column spells it: "burst,dynamicscale" or "-" for none.
func (e eligibility) String() string {
	var s []string
	for i, n := range eligibilityNames {
		if e&(1<<i) != 0 {
			s = append(s, n)
		}
	}
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, ",")
}

// parseEligibility parses an eligible cell: - (or empty) for none, or a comma-separated list of
// burst, dynamicscale and workforce-multiplier, each at most once.
func parseEligibility(s string) (eligibility, error) {
	if s == "-" || s == "" {
		return 0, nil
	}
	var e eligibility
	for _, w := range strings.Split(s, ",") {
		w = strings.TrimSpace(w)
		bit := eligibility(0)
		for i, n := range eligibilityNames {
			if w == n {
				bit = 1 << i
			}
		}
		if bit == 0 {
			return 0, errors.New("want - or a comma-separated list of burst, dynamicscale, workforce-multiplier")
		}
		if e&bit != 0 {
			return 0, errors.New(w + " listed twice")
		}
		e |= bit
	}
	return e, nil
}

// BurstEligible reports whether Okta gives the bucket burst headroom: an org-scoped bucket of
// authentication or authorization endpoints may take up to [BurstFactor] × its limit in a minute
// (a "burst" event, no 429s) before requests are refused (okta-rate-limits.md §9, source S-BURST).
// It comes from the catalog's eligible column: in the built-in catalogs, the buckets of Okta's
// authentication / end-user table (and the sign-in endpoints of its home-page table) are eligible;
// management buckets are not.
func (b *Bucket) BurstEligible() bool { return b.flags&eligBurst != 0 }

// DynamicScaleEligible reports whether the DynamicScale add-on (sold to Customer Identity orgs,
// 5× to 1000× the default limits of authentication and authorization endpoints and of single
// user/group/app reads) covers the bucket (okta-rate-limits.md §15, sources S-DS, S-INC). It comes
// from the catalog's eligible column.
func (b *Bucket) DynamicScaleEligible() bool { return b.flags&eligDynamicScale != 0 }

// WorkforceMultiplierEligible reports whether the Workforce license multiplier (5× for 10,000 to
// 100,000 licenses, 10× above 100,000, automatic on a Workforce org's primary production org)
// covers the bucket (okta-rate-limits.md §15, sources S-ADD25, S-INC). It comes from the
// catalog's eligible column.
func (b *Bucket) WorkforceMultiplierEligible() bool { return b.flags&eligWorkforce != 0 }

// Eligible returns what the bucket is eligible for as the catalog's eligible column spells it,
// e.g. "burst,dynamicscale,workforce-multiplier", or "-" for nothing.
func (b *Bucket) Eligible() string { return b.flags.String() }

// BurstFactor is how far over its limit a burst-eligible bucket may go in one minute before Okta
// refuses requests: 5 × the limit (okta-rate-limits.md §9, source S-BURST). Bursts stack on top of
// DynamicScale: the factor applies to the effective limit.
const BurstFactor = 5

// The results of [BurstStatus].
const (
	BurstNone        = ""            // count ≤ limit
	BurstZone        = "burst"       // limit < count ≤ BurstFactor × limit on a burst-eligible bucket
	BurstViolation   = "violation"   // over the limit with no burst, or over BurstFactor × limit
	BurstUnavailable = "unavailable" // traffic where the limit is NA (the tier does not offer it)
)

// BurstStatus classifies one window's request count against a per-minute limit the way Okta's
// burst rules do (okta-rate-limits.md §9): [BurstNone] ("") up to the limit (100 %); on a
// burst-eligible bucket, [BurstZone] ("burst") above 100 % up to and including 500 % (BurstFactor ×
// limit), [BurstViolation] ("violation") above 500 %; on any other bucket, "violation" as soon as
// the count passes 100 %. A limit of [NA] (or any limit below 1) with a positive count is
// [BurstUnavailable] ("unavailable"); a count of zero or less is always "". The arithmetic is exact
// integer arithmetic (no percentages are rounded). Near-limit warnings (warn % × limit) are a
// separate verdict, not made here.
func BurstStatus(count int64, limit int, eligible bool) string {
	switch {
	case count <= 0:
		return BurstNone
	case limit < 1:
		return BurstUnavailable
	case count <= int64(limit):
		return BurstNone
	case eligible && count <= BurstFactor*int64(limit):
		return BurstZone
	}
	return BurstViolation
}

// BurstLimit returns the most requests the bucket takes in a minute on tier t before Okta refuses
// them: [BurstFactor] × [Bucket.Limit] on a burst-eligible bucket, the limit itself otherwise, and
// [NA] where the tier does not offer the endpoint.
func (b *Bucket) BurstLimit(t Tier) int {
	l := b.Limit(t)
	if l == NA || !b.BurstEligible() {
		return l
	}
	return BurstFactor * l
}

// DefaultPrincipalShare is the share of every org bucket, in percent, that one API token (SSWS) or
// one OAuth 2.0 app may use by default: 50 %, a ceiling, not a reservation (okta-rate-limits.md §10,
// sources S-TOK, S-KB-TOK). An admin can set it per token or app (5 % to 100 % in the Admin
// Console). Example: /api/v1/logs at 120/min gives one token at most 60/min.
const DefaultPrincipalShare = 50

// PrincipalLimit returns the part of an org limit one principal (API token or OAuth app) may use
// at share percent, e.g. PrincipalLimit(120, DefaultPrincipalShare) = 60. It rounds down (Okta does
// not document its rounding) but gives at least 1 for a positive limit and share. percent is
// clamped to 0–100; a limit of [NA] gives NA.
func PrincipalLimit(limit, percent int) int {
	if limit == NA || limit < 1 {
		return limit
	}
	percent = max(0, min(percent, 100))
	if percent == 0 {
		return 0
	}
	return max(1, int(int64(limit)*int64(percent)/100))
}

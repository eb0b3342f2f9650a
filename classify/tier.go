package classify

import (
	"fmt"
	"strings"
)

// Tier is an Okta subscription tier, the column of the rate-limit tables a limit is read from. The
// zero value is [DeveloperFree]; tiers are ordered as in Okta's tables and as [Tiers] lists them.
type Tier int

// The tiers of the seed tables, in table order.
const (
	DeveloperFree Tier = iota // id "developer-free", title "Developer (free)"
	DeveloperPaid             // id "developer-paid", title "Developer (paid)"
	OneApp                    // id "one-app", title "One App"
	Enterprise                // id "enterprise", title "Enterprise"
	Workforce                 // id "workforce", title "Workforce Identity"
)

// NumTiers is the number of tiers, the length of [Bucket.Limits].
const NumTiers = 5

// Tiers lists every tier in table order, for ranging over.
var Tiers = [NumTiers]Tier{DeveloperFree, DeveloperPaid, OneApp, Enterprise, Workforce}

var tierIDs = [NumTiers]string{"developer-free", "developer-paid", "one-app", "enterprise", "workforce"}

var tierTitles = [NumTiers]string{"Developer (free)", "Developer (paid)", "One App", "Enterprise", "Workforce Identity"}

func (t Tier) valid() bool { return t >= 0 && t < NumTiers }

// String returns the tier's id, e.g. "developer-free", as flags, catalog headers and summary.json
// spell it. A value outside [Tiers] prints as "Tier(N)".
func (t Tier) String() string {
	if !t.valid() {
		return fmt.Sprintf("Tier(%d)", int(t))
	}
	return tierIDs[t]
}

// Title returns the tier's name as Okta's tables head its column, e.g. "Developer (free)". A value
// outside [Tiers] gives the same as [Tier.String].
func (t Tier) Title() string {
	if !t.valid() {
		return t.String()
	}
	return tierTitles[t]
}

// ParseTier returns the tier whose id is s (case-insensitive, surrounding spaces ignored), e.g.
// "enterprise". For anything else the error lists the valid ids.
func ParseTier(s string) (Tier, error) {
	k := strings.TrimSpace(s)
	for _, t := range Tiers {
		if strings.EqualFold(k, tierIDs[t]) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown tier %q (valid tiers: %s)", s, strings.Join(tierIDs[:], ", "))
}

// TierTitle returns tier t's name as catalog c titles its column. A catalog may title a tier
// differently from [Tier.Title]: in "okta-2025" the developer-free column holds the Integrator Free
// Plan, which replaced Developer (free) in May 2025 with the same limits, so it is titled
// "Integrator Free Plan", and developer-paid "Developer (paid, until April 2025)". The tier ids are
// the same in every catalog (flags, summary.json and overrides files use them); only titles
// differ. Catalogs without titles of their own (seed, and any [Parse]d file), a nil catalog, and
// a value outside [Tiers] give [Tier.Title]. Overrides keep the catalog's titles.
func (c *Catalog) TierTitle(t Tier) string {
	if c != nil && t.valid() && c.titles[t] != "" {
		return c.titles[t]
	}
	return t.Title()
}

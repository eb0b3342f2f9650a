package report

import (
	"fmt"
	"strings"

	"github.com/ratecard/ratecard/classify"
)

// catalogInfo describes the catalog res was judged by (classify.Info; only its name for a catalog
// that is not a built-in one).
func catalogInfo(res *Result) classify.CatalogInfo {
	info, _ := classify.Info(res.Catalog)
	return info
}

// catalogText names res's catalog with its edition, provenance and the public pages it was
// published on, as the Markdown outputs and the report state it.
func catalogText(res *Result) string {
	info := catalogInfo(res)
	s := info.Describe()
	if len(info.Sources) > 0 {
		cites := make([]string, len(info.Sources))
		for i, src := range info.Sources {
			cites[i] = src.Cite()
		}
		s += ". Okta published these tables on its pages " + strings.Join(cites, " and ")
	}
	if info.History.URL != "" {
		s += "; every edition is kept in the history of Okta's documentation repository " + info.History.Cite()
	}
	return s
}

// catalogComparison is what judging the traffic by the other built-in catalog (Result.Other) would
// change, by minute peak: the Result holds no rolling peak for it.
type catalogComparison struct {
	Other classify.CatalogInfo
	// ThisTier and OtherTier are the smallest tiers on which every bucket's minute peak stays below
	// the warning threshold in each catalog (valid when ThisFound, OtherFound).
	ThisTier, OtherTier   classify.Tier
	ThisFound, OtherFound bool
	// Changes are the buckets whose minute-peak verdict on the chosen tier differs: this catalog's
	// buckets in its order, then those only the other catalog has.
	Changes []verdictChange
}

// verdictChange is one bucket's minute-peak verdict on the chosen tier in both catalogs; a status is
// "" where that catalog has no such bucket, a limit 0. NoTraffic is set for a bucket both catalogs
// have that saw traffic in only one of them (the other files its requests in other buckets).
type verdictChange struct {
	ID                  string
	Status, OtherStatus string
	Limit, OtherLimit   int
	InThis, InOther     bool
	NoTraffic           bool
}

// changed reports whether the other catalog changes a verdict or the tier.
func (c *catalogComparison) changed() bool {
	return len(c.Changes) > 0 || c.ThisFound != c.OtherFound || c.ThisTier != c.OtherTier
}

// compareCatalogs compares res's verdicts with those of res.Other, by minute peak; nil without it.
func compareCatalogs(res *Result) *catalogComparison {
	o := res.Other
	if o == nil {
		return nil
	}
	c := &catalogComparison{}
	c.Other, _ = classify.Info(o.Catalog)
	warn, t := res.WarnPercent, res.Tier
	for _, tier := range classify.Tiers {
		fitsThis, fitsOther := len(res.Buckets) > 0, len(o.Buckets) > 0
		for i := range res.Buckets {
			fitsThis = fitsThis && fits(res.Buckets[i].Peak, res.Buckets[i].ByTier[tier].Limit, warn)
		}
		for _, b := range o.Buckets {
			fitsOther = fitsOther && fits(b.Peak, b.Bucket.Limit(tier), warn)
		}
		if fitsThis && !c.ThisFound {
			c.ThisTier, c.ThisFound = tier, true
		}
		if fitsOther && !c.OtherFound {
			c.OtherTier, c.OtherFound = tier, true
		}
	}
	other := map[string]*OtherBucket{}
	for i := range o.Buckets {
		other[o.Buckets[i].Bucket.ID] = &o.Buckets[i]
	}
	otherCat, _ := classify.Load(o.Catalog)
	this := map[string]bool{}
	for i := range res.Buckets {
		b := &res.Buckets[i]
		this[b.Bucket.ID] = true
		ch := verdictChange{ID: b.Bucket.ID, InThis: true, Status: b.ByTier[t].Status, Limit: b.ByTier[t].Limit}
		if ob := other[b.Bucket.ID]; ob != nil {
			ch.InOther, ch.OtherLimit = true, ob.Bucket.Limit(t)
			ch.OtherStatus = Verdict(ob.Peak, ch.OtherLimit, warn)
		} else if otherCat != nil {
			if ob, _, ok := otherCat.BucketByID(b.Bucket.ID); ok {
				ch.InOther, ch.NoTraffic, ch.OtherLimit, ch.OtherStatus = true, true, ob.Limit(t), StatusOK
			}
		}
		if ch.Status != ch.OtherStatus && (ch.InOther || ch.Status != StatusOK) {
			c.Changes = append(c.Changes, ch)
		}
	}
	for _, ob := range o.Buckets {
		if this[ob.Bucket.ID] {
			continue
		}
		ch := verdictChange{ID: ob.Bucket.ID, InOther: true, OtherLimit: ob.Bucket.Limit(t)}
		if b, ok := classifyBucket(res, ob.Bucket.ID); ok {
			ch.InThis, ch.NoTraffic, ch.Limit, ch.Status = true, true, b.Limit(t), StatusOK
		}
		if ch.OtherStatus = Verdict(ob.Peak, ch.OtherLimit, warn); ch.OtherStatus != ch.Status && ch.OtherStatus != StatusOK {
			c.Changes = append(c.Changes, ch)
		}
	}
	return c
}

// comparisonText says in plain sentences what the other built-in catalog would change ("" without
// one).
func comparisonText(res *Result) string {
	c := compareCatalogs(res)
	if c == nil {
		return ""
	}
	this := catalogInfo(res).Name
	tierName := func(found bool, t classify.Tier, titles func(classify.Tier) string) string {
		if !found {
			return "no tier"
		}
		return titles(t)
	}
	otherTitle := func(t classify.Tier) string {
		if s := res.Other.TierTitles[t]; s != "" {
			return s
		}
		return t.Title()
	}
	var s strings.Builder
	fmt.Fprintf(&s, "Judged by the other built-in catalog, %s, by minute peak (its rolling peaks are not computed): ", c.Other.Short())
	if !c.changed() {
		fmt.Fprintf(&s, "no verdict on %s would change, and ", res.TierTitle(res.Tier))
		if c.ThisFound {
			fmt.Fprintf(&s, "the smallest tier every bucket fits by minute peak would stay %s.", res.TierTitle(c.ThisTier))
		} else {
			s.WriteString("no tier would fit every bucket by minute peak, as with " + this + ".")
		}
		return s.String()
	}
	switch {
	case c.ThisFound != c.OtherFound || c.ThisTier != c.OtherTier:
		fmt.Fprintf(&s, "the smallest tier every bucket fits by minute peak would be %s instead of %s with %s",
			tierName(c.OtherFound, c.OtherTier, otherTitle), tierName(c.ThisFound, c.ThisTier, res.TierTitle), this)
	case !c.ThisFound:
		s.WriteString("no tier would fit every bucket by minute peak, as with " + this)
	default:
		fmt.Fprintf(&s, "the smallest tier every bucket fits by minute peak would stay %s", res.TierTitle(c.ThisTier))
	}
	if len(c.Changes) > 0 {
		parts := make([]string, len(c.Changes))
		for i, ch := range c.Changes {
			switch {
			case ch.NoTraffic && ch.Status == StatusOK:
				parts[i] = fmt.Sprintf("%s, which has no traffic in %s, would be %s at a limit of %s", ch.ID, this, ch.OtherStatus, FormatLimit(ch.OtherLimit))
			case ch.NoTraffic:
				parts[i] = fmt.Sprintf("%s, %s here at a limit of %s, would have no traffic (%s files its requests in other buckets)", ch.ID, ch.Status, FormatLimit(ch.Limit), c.Other.Name)
			case ch.InThis && ch.InOther:
				parts[i] = fmt.Sprintf("%s would be %s at a limit of %s instead of %s at %s", ch.ID, ch.OtherStatus, FormatLimit(ch.OtherLimit), ch.Status, FormatLimit(ch.Limit))
			case ch.InOther:
				parts[i] = fmt.Sprintf("%s, a bucket of its own in %s, would be %s at a limit of %s", ch.ID, c.Other.Name, ch.OtherStatus, FormatLimit(ch.OtherLimit))
			default:
				parts[i] = fmt.Sprintf("%s, %s here at a limit of %s, is no bucket of %s (its requests fall in other buckets there)", ch.ID, ch.Status, FormatLimit(ch.Limit), c.Other.Name)
			}
		}
		fmt.Fprintf(&s, "; on %s, %s", res.TierTitle(res.Tier), strings.Join(parts, "; "))
	}
	s.WriteString(".")
	return s.String()
}

// classifyBucket returns the bucket of res's catalog called id, also when it saw no traffic: from
// the built-in catalog res's catalog derives from (nil, false for another catalog or id).
func classifyBucket(res *Result, id string) (*classify.Bucket, bool) {
	cat, err := classify.Load(catalogInfo(res).Name)
	if err != nil {
		return nil, false
	}
	b, _, ok := cat.BucketByID(id)
	return b, ok
}

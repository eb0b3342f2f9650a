package classify

import (
	"slices"
	"strings"
)

// Source is a public page a fact comes from: its title and address.
type Source struct {
	Title, URL string
}

// Cite is the source as customer-facing text names it: `"Title" (URL)`.
func (s Source) Cite() string { return `"` + s.Title + `" (` + s.URL + ")" }

// CatalogInfo says what a built-in catalog is: where its limits come from and which edition of
// Okta's tables they are, for every output that names the catalog.
type CatalogInfo struct {
	Name string // the built-in catalog's name, e.g. "seed"
	// Provenance says where the tables come from, e.g. "the tables ratecard started from".
	Provenance string
	// Edition says which edition of Okta's published limits they are, in a few words ("2025"), and
	// EditionDetail more precisely.
	Edition, EditionDetail string
	// Sources are the public Okta pages the tables were published on, and History where every
	// edition of those pages is kept.
	Sources []Source
	History Source
	// Overrides names what changes the built-in catalog's limits in a catalog derived from it ("" for
	// the built-in catalog itself): "the org's limits from limits.yaml", "the limits Okta announced in
	// the input".
	Overrides string
}

// Okta's pages of per-endpoint limits, on which both built-in catalogs' editions were published
// (Okta removed the per-tier tables from them in December 2025; the okta-developer-docs repository
// keeps every edition).
var (
	sourceMgmt    = Source{"Management rate limits", "https://developer.okta.com/docs/reference/rl-global-mgmt/"}
	sourceEndUser = Source{"Authentication/End-user rate limits", "https://developer.okta.com/docs/reference/rl-global-enduser/"}
	sourceHistory = Source{"okta/okta-developer-docs", "https://github.com/okta/okta-developer-docs"}
)

// infos are the built-in catalogs' descriptions, by name.
var infos = map[string]CatalogInfo{
	"seed": {Name: "seed", Provenance: "the tables ratecard started from", Edition: "an earlier edition of Okta's published limits",
		EditionDetail: "from before October 2021, when Okta raised Developer (paid) and One App to Enterprise's limits for most buckets",
		Sources:       []Source{sourceMgmt, sourceEndUser}, History: sourceHistory},
	"okta-2025": {Name: "okta-2025", Provenance: "the last tables Okta published", Edition: "2025",
		EditionDetail: "April to December 2025; Okta removed its per-endpoint tables from its documentation in December 2025",
		Sources:       []Source{sourceMgmt, sourceEndUser}, History: sourceHistory},
}

// Info describes the catalog called name: a built-in catalog, or one derived from it with overrides
// ("seed+limits.yaml", "seed+learned"), which is the built-in catalog with Overrides set. false for a
// name that is neither.
func Info(name string) (CatalogInfo, bool) {
	base, over, derived := strings.Cut(name, "+")
	info, ok := infos[base]
	if !ok {
		return CatalogInfo{Name: name}, false
	}
	switch {
	case !derived:
	case over == "learned":
		info.Overrides = "the limits Okta announced in the input (X-Rate-Limit-Limit headers, System Log rate-limit events)"
	default:
		info.Overrides = "the org's limits from " + over
	}
	info.Sources = slices.Clone(info.Sources)
	return info, true
}

// Describe is the catalog in a phrase, as every output names it: "seed: the tables ratecard started
// from, an earlier edition of Okta's published limits (from before October 2021, …)", with the
// overrides after a semicolon.
func (i CatalogInfo) Describe() string {
	if i.Provenance == "" {
		return i.Name
	}
	s := i.Name + ": " + i.Provenance + ", " + i.Edition + " (" + i.EditionDetail + ")"
	if i.Overrides != "" {
		s += "; with " + i.Overrides
	}
	return s
}

// Short is the catalog in a few words, for the terminal and headings: "seed (the tables ratecard
// started from, an earlier edition of Okta's published limits)", "okta-2025 (the last tables Okta
// published, 2025)", "+ overrides" when there are any.
func (i CatalogInfo) Short() string {
	if i.Provenance == "" {
		return i.Name
	}
	s := i.Name + " (" + i.Provenance + ", " + i.Edition
	if i.Overrides != "" {
		s += "; with " + i.Overrides
	}
	return s + ")"
}

// Other returns the name of the built-in catalog that is not the base of name: the one a run compares
// its verdicts with ("okta-2025" for "seed" or "seed+limits.yaml", "seed" for "okta-2025"); "" when
// name is not derived from a built-in catalog.
func Other(name string) string {
	base, _, _ := strings.Cut(name, "+")
	if _, ok := infos[base]; !ok {
		return ""
	}
	for _, b := range builtins {
		if b.name != base {
			return b.name
		}
	}
	return ""
}

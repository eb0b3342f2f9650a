package report

import (
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

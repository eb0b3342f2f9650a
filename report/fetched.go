package report

import (
	"fmt"
	"time"
)

// FetchedLog describes a directory of Okta System Log segments written by "ratecard fetch" that
// was part of the input, from the checkpoint the fetch left there.
type FetchedLog struct {
	Dir          string    // the directory as given on the command line
	Org          string    // the org's origin, e.g. https://acme.okta.com
	Since, Until time.Time // the range fetched, [Since, Until), UTC
	Events       int64     // events in the directory
	FetchedAt    time.Time // when the last page was read, or the last checkpoint of an incomplete fetch
	Complete     bool      // the fetch read its last page
	// WarningThreshold is the org's own rate-limit warning threshold in percent, from the
	// rate-limit settings the fetch saved; 0 when they could not be read. WarnApplied says the
	// analysis took its warning threshold from it (no --warn was given).
	WarningThreshold int
	WarnApplied      bool
}

// fetchedJSON is a FetchedLog in summary.json's input.fetched.
type fetchedJSON struct {
	Dir              string `json:"dir"`
	Org              string `json:"org"`
	Since            string `json:"since"`
	Until            string `json:"until"`
	Events           int64  `json:"events"`
	FetchedAt        string `json:"fetched_at"`
	Complete         bool   `json:"complete"`
	WarningThreshold *int   `json:"warning_threshold"` // null when unknown
	WarnApplied      bool   `json:"warn_from_org"`
}

// fetchedJSONs converts the fetched logs for summary.json (nil when there are none, so that the
// field is left out).
func fetchedJSONs(fs []FetchedLog) []fetchedJSON {
	var out []fetchedJSON
	for _, f := range fs {
		j := fetchedJSON{Dir: f.Dir, Org: f.Org, Since: rfc3339(f.Since), Until: rfc3339(f.Until), Events: f.Events,
			FetchedAt: rfc3339(f.FetchedAt), Complete: f.Complete, WarnApplied: f.WarnApplied}
		if f.WarningThreshold > 0 {
			w := f.WarningThreshold
			j.WarningThreshold = &w
		}
		out = append(out, j)
	}
	return out
}

// FetchedText is one sentence on a fetched System Log for the report, summary.md and the
// terminal, e.g. "Okta System Log of https://acme.okta.com for 2026-11-01 00:00 to 2026-12-01
// 00:00 UTC: 12,345 events, fetched 2026-12-05 10:00 UTC by ratecard fetch".
func FetchedText(f FetchedLog) string {
	s := fmt.Sprintf("Okta System Log of %s for %s to %s UTC: %s, fetched %s UTC by ratecard fetch",
		f.Org, f.Since.UTC().Format("2006-01-02 15:04"), f.Until.UTC().Format("2006-01-02 15:04"),
		count(f.Events, "event"), f.FetchedAt.UTC().Format("2006-01-02 15:04"))
	if !f.Complete {
		s += " (incomplete: run the same ratecard fetch again to finish it)"
	}
	if f.WarnApplied {
		s += fmt.Sprintf("; the warning threshold of %d %% is the org's own setting", f.WarningThreshold)
	}
	return s
}

// Count writes n with thousands separators and word, plural unless n is 1 ("1 event",
// "12,345 events"), as every output of ratecard does.
func Count(n int64, word string) string { return count(n, word) }

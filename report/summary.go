package report

import (
	"bytes"
	"encoding/json"
	"io"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

// The types below are the summary.json contract (design.md): field names and order are fixed.
// Fields may be added; none may be renamed or removed without changing README and tests together.

type summaryJSON struct {
	Tier           string            `json:"tier"`
	Catalog        string            `json:"catalog"`
	WarnPercent    int               `json:"warn_percent"`
	Window         windowJSON        `json:"window"`
	Input          inputJSON         `json:"input"`
	Buckets        []bucketJSON      `json:"buckets"`
	PublicMetadata requestsJSON      `json:"public_metadata"`
	OutsideCatalog requestsJSON      `json:"outside_catalog"`
	Tiers          []tierSummaryJSON `json:"tiers"`
}

type windowJSON struct {
	From *string `json:"from"` // null when the input held no request
	To   *string `json:"to"`
}

type inputJSON struct {
	Lines           int64            `json:"lines"`
	Requests        int64            `json:"requests"`
	Skipped         int64            `json:"skipped"`
	SkippedReasons  map[string]int64 `json:"skipped_reasons"`
	Files           []fileJSON       `json:"files"`
	SkippedExamples []skipJSON       `json:"skipped_examples"`
}

type fileJSON struct {
	Path           string           `json:"path"`
	Format         string           `json:"format"`
	Lines          int64            `json:"lines"`
	Requests       int64            `json:"requests"`
	Skipped        int64            `json:"skipped"`
	SkippedReasons map[string]int64 `json:"skipped_reasons"`
	First          *string          `json:"first_request"`
	Last           *string          `json:"last_request"`
	Error          string           `json:"error,omitempty"`
}

// skipJSON names a skipped line without its content: raw lines may hold user logins.
type skipJSON struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

type peakJSON struct {
	Count  int64  `json:"count"`
	Minute string `json:"minute"`
}

type rollingJSON struct {
	Count int64  `json:"count"`
	Start string `json:"start"`
}

type bucketJSON struct {
	ID            string              `json:"id"`
	Limit         *int                `json:"limit"`
	Requests      int64               `json:"requests"`
	Peak          peakJSON            `json:"peak"`
	RollingPeak   rollingJSON         `json:"rolling_peak"`
	Utilization   *float64            `json:"utilization"`
	MinutesNear   int64               `json:"minutes_near"`
	MinutesOver   int64               `json:"minutes_over"`
	Status        string              `json:"status"`
	RollingStatus string              `json:"rolling_status"`
	Endpoint      string              `json:"endpoint"`
	Rule          string              `json:"rule"`
	RollingUtil   *float64            `json:"rolling_utilization"`
	ByTier        map[string]tierJSON `json:"by_tier"`
}

type tierJSON struct {
	Limit              *int     `json:"limit"`
	Utilization        *float64 `json:"utilization"`
	RollingUtilization *float64 `json:"rolling_utilization"`
	MinutesNear        int64    `json:"minutes_near"`
	MinutesOver        int64    `json:"minutes_over"`
	Status             string   `json:"status"`
	RollingStatus      string   `json:"rolling_status"`
}

type requestsJSON struct {
	Requests int64 `json:"requests"`
}

type tierSummaryJSON struct {
	Tier               string   `json:"tier"`
	BucketsOver        []string `json:"buckets_over"`
	BucketsNear        []string `json:"buckets_near"`
	MinutesOver        int64    `json:"minutes_over"`
	BucketsRollingOver []string `json:"buckets_rolling_over"`
	BucketsUnavailable []string `json:"buckets_unavailable"`
}

// rfc3339 formats a UTC instant with as many fractional digits as it has (none for whole seconds).
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := rfc3339(t)
	return &s
}

func tierJSONOf(v *TierVerdict) tierJSON {
	j := tierJSON{MinutesNear: v.MinutesNear, MinutesOver: v.MinutesOver, Status: v.Status, RollingStatus: v.RollingStatus}
	if v.Limit != classify.NA {
		lim, u, ru := v.Limit, v.Utilization, v.RollingUtil
		j.Limit, j.Utilization, j.RollingUtilization = &lim, &u, &ru
	}
	return j
}

// allReasons returns counts for every known skip reason, zero included, so the JSON keys are stable.
func allReasons(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(ingest.Reasons))
	for _, r := range ingest.Reasons {
		out[r] = m[r]
	}
	for r, n := range m {
		out[r] = n
	}
	return out
}

// WriteSummary writes res as summary.json (indented, keys in contract order, trailing newline).
func WriteSummary(w io.Writer, res *Result) error {
	s := summaryJSON{
		Tier:           res.Tier.String(),
		Catalog:        res.Catalog,
		WarnPercent:    res.WarnPercent,
		Window:         windowJSON{From: optTime(res.From), To: optTime(res.To)},
		Buckets:        []bucketJSON{},
		PublicMetadata: requestsJSON{res.PublicMetadata},
		OutsideCatalog: requestsJSON{res.OutsideCatalog},
	}
	in := &res.Input
	s.Input = inputJSON{Lines: in.Lines, Requests: in.Requests, Skipped: in.Skipped,
		SkippedReasons: allReasons(in.SkippedReasons), Files: []fileJSON{}, SkippedExamples: []skipJSON{}}
	for _, f := range in.Files {
		s.Input.Files = append(s.Input.Files, fileJSON{Path: f.Path, Format: f.Format, Lines: f.Lines,
			Requests: f.Requests, Skipped: f.Skipped, SkippedReasons: allReasons(f.SkippedReasons),
			First: optTime(f.First), Last: optTime(f.Last), Error: f.Err})
	}
	for _, e := range in.Examples {
		s.Input.SkippedExamples = append(s.Input.SkippedExamples, skipJSON{File: e.File, Line: e.Line, Reason: e.Reason})
	}
	for i := range res.Buckets {
		b := &res.Buckets[i]
		v := b.Chosen(res.Tier)
		tj := tierJSONOf(v)
		bj := bucketJSON{
			ID: b.Bucket.ID, Limit: tj.Limit, Requests: b.Requests,
			Peak:        peakJSON{Count: b.Peak, Minute: rfc3339(b.PeakMinute)},
			RollingPeak: rollingJSON{Count: b.Rolling, Start: rfc3339(b.RollingFrom)},
			Utilization: tj.Utilization, RollingUtil: tj.RollingUtilization,
			MinutesNear: v.MinutesNear, MinutesOver: v.MinutesOver,
			Status: v.Status, RollingStatus: v.RollingStatus,
			Endpoint: b.Bucket.Pattern, Rule: b.Bucket.Rule,
			ByTier: map[string]tierJSON{},
		}
		for t := range b.ByTier {
			bj.ByTier[classify.Tiers[t].String()] = tierJSONOf(&b.ByTier[t])
		}
		s.Buckets = append(s.Buckets, bj)
	}
	for _, t := range res.Tiers {
		s.Tiers = append(s.Tiers, tierSummaryJSON{Tier: t.Tier.String(), BucketsOver: t.BucketsOver,
			BucketsNear: t.BucketsNear, MinutesOver: t.MinutesOver,
			BucketsRollingOver: t.BucketsRollingOver, BucketsUnavailable: t.BucketsUnavailable})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&s); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

package report

import (
	"bytes"
	"encoding/json"
	"io"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

// The types below are the summary.json contract (README, "Output"): field names and order are fixed.
// Fields may be added; none may be renamed or removed without changing README and tests together.

type summaryJSON struct {
	Tier           string               `json:"tier"`
	Catalog        string               `json:"catalog"`
	WarnPercent    int                  `json:"warn_percent"`
	Window         windowJSON           `json:"window"`
	Input          inputJSON            `json:"input"`
	Buckets        []bucketJSON         `json:"buckets"`
	PublicMetadata requestsJSON         `json:"public_metadata"`
	OutsideCatalog requestsJSON         `json:"outside_catalog"`
	MethodUnknown  []methodUnknownJSON  `json:"method_unknown"`
	Tiers          []tierSummaryJSON    `json:"tiers"`
	Recommendation recommendationJSON   `json:"recommendation"`
	OktaEvents     []rateLimitEventJSON `json:"okta_events"`
	ChartWindow    windowJSON           `json:"chart_window"`
	Outliers       outliersJSON         `json:"outliers"`
	GeneratedAt    *string              `json:"generated_at,omitempty"`
	CatalogInfo    catalogInfoJSON      `json:"catalog_info"`
	Comparison     *comparisonJSON      `json:"catalog_comparison,omitempty"`
	Org            string               `json:"org,omitempty"`
	NoOktaTraffic  bool                 `json:"no_okta_traffic,omitempty"`
	Concurrency    *concurrencyJSON     `json:"concurrency,omitempty"`
	ClientLimits   *clientLimitsJSON    `json:"client_limits,omitempty"`
}

// catalogInfoJSON describes the catalog judged by: where its tables come from, their edition, the
// public Okta pages they were published on, and what overrides them.
type catalogInfoJSON struct {
	Name          string       `json:"name"`
	Provenance    string       `json:"provenance"`
	Edition       string       `json:"edition"`
	EditionDetail string       `json:"edition_detail"`
	Pages         []sourceJSON `json:"pages"`
	History       *sourceJSON  `json:"history,omitempty"`
	Overrides     string       `json:"overrides,omitempty"`
}

type sourceJSON struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// comparisonJSON is what the other built-in catalog would change, by minute peak: the smallest tier
// every bucket fits by minute peak in each catalog (null for none), and the buckets whose minute-peak
// verdict on the chosen tier differs (a status and limit are null where the catalog has no such
// bucket or the tier does not offer it).
type comparisonJSON struct {
	// Catalog is the other built-in catalog, with its provenance and edition.
	Catalog    string `json:"catalog"`
	Provenance string `json:"provenance"`
	Edition    string `json:"edition"`
	// ComparedBy is "minute_peak": the other catalog's rolling peaks are not computed.
	ComparedBy string `json:"compared_by"`
	// TierByMinute and OtherByMinute are the smallest tiers every bucket fits by minute peak, in this
	// catalog and the other.
	TierByMinute  *string      `json:"tier_by_minute_peak"`
	OtherByMinute *string      `json:"other_tier_by_minute_peak"`
	Changes       []changeJSON `json:"changes"`
}

type changeJSON struct {
	Bucket      string  `json:"bucket"`
	Status      *string `json:"status"`
	OtherStatus *string `json:"other_status"`
	Limit       *int    `json:"limit"`
	OtherLimit  *int    `json:"other_limit"`
}

// methodUnknownJSON is a group of System Log requests of unknown method (Result.MethodUnknown): the
// buckets they could belong to, how many, and their path templates.
type methodUnknownJSON struct {
	Buckets  []string `json:"buckets"`
	Requests int64    `json:"requests"`
	Paths    []string `json:"paths"`
}

// outliersJSON counts the requests far outside the bulk of the traffic (Result.Outliers).
type outliersJSON struct {
	Requests int64   `json:"requests"`
	First    *string `json:"first_minute"`
	Last     *string `json:"last_minute"`
}

// rateLimitEventJSON is one Okta rate-limit event from System Log input beside ratecard's count.
type rateLimitEventJSON struct {
	Time       *string `json:"time"`
	Type       string  `json:"type"`
	Kind       string  `json:"kind"`
	URLPattern string  `json:"url_pattern"`
	Bucket     *string `json:"bucket"`
	Threshold  *int    `json:"threshold"`
	Count      int64   `json:"count_in_minute"`
	Limit      *int    `json:"limit"`
	File       string  `json:"file"`
	Line       int     `json:"line"`
}

// recommendationJSON is Recommend's result. Tier is the smallest tier every bucket fits (null when
// none does); Multipliers and NeededLimits hold, for each bucket that does not fit the chosen tier,
// the multiple of its limit and the whole limit that would keep its peaks below the warning threshold.
type recommendationJSON struct {
	Tier         *string            `json:"tier"`
	Multipliers  map[string]float64 `json:"multipliers"`
	NeededLimits map[string]int64   `json:"needed_limits"`
	Reach        []reachJSON        `json:"reach,omitempty"`
}

// reachJSON is how far one tier gets when no tier fits: of the buckets that do not fit the chosen
// tier, how many fit it; the multipliers the others would need on it; the buckets it does not offer.
type reachJSON struct {
	Tier        string             `json:"tier"`
	Fixes       int                `json:"fixes"`
	Of          int                `json:"of"`
	Multipliers map[string]float64 `json:"multipliers"`
	NotOffered  []string           `json:"not_offered"`
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
	OutsideWindow   int64            `json:"outside_window"`
	Duplicates      int64            `json:"duplicates_dropped"`
	// Gaps lists the longest clock gaps (at most 10, longest first); GapCount and GapMinutes count
	// all of them, each at least GapThreshold minutes long.
	Gaps         []gapJSON `json:"clock_gaps"`
	GapCount     int64     `json:"clock_gap_count"`
	GapMinutes   int64     `json:"clock_gap_minutes"`
	GapThreshold int       `json:"clock_gap_threshold_minutes"`
	// Fetched describes the System Logs "ratecard fetch" wrote into input directories; left out
	// when there are none.
	Fetched []fetchedJSON `json:"fetched,omitempty"`
	// SkipWarnings are the files with more skipped lines than --max-skipped allows.
	SkipWarnings []skipWarningJSON `json:"skipped_warnings,omitempty"`
	// Counts is true when the input was requests counted per bucket and second (analyze --counts):
	// lines are its rows, and callers, paths and principals are not available; left out otherwise.
	Counts bool `json:"counts,omitempty"`
}

// skipWarningJSON is a file with more skipped lines than the share warned from (max_skipped_percent).
type skipWarningJSON struct {
	File        string  `json:"file"`
	Lines       int64   `json:"lines"`
	Skipped     int64   `json:"skipped"`
	MainReason  string  `json:"main_reason"`
	ReasonLines int64   `json:"main_reason_lines"`
	MaxSkipped  float64 `json:"max_skipped_percent"`
}

// gapJSON is a clock gap: no request in the UTC minutes [from, to).
type gapJSON struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Minutes int64  `json:"minutes"`
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
	OutsideWindow  int64            `json:"outside_window"`
	Duplicates     int64            `json:"duplicates_dropped"`
	// Formats counts the lines read as each format, present only when per-line detection read some
	// of the file's lines in another format than Format.
	Formats map[string]int64 `json:"formats,omitempty"`
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
	BurstEligible bool                `json:"burst_eligible"`
	Burst         string              `json:"burst"`
	RollingBurst  string              `json:"rolling_burst"`
	LimitOrigin   string              `json:"limit_origin,omitempty"`
	Throttled     int64               `json:"throttled"`
	ThrottledMins int64               `json:"throttled_minutes"`
	SystemLog     int64               `json:"system_log_requests"`
	LearnedLimit  *int                `json:"learned_limit"`
	EventLimit    *int                `json:"okta_event_threshold"`
	HotMinutes    int64               `json:"hot_minutes"`
	HotRequests   int64               `json:"hot_requests"`
	TopClients    []shareJSON         `json:"top_clients"`
	TopAgents     []shareJSON         `json:"top_user_agents"`
	TopPaths      []shareJSON         `json:"top_paths"`
	Principals    []principalJSON     `json:"principals"`
	TopProducts   []shareJSON         `json:"top_integrations"`
}

// principalJSON is one principal's busiest minute against its share of the bucket.
type principalJSON struct {
	Name         string `json:"name"`
	Peak         int64  `json:"peak"`
	Minute       string `json:"minute"`
	SharePercent int    `json:"share_percent"`
	Limit        *int   `json:"limit"`
	Over         bool   `json:"over"`
	BucketCount  int64  `json:"bucket_count"`
	BucketOver   bool   `json:"bucket_over"`
}

// shareJSON is one caller in a bucket's hot minutes.
type shareJSON struct {
	Name     string  `json:"name"`
	Requests int64   `json:"requests"`
	Share    float64 `json:"share"`
}

func sharesJSON(shares []Share, total int64) []shareJSON {
	out := []shareJSON{}
	for _, s := range shares {
		out = append(out, shareJSON{Name: s.Name, Requests: s.Count, Share: ratioOf(s.Count, total)})
	}
	return out
}

// ratioOf is n/d rounded to 3 decimals, 0 when d is 0.
func ratioOf(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n*1000/d) / 1000
}

type tierJSON struct {
	Limit              *int     `json:"limit"`
	Utilization        *float64 `json:"utilization"`
	RollingUtilization *float64 `json:"rolling_utilization"`
	MinutesNear        int64    `json:"minutes_near"`
	MinutesOver        int64    `json:"minutes_over"`
	Status             string   `json:"status"`
	RollingStatus      string   `json:"rolling_status"`
	Burst              string   `json:"burst"`
	RollingBurst       string   `json:"rolling_burst"`
	LimitOrigin        string   `json:"limit_origin,omitempty"`
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

// burstJSON is classify.BurstStatus for the summary: "none" (at or under the limit), "burst" (over
// it but within Okta's 5x burst allowance, on a burst-eligible bucket), "violation", or "unavailable".
func burstJSON(count int64, limit int, eligible bool) string {
	if s := classify.BurstStatus(count, limit, eligible); s != classify.BurstNone {
		return s
	}
	return "none"
}

func tierJSONOf(b *BucketResult, t classify.Tier) tierJSON {
	v := &b.ByTier[t]
	eligible := b.Bucket.BurstEligible()
	j := tierJSON{MinutesNear: v.MinutesNear, MinutesOver: v.MinutesOver, Status: v.Status, RollingStatus: v.RollingStatus,
		Burst: burstJSON(b.Peak, v.Limit, eligible), RollingBurst: burstJSON(b.Rolling, v.Limit, eligible),
		LimitOrigin: b.Bucket.LimitOrigin(t)}
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
		MethodUnknown:  []methodUnknownJSON{},
	}
	for _, g := range res.MethodUnknown {
		s.MethodUnknown = append(s.MethodUnknown, methodUnknownJSON{Buckets: g.Buckets, Requests: g.Requests, Paths: append([]string{}, g.Paths...)})
	}
	in := &res.Input
	s.Input = inputJSON{Lines: in.Lines, Requests: in.Requests, Skipped: in.Skipped,
		SkippedReasons: allReasons(in.SkippedReasons), Files: []fileJSON{}, SkippedExamples: []skipJSON{},
		OutsideWindow: in.OutsideWindow, Duplicates: in.Duplicates,
		Gaps: []gapJSON{}, GapCount: res.GapCount, GapMinutes: res.GapMinutes, GapThreshold: res.GapThreshold,
		Fetched: fetchedJSONs(in.Fetched), Counts: in.Counts}
	for _, g := range res.Gaps {
		s.Input.Gaps = append(s.Input.Gaps, gapJSON{From: rfc3339(g.From), To: rfc3339(g.To), Minutes: g.Minutes()})
	}
	for _, f := range in.Files {
		s.Input.Files = append(s.Input.Files, fileJSON{Path: f.Path, Format: f.Format, Lines: f.Lines,
			Requests: f.Requests, Skipped: f.Skipped, SkippedReasons: allReasons(f.SkippedReasons),
			First: optTime(f.First), Last: optTime(f.Last), Error: f.Err, OutsideWindow: f.OutsideWindow, Duplicates: f.Duplicates,
			Formats: f.Formats})
	}
	for _, e := range in.Examples {
		s.Input.SkippedExamples = append(s.Input.SkippedExamples, skipJSON{File: e.File, Line: e.Line, Reason: e.Reason})
	}
	for i := range res.Buckets {
		b := &res.Buckets[i]
		v := b.Chosen(res.Tier)
		tj := tierJSONOf(b, res.Tier)
		bj := bucketJSON{
			ID: b.Bucket.ID, Limit: tj.Limit, Requests: b.Requests,
			Peak:        peakJSON{Count: b.Peak, Minute: rfc3339(b.PeakMinute)},
			RollingPeak: rollingJSON{Count: b.Rolling, Start: rfc3339(b.RollingFrom)},
			Utilization: tj.Utilization, RollingUtil: tj.RollingUtilization,
			MinutesNear: v.MinutesNear, MinutesOver: v.MinutesOver,
			Status: v.Status, RollingStatus: v.RollingStatus,
			Endpoint: b.Bucket.Pattern, Rule: b.Bucket.Rule,
			ByTier:        map[string]tierJSON{},
			BurstEligible: b.Bucket.BurstEligible(), Burst: tj.Burst, RollingBurst: tj.RollingBurst,
			LimitOrigin: tj.LimitOrigin,
			Throttled:   b.Throttled, ThrottledMins: b.ThrottledMinutes, SystemLog: b.SystemLog,
			HotMinutes: b.HotMinutes, HotRequests: b.HotRequests,
			TopClients: sharesJSON(b.Clients, b.HotRequests), TopAgents: sharesJSON(b.Agents, b.HotRequests),
			TopPaths:    sharesJSON(b.Paths, b.HotRequests),
			TopProducts: sharesJSON(b.Products, b.HotRequests),
		}
		if b.LearnedLimit > 0 {
			l := b.LearnedLimit
			bj.LearnedLimit = &l
		}
		if b.EventThreshold > 0 {
			l := b.EventThreshold
			bj.EventLimit = &l
		}
		bj.Principals = []principalJSON{}
		for _, pp := range b.Principals {
			j := principalJSON{Name: pp.Name, Peak: pp.Peak, Minute: rfc3339(pp.Minute), SharePercent: pp.Share,
				Over: pp.Over, BucketCount: pp.BucketCount, BucketOver: pp.BucketOver}
			if pp.Limit != classify.NA {
				l := pp.Limit
				j.Limit = &l
			}
			bj.Principals = append(bj.Principals, j)
		}
		for _, t := range classify.Tiers {
			bj.ByTier[t.String()] = tierJSONOf(b, t)
		}
		s.Buckets = append(s.Buckets, bj)
	}
	for _, t := range res.Tiers {
		s.Tiers = append(s.Tiers, tierSummaryJSON{Tier: t.Tier.String(), BucketsOver: t.BucketsOver,
			BucketsNear: t.BucketsNear, MinutesOver: t.MinutesOver,
			BucketsRollingOver: t.BucketsRollingOver, BucketsUnavailable: t.BucketsUnavailable})
	}
	rec := Recommend(res)
	s.Recommendation = recommendationJSON{Multipliers: map[string]float64{}, NeededLimits: map[string]int64{}}
	if rec.Found {
		id := rec.Tier.String()
		s.Recommendation.Tier = &id
	}
	for _, n := range rec.Needs {
		s.Recommendation.Multipliers[n.ID] = n.Multiplier
		s.Recommendation.NeededLimits[n.ID] = n.NeededLimit
	}
	for _, n := range rec.Reach {
		r := reachJSON{Tier: n.Tier.String(), Fixes: n.Fixed, Of: n.Of, Multipliers: map[string]float64{}, NotOffered: n.NotOffered}
		for _, need := range n.Needs {
			r.Multipliers[need.ID] = need.Multiplier
		}
		if r.NotOffered == nil {
			r.NotOffered = []string{}
		}
		s.Recommendation.Reach = append(s.Recommendation.Reach, r)
	}
	s.Concurrency, s.ClientLimits = concurrencySummary(res), clientLimitsSummary(res)
	for _, w := range res.SkipWarnings {
		s.Input.SkipWarnings = append(s.Input.SkipWarnings, skipWarningJSON{File: w.File, Lines: w.Lines, Skipped: w.Skipped,
			MainReason: w.Reason, ReasonLines: w.ReasonLines, MaxSkipped: float64(w.MaxSkipped) / 100})
	}
	info := catalogInfo(res)
	s.CatalogInfo = catalogInfoJSON{Name: info.Name, Provenance: info.Provenance, Edition: info.Edition, EditionDetail: info.EditionDetail,
		Pages: []sourceJSON{}, Overrides: info.Overrides}
	for _, src := range info.Sources {
		s.CatalogInfo.Pages = append(s.CatalogInfo.Pages, sourceJSON{src.Title, src.URL})
	}
	if info.History.URL != "" {
		s.CatalogInfo.History = &sourceJSON{info.History.Title, info.History.URL}
	}
	if c := compareCatalogs(res); c != nil {
		cj := &comparisonJSON{Catalog: c.Other.Name, Provenance: c.Other.Provenance, Edition: c.Other.Edition, ComparedBy: "minute_peak",
			Changes: []changeJSON{}}
		if c.ThisFound {
			t := c.ThisTier.String()
			cj.TierByMinute = &t
		}
		if c.OtherFound {
			t := c.OtherTier.String()
			cj.OtherByMinute = &t
		}
		for _, ch := range c.Changes {
			j := changeJSON{Bucket: ch.ID}
			if ch.InThis {
				st := ch.Status
				j.Status = &st
				if ch.Limit != classify.NA {
					l := ch.Limit
					j.Limit = &l
				}
			}
			if ch.InOther {
				st := ch.OtherStatus
				j.OtherStatus = &st
				if ch.OtherLimit != classify.NA {
					l := ch.OtherLimit
					j.OtherLimit = &l
				}
			}
			cj.Changes = append(cj.Changes, j)
		}
		s.Comparison = cj
	}
	s.Org = res.Org
	s.NoOktaTraffic = res.NoOktaTraffic()
	s.GeneratedAt = optTime(res.GeneratedAt)
	s.ChartWindow = windowJSON{From: optTime(res.ChartFrom), To: optTime(res.ChartTo)}
	s.Outliers = outliersJSON{Requests: res.Outliers, First: optTime(res.OutlierFirst), Last: optTime(res.OutlierLast)}
	s.OktaEvents = []rateLimitEventJSON{}
	for _, e := range res.Events {
		j := rateLimitEventJSON{Time: optTime(e.Time), Type: e.Type, Kind: e.Kind, URLPattern: e.URLPattern,
			Count: e.Count, File: e.File, Line: e.Line}
		if e.Bucket != "" {
			id := e.Bucket
			j.Bucket = &id
		}
		if e.Threshold > 0 {
			th := e.Threshold
			j.Threshold = &th
		}
		if e.Bucket != "" && e.Limit != classify.NA {
			l := e.Limit
			j.Limit = &l
		}
		s.OktaEvents = append(s.OktaEvents, j)
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

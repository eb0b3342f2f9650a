package report

import (
	"strings"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

// Verdicts a bucket can get on a tier. They are the strings summary.json uses.
const (
	StatusOK          = "ok"          // peak below warn% of the limit
	StatusNear        = "near"        // warn% × limit ≤ peak ≤ limit
	StatusOver        = "over"        // peak > limit
	StatusUnavailable = "unavailable" // the tier does not offer the endpoint (limit N/A) yet the input has traffic to it
)

// Result is a finished analysis: everything the report, summary.json and the terminal table show.
// It is plain data, so rendering needs no database.
type Result struct {
	Catalog string // catalog name, e.g. "seed"
	// TierTitles are the catalog's names for the tiers (okta-2025 calls developer-free "Integrator
	// Free Plan"); "" falls back to Tier.Title. Use TierTitle.
	TierTitles  [classify.NumTiers]string
	Tier        classify.Tier // the tier the admin asked to be judged against
	WarnPercent int           // warning threshold in percent of the limit (Okta's default 60)

	// From and To bound the analysed traffic: From is the UTC minute of the first request, To the minute
	// after the last one (an exclusive end). Both are zero when the input held no request.
	From, To time.Time
	// ChartFrom and ChartTo are the time axis of the charts and heatmaps: From and To, or the bulk of
	// the traffic when a few requests lie far outside it (Outliers of them, in the minutes from
	// OutlierFirst to OutlierLast): the minutes between the 0.1st and 99.9th percentile of requests,
	// widened by a day on each side. With --from/--to the axis is the whole window.
	ChartFrom, ChartTo        time.Time
	Outliers                  int64
	OutlierFirst, OutlierLast time.Time

	Input Input

	// Gaps are the longest clock gaps (at most 10, longest first): stretches of at least GapThreshold
	// minutes with no request to any rate-limited endpoint, between minutes that had some. GapCount and
	// GapMinutes count every gap and its empty minutes. GapThreshold is 15 minutes, or 10 times the
	// median spacing of the minutes with traffic when that is longer, so that a quiet org's idle nights
	// are not gaps.
	Gaps         []Gap
	GapCount     int64
	GapMinutes   int64
	GapThreshold int

	// Buckets holds every bucket that saw traffic, in catalog order.
	Buckets []BucketResult

	PublicMetadata int64 // requests to never-limited public metadata endpoints
	OutsideCatalog int64 // requests to paths that no Okta bucket covers (e.g. /login/login.htm, /favicon.ico)
	// MethodUnknown groups the requests recovered from Okta System Log events whose method is not
	// known (Okta logs none, and neither the event type nor the path makes it certain) and whose
	// candidate methods fall in different buckets, by the buckets they could belong to; the most
	// requests first. They are counted in no bucket.
	MethodUnknown []MethodUnknown

	// Tiers holds one verdict per tier, in classify.Tiers order.
	Tiers []TierResult

	// Events are Okta's own rate-limit events from System Log input, matched to buckets, in time
	// order.
	Events []RateLimitEvent

	// GeneratedAt, when set (ratecard analyze --stamp), is written into the outputs; by default they
	// hold no clock time, so the same input gives the same bytes.
	GeneratedAt time.Time

	// Org names the Okta org the logs are of (--org: a URL such as https://acme.okta.com, or a name);
	// "" when not given.
	Org string

	// Zone is the time zone of --tz, in which report.html, summary.md, request.md and the terminal
	// show times, naming it; nil means UTC. summary.json and the CSVs are in UTC whatever it is. It is
	// how the Result is shown, not what was analysed, so it is left out of a Result's JSON.
	Zone *time.Location `json:"-"`

	// SkipWarnings are the files of which more lines were skipped than the share the run warns from
	// (--max-skipped; see SkipWarnings), in input order.
	SkipWarnings []SkipWarning

	// Other is the same traffic counted in the other built-in catalog (okta-2025 for seed and the
	// reverse), for the comparison of catalogs: each of its buckets' requests and minute peak. nil
	// when it was not counted.
	Other *OtherCatalog

	// Concurrency is the org's requests in flight at once, and ClientLimits the traffic of the
	// endpoints under Okta's client-based limits (concurrency.go). The analysis always sets them;
	// nil in a Result made otherwise (a fixture from before them), and then not reported.
	Concurrency  *Concurrency  `json:",omitempty"`
	ClientLimits *ClientLimits `json:",omitempty"`
}

// OtherCatalog is the traffic of an analysis counted in another catalog, by minute peak only.
type OtherCatalog struct {
	Catalog    string // its name, e.g. "okta-2025"
	TierTitles [classify.NumTiers]string
	Buckets    []OtherBucket // every bucket of it with traffic, in its catalog order
}

// OtherBucket is one bucket of the other catalog: its requests and its busiest UTC minute.
type OtherBucket struct {
	Bucket         *classify.Bucket // a bucket of the other catalog
	Requests, Peak int64
	PeakMinute     time.Time // the first minute with Peak requests
}

// Input is the accounting of what was read: every line is a request or a skipped line.
type Input struct {
	Lines, Requests, Skipped int64
	// OutsideWindow counts the requests (included in Requests) that --from/--to left out of the
	// analysis.
	OutsideWindow int64
	// Duplicates counts the requests (included in Requests) that --dedupe dropped as repeats.
	Duplicates     int64
	SkippedReasons map[string]int64 // every known reason, zero included
	Files          []FileInput
	Examples       []ingest.Skip // the first few skipped lines of each file
	// Events are the Okta rate-limit events found in System Log input (at most 1,000 per file), for
	// the report to set beside its own figures.
	Events []ingest.RateLimitEvent
	// Fetched describes the input directories written by "ratecard fetch" (empty otherwise). It
	// is left out of a Result's JSON (package reporttest) when empty, so fixtures without it stay
	// as they are.
	Fetched []FetchedLog `json:",omitempty"`
	// Counts is set when the input was requests already counted per bucket and second (ratecard
	// analyze --counts): each row is a line and Requests sums them, and there is no single request,
	// so no callers, paths, principals or learned limits. Left out of a Result's JSON when false.
	Counts bool `json:",omitempty"`
}

// FileInput is the accounting for one input file.
type FileInput struct {
	Path                     string
	Format                   string
	Lines, Requests, Skipped int64
	OutsideWindow            int64 // requests left out by --from/--to
	Duplicates               int64 // requests dropped by --dedupe as repeats of earlier ones
	SkippedReasons           map[string]int64
	First, Last              time.Time // first and last request time (UTC); zero when none
	Err                      string    // the read error that stopped this file early, "" when read to the end
	// Formats counts the lines read as each format when per-line detection read some of the file's
	// lines in another format than Format (they add up to Lines); nil when every line was read as
	// Format (and then left out of the JSON that stores and fixtures keep).
	Formats map[string]int64 `json:",omitempty"`
}

// BucketResult is the analysis of one bucket.
type BucketResult struct {
	Bucket   *classify.Bucket
	Requests int64

	Peak        int64     // largest count in one wall-clock UTC minute
	PeakMinute  time.Time // the first minute with that count
	Rolling     int64     // largest count in any 60-second span [t, t+60s)
	RollingFrom time.Time // t: timestamp of the first request of the first such span

	// P95 and P99 are the 95th and 99th percentiles of the bucket's non-empty minutes' counts, as
	// DuckDB's quantile_disc gives them: an observed minute count, never an interpolation. Minutes
	// without a request are left out, so they describe the bucket's busy minutes rather than a mostly
	// idle month.
	P95, P99 int64

	// ByTier holds the verdicts on every tier, indexed by classify.Tier.
	ByTier [classify.NumTiers]TierVerdict

	// Minutes holds every non-empty minute, in time order, for the charts.
	Minutes []MinuteCount

	// Throttled is the number of this bucket's requests the log shows answered with HTTP 429, and
	// ThrottledMinutes the number of distinct minutes with at least one.
	Throttled, ThrottledMinutes int64
	// SystemLog is the number of requests recovered from Okta System Log events (a lower bound of
	// the real traffic: Okta does not log every call).
	SystemLog int64
	// LearnedLimit is the X-Rate-Limit-Limit Okta sent most often on this bucket's responses, where
	// the log recorded the header (LearnedCount responses); 0 when it never did.
	LearnedLimit int
	LearnedCount int64
	// EventThreshold is the largest limit Okta's own System Log rate-limit events reported for this
	// bucket (threshold, or the base threshold of a burst); 0 when none did.
	EventThreshold int

	// HotMinutes is the number of minutes the drill-down covers: the minutes near or over the chosen
	// tier's limit and the one or two minutes of the rolling peak. HotRequests is their request count,
	// and Clients and Agents the top callers in them by client address and by user agent, largest
	// first. All three are empty for a bucket that was never near its limit.
	HotMinutes  int64
	HotRequests int64
	Clients     []Share
	Agents      []Share
	// Paths are the top path templates in the hot minutes (classify.Catalog.AppendTemplate: no
	// login, id or query string), largest first.
	Paths []Share
	// Products are the integrations behind the hot minutes, by the product token of their user
	// agents (ingest.Product: "okta-sdk-java/8.2", "Terraform/1.6"; no personal data), largest first.
	Products []Share

	// Principals are the principals the input names (API token ids, OAuth client ids, or a principal
	// map's names) with their peaks against their share, the busiest first (at most 20).
	Principals []PrincipalPeak
}

// MethodUnknown is a group of requests of unknown method that could belong to any of Buckets (the
// ids of the classes their candidate methods give, in catalog order).
type MethodUnknown struct {
	Buckets  []string
	Requests int64
	Paths    []string // their path templates, the most requests first (at most 10)
}

// SystemLogRead reports whether an input file was an Okta System Log export (a format okta-*).
func (r *Result) SystemLogRead() bool {
	for _, f := range r.Input.Files {
		if strings.HasPrefix(f.Format, "okta-") {
			return true
		}
	}
	return false
}

// SystemLogRequests is the number of requests in buckets recovered from Okta System Log events.
func (r *Result) SystemLogRequests() int64 {
	var n int64
	for i := range r.Buckets {
		n += r.Buckets[i].SystemLog
	}
	return n
}

// MethodUnknownRequests is the number of requests of unknown method (the sum over MethodUnknown).
func (r *Result) MethodUnknownRequests() int64 {
	var n int64
	for _, g := range r.MethodUnknown {
		n += g.Requests
	}
	return n
}

// PrincipalPeak is one principal's (an API token's, an OAuth app's, a mapped caller's) busiest minute
// on a bucket, against its share of the bucket's limit on the chosen tier.
type PrincipalPeak struct {
	Name        string
	Peak        int64     // the principal's largest count in one UTC minute
	Minute      time.Time // the first such minute
	Share       int       // its share of the bucket, percent
	Limit       int       // the share of the chosen tier's limit, requests per minute (classify.NA when not offered)
	Over        bool      // Peak > Limit: Okta would have throttled this principal
	BucketCount int64     // the whole bucket's count in that minute
	BucketOver  bool      // whether the bucket itself was over in that minute
}

// Share is one caller's part of a bucket's requests in its hot minutes.
type Share struct {
	Name  string // client address or user agent as logged ("" when the log had none)
	Count int64
}

// Fraction is s.Count / total, 0 when total is 0.
func (s Share) Fraction(total int64) float64 {
	if total == 0 {
		return 0
	}
	return float64(s.Count) / float64(total)
}

// Gap is a clock gap: the UTC minutes [From, To) had no request.
type Gap struct {
	From, To time.Time
}

// Minutes is the length of the gap in minutes.
func (g Gap) Minutes() int64 { return int64(g.To.Sub(g.From) / time.Minute) }

// MinuteCount is the number of requests in one wall-clock UTC minute.
type MinuteCount struct {
	Minute time.Time
	Count  int64
	// Throttled is how many of them the log shows answered with HTTP 429 (Too Many Requests).
	Throttled int64
}

// TierVerdict is a bucket's standing against one tier's limit.
type TierVerdict struct {
	Limit         int     // classify.NA when the tier does not offer the endpoint
	Utilization   float64 // Peak / Limit, rounded to 3 decimals; 0 when Limit is NA
	RollingUtil   float64 // Rolling / Limit, rounded to 3 decimals; 0 when Limit is NA
	MinutesNear   int64   // minutes with warn% × limit ≤ count ≤ limit
	MinutesOver   int64   // minutes with count > limit
	Status        string  // from the fixed-minute peak
	RollingStatus string  // from the rolling 60-second peak
}

// TierResult summarises one tier across all buckets.
type TierResult struct {
	Tier               classify.Tier
	BucketsOver        []string // bucket ids whose fixed-minute peak exceeds the limit
	BucketsNear        []string // bucket ids near the limit by fixed minutes
	BucketsRollingOver []string // bucket ids whose rolling 60-second peak exceeds the limit
	BucketsUnavailable []string // bucket ids with traffic that the tier does not offer
	MinutesOver        int64    // distinct UTC minutes in which at least one bucket was over
}

// Verdict returns the status of count against limit with the warning threshold warnPercent:
// over when count > limit, near when warnPercent × limit ≤ 100 × count ≤ 100 × limit, ok otherwise,
// and unavailable when limit is classify.NA. Integer arithmetic keeps the boundary exact.
func Verdict(count int64, limit int, warnPercent int) string {
	switch {
	case limit == classify.NA:
		return StatusUnavailable
	case count > int64(limit):
		return StatusOver
	case 100*count >= int64(warnPercent)*int64(limit):
		return StatusNear
	default:
		return StatusOK
	}
}

// statusRank orders statuses from best to worst, for sorting and for "worst of".
func statusRank(s string) int {
	switch s {
	case StatusOK:
		return 0
	case StatusNear:
		return 1
	case StatusOver:
		return 2
	case StatusUnavailable:
		return 3
	}
	return -1
}

// Chosen returns the verdict on the tier the analysis was run for.
func (b *BucketResult) Chosen(t classify.Tier) *TierVerdict { return &b.ByTier[t] }

// TierTitle is the display name of tier t in the analysed catalog.
func (r *Result) TierTitle(t classify.Tier) string {
	if int(t) >= 0 && int(t) < classify.NumTiers && r.TierTitles[t] != "" {
		return r.TierTitles[t]
	}
	return t.Title()
}

// RateLimitEvent is an Okta rate-limit event from System Log input (an ingest.RateLimitEvent) set
// beside ratecard's own figures: what Okta said happened (a warning, burst or violation on a bucket,
// with the limit it enforced) and what the logs show for that bucket in the event's minute.
type RateLimitEvent struct {
	Time       time.Time
	Type       string // eventType, e.g. "system.org.rate_limit.warning"
	Kind       string // "warning", "burst", "violation" or "other"
	URLPattern string // the bucket as Okta names it
	Bucket     string // the catalog bucket it maps to; "" when none does
	Threshold  int    // the limit Okta reports; 0 when the event has none
	Count      int64  // requests of Bucket in the event's UTC minute, per the logs
	Limit      int    // Bucket's limit on the chosen tier (classify.NA when not offered)
	File       string // the file it was read from
	Line       int    // its line there (for the okta-array format, its 1-based event index)
}

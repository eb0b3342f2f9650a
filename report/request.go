package report

import (
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

// This file builds the evidence pack for a rate-limit increase or DynamicScale request
// (ratecard request): request.md, request.csv and the "Rate-limit increase request" section of
// report.html.
//
// Method of the projections. A scenario is a profile of per-minute counts, each an observed minute's
// count times the scenario's factor rounded up (ceil(n × factor)), and every figure of its row is
// computed from that profile alone: the fixed-minute peak, p95 and p99 (as the analysis computes them,
// over the profile's non-empty minutes), the status and rolling status against today's limit, the
// minutes near and over, and the worst minutes.
//
//   - observed: the observed minutes, factor 1: the analysis's own figures.
//   - --growth: every observed minute, over the whole observed period.
//   - --event FROM:TOxN: the event's days only. Each event day is taken to look like the bucket's
//     worst observed UTC day (the day of its peak minute; only its observed minutes when the logs
//     cover it in part), times N (times the growth when both are given): the profile is that day's
//     minutes, scaled, once per event day, so minutes near and over count over the event's length
//     (days × that day's), and the worst minutes are that day's, at their observed times, with
//     projected counts.
//
// The rolling 60-second peak of a projection is the observed rolling peak times the factor: it
// assumes the extra traffic arrives in today's shape (and, for an event, that the worst observed
// 60 seconds recur), which never understates it. The limit a scenario needs is the smallest limit
// that keeps that rolling peak strictly below the warning threshold, as Recommend computes it for the
// observed traffic; what to ask Okta for follows from its multiple of today's limit (see Ask).

// factorOne is a factor of ×1 in the fixed-point unit of projection factors (ten-thousandths).
const factorOne = 10000

// Growth is an expected traffic growth, as --growth gives it ("30%").
type Growth struct {
	// Hundredths is the growth in hundredths of a percent: 3000 is +30 %.
	Hundredths int64
}

// Factor is the growth as a multiplier in ten-thousandths (+30 % is 13000).
func (g Growth) Factor() int64 { return factorOne + g.Hundredths }

// String formats the growth as "+30 %" (with decimals only when needed, "+12.5 %").
func (g Growth) String() string {
	return "+" + strconv.FormatFloat(float64(g.Hundredths)/100, 'f', -1, 64) + " %"
}

// maxGrowthHundredths bounds --growth at +10,000 % (×101), beyond any plausible plan.
const maxGrowthHundredths = 1_000_000

// ParseGrowth parses a --growth value: a non-negative percentage with an optional % sign and at most
// two decimals, e.g. "30%", "12.5%" or "30".
func ParseGrowth(s string) (Growth, error) {
	v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	h, err := parseFixed(v, 2)
	if err != nil {
		return Growth{}, fmt.Errorf("growth %q: want a percentage such as 30%% or 12.5%%", s)
	}
	if h > maxGrowthHundredths {
		return Growth{}, fmt.Errorf("growth %q: above 10000%%", s)
	}
	return Growth{Hundredths: h}, nil
}

// Surge is an expected surge of traffic, as --event gives it ("2026-12-01:2026-12-03x4"): on the
// UTC days From to To (both included), traffic is Factor (in ten-thousandths) times today's.
type Surge struct {
	From, To time.Time // UTC midnights; To is the last day of the event, included
	Factor   int64     // multiplier in ten-thousandths: ×4 is 40000
}

// String formats the surge as "2026-12-01 to 2026-12-03 ×4" (one date when it lasts a day).
func (e Surge) String() string {
	d := e.From.Format("2006-01-02")
	if !e.To.Equal(e.From) {
		d += " to " + e.To.Format("2006-01-02")
	}
	return d + " ×" + factorString(e.Factor)
}

// maxSurgeFactor bounds a surge's multiplier at ×1000, DynamicScale's largest step.
const maxSurgeFactor = 1000 * factorOne

// ParseSurge parses an --event value: START[:END]xFACTOR with UTC dates (END included, not before
// START) and a positive factor of at most four decimals and at most 1000, e.g. "2026-12-01:2026-12-03x4"
// or "2026-11-27x2.5". "×" may stand for "x".
func ParseSurge(s string) (Surge, error) {
	v := strings.ReplaceAll(strings.TrimSpace(s), "×", "x")
	i := strings.LastIndexAny(v, "xX")
	if i < 0 {
		return Surge{}, fmt.Errorf("event %q: want START[:END]xFACTOR, e.g. 2026-12-01:2026-12-03x4", s)
	}
	dates, fs := v[:i], v[i+1:]
	startS, endS, ranged := strings.Cut(dates, ":")
	if !ranged {
		endS = startS
	}
	var e Surge
	var err error
	if e.From, err = time.Parse("2006-01-02", startS); err != nil {
		return Surge{}, fmt.Errorf("event %q: start %q is not a date like 2026-12-01", s, startS)
	}
	if e.To, err = time.Parse("2006-01-02", endS); err != nil {
		return Surge{}, fmt.Errorf("event %q: end %q is not a date like 2026-12-03", s, endS)
	}
	if e.To.Before(e.From) {
		return Surge{}, fmt.Errorf("event %q: ends before it starts", s)
	}
	if e.Factor, err = parseFixed(fs, 4); err != nil || e.Factor <= 0 {
		return Surge{}, fmt.Errorf("event %q: factor %q is not a positive number such as 4 or 2.5", s, fs)
	}
	if e.Factor > maxSurgeFactor {
		return Surge{}, fmt.Errorf("event %q: factor above 1000", s)
	}
	return e, nil
}

// parseFixed parses a non-negative decimal with at most dec decimals into an integer in units of
// 10^-dec ("12.5" with dec 2 is 1250).
func parseFixed(s string, dec int) (int64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > dec || len(whole) > 9 {
		return 0, fmt.Errorf("bad number %q", s)
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("bad number %q", s)
		}
	}
	frac += strings.Repeat("0", dec-len(frac))
	n, err := strconv.ParseInt("0"+whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad number %q: %w", s, err)
	}
	return n, nil
}

// factorString formats a factor in ten-thousandths as a plain number: 40000 → "4", 13000 → "1.3".
func factorString(f int64) string {
	return strconv.FormatFloat(float64(f)/factorOne, 'f', -1, 64)
}

// DynamicScaleSteps are the multipliers the pack rounds a DynamicScale ask up to. Okta sells
// DynamicScale from 5× to 1000× without publishing the tiers in between; these 1-2.5-5 steps are
// ratecard's assumption of a plausible ladder, labelled "DynamicScale-style" wherever shown.
var DynamicScaleSteps = []int{5, 10, 25, 50, 100, 250, 500, 1000}

// DynamicScaleStep returns the smallest of DynamicScaleSteps at or above multiplier (×5 for any
// multiplier up to 5), or 0 when multiplier is not positive or exceeds the largest step (1000×).
func DynamicScaleStep(multiplier float64) int {
	if !(multiplier > 0) {
		return 0
	}
	for _, s := range DynamicScaleSteps {
		if multiplier <= float64(s) {
			return s
		}
	}
	return 0
}

// Ask is what a scenario's need makes the honest request to Okta. Okta's "How to Request a Rate Limit
// Increase" article says a support case can ask for a temporary increase, and that a request of 5×
// the default or more on an endpoint DynamicScale or the Workforce multiplier covers may be denied
// and redirected to the account team (sales); DynamicScale itself starts at 5×.
type Ask string

// The asks, as request.csv's ask column spells them.
const (
	// AskNone: today's limit keeps the rolling peak below the warning threshold.
	AskNone Ask = ""
	// AskTemporary: a multiple below 5×: a temporary increase through a support case.
	AskTemporary Ask = "temporary-increase"
	// AskDynamicScale: 5× or more on a DynamicScale-eligible bucket on a tier DynamicScale is sold
	// for (One App, Enterprise): a DynamicScale step, through sales.
	AskDynamicScale Ask = "dynamicscale"
	// AskWorkforceMultiplier: 5× or more on a Workforce-multiplier-eligible bucket of a Workforce
	// org: the license multiplier (5× or 10×, by licence count), through sales.
	AskWorkforceMultiplier Ask = "workforce-multiplier"
	// AskSupportCase: 5× or more where neither DynamicScale nor the Workforce multiplier applies: a
	// support case, which Okta may deny.
	AskSupportCase Ask = "support-case"
)

// askMultiple is the multiple of the default limit from which Okta's redirect-to-sales note applies
// and DynamicScale starts.
const askMultiple = 5

// askFor is the ask for a need of multiplier (0: none) on bucket b judged on tier t.
func askFor(multiplier float64, b *classify.Bucket, t classify.Tier) Ask {
	switch {
	case !(multiplier > 0):
		return AskNone
	case multiplier < askMultiple:
		return AskTemporary
	case b.DynamicScaleEligible() && slices.Contains(classify.DynamicScaleTiers(), t):
		return AskDynamicScale
	case b.WorkforceMultiplierEligible() && slices.Contains(classify.WorkforceMultiplierTiers(), t):
		return AskWorkforceMultiplier
	}
	return AskSupportCase
}

// RequestOptions choose what the evidence pack shows beyond the analysis.
type RequestOptions struct {
	// ShowClients names callers by client address and user agent as logged. Without it they are
	// numbered ("client 1", "user agent 1") and skipped-line excerpts are left out of every file.
	ShowClients bool
	Growth      *Growth // nil: no growth projection
	Surges      []Surge // expected surges (--event), in the order given
}

// ExcerptOmitted stands in for a skipped line's text in an anonymised result.
const ExcerptOmitted = "(line omitted from the request pack; --show-clients keeps it)"

// Scenario is one projection of the observed traffic.
type Scenario struct {
	Name   string // "observed", "growth +30 %", "event 2026-12-01 to 2026-12-03 ×4"
	Factor int64  // multiplier in ten-thousandths (factorOne for the observed traffic)
	Surge  *Surge // the surge it projects, nil otherwise
}

// Days is the length of the scenario's period in days: the event's for a surge, 0 (the whole observed
// period) otherwise.
func (s *Scenario) Days() int64 {
	if s.Surge == nil {
		return 0
	}
	return int64(s.Surge.To.Sub(s.Surge.From)/(24*time.Hour)) + 1
}

// RequestFigures are a bucket's figures under one scenario, every one computed from the scenario's
// profile of per-minute counts (see the method above), and what its limit would have to be.
type RequestFigures struct {
	Scenario                *Scenario
	Peak, Rolling, P95, P99 int64 // per fixed UTC minute, rolling 60 s, percentiles of non-empty minutes
	// Status and RollingStatus judge Peak and Rolling against today's limit on the chosen tier.
	Status, RollingStatus    string
	MinutesNear, MinutesOver int64 // against today's limit, over the scenario's period
	// Worst are the busiest minutes of the profile, most requests first (earliest first on ties): the
	// observed minutes with their projected counts.
	Worst []MinuteCount
	// Day is, for an event, the observed UTC day its profile repeats (the day of the peak minute).
	Day time.Time
	// NeededLimit is the smallest limit keeping the rolling peak strictly below the warning threshold;
	// 0 when today's limit already does. Multiplier is NeededLimit's multiple of today's limit rounded
	// up to hundredths (0 when none is needed or the tier has no limit); Ask what to request for it,
	// and Step the DynamicScale-style step at or above it when the ask is DynamicScale (0 otherwise, or
	// above 1000×).
	NeededLimit int64
	Multiplier  float64
	Ask         Ask
	Step        int
}

// RequestBucket is the evidence for one bucket near or over its limit (observed or projected).
type RequestBucket struct {
	B             *BucketResult
	Limit         int    // today's limit on the chosen tier (classify.NA when not offered)
	Status        string // fixed-minute verdict on the chosen tier
	RollingStatus string
	Worst         []MinuteCount    // the observed busiest minutes, most requests first (earliest first on ties)
	Figures       []RequestFigures // observed first, then one per projection
	Clients       []Share          // top callers of the hot minutes, named or numbered
	Agents        []Share
	Paths         []Share // top path templates of the hot minutes (never numbered: they name no caller)
}

// Request is the evidence pack: the analysis, the scenarios and the buckets to raise.
type Request struct {
	Res       *Result
	Opt       RequestOptions
	Scenarios []Scenario
	Buckets   []RequestBucket // worst first, as sortedVerdicts orders them
}

// worstMinutesShown is the number of busiest minutes listed per bucket.
const worstMinutesShown = 5

// leadBusinessDays is Okta's lead time for an increase request: "at least 15 business days before the
// increased rate limit is needed" (Okta Support, "How to Request a Rate Limit Increase").
const leadBusinessDays = 15

// BuildRequest assembles the evidence pack from a finished analysis. A bucket is included when its
// fixed-minute or rolling peak is near or over the chosen tier's limit, when the tier does not offer
// it, or when a projection would bring it near or over.
func BuildRequest(res *Result, opt RequestOptions) *Request {
	rq := &Request{Res: res, Opt: opt}
	rq.Scenarios = append(rq.Scenarios, Scenario{Name: "observed", Factor: factorOne})
	growth := int64(factorOne)
	if opt.Growth != nil {
		growth = opt.Growth.Factor()
		rq.Scenarios = append(rq.Scenarios, Scenario{Name: "growth " + opt.Growth.String(), Factor: growth})
	}
	for i := range opt.Surges {
		e := &opt.Surges[i]
		name := "event " + e.String()
		if opt.Growth != nil {
			name += " with growth " + opt.Growth.String()
		}
		// Factor in ten-thousandths, rounded up so the projection never understates.
		f := (growth*e.Factor + factorOne - 1) / factorOne
		rq.Scenarios = append(rq.Scenarios, Scenario{Name: name, Factor: f, Surge: e})
	}
	for _, b := range sortedVerdicts(res) {
		v := b.Chosen(res.Tier)
		rb := RequestBucket{B: b, Limit: v.Limit, Status: v.Status, RollingStatus: v.RollingStatus,
			Clients: b.Clients, Agents: b.Agents, Paths: b.Paths}
		include := false
		for i := range rq.Scenarios {
			f := figures(b, v.Limit, res.Tier, res.WarnPercent, &rq.Scenarios[i])
			rb.Figures = append(rb.Figures, f)
			include = include || f.Status != StatusOK || f.RollingStatus != StatusOK
		}
		rb.Worst = rb.Figures[0].Worst
		if include {
			rq.Buckets = append(rq.Buckets, rb)
		}
	}
	return rq
}

// figures computes a bucket's figures under scenario s against limit (the chosen tier t's).
func figures(b *BucketResult, limit int, t classify.Tier, warn int, s *Scenario) RequestFigures {
	f := RequestFigures{Scenario: s, Rolling: scale(worstPeak(b), s.Factor)}
	minutes, repeat := b.Minutes, int64(1)
	if s.Surge != nil && len(b.Minutes) > 0 {
		f.Day = b.PeakMinute.UTC().Truncate(24 * time.Hour)
		lo, _ := slices.BinarySearchFunc(b.Minutes, f.Day, func(m MinuteCount, t time.Time) int { return m.Minute.Compare(t) })
		hi, _ := slices.BinarySearchFunc(b.Minutes, f.Day.Add(24*time.Hour), func(m MinuteCount, t time.Time) int { return m.Minute.Compare(t) })
		minutes, repeat = b.Minutes[lo:hi], s.Days()
	}
	counts := make([]int64, len(minutes))
	for i, m := range minutes {
		counts[i] = scale(m.Count, s.Factor)
		switch Verdict(counts[i], limit, warn) {
		case StatusNear:
			f.MinutesNear += repeat
		case StatusOver:
			f.MinutesOver += repeat
		}
	}
	f.Worst = worstMinutes(minutes, worstMinutesShown)
	if s.Factor != factorOne || s.Surge != nil {
		for i := range f.Worst {
			f.Worst[i].Count, f.Worst[i].Throttled = scale(f.Worst[i].Count, s.Factor), 0 // a projection has no 429s
		}
	}
	slices.Sort(counts)
	if len(counts) > 0 {
		f.Peak = counts[len(counts)-1]
	}
	f.P95, f.P99 = quantileDisc(counts, repeat, 95), quantileDisc(counts, repeat, 99)
	f.Rolling = max(f.Rolling, f.Peak)
	f.Status, f.RollingStatus = Verdict(f.Peak, limit, warn), Verdict(f.Rolling, limit, warn)
	if limit != classify.NA && fits(f.Rolling, limit, warn) || warn <= 0 {
		return f
	}
	f.NeededLimit = 100*f.Rolling/int64(warn) + 1
	if limit != classify.NA && limit > 0 {
		// Smallest h with h/100 × warn/100 × limit > rolling, as Recommend.
		h := 10000*f.Rolling/(int64(warn)*int64(limit)) + 1
		f.Multiplier = float64(h) / 100
		f.Ask = askFor(f.Multiplier, b.Bucket, t)
		if f.Ask == AskDynamicScale {
			f.Step = DynamicScaleStep(f.Multiplier)
		}
	}
	return f
}

// quantileDisc is the q-th percentile of a profile whose counts, sorted ascending, are sorted, each
// minute repeat times: of its N = repeat × len(sorted) counts in ascending order, the one at index
// max(1, N − ⌊N·(100 − q)/100⌋) − 1, as DuckDB's quantile_disc and the analysis compute it. 0 for no
// minute.
func quantileDisc(sorted []int64, repeat, q int64) int64 {
	n := repeat * int64(len(sorted))
	if n == 0 {
		return 0
	}
	i := max(1, n-n*(100-q)/100) - 1
	return sorted[i/repeat] // the repeated list holds each sorted count repeat times in a row
}

// scale is ceil(n × factor / factorOne), exact for any size.
func scale(n, factor int64) int64 {
	if factor == factorOne {
		return n
	}
	x := new(big.Int).Mul(big.NewInt(n), big.NewInt(factor))
	x.Add(x, big.NewInt(factorOne-1))
	x.Quo(x, big.NewInt(factorOne))
	if !x.IsInt64() {
		return 1<<63 - 1
	}
	return x.Int64()
}

// worstMinutes returns the n busiest minutes, most requests first and earliest first on ties.
func worstMinutes(ms []MinuteCount, n int) []MinuteCount {
	out := append([]MinuteCount(nil), ms...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Minute.Before(out[j].Minute)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// caseDeadline is the last day to open the support case for an increase needed from start: leadDays
// business days (Monday to Friday; public holidays are not known) before it.
func caseDeadline(start time.Time, leadDays int) time.Time {
	d := start
	for n := 0; n < leadDays; {
		d = d.AddDate(0, 0, -1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return d
}

// Anonymize returns a copy of res fit for a pack shared outside the org: callers are numbered
// ("client 1", "user agent 1"; the same number for the same caller in every bucket, 1 for the caller
// with the most hot-minute requests over all buckets, ties in name order) and the skipped-line
// excerpts, raw log text that may hold addresses and logins, are replaced by ExcerptOmitted (file,
// line and reason stay); System Log events lose their client address, token id and request URI; the
// callers of the busiest seconds and the clients over the client-based limits are numbered too.
// res itself is not changed.
func Anonymize(res *Result) *Result {
	out := *res
	if res.Input.Examples != nil {
		out.Input.Examples = make([]ingest.Skip, len(res.Input.Examples))
		for i, e := range res.Input.Examples {
			e.Excerpt = ExcerptOmitted
			out.Input.Examples[i] = e
		}
	}
	if res.Input.Events != nil { // not rendered today; blanked so no future renderer can leak them
		out.Input.Events = make([]ingest.RateLimitEvent, len(res.Input.Events))
		for i, e := range res.Input.Events {
			e.Client, e.TokenID, e.RequestURI = "", "", ""
			out.Input.Events[i] = e
		}
	}
	out.Buckets = make([]BucketResult, len(res.Buckets))
	copy(out.Buckets, res.Buckets)
	numbering := func(get func(b *BucketResult) []Share) map[string]int {
		total := map[string]int64{}
		for i := range res.Buckets {
			for _, s := range get(&res.Buckets[i]) {
				if s.Name != "" {
					total[s.Name] += s.Count
				}
			}
		}
		names := byCount(total)
		num := make(map[string]int, len(names))
		for i, n := range names {
			num[n] = i + 1
		}
		return num
	}
	rename := func(shares []Share, num map[string]int, word string) []Share {
		if shares == nil {
			return nil
		}
		named := make([]Share, len(shares))
		for i, s := range shares {
			named[i] = Share{Count: s.Count}
			if s.Name != "" { // "(not logged)" reveals nothing
				named[i].Name = fmt.Sprintf("%s %d", word, num[s.Name])
			}
		}
		return named
	}
	clients := numbering(func(b *BucketResult) []Share { return b.Clients })
	agents := numbering(func(b *BucketResult) []Share { return b.Agents })
	for i := range out.Buckets {
		out.Buckets[i].Clients = rename(res.Buckets[i].Clients, clients, "client")
		out.Buckets[i].Agents = rename(res.Buckets[i].Agents, agents, "user agent")
	}
	out.Concurrency, out.ClientLimits = anonymizeConcurrency(res.Concurrency, res.ClientLimits, clients, agents)
	return &out
}

package report

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/ratecard/ratecard/classify"
)

// leadTimeStatement is Okta's lead time for an increase request and how it reviews one, with the page
// that says so, as request.md and report.html state it.
var leadTimeStatement = "Okta asks for a support case at least 15 business days before the increased limit is needed, as early as possible because some requests take longer to review; each request is reviewed on its own and may be denied (Okta Support, " + oktaIncreaseKB.Cite() + ")."

// WriteRequestMarkdown writes request.md: the scope of the analysis (period, catalog, tier, warning
// threshold, data quality), per bucket near or over the evidence an Okta support engineer asks for,
// the projections, the method, and a draft case text with the lead-time reminder. It names endpoints
// by Okta's path templates only; callers are numbered unless rq.Opt.ShowClients. It holds no clock
// time, so the same input gives the same bytes.
func WriteRequestMarkdown(w io.Writer, rq *Request) error {
	bw := bufio.NewWriter(w)
	res := rq.Res
	z := res.zone()
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }

	p("# Okta rate-limit increase request: evidence\n\n")
	p("Prepared with ratecard from the org's own logs of calls to Okta. Endpoints are named by Okta's path templates; no user login, user id or request path from the logs appears here")
	if rq.Opt.ShowClients {
		p(". Callers are named by client address and user agent as logged.\n\n")
	} else {
		p(", and callers are numbered rather than named.\n\n")
	}

	p("## Scope\n\n")
	if res.Org != "" {
		p("- **Org:** %s\n", mdText(res.Org))
	}
	p("- **Period analysed:** %s\n", periodText(res))
	p("- **Catalog:** %s\n", mdText(catalogText(res)))
	p("- **Tier:** %s (`%s`)\n", mdText(res.TierTitle(res.Tier)), res.Tier)
	p("- **Warning threshold:** %d %% of the limit\n", res.WarnPercent)
	p("- **Data quality:** %s\n", mdText(dataQuality(res)))
	for _, w := range res.SkipWarnings {
		p("- **Warning, skipped lines:** %s\n", mdText(w.Text()))
	}
	if cmp := compareCatalogs(res); cmp != nil && cmp.changed() {
		p("- **Other catalog:** %s\n", mdText(comparisonText(res)))
	}
	if len(rq.Scenarios) > 1 {
		names := make([]string, 0, len(rq.Scenarios)-1)
		for _, s := range rq.Scenarios[1:] {
			names = append(names, s.Name)
		}
		p("- **Projections:** %s\n", mdText(strings.Join(names, "; ")))
	}
	p("\n")

	p("## Buckets to raise\n\n")
	if len(rq.Buckets) == 0 {
		p("No bucket reached the %d %% warning threshold on %s, observed or projected: the analysed traffic gives no ground for an increase.\n\n",
			res.WarnPercent, mdText(res.TierTitle(res.Tier)))
	}
	for i := range rq.Buckets {
		rb := &rq.Buckets[i]
		b := rb.B
		obs := &rb.Figures[0]
		p("### %s: %s %s\n\n", mdCode(b.Bucket.ID), methodsString(b.Bucket), mdCode(b.Bucket.Pattern))
		p("| | |\n|---|---|\n")
		p("| Current limit (%s) | %s |\n", mdText(res.TierTitle(res.Tier)), limitPerMin(rb.Limit))
		p("| Status (fixed minute / rolling 60 s) | %s / %s |\n", rb.Status, rb.RollingStatus)
		p("| Peak, fixed UTC minute | %s at %s |\n", thousands(b.Peak), z.at(b.PeakMinute, "2006-01-02 15:04"))
		p("| Peak, rolling 60 s | %s from %s |\n", thousands(b.Rolling), z.at(b.RollingFrom, "2006-01-02 15:04:05.999"))
		p("| p95 / p99 of non-empty minutes | %s / %s |\n", thousands(b.P95), thousands(b.P99))
		p("| Minutes near / over | %s / %s |\n", thousands(obs.MinutesNear), thousands(obs.MinutesOver))
		p("| Worst minutes (%s) | %s |\n", z.Name(), worstString(z, rb.Worst))
		p("| Needed to stay below %d %% | %s |\n", res.WarnPercent, mdText(neededString(obs)))
		p("| DynamicScale-eligible | %s |\n", yesNo(b.Bucket.DynamicScaleEligible()))
		p("| Workforce-multiplier-eligible | %s |\n", yesNo(b.Bucket.WorkforceMultiplierEligible()))
		p("| Top callers (hot minutes) | %s |\n", callerShares(res, rb.Clients, b.HotRequests))
		p("| Top user agents (hot minutes) | %s |\n", callerShares(res, rb.Agents, b.HotRequests))
		p("| Top path templates (hot minutes) | %s |\n", callerShares(res, rb.Paths, b.HotRequests))
		p("| Integrations (user-agent products, hot minutes) | %s |\n", callerShares(res, b.Products, b.HotRequests))
		p("| HTTP 429 in the logs | %s |\n", mdText(throttleText(z, b)))
		p("| Okta's rate-limit events | %s |\n", mdText(eventsText(res, b.Bucket.ID)))
		if pt := principalsText(z, b); pt != "" {
			p("| Principals against their share | %s |\n", mdText(pt))
		}
		if note := salesNote(rb); note != "" {
			p("| Okta's note | %s |\n", mdText(note))
		}
		p("\n")
		if len(rb.Figures) > 1 {
			p("| Scenario | Peak minute | Rolling 60 s peak | p95 | p99 | Status / rolling | Minutes near / over today's limit | Worst minutes (projected counts) | Limit needed | Multiplier | Ask |\n")
			p("|---|--:|--:|--:|--:|---|--:|---|--:|--:|---|\n")
			for _, f := range rb.Figures {
				p("| %s | %s | %s | %s | %s | %s / %s | %s / %s | %s | %s | %s | %s |\n", mdText(scenarioLabel(&f)), thousands(f.Peak), thousands(f.Rolling),
					thousands(f.P95), thousands(f.P99), f.Status, f.RollingStatus, thousands(f.MinutesNear), thousands(f.MinutesOver),
					worstString(z, f.Worst), neededLimitString(f.NeededLimit), multString(f.Multiplier), mdText(askString(f)))
			}
			p("\n")
		}
	}

	p("## Method\n\n")
	p("%s\n\n", mdText(requestMethod(rq)))

	p("## Draft case text\n\n")
	p("Fill in the bracketed parts; everything else comes from the figures above.\n\n")
	p("~~~~text\n%s~~~~\n\n", draftCase(rq))

	p("## Lead time\n\n")
	p("%s On endpoints that DynamicScale or the Workforce multiplier cover, the same article says a request of 5× the default or more, or one of several temporary increases in a calendar year, may be denied and redirected to the account team (sales) to buy DynamicScale or a higher multiplier; DynamicScale multiplies the default limits of authentication and authorization endpoints from 5× to 1000× for Customer Identity orgs (Okta Developer, %s).",
		mdText(leadTimeStatement), mdText(oktaIncrease.Cite()))
	for _, s := range rq.Scenarios {
		if s.Surge != nil {
			p(" For the event starting %s, open the case on or before %s (%d business days ahead, public holidays not counted).",
				s.Surge.From.Format("Monday 2 January 2006"), caseDeadline(s.Surge.From, leadBusinessDays).Format("Monday 2 January 2006"), leadBusinessDays)
		}
	}
	p("\n")
	return bw.Flush()
}

// callerShares lists the shares of a bucket's hot minutes, or says they are not in counted input.
func callerShares(res *Result, shares []Share, total int64) string {
	if res.Input.Counts {
		return "not available from counts (the input is requests counted per bucket and second)"
	}
	return mdShares(shares, total)
}

// linesRead counts the input's lines ("1,204 lines"), or its rows when it is per-second counts
// ("155,613 rows of per-second counts").
func linesRead(in *Input) string {
	if in.Counts {
		return count(in.Lines, "row") + " of per-second counts"
	}
	return count(in.Lines, "line")
}

// dataQuality is the one-line accounting of the input.
func dataQuality(res *Result) string {
	in := &res.Input
	var s strings.Builder
	fmt.Fprintf(&s, "%s read from %s: %s, %s skipped", linesRead(in), count(int64(len(in.Files)), "file"),
		count(in.Requests, "request"), thousands(in.Skipped))
	if reasons := skippedList(in.SkippedReasons); reasons != "" {
		fmt.Fprintf(&s, " (%s)", reasons)
	}
	if in.OutsideWindow > 0 {
		fmt.Fprintf(&s, "; %s outside the chosen period left out", count(in.OutsideWindow, "request"))
	}
	fmt.Fprintf(&s, "; %s to public metadata endpoints (not rate-limited) and %s outside the catalog", count(res.PublicMetadata, "request"), thousands(res.OutsideCatalog))
	if n := res.MethodUnknownRequests(); n > 0 {
		fmt.Fprintf(&s, "; %s from the Okta System Log of unknown method, in no bucket", count(n, "request"))
	}
	if res.SystemLogRead() {
		s.WriteString("; the Okta System Log requests are a lower bound (Okta does not log every API call)")
	}
	stopped := 0
	for _, f := range in.Files {
		if f.Err != "" {
			stopped++
		}
	}
	if stopped > 0 {
		fmt.Fprintf(&s, "; %s stopped early on a read error (what was read is counted)", count(int64(stopped), "file"))
	}
	if mixed := mixedFormatsText(in); mixed != "" {
		s.WriteString("; " + mixed)
	}
	if gaps := gapsText(res); gaps != "" {
		s.WriteString("; " + gaps)
	}
	return s.String() + "."
}

// byCount returns the keys of m, the largest count first, ties in name order.
func byCount(m map[string]int64) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if m[names[i]] != m[names[j]] {
			return m[names[i]] > m[names[j]]
		}
		return names[i] < names[j]
	})
	return names
}

// formatCounts renders a file's lines by format, most first: "combined 990 · haproxy 10".
func formatCounts(m map[string]int64) string {
	names := byCount(m)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = k + " " + thousands(m[k])
	}
	return strings.Join(parts, " · ")
}

// mixedFormatsText names, in a clause, the files whose lines were read in more than one format
// (at most 3, then how many more); "" when there are none.
func mixedFormatsText(in *Input) string {
	var names []string
	for _, f := range in.Files {
		if f.Formats != nil {
			names = append(names, fmt.Sprintf("%s (%s)", f.Path, formatCounts(f.Formats)))
		}
	}
	if len(names) == 0 {
		return ""
	}
	more := ""
	if len(names) > 3 {
		more = fmt.Sprintf(" and %d more", len(names)-3)
		names = names[:3]
	}
	return fmt.Sprintf("lines in several formats, each read in its own: %s%s", strings.Join(names, ", "), more)
}

// gapsText describes res's clock gaps in a clause ("" when there are none).
func gapsText(res *Result) string {
	if res.GapCount == 0 || len(res.Gaps) == 0 {
		return ""
	}
	g := res.Gaps[0]
	return fmt.Sprintf("%s of at least %d minutes with no request (%s minutes in all; the longest %s minutes from %s): check that no logs are missing",
		count(res.GapCount, "clock gap"), res.GapThreshold, thousands(res.GapMinutes), thousands(g.Minutes()),
		res.zone().at(g.From, "2006-01-02 15:04"))
}

// requestMethod describes how the figures were computed.
func requestMethod(rq *Request) string {
	res := rq.Res
	s := fmt.Sprintf("Every logged request is placed in its Okta rate-limit bucket by method and path (catalog %s). "+
		"The fixed-minute peak is the most requests in one UTC wall-clock minute, as Okta's dashboard counts; the rolling 60-second peak is the most in any 60-second span, "+
		"the worst case because Okta's windows are not aligned to wall-clock minutes. p95 and p99 are percentiles of the minutes that had at least one request (an observed minute count, not interpolated). "+
		"Near: at least %d %% of the limit; over: above the limit. "+
		"The limit needed is the smallest limit that keeps the rolling peak (never below the minute peak) strictly below %d %% of it; the multiplier is that limit as a multiple of today's, rounded up to hundredths. "+
		"The ask follows from the multiplier: below 5×, a temporary increase through a support case; from 5×, DynamicScale on the buckets it covers on One App and Enterprise (its step is the first of ×%s at or above the multiplier: Okta sells DynamicScale from 5× to 1000× but does not publish the steps between, so this ladder is an assumption), the Workforce license multiplier (5× or 10×) on the buckets it covers on Workforce, else a support case that Okta may deny. "+
		"Top callers are the largest shares of each bucket's requests in its hot minutes (minutes at or above the warning threshold, and the minutes of its rolling peak).",
		res.Catalog, res.WarnPercent, res.WarnPercent, joinInts(DynamicScaleSteps, ", ×"))
	if res.Input.Counts {
		s += " Here the requests were placed in their buckets inside the data warehouse that holds the logs, by the query ratecard sql compiles from the same catalog, and counted per bucket and UTC second; every figure above is computed from those counts (the rolling peak exactly, at whole seconds), and callers are not available from them."
	}
	if len(rq.Scenarios) > 1 {
		s += " Each projection is a profile of per-minute counts, every observed minute's count times the scenario's factor rounded up, and every figure of its row (peaks, percentiles, statuses, minutes near and over, worst minutes) is computed from that profile against today's limit. " +
			"Growth scales the whole observed period. An event covers its own days only: each event day is taken to be the bucket's worst observed UTC day (the day of its peak minute; only its observed minutes if the logs cover it in part) times the event's factor, times the growth when both are given, so its minutes near and over are that day's times the event's days, and its worst minutes are that day's with projected counts. " +
			"The projected rolling peak is the observed rolling peak times the factor, which assumes the extra traffic arrives in today's shape."
	}
	return s
}

// draftCase is the plain-text draft of the support case.
func draftCase(rq *Request) string {
	res := rq.Res
	var s strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&s, format, args...) }
	org := "[org URL]"
	if res.Org != "" {
		org = res.Org
	}
	p("Subject: Rate-limit increase request for %s", org)
	if len(rq.Buckets) > 0 {
		ids := make([]string, len(rq.Buckets))
		for i, rb := range rq.Buckets {
			ids[i] = rb.B.Bucket.Pattern
		}
		p(": %s", strings.Join(ids, ", "))
	}
	p("\n\nHello Okta Support,\n\n")
	p("We request a rate-limit increase for our org %s (tier: %s).", org, res.TierTitle(res.Tier))
	if !res.From.IsZero() {
		p(" The figures below come from our own logs of calls to Okta from %s (%s requests),",
			res.zone().span(res.From, res.To, "2006-01-02 15:04"), thousands(res.Input.Requests))
	} else {
		p(" Our logs of calls to Okta held no request,")
	}
	p(" counted per UTC minute and per rolling 60-second window against the current limits below, with a warning threshold of %d %%.\n\n", res.WarnPercent)
	if len(rq.Buckets) == 0 {
		p("No endpoint reached the warning threshold in the analysed period.\n")
	}
	for _, rb := range rq.Buckets {
		b := rb.B
		obs := &rb.Figures[0]
		p("- %s (%s): current limit %s. Observed peak %s requests in one minute (%s) and %s in a rolling 60-second window; %s over the limit and %s near it.",
			b.Bucket.Pattern, methodsString(b.Bucket), limitPerMin(rb.Limit), thousands(b.Peak), res.zone().at(b.PeakMinute, "2006-01-02 15:04"),
			thousands(b.Rolling), count(obs.MinutesOver, "minute"), thousands(obs.MinutesNear))
		if obs.NeededLimit > 0 {
			p(" Requested limit: at least %s/min", thousands(obs.NeededLimit))
			if obs.Multiplier > 0 {
				p(" (%s today's)", multString(obs.Multiplier))
			}
			p("%s.", draftAsk(obs))
		}
		for _, f := range rb.Figures[1:] {
			if f.NeededLimit > 0 {
				p(" For %s: at least %s/min (projected rolling peak %s)%s.", f.Scenario.Name, thousands(f.NeededLimit), thousands(f.Rolling), draftAsk(&f))
			}
		}
		p("\n")
	}
	p("\nTime period: ")
	var events []string
	for _, sc := range rq.Scenarios {
		if sc.Surge != nil {
			events = append(events, fmt.Sprintf("%s to %s UTC", sc.Surge.From.Format("2006-01-02"), sc.Surge.To.Format("2006-01-02")))
		}
	}
	if len(events) > 0 {
		p("temporary, %s.\n", strings.Join(events, "; "))
	} else {
		p("[permanent, or start and end dates for a temporary increase].\n")
	}
	p("Business justification: [what the traffic is, e.g. a seasonal sign-in peak or a migration, and why it cannot be spread out].\n\n")
	p("The attached request.csv and report.html hold the per-minute evidence and the method.\n\nThank you,\n[name, role]\n")
	return s.String()
}

// draftAsk is the draft case's clause on what a need amounts to ("" when there is nothing to add).
func draftAsk(f *RequestFigures) string {
	switch f.Ask {
	case AskTemporary:
		return ", as a temporary increase"
	case AskDynamicScale:
		return "; we understand that an increase of 5× or more may call for DynamicScale"
	case AskWorkforceMultiplier:
		return "; we understand that an increase of 5× or more may call for a higher Workforce multiplier"
	}
	return ""
}

// requestCSVHeader is the header row of request.csv.
var requestCSVHeader = []string{"bucket", "methods", "endpoint", "scenario", "factor", "tier", "limit", "status", "rolling_status",
	"peak_minute", "peak_minute_at", "rolling_peak", "rolling_peak_from", "p95", "p99", "minutes_near", "minutes_over",
	"worst_minutes", "needed_limit", "multiplier", "dynamicscale_step", "dynamicscale_eligible", "workforce_multiplier_eligible", "top_callers",
	"ask", "event_days", "profile_day", "throttled", "okta_events", "top_integrations"}

// WriteRequestCSV writes request.csv: one row per bucket of the pack and scenario ("observed" first,
// then each projection). Every figure of a row is the scenario's own, computed from its profile of
// per-minute counts (see the method at the top of request.go). Columns: bucket id, methods ("any" or
// e.g. "GET"), endpoint template, scenario, factor (its multiplier), tier, limit (empty where N/A),
// status and rolling_status (the scenario's peaks against today's limit), peak_minute and
// rolling_peak (counts), peak_minute_at and rolling_peak_from (RFC 3339 UTC, the observed instants),
// p95, p99, minutes_near and minutes_over (against today's limit, over the scenario's period),
// worst_minutes ("minute=count" pairs separated by ";": observed minutes, the scenario's counts),
// needed_limit (empty when none is needed), multiplier (empty when none), dynamicscale_step (the
// assumed DynamicScale step, when the ask is DynamicScale), the two eligibility flags (true/false),
// top_callers ("name=share" pairs of the hot minutes, numbered unless ShowClients), ask
// (temporary-increase, dynamicscale, workforce-multiplier, support-case, or empty when none is
// needed), event_days (an event's length in days, empty otherwise), profile_day (the observed UTC day
// an event's profile repeats, empty otherwise), throttled (the bucket's requests the logs show
// answered HTTP 429, observed), okta_events (Okta's own rate-limit events for the bucket in the
// input) and top_integrations ("product=share" pairs of the hot minutes by user-agent product, shown
// even without ShowClients: they name software, not people).
func WriteRequestCSV(w io.Writer, rq *Request) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	if err := cw.Write(requestCSVHeader); err != nil {
		return fmt.Errorf("request.csv: %w", err)
	}
	res := rq.Res
	for i := range rq.Buckets {
		rb := &rq.Buckets[i]
		b := rb.B
		callers, products := sharePairs(rb.Clients, b.HotRequests), sharePairs(b.Products, b.HotRequests)
		events := strconv.Itoa(len(bucketEvents(res, b.Bucket.ID)))
		for _, f := range rb.Figures {
			lim, mult, step, needed := "", "", "", ""
			if rb.Limit != classify.NA {
				lim = strconv.Itoa(rb.Limit)
			}
			if f.NeededLimit > 0 {
				needed = strconv.FormatInt(f.NeededLimit, 10)
			}
			if f.Multiplier > 0 {
				mult = strconv.FormatFloat(f.Multiplier, 'f', 2, 64)
			}
			if f.Step > 0 {
				step = strconv.Itoa(f.Step)
			}
			worst := make([]string, len(f.Worst))
			for j, m := range f.Worst {
				worst[j] = rfc3339(m.Minute) + "=" + strconv.FormatInt(m.Count, 10)
			}
			days, day := "", ""
			if f.Scenario.Surge != nil {
				days = strconv.FormatInt(f.Scenario.Days(), 10)
				if !f.Day.IsZero() {
					day = f.Day.Format("2006-01-02")
				}
			}
			row := []string{b.Bucket.ID, methodsString(b.Bucket), b.Bucket.Pattern, f.Scenario.Name, factorString(f.Scenario.Factor),
				res.Tier.String(), lim, f.Status, f.RollingStatus,
				strconv.FormatInt(f.Peak, 10), rfc3339(b.PeakMinute), strconv.FormatInt(f.Rolling, 10), rfc3339(b.RollingFrom),
				strconv.FormatInt(f.P95, 10), strconv.FormatInt(f.P99, 10), strconv.FormatInt(f.MinutesNear, 10), strconv.FormatInt(f.MinutesOver, 10),
				strings.Join(worst, ";"), needed, mult, step,
				strconv.FormatBool(b.Bucket.DynamicScaleEligible()), strconv.FormatBool(b.Bucket.WorkforceMultiplierEligible()),
				callers, string(f.Ask), days, day, strconv.FormatInt(b.Throttled, 10), events, products}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("request.csv: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("request.csv: %w", err)
	}
	return bw.Flush()
}

// sharePairs lists shares as request.csv writes them: "name=share" pairs (shares of total, 3 decimals)
// separated by ";", "(not logged)" for an empty name.
func sharePairs(shares []Share, total int64) string {
	pairs := make([]string, len(shares))
	for i, c := range shares {
		name := c.Name
		if name == "" {
			name = "(not logged)"
		}
		pairs[i] = name + "=" + strconv.FormatFloat(c.Fraction(total), 'f', 3, 64)
	}
	return strings.Join(pairs, ";")
}

// methodsString is a bucket's methods, "any" when the rule takes every method.
func methodsString(b *classify.Bucket) string {
	if len(b.Methods) == 0 {
		return "any"
	}
	return strings.Join(b.Methods, ",")
}

// limitPerMin is a limit as "1,000/min", or "not offered on this tier".
func limitPerMin(l int) string {
	if l == classify.NA {
		return "not offered on this tier"
	}
	return FormatLimit(l) + "/min"
}

// worstString lists the worst minutes as "2026-10-14 08:23 (1,096), …", in z for a table whose
// header names it.
func worstString(z zone, ms []MinuteCount) string {
	if len(ms) == 0 {
		return "–"
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = fmt.Sprintf("%s (%s)", z.cell(m.Minute, "2006-01-02 15:04"), thousands(m.Count))
	}
	return strings.Join(parts, ", ")
}

// neededString describes what the limit would have to be under f, and what to ask for.
func neededString(f *RequestFigures) string {
	if f.NeededLimit == 0 {
		return "no increase: the rolling peak stays below the threshold"
	}
	s := fmt.Sprintf("%s/min", thousands(f.NeededLimit))
	if f.Multiplier > 0 {
		s += fmt.Sprintf(", %s today's limit: %s", multString(f.Multiplier), askSentence(f))
	}
	return s
}

// askSentence says in a clause what the need of f makes the ask.
func askSentence(f *RequestFigures) string {
	switch f.Ask {
	case AskTemporary:
		return "below 5×, so the ask is a temporary increase through an Okta support case"
	case AskDynamicScale:
		return "5× or more on a DynamicScale-eligible bucket, so the ask is DynamicScale (" + stepString(*f) + ", an assumed step), which Okta sells through the account team"
	case AskWorkforceMultiplier:
		return "5× or more on a bucket the Workforce license multiplier covers, so the ask is " + workforceString(f.Multiplier) + ", which Okta grants by licence count through the account team"
	case AskSupportCase:
		return "5× or more, and neither DynamicScale nor the Workforce multiplier covers this bucket on this tier: a support case, which Okta may deny"
	}
	return "no increase"
}

// askString is the short form of f's ask, for a table cell.
func askString(f RequestFigures) string {
	switch f.Ask {
	case AskTemporary:
		return "temporary increase"
	case AskDynamicScale:
		return "DynamicScale " + stepString(f) + " (sales)"
	case AskWorkforceMultiplier:
		return workforceString(f.Multiplier) + " (sales)"
	case AskSupportCase:
		return "support case (≥ 5×: may be denied)"
	}
	return "–"
}

// workforceString names the Workforce multiplier that covers multiplier (5× or 10×), or says that it
// does not reach it.
func workforceString(multiplier float64) string {
	switch {
	case multiplier <= 5:
		return "Workforce multiplier ×5"
	case multiplier <= 10:
		return "Workforce multiplier ×10"
	}
	return "more than the Workforce multiplier's ×10"
}

// salesNote is Okta's note on asks of 5× or more, when a figure of rb has one ("" otherwise).
func salesNote(rb *RequestBucket) string {
	big := false
	for _, f := range rb.Figures {
		big = big || f.Multiplier >= askMultiple
	}
	if !big {
		return ""
	}
	s := "Okta's support article " + oktaIncreaseKB.Cite() + " says that a request of 5× the default limit or more on an endpoint DynamicScale or the Workforce multiplier covers may be denied, with a consultation with the account team (sales) about DynamicScale or a higher multiplier recommended instead."
	if !rb.B.Bucket.DynamicScaleEligible() && !rb.B.Bucket.WorkforceMultiplierEligible() {
		s += " It also says that increases on endpoints for administrative actions are less likely to be approved."
	}
	return s
}

// scenarioLabel names f's scenario, with the observed day an event's profile repeats.
func scenarioLabel(f *RequestFigures) string {
	if f.Scenario.Surge == nil || f.Day.IsZero() {
		return f.Scenario.Name
	}
	return fmt.Sprintf("%s (%s, each day as %s)", f.Scenario.Name, count(f.Scenario.Days(), "day"), f.Day.Format("2006-01-02"))
}

func neededLimitString(n int64) string {
	if n == 0 {
		return "–"
	}
	return thousands(n)
}

func multString(m float64) string {
	if m == 0 {
		return "–"
	}
	return fmt.Sprintf("×%.2f", m)
}

// stepString is f's DynamicScale-style step ("×25", "above ×1000"), "–" when its ask is not
// DynamicScale.
func stepString(f RequestFigures) string {
	switch {
	case f.Ask != AskDynamicScale:
		return "–"
	case f.Step > 0:
		return fmt.Sprintf("×%d", f.Step)
	}
	return "above ×1000"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func joinInts(xs []int, sep string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, sep)
}

package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/ratecard/ratecard/classify"
)

// WriteMarkdown writes summary.md, a short Markdown digest to paste into an Okta support ticket or a
// rate-limit increase request: the period, tier, warning threshold and catalog; the finding; the
// buckets near or over on the chosen tier; the tier comparison with its recommendation; and one line on
// data quality. It names buckets, endpoints and counts only: no file name, log line or login from the
// input appears in it. Like the other outputs it holds no clock time.
func WriteMarkdown(w io.Writer, res *Result) error {
	bw := bufio.NewWriter(w)
	t := res.Tier
	z := res.zone()
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }

	p("# Okta rate-limit summary\n\n")
	if res.Org != "" {
		p("- **Org:** %s\n", mdText(res.Org))
	}
	for _, w := range res.SkipWarnings {
		p("- **Warning, skipped lines:** %s\n", mdText(w.Text()))
	}
	p("- **Period:** %s\n", periodText(res))
	p("- **Tier judged:** %s (`%s`)\n", res.TierTitle(t), t)
	p("- **Warning threshold:** %d %% of the limit\n", res.WarnPercent)
	p("- **Catalog:** %s. An org's real limits are higher where DynamicScale, a Workforce multiplier or a granted increase applies\n", mdText(catalogText(res)))
	if s := ConcurrencyText(res); s != "" {
		p("- **Requests in flight at once:** %s\n", mdText(s))
	}
	p("- **Counted:** %s to Okta in %s; peaks per UTC wall-clock minute and per rolling 60-second window\n\n",
		count(res.Input.Requests, "request"), count(int64(len(res.Input.Files)), "file"))
	for _, f := range res.Input.Fetched {
		p("- **Input:** %s\n", mdText(FetchedText(f)))
	}
	if len(res.Input.Fetched) > 0 {
		p("\n")
	}

	p("## Finding\n\n%s\n\n", mdText(finding(res)))

	p("## Buckets near or over the %s limits\n\n", res.TierTitle(t))
	var flagged []*BucketResult
	for _, b := range sortedVerdicts(res) {
		v := b.Chosen(t)
		if v.Status != StatusOK || v.RollingStatus != StatusOK {
			flagged = append(flagged, b)
		}
	}
	if len(flagged) == 0 {
		p("No bucket reached the %d %% warning threshold, by minute or by rolling 60-second peak.\n\n", res.WarnPercent)
	} else {
		p("| Bucket | Endpoint | Limit/min | Peak minute (%s) | Rolling 60 s peak (%s) | Utilisation (rolling) | Minutes near | Minutes over | Status | Rolling status |\n", z.Name(), z.Name())
		p("|---|---|--:|--:|--:|--:|--:|--:|---|---|\n")
		for _, b := range flagged {
			v := b.Chosen(t)
			util := "–"
			if v.Limit != classify.NA {
				util = fmt.Sprintf("%.1f %% (%.1f %%)", v.Utilization*100, v.RollingUtil*100)
			}
			p("| %s | %s | %s | %s at %s | %s from %s | %s | %s | %s | %s | %s |\n",
				mdCode(b.Bucket.ID), mdCode(b.Bucket.Pattern), FormatLimit(v.Limit),
				thousands(b.Peak), z.cell(b.PeakMinute, "2006-01-02 15:04"),
				thousands(b.Rolling), z.cell(b.RollingFrom, "2006-01-02 15:04:05.999"),
				util, thousands(v.MinutesNear), thousands(v.MinutesOver), v.Status, v.RollingStatus)
		}
		p("\n")
	}

	if len(flagged) > 0 {
		p("## Who made the peaks\n\n")
		p("Requests of each flagged bucket's hot minutes (at or above the warning threshold, and the minutes of its rolling peak), by client and user agent as logged, and by path template (ids and logins replaced by placeholders).\n\n")
		if res.Input.Counts {
			p("The input is requests counted per bucket and second (analyze --counts): callers, user agents, paths and principals need single requests, and are not available from counts.\n\n")
		}
		for _, b := range flagged {
			if b.HotMinutes == 0 {
				continue
			}
			p("- %s: %s requests in %s", mdCode(b.Bucket.ID), thousands(b.HotRequests), count(b.HotMinutes, "hot minute"))
			if b.Throttled > 0 {
				p("; %s answered HTTP 429", thousands(b.Throttled))
			}
			if b.LearnedLimit > 0 {
				p("; Okta's X-Rate-Limit-Limit was %d", b.LearnedLimit)
			}
			if res.Input.Counts {
				p(".\n")
				continue
			}
			p(".\n  Clients: %s.\n  User agents: %s.\n  Paths: %s.\n  Integrations: %s.\n", mdShares(b.Clients, b.HotRequests), mdShares(b.Agents, b.HotRequests),
				mdShares(b.Paths, b.HotRequests), mdShares(b.Products, b.HotRequests))
		}
		p("\n")
	}

	if len(res.Events) > 0 {
		p("## Okta's own rate-limit events\n\n")
		p("| Time (%s) | Event | Okta's URL pattern | Bucket | Okta's threshold | Requests in that minute (logs) |\n|---|---|---|---|--:|--:|\n", z.Name())
		for _, e := range res.Events {
			when, bucket, th, n := "–", "–", "–", "–"
			if !e.Time.IsZero() {
				when = z.cell(e.Time, "2006-01-02 15:04:05")
			}
			if e.Bucket != "" {
				bucket, n = mdCode(e.Bucket), thousands(e.Count)
			}
			if e.Threshold > 0 {
				th = fmt.Sprint(e.Threshold)
			}
			p("| %s | %s | %s | %s | %s | %s |\n", when, mdCode(e.Type), mdCode(e.URLPattern), bucket, th, n)
		}
		p("\n")
	}

	p("## Tier comparison\n\n")
	p("| Tier | Buckets over | Buckets near | Over by rolling 60 s peak | Not offered, with traffic | Minutes over |\n")
	p("|---|---|---|---|---|--:|\n")
	for _, tr := range res.Tiers {
		name := res.TierTitle(tr.Tier)
		if tr.Tier == t {
			name = "**" + name + "** (judged)"
		}
		p("| %s | %s | %s | %s | %s | %s |\n", name, mdList(tr.BucketsOver), mdList(tr.BucketsNear),
			mdList(tr.BucketsRollingOver), mdList(tr.BucketsUnavailable), thousands(tr.MinutesOver))
	}
	rec := Recommend(res)
	p("\n%s\n\n", mdText(recommendationText(res, rec)))
	if lines := reachLines(res, rec, "×"); len(lines) > 0 {
		p("How far each tier gets:\n\n")
		for _, l := range lines {
			p("- %s\n", mdText(l))
		}
		p("\n")
	}
	if cmp := comparisonText(res); cmp != "" {
		p("%s\n\n", mdText(cmp))
	}

	p("## Method\n\n")
	p("Every request is placed in its Okta rate-limit bucket by method and path. The peak minute is the most requests in one UTC wall-clock minute, as Okta's dashboard counts; the rolling 60 s peak is the most in any 60-second span, the honest worst case because Okta's windows are not aligned to wall-clock minutes. Near: at least %d %% of the limit; over: above the limit.\n\n", res.WarnPercent)
	p("## Data quality\n\n")
	in := &res.Input
	p("%s read: %s and %s skipped", linesRead(in), count(in.Requests, "request"), thousands(in.Skipped))
	if reasons := skippedList(in.SkippedReasons); reasons != "" {
		p(" (%s)", reasons)
	}
	p("; %s to public metadata endpoints (not rate-limited) and %s to paths outside the catalog.",
		count(res.PublicMetadata, "request"), thousands(res.OutsideCatalog))
	if u := methodUnknownText(res); u != "" {
		p(" %s.", mdText(u))
	}
	if sl := systemLogText(res); sl != "" {
		p(" %s.", mdText(sl))
	}
	stopped := 0
	for _, f := range in.Files {
		if f.Err != "" {
			stopped++
		}
	}
	if stopped > 0 {
		p(" **%s stopped early** on a read error; what was read before it is counted (see report.html).", count(int64(stopped), "file"))
	}
	if mixed := mixedFormatsText(in); mixed != "" {
		p(" %s.", mdText(strings.ToUpper(mixed[:1])+mixed[1:]))
	}
	if gaps := gapsText(res); gaps != "" {
		p(" %s.", mdText(gaps))
	}
	p("\n")
	return bw.Flush()
}

// methodUnknownText says, in a sentence without its full stop, how many System Log requests are of
// unknown method and which buckets they could belong to ("" when there are none).
func methodUnknownText(res *Result) string {
	n := res.MethodUnknownRequests()
	if n == 0 {
		return ""
	}
	var groups []string
	for _, g := range res.MethodUnknown {
		groups = append(groups, fmt.Sprintf("%s in %s", thousands(g.Requests), strings.Join(g.Buckets, " or ")))
	}
	return fmt.Sprintf("%s recovered from Okta System Log events %s of unknown method, counted in no bucket because the methods they may have been made with fall in different buckets (%s)",
		count(n, "request"), isAre(n), strings.Join(groups, "; "))
}

// systemLogText says, in a sentence without its full stop, that the requests recovered from Okta
// System Log input are a lower bound ("" when no System Log file was read).
func systemLogText(res *Result) string {
	if !res.SystemLogRead() {
		return ""
	}
	n, verb := res.SystemLogRequests(), "undercount"
	if n == 1 {
		verb = "undercounts"
	}
	return fmt.Sprintf("Okta System Log input is a lower bound of the traffic: Okta does not write an event for every API call, so the %s recovered from it in buckets %s the real rate", count(n, "request"), verb)
}

func isAre(n int64) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// sortedVerdicts returns the buckets worst first on the chosen tier: by status, then rolling and
// minute utilisation; the sort is stable, so ties keep catalog order.
func sortedVerdicts(res *Result) []*BucketResult {
	out := make([]*BucketResult, 0, len(res.Buckets))
	for i := range res.Buckets {
		out = append(out, &res.Buckets[i])
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Chosen(res.Tier), out[j].Chosen(res.Tier)
		if ra, rb := statusRank(a.Status), statusRank(b.Status); ra != rb {
			return ra > rb
		}
		if a.RollingUtil != b.RollingUtil {
			return a.RollingUtil > b.RollingUtil
		}
		return a.Utilization > b.Utilization
	})
	return out
}

// recommendationText is the recommendation in one or two plain sentences (no markup).
func recommendationText(res *Result, rec Recommendation) string {
	var s strings.Builder
	switch {
	case rec.Found:
		fmt.Fprintf(&s, "Smallest tier on which every bucket stays below the %d %% warning threshold, by minute and by rolling 60-second peak: %s.",
			res.WarnPercent, res.TierTitle(rec.Tier))
	case len(res.Buckets) == 0:
		return NoTrafficText(res)
	default:
		fmt.Fprintf(&s, "No tier keeps every bucket below the %d %% warning threshold at the catalog's limits.", res.WarnPercent)
	}
	if len(rec.Needs) > 0 {
		parts := make([]string, len(rec.Needs))
		for i, n := range rec.Needs {
			parts[i] = fmt.Sprintf("%s ×%.2f (%s/min instead of %s for a peak of %s)", n.ID, n.Multiplier,
				thousands(n.NeededLimit), thousands(int64(n.Limit)), thousands(n.Peak))
		}
		fmt.Fprintf(&s, " To stay below it on %s, these limits would have to rise: %s.", res.TierTitle(res.Tier), strings.Join(parts, "; "))
	}
	if len(rec.Unavailable) > 0 {
		fmt.Fprintf(&s, " %s does not offer %s at all.", res.TierTitle(res.Tier), strings.Join(rec.Unavailable, ", "))
	}
	return s.String()
}

// count writes n with thousands separators and word, plural unless n is 1: "1 file", "1,941 requests".
func count(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return thousands(n) + " " + word + "s"
}

// span describes a duration of whole minutes in days, hours and minutes, e.g. "3 days 2 h 5 min".
// periodText is the analysed period for the Markdown digests, e.g. "2026-10-12 00:00 to 2026-10-15
// 00:00 UTC (3 days)".
func periodText(res *Result) string {
	if res.From.IsZero() {
		return "no request in the input"
	}
	return fmt.Sprintf("%s (%s)", res.zone().span(res.From, res.To, "2006-01-02 15:04"), span(res.To.Sub(res.From)))
}

func span(d time.Duration) string {
	m := int64(d / time.Minute)
	days, h, min := m/1440, m%1440/60, m%60
	var parts []string
	if days > 0 {
		parts = append(parts, plural(int(days), "day"))
	}
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%d h", h))
	}
	if min > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d min", min))
	}
	return strings.Join(parts, " ")
}

// skippedList lists the non-zero skip reasons in name order, e.g. "malformed 3, blank 1".
func skippedList(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k, n := range m {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = fmt.Sprintf("%s %s", mdText(k), thousands(m[k]))
	}
	return strings.Join(keys, ", ")
}

// mdList renders bucket ids as a comma-separated list of code spans, or "–" when empty.
func mdList(ids []string) string {
	if len(ids) == 0 {
		return "–"
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = mdCode(id)
	}
	return strings.Join(out, ", ")
}

// mdCode renders s as a Markdown code span safe inside a table cell. Strings holding a backtick or a
// line break fall back to escaped text.
func mdCode(s string) string {
	if strings.ContainsAny(s, "`\r\n") {
		return mdText(s)
	}
	return "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
}

// mdEscaper escapes the characters Markdown (and HTML inside Markdown) could give a meaning to.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `&lt;`, ">", `&gt;`,
	"|", `\|`, "#", `\#`, "!", `\!`, "\r", " ", "\n", " ", "\u2028", " ", "\u2029", " ")

// mdText escapes plain text for Markdown prose and table cells.
func mdText(s string) string { return mdEscaper.Replace(s) }

// mdShares lists callers as "`name` 71.4 %", largest first.
func mdShares(shares []Share, total int64) string {
	if len(shares) == 0 {
		return "none recorded"
	}
	parts := make([]string, len(shares))
	for i, sh := range shares {
		name := sh.Name
		if name == "" {
			name = "(not logged)"
		}
		parts[i] = fmt.Sprintf("%s %.1f %%", mdCode(name), sh.Fraction(total)*100)
	}
	return strings.Join(parts, ", ")
}

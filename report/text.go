package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes the terse terminal verdict: one row per bucket with traffic, judged against the
// chosen tier, then the input accounting in one line, the catalog in another, and the tier
// recommendation (with how far each tier gets when none fits, and what the other built-in catalog
// would change, when it would).
func WriteText(w io.Writer, res *Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "BUCKET\tLIMIT\tPEAK/MIN\tROLLING 60s\tUTIL\tNEAR\tOVER\tSTATUS\tROLLING\n")
	for i := range res.Buckets {
		b := &res.Buckets[i]
		v := b.Chosen(res.Tier)
		util := "-"
		if v.Limit >= 0 {
			util = fmt.Sprintf("%.1f%%", v.Utilization*100)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", b.Bucket.ID, FormatLimit(v.Limit),
			thousands(b.Peak), thousands(b.Rolling), util, thousands(v.MinutesNear), thousands(v.MinutesOver),
			v.Status, v.RollingStatus)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	in := &res.Input
	_, err := fmt.Fprintf(w, "tier %s, warn %d%%: %s lines, %s requests, %s skipped in %d file(s); %s public metadata, %s outside the catalog\n",
		res.Tier, res.WarnPercent, thousands(in.Lines), thousands(in.Requests), thousands(in.Skipped), len(in.Files),
		thousands(res.PublicMetadata), thousands(res.OutsideCatalog))
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "catalog %s\n", catalogInfo(res).Short()); err != nil {
		return err
	}
	if s := ConcurrencyText(res); s != "" {
		if _, err := fmt.Fprintf(w, "in flight at once: %s\n", s); err != nil {
			return err
		}
	}
	for _, g := range res.MethodUnknown {
		paths := ""
		if len(g.Paths) > 0 {
			paths = " (" + strings.Join(g.Paths, ", ") + ")"
		}
		if _, err := fmt.Fprintf(w, "method unknown: %s System Log requests could be in %s%s; counted in no bucket\n",
			thousands(g.Requests), strings.Join(g.Buckets, " or "), paths); err != nil {
			return err
		}
	}
	if len(res.Buckets) == 0 {
		return nil
	}
	rec := Recommend(res)
	line := fmt.Sprintf("no tier keeps every bucket below %d%%", res.WarnPercent)
	if rec.Found {
		line = fmt.Sprintf("smallest tier with every bucket below %d%%: %s", res.WarnPercent, rec.Tier)
	}
	if len(rec.Needs) > 0 {
		parts := make([]string, len(rec.Needs))
		for i, n := range rec.Needs {
			parts[i] = fmt.Sprintf("%s x%.2f (%s/min)", n.ID, n.Multiplier, thousands(n.NeededLimit))
		}
		line += fmt.Sprintf("; on %s raise %s", res.Tier, strings.Join(parts, ", "))
	}
	if _, err = fmt.Fprintln(w, line); err != nil {
		return err
	}
	for _, l := range reachLines(res, rec, "x") {
		fmt.Fprintf(w, "  %s\n", l)
	}
	if c := compareCatalogs(res); c != nil && c.changed() {
		fmt.Fprintln(w, comparisonText(res))
	}
	for _, b := range sortedVerdicts(res) {
		if lim := b.Chosen(res.Tier).Limit; b.LearnedLimit > 0 && b.LearnedLimit != lim {
			fmt.Fprintf(w, "%s: Okta announced X-Rate-Limit-Limit %d (%s responses); the catalog says %s\n",
				b.Bucket.ID, b.LearnedLimit, thousands(b.LearnedCount), FormatLimit(lim))
		}
	}
	for _, b := range sortedVerdicts(res) {
		for _, pp := range b.Principals {
			if pp.Over && !pp.BucketOver {
				fmt.Fprintf(w, "%s: principal %q peaked at %s/min (%s UTC), over its %d%% share of %s/min, while the bucket was not over\n",
					b.Bucket.ID, pp.Name, thousands(pp.Peak), pp.Minute.Format("2006-01-02 15:04"), pp.Share, FormatLimit(pp.Limit))
			}
		}
	}
	for _, b := range sortedVerdicts(res) {
		if b.HotMinutes == 0 || len(b.Clients) == 0 {
			continue
		}
		c := b.Clients[0]
		fmt.Fprintf(w, "%s: top caller in its %s hot minute(s) %s (%.0f%%)", b.Bucket.ID, thousands(b.HotMinutes),
			callerName(c.Name), c.Fraction(b.HotRequests)*100)
		if len(b.Agents) > 0 {
			a := b.Agents[0]
			fmt.Fprintf(w, ", user agent %s (%.0f%%)", callerName(a.Name), a.Fraction(b.HotRequests)*100)
		}
		if len(b.Paths) > 0 && b.Paths[0].Name != "" {
			pt := b.Paths[0]
			fmt.Fprintf(w, ", path %s (%.0f%%)", pt.Name, pt.Fraction(b.HotRequests)*100)
		}
		if b.Throttled > 0 {
			fmt.Fprintf(w, "; %s answered 429", thousands(b.Throttled))
		}
		fmt.Fprintln(w)
	}
	return nil
}

// callerName is a client or user agent for the terminal: quoted, "(not logged)" when empty.
func callerName(s string) string {
	if s == "" {
		return "(not logged)"
	}
	return fmt.Sprintf("%q", s)
}

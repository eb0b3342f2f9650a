package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// TextOptions are the choices of the terminal verdict that do not come from the analysis.
type TextOptions struct {
	// Color marks the verdicts with ANSI colours (over red, near amber, ok green, not offered
	// magenta). The command sets it only for a terminal, and never when NO_COLOR is set, unless asked.
	Color bool
}

// WriteText writes the terminal verdict without colour (see WriteTextOptions).
func WriteText(w io.Writer, res *Result) error { return WriteTextOptions(w, res, TextOptions{}) }

// WriteTextOptions writes the terse terminal verdict: a headline (the verdict on the chosen tier,
// the buckets over and near by minute and by rolling peak, the requests answered HTTP 429), one row
// per bucket with traffic, worst first, with its endpoint and the time of its peak minute in the
// report's time zone; then the input accounting in one line, the catalog in another, the tier
// recommendation (with how far each tier gets when none fits, and what the other built-in catalog
// would change, when it would), and, for the buckets near or over, the callers that made a large
// share of their hot minutes (see callerLine).
func WriteTextOptions(w io.Writer, res *Result, opt TextOptions) error {
	z := res.zone()
	paint := func(status, s string) string {
		if !opt.Color {
			return s
		}
		return statusColour(status) + s + ansiReset
	}
	if len(res.Buckets) > 0 {
		h := headlineOf(res)
		if _, err := fmt.Fprintf(w, "%s on %s: %s\n", paint(h.Status, strings.ToUpper(h.Word())), res.TierTitle(res.Tier), h.Counts()); err != nil {
			return err
		}
	}
	tab := textTable{right: []bool{false, true, true, true, false, true, true, true, true, false, false, false}}
	tab.add("", "BUCKET", "LIMIT", "PEAK/MIN", "UTIL", "AT ("+z.Name()+")", "ROLLING 60s", "UTIL", "NEAR", "OVER", "STATUS", "ROLLING", "ENDPOINT")
	for _, b := range sortedVerdicts(res) {
		v := b.Chosen(res.Tier)
		util, rutil := "-", "-"
		if v.Limit >= 0 {
			util, rutil = fmt.Sprintf("%.1f%%", v.Utilization*100), fmt.Sprintf("%.1f%%", v.RollingUtil*100)
		}
		tab.add(worse(v.Status, v.RollingStatus), b.Bucket.ID, FormatLimit(v.Limit), thousands(b.Peak), util, z.cell(b.PeakMinute, "2006-01-02 15:04"),
			thousands(b.Rolling), rutil, thousands(v.MinutesNear), thousands(v.MinutesOver), v.Status, v.RollingStatus, b.Bucket.Pattern)
	}
	if err := tab.write(w, func(row, col int, s string) string {
		r := tab.rows[row]
		switch {
		case row == 0:
			return s
		case col == 9 || col == 10:
			return paint(r.cells[col], s)
		case col == 0 && r.worst != StatusOK:
			return paint(r.worst, s)
		}
		return s
	}); err != nil {
		return err
	}
	in := &res.Input
	_, err := fmt.Fprintf(w, "tier %s, warn %d%%: %s, %s requests, %s skipped in %d file(s); %s public metadata, %s outside the catalog\n",
		res.Tier, res.WarnPercent, linesRead(in), thousands(in.Requests), thousands(in.Skipped), len(in.Files),
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
				fmt.Fprintf(w, "%s: principal %q peaked at %s/min (%s), over its %d%% share of %s/min, while the bucket was not over\n",
					b.Bucket.ID, pp.Name, thousands(pp.Peak), z.at(pp.Minute, "2006-01-02 15:04"), pp.Share, FormatLimit(pp.Limit))
			}
		}
	}
	for _, b := range sortedVerdicts(res) {
		if l := callerLine(b); l != "" {
			if _, err := fmt.Fprintln(w, l); err != nil {
				return err
			}
		}
	}
	return nil
}

// callerShare is the share of a bucket's hot-minute requests from which the terminal names a
// caller: a client, user agent or path template that made a third of them is a lead worth
// following; below that the traffic is spread over many callers and naming the first says nothing.
const callerShare = 1.0 / 3

// callerLine says who made a bucket's hot minutes, naming only what made at least callerShare of
// their requests (a client or user agent as logged, or a path template other than the bucket's own
// endpoint), and how many requests Okta answered HTTP 429; "" when there is nothing to say.
func callerLine(b *BucketResult) string {
	var parts []string
	name := func(kind string, shares []Share, skip string) {
		if len(shares) == 0 || shares[0].Name == "" || shares[0].Name == skip {
			return
		}
		if f := shares[0].Fraction(b.HotRequests); f >= callerShare {
			parts = append(parts, fmt.Sprintf("%s %s (%.0f%%)", kind, callerName(shares[0].Name), f*100))
		}
	}
	if b.HotMinutes > 0 {
		name("client", b.Clients, "")
		name("user agent", b.Agents, "")
		if len(b.Paths) > 0 && b.Paths[0].Name != b.Bucket.Pattern {
			name("path", b.Paths, "")
		}
	}
	if len(parts) == 0 && b.Throttled == 0 {
		return ""
	}
	s := b.Bucket.ID + ":"
	if len(parts) > 0 {
		s += fmt.Sprintf(" in its %s, %s", count(b.HotMinutes, "hot minute"), strings.Join(parts, ", "))
		if b.Throttled > 0 {
			s += ";"
		}
	}
	if b.Throttled > 0 {
		s += fmt.Sprintf(" %s answered HTTP 429", thousands(b.Throttled))
	}
	return s
}

// callerName is a client, user agent or path for the terminal: quoted.
func callerName(s string) string { return fmt.Sprintf("%q", s) }

// ANSI colours of the terminal verdicts.
const (
	ansiReset = "\x1b[0m"
	ansiOver  = "\x1b[1;31m" // bold red
	ansiNear  = "\x1b[33m"   // amber (yellow)
	ansiOK    = "\x1b[32m"   // green
	ansiNA    = "\x1b[1;35m" // bold magenta: traffic the tier does not offer
)

// statusColour is the ANSI colour of a verdict.
func statusColour(status string) string {
	switch status {
	case StatusOver:
		return ansiOver
	case StatusNear:
		return ansiNear
	case StatusUnavailable:
		return ansiNA
	}
	return ansiOK
}

// worse is the worse of two verdicts.
func worse(a, b string) string {
	if statusRank(b) > statusRank(a) {
		return b
	}
	return a
}

// textTable lays out rows of cells in columns two spaces apart, right-aligning the columns right
// marks, and lets a function colour each cell after it is padded, so that colour codes never
// upset the alignment.
type textTable struct {
	right []bool
	rows  []textRow
}

// textRow is one row: its cells, and the worst verdict of the row (for colouring).
type textRow struct {
	worst string
	cells []string
}

// add appends a row.
func (t *textTable) add(worst string, cells ...string) {
	t.rows = append(t.rows, textRow{worst: worst, cells: cells})
}

// write writes the table; paint may wrap each cell's text, before it is padded (row 0 is the header).
func (t *textTable) write(w io.Writer, paint func(row, col int, s string) string) error {
	var width []int
	for _, r := range t.rows {
		for i, c := range r.cells {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for ri, r := range t.rows {
		b.Reset()
		for i, c := range r.cells {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			switch {
			case i < len(t.right) && t.right[i]:
				b.WriteString(pad + paint(ri, i, c))
			case i == len(r.cells)-1:
				b.WriteString(paint(ri, i, c))
			default:
				b.WriteString(paint(ri, i, c) + pad)
			}
		}
		b.WriteByte('\n')
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

package report

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteText writes the terse terminal verdict: one row per bucket with traffic, judged against the
// chosen tier, then the input accounting in one line.
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", b.Bucket.ID, limitString(v.Limit),
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
	return err
}

package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// cmdBuckets runs buckets: a table of every bucket in the chosen catalog, its methods, endpoint,
// eligibility and its limit on each tier (or only --tier), followed by notes on reading it.
func cmdBuckets(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("buckets", "[--tier T] [--catalog C] [--limits FILE]", stderr)
	tierS := fs.String("tier", "", "print only this tier's limits")
	catFlags := addCatalogFlags(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("buckets takes no arguments (got %q)", pos[0])
	}
	tiers := classify.Tiers[:]
	if *tierS != "" {
		t, err := parseTier(*tierS)
		if err != nil {
			return err
		}
		tiers = []classify.Tier{t}
	}
	if catFlags.learned() {
		return usagef("--limits learned needs the input: use it with analyze or request")
	}
	cat, err := catFlags.load()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "BUCKET\tMETHODS\tENDPOINT\tELIGIBLE")
	for _, t := range tiers {
		fmt.Fprintf(tw, "\t%s", t)
	}
	fmt.Fprintln(tw)
	for i := range cat.Buckets {
		b := &cat.Buckets[i]
		methods := "any"
		if len(b.Methods) > 0 {
			methods = strings.Join(b.Methods, ",")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s", b.ID, methods, b.Pattern, b.Eligible())
		for _, t := range tiers {
			fmt.Fprintf(tw, "\t%s", report.FormatLimit(b.Limit(t)))
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "catalog %s: requests per minute per org; N/A = not offered on that tier.\n", cat.Name)
	for _, t := range tiers {
		if title := cat.TierTitle(t); title != t.Title() {
			fmt.Fprintf(stdout, "%s: %s in this catalog.\n", t, title)
		}
	}
	fmt.Fprintln(stdout, "ELIGIBLE: burst (Okta serves up to 5x the limit briefly), dynamicscale, workforce-multiplier.")
	fmt.Fprintln(stdout, "public-metadata (never limited): /oauth2/v1/keys, /.well-known/*, /oauth2/{authorizationServerId}/v1/keys, /oauth2/{authorizationServerId}/.well-known/*")
	return nil
}

package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// httpMethods are the methods classify takes, in any case: HTTP's (RFC 9110) and PATCH. Anything
// else is refused rather than classified, since Okta's buckets are chosen by method too.
var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}

// cmdClassify runs classify: the bucket METHOD PATH falls in, its endpoint and rule, its limit on
// every tier (with where an overridden limit came from) and its eligibility, or why it has no bucket.
func cmdClassify(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("classify", "[--catalog C] [--limits FILE] METHOD PATH", stderr)
	catFlags := addCatalogFlags(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return usagef("classify needs METHOD and PATH, e.g. ratecard classify GET /api/v1/users/00u1abc")
	}
	method, path := strings.ToUpper(pos[0]), pos[1]
	if !slices.Contains(httpMethods, method) {
		return unknownValue("HTTP method", pos[0], httpMethods)
	}
	if catFlags.learned() {
		return usagef("--limits learned needs the input: use it with analyze or request")
	}
	cat, err := catFlags.load()
	if err != nil {
		return err
	}
	cl := cat.Classify(method, path)
	b, ok := cat.Bucket(cl)
	if !ok {
		switch cl {
		case classify.PublicMetadata:
			fmt.Fprintf(stdout, "%s %s: public-metadata (public metadata endpoint; Okta does not rate-limit it)\n", method, path)
		default:
			fmt.Fprintf(stdout, "%s %s: outside-catalog (no bucket of the %s catalog covers it)\n", method, path, cat.Name)
		}
		return nil
	}
	fmt.Fprintf(stdout, "%s %s: %s\n  endpoint: %s\n  rule:     %s\n", method, path, b.ID, b.Pattern, b.Rule)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	for _, t := range classify.Tiers {
		note := ""
		if o := b.LimitOrigin(t); o != "" {
			note = "\t(" + o + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s%s\n", t, report.FormatLimit(b.Limit(t)), note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "  eligible: %s\n", b.Eligible())
	return nil
}

package main

// The manifest as text: the summary printed to stderr and the Markdown tables samples/README.md
// quotes.

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// printSummary writes the manifest as the short text summary the generator prints to stderr.
func printSummary(w io.Writer, m *Manifest) {
	fmt.Fprintf(w, "ratecard samples: %s .. %s (UTC), seed %d\n", m.Window.From, m.Window.To, m.Seed)
	for _, f := range m.Files {
		fmt.Fprintf(w, "  %-24s %s  %7d lines  %7d requests  %3d not requests  %8d bytes gzip\n",
			f.Name, f.Offset, f.Lines, f.Requests, f.Skipped, f.GzipBytes)
	}
	fmt.Fprintf(w, "  total %d lines, %d requests (%d public metadata, %d outside catalog), %d not requests\n",
		m.Totals.Lines, m.Totals.Requests, m.Totals.PublicMetadata, m.Totals.OutsideCatalog, m.Totals.NotRequests)
	fmt.Fprintln(w, "line kinds (eu/us):")
	for _, k := range m.LineKinds {
		fmt.Fprintf(w, "  %-22s %d/%d\n", k.Kind, k.EU, k.US)
	}
	fmt.Fprintln(w, "buckets (enterprise):")
	for _, b := range m.Buckets {
		fmt.Fprintf(w, "  %-15s limit %4d  requests %6d  peak %4d @ %s  rolling %4d @ %s  near %d over %d  %s/%s\n",
			b.ID, b.Limit, b.Requests, b.Peak.Count, b.Peak.Minute, b.Rolling.Count, b.Rolling.Start,
			b.MinutesNear, b.MinutesOver, b.Status, b.RollStatus)
	}
	fmt.Fprintln(w, "events:")
	for _, e := range m.Events {
		fmt.Fprintf(w, "  %s [%s, limit %d, %s] %s .. %s  rolling %d @ %s  (%s/%s)\n", e.ID, e.Bucket, e.Limit,
			strings.Join(e.Proxies, "+"), e.From, e.To, e.Rolling.Count, e.Rolling.Start, e.Verdict, e.RVerdict)
		for _, mi := range e.Minutes {
			fmt.Fprintf(w, "    %s  %5d (eu %d, us %d; planted %d; 429s %d)  %s\n",
				mi.Minute, mi.Count, mi.EU, mi.US, mi.Planted, mi.S429, mi.Status)
		}
	}
	fmt.Fprintf(w, "429 responses: %s\n", format429(m.Status429))
}

// printMarkdown writes the tables samples/README.md quotes.
func printMarkdown(w io.Writer, m *Manifest) {
	fmt.Fprintln(w, "| file | UTC offset | lines | requests | not requests | gzip bytes |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|")
	var gz int64
	for _, f := range m.Files {
		fmt.Fprintf(w, "| `%s` | %s | %d | %d | %d | %d |\n", f.Name, f.Offset, f.Lines, f.Requests, f.Skipped, f.GzipBytes)
		gz += f.GzipBytes
	}
	fmt.Fprintf(w, "| both | | %d | %d | %d | %d |\n\n", m.Totals.Lines, m.Totals.Requests, m.Totals.NotRequests, gz)

	fmt.Fprintln(w, "| kind | eu | us | a request? | what |")
	fmt.Fprintln(w, "|---|---:|---:|---|---|")
	for _, k := range m.LineKinds {
		yes := "no"
		if k.Request {
			yes = "yes"
		}
		fmt.Fprintf(w, "| `%s` | %d | %d | %s | %s |\n", k.Kind, k.EU, k.US, yes,
			strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;").Replace(k.Description))
	}
	fmt.Fprintln(w)

	for _, e := range m.Events {
		fmt.Fprintf(w, "#### `%s`: %s\n\n", e.ID, e.Title)
		fmt.Fprintf(w, "Bucket `%s` (enterprise limit %d), proxies %s, active %s to %s. %s.\n\n",
			e.Bucket, e.Limit, strings.Join(e.Proxies, " + "), e.From, e.To, e.What)
		fmt.Fprintf(w, "| minute (UTC, %s) | count | eu | us | planted | 429s | verdict |\n", e.Minutes[0].Minute[:10])
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---|")
		for _, mi := range e.Minutes {
			fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %d | %s |\n", strings.TrimSuffix(mi.Minute[11:], ":00Z"),
				mi.Count, mi.EU, mi.US, mi.Planted, mi.S429, mi.Status)
		}
		fmt.Fprintf(w, "\nBy the minute: %s; rolling peak %d from %s: %s.\n\n", e.Verdict, e.Rolling.Count, e.Rolling.Start, e.RVerdict)
	}

	fmt.Fprintln(w, "| bucket | limit | requests | peak | peak minute | rolling peak | rolling from | minutes near | minutes over | status | rolling status |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|---:|---|---:|---:|---|---|")
	for _, b := range m.Buckets {
		fmt.Fprintf(w, "| `%s` | %d | %d | %d | %s | %d | %s | %d | %d | %s | %s |\n", b.ID, b.Limit, b.Requests,
			b.Peak.Count, b.Peak.Minute, b.Rolling.Count, b.Rolling.Start, b.MinutesNear, b.MinutesOver, b.Status, b.RollStatus)
	}
	fmt.Fprintf(w, "\nPublic metadata: %d requests; outside the catalog: %d requests. 429 responses: %s.\n",
		m.Totals.PublicMetadata, m.Totals.OutsideCatalog, format429(m.Status429))
}

// format429 lists the 429 responses per bucket, e.g. "12 in `apps`, 3 in `logs`", or "none".
func format429(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d in `%s`", m[k], k)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

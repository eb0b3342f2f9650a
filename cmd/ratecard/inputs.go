package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/ingest/oktalog"
	"github.com/ratecard/ratecard/report"
)

// expandInputs replaces each directory among paths with the log files under it, in name order
// (ingest.ExpandPaths: names starting with "." are skipped), and describes each directory that
// "ratecard fetch" wrote, from its checkpoint and saved rate-limit settings.
func expandInputs(paths []string) ([]string, []report.FetchedLog, error) {
	files, err := ingest.ExpandPaths(paths)
	if err != nil {
		return nil, nil, err
	}
	var fetched []report.FetchedLog
	for _, p := range paths {
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			continue
		}
		m, err := oktalog.ReadManifest(p)
		if err != nil {
			return nil, nil, err
		}
		if m == nil {
			continue
		}
		fl := report.FetchedLog{Dir: p, Org: m.Org, Since: m.Since, Until: m.Until, Events: m.Events, FetchedAt: m.Updated, Complete: m.Complete()}
		if m.Complete() {
			fl.FetchedAt = m.Done
		}
		if s, err := oktalog.ReadSettings(p); err == nil && s != nil {
			fl.WarningThreshold = s.WarningThreshold
		}
		fetched = append(fetched, fl)
	}
	return files, fetched, nil
}

// printFetched names each fetched System Log of the input on the terminal.
func printFetched(w io.Writer, res *report.Result) {
	for _, f := range res.Input.Fetched {
		fmt.Fprintf(w, "input:   %s\n", report.FetchedText(f))
	}
}

// orgWarn is the warning threshold the analysis takes from the org's own rate-limit settings
// saved by fetch: when --warn was not given and every fetched directory read the same threshold,
// within Okta's 30-90 range. It marks the fetched logs it came from.
func orgWarn(fs *flag.FlagSet, fetched []report.FetchedLog) (int, bool) {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "warn" })
	if given || len(fetched) == 0 {
		return 0, false
	}
	w := fetched[0].WarningThreshold
	for _, f := range fetched {
		if f.WarningThreshold != w {
			return 0, false
		}
	}
	if w < 30 || w > 90 {
		return 0, false
	}
	for i := range fetched {
		fetched[i].WarnApplied = true
	}
	return w, true
}

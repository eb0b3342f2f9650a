package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
	"github.com/ratecard/ratecard/report/analyze"
)

// analyzeFlags are the flags analyze and request share: what to read, how to judge it, where to write.
type analyzeFlags struct {
	tier, out, format, logFormat, db, failOn, progress, from, to *string
	principalMap, maxSkipped, org, haproxyLogFormat, tz, color   *string
	warn                                                         *int
	strict, forwardedFor, dedupe, stamp, counts                  *bool
	fields                                                       fieldFlags
	cat                                                          catalogFlags
}

// analyzeSynopsis is the flag part of the analyze and request usage lines.
const analyzeSynopsis = "[--tier T] [--warn PCT] [--out DIR] [--catalog C] [--limits FILE] [--db FILE]"

// addAnalyzeFlags defines the shared analysis flags on fs; out is the default output directory.
func addAnalyzeFlags(fs *flag.FlagSet, out string) *analyzeFlags {
	f := &analyzeFlags{}
	f.tier = tierFlag(fs)
	f.warn = percentFlag(fs, "warn", 60, "warning threshold, `PCT` percent of the limit from 30 to 90, as 60 or 60% (Okta's range; its default is 60, Workforce orgs default to 90; a directory from ratecard fetch brings the org's own)")
	f.out = fs.String("out", out, "directory to write the report files into")
	f.format = fs.String("format", "", "input format for every file: "+strings.Join(ingest.Formats(), ", ")+" (default: detected per file)")
	f.logFormat = fs.String("log-format", "", "nginx log_format of the input (e.g. '$remote_addr - $remote_user [$time_local] \"$request\" $status ...'); implies --format nginx")
	f.haproxyLogFormat = fs.String("haproxy-log-format", "", "HAProxy log-format of the input, as in haproxy.cfg (e.g. '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B ... %{+Q}r'); implies --format haproxy")
	fs.Var(&f.fields, "field", "for JSON-lines input: map a field to a key or dotted path, e.g. --field time=ts --field path=request.uri, a duration with its unit: --field duration_ms=elapsed (duration, duration_ms, duration_us, duration_ns), end_time in place of time when the time is the request's end (repeatable; implies --format json)")
	f.cat = addCatalogFlags(fs)
	f.db = fs.String("db", "", "keep the classified requests in this DuckDB file; with no FILE, analyse the file again without the logs")
	f.failOn = fs.String("fail-on", "", "exit with status 3 when a bucket is 'over' (or 'near' or over) the tier's limit, for CI use")
	f.progress = fs.String("progress", "auto", "progress on stderr: auto (when stderr is a terminal), always or never")
	f.from = fs.String("from", "", "analyse only requests at or after this UTC time (2026-10-01 or 2026-10-01T08:00:00Z)")
	f.to = fs.String("to", "", "analyse only requests before this UTC time (same forms; a bare date means its midnight)")
	f.strict = fs.Bool("strict", false, "stop with exit status 1 and no report when any file cannot be opened or read to its end")
	f.principalMap = fs.String("principal-map", "", "file naming principals by client address or user agent, and their shares of each bucket (see README)")
	f.stamp = fs.Bool("stamp", false, "write the time of the run into report.html and summary.json (off: the same input gives the same bytes)")
	f.dedupe = fs.Bool("dedupe", false, "drop requests identical to one already read (overlapping rotated files); reads files one after another")
	f.forwardedFor = fs.Bool("forwarded-for", false, "take the first X-Forwarded-For hop, where the log has one, as the client (for logs written behind a load balancer)")
	f.maxSkipped = fs.String("max-skipped", "10%", "warn (in the terminal and at the top of the report) about a file of which more than this share of lines was skipped as unreadable")
	f.counts = fs.Bool("counts", false, "the files hold requests already counted per bucket and second (CSV or Parquet with bucket, second, requests, throttled), as the query of ratecard sql returns them")
	f.tz = fs.String("tz", "UTC", "time zone of the times in report.html, summary.md, request.md and the terminal, an IANA name such as Europe/Berlin or America/New_York (summary.json and the CSVs stay UTC)")
	f.color = fs.String("color", "auto", "colour the terminal verdict: auto (when stdout is a terminal and NO_COLOR is not set), always or never")
	f.org = fs.String("org", "", "the Okta org the logs are of, as its URL (https://acme.okta.com) or a name: shown in the report's title, summary.json and the draft case")
	return f
}

// analyze checks the shared flags and runs the analysis of files (or of the --db store when there
// are none). readErr is an input that could not be read to its end while the rest was analysed; err
// stops the command (a usage error, or no result at all).
func (f *analyzeFlags) analyze(ctx context.Context, fs *flag.FlagSet, cmd string, files []string, stderr io.Writer) (res *report.Result, readErr, err error) {
	tier, err := parseTier(*f.tier)
	if err != nil {
		return nil, nil, err
	}
	if *f.warn < 30 || *f.warn > 90 {
		return nil, nil, usagef("--warn %d is outside Okta's range 30-90", *f.warn)
	}
	if *f.format != "" && !slices.Contains(ingest.Formats(), *f.format) {
		return nil, nil, unknownValue("--format", *f.format, ingest.Formats())
	}
	if *f.failOn != "" && *f.failOn != "over" && *f.failOn != "near" {
		return nil, nil, unknownValue("--fail-on", *f.failOn, []string{"over", "near"})
	}
	if *f.progress != "auto" && *f.progress != "always" && *f.progress != "never" {
		return nil, nil, unknownValue("--progress", *f.progress, []string{"auto", "always", "never"})
	}
	if *f.color != "auto" && *f.color != "always" && *f.color != "never" {
		return nil, nil, unknownValue("--color", *f.color, []string{"auto", "always", "never"})
	}
	zone, err := loadZone(*f.tz)
	if err != nil {
		return nil, nil, err
	}
	maxSkipped, err := report.ParseShare(*f.maxSkipped)
	if err != nil {
		return nil, nil, usagef("--max-skipped %v", err)
	}
	org := ""
	if *f.org != "" {
		if org, err = report.ParseOrg(*f.org); err != nil {
			return nil, nil, usageError{err.Error()}
		}
	}
	from, err := parseUTC("--from", *f.from)
	if err != nil {
		return nil, nil, err
	}
	to, err := parseUTC("--to", *f.to)
	if err != nil {
		return nil, nil, err
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return nil, nil, usagef("--from %s is not before --to %s", *f.from, *f.to)
	}
	if len(files) == 0 && (!from.IsZero() || !to.IsZero()) {
		return nil, nil, usagef("--from and --to apply while reading logs; a kept --db ingest has the window it was read with")
	}
	if *f.counts {
		for _, o := range []struct {
			name string
			set  bool
		}{{"--db", *f.db != ""}, {"--dedupe", *f.dedupe}, {"--format", *f.format != ""}, {"--log-format", *f.logFormat != ""},
			{"--haproxy-log-format", *f.haproxyLogFormat != ""}, {"--field", f.fields.m != nil}, {"--forwarded-for", *f.forwardedFor},
			{"--principal-map", *f.principalMap != ""}} {
			if o.set {
				return nil, nil, usagef("%s reads single requests; --counts files hold counts per bucket and second", o.name)
			}
		}
	}
	if len(files) == 0 && *f.db == "" {
		fs.Usage()
		return nil, nil, usagef("%s needs at least one input file (or --db FILE to analyse a kept ingest again)", cmd)
	}
	var fetched []report.FetchedLog
	if len(files) > 0 {
		if files, fetched, err = expandInputs(files); err != nil {
			return nil, nil, err
		}
	}
	warn := *f.warn
	if w, ok := orgWarn(fs, fetched); ok {
		warn = w
	}
	cat, err := f.cat.load()
	if err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var principals *analyze.PrincipalMap
	if *f.principalMap != "" {
		pf, err := os.Open(*f.principalMap)
		if err != nil {
			return nil, nil, fmt.Errorf("--principal-map: %w", err)
		}
		principals, err = analyze.ParsePrincipalMap(*f.principalMap, pf)
		pf.Close()
		if err != nil {
			return nil, nil, err
		}
	}
	opt := analyze.Options{Principals: principals, Catalog: cat, Tier: tier, WarnPercent: warn, Format: *f.format, DB: *f.db, From: from, To: to,
		LogFormat: *f.logFormat, HAProxyLogFormat: *f.haproxyLogFormat, Fields: f.fields.m, Strict: *f.strict,
		ForwardedFor: *f.forwardedFor, Dedupe: *f.dedupe, Learned: f.cat.learned()}
	if *f.logFormat != "" {
		if _, err := ingest.CompileLogFormat(*f.logFormat); err != nil {
			return nil, nil, usageError{"--log-format: " + err.Error()}
		}
	}
	if *f.haproxyLogFormat != "" {
		if *f.logFormat != "" {
			return nil, nil, usagef("--log-format (nginx) and --haproxy-log-format both given: give the one your logs were written with")
		}
		if _, err := ingest.CompileHAProxyLogFormat(*f.haproxyLogFormat); err != nil {
			return nil, nil, usageError{"--haproxy-log-format: " + err.Error()}
		}
	}
	switch {
	case len(files) == 0:
		res, readErr = analyze.Store(ctx, *f.db, opt)
	case *f.counts:
		stop := startProgress(stderr, *f.progress, files, &opt)
		res, readErr = analyze.Counts(ctx, files, opt)
		stop()
	default:
		stop := startProgress(stderr, *f.progress, files, &opt)
		res, readErr = analyze.Files(ctx, files, opt)
		stop()
	}
	if res == nil {
		if *f.strict && readErr != nil {
			return nil, nil, fmt.Errorf("--strict: no report written: %w", readErr)
		}
		return nil, nil, readErr
	}
	res.Input.Fetched = fetched
	if *f.stamp {
		res.GeneratedAt = time.Now().UTC().Truncate(time.Second)
	}
	res.Org = org
	res.Zone = zone
	res.SkipWarnings = report.SkipWarnings(res, maxSkipped)
	for _, w := range res.SkipWarnings {
		fmt.Fprintf(stderr, "ratecard: warning: %s\n", w.Text())
	}
	return res, readErr, nil
}

// finish reports a read error that did not stop the analysis, and an analysis without a request to a
// rate-limited Okta endpoint (both exit status 1, after the report is written), and applies --fail-on.
func (f *analyzeFlags) finish(res *report.Result, readErr error) error {
	if readErr != nil {
		readErr = fmt.Errorf("some input could not be read in full (the report counts what was read and names the files): %w", readErr)
	}
	if res.NoOktaTraffic() {
		return errors.Join(readErr, fmt.Errorf("%s The report is written in %s.", report.NoTrafficText(res), *f.out))
	}
	if readErr != nil {
		return readErr
	}
	if *f.failOn != "" {
		if ids := failing(res, *f.failOn); len(ids) > 0 {
			return thresholdError{fmt.Sprintf("--fail-on %s: %s on %s", *f.failOn, strings.Join(ids, ", "), res.TierTitle(res.Tier))}
		}
	}
	return nil
}

// cmdAnalyze runs analyze: it analyses the logs (or a kept --db ingest), writes the report files into
// --out, prints the summary and the files' paths, and applies --fail-on.
func cmdAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("analyze", analyzeSynopsis+" FILE|DIR...", stderr)
	af := addAnalyzeFlags(fs, "ratecard-report")
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	res, readErr, err := af.analyze(ctx, fs, "analyze", files, stderr)
	if err != nil {
		return err
	}
	analyze.Trace("analysed")
	if err := report.WriteDir(*af.out, res, report.HTMLOptions{Version: versionString()}); err != nil {
		return err
	}
	analyze.Trace("files written")
	if err := report.WriteTextOptions(stdout, res, af.textOptions(stdout)); err != nil {
		return err
	}
	printFetched(stdout, res)
	fmt.Fprintf(stdout, "report:  %s\nsummary: %s (also summary.md, minutes.csv)\n", filepath.Join(*af.out, "report.html"), filepath.Join(*af.out, "summary.json"))
	if *af.db != "" && len(files) > 0 {
		fmt.Fprintf(stdout, "kept:    %s (re-analyse with: ratecard analyze --db %s --tier T)\n", *af.db, *af.db)
	}
	return af.finish(res, readErr)
}

// failing lists the buckets whose fixed-minute or rolling peak is over (or, for "near", near or over)
// the chosen tier's limit, or that see traffic the tier does not offer.
func failing(res *report.Result, level string) []string {
	var ids []string
	for i := range res.Buckets {
		v := res.Buckets[i].Chosen(res.Tier)
		bad := v.Status == report.StatusOver || v.RollingStatus == report.StatusOver || v.Status == report.StatusUnavailable
		if level == "near" {
			bad = bad || v.Status == report.StatusNear || v.RollingStatus == report.StatusNear
		}
		if bad {
			ids = append(ids, res.Buckets[i].Bucket.ID)
		}
	}
	return ids
}

// textOptions are the terminal verdict's options, its colour as colorWanted decides.
func (f *analyzeFlags) textOptions(stdout io.Writer) report.TextOptions {
	return report.TextOptions{Color: colorWanted(*f.color, os.Getenv("NO_COLOR"), isTerminal(stdout))}
}

// colorWanted is --color's choice (https://no-color.org): "auto" colours a terminal (tty) unless
// NO_COLOR is set to anything but "", "always" colours whatever NO_COLOR says (a flag given on the
// command line wins over the environment), "never" never does.
func colorWanted(mode, noColor string, tty bool) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return tty && noColor == ""
}

// loadZone loads the --tz time zone: an IANA name from the zone database embedded in the binary
// (time/tzdata), so that a machine without /usr/share/zoneinfo reads it too. "UTC" and "" are UTC;
// "Local" is refused, since a report should name its zone.
func loadZone(name string) (*time.Location, error) {
	if name == "" || name == "UTC" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, usagef("--tz %q: not a time zone; give an IANA name such as Europe/Berlin, America/New_York or UTC", name)
	}
	return loc, nil
}

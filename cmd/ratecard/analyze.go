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
	principalMap, maxSkipped, org, haproxyLogFormat              *string
	warn                                                         *int
	strict, forwardedFor, dedupe, stamp                          *bool
	fields                                                       fieldFlags
	cat                                                          catalogFlags
}

// analyzeSynopsis is the flag part of the analyze and request usage lines.
const analyzeSynopsis = "[--tier T] [--warn PCT] [--out DIR] [--catalog C] [--limits FILE] [--db FILE]"

// addAnalyzeFlags defines the shared analysis flags on fs; out is the default output directory.
func addAnalyzeFlags(fs *flag.FlagSet, out string) *analyzeFlags {
	f := &analyzeFlags{}
	f.tier = tierFlag(fs)
	f.warn = fs.Int("warn", 60, "warning threshold in percent of the limit, 30-90 (Okta's range; its default is 60, Workforce orgs default to 90; a directory from ratecard fetch brings the org's own)")
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
		return nil, nil, usagef("unknown --format %q (known: %s)", *f.format, strings.Join(ingest.Formats(), ", "))
	}
	if *f.failOn != "" && *f.failOn != "over" && *f.failOn != "near" {
		return nil, nil, usagef("--fail-on %q: want over or near", *f.failOn)
	}
	if *f.progress != "auto" && *f.progress != "always" && *f.progress != "never" {
		return nil, nil, usagef("--progress %q: want auto, always or never", *f.progress)
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
	if len(files) == 0 {
		res, readErr = analyze.Store(ctx, *f.db, opt)
	} else {
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
	if err := report.WriteDir(*af.out, res, report.HTMLOptions{Version: versionString()}); err != nil {
		return err
	}
	if err := report.WriteText(stdout, res); err != nil {
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

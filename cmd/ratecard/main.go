// Command ratecard reads last month's traffic to an Okta org (HTTP access logs of calls to Okta),
// classifies every request into its Okta rate-limit bucket, and reports per-minute and rolling
// 60-second peaks against every plan tier as an offline HTML report and a summary.json.
//
// Usage:
//
//	ratecard analyze [--tier T] [--warn PCT] [--out DIR] [--catalog C] [--limits FILE] [--db FILE] FILE...
//	ratecard analyze --db FILE [--tier T] [--warn PCT] [--catalog C] [--limits FILE]
//	ratecard request [analyze flags] [--growth PCT] [--event START[:END]xFACTOR] [--show-clients] FILE...
//	ratecard buckets [--tier T] [--catalog C] [--limits FILE]
//	ratecard classify [--catalog C] [--limits FILE] METHOD PATH
//	ratecard version
//
// Exit codes: 0 done, 1 runtime or data error, 2 usage error, 3 --fail-on threshold reached.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise the module version.
var version = ""

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // runtime or data error
	exitUsage = 2 // bad command line
	// exitThreshold: the analysis ran and --fail-on found a bucket over (or near) its limit.
	exitThreshold = 3
	// exitInterrupted: stopped by Ctrl-C (128 + SIGINT, as shells report it).
	exitInterrupted = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(profiled(func() int { return run(ctx, os.Args[1:], os.Stdout, os.Stderr) }))
}

// profiled runs f, writing a CPU profile to the file named by RATECARD_CPUPROFILE when it is set:
// a developer's hook for performance work (go tool pprof BINARY FILE), not a user-facing option.
func profiled(f func() int) int {
	path := os.Getenv("RATECARD_CPUPROFILE")
	if path == "" {
		return f()
	}
	out, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ratecard: RATECARD_CPUPROFILE: %v\n", err)
		return f()
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		fmt.Fprintf(os.Stderr, "ratecard: RATECARD_CPUPROFILE: %v\n", err)
		return f()
	}
	defer pprof.StopCPUProfile()
	return f()
}

const usage = `ratecard: Okta rate-limit usage from your own logs

Usage:
  ratecard analyze [--tier T] [--warn PCT] [--out DIR] [--catalog C] [--limits FILE] [--db FILE] FILE...
  ratecard analyze --db FILE [--tier T] [--warn PCT] [--catalog C] [--limits FILE]
  ratecard request [analyze flags] [--growth PCT] [--event START[:END]xFACTOR] [--show-clients] FILE...
  ratecard buckets [--tier T] [--catalog C] [--limits FILE]
  ratecard classify [--catalog C] [--limits FILE] METHOD PATH
  ratecard version

Commands:
  analyze    read access logs (plain, .gz or .zst) and write report.html and summary.json
  request    analyze, plus an evidence pack for a rate-limit increase or DynamicScale request
             (request.md with a draft case text, request.csv)
  buckets    print the rate-limit catalog: every bucket, its endpoint rule and its limits
  classify   print the bucket a request falls in and its limit on every tier
  version    print the version

Run 'ratecard COMMAND --help' for a command's options.
Exit codes: 0 done, 1 runtime or data error, 2 usage error, 3 --fail-on threshold reached.
`

// usageError marks errors caused by the command line (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// run is the whole program behind main, testable without a process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "analyze":
		err = cmdAnalyze(ctx, rest, stdout, stderr)
	case "request":
		err = cmdRequest(ctx, rest, stdout, stderr)
	case "buckets":
		err = cmdBuckets(rest, stdout, stderr)
	case "classify":
		err = cmdClassify(rest, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "ratecard %s\n", versionString())
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = usagef("unknown command %q (want analyze, request, buckets, classify or version)", cmd)
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "ratecard: %v\n", err)
		return exitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "ratecard: interrupted; no report written")
		return exitInterrupted
	case errors.As(err, new(thresholdError)):
		fmt.Fprintf(stderr, "ratecard: %v\n", err)
		return exitThreshold
	default:
		fmt.Fprintf(stderr, "ratecard: %v\n", err)
		return exitError
	}
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// analyzeFlags are the flags analyze and request share: what to read, how to judge it, where to write.
type analyzeFlags struct {
	tier, out, format, logFormat, db, failOn, progress, from, to *string
	principalMap                                                 *string
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
	f.warn = fs.Int("warn", 60, "warning threshold in percent of the limit, 30-90 (Okta's range; its default is 60, Workforce orgs default to 90)")
	f.out = fs.String("out", out, "directory to write the report files into")
	f.format = fs.String("format", "", "input format for every file: "+strings.Join(ingest.Formats(), ", ")+" (default: detected per file)")
	f.logFormat = fs.String("log-format", "", "nginx log_format of the input (e.g. '$remote_addr - $remote_user [$time_local] \"$request\" $status ...'); implies --format nginx")
	fs.Var(&f.fields, "field", "for JSON-lines input: map a field to a key or dotted path, e.g. --field time=ts --field path=request.uri (repeatable; implies --format json)")
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
	cat, err := f.cat.load()
	if err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var principals *report.PrincipalMap
	if *f.principalMap != "" {
		pf, err := os.Open(*f.principalMap)
		if err != nil {
			return nil, nil, fmt.Errorf("--principal-map: %w", err)
		}
		principals, err = report.ParsePrincipalMap(*f.principalMap, pf)
		pf.Close()
		if err != nil {
			return nil, nil, err
		}
	}
	opt := report.Options{Principals: principals, Catalog: cat, Tier: tier, WarnPercent: *f.warn, Format: *f.format, DB: *f.db, From: from, To: to,
		LogFormat: *f.logFormat, Fields: f.fields.m, Strict: *f.strict, ForwardedFor: *f.forwardedFor, Dedupe: *f.dedupe, Learned: f.cat.learned()}
	if *f.logFormat != "" {
		if _, err := ingest.CompileLogFormat(*f.logFormat); err != nil {
			return nil, nil, usageError{"--log-format: " + err.Error()}
		}
	}
	if len(files) == 0 {
		res, readErr = report.AnalyzeStore(ctx, *f.db, opt)
	} else {
		stop := startProgress(stderr, *f.progress, files, &opt)
		res, readErr = report.AnalyzeFiles(ctx, files, opt)
		stop()
	}
	if res == nil {
		if *f.strict && readErr != nil {
			return nil, nil, fmt.Errorf("--strict: no report written: %w", readErr)
		}
		return nil, nil, readErr
	}
	if *f.stamp {
		res.GeneratedAt = time.Now().UTC().Truncate(time.Second)
	}
	return res, readErr, nil
}

// finish reports a read error that did not stop the analysis and applies --fail-on.
func (f *analyzeFlags) finish(res *report.Result, readErr error) error {
	if readErr != nil {
		return fmt.Errorf("some input could not be read in full (the report counts what was read and names the files): %w", readErr)
	}
	if *f.failOn != "" {
		if ids := failing(res, *f.failOn); len(ids) > 0 {
			return thresholdError{fmt.Sprintf("--fail-on %s: %s on %s", *f.failOn, strings.Join(ids, ", "), res.TierTitle(res.Tier))}
		}
	}
	return nil
}

func cmdAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("analyze", analyzeSynopsis+" FILE...", stderr)
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
	fmt.Fprintf(stdout, "report:  %s\nsummary: %s (also summary.md, minutes.csv)\n", filepath.Join(*af.out, "report.html"), filepath.Join(*af.out, "summary.json"))
	if *af.db != "" && len(files) > 0 {
		fmt.Fprintf(stdout, "kept:    %s (re-analyse with: ratecard analyze --db %s --tier T)\n", *af.db, *af.db)
	}
	return af.finish(res, readErr)
}

// eventFlags collects repeated --event flags.
type eventFlags struct{ events []report.Event }

func (e *eventFlags) String() string { return "" }

func (e *eventFlags) Set(v string) error {
	ev, err := report.ParseEvent(v)
	if err != nil {
		return err
	}
	e.events = append(e.events, ev)
	return nil
}

// cmdRequest is analyze plus the evidence pack for a rate-limit increase or DynamicScale request:
// request.md, request.csv and a section in report.html, free of personal data unless --show-clients.
func cmdRequest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("request", analyzeSynopsis+" [--growth PCT] [--event START[:END]xFACTOR] [--show-clients] FILE...", stderr)
	af := addAnalyzeFlags(fs, "ratecard-request")
	growthS := fs.String("growth", "", "project the observed per-minute profile grown by this percentage, e.g. 30%")
	var events eventFlags
	fs.Var(&events, "event", "project an expected event on these UTC days multiplying traffic, e.g. 2026-12-01:2026-12-03x4 (repeatable)")
	showClients := fs.Bool("show-clients", false, "name callers by client address and user agent (default: numbered, so the pack holds no personal data)")
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	ropt := &report.RequestOptions{ShowClients: *showClients, Events: events.events}
	if *growthS != "" {
		g, err := report.ParseGrowth(*growthS)
		if err != nil {
			return usagef("--growth: %v", err)
		}
		ropt.Growth = &g
	}
	res, readErr, err := af.analyze(ctx, fs, "request", files, stderr)
	if err != nil {
		return err
	}
	if err := report.WriteDir(*af.out, res, report.HTMLOptions{Version: versionString(), Request: ropt}); err != nil {
		return err
	}
	if err := report.WriteText(stdout, res); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "request: %s (also request.csv; the draft case text is in request.md)\nreport:  %s\nsummary: %s (also summary.md, minutes.csv)\n",
		filepath.Join(*af.out, "request.md"), filepath.Join(*af.out, "report.html"), filepath.Join(*af.out, "summary.json"))
	if *af.db != "" && len(files) > 0 {
		fmt.Fprintf(stdout, "kept:    %s (re-analyse with: ratecard request --db %s --tier T)\n", *af.db, *af.db)
	}
	return af.finish(res, readErr)
}

// thresholdError is --fail-on's verdict (exit code 3): the analysis ran, and found what the caller
// asked to fail on.
type thresholdError struct{ msg string }

func (e thresholdError) Error() string { return e.msg }

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
			fmt.Fprintf(tw, "\t%s", limitString(b.Limit(t)))
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
	method, path := pos[0], pos[1]
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
		fmt.Fprintf(tw, "  %s\t%s%s\n", t, limitString(b.Limit(t)), note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "  eligible: %s\n", b.Eligible())
	return nil
}

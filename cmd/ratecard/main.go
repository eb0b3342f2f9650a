// Command ratecard reads last month's traffic to an Okta org (HTTP access logs of calls to Okta),
// classifies every request into its Okta rate-limit bucket, and reports per-minute and rolling
// 60-second peaks against every plan tier as an offline HTML report and a summary.json.
//
// Usage:
//
//	ratecard analyze [--tier T] [--warn PCT] [--out DIR] [--catalog C] [--limits FILE] [--db FILE] FILE...
//	ratecard analyze --db FILE [--tier T] [--warn PCT] [--catalog C] [--limits FILE]
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
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `ratecard: Okta rate-limit usage from your own logs

Usage:
  ratecard analyze [--tier T] [--warn PCT] [--out DIR] [--catalog C] [--limits FILE] [--db FILE] FILE...
  ratecard analyze --db FILE [--tier T] [--warn PCT] [--catalog C] [--limits FILE]
  ratecard buckets [--tier T] [--catalog C] [--limits FILE]
  ratecard classify [--catalog C] [--limits FILE] METHOD PATH
  ratecard version

Commands:
  analyze    read access logs (plain, .gz or .zst) and write report.html and summary.json
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
	case "buckets":
		err = cmdBuckets(rest, stdout, stderr)
	case "classify":
		err = cmdClassify(rest, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "ratecard %s\n", versionString())
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = usagef("unknown command %q (want analyze, buckets, classify or version)", cmd)
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

// newFlagSet returns a flag set that reports errors as usage errors and prints usage to stderr.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("ratecard "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: ratecard %s %s\n\nOptions:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseArgs parses flags anywhere among the positional arguments (ratecard analyze a.log --tier x b.log),
// as users expect; "--" ends the flags.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if i := len(args) - len(rest); i > 0 && args[i-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func tierFlag(fs *flag.FlagSet) *string {
	ids := make([]string, 0, classify.NumTiers)
	for _, t := range classify.Tiers {
		ids = append(ids, t.String())
	}
	return fs.String("tier", classify.Enterprise.String(), "plan tier to judge against: "+strings.Join(ids, ", "))
}

func parseTier(s string) (classify.Tier, error) {
	t, err := classify.ParseTier(s)
	if err != nil {
		return 0, usageError{err.Error()}
	}
	return t, nil
}

func cmdAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("analyze", "[--tier T] [--warn PCT] [--out DIR] [--catalog C] [--limits FILE] [--db FILE] FILE...", stderr)
	tierS := tierFlag(fs)
	warn := fs.Int("warn", 60, "warning threshold in percent of the limit, 30-90 (Okta's range; its default is 60, Workforce orgs default to 90)")
	out := fs.String("out", "ratecard-report", "directory to write report.html, summary.json, summary.md and minutes.csv into")
	format := fs.String("format", "", "input format for every file: "+strings.Join(ingest.Formats(), ", ")+" (default: detected per file)")
	logFormat := fs.String("log-format", "", "nginx log_format of the input (e.g. '$remote_addr - $remote_user [$time_local] \"$request\" $status ...'); implies --format nginx")
	var fields fieldFlags
	fs.Var(&fields, "field", "for JSON-lines input: map a field to a key or dotted path, e.g. --field time=ts --field path=request.uri (repeatable; implies --format json)")
	catFlags := addCatalogFlags(fs)
	db := fs.String("db", "", "keep the classified requests in this DuckDB file; with no FILE, analyse the file again without the logs")
	failOn := fs.String("fail-on", "", "exit with status 3 when a bucket is 'over' (or 'near' or over) the tier's limit, for CI use")
	progress := fs.String("progress", "auto", "progress on stderr: auto (when stderr is a terminal), always or never")
	fromS := fs.String("from", "", "analyse only requests at or after this UTC time (2026-10-01 or 2026-10-01T08:00:00Z)")
	toS := fs.String("to", "", "analyse only requests before this UTC time (same forms; a bare date means its midnight)")
	strict := fs.Bool("strict", false, "stop with exit status 1 and no report when any file cannot be opened or read to its end")
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	tier, err := parseTier(*tierS)
	if err != nil {
		return err
	}
	if *warn < 30 || *warn > 90 {
		return usagef("--warn %d is outside Okta's range 30-90", *warn)
	}
	if *format != "" && !slices.Contains(ingest.Formats(), *format) {
		return usagef("unknown --format %q (known: %s)", *format, strings.Join(ingest.Formats(), ", "))
	}
	if *failOn != "" && *failOn != "over" && *failOn != "near" {
		return usagef("--fail-on %q: want over or near", *failOn)
	}
	if *progress != "auto" && *progress != "always" && *progress != "never" {
		return usagef("--progress %q: want auto, always or never", *progress)
	}
	from, err := parseUTC("--from", *fromS)
	if err != nil {
		return err
	}
	to, err := parseUTC("--to", *toS)
	if err != nil {
		return err
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return usagef("--from %s is not before --to %s", *fromS, *toS)
	}
	if len(files) == 0 && (!from.IsZero() || !to.IsZero()) {
		return usagef("--from and --to apply while reading logs; a kept --db ingest has the window it was read with")
	}
	if len(files) == 0 && *db == "" {
		fs.Usage()
		return usagef("analyze needs at least one input file (or --db FILE to analyse a kept ingest again)")
	}
	cat, err := catFlags.load()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	opt := report.Options{Catalog: cat, Tier: tier, WarnPercent: *warn, Format: *format, DB: *db, From: from, To: to,
		LogFormat: *logFormat, Fields: fields.m, Strict: *strict}
	if *logFormat != "" {
		if _, err := ingest.CompileLogFormat(*logFormat); err != nil {
			return usageError{"--log-format: " + err.Error()}
		}
	}
	var res *report.Result
	var readErr error
	if len(files) == 0 {
		res, readErr = report.AnalyzeStore(ctx, *db, opt)
	} else {
		stop := startProgress(stderr, *progress, files, &opt)
		res, readErr = report.AnalyzeFiles(ctx, files, opt)
		stop()
	}
	if res == nil {
		return readErr
	}
	if readErr != nil && *strict {
		return fmt.Errorf("--strict: no report written: %w", readErr)
	}
	if err := report.WriteDir(*out, res, report.HTMLOptions{Version: versionString()}); err != nil {
		return err
	}
	if err := report.WriteText(stdout, res); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report:  %s\nsummary: %s (also summary.md, minutes.csv)\n", filepath.Join(*out, "report.html"), filepath.Join(*out, "summary.json"))
	if *db != "" && len(files) > 0 {
		fmt.Fprintf(stdout, "kept:    %s (re-analyse with: ratecard analyze --db %s --tier T)\n", *db, *db)
	}
	if readErr != nil {
		return fmt.Errorf("some input could not be read to the end (the report counts what was read): %w", readErr)
	}
	if *failOn != "" {
		if ids := failing(res, *failOn); len(ids) > 0 {
			return thresholdError{fmt.Sprintf("--fail-on %s: %s on %s", *failOn, strings.Join(ids, ", "), res.TierTitle(res.Tier))}
		}
	}
	return nil
}

// fieldFlags collects repeated --field NAME=PATH flags.
type fieldFlags struct{ m map[string]string }

func (f *fieldFlags) String() string { return "" }

func (f *fieldFlags) Set(v string) error {
	name, path, ok := strings.Cut(v, "=")
	if !ok || name == "" || path == "" {
		return fmt.Errorf("want NAME=PATH, e.g. time=ts or path=request.uri")
	}
	if f.m == nil {
		f.m = map[string]string{}
	}
	if _, dup := f.m[name]; dup {
		return fmt.Errorf("%s given twice", name)
	}
	f.m[name] = path
	return nil
}

// parseUTC parses a --from/--to value: an RFC 3339 time, or a date meaning its UTC midnight. ""
// is the zero time (no bound).
func parseUTC(flagName, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t, nil // no offset: UTC
	}
	return time.Time{}, usagef("%s %q: want a UTC date (2026-10-01) or time (2026-10-01T08:00:00Z)", flagName, s)
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

// catalogFlags are the flags that choose the limits: a built-in catalog and an org's overrides.
type catalogFlags struct{ name, limits *string }

func addCatalogFlags(fs *flag.FlagSet) catalogFlags {
	return catalogFlags{
		name:   fs.String("catalog", classify.DefaultCatalog, "rate-limit catalog: "+strings.Join(classify.Catalogs(), ", ")),
		limits: fs.String("limits", "", "YAML file of the org's own limits and multipliers (see README: Limits files)"),
	}
}

// load returns the chosen catalog with the limits file applied. An unknown catalog is a usage error;
// a limits file that cannot be read or is invalid is a data error naming the file and line.
func (c catalogFlags) load() (*classify.Catalog, error) {
	if !slices.Contains(classify.Catalogs(), *c.name) {
		return nil, usagef("unknown --catalog %q (known: %s)", *c.name, strings.Join(classify.Catalogs(), ", "))
	}
	cat, err := classify.Load(*c.name)
	if err != nil {
		return nil, err
	}
	if *c.limits == "" {
		return cat, nil
	}
	f, err := os.Open(*c.limits)
	if err != nil {
		return nil, fmt.Errorf("--limits: %w", err)
	}
	defer f.Close()
	ov, err := classify.ParseOverrides(*c.limits, f)
	if err != nil {
		return nil, err
	}
	return cat.WithOverrides(ov)
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

func limitString(l int) string {
	if l == classify.NA {
		return "N/A"
	}
	return fmt.Sprint(l)
}

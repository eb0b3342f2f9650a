// Command ratecard reads last month's traffic to an Okta org (HTTP access logs of calls to Okta),
// classifies every request into its Okta rate-limit bucket, and reports per-minute and rolling
// 60-second peaks against every plan tier as an offline HTML report and a summary.json.
//
// Usage:
//
//	ratecard analyze [--tier T] [--warn PCT] [--out DIR] [--format F] FILE...
//	ratecard buckets [--tier T]
//	ratecard classify METHOD PATH
//	ratecard version
//
// Exit codes: 0 done, 1 runtime or data error, 2 usage error.
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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `ratecard: Okta rate-limit usage from your own logs

Usage:
  ratecard analyze [--tier T] [--warn PCT] [--out DIR] [--format F] FILE...
  ratecard buckets [--tier T]
  ratecard classify METHOD PATH
  ratecard version

Commands:
  analyze    read access logs (plain, .gz or .zst) and write report.html and summary.json
  buckets    print the rate-limit catalog: every bucket, its endpoint rule and its limits
  classify   print the bucket a request falls in and its limit on every tier
  version    print the version

Run 'ratecard COMMAND --help' for a command's options.
Exit codes: 0 done, 1 runtime or data error, 2 usage error.
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
	fs := newFlagSet("analyze", "[--tier T] [--warn PCT] [--out DIR] [--format F] FILE...", stderr)
	tierS := tierFlag(fs)
	warn := fs.Int("warn", 60, "warning threshold in percent of the limit, 30-90 (Okta's range; its default is 60)")
	out := fs.String("out", "ratecard-report", "directory to write report.html and summary.json into")
	format := fs.String("format", "", "input format for every file: "+strings.Join(ingest.Formats(), ", ")+" (default: detected per file)")
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
	if len(files) == 0 {
		fs.Usage()
		return usagef("analyze needs at least one input file")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	res, readErr := report.AnalyzeFiles(ctx, files, report.Options{
		Catalog: classify.Seed(), Tier: tier, WarnPercent: *warn, Format: *format,
	})
	if res == nil {
		return readErr
	}
	if err := report.WriteDir(*out, res, report.HTMLOptions{Version: versionString()}); err != nil {
		return err
	}
	if err := report.WriteText(stdout, res); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report:  %s\nsummary: %s\n", filepath.Join(*out, "report.html"), filepath.Join(*out, "summary.json"))
	if readErr != nil {
		return fmt.Errorf("some input could not be read to the end (the report counts what was read): %w", readErr)
	}
	return nil
}

func cmdBuckets(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("buckets", "[--tier T]", stderr)
	tierS := fs.String("tier", "", "print only this tier's limits")
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
	cat := classify.Seed()
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "BUCKET\tMETHODS\tENDPOINT")
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
		fmt.Fprintf(tw, "%s\t%s\t%s", b.ID, methods, b.Pattern)
		for _, t := range tiers {
			fmt.Fprintf(tw, "\t%s", limitString(b.Limit(t)))
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "catalog %s: requests per minute per org; N/A = not offered on that tier.\n", cat.Name)
	fmt.Fprintln(stdout, "public-metadata (never limited): /oauth2/v1/keys, /.well-known/*, /oauth2/{authorizationServerId}/v1/keys, /oauth2/{authorizationServerId}/.well-known/*")
	return nil
}

func cmdClassify(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("classify", "METHOD PATH", stderr)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return usagef("classify needs METHOD and PATH, e.g. ratecard classify GET /api/v1/users/00u1abc")
	}
	method, path := pos[0], pos[1]
	cat := classify.Seed()
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
		fmt.Fprintf(tw, "  %s\t%s\n", t, limitString(b.Limit(t)))
	}
	return tw.Flush()
}

func limitString(l int) string {
	if l == classify.NA {
		return "N/A"
	}
	return fmt.Sprint(l)
}

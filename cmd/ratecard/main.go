// Command ratecard reads last month's traffic to an Okta org (HTTP access logs of calls to Okta),
// classifies every request into its Okta rate-limit bucket, and reports per-minute and rolling
// 60-second peaks against every plan tier as an offline HTML report and a summary.json.
//
// Usage:
//
//	ratecard analyze [--tier T] [--warn PCT] [--out DIR] [--catalog C] [--limits FILE] [--db FILE] FILE|DIR...
//	ratecard analyze --db FILE [--tier T] [--warn PCT] [--catalog C] [--limits FILE]
//	ratecard request [analyze flags] [--growth PCT] [--event START[:END]xFACTOR] [--show-clients] FILE...
//	ratecard buckets [--tier T] [--catalog C] [--limits FILE]
//	ratecard classify [--catalog C] [--limits FILE] METHOD PATH
//	ratecard fetch --org https://ORG.okta.com [--since D] [--until D] [--out DIR] [--share PCT]
//	ratecard version
//
// Exit codes: 0 done, 1 runtime or data error (also: the input held no request to a rate-limited
// Okta endpoint; the report is written), 2 usage error, 3 --fail-on threshold reached, 130
// interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	_ "time/tzdata" // the zone database, for --tz on machines without one
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise the module version.
var version = ""

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // runtime or data error, or no request to a rate-limited Okta endpoint in the input
	exitUsage = 2 // bad command line
	// exitThreshold: the analysis ran and --fail-on found a bucket over (or near) its limit.
	exitThreshold = 3
	// exitInterrupted: stopped by Ctrl-C (128 + SIGINT, as shells report it).
	exitInterrupted = 130
)

// main runs the command line under a context that Ctrl-C cancels and exits with run's exit code.
func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(goMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(profiled(func() int { return run(ctx, os.Args[1:], os.Stdout, os.Stderr) }))
}

// goMemoryLimit is the soft limit of the Go heap (GOMEMLIMIT overrides it). The garbage collector
// otherwise lets the heap grow to twice what is live: on 50 M lines, where a run holds 400-700 MiB
// (the rows it may need, the client-limited requests, the minute counts), that doubled the peak
// RSS. Past the limit the collector works harder, never with more than half the CPU; beside it
// DuckDB's memory is bounded by its own limit (320 MB).
const goMemoryLimit = 640 << 20

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

// usage is the top-level help: every subcommand's synopsis and the exit codes.
const usage = `ratecard: Okta rate-limit usage from your own logs

Usage:
  ratecard analyze [--tier T] [--warn PCT] [--out DIR] [--catalog C] [--limits FILE] [--db FILE] FILE|DIR...
  ratecard analyze --db FILE [--tier T] [--warn PCT] [--catalog C] [--limits FILE]
  ratecard request [analyze flags] [--growth PCT] [--event START[:END]xFACTOR] [--show-clients] FILE...
  ratecard buckets [--tier T] [--catalog C] [--limits FILE]
  ratecard classify [--catalog C] [--limits FILE] METHOD PATH
  ratecard fetch --org https://ORG.okta.com [--since D] [--until D] [--out DIR] [--share PCT]
  ratecard sql --engine E --table T --column time=EXPR --column method=EXPR --column path=EXPR [...]
  ratecard version

Commands:
  analyze    read access logs (plain, .gz or .zst) and write report.html and summary.json
  request    analyze, plus an evidence pack for a rate-limit increase or DynamicScale request
             (request.md with a draft case text, request.csv)
  buckets    print the rate-limit catalog: every bucket, its endpoint rule and its limits
  classify   print the bucket a request falls in and its limit on every tier
  fetch      read the org's System Log from Okta (GET /api/v1/logs) into a directory for analyze,
             within a share of the logs bucket; resumable (token in OKTA_API_TOKEN, or an OAuth
             service app with --client-id and --private-key)
  sql        print a query that classifies and counts requests where the logs already are
             (DuckDB, Trino/Athena, Spark, BigQuery, ClickHouse)
  version    print the version

Run 'ratecard COMMAND --help' or 'ratecard help COMMAND' for a command's options.
Exit codes: 0 done, 1 runtime or data error (also when the input held no request to a
rate-limited Okta endpoint: the report is written, with no tier recommended), 2 usage error,
3 --fail-on threshold reached, 130 interrupted.
`

// commands are the subcommands run knows, for "ratecard help COMMAND" and its suggestions.
var commands = []string{"analyze", "request", "buckets", "classify", "fetch", "sql", "version", "help"}

// usageError marks errors caused by the command line (exit code 2).
type usageError struct{ msg string }

// Error returns the message, which run prints after "ratecard: ".
func (e usageError) Error() string { return e.msg }

// usagef returns a usageError with a formatted message.
func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// thresholdError is --fail-on's verdict (exit code 3): the analysis ran, and found what the caller
// asked to fail on.
type thresholdError struct{ msg string }

// Error returns the verdict, which run prints after "ratecard: ".
func (e thresholdError) Error() string { return e.msg }

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
	case "fetch":
		err = cmdFetch(ctx, rest, stdout, stderr)
	case "sql":
		err = cmdSQL(ctx, rest, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "ratecard %s\n", versionString())
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 && rest[0] != "help" && slices.Contains(commands, rest[0]) {
			return run(ctx, []string{rest[0], "--help"}, stdout, stderr)
		}
		if len(rest) > 0 && !slices.Contains(commands, rest[0]) {
			err = unknownValue("command", rest[0], commands)
			break
		}
		fmt.Fprint(stdout, usage)
	default:
		err = unknownValue("command", cmd, commands)
	}
	var help helpError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &help):
		fmt.Fprint(stdout, help.Text)
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "ratecard: %v\n", err)
		return exitUsage
	case errors.As(err, new(interruptedError)):
		fmt.Fprintf(stderr, "ratecard: %v\n", err)
		return exitInterrupted
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

// versionString is the version that version prints and report.html's footer shows: the one set with
// -ldflags, else the main module's version from the build info, else "dev".
func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

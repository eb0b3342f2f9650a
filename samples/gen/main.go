// Command gen writes ratecard's bundled sample logs: synthetic nginx access logs of calls to an Okta
// org, as two egress proxies in different UTC offsets would have written them, with a few rate-limit
// events planted at known minutes and a few malformed lines sprinkled in.
//
// Run it from the repository root to regenerate the committed files:
//
//	go run ./samples/gen -out samples
//
// It writes, into the -out directory:
//
//   - okta-egress-eu.log.gz: the European proxy, timestamps in +0200, nginx "combined" format.
//   - okta-egress-us.log.gz: the US proxy, timestamps in -0700, "combined" plus two trailing fields
//     (an X-Forwarded-For in quotes and the request time in seconds), which ratecard must ignore.
//   - manifest.json: what was generated and what a correct analysis must find: line counts per file
//     and per malformed-line kind, per-bucket totals, fixed-minute and rolling-60-s peaks and minutes
//     near/over on the enterprise tier, and every planted event with its per-minute counts. The same
//     summary is printed to stderr. samples/README.md quotes these numbers.
//
// Flags: -out DIR (default: the samples directory this generator lives in), -days N (3), -start
// YYYY-MM-DD (the first UTC day, 2026-10-12), -seed N (1), -markdown (also print the README's tables
// to stdout). -bench-lines N switches to bench mode, which writes a month-sized input for make bench
// instead (see bench.go; -split K sets its number of parts); -bench-systemlog N writes N Okta System
// Log events for make bench (see systemlog.go), with or without -bench-lines. The output depends only on the flags
// (and the pinned klauspost/compress version): the random source is a PCG seeded with -seed, nothing
// reads the clock, and the gzip streams carry no name or modification time, so the same flags always
// give byte-identical files. The planted events are placed relative to -start (event times are "day
// D, hh:mm UTC"); events on days beyond -days are left out. After changing the generator, regenerate
// and refresh samples/README.md's tables from -markdown; go test ./samples/... fails until both are
// current.
//
// Traffic model, in short: each proxy carries a diurnal baseline (busiest in its own business hours)
// of browser sign-ins, an SSO portal backend (okta-sdk-golang), an API gateway (python-requests),
// JWT verifiers fetching public keys, service-to-service token requests, admin scripts (okta-sdk-python,
// curl) and a daily Terraform run. The US proxy also carries a SIEM poller of the System Log. On top of
// that come the planted events (see events.go and samples/README.md). A request is logged with a
// 429 status when the requests of its bucket let through in the trailing 60 seconds (both proxies
// together) already reach the enterprise limit, as a sliding-window limiter would have answered.
// Bucket ids and limits are those of classify's seed catalog, the default of ratecard analyze.
//
// The code: main.go parses the flags; gen.go holds a run's state and the order it is built in;
// clients.go the proxies, identifier pools and clients; endpoints.go what each call looks like;
// traffic.go the background traffic; events.go the planted events; kinds.go the special lines;
// buckets.go the catalog's buckets and the 429 limiter; render.go the log lines and files;
// manifest.go and summary.go the manifest and its printed forms; bench.go the bench mode; systemlog.go
// the System Log bench mode.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// main runs the generator on the command line's arguments; it exits with 2 on a usage error and 1
// on any other.
func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// errUsage marks the errors of a wrong command line.
var errUsage = errors.New("usage")

// config holds the flags.
type config struct {
	out   string
	days  int
	start time.Time // a UTC midnight
	seed  uint64
}

// run parses args, writes the sample logs and manifest.json (or, with -bench-lines, the bench
// input) and prints the summary to stderr and, with -markdown, the README's tables to stdout.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", defaultOut(), "directory to write the .log.gz files and manifest.json into")
	days := fs.Int("days", 3, "number of UTC days to generate (1-31)")
	start := fs.String("start", "2026-10-12", "first UTC day, YYYY-MM-DD")
	seed := fs.Uint64("seed", 1, "random seed")
	md := fs.Bool("markdown", false, "also print the manifest as the Markdown tables samples/README.md quotes, to stdout")
	benchLines := fs.Int64("bench-lines", 0, "bench mode: write N lines of month-sized input for make bench instead of the samples (see bench.go)")
	benchRequestTime := fs.Bool("bench-request-time", true, "bench mode: append each request's $request_time to its line (false: plain combined lines)")
	split := fs.Int("split", 8, "bench mode: number of parts the input is also cut into (0: none)")
	benchCombined := fs.Bool("bench-combined", true, "bench mode, with $request_time: also write combined.log, the same lines in plain combined format")
	benchGzip := fs.Bool("bench-gzip", true, "bench mode: also write the .gz copies of access.log and its parts")
	benchSysLog := fs.Int64("bench-systemlog", 0, "System Log bench mode: write N Okta System Log events to -out/systemlog.ndjson (see systemlog.go)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if *days < 1 || *days > 31 {
		return fmt.Errorf("%w: -days must be 1-31, got %d", errUsage, *days)
	}
	st, err := time.Parse("2006-01-02", *start)
	if err != nil {
		return fmt.Errorf("%w: -start: %v", errUsage, err)
	}
	if *benchLines > 0 || *benchSysLog > 0 {
		if *benchLines > 0 {
			if *split < 0 {
				return fmt.Errorf("%w: -split must not be negative", errUsage)
			}
			if err := runBench(benchConfig{out: *out, lines: *benchLines, days: *days, split: *split, start: st.UTC(), seed: *seed,
				requestTime: *benchRequestTime, combined: *benchCombined, gzip: *benchGzip}, stderr); err != nil {
				return err
			}
		}
		if *benchSysLog > 0 {
			return runSysLogBench(sysLogConfig{path: filepath.Join(*out, "systemlog.ndjson"), events: *benchSysLog, days: *days,
				start: st.UTC(), seed: *seed}, stderr)
		}
		return nil
	}
	cfg := config{out: *out, days: *days, start: st.UTC(), seed: *seed}

	g := newGen(cfg)
	g.generate()
	man := g.manifest()
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return err
	}
	for i, p := range g.proxies {
		n, err := g.writeFile(p, filepath.Join(cfg.out, p.file))
		if err != nil {
			return err
		}
		man.Files[i].GzipBytes = n
	}
	js, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	js = append(js, '\n')
	if err := os.WriteFile(filepath.Join(cfg.out, "manifest.json"), js, 0o644); err != nil {
		return err
	}
	printSummary(stderr, man)
	if *md {
		printMarkdown(stdout, man)
	}
	return nil
}

// defaultOut is the samples directory (the parent of this generator's source directory) when the
// source path is known, as it is under "go run"; otherwise "samples" below the working directory.
func defaultOut() string {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		dir := filepath.Dir(filepath.Dir(file))
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir
		}
	}
	return "samples"
}

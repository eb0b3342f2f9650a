// Command ratecard-bench measures the performance targets of issue 22 (and issue 20's budget for
// durations) in one run and prints them as ratios, each against a baseline timed in the same run on
// the same input, with PASS or FAIL against its target. `make bench` generates the input (go run
// ./samples/gen -bench-lines N -bench-systemlog M) and runs it.
//
// The input directory (-data) holds what the generator writes: access.log (nginx combined with
// $request_time, its log_format in log_format.txt), combined.log (the same requests in the plain
// combined format), access.log.gz, split/part-K.log[.gz] and systemlog.ndjson (Okta System Log
// events). The cases, each a program on one input:
//
//   - ratecard analyze on combined.log, with the default GOMAXPROCS and with GOMAXPROCS=1 (one Go
//     worker; DuckDB's analysis threads are not limited by it, so the one-worker run is if anything
//     faster than one core and the scaling ratio errs low);
//   - the DuckDB-only SQL (baseline.sql: read_csv + regexp + CASE + GROUP BY) and /usr/bin/wc -l on
//     combined.log;
//   - ratecard on access.log with --log-format (the concurrency analysis case), and the SQL on it;
//   - ratecard on access.log.gz, and the gzip baseline: the same file decompressed in this process by
//     the decompressor ratecard's ingest uses (github.com/klauspost/compress/gzip, see
//     gunzipDiscard), on one goroutine, to nothing;
//   - ratecard on the split parts, plain and gzip (no target; kept for comparison);
//   - ratecard on systemlog.ndjson, and DuckDB's read_json with only the needed fields named doing
//     the same per-minute count (systemlog.sql);
//   - with -big DIR: ratecard once on DIR/combined.log (when there is one) and once on DIR/access.log
//     (50 M lines, for the memory target).
//
// Every round runs each case once, so that the cases alternate and a busy moment of a shared
// machine falls on both sides of a ratio: in that order, and every other counted round in the
// reverse order (roundOrder), so that what ran just before a case (on the VM the bench was last run
// on, a tenth of a run or more) and a host slowing down over the bench weigh on both sides of a
// ratio alike. -warmup rounds come first and are not counted.
// Each case's wall time is the median (or with -stat best, the minimum) of its -runs runs; CPU time
// (user+sys) is taken the same way, and peak RSS is the largest of any run (the kernel's maximum
// resident set of the case's process, as a launcher reports it: see launch.go; in-process baselines
// have none). Ratios divide those wall times; two rows without a target give the CPU-time ratios
// behind the scaling and durations ones, so that a reader sees how much of each is work and how much
// the host. Lines and requests are the ones ratecard reports in summary.json, checked against wc -l
// and against the baselines' own counts: a run whose counts disagree prints the table and then fails.
//
// Usage:
//
//	ratecard-bench [-bin bin/ratecard] [-data DIR] [-runs 3] [-warmup 1] [-stat median|best] [-big DIR] [-markdown]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

func main() {
	asLauncher()
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ratecard-bench:", err)
		os.Exit(1)
	}
}

// inputs are the files of a bench directory.
type inputs struct {
	combined  string   // plain combined lines
	rt        string   // combined with $request_time ("" when the directory has none)
	logFormat string   // the log_format of rt
	gz        string   // rt (or combined) gzipped
	parts     []string // split/part-K.log
	gzParts   []string // split/part-K.log.gz
	sysLog    string   // systemlog.ndjson, "" when absent
}

// findInputs returns the bench files of dir.
func findInputs(dir string) (inputs, error) {
	var in inputs
	access := filepath.Join(dir, "access.log")
	if _, err := os.Stat(access); err != nil {
		return in, fmt.Errorf("no bench input in %s (run make bench, or: go run ./samples/gen -bench-lines 5000000 -days 31 -bench-systemlog 1000000 -out %s)", dir, dir)
	}
	in.gz = access + ".gz"
	if b, err := os.ReadFile(filepath.Join(dir, "log_format.txt")); err == nil {
		in.rt, in.logFormat = access, strings.TrimSpace(string(b))
		in.combined = filepath.Join(dir, "combined.log")
		if _, err := os.Stat(in.combined); err != nil {
			return in, fmt.Errorf("%s has lines with $request_time but no combined.log: regenerate it (make bench-clean bench)", dir)
		}
	} else {
		in.combined = access
	}
	if _, err := os.Stat(in.gz); err != nil {
		return in, fmt.Errorf("no %s: regenerate the bench input (make bench-clean bench)", in.gz)
	}
	in.parts, _ = filepath.Glob(filepath.Join(dir, "split", "part-*.log"))
	in.gzParts, _ = filepath.Glob(filepath.Join(dir, "split", "part-*.log.gz"))
	if len(in.gzParts) != len(in.parts) {
		in.parts, in.gzParts = nil, nil
	}
	if p := filepath.Join(dir, "systemlog.ndjson"); fileSize(p) > 0 {
		in.sysLog = p
	}
	return in, nil
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ratecard-bench", flag.ContinueOnError)
	bin := fs.String("bin", "bin/ratecard", "the ratecard binary to time")
	data := fs.String("data", filepath.Join(os.TempDir(), "ratecard-bench"), "directory holding the bench input (gen -bench-lines N -bench-systemlog M -out DIR)")
	runs := fs.Int("runs", 3, "counted runs per case")
	warmup := fs.Int("warmup", 1, "rounds of every case run first and not counted")
	stat := fs.String("stat", "median", "which run of a case counts: median or best (the shortest wall time)")
	big := fs.String("big", "", "directory holding a 50 M-line access.log (and combined.log) for the memory target (gen -bench-lines 50000000 -split 0 -bench-gzip=false)")
	wc := fs.String("wc", "/usr/bin/wc", "the wc program of the wc -l baseline")
	md := fs.Bool("markdown", false, "print the tables as Markdown too")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *stat != "median" && *stat != "best" {
		return fmt.Errorf("-stat must be median or best, not %q", *stat)
	}
	if *runs < 1 {
		return errors.New("-runs must be at least 1")
	}
	in, err := findInputs(*data)
	if err != nil {
		return err
	}
	ctx := context.Background()
	var rtFlags []string
	if in.logFormat != "" {
		rtFlags = []string{"--log-format", in.logFormat}
	}
	tasks := []*task{
		ratecardTask(keyCombined, "ratecard, plain combined", *bin, []string{in.combined}, nil, nil),
		inProcessTask(keySQL, "DuckDB-only SQL, plain combined", []string{in.combined}, func(s *sample) error {
			n, err := baseline(ctx, in.combined)
			s.requests = n
			return err
		}),
		wcTask(keyWC, "wc -l, plain combined", *wc, in.combined),
		ratecardTask(keyOneProc, "ratecard, plain combined, GOMAXPROCS=1", *bin, []string{in.combined}, nil, []string{"GOMAXPROCS=1"}),
	}
	if in.rt != "" {
		tasks = append(tasks,
			ratecardTask(keyRT, "ratecard, combined + $request_time", *bin, []string{in.rt}, rtFlags, nil),
			inProcessTask(keySQLRT, "DuckDB-only SQL, combined + $request_time", []string{in.rt}, func(s *sample) error {
				n, err := baseline(ctx, in.rt)
				s.requests = n
				return err
			}))
	}
	tasks = append(tasks,
		ratecardTask(keyGzip, "ratecard, gzip", *bin, []string{in.gz}, rtFlags, nil),
		inProcessTask(keyGunzip, "gzip decompress to discard (klauspost, 1 goroutine)", []string{in.gz}, func(s *sample) error {
			n, err := gunzipDiscard(in.gz)
			s.out = n
			return err
		}))
	if len(in.parts) > 0 {
		tasks = append(tasks,
			ratecardTask(keySplit, fmt.Sprintf("ratecard, %d files", len(in.parts)), *bin, in.parts, rtFlags, nil),
			ratecardTask(keySplitGzip, fmt.Sprintf("ratecard, %d gzip files", len(in.gzParts)), *bin, in.gzParts, rtFlags, nil))
	}
	if in.sysLog != "" {
		tasks = append(tasks,
			ratecardTask(keySysLog, "ratecard, System Log NDJSON", *bin, []string{in.sysLog}, nil, nil),
			inProcessTask(keyReadJSON, "DuckDB read_json, System Log NDJSON", []string{in.sysLog}, func(s *sample) error {
				_, n, err := sysLogBaseline(ctx, in.sysLog)
				s.requests = n
				return err
			}))
	}
	for _, t := range tasks {
		t.bytes = t.inputBytes()
	}
	warm(append(append([]string{in.combined, in.rt, in.gz, in.sysLog}, in.parts...), in.gzParts...))

	h := header{cpu: cpuModel(), cpus: runtime.NumCPU(), procs: runtime.GOMAXPROCS(0), goVersion: runtime.Version(),
		date: time.Now(), runs: *runs, warmup: *warmup, stat: *stat}
	fmt.Fprintln(stdout, h)
	for round := range *warmup + *runs {
		counted := round >= *warmup
		for _, t := range roundOrder(tasks, round-*warmup) {
			if err := t.runOnce(counted); err != nil {
				return err
			}
		}
		what := "warm-up round"
		if counted {
			what = "round"
		}
		fmt.Fprintf(os.Stderr, "ratecard-bench: %s %d of %d done\n", what, round+1, *warmup+*runs)
	}
	res := results{byKey: map[string]summary{}, stat: *stat}
	var cases []caseLine
	for _, t := range tasks {
		s := t.summarize(*stat == "best")
		res.byKey[t.key] = s
		cases = append(cases, caseLine{name: t.name, lines: s.lines, bytes: s.bytes, wall: s.wall, cpu: s.cpu, rss: s.rss})
	}
	if *big != "" {
		bts, err := bigTasks(*bin, *big)
		if err != nil {
			return err
		}
		for _, bt := range bts {
			fmt.Fprintf(os.Stderr, "ratecard-bench: the %s run\n", bt.name)
			if err := bt.runOnce(true); err != nil {
				return err
			}
			s := bt.summarize(true)
			what := "plain combined"
			if strings.Contains(bt.name, "$request_time") {
				what = "combined + $request_time"
			}
			res.big = append(res.big, bigResult{what, s})
			cases = append(cases, caseLine{name: bt.name, lines: s.lines, bytes: bt.bytes, wall: s.wall, cpu: s.cpu, rss: s.rss})
		}
	}
	rows := buildRows(res)
	checks := res.checks(fileSize(in.rtOrCombined()))

	fmt.Fprintln(stdout)
	if err := writeCases(stdout, cases, false); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	if err := writeRows(stdout, rows, false); err != nil {
		return err
	}
	if *md {
		fmt.Fprintf(stdout, "\n%s\n\n", h)
		writeRows(stdout, rows, true)
		fmt.Fprintln(stdout)
		writeCases(stdout, cases, true)
	}
	fmt.Fprintln(stdout)
	var bad []string
	for _, c := range checks {
		fmt.Fprintln(stdout, "check:", c.text)
		if !c.ok {
			bad = append(bad, c.text)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("the counts of %d check(s) disagree: the ratios above compare different work", len(bad))
	}
	return nil
}

// rtOrCombined is the file gzipped in access.log.gz.
func (in inputs) rtOrCombined() string {
	if in.rt != "" {
		return in.rt
	}
	return in.combined
}

// warm reads every file once so that the first case does not pay for the disk.
func warm(paths []string) {
	buf := make([]byte, 1<<20)
	for _, p := range paths {
		if p == "" {
			continue
		}
		if f, err := os.Open(p); err == nil {
			for {
				if _, err := f.Read(buf); err != nil {
					break
				}
			}
			f.Close()
		}
	}
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// cpuModel is the CPU's model name from /proc/cpuinfo, or "" when unknown.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// roundOrder is the order the cases run in, in counted round k (k < 0: a warm-up round): as listed in
// even rounds and warm-ups, reversed in odd ones.
func roundOrder(tasks []*task, k int) []*task {
	if k < 0 || k%2 == 0 {
		return tasks
	}
	r := slices.Clone(tasks)
	slices.Reverse(r)
	return r
}

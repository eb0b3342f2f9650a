// Command ratecard-bench times `ratecard analyze` end to end on the month-sized input that
// `go run ./samples/gen -bench-lines N` writes, and the DuckDB-only SQL equivalent on the same file, in
// the same run. `make bench` generates the input and runs it.
//
// For each case (plain and gzip input, as one file and as the same lines in 8 files) it runs the
// ratecard binary -runs times and prints the best wall time, lines per second and the largest peak
// RSS (the kernel's maximum resident set size of the child process). Then it runs the baseline query
// (baseline.sql: read_csv + regexp + CASE + GROUP BY inside DuckDB) on the plain file and prints how
// much faster ratecard was. Lines are the input.lines ratecard itself reports in summary.json, so a
// run that dropped lines would show. When the input directory holds log_format.txt (the generator
// writes it for lines with $request_time), ratecard reads the files with --log-format set to it.
//
// Usage:
//
//	ratecard-bench [-bin bin/ratecard] [-data DIR] [-runs 3] [-markdown]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// Targets from the performance issue, on a 2-core machine.
const (
	targetPlain   = 5e6 // lines/s, plain input
	targetGzip    = 3e6 // lines/s, gzip input
	targetRatio   = 2.0 // times faster than the DuckDB-only SQL
	targetRSS5M   = 512 << 20
	targetRSS50M  = 1 << 30
	largeInputMin = 40_000_000
)

type benchCase struct {
	name  string
	files []string
	plain bool
}

type outcome struct {
	benchCase
	lines int64
	best  time.Duration
	rss   int64 // bytes
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ratecard-bench:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ratecard-bench", flag.ContinueOnError)
	bin := fs.String("bin", "bin/ratecard", "the ratecard binary to time")
	data := fs.String("data", filepath.Join(os.TempDir(), "ratecard-bench"), "directory holding the bench input (gen -bench-lines -out DIR)")
	runs := fs.Int("runs", 3, "runs per case; the best wall time counts")
	md := fs.Bool("markdown", false, "print the results as a Markdown table too")
	if err := fs.Parse(args); err != nil {
		return err
	}
	plain := filepath.Join(*data, "access.log")
	parts, _ := filepath.Glob(filepath.Join(*data, "split", "part-*.log"))
	gzParts, _ := filepath.Glob(filepath.Join(*data, "split", "part-*.log.gz"))
	if _, err := os.Stat(plain); err != nil || len(parts) == 0 || len(gzParts) != len(parts) {
		return fmt.Errorf("no bench input in %s (run: go run ./samples/gen -bench-lines 5000000 -days 30 -out %s)", *data, *data)
	}
	cases := []benchCase{
		{"plain, 1 file", []string{plain}, true},
		{"gzip, 1 file", []string{plain + ".gz"}, false},
		{fmt.Sprintf("plain, %d files", len(parts)), parts, true},
		{fmt.Sprintf("gzip, %d files", len(gzParts)), gzParts, false},
	}
	warm(append(append([]string{plain, plain + ".gz"}, parts...), gzParts...))
	// The generator writes the log_format of lines with $request_time beside them.
	var flags []string
	if b, err := os.ReadFile(filepath.Join(*data, "log_format.txt")); err == nil {
		flags = []string{"--log-format", strings.TrimSpace(string(b))}
	}

	fmt.Fprintf(stdout, "machine: %s/%s, %d CPUs (GOMAXPROCS %d), %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), cpuModel())
	var results []outcome
	for _, c := range cases {
		o, err := timeCase(*bin, c, flags, *runs)
		if err != nil {
			return err
		}
		results = append(results, o)
	}
	t0 := time.Now()
	baseReq, err := baseline(context.Background(), plain)
	if err != nil {
		return err
	}
	baseWall := time.Since(t0)

	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "case\tlines\twall\tlines/s\tpeak RSS\t\n")
	for _, o := range results {
		fmt.Fprintf(tw, "%s\t%d\t%.2f s\t%.2f M\t%d MiB\t\n", o.name, o.lines, o.best.Seconds(), rate(o.lines, o.best)/1e6, o.rss>>20)
	}
	fmt.Fprintf(tw, "DuckDB-only SQL, plain, 1 file\t%d\t%.2f s\t%.2f M\t\t\n", baseReq, baseWall.Seconds(), rate(baseReq, baseWall)/1e6)
	tw.Flush()
	ratio := baseWall.Seconds() / results[0].best.Seconds()
	fmt.Fprintf(stdout, "ratecard (plain, 1 file) is %.1f× faster than the DuckDB-only SQL on the same file\n\n", ratio)

	// The targets, judged.
	check := func(ok bool, what string) {
		mark := "met"
		if !ok {
			mark = "NOT met"
		}
		fmt.Fprintf(stdout, "target %-58s %s\n", what, mark)
	}
	for _, o := range results {
		if o.plain {
			check(rate(o.lines, o.best) >= targetPlain, fmt.Sprintf("plain >= 5 M lines/s (%s)", o.name))
		} else {
			check(rate(o.lines, o.best) >= targetGzip, fmt.Sprintf("gzip >= 3 M lines/s (%s)", o.name))
		}
	}
	check(ratio >= targetRatio, "plain >= 2x the DuckDB-only SQL")
	maxRSS := int64(0)
	for _, o := range results {
		maxRSS = max(maxRSS, o.rss)
	}
	if results[0].lines >= largeInputMin {
		check(maxRSS <= targetRSS50M, fmt.Sprintf("peak RSS <= 1 GiB for %d M lines", results[0].lines/1e6))
	} else {
		check(maxRSS <= targetRSS5M, fmt.Sprintf("peak RSS <= 512 MiB for %.1f M lines", float64(results[0].lines)/1e6))
	}

	if *md {
		fmt.Fprintf(stdout, "\n| case | lines | wall | lines/s | peak RSS |\n|---|---:|---:|---:|---:|\n")
		for _, o := range results {
			fmt.Fprintf(stdout, "| %s | %d | %.2f s | %.2f M | %d MiB |\n", o.name, o.lines, o.best.Seconds(), rate(o.lines, o.best)/1e6, o.rss>>20)
		}
		fmt.Fprintf(stdout, "| DuckDB-only SQL, plain, 1 file | %d | %.2f s | %.2f M | |\n", baseReq, baseWall.Seconds(), rate(baseReq, baseWall)/1e6)
	}
	return nil
}

// timeCase runs ratecard on the case's files runs times and keeps the best wall time and the largest
// peak RSS.
func timeCase(bin string, c benchCase, flags []string, runs int) (outcome, error) {
	o := outcome{benchCase: c}
	out, err := os.MkdirTemp("", "ratecard-bench-out-")
	if err != nil {
		return o, err
	}
	defer os.RemoveAll(out)
	for i := range runs {
		args := append(append([]string{"analyze", "--out", out}, flags...), c.files...)
		cmd := exec.Command(bin, args...)
		cmd.Stdout = io.Discard
		var stderr limitedBuffer
		cmd.Stderr = &stderr
		t0 := time.Now()
		err := cmd.Run()
		wall := time.Since(t0)
		if err != nil {
			return o, fmt.Errorf("%s: %v: %s", c.name, err, stderr.b)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			o.rss = max(o.rss, ru.Maxrss*1024) // Linux reports KiB
		}
		if i == 0 || wall < o.best {
			o.best = wall
		}
	}
	var sum struct {
		Input struct {
			Lines int64 `json:"lines"`
		} `json:"input"`
	}
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err == nil {
		err = json.Unmarshal(b, &sum)
	}
	if err != nil {
		return o, fmt.Errorf("%s: read summary.json: %w", c.name, err)
	}
	o.lines = sum.Input.Lines
	return o, nil
}

// warm reads every file once so that the first case does not pay for the disk.
func warm(paths []string) {
	buf := make([]byte, 1<<20)
	for _, p := range paths {
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

func rate(lines int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(lines) / d.Seconds()
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

// limitedBuffer keeps the first 4 KiB written to it, for error messages.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := 4096 - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

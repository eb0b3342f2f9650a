package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// A verdict judges a measure against its target.
type verdict int

const (
	verdictInfo verdict = iota // no target: shown for comparison
	verdictPass
	verdictFail
	verdictSkip // not measured in this run
)

func (v verdict) String() string {
	return [...]string{"info", "PASS", "FAIL", "SKIP"}[v]
}

// row is one line of the targets table: what was measured, ratecard's figure, the baseline's, the
// ratio (or the figure the target is about), the target and the verdict.
type row struct {
	measure, ratecard, baseline, ratio, target string
	verdict                                    verdict
}

// judge returns verdictPass when ok, else verdictFail.
func judge(ok bool) verdict {
	if ok {
		return verdictPass
	}
	return verdictFail
}

// header is the host line above the tables, so that a run elsewhere is comparable.
type header struct {
	cpu                string // /proc/cpuinfo model name
	cpus, procs        int    // runtime.NumCPU, GOMAXPROCS
	goVersion          string
	date               time.Time
	runs, warmup       int
	stat               string // "median" or "best"
	benchDir, sysLog   string
	lines, sysLogBytes int64
}

func (h header) String() string {
	cpu := h.cpu
	if cpu == "" {
		cpu = "unknown CPU"
	}
	return fmt.Sprintf("host: %s, %d CPUs, GOMAXPROCS %d, %s, %s; %s of %d runs per case after %d warm-up round(s), cases alternating, every other round reversed",
		cpu, h.cpus, h.procs, h.goVersion, h.date.UTC().Format("2006-01-02 15:04 UTC"), h.stat, h.runs, h.warmup)
}

// writeRows prints the targets table aligned for a terminal, or as a Markdown table.
func writeRows(w io.Writer, rows []row, markdown bool) error {
	head := []string{"measure", "ratecard", "baseline", "ratio", "target", "result"}
	if markdown {
		var b strings.Builder
		b.WriteString("| " + strings.Join(head, " | ") + " |\n|---|---:|---:|---:|---:|---|\n")
		for _, r := range rows {
			cells := []string{r.measure, r.ratecard, r.baseline, r.ratio, r.target, r.verdict.String()}
			for i, c := range cells {
				cells[i] = strings.ReplaceAll(orDash(c), "|", `\|`)
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", r.measure, orDash(r.ratecard), orDash(r.baseline), orDash(r.ratio), orDash(r.target), r.verdict)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// caseLine is one line of the cases table: a program timed on an input.
type caseLine struct {
	name      string
	lines     int64 // lines read (ratecard's input.lines), 0 when not counted
	bytes     int64 // input bytes (decompressed bytes for the gzip baseline)
	wall, cpu time.Duration
	rss       int64 // bytes, 0 when not measured (in-process baselines)
}

// writeCases prints the cases table: wall and CPU time, lines/s, MB/s and peak RSS of every case.
func writeCases(w io.Writer, cases []caseLine, markdown bool) error {
	cells := func(c caseLine) []string {
		lps, rss := "", ""
		if c.lines > 0 {
			lps = fmt.Sprintf("%.2f M", perSecond(float64(c.lines), c.wall)/1e6)
		}
		if c.rss > 0 {
			rss = fmt.Sprintf("%d MiB", c.rss>>20)
		}
		lines := ""
		if c.lines > 0 {
			lines = fmt.Sprint(c.lines)
		}
		return []string{c.name, lines, seconds(c.wall), seconds(c.cpu), lps, fmt.Sprintf("%.0f", perSecond(float64(c.bytes), c.wall)/1e6), rss}
	}
	head := []string{"case", "lines", "wall", "CPU (user+sys)", "lines/s", "input MB/s", "peak RSS"}
	if markdown {
		var b strings.Builder
		b.WriteString("| " + strings.Join(head, " | ") + " |\n|---|---:|---:|---:|---:|---:|---:|\n")
		for _, c := range cases {
			cs := cells(c)
			for i := range cs {
				cs[i] = strings.ReplaceAll(orDash(cs[i]), "|", `\|`)
			}
			b.WriteString("| " + strings.Join(cs, " | ") + " |\n")
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, c := range cases {
		cs := cells(c)
		for i := range cs {
			cs[i] = orDash(cs[i])
		}
		fmt.Fprintln(tw, strings.Join(cs, "\t")+"\t")
	}
	return tw.Flush()
}

func seconds(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	if d < time.Second {
		return fmt.Sprintf("%.3f s", d.Seconds())
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// cpuSeconds formats a CPU time as "2.31 CPU-s".
func cpuSeconds(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return fmt.Sprintf("%.2f CPU-s", d.Seconds())
}

func perSecond(n float64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return n / d.Seconds()
}

// ratio formats a/b as "3.1×", or "" when b is 0.
func ratio(a, b time.Duration) (float64, string) {
	if a <= 0 || b <= 0 {
		return 0, ""
	}
	r := a.Seconds() / b.Seconds()
	return r, fmt.Sprintf("%.2f×", r)
}

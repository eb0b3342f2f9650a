package main

import (
	"fmt"
	"time"
)

// The targets of issue 22, on the 2-core bench host.
const (
	targetSQL      = 5.0  // the DuckDB-only SQL's time ÷ ratecard's, at least (plain combined)
	targetWC       = 8.0  // ratecard's time ÷ wc -l's, at most (plain combined)
	targetScaling  = 1.85 // ratecard's time with GOMAXPROCS=1 ÷ with the default, at least
	targetGzip     = 1.5  // ratecard's time on gzip input ÷ decompressing it to nothing, at most
	targetSysLog   = 2e9  // System Log NDJSON bytes per second, at least
	targetReadJSON = 2.0  // DuckDB read_json's time ÷ ratecard's, at least (System Log NDJSON)
	targetDuration = 1.1  // ratecard's time on the month with $request_time ÷ on the plain month, at most (issue 20)
	targetRSS5M    = 512 << 20
	targetRSS50M   = 1 << 30
	largeInputMin  = 40_000_000 // lines from which the 50 M memory target applies
)

// ratecardKeys are the cases that run ratecard on the bench month.
var ratecardKeys = []string{keyCombined, keyOneProc, keyRT, keyGzip, keySplit, keySplitGzip}

// results are the summaries of a run's cases, by key, and of the -big runs.
type results struct {
	byKey map[string]summary
	big   []bigResult
	stat  string
}

// bigResult is one -big run; what names its input's format.
type bigResult struct {
	what string
	summary
}

func (r results) get(key string) (summary, bool) {
	s, ok := r.byKey[key]
	return s, ok && s.runs > 0
}

// buildRows judges every target of the issue from the run's results. A target whose cases did not
// run is SKIP.
func buildRows(r results) []row {
	var rows []row
	skip := func(measure, target, why string) {
		rows = append(rows, row{measure: measure, ratecard: why, target: target, verdict: verdictSkip})
	}
	// atLeast and atMost add the row of a target on the ratio of two cases' wall times (the baseline's
	// over ratecard's, or ratecard's over the baseline's), baseText naming the baseline's; a target
	// whose cases did not both run is SKIP.
	atLeast := func(measure string, ok bool, rc, base time.Duration, baseText string, want float64) {
		if !ok {
			skip(measure, fmt.Sprintf("≥ %g×", want), "not run")
			return
		}
		x, s := ratio(base, rc)
		rows = append(rows, row{measure, seconds(rc), baseText, s, fmt.Sprintf("≥ %g×", want), judge(x >= want)})
	}
	atMost := func(measure string, ok bool, rc, base time.Duration, want float64) {
		if !ok {
			skip(measure, fmt.Sprintf("≤ %g×", want), "not run")
			return
		}
		x, s := ratio(rc, base)
		rows = append(rows, row{measure, seconds(rc), seconds(base), s, fmt.Sprintf("≤ %g×", want), judge(x > 0 && x <= want)})
	}
	// cpuInfo adds a row, with no target, of the CPU time behind a ratio that a shared host moves
	// most: what a duration costs in work, whatever the scheduling; and how much more work two workers
	// do than one (on a host whose vCPUs slow each other, every function takes longer at two).
	cpuInfo := func(measure string, ok bool, a, b time.Duration) {
		if ok && a > 0 && b > 0 {
			_, s := ratio(a, b)
			rows = append(rows, row{measure, cpuSeconds(a), cpuSeconds(b), s, "", verdictInfo})
		}
	}
	comb, okComb := r.get(keyCombined)

	// Plain combined against the DuckDB-only SQL and wc -l.
	sql, ok := r.get(keySQL)
	atLeast("plain combined: DuckDB-only SQL time ÷ ratecard's", ok && okComb, comb.wall, sql.wall, seconds(sql.wall), targetSQL)
	wc, ok := r.get(keyWC)
	atMost("plain combined: ratecard time ÷ wc -l's", ok && okComb, comb.wall, wc.wall, targetWC)

	// Scaling.
	one, okOne := r.get(keyOneProc)
	atLeast("scaling: time with GOMAXPROCS=1 ÷ with the default", okOne && okComb, comb.wall, one.wall, seconds(one.wall)+" (GOMAXPROCS=1)", targetScaling)
	cpuInfo("scaling: CPU time with the default ÷ with GOMAXPROCS=1", okOne && okComb, comb.cpu, one.cpu)

	// gzip.
	gz, okGz := r.get(keyGzip)
	un, ok := r.get(keyGunzip)
	atMost("gzip: ratecard time ÷ decompressing the file to nothing", ok && okGz, gz.wall, un.wall, targetGzip)

	// System Log NDJSON.
	if sl, ok := r.get(keySysLog); ok {
		gbs := perSecond(float64(sl.bytes), sl.wall) / 1e9
		rows = append(rows, row{"System Log NDJSON: throughput", seconds(sl.wall), "", fmt.Sprintf("%.2f GB/s", gbs),
			fmt.Sprintf("≥ %g GB/s", targetSysLog/1e9), judge(gbs*1e9 >= targetSysLog)})
		rj, ok := r.get(keyReadJSON)
		atLeast("System Log NDJSON: DuckDB read_json time ÷ ratecard's", ok, sl.wall, rj.wall, seconds(rj.wall), targetReadJSON)
	} else {
		skip("System Log NDJSON: throughput", fmt.Sprintf("≥ %g GB/s", targetSysLog/1e9), "no systemlog.ndjson")
		skip("System Log NDJSON: DuckDB read_json time ÷ ratecard's", fmt.Sprintf("≥ %g×", targetReadJSON), "no systemlog.ndjson")
	}

	// Memory.
	var rss, lines int64
	for _, k := range ratecardKeys {
		if s, ok := r.get(k); ok {
			rss, lines = max(rss, s.rss), max(lines, s.lines)
		}
	}
	if lines > 0 {
		limit := int64(targetRSS5M)
		if lines >= largeInputMin {
			limit = targetRSS50M
		}
		rows = append(rows, row{fmt.Sprintf("peak RSS, %s lines (largest of the ratecard cases)", millions(lines)), mib(rss), "", "",
			"≤ " + mib(limit), judge(rss > 0 && rss <= limit)})
	}
	for _, b := range r.big {
		limit := int64(targetRSS50M)
		if b.lines < largeInputMin {
			limit = targetRSS5M
		}
		rows = append(rows, row{fmt.Sprintf("peak RSS, %s lines, %s (one run, %s)", millions(b.lines), b.what, seconds(b.wall)), mib(b.rss), "", "",
			"≤ " + mib(limit), judge(b.rss > 0 && b.rss <= limit)})
	}
	if len(r.big) == 0 {
		skip("peak RSS, 50 M lines", "≤ "+mib(targetRSS50M), "not run (make bench BENCH_BIG=1)")
	}

	// Issue 20: what a logged duration costs, end to end.
	rt, ok := r.get(keyRT)
	atMost("durations: ratecard time with $request_time ÷ plain combined's", ok && okComb, rt.wall, comb.wall, targetDuration)
	cpuInfo("durations: CPU time with $request_time ÷ plain combined's", ok && okComb, rt.cpu, comb.cpu)

	// The concurrency analysis case, for comparison.
	if rt, ok := r.get(keyRT); ok {
		if sql, ok := r.get(keySQLRT); ok {
			_, s := ratio(sql.wall, rt.wall)
			rows = append(rows, row{"combined + $request_time: DuckDB-only SQL time ÷ ratecard's", seconds(rt.wall), seconds(sql.wall), s, "", verdictInfo})
		}
	}
	return rows
}

// millions formats a line count as "5.0 M".
func millions(n int64) string { return fmt.Sprintf("%.1f M", float64(n)/1e6) }

func mib(n int64) string {
	if n >= 1<<30 && n%(1<<30) == 0 {
		return fmt.Sprintf("%d GiB", n>>30)
	}
	return fmt.Sprintf("%d MiB", n>>20)
}

// check is one agreement of counts between two cases.
type check struct {
	ok   bool
	text string
}

// checks compares the counts the cases made of the same input: if they disagree, the cases did not
// do the same work. gzSize is the size of the file access.log.gz decompresses to.
func (r results) checks(gzSize int64) []check {
	var out []check
	same := func(what string, a int64, aName string, b int64, bName string) {
		verdict := "same"
		if a != b {
			verdict = "DIFFERENT"
		}
		out = append(out, check{a == b, fmt.Sprintf("%s: %s %d, %s %d: %s", what, aName, a, bName, b, verdict)})
	}
	comb, okComb := r.get(keyCombined)
	if okComb {
		same("plain combined, every line a request", comb.lines, "lines", comb.requests, "requests")
		if wc, ok := r.get(keyWC); ok {
			same("plain combined", wc.lines, "wc -l", comb.lines, "ratecard lines")
		}
		if sql, ok := r.get(keySQL); ok {
			same("plain combined", sql.requests, "DuckDB-only SQL requests", comb.requests, "ratecard requests")
		}
		if one, ok := r.get(keyOneProc); ok {
			same("plain combined", one.requests, "GOMAXPROCS=1 requests", comb.requests, "default requests")
		}
	}
	if rt, ok := r.get(keyRT); ok {
		if sql, ok := r.get(keySQLRT); ok {
			same("combined + $request_time", sql.requests, "DuckDB-only SQL requests", rt.requests, "ratecard requests")
		}
	}
	// The gzip and split cases hold the lines of access.log: with $request_time when the directory
	// has them, else plain combined.
	ref, okRef := r.get(keyRT)
	name := "combined + $request_time"
	if !okRef {
		ref, okRef, name = comb, okComb, "plain combined"
	}
	if okRef {
		for _, k := range []string{keyGzip, keySplit, keySplitGzip} {
			if s, ok := r.get(k); ok {
				same(name, s.requests, k+" requests", ref.requests, "plain 1-file requests")
			}
		}
	}
	if un, ok := r.get(keyGunzip); ok {
		same("access.log.gz", un.out, "decompressed bytes", gzSize, "access.log bytes")
	}
	if sl, ok := r.get(keySysLog); ok {
		if rj, ok := r.get(keyReadJSON); ok {
			same("System Log NDJSON", rj.requests, "read_json requests", sl.requests, "ratecard requests")
		}
	}
	return out
}

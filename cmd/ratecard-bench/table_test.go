package main

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func sum(wall time.Duration, lines, requests, rss, bytes int64) summary {
	return summary{sample: sample{wall: wall, cpu: 2 * wall, lines: lines, requests: requests, rss: rss}, bytes: bytes, runs: 3}
}

// TestBuildRows judges made-up results on both sides of every target.
func TestBuildRows(t *testing.T) {
	s := time.Second
	good := results{byKey: map[string]summary{
		keyCombined: sum(1*s, 5e6, 5e6, 300<<20, 0),
		keySQL:      sum(5*s, 0, 5e6, 0, 0), // 5×: the target exactly
		keyWC:       sum(s/8, 5e6, 0, 0, 0), // 8×: the target exactly
		keyOneProc:  sum(1850*time.Millisecond, 5e6, 5e6, 290<<20, 0),
		keyGzip:     sum(1500*time.Millisecond, 5e6, 5e6, 512<<20, 0), // RSS at the limit passes
		keyGunzip:   sum(1*s, 0, 0, 0, 0),
		keySysLog:   sum(1*s, 1e6, 690481, 200<<20, 2e9),
		keyReadJSON: sum(2*s, 0, 690481, 0, 0),
		keyRT:       sum(1100*time.Millisecond, 5e6, 5e6, 400<<20, 0), // 1.1×: the target exactly
		keySQLRT:    sum(5*s, 0, 5e6, 0, 0),
	}}
	skipped := 0
	for _, r := range buildRows(good) {
		if r.verdict == verdictSkip {
			if skipped++; r.measure != "peak RSS, 50 M lines" {
				t.Errorf("without -big: %+v", r)
			}
		}
	}
	if skipped != 1 {
		t.Errorf("without -big: %d rows SKIP, want 1", skipped)
	}
	good.big = []bigResult{{"plain combined", summary{sample: sample{wall: 20 * s, lines: 50e6, rss: 1 << 30}, runs: 1}}}
	rows := buildRows(good)
	for _, r := range rows {
		switch {
		case strings.HasPrefix(r.measure, "combined + $request_time"):
			if r.verdict != verdictInfo || r.ratio != "4.55×" {
				t.Errorf("%s: %v %s", r.measure, r.verdict, r.ratio)
			}
		case strings.HasPrefix(r.measure, "durations: CPU time"): // 2.2 CPU-s ÷ 2 CPU-s
			if r.verdict != verdictInfo || r.ratio != "1.10×" || r.ratecard != "2.20 CPU-s" || r.baseline != "2.00 CPU-s" {
				t.Errorf("%s: %v %s %s %s", r.measure, r.verdict, r.ratecard, r.baseline, r.ratio)
			}
		case strings.HasPrefix(r.measure, "scaling: CPU time"): // 2 CPU-s ÷ 3.7 CPU-s
			if r.verdict != verdictInfo || r.ratio != "0.54×" {
				t.Errorf("%s: %v %s", r.measure, r.verdict, r.ratio)
			}
		case r.verdict != verdictPass:
			t.Errorf("%s: %s %s %s %s: %v, want PASS", r.measure, r.ratecard, r.baseline, r.ratio, r.target, r.verdict)
		}
	}
	if len(rows) != 12 {
		t.Errorf("%d rows, want 12", len(rows))
	}

	// A little worse on every side fails every target.
	bad := results{byKey: map[string]summary{}}
	for k, v := range good.byKey {
		bad.byKey[k] = v
	}
	worse := func(k string, f func(*summary)) { v := bad.byKey[k]; f(&v); bad.byKey[k] = v }
	worse(keyCombined, func(v *summary) { v.wall = 1010 * time.Millisecond }) // SQL 4.95×, wc 8.08×, scaling 1.83×
	worse(keyGzip, func(v *summary) { v.wall = 1510 * time.Millisecond; v.rss = 513 << 20 })
	worse(keySysLog, func(v *summary) { v.wall = 1010 * time.Millisecond }) // 1.98 GB/s, read_json 1.98×
	worse(keyRT, func(v *summary) { v.wall = 1120 * time.Millisecond })     // 1.12×/1.01 s: 1.109×
	bad.big = []bigResult{{"plain combined", summary{sample: sample{wall: 20 * s, lines: 50e6, rss: 1<<30 + 1}, runs: 1}}}
	for _, r := range buildRows(bad) {
		if r.verdict != verdictFail && r.verdict != verdictInfo {
			t.Errorf("%s: %s %s %s %s: %v, want FAIL", r.measure, r.ratecard, r.baseline, r.ratio, r.target, r.verdict)
		}
	}

	// Missing cases are SKIP; 50 M lines in the main cases are judged against 1 GiB.
	some := results{byKey: map[string]summary{keyRT: sum(10*s, 50e6, 50e6, 800<<20, 0)}}
	for _, r := range buildRows(some) {
		if strings.HasPrefix(r.measure, "peak RSS, 50.0 M lines") {
			if r.verdict != verdictPass || r.target != "≤ 1 GiB" {
				t.Errorf("%s: %s %v", r.measure, r.target, r.verdict)
			}
		} else if r.verdict != verdictSkip {
			t.Errorf("%s: %v, want SKIP", r.measure, r.verdict)
		}
	}
}

// TestChecks checks that a disagreement of counts is reported.
func TestChecks(t *testing.T) {
	r := results{byKey: map[string]summary{
		keyCombined: sum(time.Second, 100, 100, 0, 0),
		keyWC:       sum(time.Second, 100, 0, 0, 0),
		keySQL:      sum(time.Second, 0, 99, 0, 0),
		keyGunzip:   {sample: sample{wall: time.Second, out: 500}, runs: 1},
		keyGzip:     sum(time.Second, 100, 100, 0, 0), // without a $request_time case, against the combined one
	}}
	var failed []string
	checks := r.checks(500)
	if len(checks) != 5 {
		t.Errorf("%d checks, want 5: %v", len(checks), checks)
	}
	for _, c := range checks {
		if !c.ok {
			failed = append(failed, c.text)
		}
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "DuckDB-only SQL requests 99, ratecard requests 100: DIFFERENT") {
		t.Errorf("failed checks: %q", failed)
	}
}

// TestSummarize checks the median and best of a case's runs.
func TestSummarize(t *testing.T) {
	ms := time.Millisecond
	tk := &task{bytes: 7}
	for _, w := range []time.Duration{30 * ms, 10 * ms, 20 * ms, 40 * ms} {
		tk.samples = append(tk.samples, sample{wall: w, cpu: 2 * w, rss: int64(w / ms)})
	}
	if s := tk.summarize(false); s.wall != 20*ms || s.cpu != 40*ms || s.rss != 40 || s.bytes != 7 || s.runs != 4 {
		t.Errorf("median: %+v", s)
	}
	if s := tk.summarize(true); s.wall != 10*ms || s.cpu != 20*ms {
		t.Errorf("best: %+v", s)
	}
}

// TestWriteRows checks both forms of the targets table.
func TestWriteRows(t *testing.T) {
	rows := []row{
		{"plain combined: a ÷ b", "1.00 s", "5.00 s", "5.00×", "≥ 5×", verdictPass},
		{"x | y", "", "", "0.35 GB/s", "≥ 2 GB/s", verdictFail},
	}
	var md strings.Builder
	if err := writeRows(&md, rows, true); err != nil {
		t.Fatal(err)
	}
	want := "| measure | ratecard | baseline | ratio | target | result |\n|---|---:|---:|---:|---:|---|\n" +
		"| plain combined: a ÷ b | 1.00 s | 5.00 s | 5.00× | ≥ 5× | PASS |\n" +
		"| x \\| y | — | — | 0.35 GB/s | ≥ 2 GB/s | FAIL |\n"
	if md.String() != want {
		t.Errorf("markdown:\n%s\nwant:\n%s", md.String(), want)
	}
	var txt strings.Builder
	if err := writeRows(&txt, rows, false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(txt.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("text table:\n%s", txt.String())
	}
	// The columns line up (in characters): "ratecard" starts where the first row's second cell does,
	// "ratio" where the second row's ratio does.
	at := func(line, s string) int { return utf8.RuneCountInString(line[:strings.Index(line, s)]) }
	if at(lines[0], "ratecard") != at(lines[1], "1.00 s") || at(lines[0], "ratio") != at(lines[2], "0.35 GB/s") {
		t.Errorf("text table not aligned:\n%s", txt.String())
	}
	if !strings.Contains(lines[2], "FAIL") || !strings.Contains(lines[1], "PASS") {
		t.Errorf("text table:\n%s", txt.String())
	}
}

// TestHeader checks that the host line names the CPU, cores, Go version and date.
func TestHeader(t *testing.T) {
	h := header{cpu: "AMD EPYC", cpus: 2, procs: 2, goVersion: "go1.26.8", date: time.Date(2026, 12, 7, 1, 2, 0, 0, time.UTC),
		runs: 3, warmup: 1, stat: "median"}
	want := "host: AMD EPYC, 2 CPUs, GOMAXPROCS 2, go1.26.8, 2026-12-07 01:02 UTC; median of 3 runs per case after 1 warm-up round(s), cases alternating, every other round reversed"
	if h.String() != want {
		t.Errorf("header:\n%s\nwant\n%s", h, want)
	}
}

// TestRoundOrder: warm-up and even counted rounds run the cases as listed, odd ones in reverse, and
// the list itself is left as it is.
func TestRoundOrder(t *testing.T) {
	a, b, c := &task{key: "a"}, &task{key: "b"}, &task{key: "c"}
	tasks := []*task{a, b, c}
	keys := func(ts []*task) string {
		var s string
		for _, x := range ts {
			s += x.key
		}
		return s
	}
	for k, want := range map[int]string{-1: "abc", 0: "abc", 1: "cba", 2: "abc", 3: "cba"} {
		if got := keys(roundOrder(tasks, k)); got != want {
			t.Errorf("round %d: %s, want %s", k, got, want)
		}
	}
	if keys(tasks) != "abc" {
		t.Errorf("roundOrder changed the list: %s", keys(tasks))
	}
}

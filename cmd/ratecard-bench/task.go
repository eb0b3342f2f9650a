package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// The cases' keys.
const (
	keyCombined  = "combined"
	keySQL       = "sql"
	keyWC        = "wc"
	keyOneProc   = "combined-1"
	keyRT        = "rt"
	keySQLRT     = "sql-rt"
	keyGzip      = "gzip"
	keyGunzip    = "gunzip"
	keySplit     = "split"
	keySplitGzip = "split-gzip"
	keySysLog    = "systemlog"
	keyReadJSON  = "read_json"
)

// sample is what one run of a case measured.
type sample struct {
	wall, cpu       time.Duration
	rss             int64 // bytes; 0 for in-process cases
	lines, requests int64 // ratecard's input.lines and input.requests; a baseline's own count
	out             int64 // bytes produced (the gzip baseline's decompressed bytes)
}

// task is one case: a program timed on an input, run once a round.
type task struct {
	key, name string
	files     []string // the input, for its size
	bytes     int64    // input bytes (compressed, for gzip)
	once      func() (sample, error)
	samples   []sample
}

func (t *task) inputBytes() int64 {
	var n int64
	for _, f := range t.files {
		n += fileSize(f)
	}
	return n
}

// runOnce runs the case and keeps its sample when counted.
func (t *task) runOnce(counted bool) error {
	s, err := t.once()
	if err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	if counted {
		t.samples = append(t.samples, s)
	}
	return nil
}

// summary is a case's figures over its counted runs.
type summary struct {
	sample
	bytes int64 // input bytes
	runs  int
}

// summarize returns the median (or, with best, the minimum) wall time and, taken the same way, CPU
// time of the counted runs, the largest peak RSS, and the counts of the last run. The median of an
// even number of runs is the lower middle one.
func (t *task) summarize(best bool) summary {
	s := summary{runs: len(t.samples)}
	if len(t.samples) == 0 {
		return s
	}
	pick := func(f func(sample) time.Duration) time.Duration {
		v := make([]time.Duration, len(t.samples))
		for i, x := range t.samples {
			v[i] = f(x)
		}
		slices.Sort(v)
		if best {
			return v[0]
		}
		return v[(len(v)-1)/2]
	}
	s.sample = t.samples[len(t.samples)-1]
	s.wall = pick(func(x sample) time.Duration { return x.wall })
	s.cpu = pick(func(x sample) time.Duration { return x.cpu })
	for _, x := range t.samples {
		s.rss = max(s.rss, x.rss)
	}
	s.bytes = t.bytes
	return s
}

// ratecardTask runs `ratecard analyze --out DIR flags... files...` with env added to the
// environment, and reads input.lines and input.requests from the summary.json it writes.
func ratecardTask(key, name, bin string, files, flags, env []string) *task {
	t := &task{key: key, name: name, files: files}
	t.once = func() (sample, error) {
		var s sample
		out, err := os.MkdirTemp("", "ratecard-bench-out-")
		if err != nil {
			return s, err
		}
		defer os.RemoveAll(out)
		exe, err := os.Executable()
		if err != nil {
			return s, err
		}
		cmd := exec.Command(bin, append(append([]string{"analyze", "--out", out}, flags...), files...)...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdout = io.Discard
		var stderr limitedBuffer
		cmd.Stderr = &stderr
		report, err := launched(exe, cmd)
		if err != nil {
			return s, err
		}
		err = cmd.Run()
		rep, repErr := report()
		if err != nil {
			return s, fmt.Errorf("%v: %s", err, stderr.b)
		}
		if repErr != nil {
			return s, repErr
		}
		s.wall, s.cpu, s.rss = rep.Wall, rep.User+rep.Sys, rep.MaxRSS
		var sum struct {
			Input struct {
				Lines    int64 `json:"lines"`
				Requests int64 `json:"requests"`
			} `json:"input"`
		}
		b, err := os.ReadFile(filepath.Join(out, "summary.json"))
		if err == nil {
			err = json.Unmarshal(b, &sum)
		}
		if err != nil {
			return s, fmt.Errorf("read summary.json: %w", err)
		}
		s.lines, s.requests = sum.Input.Lines, sum.Input.Requests
		return s, nil
	}
	return t
}

// bigTasks are ratecard on dir/combined.log, when there is one, and on dir/access.log (with
// dir/log_format.txt when there is one): the memory cases of -big.
func bigTasks(bin, dir string) ([]*task, error) {
	p := filepath.Join(dir, "access.log")
	if _, err := os.Stat(p); err != nil {
		return nil, fmt.Errorf("-big: %w", err)
	}
	var flags []string
	name := "ratecard, big access.log (once)"
	if b, err := os.ReadFile(filepath.Join(dir, "log_format.txt")); err == nil {
		flags = []string{"--log-format", strings.TrimSpace(string(b))}
		name = "ratecard, big access.log + $request_time (once)"
	}
	var ts []*task
	if c := filepath.Join(dir, "combined.log"); fileSize(c) > 0 {
		ts = append(ts, ratecardTask("big-combined", "ratecard, big combined.log (once)", bin, []string{c}, nil, nil))
	}
	ts = append(ts, ratecardTask("big", name, bin, []string{p}, flags, nil))
	for _, t := range ts {
		t.bytes = t.inputBytes()
	}
	return ts, nil
}

// inProcessTask times f on files in this process; its CPU time is this process's (nothing else runs
// in it meanwhile).
func inProcessTask(key, name string, files []string, f func(*sample) error) *task {
	t := &task{key: key, name: name, files: files}
	t.once = func() (sample, error) {
		var s sample
		c0 := selfCPU()
		t0 := time.Now()
		err := f(&s)
		s.wall = time.Since(t0)
		s.cpu = selfCPU() - c0
		return s, err
	}
	return t
}

// wcTask runs wc -l on path; its sample's lines are the count wc printed.
func wcTask(key, name, wc, path string) *task {
	t := &task{key: key, name: name, files: []string{path}}
	t.once = func() (sample, error) {
		var s sample
		t0 := time.Now()
		n, ps, err := wcLines(wc, path)
		s.wall = time.Since(t0)
		if err != nil {
			return s, err
		}
		s.cpu = ps.UserTime() + ps.SystemTime()
		s.lines = n
		return s, nil
	}
	return t
}

// selfCPU is the user+sys time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// limitedBuffer keeps the first 4 KiB written to it, for error messages.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := 4096 - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

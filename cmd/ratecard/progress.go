package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ratecard/ratecard/report/analyze"
)

// progressInterval is how often the progress line is redrawn.
const progressInterval = 250 * time.Millisecond

// startProgress shows, on stderr, a progress line redrawn in place while the logs are read: bytes
// read of the total (compressed bytes for compressed files, so the share is of the work), lines per
// second and an estimate of the time left. mode "auto" shows it only when stderr is a terminal, so
// logs and CI output stay clean; "always" and "never" force it. It wires the counters into opt and
// returns a function that erases the line and stops.
func startProgress(stderr io.Writer, mode string, files []string, opt *analyze.Options) (stop func()) {
	if mode == "never" || mode == "auto" && !isTerminal(stderr) {
		return func() {}
	}
	var total int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() {
			total += fi.Size()
		}
	}
	opt.Progress, opt.Lines = new(atomic.Int64), new(atomic.Int64)
	start := time.Now()
	return redraw(stderr, func() string {
		return progressLine(opt.Progress.Load(), total, opt.Lines.Load(), time.Since(start))
	})
}

// redraw redraws line() in place on stderr every progressInterval until the returned function is
// called, which erases the line and stops. An empty line is not drawn.
func redraw(stderr io.Writer, line func() string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(progressInterval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(stderr, "\r\033[K")
				return
			case <-tick.C:
				if s := line(); s != "" {
					fmt.Fprint(stderr, "\r\033[K"+s)
				}
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// progressLine renders one progress line, e.g.
// "reading 412.0 MiB of 870.1 MiB (47 %) · 4.21 M lines/s · about 2s left".
func progressLine(read, total, lines int64, elapsed time.Duration) string {
	s := "reading " + mib(read)
	if total > 0 {
		s += fmt.Sprintf(" of %s (%d %%)", mib(total), min(100, read*100/total))
	}
	if secs := elapsed.Seconds(); secs > 0 {
		s += fmt.Sprintf(" · %.2f M lines/s", float64(lines)/secs/1e6)
		if total > 0 && read > 0 && read < total {
			left := time.Duration(float64(elapsed) * float64(total-read) / float64(read)).Round(time.Second)
			s += fmt.Sprintf(" · about %s left", left)
		}
	}
	return s
}

// mib formats a byte count in MiB with one decimal, e.g. "412.0 MiB".
func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// isTerminal reports whether w is a character device (a terminal), without a dependency.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

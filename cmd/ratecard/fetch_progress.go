package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ratecard/ratecard/ingest/oktalog"
	"github.com/ratecard/ratecard/report"
)

// startFetchProgress shows, on stderr, a progress line redrawn in place while the System Log is
// fetched: events fetched, events per second, how far through [since, until) the last event
// read is, an estimate of the time left and, while the fetch waits on the rate limit or a retry,
// for how long and why. mode "auto" shows it only when stderr is a terminal; "always" and
// "never" force it. It wires the fetcher's progress into opt and returns a function that erases
// the line and stops.
func startFetchProgress(stderr io.Writer, mode string, opt *oktalog.Options) (stop func()) {
	if mode == "never" || mode == "auto" && !isTerminal(stderr) {
		return func() {}
	}
	var (
		mu       sync.Mutex
		last     oktalog.Progress
		waitEnds time.Time // local time the current wait ends
		waitWhy  string
		have     bool
	)
	opt.OnProgress = func(p oktalog.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if p.Waiting > 0 {
			waitEnds, waitWhy = time.Now().Add(p.Waiting), p.WaitReason
		} else {
			waitEnds = time.Time{}
		}
		last, have = p, true
	}
	start := time.Now()
	return redraw(stderr, func() string {
		mu.Lock()
		defer mu.Unlock()
		if !have {
			return ""
		}
		return fetchProgressLine(last, time.Since(start), time.Until(waitEnds), waitWhy)
	})
}

// fetchProgressLine renders one progress line, e.g. "fetched 12,345 events · 410 events/s · 37 %
// of 2026-11-01 to 2026-12-01 (at 2026-11-12 03:12) · about 4m left · waiting 23s: share spent:
// 25 of 25 requests in this window (50 % of Okta's limit of 50)". The share of the range is by
// published time; the time left extrapolates this run's pace through it (from where an earlier
// run stopped, when it continues one).
func fetchProgressLine(p oktalog.Progress, elapsed, wait time.Duration, why string) string {
	s := "fetched " + report.Count(p.Events, "event")
	if secs := elapsed.Seconds(); secs >= 1 {
		s += fmt.Sprintf(" · %.0f events/s", float64(p.EventsRun)/secs)
	}
	span := p.Until.Sub(p.Since)
	if !p.Position.IsZero() && span > 0 {
		frac := func(t time.Time) float64 { return min(1, max(0, float64(t.Sub(p.Since))/float64(span))) }
		done, from := frac(p.Position), 0.0
		if !p.Resumed.IsZero() {
			from = frac(p.Resumed)
		}
		s += fmt.Sprintf(" · %d %% of %s to %s (at %s)", int(done*100), day(p.Since), day(p.Until), p.Position.UTC().Format("2006-01-02 15:04"))
		if done > from && done < 1 && elapsed >= time.Second {
			left := time.Duration(float64(elapsed) * (1 - done) / (done - from)).Round(time.Second)
			s += fmt.Sprintf(" · about %s left", left)
		}
	}
	if wait > 0 {
		s += fmt.Sprintf(" · waiting %s: %s", wait.Round(time.Second), why)
	}
	return s
}

// day formats an instant as its UTC date, or date and time when it is not midnight.
func day(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04")
}

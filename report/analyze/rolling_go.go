package analyze

import (
	"cmp"
	"slices"
	"sync"
)

// A live source computes the rolling peaks in Go from the requests it loads, where a store runs
// rolling.sql: the filters that pick the needed rows (live.load) also keep the instants of the
// requests in the minutes of the starts and the minutes after them (rollSpan), and rollingPeaks
// counts, for each request in a start's ten seconds, the requests of its bucket in [t, t+60 s).
// Those minutes hold every request such a span can reach, so each count is exact, and the largest
// is the rolling peak by the bounds of rolling.go (the peak starts in a start's ten seconds).
// TestRollingMatchesBruteForce holds it to the definition, and TestLiveMatchesStore to the SQL.

// rollSpan is where a live source collects the rolling peak's requests during a load.
type rollSpan struct {
	minutes *minuteSet // the starts' minutes and the minutes after them, by class
	steps   *minuteSet // the starts' ten-second steps (k = 6m + j), by class
	mu      sync.Mutex
	rows    []rollRow // the requests of minutes, in no order
}

// rollRow is a request of the rolling peak's minutes.
type rollRow struct {
	ts int64
	cl uint8
}

// rollFrom prepares the collection of the rolling peak's requests for the next load.
func (l *live) rollFrom(s startList, minTS, maxTS int64) {
	r := &rollSpan{minutes: newMinuteSet(floorDiv(minTS, minuteMicros), floorDiv(maxTS, minuteMicros)),
		steps: newMinuteSet(floorDiv(minTS, stepMicros), floorDiv(maxTS, stepMicros))}
	for i, cl := range s.cls {
		r.minutes.addNew(cl, s.m[i])
		r.minutes.addNew(cl, s.m[i]+1)
		r.steps.addNew(cl, s.k[i])
	}
	l.roll = r
}

// keep adds a filter's rows to the span's; the filters call it once each, when done.
func (r *rollSpan) keep(rows []rollRow) {
	r.mu.Lock()
	r.rows = append(r.rows, rows...)
	r.mu.Unlock()
}

// rollingPeaks returns each bucket's rolling peak from the requests the last load collected: the
// most requests in [t, t+60 s) over the instants t of requests in a start's ten seconds, and the
// earliest such t.
func (l *live) rollingPeaks() []rollingPeak {
	r := l.roll
	if r == nil {
		return nil
	}
	rows := r.rows
	slices.SortFunc(rows, func(a, b rollRow) int { return cmp.Or(cmp.Compare(a.cl, b.cl), cmp.Compare(a.ts, b.ts)) })
	var peaks []rollingPeak
	for i := 0; i < len(rows); {
		cl := rows[i].cl
		j := i
		for j < len(rows) && rows[j].cl == cl {
			j++
		}
		g := rows[i:j]
		best := rollingPeak{cl: cl, n: -1}
		lo, hi := 0, 0
		for x := range g {
			t := g[x].ts
			if !r.steps.has(cl, floorDiv(t, stepMicros)) {
				continue
			}
			for g[lo].ts < t { // the first request at t: a span counts every request at its start
				lo++
			}
			for hi < len(g) && g[hi].ts < t+minuteMicros {
				hi++
			}
			if n := int64(hi - lo); n > best.n {
				best.n, best.start = n, t
			}
		}
		if best.n >= 0 {
			peaks = append(peaks, best)
		}
		i = j
	}
	l.roll = nil
	return peaks
}

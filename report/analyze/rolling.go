package analyze

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// The rolling 60-second peak is the largest number of requests in any span [t, t+60 s); its start is
// the earliest instant t that reaches it. The busiest span always starts at some request, so
// counting the requests in [t, t+60 s) at every request t (rolling.sql's window) finds it exactly;
// but evaluating that at all of a month's requests is the most expensive step of an analysis, and
// almost none of them can matter. So Go first bounds, from the minute counts, where the peak may
// start, in two steps:
//
//   - Minutes. A span starting in minute m lies within minutes m and m+1, so it holds at most
//     n(m) + n(m+1) requests, and the rolling peak is at least the fixed-minute peak. Only "candidate"
//     minutes where n(m) + n(m+1) reaches the bucket's minute peak can hold a start of the rolling
//     peak.
//   - Ten-second steps. With p_j(m), the requests of minute m in its first 10·j seconds (p_0 = 0,
//     p_6 = n), a span starting in the j-th ten seconds of a candidate minute lies within
//     [m + 10j s, m + 10j s + 70 s), so it holds at most ub_j = n(m) - p_j(m) + p_{j+1}(m+1)
//     requests; and the span [m + 10j s, m + 10j s + 60 s) holds exactly n(m) - p_j(m) + p_j(m+1), a
//     lower bound lb of the rolling peak (j = 0 is the minute itself). A plateau of busy minutes
//     passes the minute bound (n(m) + n(m+1) is about twice a minute's traffic) but rarely this one
//     (about 7/6), so only the ten-second steps whose bound reaches lb are "starts".
//
// DuckDB then gets the requests of the minutes holding a start and of the minutes after them (a
// start and the 60 s after it lie within the two), and runs the window over the requests of each
// start and of the 60 s after it (rolling.sql). Every request in a start gets its exact count (the
// 70 s it can reach are there); a request elsewhere may get a count cut short, but its true count is
// below lb (or below the minute peak), so it can neither be nor tie the maximum: the peak and its
// earliest start are exact. TestRollingMatchesBruteForce holds both to the definition. A live source
// counts the same spans in Go, from the instants its load collects (rolling_go.go); a store runs
// rolling.sql.

// pickedSQL makes the picked requests: those of the minutes holding a start, of the minutes after
// them, and of the flagged minutes.
//
//go:embed picked.sql
var pickedSQL string

// rollingSQL makes the rolling counts at the starts, from the picked requests.
//
//go:embed rolling.sql
var rollingSQL string

// rollingPeakSQL gives each bucket's rolling peak and its start.
//
//go:embed rolling_peak.sql
var rollingPeakSQL string

// goStarts computes the starts from the minute counts: the candidate minutes, the lower bound lb of
// each class's rolling peak, and the ten-second steps whose upper bound reaches it.
type goStarts struct {
	cands []candidate
	lb    [256]int64
	prune int // the length of cands at which the candidates that can no longer reach lb go
}

// candidate is a candidate minute and the upper bound of the spans starting in each of its
// ten-second steps: ub[j] = n(m) - p_j(m) + p_{j+1}(m+1).
type candidate struct {
	cl uint8
	m  int64
	ub [6]int64
}

// add considers minute m of class cl, whose cells are c and next (nil: no request in m+1), for a
// class whose minute peak is peak.
func (s *goStarts) add(cl uint8, m int64, c, next *minuteCell, peak int64) {
	n := c.n()
	var q [7]int64 // q[j] = p_j(m+1)
	if next != nil {
		for j := range 6 {
			q[j+1] = q[j] + int64(next.steps[j])
		}
	}
	if n+q[6] < peak {
		return // no span starting in m can reach the minute peak
	}
	cd := candidate{cl: cl, m: m}
	p := int64(0) // p_j(m)
	for j := range 6 {
		s.lb[cl] = max(s.lb[cl], n-p+q[j]) // the span [m + 10j s, m + 10j s + 60 s)
		cd.ub[j] = n - p + q[j+1]
		p += int64(c.steps[j])
	}
	// lb only grows, and starts keeps the steps whose ub reaches the last lb: a candidate below
	// the lb of now is never kept, and need not be held.
	if cd.top() < s.lb[cl] {
		return
	}
	s.cands = append(s.cands, cd)
	if len(s.cands) >= s.prune {
		k := 0
		for _, x := range s.cands {
			if x.top() >= s.lb[x.cl] {
				s.cands[k] = x
				k++
			}
		}
		s.cands = s.cands[:k]
		s.prune = max(2*k, 1024)
	}
}

// top is the largest upper bound of the candidate's steps.
func (cd *candidate) top() int64 {
	return max(cd.ub[0], cd.ub[1], cd.ub[2], cd.ub[3], cd.ub[4], cd.ub[5])
}

// startList is the starts as columns: the class, the minute m and the ten-second step's index
// k = 6m + j.
type startList struct {
	cls  []uint8
	m, k []int64
}

// starts returns the ten-second steps of the candidates whose upper bound reaches their class's lb.
func (s *goStarts) starts() startList {
	var out startList
	for _, cd := range s.cands {
		for j, ub := range cd.ub {
			if ub >= s.lb[cd.cl] {
				out.cls = append(out.cls, cd.cl)
				out.m, out.k = append(out.m, cd.m), append(out.k, 6*cd.m+int64(j))
			}
		}
	}
	return out
}

// startsSchema and minutesSchema are the layouts of the starts table and of the (class, m) tables
// flagged and hot, which Go makes.
var (
	startsSchema  = arrow.NewSchema(int64Fields([]arrow.Field{{Name: "class", Type: arrow.PrimitiveTypes.Uint8}}, "m", "k"), nil)
	minutesSchema = arrow.NewSchema(int64Fields([]arrow.Field{{Name: "class", Type: arrow.PrimitiveTypes.Uint8}}, "m"), nil)
)

// createMinuteTable makes the temporary table name (class, m) from l.
func createMinuteTable(d *duckDB, name string, l minuteList) error {
	rec := classRecord(minutesSchema, l.cls, l.m)
	defer rec.Release()
	if err := d.createFromArrow(rec, `CREATE OR REPLACE TEMP TABLE `+name+` AS SELECT * FROM arrow_view`); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// createStartsTable makes the temporary table starts (class, m, k) from s.
func createStartsTable(d *duckDB, s startList) error {
	rec := classRecord(startsSchema, s.cls, s.m, s.k)
	defer rec.Release()
	if err := d.createFromArrow(rec, `CREATE OR REPLACE TEMP TABLE starts AS SELECT * FROM arrow_view`); err != nil {
		return fmt.Errorf("starts: %w", err)
	}
	return nil
}

// rollingPeaks reads each bucket's rolling peak from the rolling table and sets it, with its verdicts.
// Every bucket with traffic has one: its minute peak's minute holds a start.
func rollingPeaks(ctx context.Context, d *duckDB, f *minuteFigures, warn int) error {
	if err := d.exec(ctx, rollingSQL); err != nil {
		return fmt.Errorf("rolling peak: %w", err)
	}
	rows, err := d.conn.QueryContext(ctx, rollingPeakSQL)
	if err != nil {
		return fmt.Errorf("rolling peaks: %w", err)
	}
	defer rows.Close()
	var peaks []rollingPeak
	for rows.Next() {
		var pk rollingPeak
		if err := rows.Scan(&pk.cl, &pk.n, &pk.start); err != nil {
			return fmt.Errorf("rolling peaks: %w", err)
		}
		peaks = append(peaks, pk)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("rolling peaks: %w", err)
	}
	return setRollingPeaks(f, peaks, warn)
}

// rollingPeak is a bucket's rolling peak: the most requests in a 60 s span, and the earliest instant
// a span that holds them starts at (Unix microseconds).
type rollingPeak struct {
	cl       uint8
	n, start int64
}

// setRollingPeaks sets each bucket's rolling peak, with its verdicts, from peaks.
func setRollingPeaks(f *minuteFigures, peaks []rollingPeak, warn int) error {
	var seen [256]bool
	for _, pk := range peaks {
		if b := f.buckets[pk.cl]; b != nil {
			setRolling(b, pk.n, pk.start, warn)
			seen[pk.cl] = true
		}
	}
	for cl, b := range f.buckets {
		if b != nil && !seen[cl] {
			return fmt.Errorf("rolling peaks: none for %s, which has traffic", b.Bucket.ID)
		}
	}
	return nil
}

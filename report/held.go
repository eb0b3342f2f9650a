package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// An analyzer made by NewAnalyzer holds the rows it is given in Go until the analysis, instead of
// loading every request into DuckDB as it comes: once the minute counts are in DuckDB, the candidate
// starts of the rolling peak and the minutes near or over the limit are known, and only the requests
// of those minutes (and those with a principal, for the principals' peaks) are loaded: 0.5 M of the
// bench month's 4.5 M. Loading a request is most of what DuckDB spends on it, so this takes 3-5 % off
// a run (filtering the held rows, on every core, costs 25 ms of the 0.1 s saved).
//
// Past heldRowsMax rows the rest go to a temporary file (rowSpill) as they come, and the analysis
// filters them from there as it filters those in memory, so memory stays bounded on any input.
// TestMinutesFromGoMatchSQL checks that either way gives the analysis of a store, which loads
// everything.

// heldRowsMax bounds the rows held in Go (29 bytes each: 174 MiB), a month of 6 M requests.
var heldRowsMax = 6 << 20

// keptRows is the size of the batches of needed rows loaded after filtering (tests make it small).
var keptRows = batchRows

// rowChunk is a batch of rows in the columns an analyzer made by NewAnalyzer stores (liveFields).
type rowChunk struct {
	ts          []int64
	cls         []uint8
	client, ids []uint64
	prin        []uint32
}

func newRowChunk() rowChunk {
	return rowChunk{ts: make([]int64, 0, batchRows), cls: make([]uint8, 0, batchRows),
		client: make([]uint64, 0, batchRows), ids: make([]uint64, 0, batchRows), prin: make([]uint32, 0, batchRows)}
}

func (c *rowChunk) len() int { return len(c.ts) }

func (c *rowChunk) add(ts int64, cl uint8, client uint64, prin uint32, ids uint64) {
	c.ts, c.cls, c.client, c.prin, c.ids = append(c.ts, ts), append(c.cls, cl), append(c.client, client), append(c.prin, prin), append(c.ids, ids)
}

func (c *rowChunk) reset() {
	c.ts, c.cls, c.client, c.prin, c.ids = c.ts[:0], c.cls[:0], c.client[:0], c.prin[:0], c.ids[:0]
}

// loadChunk loads c's rows into the requests table.
func (a *Analyzer) loadChunk(c *rowChunk) error {
	if c.len() == 0 {
		return nil
	}
	return a.loadColumns(c.ts, [][]uint8{c.cls}, c.client, c.prin, c.ids, nil)
}

// unhold loads every held row into DuckDB, in place of those an analysis loaded, and stops holding:
// rows to come are loaded as they come.
func (a *Analyzer) unhold() error {
	if a.pickedOnce {
		if _, err := a.conn.ExecContext(context.Background(), `DELETE FROM requests_raw`); err != nil {
			return fmt.Errorf("reload requests: %w", err)
		}
	}
	for i := range a.held {
		if err := a.loadChunk(&a.held[i]); err != nil {
			return err
		}
	}
	if a.spill != nil {
		c := newRowChunk()
		if err := a.spill.each(func() *rowChunk { return &c }, a.loadChunk); err != nil {
			return err
		}
	}
	a.dropHeld()
	a.holding = false
	debug.FreeOSMemory() // DuckDB holds them now: give their memory back, or the peak is both at once
	return nil
}

// dropHeld lets the held rows go, and closes their spill file.
func (a *Analyzer) dropHeld() {
	a.held, a.heldRows = nil, 0
	if a.spill != nil {
		a.spill.close()
		a.spill = nil
	}
}

// minuteSet is a set of (class, minute): a bitmap per class over the minutes the input spans, or a
// map when they span too many (timestamps scattered over decades).
type minuteSet struct {
	base, span int64
	bits       [256][]uint64
	m          map[minuteKey]struct{}
}

// maxBitmapMinutes bounds the span of a minuteSet's bitmaps (8 years: 512 KiB a class).
const maxBitmapMinutes = 1 << 22

func newMinuteSet(first, last int64) *minuteSet {
	s := &minuteSet{base: first, span: last - first + 1}
	if s.span > maxBitmapMinutes || s.span <= 0 {
		s.m = map[minuteKey]struct{}{}
	}
	return s
}

func (s *minuteSet) add(cl uint8, m int64) {
	if s.m != nil {
		s.m[minuteKey{m: m, class: cl}] = struct{}{}
		return
	}
	i := m - s.base
	if i < 0 || i >= s.span {
		return // no request there
	}
	if s.bits[cl] == nil {
		s.bits[cl] = make([]uint64, (s.span+63)/64)
	}
	s.bits[cl][i/64] |= 1 << (i % 64)
}

func (s *minuteSet) has(cl uint8, m int64) bool {
	if s.m != nil {
		_, ok := s.m[minuteKey{m: m, class: cl}]
		return ok
	}
	b := s.bits[cl]
	i := m - s.base
	return b != nil && i >= 0 && i < s.span && b[i/64]&(1<<(i%64)) != 0
}

// KeepRows makes an analyzer made by NewAnalyzer keep the rows it holds after an analysis, so that
// Analyze can run again (against learned limits, say): a second analysis may need the requests of
// other minutes, and loads them all. Without it the held rows are let go once the first analysis has
// loaded those it needs (on the bench month, 130 MiB sooner free), and Analyze fails the second time.
func (a *Analyzer) KeepRows() { a.keepRows = true }

// loadNeeded loads, of the held rows, those the rest of the analysis reads: the requests of the
// minutes that hold a start of the rolling peak, of the minutes after them and of the minutes near
// or over the limit (starts and hot_count, see analysisSQL), and every request with a principal.
func (a *Analyzer) loadNeeded(ctx context.Context) error {
	if a.pickedOnce {
		if !a.keepRows {
			return errors.New("analyze again: the rows were let go after the first analysis (see KeepRows)")
		}
		return a.unhold()
	}
	a.pickedOnce = true
	if !a.keepRows {
		defer func() {
			a.dropHeld()
			debug.FreeOSMemory() // DuckDB and the report are about to need memory: this is 130 MiB a month
		}()
	}
	g := a.agg
	set := newMinuteSet(floorDiv(g.minTS, minuteMicros), floorDiv(g.maxTS, minuteMicros))
	rows, err := a.conn.QueryContext(ctx, `SELECT class, m FROM starts UNION ALL SELECT class, m + 1 FROM starts
		UNION ALL SELECT class, m FROM hot_count`)
	if err != nil {
		return fmt.Errorf("needed minutes: %w", err)
	}
	for rows.Next() {
		var cl uint8
		var m int64
		if err := rows.Scan(&cl, &m); err != nil {
			rows.Close()
			return fmt.Errorf("needed minutes: %w", err)
		}
		set.add(cl, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("needed minutes: %w", err)
	}
	// The held batches are filtered on one goroutine per CPU while this one loads what they keep; a
	// goroutine reads the spilled ones back, into chunks the filters hand back when done with them.
	workers := runtime.NumCPU()
	kept := make(chan rowChunk, workers)
	type job struct {
		c       *rowChunk
		spilled bool // c is one of the spill's, to hand back
	}
	next := make(chan job, workers)
	reuse := make(chan *rowChunk, 2*workers)
	var readErr error
	go func() {
		defer close(next)
		for i := range a.held {
			next <- job{c: &a.held[i]}
		}
		if a.spill == nil {
			return
		}
		made := 0
		get := func() *rowChunk {
			if made < cap(reuse) {
				made++
				c := newRowChunk()
				return &c
			}
			return <-reuse
		}
		readErr = a.spill.each(get, func(c *rowChunk) error {
			next <- job{c: c, spilled: true}
			return nil
		})
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := newRowChunk()
			for j := range next { // out goes by value: the receiver owns the arrays sent
				c := j.c
				for k, ts := range c.ts {
					if c.prin[k] == 0 && !set.has(c.cls[k], floorDiv(ts, minuteMicros)) {
						continue
					}
					out.add(ts, c.cls[k], c.client[k], c.prin[k], c.ids[k])
					if out.len() == keptRows {
						kept <- out
						out = newRowChunk()
					}
				}
				if j.spilled {
					reuse <- c
				}
			}
			kept <- out
		}()
	}
	go func() {
		wg.Wait()
		close(kept)
	}()
	var loadErr error
	for c := range kept { // drained to the end, so that the goroutines finish
		if loadErr == nil {
			loadErr = a.loadChunk(&c)
		}
	}
	return cmp.Or(readErr, loadErr)
}

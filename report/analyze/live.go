package analyze

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// live is the requests of one run of the logs, for its analysis: their counts per bucket and minute,
// taken as the rows come, and the rows themselves, held in Go in compact batches (past heldRowsMax
// in a spill file) until the analysis knows which of them it needs: the requests of the minutes that
// hold a start of the rolling peak, of the minutes after them, of the flagged minutes and of the
// minutes in flight in the busiest seconds (on the bench month 0.13 M of 4.5 M). The analysis computes
// the rolling peak (rolling_go.go), the drill-down (drilldown_go.go) and the busiest seconds'
// endpoints and callers (busyGo) from them in Go, and the principals' peaks from counts taken as the
// rows come (prinCounts). Requests to public metadata, outside the catalog and of unknown method
// are counted and not held.
//
// After its analysis a live source lets its rows go (on the bench month, 130 MiB sooner free), unless
// it was made to keep them for a second analysis (against learned limits), which may need the
// requests of other minutes.
type live struct {
	// tally holds the counts of the requests added on this goroutine (the System Log's, and a
	// store-less run's batches when the workers do not take their own), and, once the workers'
	// shards are gathered, theirs; and the rows pending to be held.
	tally
	names names     // the names behind the ids, once setNames gave them
	roll  *rollSpan // the rolling peak's requests, collected by the next load (rolling_go.go)
	// picked is the rows the last load picked (every request of the minutes the analysis needs).
	picked []rowChunk
	// mu guards held, heldRows and spill, which the workers' shards add chunks to (hold).
	mu       sync.Mutex
	held     []rowChunk
	heldRows int
	spill    *rowSpill // the rows held past heldRowsMax, or nil
	slab     slab      // where held chunks come from (live.hold)
	keep     bool      // keep the held rows after an analysis
	released bool      // the held rows were let go after the first analysis
	unknown  []report.MethodUnknown
}

// heldRowsMax bounds the rows held in memory (33 bytes each: 198 MiB), a month of 6 M requests; the
// rest go to a spill file as they come, and memory stays bounded on any input.
var heldRowsMax = 6 << 20

// keptRows is the size of the batches of needed rows loaded after filtering (tests make it small).
var keptRows = batchRows

// newLive makes a live source. With keep, it can be analysed twice.
func newLive(keep bool) (*live, error) {
	l := &live{tally: newTally(newRowChunk()), keep: keep}
	l.fl.held = l.heldIntervals
	return l, nil
}

// heldIntervals calls fn with the start and duration of every held request that has one: the
// intervals of those requests, which the concurrency analysis keeps nowhere else (inflight.held).
// It reads the spill file back, so it runs before load.
func (l *live) heldIntervals(fn func(ts int64, dur uint32)) error {
	if err := l.flush(); err != nil {
		return err
	}
	var back *rowChunk // the spilled chunks, read back one after the other (made when there are some)
	get := func() *rowChunk {
		if back == nil {
			c := newRowChunk()
			back = &c
		}
		return back
	}
	return l.eachHeld(get, func(c *rowChunk, _ bool) error {
		for k, d := range c.dur {
			if d > 0 {
				fn(c.ts[k], d)
			}
		}
		return nil
	})
}

// eachHeld hands every held chunk to fn, in memory first, then the spilled ones, each read back into
// a chunk from get (spilled true: the caller may give it back to get).
func (l *live) eachHeld(get func() *rowChunk, fn func(c *rowChunk, spilled bool) error) error {
	for i := range l.held {
		if err := fn(&l.held[i], false); err != nil {
			return err
		}
	}
	if l.spill == nil {
		return nil
	}
	return l.spill.each(get, func(c *rowChunk) error { return fn(c, true) })
}

// add counts a batch of rows (one class column) and holds those of rate-limited buckets. The batch's
// slices are not kept, so the caller may reuse them.
func (l *live) add(r *rowBatch) error { return l.tally.addRows(l, r) }

// tally is what a live source, and each worker's shard of it, counts of the requests as they come:
// their minutes (counts), their intervals and client-limited requests (fl, for the concurrency
// analysis, less the intervals of the rows it holds: inflight.held), the minutes of those with a
// principal (prin), and the rows of rate-limited buckets until they fill a batch of batchRows (pend)
// and are held.
type tally struct {
	counts *minuteCounts
	fl     *inflight
	prin   prinCounts
	pend   rowChunk
}

// newTally makes a tally whose pending rows go in pend.
func newTally(pend rowChunk) tally {
	return tally{counts: newMinuteCounts(), fl: newInflight(), prin: prinCounts{}, pend: pend}
}

// add counts one request, its ids global, and adds its row to pend when its bucket is rate-limited,
// handing a full pend to l.hold.
func (t *tally) add(l *live, ts int64, cl uint8, status uint16, src uint8, rl int32, dur int64, flags uint8, client uint64, agent, prin, path uint32) error {
	dur = rowDur(src, dur)
	t.counts.add(ts, cl, status, src, rl)
	held := cl < uint8(classify.MethodUnknown) // pend below: its interval is the row's (live.heldIntervals)
	t.fl.addRequest(src, ts, dur, flags, client, agent, held)
	t.prin.add(ts, cl, prin)
	if !held {
		return nil
	}
	t.pend.add(ts, cl, client, prin, packIDs(agent, path), heldDur(dur))
	if t.pend.len() == batchRows {
		return l.hold(&t.pend)
	}
	return nil
}

// addRows is add for every row of r (one class column); it does not keep r's slices.
func (t *tally) addRows(l *live, r *rowBatch) error {
	if err := r.check(1); err != nil {
		return err
	}
	for i, cl := range r.class[0] {
		if err := t.add(l, r.ts[i], cl, r.status[i], r.src[i], r.rl[i], r.dur[i], r.flags[i], r.client[i], r.agent[i], r.principal[i], r.path[i]); err != nil {
			return err
		}
	}
	return nil
}

// packIDs packs an agent id and a path id into one column (see liveFields).
func packIDs(agent, path uint32) uint64 { return uint64(agent)<<32 | uint64(path) }

// flush moves the pending rows to the held ones.
func (l *live) flush() error { return l.hold(&l.pend) }

// hold moves the rows of pend to the held ones, or to the spill file past heldRowsMax, leaving pend
// empty. The workers' shards call it concurrently.
func (l *live) hold(pend *rowChunk) error {
	if pend.len() == 0 {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.heldRows+pend.len() <= heldRowsMax {
		l.held = append(l.held, *pend)
		l.heldRows += pend.len()
		*pend = heldChunk(&l.slab)
		return nil
	}
	if l.spill == nil {
		s, err := newRowSpill()
		if err != nil {
			return err
		}
		l.spill = s
	}
	err := l.spill.write(pend)
	pend.reset()
	return err
}

// liveShard is a worker's part of a live source: its own tally; full chunks of rows go to the live
// source's held ones (live.hold). A worker adds the requests it reads one by one (tally.add), without
// a batch, and its System Log batches with add.
type liveShard struct {
	l *live
	tally
}

func (l *live) newShard() shard {
	l.mu.Lock()
	pend := heldChunk(&l.slab) // held as it is once full
	l.mu.Unlock()
	s := &liveShard{l: l, tally: newTally(pend)}
	s.fl.ivs.budget = &l.fl.ivs.shared
	return s
}

func (s *liveShard) add(r *rowBatch) error { return s.tally.addRows(s.l, r) }

// gather merges the shards' counts and intervals into the live source's and holds their pending rows.
func (l *live) gather(shards []shard) error {
	for _, x := range shards {
		s := x.(*liveShard)
		if err := l.hold(&s.pend); err != nil {
			return err
		}
		l.counts.merge(s.counts)
		l.fl.merge(s.fl)
		l.prin.merge(s.prin)
	}
	return nil
}

func (l *live) setNames(n names) error {
	l.names = n
	return nil
}

func (l *live) goNames() *names { return &l.names }

func (l *live) principals() (prinCounts, []string) { return l.prin, l.names.principals }

func (l *live) drillDown(hot minuteList, f *minuteFigures) {
	drillDownGo(l.picked, hot, l.names, f)
}

func (l *live) busiest(_ context.Context, lo, hi int64) (busyRows, error) {
	return busyGo(l.picked, l.names, lo, hi, busyListTop), nil
}

func (l *live) dropPicked() { l.picked = nil } // a second analysis loads its own

// peaks computes the rolling peaks, drill-down, principals' peaks and busiest seconds' callers from
// the requests the analysis picks, in Go (rowPeaks).
func (l *live) peaks(ctx context.Context, f *minuteFigures, cat *classify.Catalog, p params, in *report.Input) (requestFigures, error) {
	return rowPeaks(ctx, l, f, cat, p, in)
}

func (l *live) methodUnknown() []report.MethodUnknown { return l.unknown }

func (l *live) inflight(context.Context) (*inflight, error) {
	if l.released {
		return nil, errors.New("analyze again: the rows were let go after the first analysis")
	}
	return l.fl, nil
}

func (l *live) minuteCounts(context.Context) (*minuteCounts, error) {
	if l.released {
		return nil, errors.New("analyze again: the rows were let go after the first analysis")
	}
	return l.counts, nil
}

// load picks, of the held rows, those in need (picked), in place of what an earlier analysis
// picked. The held batches are filtered on one goroutine per CPU the process may use (GOMAXPROCS); a
// goroutine reads the spilled ones back, into chunks the filters hand back when done with them.
// Unless the source keeps its rows, they and the counts are let go after.
func (l *live) load(ctx context.Context, need *minuteSet) error {
	if l.released {
		return errors.New("analyze again: the rows were let go after the first analysis")
	}
	if err := l.flush(); err != nil {
		return err
	}
	if !l.keep {
		l.counts = nil // the analysis has what it needs of them
		defer l.release()
	}
	workers := runtime.GOMAXPROCS(0)
	roll := l.roll // set by rollFrom: the filters also keep the rolling peak's requests
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
		made := 0
		get := func() *rowChunk {
			if made < cap(reuse) {
				made++
				c := newRowChunk()
				return &c
			}
			return <-reuse
		}
		readErr = l.eachHeld(get, func(c *rowChunk, spilled bool) error {
			next <- job{c: c, spilled: spilled}
			return nil
		})
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := newRowChunk()
			var rolled []rollRow
			for j := range next { // out goes by value: the receiver owns the arrays sent
				c := j.c
				for k, ts := range c.ts {
					m := floorDiv(ts, minuteMicros)
					if !need.has(c.cls[k], m) { // principals are counted (prinCounts)
						continue
					}
					if roll != nil && roll.minutes.has(c.cls[k], m) {
						rolled = append(rolled, rollRow{ts: ts, cl: c.cls[k]})
					}
					out.add(ts, c.cls[k], c.client[k], c.prin[k], c.ids[k], c.dur[k])
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
			if roll != nil {
				roll.keep(rolled)
			}
		}()
	}
	go func() {
		wg.Wait()
		close(kept)
	}()
	loaded := 0
	l.picked = l.picked[:0]
	held := l.heldRows + l.spilled()
	for c := range kept { // drained to the end, so that the goroutines finish
		if c.len() > 0 {
			loaded += c.len()
			l.picked = append(l.picked, c)
		}
	}
	if tracing {
		trace(fmt.Sprintf("loading %d of %d held rows", loaded, held))
	}
	return readErr
}

// release lets the held rows and the counts go, closes the spill file, and hands the memory back to
// the system: the report is about to need memory.
func (l *live) release() {
	l.held, l.heldRows, l.counts, l.released, l.slab = nil, 0, nil, true, slab{}
	l.fl.close()
	if l.spill != nil {
		l.spill.close()
		l.spill = nil
	}
	go debug.FreeOSMemory() // off the analysis's path: the collection runs beside the queries
}

// close lets the rows go.
func (l *live) close() error {
	l.held, l.picked, l.slab = nil, nil, slab{}
	l.fl.close()
	if l.spill != nil {
		l.spill.close()
		l.spill = nil
	}
	return nil
}

// rowChunk is a batch of the rows a live source keeps, in columns: each request's UTC instant in
// Unix microseconds, its class (a bucket index), and what the drill-down and the busiest seconds
// need: the client id, the principal id, the agent and path ids packed into one (agent<<32 | path),
// and its duration in microseconds (0 when not logged; cut to maxDurMicros). Status, source and
// rate limit are counted as the rows come (minuteCounts) and not kept.
type rowChunk struct {
	ts          []int64
	cls         []uint8
	client, ids []uint64
	prin, dur   []uint32
}

func newRowChunk() rowChunk {
	return rowChunk{ts: make([]int64, 0, batchRows), cls: make([]uint8, 0, batchRows),
		client: make([]uint64, 0, batchRows), ids: make([]uint64, 0, batchRows), prin: make([]uint32, 0, batchRows),
		dur: make([]uint32, 0, batchRows)}
}

// heldChunk returns an empty chunk with room for batchRows rows, from s: the held rows are most of
// the memory a run fills (see huge.go).
func heldChunk(s *slab) rowChunk {
	const n = batchRows
	return rowChunk{ts: slabSlice[int64](s, n), cls: slabSlice[uint8](s, n), client: slabSlice[uint64](s, n),
		ids: slabSlice[uint64](s, n), prin: slabSlice[uint32](s, n), dur: slabSlice[uint32](s, n)}
}

func (c *rowChunk) len() int { return len(c.ts) }

func (c *rowChunk) add(ts int64, cl uint8, client uint64, prin uint32, ids uint64, dur uint32) {
	c.ts, c.cls, c.client, c.prin, c.ids = append(c.ts, ts), append(c.cls, cl), append(c.client, client), append(c.prin, prin), append(c.ids, ids)
	c.dur = append(c.dur, dur)
}

func (c *rowChunk) reset() {
	c.ts, c.cls, c.client, c.prin, c.ids, c.dur = c.ts[:0], c.cls[:0], c.client[:0], c.prin[:0], c.ids[:0], c.dur[:0]
}

// heldDur is a duration as held rows keep it: microseconds, 0 when not logged, cut to maxDurMicros.
func heldDur(d int64) uint32 { return uint32(min(max(d, 0), maxDurMicros)) }

// spilled is the number of rows in the spill file.
func (l *live) spilled() int {
	if l.spill == nil {
		return 0
	}
	return l.spill.rows
}

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
// After its analysis a live source lets its rows go (on the bench month, 42 MiB sooner free), unless
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
	// mu guards held, heldRows, heldBytes, spill and slab, which the workers' shards add chunks to
	// (hold).
	mu        sync.Mutex
	held      []packedChunk // (see packed.go)
	heldRows  int
	heldBytes int       // of the held chunks' data
	spill     *rowSpill // the rows held past heldRowsMax, or nil
	slab      slab      // where held chunks' data come from (live.hold)
	keep      bool      // keep the held rows after an analysis
	released  bool      // the held rows were let go after the first analysis
	unknown   []report.MethodUnknown
}

// heldRowsMax bounds the rows held in memory (packed, at most 33 bytes each: 198 MiB; the bench
// month's pack into about 10), a month of 6 M requests; the rest go to a spill file as they come, and
// memory stays bounded on any input.
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
	var back packedChunk // the spilled chunks, read back one after the other
	return l.eachHeld(func() *packedChunk { return &back }, func(p *packedChunk, _ bool) error {
		if d := p.cols[pcDur]; d.width == 0 && d.base == 0 {
			return nil // no duration logged
		}
		for k := range p.n {
			if d := uint32(p.at(pcDur, k)); d > 0 {
				fn(p.ts(k), d)
			}
		}
		return nil
	})
}

// eachHeld hands every held chunk to fn, in memory first, then the spilled ones, each read back into
// a chunk from get (spilled true: the caller may give it back to get).
func (l *live) eachHeld(get func() *packedChunk, fn func(p *packedChunk, spilled bool) error) error {
	for i := range l.held {
		if err := fn(&l.held[i], false); err != nil {
			return err
		}
	}
	if l.spill == nil {
		return nil
	}
	return l.spill.each(get, func(p *packedChunk) error { return fn(p, true) })
}

// add counts a batch of rows (one class column) and holds those of rate-limited buckets. The batch's
// slices are not kept, so the caller may reuse them.
func (l *live) add(r *rowBatch) error { return l.tally.addRows(l, r) }

// tally is what a live source, and each worker's shard of it, counts of the requests as they come:
// their minutes (counts), their intervals and client-limited requests (fl, for the concurrency
// analysis, less the intervals of the rows it holds: inflight.held), the minutes of those with a
// principal (prin), and the rows of rate-limited buckets until they fill a batch of batchRows (pend)
// and are packed (pk) to be held.
type tally struct {
	counts *minuteCounts
	fl     *inflight
	prin   prinCounts
	pend   rowChunk
	pk     packer
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
		return l.hold(&t.pend, &t.pk)
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
func (l *live) flush() error { return l.hold(&l.pend, &l.pk) }

// hold packs the rows of pend with pk and moves them to the held ones, or to the spill file past
// heldRowsMax, leaving pend empty. The workers' shards call it concurrently, each with its own pend
// and pk.
func (l *live) hold(pend *rowChunk, pk *packer) error {
	n := pend.len()
	if n == 0 {
		return nil
	}
	l.mu.Lock()
	inMemory := l.heldRows+n <= heldRowsMax
	if inMemory {
		l.heldRows += n // counted now, held below
	}
	l.mu.Unlock()
	if inMemory {
		// Packed straight into the slab, outside the lock (only the slab's cut takes it); nothing
		// reads the held chunks before the workers are done.
		p := pk.packInto(pend, func(size int) []byte {
			l.mu.Lock()
			defer l.mu.Unlock()
			return slabSlice[byte](&l.slab, size)
		})
		pend.reset()
		l.mu.Lock()
		l.held = append(l.held, p)
		l.heldBytes += len(p.data)
		l.mu.Unlock()
		return nil
	}
	p := pk.pack(pend)
	pend.reset()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.spill == nil {
		s, err := newRowSpill()
		if err != nil {
			return err
		}
		l.spill = s
	}
	return l.spill.write(&p)
}

// liveShard is a worker's part of a live source: its own tally; full chunks of rows go to the live
// source's held ones (live.hold). A worker adds the requests it reads one by one (tally.add), without
// a batch, and its System Log batches with add.
type liveShard struct {
	l *live
	tally
}

func (l *live) newShard() shard {
	s := &liveShard{l: l, tally: newTally(newRowChunk())}
	s.fl.ivs.budget = &l.fl.ivs.shared
	return s
}

func (s *liveShard) add(r *rowBatch) error { return s.tally.addRows(s.l, r) }

// gather merges the shards' counts and intervals into the live source's and holds their pending rows.
func (l *live) gather(shards []shard) error {
	for _, x := range shards {
		s := x.(*liveShard)
		if err := l.hold(&s.pend, &s.pk); err != nil {
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
		p       *packedChunk
		spilled bool // p is one of the spill's, to hand back
	}
	next := make(chan job, workers)
	reuse := make(chan *packedChunk, 2*workers)
	var readErr error
	go func() {
		defer close(next)
		made := 0
		get := func() *packedChunk {
			if made < cap(reuse) {
				made++
				return &packedChunk{}
			}
			return <-reuse
		}
		readErr = l.eachHeld(get, func(p *packedChunk, spilled bool) error {
			next <- job{p: p, spilled: spilled}
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
				p := j.p
				for k := range p.n {
					ts, cl := p.ts(k), uint8(p.at(pcCls, k))
					m := floorDiv(ts, minuteMicros)
					if !need.has(cl, m) { // principals are counted (prinCounts)
						continue
					}
					if roll != nil && roll.minutes.has(cl, m) {
						rolled = append(rolled, rollRow{ts: ts, cl: cl})
					}
					out.add(ts, cl, p.at(pcClient, k), uint32(p.at(pcPrin, k)), p.at(pcAgent, k)<<32|p.at(pcPath, k), uint32(p.at(pcDur, k)))
					if out.len() == keptRows {
						kept <- out
						out = newRowChunk()
					}
				}
				if j.spilled {
					reuse <- p
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
		trace(fmt.Sprintf("loading %d of %d held rows (%.1f MiB packed in memory)", loaded, held, float64(l.heldBytes)/(1<<20)))
	}
	return readErr
}

// release lets the held rows and the counts go, closes the spill file, and hands the memory back to
// the system: the report is about to need memory.
func (l *live) release() {
	l.held, l.heldRows, l.heldBytes, l.counts, l.released, l.slab = nil, 0, 0, nil, true, slab{}
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

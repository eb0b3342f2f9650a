package analyze

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sync/atomic"
)

// inflight collects, as the rows come, what the concurrency analysis (concurrency.go) needs: for
// every request with a duration, its interval [start, start+duration) counted per UTC second, and
// the intervals themselves for the exact count inside the seconds where the counts do not settle
// it (those of the requests the source holds as rows are read from the rows: held); the
// concurrency 429s per second; and the requests to the client-limited endpoints (clientlimits.go).
//
// Per second S (the instants [S, S+1 s)) it keeps three numbers: net, the intervals starting in S
// minus those ending in S; bnd, those starting exactly at S's first instant minus those ending
// there; inner, those starting after it within S. The requests in flight at S's first instant are
// then open(S) = Σ_{k<S} net(k) + bnd(S), exactly, and the most in flight at any instant of S lies
// between open(S) and open(S) + inner(S): it is open(S) whenever no interval starts inside S (a
// log of whole seconds never has one). Requests of zero duration are in flight at no instant and
// are not counted.
type inflight struct {
	requests int64 // requests counted (every class), the denominator of the coverage
	withDur  int64 // requests with a duration, zero included
	pages    map[int64]*secPage
	lastKey  int64
	last     *secPage
	spill    map[int64]*secCell // the seconds past maxSecPages, one by one
	// wide holds what a second's cell carried out of its 16-bit counts (carry), in 64 bits; a
	// second's counts are its cell's (in its page, or spilled) plus its wide entry.
	wide   map[int64]*secSum
	any    bool
	minS   int64 // the first and last second with an event
	maxS   int64
	inner  bool  // some interval starts inside a second
	maxDur int64 // the longest duration counted, microseconds
	ivs    ivStore
	// held, when set, gives the intervals (start, duration) of the requests the source holds as rows,
	// which add was told not to keep in ivs: a live source's held rows are those intervals already
	// (12 bytes a request, 60 MB for the bench month, not written twice).
	held    func(fn func(ts int64, dur uint32)) error
	c429    map[int64]int64 // concurrency 429s (status 429, X-Rate-Limit-Limit: 0) per second
	clients [][]clientRow   // in chunks of ivChunk
	// slab is where the pages and the clients' chunks come from: a month's pages are 16 MiB a
	// worker, in huge-page memory (see huge.go).
	slab slab
}

// secPageBits sets the seconds in a page (1,024: 6 KiB); maxSecPages bounds the pages (48 MiB, 97
// days of traffic at every second).
const (
	secPageBits = 10
	secPageLen  = 1 << secPageBits
	secMicros   = 1_000_000
)

var maxSecPages = 1 << 13

// secCell is a second's three counts in 16 bits each (6 bytes: a month of seconds is 16 MB a
// worker, not 32). A count that reaches ±cellMax is carried into the second's wide entry (carry),
// which a million requests starting in one second of one worker's share would take 30 times.
type secCell struct{ net, bnd, inner int16 }

// secSum is a second's counts in 64 bits.
type secSum struct{ net, bnd, inner int64 }

// cellMax is the magnitude at which a secCell count is carried (a variable so that tests can carry
// often). Each add moves a count by one, so it meets ±cellMax before it could overflow.
var cellMax int16 = math.MaxInt16

type secPage [secPageLen]secCell

// maxDurMicros is the longest duration counted (a larger one is cut to it): 71 minutes, the most a
// uint32 of microseconds holds. No request to Okta is in flight that long.
const maxDurMicros = 1<<32 - 1

func newInflight() *inflight {
	return &inflight{pages: map[int64]*secPage{}, spill: map[int64]*secCell{}, wide: map[int64]*secSum{}, c429: map[int64]int64{}}
}

// Row flags, packed in rowBatch.flags: the client-limited endpoint (classify.ClientEndpoint, 0 for
// none) in the low two bits, and whether the response was a concurrency 429.
const (
	flagEndpoint = 3
	flagConc429  = 4
	flagDuration = 8 // a store's: the duration was logged (inflight.go takes -1 for not logged)
)

// add counts one request at ts with duration dur (microseconds, -1 when not logged) and flags, and
// keeps its interval for the exact count inside a second (exactMax) unless rowHeld says the source
// holds it as a row (inflight.held).
func (g *inflight) add(ts, dur int64, flags uint8, rowHeld bool) {
	g.requests++
	if flags&flagConc429 != 0 {
		g.c429[floorDiv(ts, secMicros)]++
	}
	if dur < 0 {
		return
	}
	g.withDur++
	if dur == 0 {
		return
	}
	dur = min(dur, maxDurMicros)
	g.maxDur = max(g.maxDur, dur)
	end := ts + dur
	s, e := floorDiv(ts, secMicros), floorDiv(end, secMicros)
	cs := g.cell(s)
	if ts == s*secMicros {
		cs.bnd++
	} else {
		cs.inner++
		g.inner = true
	}
	if e != s {
		cs.net++
		ce := g.cell(e)
		ce.net--
		if end == e*secMicros {
			ce.bnd--
		}
		if ce.net == -cellMax || ce.bnd == -cellMax {
			g.carry(e, ce)
		}
	} // else the interval starts and ends inside s (not at its first instant: dur > 0): net unchanged
	if cs.net == cellMax || cs.bnd == cellMax || cs.inner == cellMax {
		g.carry(s, cs)
	}
	if !g.any {
		g.any, g.minS, g.maxS = true, s, e
	}
	g.minS, g.maxS = min(g.minS, s), max(g.maxS, e)
	if !rowHeld {
		g.ivs.add(ts, uint32(dur))
	}
}

// cell returns second s's counts, making its page (or, past maxSecPages, its cell) when new.
func (g *inflight) cell(s int64) *secCell {
	key := s >> secPageBits
	if g.last != nil && key == g.lastKey {
		return &g.last[s&(secPageLen-1)]
	}
	p := g.pages[key]
	if p == nil {
		if len(g.pages) >= maxSecPages {
			c := g.spill[s]
			if c == nil {
				c = &secCell{}
				g.spill[s] = c
			}
			return c
		}
		p = &slabSlice[secPage](&g.slab, 1)[:1][0]
		g.pages[key] = p
	}
	g.lastKey, g.last = key, p
	return &p[s&(secPageLen-1)]
}

// carry moves second s's cell c into its wide entry, leaving c zero.
func (g *inflight) carry(s int64, c *secCell) {
	g.addWide(s, c.sum())
	*c = secCell{}
}

// addWide adds t to second s's wide entry, making it when new.
func (g *inflight) addWide(s int64, t secSum) {
	if w := g.wide[s]; w != nil {
		w.add(t)
		return
	}
	g.wide[s] = &t
}

// sum is c in 64 bits.
func (c secCell) sum() secSum { return secSum{int64(c.net), int64(c.bnd), int64(c.inner)} }

func (w *secSum) add(o secSum) { w.net, w.bnd, w.inner = w.net+o.net, w.bnd+o.bnd, w.inner+o.inner }

// addSum adds o to second s's counts: into its cell when each count stays under cellMax, else
// into its wide entry.
func (g *inflight) addSum(s int64, o secSum) {
	c := g.cell(s)
	t := c.sum()
	t.add(o)
	m := int64(cellMax)
	if -m < t.net && t.net < m && -m < t.bnd && t.bnd < m && -m < t.inner && t.inner < m {
		*c = secCell{int16(t.net), int16(t.bnd), int16(t.inner)}
		return
	}
	*c = secCell{}
	g.addWide(s, t)
}

// eachSecond calls fn, in time order, for every second from the first to the last with an event
// that has a request in flight or starting, with the requests in flight at its first instant (open)
// and the intervals starting inside it. The seconds between those with counts (pages not made,
// seconds not spilled) have no event: while requests are in flight there (at most maxDurMicros
// long), each is visited with the open count of the one before.
func (g *inflight) eachSecond(fn func(s int64, open, inner int64)) { g.eachSecondTo(math.MaxInt64, fn) }

// eachSecondTo is eachSecond up to second last.
func (g *inflight) eachSecondTo(last int64, fn func(s int64, open, inner int64)) {
	if !g.any {
		return
	}
	// The seconds with counts, in order: every page's, and the others (spilled, or carried out of
	// a cell: wide), each counted once with its parts added.
	keys := make([]int64, 0, len(g.pages))
	for k := range g.pages {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	others := make([]int64, 0, len(g.spill)+len(g.wide))
	for s := range g.spill {
		others = append(others, s)
	}
	for s := range g.wide {
		if _, ok := g.spill[s]; !ok && g.pages[s>>secPageBits] == nil {
			others = append(others, s)
		}
	}
	slices.Sort(others)
	other := func(s int64) secSum {
		var t secSum
		if c := g.spill[s]; c != nil {
			t = c.sum()
		}
		if w := g.wide[s]; w != nil {
			t.add(*w)
		}
		return t
	}
	var run int64 // Σ net of the seconds before
	next := int64(0)
	done := false
	visit := func(s int64, c secSum) {
		if s > last {
			if run != 0 {
				for k := next; k <= last; k++ {
					fn(k, run, 0)
				}
			}
			done = true
			return
		}
		if run != 0 {
			for k := next; k < s; k++ {
				fn(k, run, 0)
			}
		}
		next = s + 1
		open := run + c.bnd
		if open != 0 || c.inner != 0 {
			fn(s, open, c.inner)
		}
		run += c.net
	}
	j := 0
	for _, k := range keys {
		p := g.pages[k]
		base := k << secPageBits
		for ; j < len(others) && others[j] < base && !done; j++ {
			visit(others[j], other(others[j]))
		}
		for i := 0; i < len(p) && !done; i++ {
			c := p[i].sum()
			if len(g.wide) > 0 {
				if w := g.wide[base+int64(i)]; w != nil {
					c.add(*w)
				}
			}
			visit(base+int64(i), c)
		}
		if done {
			return
		}
	}
	for ; j < len(others) && !done; j++ {
		visit(others[j], other(others[j]))
	}
}

// secMax is the most requests in flight at an instant of a second, and the first such instant.
type secMax struct {
	n  int64
	at int64 // Unix microseconds
}

// exactMax returns, for each second of want, the most requests in flight at any instant of it,
// given each second's open count: a pass over the intervals (ivs, and the source's rows: held)
// collects the starts and ends strictly inside those seconds, which are then swept in time order
// (an end before a start at the same instant: [start, end) intervals that meet do not overlap).
func (g *inflight) exactMax(want map[int64]int64) (map[int64]secMax, error) {
	type event struct {
		t int64
		d int8 // -1 an end, +1 a start: ends sort first
	}
	if len(want) == 0 {
		return map[int64]secMax{}, nil
	}
	evs := make(map[int64][]event, len(want))
	collect := func(ts int64, dur uint32) {
		end := ts + int64(dur)
		if s := floorDiv(ts, secMicros); ts != s*secMicros {
			if _, ok := want[s]; ok {
				evs[s] = append(evs[s], event{ts, 1})
			}
		}
		if e := floorDiv(end, secMicros); end != e*secMicros {
			if _, ok := want[e]; ok {
				evs[e] = append(evs[e], event{end, -1})
			}
		}
	}
	if err := g.ivs.each(collect); err != nil {
		return nil, err
	}
	if g.held != nil {
		if err := g.held(collect); err != nil {
			return nil, err
		}
	}
	out := make(map[int64]secMax, len(want))
	for s, open := range want {
		list := evs[s]
		slices.SortFunc(list, func(a, b event) int {
			if a.t != b.t {
				if a.t < b.t {
					return -1
				}
				return 1
			}
			return int(a.d) - int(b.d)
		})
		best, cur := secMax{open, s * secMicros}, open
		for _, e := range list {
			cur += int64(e.d)
			if cur > best.n {
				best = secMax{cur, e.t}
			}
		}
		out[s] = best
	}
	return out, nil
}

// close lets the held intervals go.
func (g *inflight) close() { g.ivs.close() }

// ivStore holds intervals (start, duration) in chunks, past maxHeldIntervals in a spill file
// (unlinked at once where the system allows), so that memory stays bounded on any input.
type ivStore struct {
	chunks []ivChunkCols
	cur    ivChunkCols
	f      *os.File
	spilt  int
	buf    []byte
	more   []*ivStore // stores absorbed with their spill files (absorb)
	// budget counts the intervals held in memory against maxHeldIntervals: shared, when set, by the
	// stores of a run's workers (a live source's shards); else the store's own count.
	budget *atomic.Int64
	shared atomic.Int64
	slab   slab // where the chunks come from (see huge.go)
}

// ivChunkCols is a chunk of intervals, in two columns (12 bytes an interval).
type ivChunkCols struct {
	ts  []int64
	dur []uint32
}

const ivChunk = 1 << 16

// maxHeldIntervals bounds the intervals held in memory (12 bytes each: 96 MiB).
var maxHeldIntervals = 8 << 20

func (s *ivStore) add(ts int64, dur uint32) {
	if s.cur.ts == nil {
		s.cur = ivChunkCols{ts: slabSlice[int64](&s.slab, ivChunk), dur: slabSlice[uint32](&s.slab, ivChunk)}
	}
	s.cur.ts, s.cur.dur = append(s.cur.ts, ts), append(s.cur.dur, dur)
	if len(s.cur.ts) == ivChunk {
		s.flush()
	}
}

// flush moves the current chunk to the held ones, or to the spill file past maxHeldIntervals (an
// error writing it is kept and given by each).
func (s *ivStore) flush() {
	n := len(s.cur.ts)
	if n == 0 {
		return
	}
	if s.reserve(n) || s.f == nil && s.openSpill() != nil {
		s.chunks = append(s.chunks, s.cur)
		s.cur = ivChunkCols{}
		return
	}
	s.buf = s.buf[:0]
	for i, ts := range s.cur.ts {
		s.buf = binary.LittleEndian.AppendUint64(s.buf, uint64(ts))
		s.buf = binary.LittleEndian.AppendUint32(s.buf, s.cur.dur[i])
	}
	if _, err := s.f.Write(s.buf); err != nil {
		// Keep them in memory rather than lose them.
		s.chunks = append(s.chunks, s.cur)
		s.cur = ivChunkCols{}
		return
	}
	s.spilt += n
	s.cur.ts, s.cur.dur = s.cur.ts[:0], s.cur.dur[:0]
}

// reserve counts n more intervals held in memory, unless that would pass maxHeldIntervals.
func (s *ivStore) reserve(n int) bool {
	b := s.budget
	if b == nil {
		b = &s.shared
	}
	if b.Add(int64(n)) <= int64(maxHeldIntervals) {
		return true
	}
	b.Add(-int64(n))
	return false
}

// absorb takes o's intervals (o's chunks, and o itself when it spilled to a file); o is not used after.
func (s *ivStore) absorb(o *ivStore) {
	s.chunks = append(s.chunks, o.chunks...)
	if len(o.cur.ts) > 0 {
		s.chunks = append(s.chunks, o.cur)
	}
	s.more = append(s.more, o.more...)
	if o.f != nil {
		o.chunks, o.cur, o.more = nil, ivChunkCols{}, nil
		s.more = append(s.more, o)
	}
}

func (s *ivStore) openSpill() error {
	f, err := os.CreateTemp("", "ratecard-intervals-*")
	if err != nil {
		return err
	}
	if os.Remove(f.Name()) != nil {
		f.Close()
		return errors.New("cannot unlink the spill file")
	}
	s.f = f
	return nil
}

// each calls fn for every interval held (in no particular order).
func (s *ivStore) each(fn func(ts int64, dur uint32)) error {
	for _, o := range s.more {
		if err := o.each(fn); err != nil {
			return err
		}
	}
	for _, c := range append(s.chunks, s.cur) {
		for i, ts := range c.ts {
			fn(ts, c.dur[i])
		}
	}
	if s.f == nil || s.spilt == 0 {
		return nil
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read back held intervals: %w", err)
	}
	buf := make([]byte, 12*ivChunk)
	for left := s.spilt; left > 0; {
		n := min(left, ivChunk)
		if _, err := io.ReadFull(s.f, buf[:12*n]); err != nil {
			return fmt.Errorf("read back held intervals: %w", err)
		}
		for i := range n {
			b := buf[12*i:]
			fn(int64(binary.LittleEndian.Uint64(b)), binary.LittleEndian.Uint32(b[8:]))
		}
		left -= n
	}
	if _, err := s.f.Seek(0, io.SeekEnd); err != nil {
		return fmt.Errorf("held intervals: %w", err)
	}
	return nil
}

func (s *ivStore) close() {
	for _, o := range s.more {
		o.close()
	}
	s.chunks, s.cur, s.more = nil, ivChunkCols{}, nil
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
}

// addRequest counts a request from source src (0: an access log; a System Log request carries no
// duration and is not every request, so it is not counted), and holds it once more, per client,
// when it went to a client-limited endpoint. rowHeld: the source holds the request as a row, with
// its interval (see inflight.held).
func (g *inflight) addRequest(src uint8, ts, dur int64, flags uint8, client uint64, agent uint32, rowHeld bool) {
	if src != 0 {
		return
	}
	g.add(ts, dur, flags, rowHeld)
	if flags&flagEndpoint != 0 {
		g.addClient(client, agent, ts, dur)
	}
}

// merge adds o's counts, intervals and client-limited requests to g's; o is not used after.
func (g *inflight) merge(o *inflight) {
	g.requests += o.requests
	g.withDur += o.withDur
	for key, p := range o.pages {
		if _, ok := g.pages[key]; !ok && len(g.pages) < maxSecPages {
			g.pages[key] = p
			continue
		}
		for i := range p {
			if c := p[i]; c != (secCell{}) {
				g.addSum(key<<secPageBits|int64(i), c.sum())
			}
		}
	}
	for s, c := range o.spill {
		g.addSum(s, c.sum())
	}
	for s, w := range o.wide {
		g.addWide(s, *w)
	}
	g.last = nil // the cache may name a page merged into: look it up again
	if o.any {
		if !g.any {
			g.any, g.minS, g.maxS = true, o.minS, o.maxS
		}
		g.minS, g.maxS = min(g.minS, o.minS), max(g.maxS, o.maxS)
	}
	g.inner = g.inner || o.inner
	g.maxDur = max(g.maxDur, o.maxDur)
	g.ivs.absorb(&o.ivs)
	for s, n := range o.c429 {
		g.c429[s] += n
	}
	g.clients = append(g.clients, o.clients...)
}

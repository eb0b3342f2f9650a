package analyze

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// bruteInterval is a request's [start, end) for the brute-force oracle.
type bruteInterval struct{ s, e int64 }

// bruteSecondMax is the most intervals holding an instant of second sec, by brute force: the count
// can only rise at a start, so the instants to try are the second's first and every start in it.
func bruteSecondMax(ivs []bruteInterval, sec int64) (int64, int64) {
	lo, hi := sec*secMicros, (sec+1)*secMicros
	at := func(t int64) int64 {
		n := int64(0)
		for _, iv := range ivs {
			if iv.s <= t && t < iv.e {
				n++
			}
		}
		return n
	}
	best, bestAt := at(lo), lo
	for _, iv := range ivs {
		if iv.s > lo && iv.s < hi {
			if n := at(iv.s); n > best || n == best && iv.s < bestAt {
				best, bestAt = n, iv.s
			}
		}
	}
	return best, bestAt
}

// TestConcurrencyBruteForce: the per-second counts and the exact sweep inside the seconds they
// leave open give what a brute-force count over every instant gives: the peak and its instant, the
// seconds over every tier's limit, the chart's series, and the in-flight count at each 429. Random
// intervals of whole and partial seconds, meeting at equal instants, zero and long durations, with
// the held intervals spilled to a file and the seconds past the page bound counted one by one in
// some rounds; in others the 16-bit cells carry at a few counts (and no count is left at or past
// the bound), the requests come in time order as in a log, or densely with those that start
// inside a second ending in it; they are counted in up to four shards merged at the end, as a
// run's workers do.
func TestConcurrencyBruteForce(t *testing.T) {
	cat := classify.Seed()
	defer func(h, p int, c int16) { maxHeldIntervals, maxSecPages, cellMax = h, p, c }(maxHeldIntervals, maxSecPages, cellMax)
	for round := range 48 {
		rng := rand.New(rand.NewPCG(uint64(round), 20))
		maxHeldIntervals, maxSecPages, cellMax = 8<<20, 1<<13, math.MaxInt16
		if round%3 == 1 {
			maxHeldIntervals = ivChunk // most intervals go to the spill file
		}
		if round%4 == 2 {
			maxSecPages = 1 // most seconds are counted one by one
		}
		if round%2 == 1 {
			cellMax = int16(2 + round%5) // carried into the wide counts all the time
		}
		shards := make([]*inflight, 1+round%4)
		for i := range shards {
			shards[i] = newInflight()
		}
		var ivs []bruteInterval
		base := int64(1_791_964_800+rng.IntN(5000)) * secMicros
		n := 200 + rng.IntN(2500)
		span := int64(30 + rng.IntN(3000)) // seconds: from dense to sparse
		whole := round%5 == 0              // a log of whole seconds only
		// A dense log whose requests starting inside a second end in it: only their own second's
		// inner count (and the shard's inner flag) says that they were there.
		short := round%8 == 5
		if short {
			span = int64(5 + rng.IntN(20))
		}
		conc := map[int64]int64{}
		type add struct {
			g     *inflight
			s, d  int64
			flags uint8
		}
		var adds []add
		for range n {
			s := base + rng.Int64N(span)*secMicros
			if !whole && rng.IntN(3) != 0 {
				s += rng.Int64N(4) * 250_000 // quarters: many equal instants
			}
			var d int64
			switch rng.IntN(6) {
			case 0:
				d = 0
			case 1:
				d = rng.Int64N(5) * secMicros // ends exactly on a second
			case 2:
				d = rng.Int64N(120) * secMicros
			default:
				d = rng.Int64N(8) * 250_000
			}
			if short && s%secMicros != 0 {
				d = min(d, secMicros-s%secMicros-1)
			}
			flags := uint8(0)
			if rng.IntN(40) == 0 {
				flags = flagConc429
				conc[floorDiv(s, secMicros)]++
			}
			g := shards[rng.IntN(len(shards))]
			if rng.IntN(7) == 0 {
				d = -1 // no duration
			}
			adds = append(adds, add{g, s, d, flags})
			if d > 0 {
				ivs = append(ivs, bruteInterval{s, s + d})
			}
		}
		if round%3 != 0 { // in time order, as a log is
			slices.SortStableFunc(adds, func(a, b add) int { return cmp.Compare(a.s, b.s) })
		}
		inner := map[*inflight]bool{} // by shard: some interval starts inside a second
		for _, a := range adds {
			a.g.add(a.s, a.d, a.flags, false)
			inner[a.g] = inner[a.g] || a.d > 0 && a.s%secMicros != 0
		}
		for _, sh := range shards {
			if sh.inner != inner[sh] {
				t.Fatalf("round %d: a shard's inner is %v, want %v", round, sh.inner, inner[sh])
			}
			checkCarried(t, round, sh)
		}
		g := shards[0]
		for _, o := range shards[1:] {
			g.merge(o)
		}
		tier := classify.Tier(round % classify.NumTiers)
		f, err := figureConcurrency(g, cat, tier, &report.Input{})
		if err != nil {
			t.Fatal(err)
		}
		res := f.res
		// Brute force over every second.
		first, last := base/secMicros, base/secMicros+span+130
		var peak, peakAt int64
		over := map[int]int64{}
		exact := map[int64]int64{}
		for sec := first; sec <= last; sec++ {
			m, at := bruteSecondMax(ivs, sec)
			exact[sec] = m
			if m > peak {
				peak, peakAt = m, at
			}
			for _, l := range []int{15, 35, 75} { // every limit of the seed catalog's tiers, either edition
				if m > int64(l) {
					over[l]++
				}
			}
		}
		if int64(res.Peak) != peak || peak > 0 && res.At.UnixMicro() != peakAt {
			t.Fatalf("round %d: peak %d at %s, brute force %d at %s", round, res.Peak, res.At, peak, time.UnixMicro(peakAt).UTC())
		}
		for _, tr := range res.Tiers {
			if tr.SecondsOver != over[tr.Limit] || tr.Current > 0 && tr.SecondsOverCurrent != over[tr.Current] {
				t.Fatalf("round %d: %s over %d / %d, brute force %d / %d", round, tr.Tier, tr.SecondsOver, tr.SecondsOverCurrent, over[tr.Limit], over[tr.Current])
			}
		}
		from := res.SeriesFrom.Unix()
		for i, v := range res.Series {
			if int64(v) != exact[from+int64(i)] {
				t.Fatalf("round %d: series at %s: %d, brute force %d", round, time.Unix(from+int64(i), 0).UTC(), v, exact[from+int64(i)])
			}
		}
		if peak > 0 && (len(res.Series) == 0 || res.Series[res.At.Unix()-from] != int(peak)) {
			t.Fatalf("round %d: the series misses the peak", round)
		}
		for _, b := range res.Busiest {
			if int64(b.Max) != exact[b.Second.Unix()] {
				t.Fatalf("round %d: busy second %s: %d, brute force %d", round, b.Second, b.Max, exact[b.Second.Unix()])
			}
			// InFlight: the intervals that meet the second.
			lo, hi := b.Second.UnixMicro(), b.Second.UnixMicro()+secMicros
			var meet int64
			for _, iv := range ivs {
				if iv.s < hi && iv.e > lo {
					meet++
				}
			}
			if b.InFlight != meet {
				t.Fatalf("round %d: busy second %s: %d in flight during it, brute force %d", round, b.Second, b.InFlight, meet)
			}
		}
		var total int64
		for _, m := range res.Throttled.Moments {
			total += m.Count
			if m.Count != conc[m.Second.Unix()] || int64(m.InFlight) != exact[m.Second.Unix()] {
				t.Fatalf("round %d: 429s at %s: %d with %d in flight, brute force %d with %d", round, m.Second, m.Count, m.InFlight,
					conc[m.Second.Unix()], exact[m.Second.Unix()])
			}
		}
		var want int64
		for _, c := range conc {
			want += c
		}
		if res.Throttled.Count != want {
			t.Fatalf("round %d: %d concurrency 429s, want %d", round, res.Throttled.Count, want)
		}
		g.close()
	}
}

// checkCarried fails unless every count of g's cells is below cellMax in magnitude: each one that
// met it was carried into the wide counts.
func checkCarried(t *testing.T, round int, g *inflight) {
	t.Helper()
	check := func(c secCell) {
		if max(c.net, -c.net, c.bnd, -c.bnd, c.inner, -c.inner) >= cellMax {
			t.Fatalf("round %d: a cell %+v was not carried at %d", round, c, cellMax)
		}
	}
	for _, p := range g.pages {
		for _, c := range p {
			check(c)
		}
	}
	for _, c := range g.spill {
		check(*c)
	}
}

// TestClientFiguresBruteForce: a client's busiest 60 s span and most requests at once, against a
// brute-force count over every instant.
func TestClientFiguresBruteForce(t *testing.T) {
	for round := range 200 {
		rng := rand.New(rand.NewPCG(uint64(round), 21))
		n := 1 + rng.IntN(120)
		var rows []clientRow
		for range n {
			ts := int64(rng.IntN(180)) * 500_000
			d := int64(-1)
			if rng.IntN(4) != 0 {
				d = rng.Int64N(6) * 1_000_000
			}
			rows = append(rows, newClientRow(7, 3, ts, d))
		}
		sortRows := func() {
			for i := range rows {
				for j := i + 1; j < len(rows); j++ {
					if rows[j].ts < rows[i].ts {
						rows[i], rows[j] = rows[j], rows[i]
					}
				}
			}
		}
		sortRows()
		var scratch []clientEvent
		st := clientFigures(rows, &scratch)
		var minute, minuteAt, conc, concAt int64
		minuteAt, concAt = -1, -1
		for _, r := range rows {
			var m, c int64
			for _, o := range rows {
				if o.ts >= r.ts && o.ts < r.ts+minuteMicros {
					m++
				}
				if o.dur() > 0 && o.ts <= r.ts && r.ts < o.ts+o.dur() {
					c++
				}
			}
			if m > minute || m == minute && r.ts < minuteAt {
				minute, minuteAt = m, r.ts
			}
			if c > conc || c == conc && c > 0 && r.ts < concAt {
				conc, concAt = c, r.ts
			}
		}
		if st.minute != minute || st.minuteAt != minuteAt || st.concurrent != conc || conc > 0 && st.concurrentAt != concAt {
			t.Fatalf("round %d: minute %d at %d, %d at once at %d; brute force %d at %d, %d at %d", round, st.minute, st.minuteAt,
				st.concurrent, st.concurrentAt, minute, minuteAt, conc, concAt)
		}
	}
}

// TestGroupClients: the radix grouping (and the comparison sort it falls back to for ids that do
// not pack) gives every client key's rows together in time order, keys in increasing order.
func TestGroupClients(t *testing.T) {
	for round := range 30 {
		rng := rand.New(rand.NewPCG(uint64(round), 22))
		var chunks [][]clientRow
		var all []clientRow
		for range 1 + rng.IntN(3) {
			var c []clientRow
			for range rng.IntN(3000) {
				client := ipv4Flag | uint64(rng.IntN(40))
				if rng.IntN(3) == 0 {
					client = uint64(rng.IntN(5))
				}
				if round%5 == 4 && rng.IntN(50) == 0 {
					client = 1 << 40 // does not pack
				}
				r := newClientRow(client, uint32(rng.IntN(4)), int64(rng.IntN(500)), int64(rng.IntN(9))-1)
				c = append(c, r)
				all = append(all, r)
			}
			chunks = append(chunks, c)
		}
		got := groupClientsPart(chunks, 1, 0)
		if len(got) != len(all) {
			t.Fatalf("round %d: %d rows, want %d", round, len(got), len(all))
		}
		for i := 1; i < len(got); i++ {
			a, b := got[i-1], got[i]
			if a.client > b.client || a.client == b.client && (a.agent > b.agent || a.agent == b.agent && a.ts > b.ts) {
				t.Fatalf("round %d: row %d %+v after %+v", round, i, b, a)
			}
		}
		count := map[clientRow]int{}
		for _, r := range all {
			count[r]++
		}
		for _, r := range got {
			count[r]--
		}
		for r, n := range count {
			if n != 0 {
				t.Fatalf("round %d: row %+v %d times too few", round, r, n)
			}
		}
	}
}

// TestClientStatsInParts: grouping the client-limited requests in parts of whole client keys, one
// part at a time, gives the figures grouping them all at once gives.
func TestClientStatsInParts(t *testing.T) {
	defer func(n int) { clientPartRows = n }(clientPartRows)
	for round := range 10 {
		rng := rand.New(rand.NewPCG(uint64(round), 5))
		g := newInflight()
		for range 20_000 {
			client := ipv4Flag | uint64(rng.IntN(300))
			if rng.IntN(4) == 0 {
				client = uint64(2 + rng.IntN(50))
			}
			dur := int64(-1)
			if rng.IntN(3) > 0 {
				dur = rng.Int64N(5 * secMicros)
			}
			ts := rng.Int64N(30 * minuteMicros)
			if rng.IntN(5) == 0 { // a few heavy callers, over the limits
				client, ts = ipv4Flag|uint64(1000+rng.IntN(6)), rng.Int64N(3*minuteMicros)
			}
			g.addClient(client, uint32(rng.IntN(3)), ts, dur)
		}
		clientPartRows = 1 << 30
		whole, wholeOver := clientStats(g)
		clientPartRows = 500 + rng.IntN(3000)
		if parts := clientParts(g.clientCount()); parts < 2 {
			t.Fatalf("round %d: %d parts", round, parts)
		}
		inParts, partsOver := clientStats(g)
		if !reflect.DeepEqual(whole, inParts) || !reflect.DeepEqual(wholeOver, partsOver) {
			t.Fatalf("round %d: in parts %+v (%d over), whole %+v (%d over)", round, inParts, len(partsOver), whole, len(wholeOver))
		}
		if whole.Clients < 300 || len(wholeOver) == 0 {
			t.Fatalf("round %d: %d clients, %d over: the test does not exercise the figures", round, whole.Clients, len(wholeOver))
		}
	}
}

// TestBusyGoMatchesSQL: busyGo, over the rows a live load picks, gives what busy.sql gives over a
// store of the same rows, for many seconds: the same count, the same top endpoints
// and callers in the same order, with names that tie, repeat, are empty or missing, host-name and
// IPv4 clients, durations of zero and across seconds, and classes outside the buckets.
func TestBusyGoMatchesSQL(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	const base = int64(1_790_000_000) * secMicros
	r := &rowBatch{class: [][]uint8{nil}}
	for range 6000 {
		ts := base + rng.Int64N(300*secMicros)
		if rng.IntN(3) == 0 {
			ts -= ts % secMicros // whole seconds, as most logs have
		}
		cl := uint8(rng.IntN(4))
		if rng.IntN(20) == 0 {
			cl = uint8(classify.PublicMetadata + classify.Class(rng.IntN(2)))
		}
		client := uint64(rng.IntN(6))
		if rng.IntN(2) == 0 {
			client = ipv4Flag | uint64(rng.IntN(4))
		}
		dur := []int64{-1, 0, 1, 250_000, secMicros, 3 * secMicros}[rng.IntN(6)]
		r.ts, r.class[0] = append(r.ts, ts), append(r.class[0], cl)
		r.status, r.rl, r.src, r.flags = append(r.status, 200), append(r.rl, 0), append(r.src, 0), append(r.flags, 0)
		r.client, r.agent, r.principal = append(r.client, client), append(r.agent, uint32(rng.IntN(6))), append(r.principal, 0)
		r.path, r.dur = append(r.path, uint32(rng.IntN(7))), append(r.dur, dur)
	}
	nm := names{
		clients: []string{"", "b.example", "a.example", "a.example", "c.example"}, // id 5 has no name
		agents:  []string{"", "okta-sdk", "curl/8", "okta-sdk", "Mozilla/5.0"},    // id 5 has no name
		paths:   []string{"", "/api/v1/users", "/api/v1/users", "/oauth2/v1/token", "/x", "/y"},
	}
	// busy.sql over a store of the rows, which holds them all.
	cat := classify.Seed()
	st := newTestStoreNamed(t, []*classify.Catalog{cat}, cat, r, &nm)
	d, err := st.database()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sql := busyDuckDB(d)
	var want []busyRows
	for s := int64(-2); s < 302; s++ {
		lo := base + s*secMicros
		w, err := sql(ctx, lo, lo+secMicros)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, w)
	}
	// busyGo over the rows a live load picks when every minute is needed.
	l := newTestLive(t, false)
	mustAdd(t, l, r)
	if err := l.setNames(nm); err != nil {
		t.Fatal(err)
	}
	need := newMinuteSet(floorDiv(base, minuteMicros)-1, floorDiv(base, minuteMicros)+6)
	for m := need.base; m < need.base+need.span; m++ {
		for cl := range uint8(classify.MethodUnknown) {
			need.addNew(cl, m)
		}
	}
	l.rollFrom(startList{}, base, base+300*secMicros)
	if err := l.load(ctx, need); err != nil {
		t.Fatal(err)
	}
	if len(l.picked) == 0 {
		t.Fatal("the load picked no rows")
	}
	callers := 0
	for s := int64(-2); s < 302; s++ {
		lo := base + s*secMicros
		got, _ := l.busiest(ctx, lo, lo+secMicros)
		if w := want[s+2]; !reflect.DeepEqual(got, w) {
			t.Fatalf("second %d:\nGo  %+v\nSQL %+v", s, got, w)
		}
		callers += len(got.callers)
	}
	if callers == 0 {
		t.Error("no second had callers: the comparison compared nothing")
	}
}

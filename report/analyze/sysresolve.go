package analyze

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

// What identifies a request and an event of the Okta System Log, across every file of a run:
//
//   - events with the same uuid (ingest.Record.EventID) are one event, delivered or exported more
//     than once;
//   - events with the same request id (ingest.Record.RequestID: debugData.requestId, else a WEB
//     transaction.id) and the same request URI are one request;
//   - and so, transitively, are events linked by either.
//
// A request counts once, as its canonical event: the earliest published, ties broken by the uuid
// (its 128 bits; a hash of it when it is not a UUID), then the file's path, then the line. Its method is the one every event of the
// request allows (the intersection of their ingest.Record.Methods; if that is empty, the canonical
// event's). Every other event of it is a skipped line of its own file: duplicate-event when an
// event before it (in the same order) has its uuid, else duplicate-request. The outcome depends on
// neither the order of the files nor that of the parts' parsing.

// A held event's fate once resolved (resolveSys): counted, or a duplicate of either kind.
const (
	sysCounted = iota
	sysDupRequest
	sysDupEvent
)

// resolveSys counts the held System Log requests s of the run's parts: each request once, through
// dst (classified under the methods it may have been made with, in the first ncat catalogs of s),
// and, when other is not nil, in other (in s's last catalog, the other built-in one), applying the
// window (Options.From/To, Options.Dedupe). It updates each part's accounting and skipped-line
// examples, and returns, per catalog of dst, the method-unknown requests by candidate classes and
// path. The requests are counted on up to workers goroutines (emitSys).
func resolveSys(s *sysRows, ncat int, parts []*part, win window, dst sink, other *otherCounts, workers int) ([]map[unknownKey]int64, error) {
	unknown := make([]map[unknownKey]int64, ncat)
	for k := range unknown {
		unknown[k] = map[unknownKey]int64{}
	}
	n := s.len()
	if n == 0 {
		return unknown, nil
	}
	trace("System Log events held")
	defer trace("System Log requests resolved")
	rank := func(i int32) int32 { return parts[s.part[i]].rank }
	// The canonical order of the events of one request.
	before := func(a, b int32) int {
		return cmp.Or(cmp.Compare(s.ts[a], s.ts[b]), cmpHash(s.uuid[a], s.uuid[b]), cmp.Compare(rank(a), rank(b)), cmp.Compare(s.line[a], s.line[b]))
	}
	// byUUID orders a request's events by uuid, then canonically: the events of a uuid after its
	// first are repeats of it.
	byUUID := func(a, b int32) int { return cmp.Or(cmpHash(s.uuid[a], s.uuid[b]), before(a, b)) }
	order, starts := groupEvents(s, workers)
	fate := makeHuge[uint8](n, n)
	ng := len(starts) - 1
	canon, sets := make([]int32, ng), make([]ingest.MethodSet, ng)
	// pick finds the canonical event and the method set of groups lo to hi, and the fate of their
	// other events. Groups are independent: they are picked in runs on up to workers goroutines.
	pick := func(lo, hi int) {
		for gi := lo; gi < hi; gi++ {
			g := order[starts[gi]:starts[gi+1]]
			c := g[0]
			set := ^ingest.MethodSet(0)
			for _, i := range g {
				if before(i, c) < 0 {
					c = i
				}
				set &= s.methods[i]
			}
			if set == 0 {
				set = s.methods[c] // the events disagree: the canonical one says
			}
			if len(g) > 1 {
				slices.SortFunc(g, byUUID)
				for j, i := range g {
					switch {
					case i == c:
					case j > 0 && s.uuid[i] != (hash128{}) && s.uuid[g[j-1]] == s.uuid[i]:
						fate[i] = sysDupEvent
					default:
						fate[i] = sysDupRequest
					}
				}
			}
			canon[gi], sets[gi] = c, set
		}
	}
	inShares(min(workers, ng/emitShardMin), ng, func(_, lo, hi int) { pick(lo, hi) })
	if err := emitSys(s, parts, canon, sets, win, dst, unknown, other, workers); err != nil {
		return nil, err
	}
	countDups(s, parts, fate, order, starts, canon, win.examples)
	return unknown, nil
}

// groupEvents groups the held events by request: events with the same request key or the same uuid
// are one request, transitively. It returns the events grouped (order[starts[g]:starts[g+1]] are
// group g's, in held order), the same whatever workers is: the goroutines the hashes are
// grouped on (equalNeighbours).
func groupEvents(s *sysRows, workers int) (order, starts []int32) {
	n := s.len()
	parent := makeHuge[int32](n, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	// Link the events of equal hashes (equalNeighbours), each hash on half the workers, then join
	// the links here, in any order: each group's root is its lowest index.
	hashes := [][]hash128{s.key, s.uuid}
	links := make([][][][2]int32, len(hashes))
	var wg sync.WaitGroup
	for k, h := range hashes {
		wg.Go(func() { links[k] = equalNeighbours(h, max(1, workers/len(hashes))) })
	}
	wg.Wait()
	for _, ls := range links {
		for _, l := range ls {
			for _, ab := range l {
				ra, rb := find(ab[0]), find(ab[1])
				parent[max(ra, rb)] = min(ra, rb)
			}
		}
	}
	links = nil
	// Counting sort by root: each root is its group's lowest index.
	count := makeHuge[int32](n+1, n+1)
	for i := range parent {
		parent[i] = find(int32(i))
		count[parent[i]+1]++
	}
	for i := 1; i <= n; i++ {
		count[i] += count[i-1]
	}
	starts = make([]int32, 0, n+1)
	for r := range n {
		if parent[r] == int32(r) {
			starts = append(starts, count[r])
		}
	}
	starts = append(starts, int32(n))
	order = makeHuge[int32](n, n)
	for i, r := range parent {
		order[count[r]] = int32(i)
		count[r]++
	}
	return order, starts
}

// equalNeighbours returns pairs of indices of h whose (non-zero) hashes are equal, enough of them to
// link every index to the others of its hash: h's indices grouped by hash, each linked to the one
// before it. The pairs come in lists, made on up to workers goroutines.
//
// The events that have a hash are grouped by its first half (groupHi), and each run of equal first
// halves (the events of one request, or of one uuid, bar a 64-bit collision) is sorted by the
// whole hash and its equal neighbours linked. With more than one worker and many events, they are
// first cut into hiParts partitions by the top bits of a hash of the first half, in which the
// workers then do that each on its own: equal first halves fall in one partition. Counting and
// placing the events in their partitions runs on every worker too; what stays on one goroutine is
// collecting the events that have a hash, a few milliseconds a million.
func equalNeighbours(h []hash128, workers int) [][][2]int32 {
	pairs := makeHuge[hashIdx](0, len(h))
	for i := range h {
		if h[i] != (hash128{}) {
			pairs = append(pairs, hashIdx{h[i][0], int32(i)})
		}
	}
	if workers < 2 || len(pairs) < hiPartMin {
		groupHi(pairs, nil)
		return [][][2]int32{linkRuns(h, pairs, nil)}
	}
	// Count each worker's share of pairs by partition, place them (each worker its share, at the
	// offsets the counts give), then link partition after partition on every worker.
	// (A multiplier of its own: groupHi's buckets are the top bits of another product, which would
	// otherwise be nearly alike in a partition.)
	part := func(hi uint64) int { return int((hi * 0xbf58476d1ce4e5b9) >> (64 - hiPartBits)) }
	counts := make([][hiParts]int, workers)
	inShares(workers, len(pairs), func(w, lo, hi int) {
		for _, p := range pairs[lo:hi] {
			counts[w][part(p.hi)]++
		}
	})
	var start [hiParts + 1]int
	next := make([][hiParts]int, workers)
	for b := range hiParts {
		start[b+1] = start[b]
		for w := range workers {
			next[w][b] = start[b+1]
			start[b+1] += counts[w][b]
		}
	}
	placed := makeHuge[hashIdx](len(pairs), len(pairs))
	inShares(workers, len(pairs), func(w, lo, hi int) {
		at := &next[w]
		for _, p := range pairs[lo:hi] {
			b := part(p.hi)
			placed[at[b]] = p
			at[b]++
		}
	})
	out, tmps := make([][][2]int32, workers), make([][]hashIdx, workers)
	eachTask(workers, hiParts, func(w, b int) {
		run := placed[start[b]:start[b+1]]
		tmps[w] = groupHi(run, tmps[w])
		out[w] = linkRuns(h, run, out[w])
	})
	return out
}

// hiParts is how many partitions equalNeighbours cuts the events into for its workers (hiPartBits
// bits of a hash), and hiPartMin how many events it takes to cut them.
const (
	hiPartBits = 8
	hiParts    = 1 << hiPartBits
)

var hiPartMin = 1 << 16

// linkRuns appends to out, for each run of equal hi in pairs (grouped by groupHi), the pairs of its
// indices whose whole hashes in h are equal: the run sorted by the whole hash, each index linked to
// the one before it.
func linkRuns(h []hash128, pairs []hashIdx, out [][2]int32) [][2]int32 {
	for a := 0; a < len(pairs); {
		b := a + 1
		for b < len(pairs) && pairs[b].hi == pairs[a].hi {
			b++
		}
		run := pairs[a:b]
		if len(run) > 2 {
			slices.SortFunc(run, func(x, y hashIdx) int { return cmpHash(h[x.i], h[y.i]) })
		}
		for j := 1; j < len(run); j++ {
			if h[run[j].i] == h[run[j-1].i] {
				out = append(out, [2]int32{run[j-1].i, run[j].i})
			}
		}
		a = b
	}
	return out
}

// hashIdx is an event's hash, by its first half, and its index.
type hashIdx struct {
	hi uint64
	i  int32
}

// groupHi orders pairs so that those with equal hi are next to each other, through tmp (grown to
// len(pairs) and returned, for the next call): one pass puts them in buckets by a multiplicative hash
// of hi (about four pairs a bucket, whatever bits of hi vary: time-ordered uuids share their top
// bits), then each bucket is sorted by hi. On a million events several times faster than sorting
// them all.
func groupHi(pairs, tmp []hashIdx) []hashIdx {
	byHi := func(a, b hashIdx) int { return cmp.Compare(a.hi, b.hi) }
	n := len(pairs)
	if n < 1024 {
		slices.SortFunc(pairs, byHi)
		return tmp
	}
	if cap(tmp) < n {
		tmp = makeHuge[hashIdx](n, n)
	}
	tmp = tmp[:n]
	width := min(max(bits.Len(uint(n))-2, 8), 24)
	shift := 64 - width
	bucket := func(hi uint64) uint64 { return (hi * 0x9e3779b97f4a7c15) >> shift }
	start := make([]int, 1<<width+1)
	for _, p := range pairs {
		start[bucket(p.hi)+1]++
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	next := slices.Clone(start[:len(start)-1])
	for _, p := range pairs {
		b := bucket(p.hi)
		tmp[next[b]] = p
		next[b]++
	}
	for b := 0; b+1 < len(start); b++ {
		run := tmp[start[b]:start[b+1]]
		if len(run) > 12 {
			slices.SortFunc(run, byHi)
			continue
		}
		for x := 1; x < len(run); x++ { // insertion sort: a bucket holds a few pairs
			for y := x; y > 0 && run[y].hi < run[y-1].hi; y-- {
				run[y], run[y-1] = run[y-1], run[y]
			}
		}
	}
	copy(pairs, tmp)
	return tmp
}

func cmpHash(a, b hash128) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) }

// emitSys hands the canonical events' requests to dst, except those the window leaves out, counting
// those in their parts; it counts the method-unknown ones in unknown. The order of the rows does not
// change an analysis; with --dedupe they go in time order (then file and line), so that which of
// identical requests is kept is the same on every run. Without --dedupe, many requests and a sink
// that takes shards (a live source) are counted on up to workers goroutines, each into a shard of
// its own and counts of its own, merged at the end: the same figures, in a stage that otherwise runs
// on one goroutine after every file is read.
func emitSys(s *sysRows, parts []*part, canon []int32, sets []ingest.MethodSet, win window, dst sink, unknown []map[unknownKey]int64, other *otherCounts, workers int) error {
	idx := make([]int, len(canon))
	for i := range idx {
		idx[i] = i
	}
	if win.seen != nil { // the first of identical requests is kept: the same one on every run
		slices.SortFunc(idx, func(a, b int) int {
			ca, cb := canon[a], canon[b]
			return cmp.Or(cmp.Compare(s.ts[ca], s.ts[cb]), cmp.Compare(parts[s.part[ca]].rank, parts[s.part[cb]].rank), cmp.Compare(s.line[ca], s.line[cb]))
		})
	}
	sh, _ := dst.(sharder)
	w := min(workers, len(idx)/emitShardMin)
	if win.seen != nil || sh == nil || !useShards || w < 2 {
		st := newSysPartStats(len(parts))
		err := emitRows(s, idx, canon, sets, win, dst.add, unknown, other, st)
		st.apply(parts)
		return err
	}
	type emitter struct {
		shard   shard
		unknown []map[unknownKey]int64
		other   *otherCounts
		st      *sysPartStats
		err     error
	}
	es := make([]emitter, w)
	for g := range es {
		e := &es[g]
		e.shard, e.st = sh.newShard(), newSysPartStats(len(parts))
		e.unknown = make([]map[unknownKey]int64, len(unknown))
		for k := range e.unknown {
			e.unknown[k] = map[unknownKey]int64{}
		}
		if other != nil {
			e.other = newOtherCounts()
		}
	}
	inShares(w, len(idx), func(g, lo, hi int) {
		e := &es[g]
		e.err = emitRows(s, idx[lo:hi], canon, sets, win, e.shard.add, e.unknown, e.other, e.st)
	})
	shards := make([]shard, w)
	for g, e := range es {
		if e.err != nil {
			return e.err
		}
		shards[g] = e.shard
		for k, m := range e.unknown {
			for key, n := range m {
				unknown[k][key] += n
			}
		}
		if other != nil {
			other.merge(e.other)
		}
		e.st.apply(parts)
	}
	return sh.gather(shards)
}

// emitShardMin is the fewest requests a goroutine of the resolve takes, to pick canonical events
// (resolveSys) or to count them (emitSys); tests make it small.
var emitShardMin = 1 << 16

// emitRows is emitSys's count of the canonical events canon[i] for i in idx, into add (in batches),
// unknown, other and st.
func emitRows(s *sysRows, idx []int, canon []int32, sets []ingest.MethodSet, win window, add func(*rowBatch) error, unknown []map[unknownKey]int64, other *otherCounts, st *sysPartStats) error {
	rows := newRowBatch(len(unknown))
	var all, cands []classify.Class
	for _, x := range idx {
		c, set := canon[x], sets[x]
		pi := s.part[c]
		st.request(pi, s.ts[c])
		if s.ts[c] < win.from || s.ts[c] >= win.to {
			st.outside[pi]++
			continue
		}
		if win.seen != nil && !win.seen.addHash(s.seen[c]) {
			st.dups[pi]++
			continue
		}
		for k := range s.ncat {
			cls := s.classes(int(c), k)
			all = all[:0]
			for j := range numMethods {
				if set&(1<<j) != 0 {
					all = append(all, classify.Class(cls[j]))
				}
			}
			var cl classify.Class
			cl, cands = classify.Among(all, cands)
			if k == len(unknown) { // the other built-in catalog: counted for the comparison only
				other.add(s.ts[c], uint8(cl))
				continue
			}
			if cl == classify.MethodUnknown {
				unknown[k][unknownKey{cands: classBits(cands), path: s.path[c]}]++
			}
			rows.class[k] = append(rows.class[k], uint8(cl))
		}
		rows.ts, rows.status, rows.src, rows.rl = append(rows.ts, s.ts[c]), append(rows.status, s.status[c]), append(rows.src, 1), append(rows.rl, 0)
		rows.dur, rows.flags = append(rows.dur, -1), append(rows.flags, 0)
		rows.client, rows.agent = append(rows.client, s.client[c]), append(rows.agent, s.agent[c])
		rows.principal, rows.path = append(rows.principal, s.prin[c]), append(rows.path, s.path[c])
		if len(rows.ts) == batchRows {
			if err := add(&rows); err != nil {
				return err
			}
			rows.reset()
		}
	}
	if len(rows.ts) > 0 {
		return add(&rows)
	}
	return nil
}

// sysPartStats is what emitRows counts per part (by index): the first and last instant of the
// System Log requests counted (any: there is one), and the requests the window or --dedupe left out.
type sysPartStats struct {
	first, last   []int64
	any           []bool
	outside, dups []int64
}

func newSysPartStats(n int) *sysPartStats {
	return &sysPartStats{first: make([]int64, n), last: make([]int64, n), any: make([]bool, n), outside: make([]int64, n), dups: make([]int64, n)}
}

// request counts a System Log request of part pi at instant ts.
func (st *sysPartStats) request(pi int32, ts int64) {
	if !st.any[pi] {
		st.any[pi], st.first[pi], st.last[pi] = true, ts, ts
		return
	}
	st.first[pi], st.last[pi] = min(st.first[pi], ts), max(st.last[pi], ts)
}

// apply adds the counts to the parts.
func (st *sysPartStats) apply(parts []*part) {
	for i, p := range parts {
		if st.any[i] {
			p.sysRequest(st.first[i])
			p.sysRequest(st.last[i])
		}
		p.outside += st.outside[i]
		p.dups += st.dups[i]
	}
}

// sysRequest counts a System Log request of the part (a canonical event) in its first and last
// request time.
func (p *part) sysRequest(ts int64) {
	if p.direct == 0 && !p.anySys {
		p.first, p.last = ts, ts
	}
	p.anySys = true
	p.first, p.last = min(p.first, ts), max(p.last, ts)
}

// countDups makes each part's accounting count its events that are not counted (fate) as skipped
// lines, with examples (the first ones by line; at most maxEx in all, ingest's
// Options.MaxExamples), and its first and last request those of what is counted. order and starts
// are groupEvents', canon the canonical event of each group.
func countDups(s *sysRows, parts []*part, fate []uint8, order, starts, canon []int32, maxEx int) {
	switch {
	case maxEx == 0:
		maxEx = 5 // ingest's default
	case maxEx < 0:
		maxEx = 0
	}
	for _, p := range parts {
		if p.held > 0 {
			p.stats.First, p.stats.Last = p.first, p.last
			if p.direct == 0 && !p.anySys {
				p.stats.First, p.stats.Last = 0, 0
			}
		}
	}
	base := lineBases(parts)
	groupOf := make([]int32, s.len()) // the canonical event of each event's request
	for g := 0; g+1 < len(starts); g++ {
		for _, i := range order[starts[g]:starts[g+1]] {
			groupOf[i] = canon[g]
		}
	}
	added := make([]int, len(parts)) // examples added per part
	for i, f := range fate {         // in held order: each part's events in line order
		if f == sysCounted {
			continue
		}
		p := parts[s.part[i]]
		reason := ingest.ReasonDuplicate
		if f == sysDupEvent {
			reason = ingest.ReasonDuplicateEvent
		}
		if p.stats.Reasons == nil {
			p.stats.Reasons = map[string]int64{}
		}
		p.stats.Requests--
		p.stats.Skipped++
		p.stats.Reasons[reason]++
		if added[s.part[i]] == maxEx {
			continue
		}
		added[s.part[i]]++
		c := groupOf[i]
		cp := parts[s.part[c]]
		at := fmt.Sprintf("%s:%d", cp.path, base[s.part[c]]+s.line[c])
		if cp.format == "okta-array" {
			at = fmt.Sprintf("%s:event %d", cp.path, base[s.part[c]]+s.line[c])
		}
		text := "another event of the request counted at " + at
		if f == sysDupEvent {
			text = "the same event (uuid) as the one counted at " + at
		}
		p.stats.Examples = append(p.stats.Examples, ingest.Skip{File: p.path, Line: int(s.line[i]), Reason: reason,
			Excerpt: cutExcerpt(text), Event: p.format == "okta-array"})
	}
	for pi, p := range parts {
		if added[pi] > 0 {
			slices.SortStableFunc(p.stats.Examples, func(a, b ingest.Skip) int { return cmp.Compare(a.Line, b.Line) })
			p.stats.Examples = p.stats.Examples[:min(len(p.stats.Examples), maxEx)]
		}
	}
}

// lineBases returns, for each part, the lines of the parts of its file before it: what turns a line
// of the part into a line of the whole file (a file cut by ingest.OpenParts numbers each part's lines
// from its own start).
func lineBases(parts []*part) []int64 {
	base := make([]int64, len(parts))
	next := map[int]int64{} // by file: the lines of its parts so far
	for i, p := range parts {
		base[i] = next[p.file]
		next[p.file] += p.stats.Lines
	}
	return base
}

// fileEvents makes the parts' Okta rate-limit events those of whole files: each file keeps its first
// ingest.MaxEvents (as one Reader of the whole file would), one copy of each event across the run
// (dedupeEvents), and each event's line becomes its line in the whole file.
func fileEvents(parts []*part) {
	kept := map[int]int{} // by file: the events kept so far
	for _, p := range parts {
		room := ingest.MaxEvents - kept[p.file]
		if len(p.events) > room {
			p.events = p.events[:max(room, 0)]
		}
		kept[p.file] += len(p.events)
	}
	dedupeEvents(parts)
	base := lineBases(parts)
	for i, p := range parts {
		for k := range p.events {
			p.events[k].Line += int(base[i])
		}
	}
}

// cutExcerpt cuts s to a skipped line's excerpt: at most 200 bytes, whole runes.
func cutExcerpt(s string) string {
	if len(s) <= 200 {
		return s
	}
	cut := 200
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.ToValidUTF8(s[:cut], "\uFFFD")
}

// dedupeEvents keeps one copy of each Okta rate-limit event of the run's parts (the same uuid),
// the earliest (ties by file path, then line), and counts the skipped line of another copy that
// named no request as duplicate-event instead of rate-limit-event (the line of one that named a
// request is resolveSys's). Events past ingest.MaxEvents of a file are neither listed nor compared.
func dedupeEvents(parts []*part) {
	type ref struct{ p, i int }
	var refs []ref
	for pi, p := range parts {
		for i := range p.events {
			if p.events[i].UUID != "" {
				refs = append(refs, ref{pi, i})
			}
		}
	}
	ev := func(r ref) *ingest.RateLimitEvent { return &parts[r.p].events[r.i] }
	slices.SortFunc(refs, func(a, b ref) int {
		ea, eb := ev(a), ev(b)
		return cmp.Or(strings.Compare(ea.UUID, eb.UUID), cmp.Compare(ea.Time, eb.Time), cmp.Compare(parts[a.p].rank, parts[b.p].rank),
			cmp.Compare(ea.Line, eb.Line))
	})
	drop := map[ref]bool{}
	for j := 1; j < len(refs); j++ {
		if ev(refs[j]).UUID != ev(refs[j-1]).UUID {
			continue
		}
		drop[refs[j]] = true
		e, p := ev(refs[j]), parts[refs[j].p]
		if e.RequestURI != "" || p.stats.Reasons[ingest.ReasonRateLimitEvent] == 0 {
			continue
		}
		p.stats.Reasons[ingest.ReasonRateLimitEvent]--
		if p.stats.Reasons[ingest.ReasonRateLimitEvent] == 0 {
			delete(p.stats.Reasons, ingest.ReasonRateLimitEvent)
		}
		p.stats.Reasons[ingest.ReasonDuplicateEvent]++
		for k := range p.stats.Examples {
			if ex := &p.stats.Examples[k]; ex.Line == e.Line && ex.Reason == ingest.ReasonRateLimitEvent {
				ex.Reason = ingest.ReasonDuplicateEvent
			}
		}
	}
	if len(drop) == 0 {
		return
	}
	for pi, p := range parts {
		kept := p.events[:0]
		for i, e := range p.events {
			if !drop[ref{pi, i}] {
				kept = append(kept, e)
			}
		}
		p.events = kept
	}
}

// rankParts numbers the parts in the order of their files' paths (then their order in the run and
// in the file), so that which copy of an event counts does not depend on the order files are given
// in.
func rankParts(parts []*part) {
	idx := make([]int, len(parts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(parts[a].path, parts[b].path) })
	for r, i := range idx {
		parts[i].rank = int32(r)
	}
}

package analyze

import (
	"cmp"
	"maps"
	"slices"

	"github.com/ratecard/ratecard/classify"
)

// minuteCounts holds, per bucket and UTC minute, what an analysis reads of the requests: their count
// in each ten seconds (the rolling peak's bound uses them, see rolling.go), those answered 429 and
// those from the Okta System Log; and the few totals over every request: the time range, the
// requests to the two never-flagged classes, and the X-Rate-Limit-Limit values of each bucket's
// responses. A run counts them in Go as the rows come (add: a few nanoseconds a request); a store
// opened later counts them in SQL (store.countMinutes). Everything per minute an analysis reports is
// computed from them in Go (minutes.go).
type minuteCounts struct {
	// pages hold the minutes of each class in pages of pageMinutes consecutive minutes, allocated
	// where there is traffic; last is each class's latest page. Logs are in time order, so a request
	// finds its page there almost always, and its minute by indexing: counting a request costs a few
	// nanoseconds, where a map lookup per (class, minute) cost 60 ns (a bucket sees a new minute every
	// few requests).
	pages map[pageKey]*minutePage
	last  [256]struct {
		page int64
		p    *minutePage
	}
	// spill holds the minutes of the pages past maxPages, one by one: timestamps scattered over
	// decades (a wrong --fields mapping, say) would otherwise take a page each.
	spill map[minuteKey]*minuteCell
	// sorted caches eachSorted's list of every minute.
	sorted []sortedMinute
	// slab is where pages come from: a month of a few dozen buckets is thousands of 2 KiB pages, in
	// huge-page memory (see huge.go).
	slab slab

	any          bool
	minTS, maxTS int64 // over every request, the never-flagged classes included
	public       int64 // requests in classify.PublicMetadata
	outside      int64 // requests in classify.OutsideCatalog
	learned      map[learnedKey]int64
}

// pageMinutes is the number of minutes in a page (about an hour); a page takes 2 KiB. A month of 18
// busy buckets takes 12,600 pages (25 MiB).
const (
	pageBits    = 6
	pageMinutes = 1 << pageBits
)

// maxPages bounds the pages (32 MiB, a month of 26 busy buckets); minutes past it are counted one by
// one in minuteCounts.spill, which is slower but takes memory only for minutes with traffic.
var maxPages = 1 << 14

type minuteKey struct {
	m     int64
	class uint8
}

type pageKey struct {
	page  int64 // minute >> pageBits
	class uint8
}

type minutePage [pageMinutes]minuteCell

// minuteCell is one bucket's minute: its requests in each ten seconds (the rolling peak's bound uses
// them; see rolling.go), those answered 429, and those from the Okta System Log.
type minuteCell struct {
	steps      [6]uint32
	n429, nsys uint32
}

type learnedKey struct {
	class uint8
	rl    int32
}

// n is the number of requests in the minute.
func (c *minuteCell) n() int64 {
	s := &c.steps
	return int64(s[0]) + int64(s[1]) + int64(s[2]) + int64(s[3]) + int64(s[4]) + int64(s[5])
}

func newMinuteCounts() *minuteCounts {
	return &minuteCounts{pages: map[pageKey]*minutePage{}, learned: map[learnedKey]int64{}}
}

const (
	minuteMicros = 60_000_000
	stepMicros   = 10_000_000
)

// floorDiv is a/b rounded down (b > 0), for instants before 1970 too.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// add counts one request at UTC instant ts (Unix microseconds) in class cl, with its HTTP status,
// source (1: Okta System Log) and X-Rate-Limit-Limit (0: not logged).
func (g *minuteCounts) add(ts int64, cl uint8, status uint16, src uint8, rl int32) {
	if !g.any {
		g.any, g.minTS, g.maxTS = true, ts, ts
	} else {
		g.minTS, g.maxTS = min(g.minTS, ts), max(g.maxTS, ts)
	}
	switch classify.Class(cl) {
	case classify.PublicMetadata:
		g.public++
		return
	case classify.OutsideCatalog:
		g.outside++
		return
	case classify.MethodUnknown: // counted by resolveSys, with its candidate buckets
		return
	}
	m := floorDiv(ts, minuteMicros)
	c := g.cell(cl, m)
	c.steps[(ts-m*minuteMicros)/stepMicros]++
	if status == 429 {
		c.n429++
	}
	if src == 1 {
		c.nsys++
	}
	if rl > 0 {
		g.learned[learnedKey{cl, rl}]++
	}
}

// cell returns the cell of class cl's minute m, making it. The minute is almost always on the class's
// latest page; otherwise the page is found or made (the minute goes to spill past maxPages).
func (g *minuteCounts) cell(cl uint8, m int64) *minuteCell {
	page := m >> pageBits // an arithmetic shift: floor division for negative minutes too
	l := &g.last[cl]
	if l.p != nil && l.page == page {
		return &l.p[m&(pageMinutes-1)]
	}
	k := pageKey{page: page, class: cl}
	p := g.pages[k]
	if p == nil && len(g.pages) < maxPages {
		p = &slabSlice[minutePage](&g.slab, 1)[:1][0]
		prefault(p[:])
		g.pages[k] = p
	}
	if p == nil {
		return g.spilled(minuteKey{m: m, class: cl})
	}
	l.page, l.p = page, p
	return &p[m&(pageMinutes-1)]
}

// spilled returns the cell of minute k in g.spill, making it.
func (g *minuteCounts) spilled(k minuteKey) *minuteCell {
	if g.spill == nil {
		g.spill = map[minuteKey]*minuteCell{}
	}
	c := g.spill[k]
	if c == nil {
		c = new(minuteCell)
		g.spill[k] = c
	}
	return c
}

// each calls f for every non-empty minute in (class, minute) order, with the cell of the minute after
// it (nil when that minute had no request).
func (g *minuteCounts) each(f func(cl uint8, m int64, c, next *minuteCell)) {
	if len(g.spill) > 0 {
		g.eachSorted(f)
		return
	}
	g.eachPage(g.sortedPages(), f)
}

// sortedPages returns the keys of the pages in (class, page) order.
func (g *minuteCounts) sortedPages() []pageKey {
	return slices.SortedFunc(maps.Keys(g.pages), func(a, b pageKey) int {
		return cmp.Or(cmp.Compare(a.class, b.class), cmp.Compare(a.page, b.page))
	})
}

// classRuns cuts the sorted pages into at most n runs of whole classes, of about equal numbers of
// pages, in order; each run can be figured apart (eachPage). Fewer than two classes make one run.
func (g *minuteCounts) classRuns(n int) [][]pageKey {
	keys := g.sortedPages()
	if n < 2 || len(keys) == 0 || keys[0].class == keys[len(keys)-1].class {
		return [][]pageKey{keys}
	}
	var runs [][]pageKey
	start := 0
	for i := 1; i <= len(keys); i++ {
		if i < len(keys) && keys[i].class == keys[i-1].class {
			continue
		}
		// A class ends at i: end the run here when it holds its share of the pages left.
		left := n - len(runs)
		if i == len(keys) || left > 1 && (i-start)*left >= len(keys)-start {
			runs = append(runs, keys[start:i])
			start = i
		}
	}
	return runs
}

// eachPage is each over the minutes of the pages keys, in their order (see sortedPages); it only
// reads g, so that runs of classes can be visited in parallel.
func (g *minuteCounts) eachPage(keys []pageKey, f func(cl uint8, m int64, c, next *minuteCell)) {
	for _, k := range keys {
		p := g.pages[k]
		after := g.pages[pageKey{page: k.page + 1, class: k.class}]
		for i := range p {
			if p[i].empty() {
				continue
			}
			var next *minuteCell
			switch {
			case i+1 < pageMinutes:
				next = &p[i+1]
			case after != nil:
				next = &after[0]
			}
			if next != nil && next.empty() {
				next = nil
			}
			f(k.class, k.page<<pageBits|int64(i), &p[i], next)
		}
	}
}

// empty reports whether the minute had no request. (Comparing the array with == calls
// runtime.memequal, 30 ms over a month's pages.)
func (c *minuteCell) empty() bool {
	s := &c.steps
	return s[0]|s[1]|s[2]|s[3]|s[4]|s[5] == 0
}

type sortedMinute struct {
	k minuteKey
	c *minuteCell
}

// eachSorted is each for an agg with spilled minutes: every non-empty minute, of the pages and the
// spill, sorted.
func (g *minuteCounts) eachSorted(f func(cl uint8, m int64, c, next *minuteCell)) {
	if g.sorted == nil {
		all := make([]sortedMinute, 0, len(g.spill))
		for k, p := range g.pages {
			for i := range p {
				if !p[i].empty() {
					all = append(all, sortedMinute{minuteKey{m: k.page<<pageBits | int64(i), class: k.class}, &p[i]})
				}
			}
		}
		for k, c := range g.spill {
			all = append(all, sortedMinute{k, c})
		}
		slices.SortFunc(all, func(a, b sortedMinute) int {
			return cmp.Or(cmp.Compare(a.k.class, b.k.class), cmp.Compare(a.k.m, b.k.m))
		})
		g.sorted = all
	}
	all := g.sorted
	for i, e := range all {
		var next *minuteCell
		if i+1 < len(all) && all[i+1].k.class == e.k.class && all[i+1].k.m == e.k.m+1 {
			next = all[i+1].c
		}
		f(e.k.class, e.k.m, e.c, next)
	}
}

// learnedLimit is the X-Rate-Limit-Limit a bucket's responses carried most often, and how often.
type learnedLimit struct {
	limit int
	count int64
}

// learnedLimits returns each class's most frequent X-Rate-Limit-Limit; a tie goes to the larger limit.
func (g *minuteCounts) learnedLimits() map[uint8]learnedLimit {
	out := map[uint8]learnedLimit{}
	for k, n := range g.learned {
		b, ok := out[k.class]
		if !ok || n > b.count || n == b.count && int(k.rl) > b.limit {
			out[k.class] = learnedLimit{limit: int(k.rl), count: n}
		}
	}
	return out
}

// merge adds o's counts to g's; o is not used after.
func (g *minuteCounts) merge(o *minuteCounts) {
	if o.any {
		if !g.any {
			g.any, g.minTS, g.maxTS = true, o.minTS, o.maxTS
		}
		g.minTS, g.maxTS = min(g.minTS, o.minTS), max(g.maxTS, o.maxTS)
	}
	g.public += o.public
	g.outside += o.outside
	for k, n := range o.learned {
		g.learned[k] += n
	}
	for k, p := range o.pages {
		if _, ok := g.pages[k]; !ok && len(g.pages) < maxPages {
			g.pages[k] = p
			continue
		}
		for i := range p {
			if !p[i].empty() {
				g.cell(k.class, k.page<<pageBits|int64(i)).addCell(&p[i])
			}
		}
	}
	for k, c := range o.spill {
		g.cell(k.class, k.m).addCell(c)
	}
	g.sorted = nil
}

// addCell adds o's counts to c's.
func (c *minuteCell) addCell(o *minuteCell) {
	for i := range c.steps {
		c.steps[i] += o.steps[i]
	}
	c.n429 += o.n429
	c.nsys += o.nsys
}

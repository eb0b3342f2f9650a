package analyze

import (
	"cmp"
	"slices"

	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
)

// drillDownGo is drillDown for a live source, over the rows its load kept in Go (every request of
// the hot minutes is among them), with the run's names: the same callers, counts and order as
// drilldown_top.sql gives a store (TestLiveMatchesStore). Ties go by name, then id, as there.
func drillDownGo(rows []rowChunk, hot minuteList, n names, f *minuteFigures) {
	if len(hot.cls) == 0 {
		return
	}
	lo, hi := hot.m[0], hot.m[0]
	for _, m := range hot.m {
		lo, hi = min(lo, m), max(hi, m)
	}
	set := newMinuteSet(lo, hi)
	for i, cl := range hot.cls {
		set.addNew(cl, hot.m[i])
	}
	agentIDs := make([]uint32, len(n.agents))
	for i := range agentIDs {
		agentIDs[i] = uint32(i)
	}
	productOf, productNames := agentProductIDs(agentIDs, n.agents)

	type counts struct {
		clients map[uint64]int64
		agents  map[uint32]int64
		paths   map[uint32]int64
	}
	var by [256]*counts
	for ci := range rows {
		c := &rows[ci]
		for k, ts := range c.ts {
			cl := c.cls[k]
			if !set.has(cl, floorDiv(ts, minuteMicros)) {
				continue
			}
			b := by[cl]
			if b == nil {
				b = &counts{clients: map[uint64]int64{}, agents: map[uint32]int64{}, paths: map[uint32]int64{}}
				by[cl] = b
			}
			b.clients[c.client[k]]++
			b.agents[uint32(c.ids[k]>>32)]++
			b.paths[uint32(c.ids[k])]++
		}
	}
	for cl, b := range by {
		if b == nil || f.buckets[cl] == nil {
			continue
		}
		bk := f.buckets[cl]
		products := map[uint64]int64{}
		for a, cnt := range b.agents {
			if int(a) < len(productOf) {
				products[uint64(productOf[a])] += cnt
			}
		}
		agents, paths := widen(b.agents), widen(b.paths)
		for _, s := range topShares(b.clients, n.clients) {
			if s.id&ipv4Flag != 0 {
				s.Name = ipv4Name(s.id)
			} else {
				s.Name = ingest.Redact(s.Name) // a host name as logged: raw input text
			}
			bk.Clients = append(bk.Clients, s.Share)
		}
		for _, s := range topShares(agents, n.agents) {
			s.Name = ingest.Redact(s.Name) // user agents are raw input text
			bk.Agents = append(bk.Agents, s.Share)
		}
		for _, s := range topShares(paths, n.paths) {
			bk.Paths = append(bk.Paths, s.Share)
		}
		for _, s := range topShares(products, productNames) {
			bk.Products = append(bk.Products, s.Share)
		}
	}
}

// widen copies a count map to uint64 keys.
func widen(m map[uint32]int64) map[uint64]int64 {
	out := make(map[uint64]int64, len(m))
	for k, v := range m {
		out[uint64(k)] = v
	}
	return out
}

// idShare is a share with the id it was counted under.
type idShare struct {
	report.Share
	id uint64
}

// topShares returns the drillDownTop largest counts, by count (largest first), then name (in names;
// "" for an IPv4 client, spelt out by the caller, or an id without a name), then id: a total order, so
// the map's order does not matter. It keeps the top as it goes rather than sorting every count (a
// bucket's clients and paths can be tens of thousands).
func topShares(counts map[uint64]int64, names []string) []idShare {
	order := func(a, b idShare) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name), cmp.Compare(a.id, b.id))
	}
	top := make([]idShare, 0, drillDownTop+1)
	for id, n := range counts {
		if len(top) == drillDownTop && n < top[drillDownTop-1].Count {
			continue // below the last kept: no name to look up
		}
		s := idShare{Share: report.Share{Name: nameOf(names, id), Count: n}, id: id}
		if len(top) == drillDownTop && order(s, top[drillDownTop-1]) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, s, order)
		top = slices.Insert(top, i, s)
		top = top[:min(len(top), drillDownTop)]
	}
	return top
}

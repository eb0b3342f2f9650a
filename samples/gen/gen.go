package main

// The generator's state and records, and the order in which it builds a run's traffic.

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/ratecard/ratecard/classify"
)

// rec is one log line to write: a request, or a special line of another kind.
type rec struct {
	t      int64  // UTC unix seconds
	key    uint32 // random order within a second
	seq    int32  // creation order, the final tie-break
	proxy  uint8
	kind   kind
	bucket classify.Class
	event  int8 // index into gen.events, -1 for background traffic
	status int16
	bytes  int32
	ms     int32 // request time in milliseconds (US proxy only)
	ip     string
	xff    string
	method string
	target string
	ref    string
	ua     string
}

// gen is one run of the sample generator: its random source, proxies, identifier pools, planted
// events and the records generated so far.
type gen struct {
	cfg        config
	rng        *rand.Rand
	start, end int64
	proxies    []*proxy
	recs       []rec
	events     []*event

	users   []string // Okta user ids
	logins  []string // percent-encoded logins, same index as users
	groups  []string
	apps    []string
	oidc    []string // OIDC client ids used in authorize requests
	factors []string
	public  []string // browser public addresses

	syncCursor int

	// Recently used users, groups, apps, factors and browser addresses: a user who signs in causes
	// several calls within minutes, so identifiers recur close together as in real logs.
	hotUsers, hotGroups, hotApps, hotFactors, hotIPs hot
	userSize, groupSize, appSize                     []int // response size of each object
}

// hot picks an index in [0, n): with probability reuse one of the last size picks, otherwise a
// fresh uniform one, which then joins the ring.
type hot struct {
	ring  []int
	next  int
	size  int
	reuse float64
}

// hotPick picks an index in [0, n) as h describes.
func (g *gen) hotPick(h *hot, n int) int {
	if len(h.ring) > 0 && g.chance(h.reuse) {
		return h.ring[g.rng.IntN(len(h.ring))]
	}
	i := g.rng.IntN(n)
	if len(h.ring) < h.size {
		h.ring = append(h.ring, i)
	} else {
		h.ring[h.next] = i
		h.next = (h.next + 1) % len(h.ring)
	}
	return i
}

// newGen sets up a run for cfg: the random source seeded with cfg.seed, the pools and both proxies.
func newGen(cfg config) *gen {
	g := &gen{
		cfg:   cfg,
		rng:   rand.New(rand.NewPCG(cfg.seed, 0x7261746563617264)), // "ratecard"
		start: cfg.start.Unix(),
	}
	g.end = g.start + int64(cfg.days)*86400
	g.pools()
	g.proxies = []*proxy{
		{idx: 0, name: "eu", file: "okta-egress-eu.log.gz", offset: 2 * 3600, human: 40, machine: 1},
		{idx: 1, name: "us", file: "okta-egress-us.log.gz", offset: -7 * 3600, human: 33, machine: 0.8, trailer: true},
	}
	for _, p := range g.proxies {
		p.zone = time.FixedZone(p.name, p.offset)
		g.setupClients(p)
	}
	return g
}

// pick, chance and between draw from the run's random source: an element of s, true with
// probability p, and an integer in [lo, hi].
func (g *gen) pick(s []string) string { return s[g.rng.IntN(len(s))] }
func (g *gen) chance(p float64) bool  { return g.rng.Float64() < p }
func (g *gen) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

// generate builds the run's records: the planted events' definitions, the background, the events'
// requests and the special lines, sorted by time, then answers 429 where the limiter would have.
func (g *gen) generate() {
	g.defineEvents()
	g.background()
	g.plant()
	g.special()
	slices.SortFunc(g.recs, func(a, b rec) int {
		switch {
		case a.t != b.t:
			return cmp64(a.t, b.t)
		case a.key != b.key:
			return cmp64(int64(a.key), int64(b.key))
		}
		return cmp64(int64(a.seq), int64(b.seq))
	})
	g.throttle()
}

// cmp64 compares a and b: -1, 0 or +1.
func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

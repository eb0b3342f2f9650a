package main

// The planted rate-limit events, and how their requests are added on top of the background.

import (
	"fmt"
	"strconv"

	"github.com/ratecard/ratecard/classify"
)

// event is one planted rate-limit event: requests of one bucket added on top of the background so
// that each of its target minutes holds a chosen number of that bucket's requests.
type event struct {
	ID, Title, What string // as in the manifest's EventInfo
	bucket          classify.Class
	proxies         []int     // indexes into gen.proxies
	share           []float64 // probability of each proxy
	from, to        int64     // active span [from, to)
	outageFrom      int64     // siem only: the poller is silent from here until to
	targets         []target  // per-minute total counts of the bucket, both proxies together
	emit            func(g *gen, p *proxy, t int64, i int) *rec
	planted         []int // per target minute: records added
}

// target is the number of requests of an event's bucket one minute must hold, both proxies together.
type target struct {
	minute int64
	total  int
}

// day returns the unix second of day d at hh:mm UTC.
func (g *gen) day(d int, hh, mm int) int64 { return g.start + int64(d)*86400 + int64(hh*3600+mm*60) }

// defineEvents defines the planted events (see samples/README.md) relative to the first day; an
// event that does not fit in the generated days is left out.
func (g *gen) defineEvents() {
	add := func(e *event) {
		if e.from >= g.start && e.to <= g.end {
			g.events = append(g.events, e)
		}
	}
	tgt := func(from int64, ranges ...[2]int) []target {
		out := make([]target, len(ranges))
		for i, r := range ranges {
			out[i] = target{minute: from/60*60 + int64(i)*60, total: g.between(r[0], r[1])}
		}
		return out
	}
	syncEmit := func(g *gen, p *proxy, t int64, i int) *rec {
		u := g.syncCursor % len(g.users)
		g.syncCursor++
		ep := epUserGetLogin
		if g.chance(0.3) {
			ep = epUserGetID
		}
		r := g.add(p, t, ep, p.clients.sync, -1)
		// The sync walks the directory in order rather than picking users at random.
		if ep == epUserGetLogin {
			r.target = "/api/v1/users/" + g.logins[u]
		} else {
			r.target = "/api/v1/users/" + g.users[u]
		}
		if r.status == 200 {
			r.bytes = int32(g.userSize[u])
		}
		return r
	}

	// a. Nightly HR sync at 01:10 UTC. Night 0: five minutes near the users-get limit, EU worker only.
	// Night 1: the sync is sharded over a second worker behind the US proxy and, together, goes over
	// for two minutes (each proxy alone stays under 600). Later nights: an ordinary small run.
	for d := range g.cfg.days {
		e := &event{bucket: bUsersGet, emit: syncEmit}
		switch d {
		case 0:
			e.ID = "a-users-sync-near"
			e.Title = "Nightly HR sync near the users-get limit"
			e.What = "hr-sync (GET /api/v1/users/{idOrLogin}) from the EU worker 10.20.4.7, ~700/min for 5 minutes"
			e.proxies, e.share = []int{0}, []float64{1}
			e.from, e.to = g.day(d, 1, 10), g.day(d, 1, 15)
			e.targets = tgt(e.from, [2]int{690, 720}, [2]int{690, 720}, [2]int{690, 720}, [2]int{690, 720}, [2]int{690, 720})
		case 1:
			e.ID = "a-users-sync-over"
			e.Title = "Nightly HR sync over the users-get limit, split across both proxies"
			e.What = "hr-sync sharded over two workers, 10.20.4.7 (EU proxy) and 10.40.4.7 (US proxy), about half each: " +
				"ramp-up from 01:10:20, two minutes at ~1,050-1,100, done at 01:13:20; only the merged files are over"
			e.proxies, e.share = []int{0, 1}, []float64{0.5, 0.5}
			e.from, e.to = g.day(d, 1, 10)+20, g.day(d, 1, 13)+20
			e.targets = tgt(e.from, [2]int{440, 480}, [2]int{1055, 1095}, [2]int{1055, 1095}, [2]int{330, 370})
		default:
			e.ID = fmt.Sprintf("users-sync-day%d", d)
			e.Title = "Ordinary nightly HR sync (background, ok)"
			e.What = "hr-sync from the EU worker, ~250/min for 3 minutes"
			e.proxies, e.share = []int{0}, []float64{1}
			e.from, e.to = g.day(d, 1, 10), g.day(d, 1, 13)
			e.targets = tgt(e.from, [2]int{230, 270}, [2]int{230, 270}, [2]int{230, 270})
		}
		add(e)
	}

	// b. Login storm on day 1 at 09:00 local in Europe: every browser session was revoked overnight
	// and the SSO portal's PKCE token exchanges pile up.
	add(&event{
		ID: "b-login-storm", Title: "Morning login storm on the custom authorization server's token endpoint",
		What:   "POST /oauth2/default/v1/token from browsers through the EU proxy (09:00 local, sessions revoked overnight); ~800-900/min for 4 minutes",
		bucket: bOAuth2Custom, proxies: []int{0}, share: []float64{1},
		from: g.day(1, 7, 0), to: g.day(1, 7, 6),
		targets: tgt(g.day(1, 7, 0), [2]int{540, 580}, [2]int{800, 830}, [2]int{860, 890}, [2]int{840, 870},
			[2]int{790, 810}, [2]int{500, 540}),
		emit: func(g *gen, p *proxy, t int64, i int) *rec {
			return g.add(p, t, epTokenCustom, p.clients.browser, -1)
		},
	})

	// c. An admin's script lists the users of every app, 16:59:30-17:00:30 UTC on day 2 (09:59 in the
	// US), straddling the minute boundary.
	c := &event{
		ID: "c-apps-straddle", Title: "Apps burst straddling a minute boundary",
		What:   "okta-sdk-python from an admin laptop (10.40.3.17) through the US proxy: GET /api/v1/apps/{id}/users for every app, ~70 in the last 30 s of 16:59 and ~70 in the first 30 s of 17:00",
		bucket: bApps, proxies: []int{1}, share: []float64{1},
		from: g.day(2, 16, 59) + 30, to: g.day(2, 17, 0) + 30,
		targets: tgt(g.day(2, 16, 59), [2]int{70, 74}, [2]int{70, 74}),
	}
	c.emit = func(g *gen, p *proxy, t int64, i int) *rec {
		r := g.add(p, t, epAppUsers, p.clients.laptop, -1)
		r.target = "/api/v1/apps/" + g.apps[i%len(g.apps)] + "/users?limit=500"
		return r
	}
	add(c)

	// d. The SIEM collector was down from 13:40 to 15:00 UTC on day 0 and catches up, paging through
	// the System Log at ~40 requests a minute for 45 minutes.
	siem := &event{
		ID: "d-siem-catch-up", Title: "SIEM poller catching up on the System Log",
		What:   "siem-poller (10.40.8.20) through the US proxy: silent 13:40-15:00 UTC, then pages GET /api/v1/logs?after=... at ~40/min for 45 minutes",
		bucket: bLogs, proxies: []int{1}, share: []float64{1},
		outageFrom: g.day(0, 13, 40), from: g.day(0, 15, 0), to: g.day(0, 15, 45),
	}
	for i := range 45 {
		siem.targets = append(siem.targets, target{minute: siem.from + int64(i)*60, total: g.between(37, 42)})
	}
	cursor := (g.day(0, 13, 39) + 7) * 1000
	siem.emit = func(g *gen, p *proxy, t int64, i int) *rec {
		r := g.add(p, t, epLogs, p.clients.siem, -1)
		cursor += int64(g.between(3600, 4600)) // a page of 1,000 events covers a few seconds
		r.target = "/api/v1/logs?after=" + strconv.FormatInt(cursor, 10) + "_1&limit=1000&sortOrder=ASCENDING"
		r.bytes = int32(g.between(610000, 905000))
		r.ms = g.latency(0.9)
		return r
	}
	add(siem)
}

// plant adds each event's requests, after the background, so that each target minute's bucket total
// (background included, both proxies) is exactly the target. Requests are spread evenly (stratified)
// over the part of the minute the event is active.
func (g *gen) plant() {
	for ei, e := range g.events {
		base := map[int64]int{}
		for i := range g.recs {
			r := &g.recs[i]
			if r.kind.isRequest() && r.bucket == e.bucket {
				base[r.t/60*60]++
			}
		}
		k := 0
		for _, tg := range e.targets {
			lo, hi := max(tg.minute, e.from), min(tg.minute+60, e.to)
			n := max(0, tg.total-base[tg.minute])
			e.planted = append(e.planted, n)
			for i := range n {
				t := lo + int64((float64(i)+g.rng.Float64())*float64(hi-lo)/float64(n))
				pi := e.proxies[0]
				if len(e.proxies) > 1 {
					x := g.rng.Float64()
					for j, s := range e.share {
						if x < s || j == len(e.share)-1 {
							pi = e.proxies[j]
							break
						}
						x -= s
					}
				}
				r := e.emit(g, g.proxies[pi], t, k)
				r.event = int8(ei)
				k++
			}
		}
	}
}

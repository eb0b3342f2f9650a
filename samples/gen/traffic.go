package main

// Background traffic: the diurnal human-driven mix, the flat machine traffic, the daily Terraform
// run and the SIEM poller.

import (
	"math"
	"time"
)

// diurnal is the share of the peak rate at a fractional local hour: a night floor of 0.10, a
// morning and an afternoon hump with a shallow lunch dip between.
func diurnal(h float64) float64 {
	sq := func(x float64) float64 { return x * x }
	v := math.Exp(-sq((h-10)/2.5)) + 0.9*math.Exp(-sq((h-15)/2.5))
	return 0.10 + 0.90*math.Min(1, v)
}

// poisson draws a Poisson-distributed count with mean lambda (a normal approximation above 40).
func (g *gen) poisson(lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 40 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*g.rng.NormFloat64())))
	}
	l, k, prod := math.Exp(-lambda), 0, g.rng.Float64()
	for prod > l {
		k++
		prod *= g.rng.Float64()
	}
	return k
}

// background adds every proxy's ordinary traffic, minute by minute: a Poisson number of human-driven
// requests scaled by the diurnal curve in the proxy's local time (less at weekends), the flat machine
// traffic, the daily Terraform runs and the SIEM polls.
func (g *gen) background() {
	for _, p := range g.proxies {
		for m := g.start; m < g.end; m += 60 {
			local := time.Unix(m, 0).In(p.zone)
			h := float64(local.Hour()) + float64(local.Minute())/60
			lam := p.human * diurnal(h)
			if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
				lam *= 0.3
			}
			for range g.poisson(lam) {
				x := g.rng.Float64() * p.wsum
				s := p.sources[len(p.sources)-1]
				for _, c := range p.sources {
					if x < c.w {
						s = c
						break
					}
					x -= c.w
				}
				g.add(p, m+g.rng.Int64N(60), s.ep, g.pickClient(s.c), -1)
			}
			for _, s := range p.msources {
				for range g.poisson(s.w * p.machine) {
					g.add(p, m+g.rng.Int64N(60), s.ep, g.pickClient(s.c), -1)
				}
			}
		}
	}
	g.terraformRuns()
	g.siemPolls()
}

// pickClient picks one of cs at random.
func (g *gen) pickClient(cs []*client) *client { return cs[g.rng.IntN(len(cs))] }

// terraformRuns: a scheduled "terraform plan" at 05:30 UTC every day through the EU proxy, reading
// groups, apps and policies for about 90 seconds.
func (g *gen) terraformRuns() {
	p := g.proxies[0]
	c := p.clients.terraform
	plan := []struct {
		ep endpoint
		n  int
	}{{epGroups, 6}, {epGroupByID, 45}, {epApps, 3}, {epAppByID, 35}, {epAppGroups, 20}, {epPolicies, 8}, {epClients, 6}}
	for d := g.start; d < g.end; d += 86400 {
		t0 := d + 5*3600 + 30*60 + int64(g.between(0, 20))
		for _, s := range plan {
			for range s.n {
				g.add(p, t0+g.rng.Int64N(90), s.ep, c, -1)
			}
		}
	}
}

// siemPolls: the SIEM poller on the US proxy asks for new System Log events once a minute, except
// while the collector was down (see the siem-catch-up event, which replaces its polls).
func (g *gen) siemPolls() {
	p := g.proxies[1]
	var down []*event
	for _, e := range g.events {
		if e.bucket == bLogs {
			down = append(down, e)
		}
	}
	for m := g.start; m < g.end; m += 60 {
		skip := false
		for _, e := range down {
			if m >= e.outageFrom && m < e.to {
				skip = true
			}
		}
		if skip {
			continue
		}
		g.add(p, m+7+g.rng.Int64N(3), epLogs, p.clients.siem, -1)
	}
}

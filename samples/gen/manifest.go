package main

// The manifest: what was generated and what a correct analysis must find, computed from the
// generated records.

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/ratecard/ratecard/classify"
)

type Manifest struct {
	Generator  string         `json:"generator"`
	Command    string         `json:"command"`
	Seed       uint64         `json:"seed"`
	Start      string         `json:"start"`
	Days       int            `json:"days"`
	Window     Window         `json:"window"`
	Tier       string         `json:"tier"`
	Warn       int            `json:"warn_percent"`
	Files      []FileInfo     `json:"files"`
	Totals     Totals         `json:"totals"`
	LineKinds  []KindInfo     `json:"line_kinds"`
	Buckets    []BucketStats  `json:"buckets"`
	Events     []EventInfo    `json:"events"`
	Status429  map[string]int `json:"status_429_by_bucket"`
	OverOrNear []string       `json:"enterprise_near_or_over"`
}

type Window struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type FileInfo struct {
	Name      string         `json:"name"`
	Proxy     string         `json:"proxy"`
	Offset    string         `json:"utc_offset"`
	Format    string         `json:"format"`
	Lines     int            `json:"lines"`
	Requests  int            `json:"requests"`
	Skipped   int            `json:"not_requests"`
	Kinds     map[string]int `json:"kinds"`
	First     string         `json:"first_request_utc"`
	Last      string         `json:"last_request_utc"`
	GzipBytes int64          `json:"gzip_bytes"`
}

type Totals struct {
	Lines          int `json:"lines"`
	Requests       int `json:"requests"`
	NotRequests    int `json:"not_requests"`
	PublicMetadata int `json:"public_metadata"`
	OutsideCatalog int `json:"outside_catalog"`
}

type KindInfo struct {
	Kind        string `json:"kind"`
	Description string `json:"description"`
	Request     bool   `json:"is_request"`
	EU          int    `json:"eu"`
	US          int    `json:"us"`
}

type Peak struct {
	Count  int    `json:"count"`
	Minute string `json:"minute,omitempty"`
	Start  string `json:"start,omitempty"`
}

type BucketStats struct {
	ID          string `json:"id"`
	Limit       int    `json:"enterprise_limit,omitempty"`
	Requests    int    `json:"requests"`
	Peak        Peak   `json:"peak"`
	Rolling     Peak   `json:"rolling_peak"`
	MinutesNear int    `json:"minutes_near"`
	MinutesOver int    `json:"minutes_over"`
	Status      string `json:"status,omitempty"`
	RollStatus  string `json:"rolling_status,omitempty"`
}

type EventInfo struct {
	ID       string       `json:"id"`
	Title    string       `json:"title"`
	What     string       `json:"what"`
	Bucket   string       `json:"bucket"`
	Limit    int          `json:"enterprise_limit"`
	Proxies  []string     `json:"proxies"`
	From     string       `json:"from"`
	To       string       `json:"to"`
	Minutes  []MinuteInfo `json:"minutes"`
	Rolling  Peak         `json:"rolling_peak"`
	Verdict  string       `json:"minute_verdict"`
	RVerdict string       `json:"rolling_verdict"`
}

type MinuteInfo struct {
	Minute  string `json:"minute"`
	Count   int    `json:"count"`
	EU      int    `json:"eu"`
	US      int    `json:"us"`
	Planted int    `json:"planted"`
	Status  string `json:"status"`
	S429    int    `json:"status_429"`
}

func utc(t int64) string { return time.Unix(t, 0).UTC().Format(time.RFC3339) }

func verdict(n, lim int) string {
	switch {
	case lim == 0:
		return ""
	case n > lim:
		return "over"
	case n*100 >= warnPercent*lim:
		return "near"
	}
	return "ok"
}

// rollingPeak returns the largest number of times in any [t, t+60) with t one of the times (sorted
// ascending), restricted to starts in [from, to); ties go to the earliest start.
func rollingPeak(ts []int64, from, to int64) (int, int64) {
	best, bestT, hi := 0, int64(0), 0
	for lo := 0; lo < len(ts); lo++ {
		if lo > 0 && ts[lo] == ts[lo-1] {
			continue
		}
		if ts[lo] < from || ts[lo] >= to {
			continue
		}
		hi = max(hi, lo)
		for hi < len(ts) && ts[hi] < ts[lo]+60 {
			hi++
		}
		if hi-lo > best {
			best, bestT = hi-lo, ts[lo]
		}
	}
	return best, bestT
}

func (g *gen) manifest() *Manifest {
	m := &Manifest{
		Generator: "samples/gen", Command: "go run ./samples/gen -out samples",
		Seed: g.cfg.seed, Start: g.cfg.start.Format("2006-01-02"), Days: g.cfg.days,
		Window: Window{From: utc(g.start), To: utc(g.end)}, Tier: classify.Enterprise.String(), Warn: warnPercent,
		Status429: map[string]int{},
	}
	if g.cfg.seed != 1 || g.cfg.days != 3 || m.Start != "2026-10-12" {
		m.Command = fmt.Sprintf("go run ./samples/gen -out samples -days %d -start %s -seed %d", g.cfg.days, m.Start, g.cfg.seed)
	}
	var kinds [2][numKinds]int
	var times [numClasses][]int64
	perMinute := make([]map[int64][3]int, numClasses) // minute → total, eu, us
	for b := range perMinute {
		perMinute[b] = map[int64][3]int{}
	}
	first, last := [2]int64{-1, -1}, [2]int64{}
	for i := range g.recs {
		r := &g.recs[i]
		kinds[r.proxy][r.kind]++
		if !r.kind.isRequest() {
			continue
		}
		if first[r.proxy] < 0 {
			first[r.proxy] = r.t
		}
		last[r.proxy] = r.t
		times[r.bucket] = append(times[r.bucket], r.t)
		c := perMinute[r.bucket][r.t/60*60]
		c[0]++
		c[1+r.proxy]++
		perMinute[r.bucket][r.t/60*60] = c
		if r.status == 429 {
			m.Status429[catalog.ClassID(r.bucket)]++
		}
	}
	for pi, p := range g.proxies {
		fi := FileInfo{Name: p.file, Proxy: p.name, Offset: time.Unix(g.start, 0).In(p.zone).Format("-0700"),
			Format: "combined", Kinds: map[string]int{}, First: utc(first[pi]), Last: utc(last[pi])}
		if p.trailer {
			fi.Format = `combined + "X-Forwarded-For" + request time`
		}
		for k := range numKinds {
			n := kinds[pi][k]
			fi.Lines += n
			if kind(k).isRequest() {
				fi.Requests += n
			} else {
				fi.Skipped += n
			}
			if k != kRequest {
				fi.Kinds[kindNames[k]] = n
			}
		}
		m.Files = append(m.Files, fi)
		m.Totals.Lines += fi.Lines
		m.Totals.Requests += fi.Requests
		m.Totals.NotRequests += fi.Skipped
	}
	for k := kXSSAgent; k < numKinds; k++ {
		m.LineKinds = append(m.LineKinds, KindInfo{Kind: kindNames[k], Description: kindDesc[k],
			Request: k.isRequest(), EU: kinds[0][k], US: kinds[1][k]})
	}
	m.Totals.PublicMetadata = len(times[bPublicMetadata])
	m.Totals.OutsideCatalog = len(times[bOutsideCatalog])
	for i := range catalog.Buckets {
		b := classify.Class(i)
		ts := times[b]
		if len(ts) == 0 {
			continue
		}
		lim := enterpriseLimit(b)
		bs := BucketStats{ID: catalog.ClassID(b), Limit: lim, Requests: len(ts)}
		minutes := make([]int64, 0, len(perMinute[b]))
		for mm := range perMinute[b] {
			minutes = append(minutes, mm)
		}
		slices.Sort(minutes)
		for _, mm := range minutes {
			n := perMinute[b][mm][0]
			if n > bs.Peak.Count {
				bs.Peak = Peak{Count: n, Minute: utc(mm)}
			}
			switch verdict(n, lim) {
			case "over":
				bs.MinutesOver++
			case "near":
				bs.MinutesNear++
			}
		}
		n, at := rollingPeak(ts, math.MinInt64, math.MaxInt64)
		bs.Rolling = Peak{Count: n, Start: utc(at)}
		bs.Status, bs.RollStatus = verdict(bs.Peak.Count, lim), verdict(n, lim)
		if bs.Status != "ok" || bs.RollStatus != "ok" {
			m.OverOrNear = append(m.OverOrNear, bs.ID)
		}
		m.Buckets = append(m.Buckets, bs)
	}
	for ei, e := range g.events {
		lim := enterpriseLimit(e.bucket)
		ev := EventInfo{ID: e.ID, Title: e.Title, What: e.What, Bucket: catalog.ClassID(e.bucket), Limit: lim,
			From: utc(e.from), To: utc(e.to)}
		for _, pi := range e.proxies {
			ev.Proxies = append(ev.Proxies, g.proxies[pi].name)
		}
		s429 := map[int64]int{}
		for i := range g.recs {
			if r := &g.recs[i]; int(r.event) == ei && r.status == 429 {
				s429[r.t/60*60]++
			}
		}
		peak := 0
		for i, tg := range e.targets {
			c := perMinute[e.bucket][tg.minute]
			ev.Minutes = append(ev.Minutes, MinuteInfo{Minute: utc(tg.minute), Count: c[0], EU: c[1], US: c[2],
				Planted: e.planted[i], Status: verdict(c[0], lim), S429: s429[tg.minute]})
			peak = max(peak, c[0])
		}
		n, at := rollingPeak(times[e.bucket], e.from-60, e.to)
		ev.Rolling = Peak{Count: n, Start: utc(at)}
		ev.Verdict, ev.RVerdict = verdict(peak, lim), verdict(n, lim)
		m.Events = append(m.Events, ev)
	}
	return m
}

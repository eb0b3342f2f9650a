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

// Manifest is manifest.json: what a run generated and what a correct analysis of its files on the
// enterprise tier must find. Times are RFC 3339 in UTC; verdicts are "ok", "near" (at least Warn
// percent of the limit) or "over" (above the limit).
type Manifest struct {
	Generator  string         `json:"generator"`               // "samples/gen"
	Command    string         `json:"command"`                 // the command that writes these files again
	Seed       uint64         `json:"seed"`                    // -seed
	Start      string         `json:"start"`                   // -start, YYYY-MM-DD
	Days       int            `json:"days"`                    // -days
	Window     Window         `json:"window"`                  // the generated days
	Tier       string         `json:"tier"`                    // the tier of the limits and verdicts: "enterprise"
	Warn       int            `json:"warn_percent"`            // the warning threshold of the "near" verdict
	Files      []FileInfo     `json:"files"`                   // one per proxy, EU first
	Totals     Totals         `json:"totals"`                  // both files together
	LineKinds  []KindInfo     `json:"line_kinds"`              // every kind of line but the ordinary request
	Buckets    []BucketStats  `json:"buckets"`                 // each catalog bucket with traffic, in catalog order
	Events     []EventInfo    `json:"events"`                  // the planted events, in the order they are defined
	Status429  map[string]int `json:"status_429_by_bucket"`    // bucket id → requests answered 429
	OverOrNear []string       `json:"enterprise_near_or_over"` // buckets whose peak or rolling peak is not ok
}

// Window is a span of time, [From, To).
type Window struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// FileInfo describes one generated log file, the traffic of one proxy.
type FileInfo struct {
	Name      string         `json:"name"`              // file name, e.g. "okta-egress-eu.log.gz"
	Proxy     string         `json:"proxy"`             // "eu" or "us"
	Offset    string         `json:"utc_offset"`        // the timestamps' offset, e.g. "+0200"
	Format    string         `json:"format"`            // the log format, in words
	Lines     int            `json:"lines"`             // every line, blank ones included
	Requests  int            `json:"requests"`          // lines that are requests
	Skipped   int            `json:"not_requests"`      // lines that are not
	Kinds     map[string]int `json:"kinds"`             // kind name → lines, for every kind but the ordinary request
	First     string         `json:"first_request_utc"` // time of the first request
	Last      string         `json:"last_request_utc"`  // time of the last request
	GzipBytes int64          `json:"gzip_bytes"`        // size of the file
}

// Totals counts the lines of both files together.
type Totals struct {
	Lines          int `json:"lines"`
	Requests       int `json:"requests"`
	NotRequests    int `json:"not_requests"`
	PublicMetadata int `json:"public_metadata"` // requests to public metadata endpoints (never limited)
	OutsideCatalog int `json:"outside_catalog"` // requests no catalog rule covers
}

// KindInfo describes one kind of special line and how many of it each file holds.
type KindInfo struct {
	Kind        string `json:"kind"`        // name, e.g. "tls-handshake"
	Description string `json:"description"` // what such a line looks like
	Request     bool   `json:"is_request"`  // whether a correct analysis counts it as a request
	EU          int    `json:"eu"`          // lines in the EU file
	US          int    `json:"us"`          // lines in the US file
}

// Peak is the largest request count of a bucket in a fixed minute (Minute, its start) or in a
// rolling 60-second window (Start, the window's first second).
type Peak struct {
	Count  int    `json:"count"`
	Minute string `json:"minute,omitempty"`
	Start  string `json:"start,omitempty"`
}

// BucketStats is what a correct analysis must find for one catalog bucket over the whole window.
type BucketStats struct {
	ID          string `json:"id"`                         // catalog bucket id
	Limit       int    `json:"enterprise_limit,omitempty"` // the catalog's enterprise limit
	Requests    int    `json:"requests"`                   // requests in both files
	Peak        Peak   `json:"peak"`                       // fixed-minute peak, both files together
	Rolling     Peak   `json:"rolling_peak"`               // rolling 60-second peak, both files together
	MinutesNear int    `json:"minutes_near"`               // fixed minutes whose verdict is near
	MinutesOver int    `json:"minutes_over"`               // fixed minutes whose verdict is over
	Status      string `json:"status,omitempty"`           // verdict of Peak
	RollStatus  string `json:"rolling_status,omitempty"`   // verdict of Rolling
}

// EventInfo describes one planted event and what a correct analysis must find in its minutes.
type EventInfo struct {
	ID       string       `json:"id"`               // e.g. "b-login-storm"
	Title    string       `json:"title"`            // one line
	What     string       `json:"what"`             // the requests that make it, in words
	Bucket   string       `json:"bucket"`           // catalog id of the bucket its requests count against
	Limit    int          `json:"enterprise_limit"` // that bucket's enterprise limit
	Proxies  []string     `json:"proxies"`          // the proxies its requests go through
	From     string       `json:"from"`             // start of the span it is active in
	To       string       `json:"to"`               // end of that span (exclusive)
	Minutes  []MinuteInfo `json:"minutes"`          // each minute it shapes
	Rolling  Peak         `json:"rolling_peak"`     // rolling peak of windows starting in [From-60s, To)
	Verdict  string       `json:"minute_verdict"`   // verdict of its largest minute count
	RVerdict string       `json:"rolling_verdict"`  // verdict of Rolling
}

// MinuteInfo is one minute an event shapes: its bucket's requests in that minute, background
// included.
type MinuteInfo struct {
	Minute  string `json:"minute"`     // start of the minute
	Count   int    `json:"count"`      // the bucket's requests, both files together
	EU      int    `json:"eu"`         // of which in the EU file
	US      int    `json:"us"`         // of which in the US file
	Planted int    `json:"planted"`    // of which the event added
	Status  string `json:"status"`     // verdict of Count
	S429    int    `json:"status_429"` // the event's requests answered 429
}

// utc formats unix second t as RFC 3339 in UTC.
func utc(t int64) string { return time.Unix(t, 0).UTC().Format(time.RFC3339) }

// verdict judges n requests in a minute or window against limit lim: "over", "near" (at least
// warnPercent of lim), "ok", or "" when lim is 0 (a class that is never flagged).
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

// manifest computes the manifest from the generated records; the files' GzipBytes are left for
// the caller to fill in once the files are written.
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

package report

import "github.com/ratecard/ratecard/classify"

// summary.json's "concurrency" and "client_limits" (Result.Concurrency, Result.ClientLimits): part
// of the contract like the rest of summary.json.

type concurrencyJSON struct {
	Available bool `json:"available"`
	// Peak is the most requests in flight at an instant, At the first such instant (null when no
	// request had a duration); Limit and SecondsOver are the analysed tier's.
	Peak        int                   `json:"peak"`
	At          *string               `json:"at"`
	Limit       int                   `json:"limit"`
	SecondsOver int64                 `json:"seconds_over"`
	Tiers       []concurrencyTierJSON `json:"tiers"`
	// RequestsWithDuration of Requests (the access-log requests) had a duration.
	RequestsWithDuration int64 `json:"requests_with_duration"`
	Requests             int64 `json:"requests"`
	// Busiest are the busiest seconds and what was in flight in them.
	Busiest    []busySecondJSON `json:"busiest_seconds"`
	Throttled  signalJSON       `json:"throttled_429"`
	Violations signalJSON       `json:"violation_events"`
	// WhatToLog says, when no request had a duration, what each input format must log.
	WhatToLog []string `json:"what_to_log"`
}

type concurrencyTierJSON struct {
	Tier        string        `json:"tier"`
	Limit       *int          `json:"limit"` // null: the catalog's edition gives none for the tier
	SecondsOver int64         `json:"seconds_over"`
	Source      docSourceJSON `json:"source"`
	// CurrentLimit is the current page's value where it differs (omitted otherwise).
	CurrentLimit       *int           `json:"current_limit,omitempty"`
	SecondsOverCurrent *int64         `json:"seconds_over_current,omitempty"`
	CurrentSource      *docSourceJSON `json:"current_source,omitempty"`
}

type docSourceJSON struct {
	Title   string `json:"title"`
	URL     string `json:"url"`
	Edition string `json:"edition"`
}

type busySecondJSON struct {
	Second    string             `json:"second"`
	Max       int                `json:"max_in_flight"`
	InFlight  int64              `json:"requests_in_flight"`
	Endpoints []busyEndpointJSON `json:"endpoints"`
	Callers   []busyCallerJSON   `json:"callers"`
	Other     int64              `json:"other_requests"`
}

type busyEndpointJSON struct {
	Bucket   string `json:"bucket"`
	Path     string `json:"path"`
	Requests int64  `json:"requests"`
}

type busyCallerJSON struct {
	Client    string `json:"client"`
	UserAgent string `json:"user_agent"`
	Requests  int64  `json:"requests"`
}

type signalJSON struct {
	Count   int64              `json:"count"`
	Seconds []signalSecondJSON `json:"seconds"`
}

type signalSecondJSON struct {
	Second   string `json:"second"`
	Count    int64  `json:"count"`
	InFlight *int   `json:"in_flight"` // null when no request had a duration
	Below    bool   `json:"below_limit"`
}

type clientLimitsJSON struct {
	PerMinute            int              `json:"per_minute"`
	Concurrent           int              `json:"concurrent"`
	Endpoints            []string         `json:"endpoints"`
	Source               docSourceJSON    `json:"source"`
	Requests             int64            `json:"requests"`
	Clients              int64            `json:"clients"`
	ConcurrencyAvailable bool             `json:"concurrency_available"`
	MinutePeak           countAtJSON      `json:"minute_peak"`     // the most of one client in a 60 s span [at, at+60 s)
	ConcurrentPeak       countAtJSON      `json:"concurrent_peak"` // the most of one client in flight at once, first at at
	ClientsOver          int64            `json:"clients_over"`
	Over                 []clientOverJSON `json:"over"`
}

// countAtJSON is a count and the instant it was first reached (null for a count of 0).
type countAtJSON struct {
	Count int     `json:"count"`
	At    *string `json:"at"`
}

type clientOverJSON struct {
	Client       string  `json:"client"`
	UserAgent    string  `json:"user_agent"`
	Requests     int64   `json:"requests"`
	MinutePeak   int     `json:"minute_peak"`
	MinuteStart  string  `json:"minute_start"`
	Concurrent   int     `json:"concurrent_peak"`
	ConcurrentAt *string `json:"concurrent_at"`
}

func docSource(s classify.DocSource) docSourceJSON { return docSourceJSON{s.Title, s.URL, s.Edition} }

// concurrencySummary is summary.json's "concurrency" (nil when the Result has none).
func concurrencySummary(res *Result) *concurrencyJSON {
	c := res.Concurrency
	if c == nil {
		return nil
	}
	j := &concurrencyJSON{Available: c.Available, Peak: c.Peak, Limit: c.Limit, SecondsOver: c.SecondsOver,
		RequestsWithDuration: c.Requests, Requests: c.Total, Tiers: []concurrencyTierJSON{}, Busiest: []busySecondJSON{},
		WhatToLog: append([]string{}, c.Hints...)}
	if c.Peak > 0 {
		j.At = optTime(c.At)
	}
	for _, t := range c.Tiers {
		tj := concurrencyTierJSON{Tier: t.Tier.String(), SecondsOver: t.SecondsOver, Source: docSource(t.Source)}
		if t.Limit > 0 {
			l := t.Limit
			tj.Limit = &l
		}
		if t.Current > 0 {
			l, n, s := t.Current, t.SecondsOverCurrent, docSource(t.CurrentSource)
			tj.CurrentLimit, tj.SecondsOverCurrent, tj.CurrentSource = &l, &n, &s
		}
		j.Tiers = append(j.Tiers, tj)
	}
	for _, b := range c.Busiest {
		bj := busySecondJSON{Second: rfc3339(b.Second), Max: b.Max, InFlight: b.InFlight, Other: b.Other,
			Endpoints: []busyEndpointJSON{}, Callers: []busyCallerJSON{}}
		for _, e := range b.Endpoints {
			bj.Endpoints = append(bj.Endpoints, busyEndpointJSON{e.Bucket, e.Path, e.Requests})
		}
		for _, cl := range b.Callers {
			bj.Callers = append(bj.Callers, busyCallerJSON{cl.Client, cl.UserAgent, cl.Requests})
		}
		j.Busiest = append(j.Busiest, bj)
	}
	j.Throttled, j.Violations = signalSummary(c.Throttled), signalSummary(c.Violations)
	return j
}

func signalSummary(s ConcurrencySignal) signalJSON {
	j := signalJSON{Count: s.Count, Seconds: []signalSecondJSON{}}
	for _, m := range s.Moments {
		sj := signalSecondJSON{Second: rfc3339(m.Second), Count: m.Count, Below: m.Below}
		if m.InFlight >= 0 {
			n := m.InFlight
			sj.InFlight = &n
		}
		j.Seconds = append(j.Seconds, sj)
	}
	return j
}

// clientLimitsSummary is summary.json's "client_limits" (nil when the Result has none).
func clientLimitsSummary(res *Result) *clientLimitsJSON {
	c := res.ClientLimits
	if c == nil {
		return nil
	}
	j := &clientLimitsJSON{PerMinute: c.PerMinute, Concurrent: c.Concurrent, Endpoints: append([]string{}, c.Endpoints...),
		Source: docSource(c.Source), Requests: c.Requests, Clients: c.Clients, ConcurrencyAvailable: c.ConcurrencyAvailable,
		ClientsOver: c.OverCount, Over: []clientOverJSON{}}
	j.MinutePeak.Count = c.MinutePeak
	if c.MinutePeak > 0 {
		j.MinutePeak.At = optTime(c.MinutePeakAt)
	}
	j.ConcurrentPeak.Count = c.ConcurrentPeak
	if c.ConcurrentPeak > 0 {
		j.ConcurrentPeak.At = optTime(c.ConcurrentPeakAt)
	}
	for _, o := range c.Over {
		oj := clientOverJSON{Client: o.Client, UserAgent: o.UserAgent, Requests: o.Requests, MinutePeak: o.Minute,
			MinuteStart: rfc3339(o.MinuteAt), Concurrent: o.Concurrent}
		if o.Concurrent > 0 {
			oj.ConcurrentAt = optTime(o.ConcurrentAt)
		}
		j.Over = append(j.Over, oj)
	}
	return j
}

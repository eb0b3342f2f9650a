package report

import (
	"time"
)

// zone shows instants to people in the time zone chosen with --tz (Result.Zone), naming it: the
// outputs people read (report.html, summary.md, request.md, the terminal) use it, while
// summary.json and the CSVs stay in UTC. The zero zone is UTC.
//
// In UTC a table names the zone once, in its header ("at (UTC)"), and its cells hold bare times; in
// another zone every time also carries the abbreviation in force at that instant ("03:11 CEST",
// "08:41 UTC+05:30" where the zone has no letters), so that the hour a daylight-saving change
// repeats is never ambiguous.
type zone struct{ loc *time.Location }

// zone is the time zone r's outputs for people show times in.
func (r *Result) zone() zone {
	if r.Zone == nil || r.Zone == time.UTC {
		return zone{}
	}
	return zone{loc: r.Zone}
}

// utc reports whether z is UTC (the default).
func (z zone) utc() bool { return z.loc == nil }

// Name is the zone's name as the user gave it to --tz ("Europe/Berlin"), or "UTC".
func (z zone) Name() string {
	if z.utc() {
		return "UTC"
	}
	return z.loc.String()
}

// in is t in the zone.
func (z zone) in(t time.Time) time.Time {
	if z.utc() {
		return t.UTC()
	}
	return t.In(z.loc)
}

// abbr is the abbreviation of the zone at t: "CEST", "UTC", or "UTC+05:30" where the zone
// database has only a number ("+0530").
func (z zone) abbr(t time.Time) string {
	lt := z.in(t)
	a := lt.Format("MST")
	if a == "" || a[0] == '+' || a[0] == '-' {
		return "UTC" + lt.Format("-07:00")
	}
	return a
}

// cell formats t with layout for a table whose header names the zone: bare in UTC, followed by the
// abbreviation in any other zone.
func (z zone) cell(t time.Time, layout string) string {
	s := z.in(t).Format(layout)
	if z.utc() {
		return s
	}
	return s + " " + z.abbr(t)
}

// at formats t with layout and always names the zone: "2026-10-13 01:11 UTC", "2026-10-13 03:11 CEST".
func (z zone) at(t time.Time, layout string) string {
	if z.utc() {
		return t.UTC().Format(layout) + " UTC"
	}
	return z.cell(t, layout)
}

// span formats [from, to] with layout, naming the zone: "2026-10-12 00:00 to 2026-10-15 00:00 UTC",
// "2026-10-12 02:00 CEST to 2026-10-15 01:00 CET".
func (z zone) span(from, to time.Time, layout string) string { return z.pair(from, to, layout, " to ") }

// pair formats two instants joined by sep, naming the zone once after both in UTC ("08:00 and 09:00
// UTC") and after each in another zone ("10:00 CEST and 10:00 CET").
func (z zone) pair(a, b time.Time, layout, sep string) string {
	if z.utc() {
		return a.UTC().Format(layout) + sep + b.UTC().Format(layout) + " UTC"
	}
	return z.cell(a, layout) + sep + z.cell(b, layout)
}

// offsetSegment is a stretch of time over which the zone's offset from UTC and its abbreviation
// stay the same, from Start on.
type offsetSegment struct {
	Start  time.Time
	Offset int // seconds east of UTC
	Abbr   string
}

// segments are the stretches of constant offset that cover [from, to), in time order: one for UTC
// or a zone without daylight saving, two or three for a month that holds a change.
func (z zone) segments(from, to time.Time) []offsetSegment {
	if z.utc() || !from.Before(to) {
		return []offsetSegment{{Start: from, Abbr: z.abbr(from)}}
	}
	var out []offsetSegment
	for t := from; t.Before(to); {
		lt := t.In(z.loc)
		_, off := lt.Zone()
		out = append(out, offsetSegment{Start: t, Offset: off, Abbr: z.abbr(t)})
		_, end := lt.ZoneBounds()
		if end.IsZero() || !end.After(t) {
			break
		}
		t = end
	}
	return out
}

// localClock returns a function from a Unix second to the zone's wall clock at that instant, as
// seconds since 1970-01-01 00:00 on that wall clock (the Unix second plus the offset then), for
// instants in [from, to) given roughly in time order: it walks segments with a cursor, so a month of
// minutes costs a comparison or two each. Wall-clock seconds divide into days of 86,400 even on the
// 23- and 25-hour days of a daylight-saving change.
func (z zone) localClock(from, to time.Time) func(unix int64) int64 {
	segs := z.segments(from, to)
	if len(segs) == 1 {
		off := int64(segs[0].Offset)
		return func(unix int64) int64 { return unix + off }
	}
	starts := make([]int64, len(segs))
	for i, s := range segs {
		starts[i] = s.Start.Unix()
	}
	i := 0
	return func(unix int64) int64 {
		if unix < starts[i] {
			i = 0
		}
		for i+1 < len(starts) && unix >= starts[i+1] {
			i++
		}
		if unix < starts[i] { // before the first segment: the zone's own offset then
			_, off := time.Unix(unix, 0).In(z.loc).Zone()
			return unix + int64(off)
		}
		return unix + int64(segs[i].Offset)
	}
}

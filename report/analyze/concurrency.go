package analyze

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
)

// The org concurrency analysis: from the per-second counts of an inflight, the most requests in
// flight in every second, exactly. A second's count is settled by the counts alone when no request
// starts inside it (always, for logs of whole seconds); otherwise it lies between the requests in
// flight at its first instant and those plus the starts inside it, and only where that range
// matters (it holds a limit, or reaches the busiest seconds, or the chart or a 429 needs it) is it
// computed exactly, from the intervals that start or end inside it.

const (
	busyTop         = 5   // busiest seconds listed
	busyPool        = 50  // seconds ranked to pick them from
	busyApart       = 60  // seconds between two listed ones at least
	seriesHalf      = 300 // seconds on each side of the peak in the chart
	maxSignalSecond = 20  // seconds with a signal listed
	busyListTop     = 5   // endpoints and callers listed per busy second
	violationEvent  = "core.concurrency.org.limit.violation"
)

// concurrencyFigures is the concurrency analysis before its busy seconds are attributed (which
// needs the requests, in DuckDB).
type concurrencyFigures struct {
	res  *report.Concurrency
	busy []int64 // the busiest seconds listed, Unix seconds
}

// figureConcurrency computes the org concurrency of g against cat's limits for tier, with events
// (the input's System Log rate-limit events) for the reconciliation. in gives the formats of the
// input, for the hints when nothing had a duration.
func figureConcurrency(g *inflight, cat *classify.Catalog, tier classify.Tier, in *report.Input) (*concurrencyFigures, error) {
	res := &report.Concurrency{Requests: g.withDur, Total: g.requests}
	out := &concurrencyFigures{res: res}
	openAt := map[int64]int64{} // the open count of the seconds with a signal
	limits := map[int64]bool{}
	for _, t := range classify.Tiers {
		cl := cat.Concurrency(t)
		res.Tiers = append(res.Tiers, report.ConcurrencyTier{Tier: t, Limit: cl.Limit, Source: cl.Source, Current: cl.Current,
			CurrentSource: cl.CurrentSource})
		for _, l := range []int{cl.Limit, cl.Current} {
			if l > 0 {
				limits[int64(l)] = true
			}
		}
	}
	res.Limit = cat.Concurrency(tier).Limit
	// The limits as a slice, with the seconds over each: the passes below visit every second.
	lims := slices.Sorted(maps.Keys(limits))
	overN := make([]int64, len(lims))
	// The seconds with a signal, whose counts are set beside it.
	sig := map[int64]bool{}
	throttled := signalSeconds(g.c429)
	violations := map[int64]int64{}
	for _, e := range in.Events {
		if strings.EqualFold(e.Type, violationEvent) {
			violations[floorDiv(e.Time, secMicros)]++
		}
	}
	violated := signalSeconds(violations)
	for _, m := range append(slices.Clone(throttled), violated...) {
		sig[m] = true
	}
	if g.withDur == 0 {
		res.Hints = durationHints(in)
	}
	res.Available = g.withDur > 0

	// Pass 1: the busyPool-th largest lower bound, over distinct seconds. It only sorts out the
	// seconds where a request starts inside (inner > 0): a log of whole seconds has none (g.inner is
	// false), and pass 2 alone settles every second.
	var pool topSeconds
	kth := int64(1)
	if g.inner {
		g.eachSecond(func(s, open, inner int64) { pool.push(s, open, open+inner) })
		kth = pool.floor()
	}
	// Pass 2: settle what the counts settle; note the rest.
	want := map[int64]int64{}
	type ambiguous struct{ open, inner int64 }
	amb := map[int64]ambiguous{}
	pool = topSeconds{}
	anySig := len(sig) > 0
	g.eachSecond(func(s, open, inner int64) {
		hi := open + inner
		if anySig && sig[s] {
			openAt[s] = open
			if inner > 0 {
				want[s] = open
			}
		}
		if inner == 0 {
			pool.push(s, open, open)
			for i, l := range lims {
				if open > l {
					overN[i]++
				}
			}
			return
		}
		need := hi >= kth
		for i, l := range lims {
			switch {
			case open > l:
				overN[i]++
			case hi > l:
				need = true
			}
		}
		if need {
			want[s] = open
			amb[s] = ambiguous{open, inner}
		}
	})
	exact, err := g.exactMax(want)
	if err != nil {
		return nil, err
	}
	for s, a := range amb {
		m := exact[s].n
		pool.push(s, m, a.open+a.inner)
		for i, l := range lims {
			if a.open <= l && m > l {
				overN[i]++
			}
		}
	}
	over := map[int64]int64{} // limit -> seconds over
	for i, l := range lims {
		over[l] = overN[i]
	}
	for i := range res.Tiers {
		t := &res.Tiers[i]
		t.SecondsOver = over[int64(t.Limit)]
		if t.Limit == 0 {
			t.SecondsOver = 0
		}
		if t.Current > 0 {
			t.SecondsOverCurrent = over[int64(t.Current)]
		}
		if t.Tier == tier {
			res.SecondsOver = t.SecondsOver
		}
	}
	ranked := pool.sorted()
	if len(ranked) > 0 && ranked[0].n > 0 {
		p := ranked[0]
		res.Peak = int(p.n)
		at := p.s * secMicros
		if e, ok := exact[p.s]; ok {
			at = e.at
		}
		res.At = time.UnixMicro(at).UTC()
		for _, r := range ranked {
			if len(out.busy) == busyTop || r.n == 0 {
				break
			}
			if !slices.ContainsFunc(out.busy, func(b int64) bool { return abs64(b-r.s) < busyApart }) {
				out.busy = append(out.busy, r.s)
				res.Busiest = append(res.Busiest, report.BusySecond{Second: time.Unix(r.s, 0).UTC(), Max: int(r.n), InFlight: r.hi})
			}
		}
		if err := g.series(res, p.s); err != nil {
			return nil, err
		}
	}
	// The signals, beside the computed counts.
	inFlight := func(s int64) int {
		if !res.Available {
			return -1
		}
		if e, ok := exact[s]; ok {
			return int(e.n)
		}
		return int(openAt[s]) // settled: no start inside, the open count is the most
	}
	res.Throttled = signal(g.c429, throttled, inFlight, res.Limit)
	res.Violations = signal(violations, violated, inFlight, res.Limit)
	return out, nil
}

// series fills res.Series: the most in flight in each second of the seriesHalf seconds on each side
// of the peak second p, within the seconds that had traffic.
func (g *inflight) series(res *report.Concurrency, p int64) error {
	from, to := max(p-seriesHalf, g.minS), min(p+seriesHalf, g.maxS)
	vals := make([]int, to-from+1)
	want := map[int64]int64{}
	g.eachSecondTo(to, func(s, open, inner int64) {
		if s < from {
			return
		}
		vals[s-from] = int(open)
		if inner > 0 {
			want[s] = open
		}
	})
	exact, err := g.exactMax(want)
	if err != nil {
		return err
	}
	for s, e := range exact {
		vals[s-from] = int(e.n)
	}
	res.SeriesFrom, res.Series = time.Unix(from, 0).UTC(), vals
	return nil
}

// signalSeconds returns the seconds of a per-second count, in time order.
func signalSeconds(m map[int64]int64) []int64 {
	s := make([]int64, 0, len(m))
	for k := range m {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// signal sums a per-second count and lists its first seconds with the computed most in flight.
func signal(m map[int64]int64, secs []int64, inFlight func(int64) int, limit int) report.ConcurrencySignal {
	var out report.ConcurrencySignal
	for i, s := range secs {
		out.Count += m[s]
		if i < maxSignalSecond {
			f := inFlight(s)
			out.Moments = append(out.Moments, report.SignalMoment{Second: time.Unix(s, 0).UTC(), Count: m[s], InFlight: f,
				Below: f >= 0 && limit > 0 && f <= limit})
		}
	}
	return out
}

// durationHints says, for each format of the input that logged no duration, what to log to get one.
func durationHints(in *report.Input) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range in.Files {
		if seen[f.Format] || f.Requests == 0 {
			continue
		}
		seen[f.Format] = true
		if h := DurationHint(f.Format); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// nginxDurationFormat is nginx's combined log_format with $request_time appended.
const nginxDurationFormat = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time`

// DurationHint says what a log of format must hold for ratecard to know how long each request
// took; "" for the System Log formats, which carry no durations.
func DurationHint(format string) string {
	switch format {
	case "combined", "common", "vhost_combined", "nginx":
		return `nginx: add $request_time to the log_format, e.g. in nginx.conf: log_format okta '` + nginxDurationFormat +
			`'; access_log /var/log/nginx/okta.log okta; and give ratecard the same format: ratecard analyze --log-format '` +
			nginxDurationFormat + `' okta.log (Apache httpd: ratecard reads no duration from its logs)`
	case "alb":
		return "ALB: keep request_creation_time and the processing times (fields 6–8) in the access log entries"
	case "envoy", "envoy-text":
		return "Envoy: keep %DURATION% (\"duration\" in JSON access logs) in the access log format"
	case "caddy":
		return `Caddy: keep the "duration" field (the default; duration_format seconds)`
	case "w3c":
		return "IIS: select the time-taken field in the site's logging fields"
	case "haproxy":
		return "HAProxy: keep the timers field of option httplog (Ta or Tt), or %Ta in a custom log-format"
	case "json":
		return "JSON logs: map the duration with --field duration=KEY (seconds), duration_ms, duration_us or duration_ns, and end_time in place of time when the time is the request's end"
	case "parquet":
		return "Parquet logs: map the duration column with --field duration=KEY (seconds), duration_ms, duration_us or duration_ns, and end_time in place of time when the time is the request's end"
	case "cloudflare":
		return "Cloudflare Logpush: ratecard reads no duration from it"
	}
	return ""
}

// topSeconds keeps the busyPool largest (count, second) pairs: the largest count first, the
// earliest second first among equals.
type topSeconds struct{ list []secCount }

// secCount is a second s with its count n, and hi, the requests in flight at some instant of it
// (open + inner: BusySecond.InFlight).
type secCount struct{ s, n, hi int64 }

func (t *topSeconds) less(a, b secCount) bool { return a.n > b.n || a.n == b.n && a.s < b.s }

func (t *topSeconds) push(s, n, hi int64) {
	if n <= 0 {
		return
	}
	c := secCount{s, n, hi}
	if len(t.list) == busyPool && !t.less(c, t.list[len(t.list)-1]) {
		return
	}
	i, _ := slices.BinarySearchFunc(t.list, c, func(a, b secCount) int {
		if t.less(a, b) {
			return -1
		}
		if t.less(b, a) {
			return 1
		}
		return 0
	})
	t.list = slices.Insert(t.list, i, c)
	if len(t.list) > busyPool {
		t.list = t.list[:busyPool]
	}
}

// floor is the smallest count kept when the pool is full (a second below it cannot enter), else 1.
func (t *topSeconds) floor() int64 {
	if len(t.list) < busyPool {
		return 1
	}
	return t.list[len(t.list)-1].n
}

func (t *topSeconds) sorted() []secCount { return t.list }

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// busyRows is what busy.sql gives for one busy second: how many requests of rate-limited buckets
// were in flight during it, and the top endpoints and callers among them, in its order.
type busyRows struct {
	bucketed  int64
	endpoints []busyEndpointRow
	callers   []busyCallerRow
}

// busyEndpointRow is a bucket and path template (its name; "" without one) with its requests.
type busyEndpointRow struct {
	class uint8
	path  string
	n     int64
}

// busyCallerRow is a client (its id and name as held: "" for an IPv4 address) and user agent (as
// held) with its requests.
type busyCallerRow struct {
	client      uint64
	name, agent string
	n           int64
}

// busyQuery gives the busyRows of the second [lo, hi) with the top busyListTop endpoints and callers.
type busyQuery func(ctx context.Context, lo, hi int64) (busyRows, error)

// attributeBusy fills the busy seconds' endpoints and callers from the requests query reads (those of
// rate-limited buckets the analysis loaded: every request of the minutes busyMinutes asked for), and
// how many of those in flight (BusySecond.InFlight, from the counts) were of no bucket.
func attributeBusy(ctx context.Context, query busyQuery, cat *classify.Catalog, f *concurrencyFigures) error {
	for i, s := range f.busy {
		b := &f.res.Busiest[i]
		rows, err := query(ctx, s*secMicros, (s+1)*secMicros)
		if err != nil {
			return fmt.Errorf("busiest seconds: %w", err)
		}
		for _, e := range rows.endpoints {
			b.Endpoints = append(b.Endpoints, report.BusyEndpoint{Bucket: cat.ClassID(classify.Class(e.class)), Path: e.path, Requests: e.n})
		}
		for _, c := range rows.callers {
			client := c.name
			if c.client&ipv4Flag != 0 {
				client = ipv4Name(c.client)
			} else {
				client = ingest.Redact(client)
			}
			b.Callers = append(b.Callers, report.BusyCaller{Client: client, UserAgent: ingest.Redact(c.agent), Requests: c.n})
		}
		b.Other = max(b.InFlight-rows.bucketed, 0)
	}
	return nil
}

// busyDuckDB is the busyQuery of the requests view of d (busy.sql).
func busyDuckDB(d *duckDB) busyQuery {
	return func(ctx context.Context, lo, hi int64) (busyRows, error) {
		var out busyRows
		rows, err := d.conn.QueryContext(ctx, busySQL, lo, hi, busyListTop)
		if err != nil {
			return out, err
		}
		defer rows.Close()
		for rows.Next() {
			var kind, cl uint8
			var id uint64
			var name, name2 string
			var n int64
			if err := rows.Scan(&kind, &cl, &id, &name, &name2, &n); err != nil {
				return out, err
			}
			switch kind {
			case 0:
				out.bucketed = n
			case 1:
				out.endpoints = append(out.endpoints, busyEndpointRow{class: cl, path: name, n: n})
			case 2:
				out.callers = append(out.callers, busyCallerRow{client: id, name: name, agent: name2, n: n})
			}
		}
		return out, rows.Err()
	}
}

// busyGo is busy.sql over rows held in Go, with the run's names: the requests of rate-limited
// buckets with a duration whose interval [ts, ts+dur) meets [lo, hi), counted, and grouped by bucket
// and path name and by client and user agent name as the SQL groups them, in its order: most
// requests first, then by name, then by class or client id.
func busyGo(rows []rowChunk, n names, lo, hi int64, top int) busyRows {
	type endpoint struct {
		class uint8
		path  string
	}
	type caller struct {
		client uint64
		agent  string
	}
	var out busyRows
	endpoints, callers := map[endpoint]int64{}, map[caller]int64{}
	for ci := range rows {
		c := &rows[ci]
		for k, ts := range c.ts {
			dur := int64(c.dur[k])
			if dur == 0 || ts >= hi || ts+dur <= lo || c.cls[k] >= uint8(classify.MethodUnknown) {
				continue
			}
			out.bucketed++
			endpoints[endpoint{c.cls[k], nameOf(n.paths, c.ids[k]&(1<<32-1))}]++
			callers[caller{c.client[k], nameOf(n.agents, c.ids[k]>>32)}]++
		}
	}
	for e, cnt := range endpoints {
		out.endpoints = append(out.endpoints, busyEndpointRow{class: e.class, path: e.path, n: cnt})
	}
	slices.SortFunc(out.endpoints, func(a, b busyEndpointRow) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.path, b.path), cmp.Compare(a.class, b.class))
	})
	for c, cnt := range callers {
		out.callers = append(out.callers, busyCallerRow{client: c.client, name: nameOf(n.clients, c.client), agent: c.agent, n: cnt})
	}
	slices.SortFunc(out.callers, func(a, b busyCallerRow) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.name, b.name), cmp.Compare(a.agent, b.agent), cmp.Compare(a.client, b.client))
	})
	out.endpoints = out.endpoints[:min(len(out.endpoints), top)]
	out.callers = out.callers[:min(len(out.callers), top)]
	return out
}

// busyMinutes adds to need, for each busy second, every bucket's minutes that a request in flight
// in it may have started in (from the longest duration before it).
func busyMinutes(need *minuteSet, f *concurrencyFigures, g *inflight, buckets int) {
	for _, s := range f.busy {
		from, to := floorDiv(s*secMicros-g.maxDur, minuteMicros), floorDiv(s*secMicros+secMicros-1, minuteMicros)
		for m := from; m <= to; m++ {
			for cl := range buckets {
				need.addNew(uint8(cl), m)
			}
		}
	}
}

// busySQL gives the requests in flight during a busy second, by endpoint and caller.
//
//go:embed busy.sql
var busySQL string

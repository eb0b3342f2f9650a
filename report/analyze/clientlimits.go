package analyze

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
)

// clientRow is a request to an endpoint under Okta's client-based limits (classify.ClientBased):
// its client key (client address and user agent ids), instant and duration, in 24 bytes: dur1 is
// the duration in microseconds plus one, 0 when not logged (durations are cut to maxDurMicros-1 µs,
// 71 minutes).
type clientRow struct {
	client uint64
	ts     int64
	agent  uint32
	dur1   uint32
}

// newClientRow makes the row of a request; dur is -1 when not logged.
func newClientRow(client uint64, agent uint32, ts, dur int64) clientRow {
	r := clientRow{client: client, agent: agent, ts: ts}
	if dur >= 0 {
		r.dur1 = uint32(min(dur, maxDurMicros-1) + 1)
	}
	return r
}

// dur is the request's duration in microseconds, -1 when not logged.
func (r clientRow) dur() int64 { return int64(r.dur1) - 1 }

// addClient holds a request to a client-limited endpoint, in chunks (a slice that grows by
// doubling spent a third of a second copying on the bench month's 650,000).
func (g *inflight) addClient(client uint64, agent uint32, ts, dur int64) {
	n := len(g.clients)
	if n == 0 || len(g.clients[n-1]) == cap(g.clients[n-1]) {
		g.clients = append(g.clients, slabSlice[clientRow](&g.slab, ivChunk))
		n++
	}
	g.clients[n-1] = append(g.clients[n-1], newClientRow(client, agent, ts, dur))
}

// clientCount is the number of requests held by addClient.
func (g *inflight) clientCount() int {
	n := 0
	for _, c := range g.clients {
		n += len(c)
	}
	return n
}

// clientStat is one client key's figures.
type clientStat struct {
	client            uint64
	agent             uint32
	requests          int64
	minute            int64 // most requests in a 60 s span, from minuteAt
	minuteAt          int64
	concurrent        int64 // most in flight at once, at concurrentAt
	concurrentAt      int64
	concurrentVisible bool
}

// clientStats computes, per client key, the most requests in any 60 s span and the most in flight
// at once (an interval that ends at an instant and one that starts there do not overlap), against
// classify.ClientBased, from the held requests alone, without names (nameClients): it runs beside
// the analysis's queries. over is the client keys over a limit, worst first, at most
// report.MaxClientsOver.
func clientStats(g *inflight) (res *report.ClientLimits, over []clientStat) {
	lim := classify.ClientBased
	res = &report.ClientLimits{PerMinute: lim.PerMinute, Concurrent: lim.Concurrent, Endpoints: lim.Endpoints, Source: lim.Source,
		Requests: int64(g.clientCount())}
	var peakMin, peakConc clientStat
	parts := clientParts(int(res.Requests))
	for part := range parts { // the keys of a part are all in it: each key's figures are whole
		rows := groupClientsPart(g.clients, parts, part)
		var scratch []clientEvent
		for i := 0; i < len(rows); {
			j := i
			for j < len(rows) && rows[j].client == rows[i].client && rows[j].agent == rows[i].agent {
				j++
			}
			st := clientFigures(rows[i:j], &scratch)
			res.Clients++
			if st.concurrentVisible {
				res.ConcurrencyAvailable = true
			}
			if st.minute > peakMin.minute || st.minute == peakMin.minute && st.minuteAt < peakMin.minuteAt {
				peakMin = st
			}
			if st.concurrent > peakConc.concurrent || st.concurrent == peakConc.concurrent && st.concurrentAt < peakConc.concurrentAt {
				peakConc = st
			}
			if st.minute > int64(lim.PerMinute) || st.concurrent > int64(lim.Concurrent) {
				over = append(over, st)
			}
			i = j
		}
	}
	if res.Requests > 0 {
		res.MinutePeak, res.MinutePeakAt = int(peakMin.minute), time.UnixMicro(peakMin.minuteAt).UTC()
	}
	if peakConc.concurrent > 0 {
		res.ConcurrentPeak, res.ConcurrentPeakAt = int(peakConc.concurrent), time.UnixMicro(peakConc.concurrentAt).UTC()
	}
	res.OverCount = int64(len(over))
	slices.SortFunc(over, func(a, b clientStat) int {
		return cmp.Or(cmp.Compare(b.minute, a.minute), cmp.Compare(b.concurrent, a.concurrent), cmp.Compare(a.minuteAt, b.minuteAt),
			cmp.Compare(a.client, b.client), cmp.Compare(a.agent, b.agent))
	})
	if len(over) > report.MaxClientsOver {
		over = over[:report.MaxClientsOver]
	}
	return res, over
}

// nameClients sets res.Over from over, the client keys over a limit, with their names from nm, or
// when nm is nil from the source's names tables in d (client host names and user agents masked with
// ingest.Redact).
func nameClients(ctx context.Context, d *duckDB, nm *names, res *report.ClientLimits, over []clientStat) (*report.ClientLimits, error) {
	for _, st := range over {
		var client, agent string
		var err error
		switch {
		case nm != nil && st.client&ipv4Flag != 0:
			client = ipv4Name(st.client)
		case nm != nil:
			client = ingest.Redact(nameOf(nm.clients, st.client))
		default:
			client, err = clientName(ctx, d, st.client)
		}
		if err != nil {
			return nil, err
		}
		if nm != nil {
			agent = nameOf(nm.agents, uint64(st.agent))
		} else if agent, err = lookupName(ctx, d, "agent_names", uint64(st.agent)); err != nil {
			return nil, err
		}
		o := report.ClientOver{Client: client, UserAgent: ingest.Redact(agent), Requests: st.requests, Minute: int(st.minute),
			MinuteAt: time.UnixMicro(st.minuteAt).UTC(), Concurrent: int(st.concurrent)}
		if st.concurrent > 0 {
			o.ConcurrentAt = time.UnixMicro(st.concurrentAt).UTC()
		}
		res.Over = append(res.Over, o)
	}
	return res, nil
}

// clientPartRows is about the most client-limited requests grouped at once: more are grouped in
// parts of whole client keys (by a hash of the key), one part after the other, so that grouping
// takes memory for one part (grouping copies its rows twice) rather than for all.
var clientPartRows = 1 << 20

// clientParts is the number of parts n requests are grouped in.
func clientParts(n int) int { return max(1, (n+clientPartRows-1)/clientPartRows) }

// clientPart is the part of parts a client key is grouped in.
func clientPart(r *clientRow, parts int) int {
	if parts == 1 {
		return 0
	}
	h := (r.client*0x9e3779b97f4a7c15 ^ uint64(r.agent)) * 0xbf58476d1ce4e5b9
	return int((h >> 32) % uint64(parts))
}

// groupClientsPart returns the rows of the chunks whose client key is in part part of parts
// (clientPart; all of them when parts is 1) grouped by client key, the keys in increasing order,
// each group sorted by instant. The key (client id, agent id) packs into 64 bits whenever the ids
// fit (an IPv4 client is 33 bits, a dictionary id and an agent id under 2^31): the rows are then
// radix-sorted by it, stably, so each group keeps the order the rows came in, almost the time order,
// and only a group out of order is sorted (a comparison sort of every row by key and instant took 0.4
// s on the bench month's 650,000 rows, nearly one key each); otherwise they are sorted by comparison.
func groupClientsPart(chunks [][]clientRow, parts, part int) []clientRow {
	n := 0
	for _, c := range chunks {
		if parts == 1 {
			n += len(c)
			continue
		}
		for i := range c {
			if clientPart(&c[i], parts) == part {
				n++
			}
		}
	}
	rows := makeHuge[clientRow](0, n)
	packable := true
	for _, c := range chunks {
		for i := range c {
			if parts == 1 || clientPart(&c[i], parts) == part {
				rows = append(rows, c[i])
				packable = packable && packs(&c[i])
			}
		}
	}
	byTime := func(a, b clientRow) int { return cmp.Compare(a.ts, b.ts) }
	if !packable {
		slices.SortFunc(rows, func(a, b clientRow) int {
			return cmp.Or(cmp.Compare(a.client, b.client), cmp.Compare(a.agent, b.agent), cmp.Compare(a.ts, b.ts))
		})
		return rows
	}
	rows = radixSortRows(rows)
	for i := 0; i < len(rows); {
		j := i + 1
		for j < len(rows) && rows[j].client == rows[i].client && rows[j].agent == rows[i].agent {
			j++
		}
		if part := rows[i:j]; !slices.IsSortedFunc(part, byTime) {
			slices.SortStableFunc(part, byTime)
		}
		i = j
	}
	return rows
}

// packedKey is a row's client key in 64 bits, client<<31 | agent, for a row that packs.
func packedKey(r *clientRow) uint64 { return r.client<<31 | uint64(r.agent) }

// packs reports whether a row's client key fits packedKey: a client under 2^33, an agent under 2^31.
func packs(r *clientRow) bool { return r.client < 1<<33 && r.agent < 1<<31 }

// radixSortRows sorts rows by packedKey, stably, a byte at a time from the lowest, skipping the
// bytes every key shares. The key is computed from the row in each pass: a column of keys moved
// beside the rows would be a third more memory to fill.
func radixSortRows(rows []clientRow) []clientRow {
	var or, and uint64 = 0, ^uint64(0)
	for i := range rows {
		k := packedKey(&rows[i])
		or, and = or|k, and&k
	}
	var tmp []clientRow
	for shift := uint(0); shift < 64; shift += 8 {
		if (or^and)>>shift&0xff == 0 {
			continue // every key has the same byte here
		}
		if tmp == nil {
			tmp = makeHuge[clientRow](len(rows), len(rows))
		}
		var count [257]int
		for i := range rows {
			count[packedKey(&rows[i])>>shift&0xff+1]++
		}
		for b := 1; b < 257; b++ {
			count[b] += count[b-1]
		}
		for i := range rows {
			d := packedKey(&rows[i]) >> shift & 0xff
			tmp[count[d]] = rows[i]
			count[d]++
		}
		rows, tmp = tmp, rows
	}
	return rows
}

// clientEvent is a start (+1) or an end (-1) of a client's request.
type clientEvent struct {
	t int64
	d int64
}

// clientFigures computes one client key's figures from its requests, sorted by instant; scratch is
// reused for the sweep's events.
func clientFigures(rows []clientRow, scratch *[]clientEvent) clientStat {
	st := clientStat{client: rows[0].client, agent: rows[0].agent, requests: int64(len(rows))}
	// The most requests in a 60 s span [ts_i, ts_i + 60 s): every such span's best start is a
	// request's instant.
	k := 0
	for i := range rows {
		for k < len(rows) && rows[k].ts < rows[i].ts+minuteMicros {
			k++
		}
		if n := int64(k - i); n > st.minute {
			st.minute, st.minuteAt = n, rows[i].ts
		}
	}
	// The most in flight at once: a sweep over starts and ends, ends first at equal instants.
	evs := (*scratch)[:0]
	defer func() { *scratch = evs[:0] }()
	for _, r := range rows {
		if r.dur() >= 0 {
			st.concurrentVisible = true
		}
		if d := r.dur(); d > 0 {
			evs = append(evs, clientEvent{r.ts, 1}, clientEvent{r.ts + d, -1})
		}
	}
	slices.SortFunc(evs, func(a, b clientEvent) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.d, b.d)) })
	cur := int64(0)
	for _, e := range evs {
		cur += e.d
		if cur > st.concurrent {
			st.concurrent, st.concurrentAt = cur, e.t
		}
	}
	return st
}

// clientName is the name of a client id: an IPv4 address, or a name of client_names masked with
// ingest.Redact (a host name as logged is raw input text).
func clientName(ctx context.Context, d *duckDB, id uint64) (string, error) {
	if id&ipv4Flag != 0 {
		return ipv4Name(id), nil
	}
	n, err := lookupName(ctx, d, "client_names", id)
	return ingest.Redact(n), err
}

// lookupName returns the name of id in a names table ("" for none).
func lookupName(ctx context.Context, d *duckDB, table string, id uint64) (string, error) {
	var name string
	err := d.conn.QueryRowContext(ctx, `SELECT coalesce(max(name), '') FROM `+table+` WHERE id = ?`, id).Scan(&name)
	if err != nil {
		return "", fmt.Errorf("%s: %w", table, err)
	}
	return name, nil
}

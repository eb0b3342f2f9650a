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
// its client key (client address and user agent ids), instant and duration (-1 when not logged).
type clientRow struct {
	client uint64
	agent  uint32
	ts     int64
	dur    int64
}

// addClient holds a request to a client-limited endpoint.
func (g *inflight) addClient(client uint64, agent uint32, ts, dur int64) {
	g.clients = append(g.clients, clientRow{client: client, agent: agent, ts: ts, dur: dur})
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

// figureClients computes, per client key, the most requests in any 60 s span and the most in flight
// at once (an interval that ends at an instant and one that starts there do not overlap), against
// classify.ClientBased. Names come from the source's names tables (client host names and user agents
// masked with ingest.Redact).
func figureClients(ctx context.Context, d *duckDB, g *inflight) (*report.ClientLimits, error) {
	lim := classify.ClientBased
	res := &report.ClientLimits{PerMinute: lim.PerMinute, Concurrent: lim.Concurrent, Endpoints: lim.Endpoints, Source: lim.Source,
		Requests: int64(len(g.clients))}
	rows := slices.Clone(g.clients)
	slices.SortFunc(rows, func(a, b clientRow) int {
		return cmp.Or(cmp.Compare(a.client, b.client), cmp.Compare(a.agent, b.agent), cmp.Compare(a.ts, b.ts))
	})
	var over []clientStat
	var peakMin, peakConc clientStat
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && rows[j].client == rows[i].client && rows[j].agent == rows[i].agent {
			j++
		}
		st := clientFigures(rows[i:j])
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
	for _, st := range over {
		client, err := clientName(ctx, d, st.client)
		if err != nil {
			return nil, err
		}
		agent, err := lookupName(ctx, d, "agent_names", uint64(st.agent))
		if err != nil {
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

// clientFigures computes one client key's figures from its requests, sorted by instant.
func clientFigures(rows []clientRow) clientStat {
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
	type event struct {
		t int64
		d int64
	}
	var evs []event
	for _, r := range rows {
		if r.dur >= 0 {
			st.concurrentVisible = true
		}
		if r.dur > 0 {
			evs = append(evs, event{r.ts, 1}, event{r.ts + min(r.dur, maxDurMicros), -1})
		}
	}
	slices.SortFunc(evs, func(a, b event) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.d, b.d)) })
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

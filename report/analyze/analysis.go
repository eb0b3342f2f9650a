package analyze

import (
	"context"
	"fmt"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// params choose what an analysis judges against.
type params struct {
	tier classify.Tier
	warn int // warning threshold, percent of the limit
	// principals gives each principal's share of a bucket (nil: classify.DefaultPrincipalShare).
	principals *PrincipalMap
}

// source is the requests an analysis reads: those of one run of the logs, held in Go (live), those
// kept in a store's file (store), or counts of requests per bucket and second (counted).
type source interface {
	// minuteCounts returns the requests' counts per bucket and minute, in the analysed catalog's
	// classes.
	minuteCounts(ctx context.Context) (*minuteCounts, error)
	// peaks sets, on the buckets of f, what needs more than the minute counts: each bucket's rolling
	// 60-second peak and, where the source holds single requests, the drill-down of its hot minutes
	// and the principals' peaks; and returns the figures of the requests' durations and callers
	// (none from counts). in is the input accounting, whose events and files the concurrency
	// figures read.
	peaks(ctx context.Context, f *minuteFigures, cat *classify.Catalog, p params, in *report.Input) (requestFigures, error)
	// methodUnknown returns the groups of method-unknown requests, in the analysed catalog.
	methodUnknown() []report.MethodUnknown
}

// requestFigures are the figures only single requests with their durations and callers give: the
// requests in flight at once and the client-based limits (nil where the source has no requests).
type requestFigures struct {
	concurrency *report.Concurrency
	clients     *report.ClientLimits
}

// goSource is a rowSource that computes the rolling peaks, the drill-down and the busiest seconds'
// endpoints and callers in Go from the requests its load picks, and never opens DuckDB (live).
type goSource interface {
	// rollFrom says, before load, where the rolling peak may start.
	rollFrom(s startList, minTS, maxTS int64)
	// rollingPeaks returns each bucket's rolling peak, after load.
	rollingPeaks() []rollingPeak
	// drillDown sets the drill-down of the hot minutes, after load.
	drillDown(hot minuteList, f *minuteFigures)
	// busiest is the busyQuery of the requests the load picked.
	busiest(ctx context.Context, lo, hi int64) (busyRows, error)
	// dropPicked lets the requests the load picked go, once the analysis is done with them.
	dropPicked()
}

// dbSource is a rowSource whose requests are in DuckDB, where the analysis computes what a goSource
// computes in Go (rolling.sql, drilldown.sql, principals.sql, busy.sql): a store.
type dbSource interface {
	// database is the DuckDB database the analysis's queries run in.
	database() (*duckDB, error)
}

// rowSource is a source of single requests, a goSource (live) or a dbSource (store).
type rowSource interface {
	// load picks at least the requests of the minutes in need (for a store, whose requests view
	// holds them all, nothing to do).
	load(ctx context.Context, need *minuteSet) error
	// names returns the names behind the ids where the source has them in Go (nil: they are in
	// DuckDB's names tables).
	goNames() *names
	// inflight returns the requests' intervals per second and the client-limited requests, for the
	// concurrency analysis; it is called before load.
	inflight(ctx context.Context) (*inflight, error)
	// principals returns the requests with a principal counted per bucket, principal and minute,
	// and the principals' names, where the source counted them as they came (nil: the peaks are
	// computed in SQL from the requests loaded, every request with a principal among them).
	principals() (prinCounts, []string)
}

// analyze computes the analysis of src's requests against cat; in is the input accounting, copied
// into the result.
//
// Everything that depends only on the minute counts is computed in Go (figureMinutes): the series,
// totals, minute peaks, percentiles, minutes near and over, and where the rolling peak may start.
// The source then sets what needs more (source.peaks): for requests in DuckDB, rowPeaks.
func analyze(ctx context.Context, src source, cat *classify.Catalog, p params, in report.Input) (*report.Result, error) {
	counts, err := src.minuteCounts(ctx)
	if err != nil {
		return nil, err
	}
	f, err := figureMinutes(counts, cat, p)
	if err != nil {
		return nil, err
	}
	trace("minutes")
	rf, err := src.peaks(ctx, f, cat, p, &in)
	if err != nil {
		return nil, err
	}

	res := &report.Result{Catalog: cat.Name, Tier: p.tier, WarnPercent: p.warn, Input: in,
		PublicMetadata: f.public, OutsideCatalog: f.others, MethodUnknown: src.methodUnknown(),
		Concurrency: rf.concurrency, ClientLimits: rf.clients}
	for _, t := range classify.Tiers {
		res.TierTitles[t] = cat.TierTitle(t)
	}
	if f.any {
		res.From = time.UnixMicro(f.minTS).UTC().Truncate(time.Minute)
		res.To = time.UnixMicro(f.maxTS).UTC().Truncate(time.Minute).Add(time.Minute)
	}
	for cl, l := range f.learned {
		if b := f.buckets[cl]; b != nil {
			b.LearnedLimit, b.LearnedCount = l.limit, l.count
		}
	}
	for i := range cat.Buckets {
		if b := f.buckets[i]; b != nil {
			res.Buckets = append(res.Buckets, *b)
		}
	}
	res.Tiers = tierResults(res.Buckets, f.overByTier)
	res.Events = matchEvents(cat, p.tier, in.Events, res.Buckets)
	setEventThresholds(res)
	setChartWindow(res)
	return res, nil
}

// analyzeLearned is analyze, followed, when learned is set and the first analysis found limits Okta
// announced in the input (learnedOverrides), by a second analysis against them.
func analyzeLearned(ctx context.Context, src source, cat *classify.Catalog, p params, in report.Input, learned bool) (*report.Result, error) {
	res, err := analyze(ctx, src, cat, p, in)
	if err != nil || !learned {
		return res, err
	}
	ov := learnedOverrides(res)
	if ov == nil {
		return res, nil
	}
	if cat, err = cat.WithOverrides(ov); err != nil {
		return nil, err
	}
	return analyze(ctx, src, cat, p, in)
}

// clientsBesideMax is the most client-limited requests whose figures are computed beside the
// analysis's queries (2 M: 64 MiB, 130 MiB more while they are grouped); more wait for the rows
// to be loaded and let go.
var clientsBesideMax = 2 << 20

// rowPeaks sets the peaks that need single requests: the source picks the requests of the minutes
// holding the rolling peak's starts, of the minutes after them, of the flagged minutes and of the
// minutes in flight in the busiest seconds, and the rolling peak (rolling.go), the drill-down of the
// hot minutes and the principals' peaks (drilldown.go) come from them, and who was in flight in the
// busiest seconds. A live run computes them all in Go (goSource); a store computes them in DuckDB,
// from its starts and flagged minutes as two small tables. The requests' intervals
// give the concurrency figures (concurrency.go) and the client-based limits (clientlimits.go).
func rowPeaks(ctx context.Context, src rowSource, f *minuteFigures, cat *classify.Catalog, p params, in *report.Input) (requestFigures, error) {
	// A store's DuckDB, with a thread per CPU the process may use, once first needed.
	var d *duckDB
	db := func() (*duckDB, error) {
		if d != nil {
			return d, nil
		}
		ds, ok := src.(dbSource)
		if !ok {
			return nil, fmt.Errorf("the analysis of a %T asked for a database it does not have", src)
		}
		dd, err := ds.database()
		if err != nil {
			return nil, err
		}
		if _, err := dd.conn.ExecContext(ctx, analysisThreads()); err != nil {
			return nil, fmt.Errorf("duckdb threads: %w", err)
		}
		d = dd
		return d, nil
	}
	need := newMinuteSet(floorDiv(f.minTS, minuteMicros), floorDiv(f.maxTS, minuteMicros))
	for i, cl := range f.starts.cls {
		need.addNew(cl, f.starts.m[i])
		need.addNew(cl, f.starts.m[i]+1)
	}
	for i, cl := range f.flagged.cls {
		need.addNew(cl, f.flagged.m[i])
	}
	fl, err := src.inflight(ctx)
	if err != nil {
		return requestFigures{}, err
	}
	// The client-based limits need the held requests alone: they are figured while the rest runs,
	// unless they are many (grouping them takes about twice their memory, which the loading of the
	// needed rows should not have to share).
	type clientFigures struct {
		res  *report.ClientLimits
		over []clientStat
	}
	clientsDone := make(chan clientFigures, 1)
	figure := func() {
		res, over := clientStats(fl)
		clientsDone <- clientFigures{res, over}
	}
	beside := fl.clientCount() <= clientsBesideMax
	if beside {
		go figure()
		defer func() { <-clientsDone }() // not left running on an error
	}
	conc, err := figureConcurrency(fl, cat, p.tier, in)
	if err != nil {
		return requestFigures{}, err
	}
	busyMinutes(need, conc, fl, len(cat.Buckets))
	trace("concurrency")
	// A live run computes the rolling peak, the drill-down and the busiest seconds' callers in Go,
	// from the requests its load picks, and never opens DuckDB; a store computes them in DuckDB.
	gs, _ := src.(goSource)
	if gs != nil {
		gs.rollFrom(f.starts, f.minTS, f.maxTS)
	} else {
		if _, err := db(); err != nil {
			return requestFigures{}, err
		}
		if err := createStartsTable(d, f.starts); err != nil {
			return requestFigures{}, err
		}
		if err := createMinuteTable(d, "flagged", f.flagged); err != nil {
			return requestFigures{}, err
		}
	}
	if err := src.load(ctx, need); err != nil {
		return requestFigures{}, err
	}
	trace("needed rows loaded")
	if gs != nil {
		if err := setRollingPeaks(f, gs.rollingPeaks(), p.warn); err != nil {
			return requestFigures{}, err
		}
	} else {
		if err := d.exec(ctx, pickedSQL); err != nil {
			return requestFigures{}, fmt.Errorf("picked requests: %w", err)
		}
		if err := rollingPeaks(ctx, d, f, p.warn); err != nil {
			return requestFigures{}, err
		}
	}
	trace("rolling peaks")
	if hot := f.hotMinutes(p.tier); gs != nil {
		gs.drillDown(hot, f)
	} else {
		if err := createMinuteTable(d, "hot", hot); err != nil {
			return requestFigures{}, err
		}
		if err := drillDown(ctx, d, f); err != nil {
			return requestFigures{}, err
		}
	}
	trace("drill-down")
	if pc, names := src.principals(); pc != nil {
		principalPeaksGo(pc, names, p, f)
	} else if err := principalPeaks(ctx, d, p, f); err != nil { // a store: d is open
		return requestFigures{}, err
	}
	trace("principal peaks")
	query := busyQuery(nil)
	if gs != nil {
		query = gs.busiest
	} else if len(conc.busy) > 0 {
		query = busyDuckDB(d) // a store: d is open
	}
	if err := attributeBusy(ctx, query, cat, conc); err != nil {
		return requestFigures{}, err
	}
	if gs != nil {
		gs.dropPicked()
	}
	trace("busiest seconds")
	if !beside {
		figure()
	}
	cf := <-clientsDone
	if beside {
		clientsDone <- cf // for the deferred receive
	}
	nm := src.goNames()
	if nm == nil && len(cf.over) > 0 {
		if _, err := db(); err != nil {
			return requestFigures{}, err
		}
	}
	clients, err := nameClients(ctx, d, nm, cf.res, cf.over)
	if err != nil {
		return requestFigures{}, err
	}
	trace("client limits")
	return requestFigures{concurrency: conc.res, clients: clients}, nil
}

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
	// and the principals' peaks.
	peaks(ctx context.Context, f *minuteFigures, p params) error
	// methodUnknown returns the groups of method-unknown requests, in the analysed catalog.
	methodUnknown() []report.MethodUnknown
}

// rowSource is a source whose single requests are in DuckDB: live and store.
type rowSource interface {
	// load makes DuckDB's requests view hold at least the requests of the minutes in need and every
	// request with a principal.
	load(ctx context.Context, need *minuteSet) error
	// database is the DuckDB database the analysis's queries run in.
	database() *duckDB
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
	if err := src.peaks(ctx, f, p); err != nil {
		return nil, err
	}

	res := &report.Result{Catalog: cat.Name, Tier: p.tier, WarnPercent: p.warn, Input: in,
		PublicMetadata: f.public, OutsideCatalog: f.others, MethodUnknown: src.methodUnknown()}
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

// rowPeaks sets the peaks that need single requests from DuckDB: DuckDB gets the rolling peak's starts
// and the flagged minutes as two small tables and the requests of their minutes, and computes the
// rolling peak (rolling.go), the drill-down of the hot minutes and the principals' peaks
// (drilldown.go).
func rowPeaks(ctx context.Context, src rowSource, f *minuteFigures, p params) error {
	d := src.database()
	if _, err := d.conn.ExecContext(ctx, analysisThreads); err != nil {
		return fmt.Errorf("duckdb threads: %w", err)
	}
	need := newMinuteSet(floorDiv(f.minTS, minuteMicros), floorDiv(f.maxTS, minuteMicros))
	for i, cl := range f.starts.cls {
		need.addNew(cl, f.starts.m[i])
		need.addNew(cl, f.starts.m[i]+1)
	}
	for i, cl := range f.flagged.cls {
		need.addNew(cl, f.flagged.m[i])
	}
	if err := createStartsTable(d, f.starts); err != nil {
		return err
	}
	if err := createMinuteTable(d, "flagged", f.flagged); err != nil {
		return err
	}
	if err := src.load(ctx, need); err != nil {
		return err
	}
	trace("needed rows loaded")
	if err := d.exec(ctx, rollingSQL); err != nil {
		return fmt.Errorf("rolling peak: %w", err)
	}
	if err := rollingPeaks(ctx, d, f, p.warn); err != nil {
		return err
	}
	trace("rolling peaks")
	if err := createMinuteTable(d, "hot", f.hotMinutes(p.tier)); err != nil {
		return err
	}
	if err := drillDown(ctx, d, f); err != nil {
		return err
	}
	trace("drill-down")
	if err := principalPeaks(ctx, d, p, f); err != nil {
		return err
	}
	trace("principal peaks")
	return nil
}

package analyze

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// The comparison of catalogs. The two built-in catalogs disagree on the lower tiers (seed, the older
// edition, gives One App a quarter of okta-2025's apps limit), so a run says whether the other one
// would change a verdict or the recommendation (report.Result.Other). That needs every request
// classified in the other catalog too: the parsers' route cache keeps both classes of a request line,
// so a request costs one more counter increment, in the worker that parsed it (otherCounts), and the
// workers' counts are summed at the end. The comparison is by minute peak: the other catalog's rolling
// peak, which needs the requests themselves in DuckDB, is not computed. A store keeps the class of
// every request in every built-in catalog; opened again, it counts the other catalog's minutes in SQL
// (store_other.sql).

// otherCounts is the number of requests per class and UTC minute, in pages of pageMinutes minutes
// (bounded like minuteCounts' pages, past which minutes are counted one by one).
type otherCounts struct {
	pages map[pageKey]*otherPage
	last  [256]struct {
		page int64
		p    *otherPage
	}
	spill map[minuteKey]int64
}

type otherPage [pageMinutes]uint32

func newOtherCounts() *otherCounts {
	return &otherCounts{pages: map[pageKey]*otherPage{}, spill: map[minuteKey]int64{}}
}

// add counts one request at UTC instant ts (Unix microseconds) in class cl; the never-flagged classes
// and method-unknown requests are not counted.
func (o *otherCounts) add(ts int64, cl uint8) {
	if cl >= uint8(classify.MethodUnknown) {
		return
	}
	m := floorDiv(ts, minuteMicros)
	page := m >> pageBits
	l := &o.last[cl]
	if l.p == nil || l.page != page {
		k := pageKey{page: page, class: cl}
		p := o.pages[k]
		if p == nil {
			if len(o.pages) >= maxPages {
				o.spill[minuteKey{m: m, class: cl}]++
				return
			}
			p = new(otherPage)
			o.pages[k] = p
		}
		l.page, l.p = page, p
	}
	l.p[m&(pageMinutes-1)]++
}

// each calls f for every non-empty minute, in no particular order.
func (o *otherCounts) each(f func(cl uint8, m, n int64)) {
	for k, p := range o.pages {
		for i, n := range p {
			if n > 0 {
				f(k.class, k.page<<pageBits|int64(i), int64(n))
			}
		}
	}
	for k, n := range o.spill {
		f(k.class, k.m, n)
	}
}

// merge adds x's counts to o's.
func (o *otherCounts) merge(x *otherCounts) {
	for k, xp := range x.pages {
		p := o.pages[k]
		if p == nil && len(o.pages) < maxPages {
			p = new(otherPage)
			o.pages[k] = p
		}
		for i, n := range xp {
			switch {
			case n == 0:
			case p != nil:
				p[i] += n
			default:
				o.spill[minuteKey{m: k.page<<pageBits | int64(i), class: k.class}] += int64(n)
			}
		}
	}
	for k, n := range x.spill {
		if p := o.pages[pageKey{page: k.m >> pageBits, class: k.class}]; p != nil {
			p[k.m&(pageMinutes-1)] += uint32(n)
		} else {
			o.spill[k] += n
		}
	}
}

// otherPeak is one class's requests, its busiest minute's count and that minute (the earliest on
// ties).
type otherPeak struct {
	requests, peak, minute int64
}

// peaks returns every class's otherPeak.
func (o *otherCounts) peaks() map[uint8]otherPeak {
	out := map[uint8]otherPeak{}
	o.each(func(cl uint8, m, n int64) {
		p, ok := out[cl]
		p.requests += n
		if !ok || n > p.peak || n == p.peak && m < p.minute {
			p.peak, p.minute = n, m
		}
		out[cl] = p
	})
	return out
}

// result is the comparison's side of Result: cat's buckets with traffic, in catalog order.
func (o *otherCounts) result(cat *classify.Catalog) *report.OtherCatalog {
	return otherResult(cat, o.peaks())
}

// otherResult makes Result.Other from each class's peak in cat.
func otherResult(cat *classify.Catalog, peaks map[uint8]otherPeak) *report.OtherCatalog {
	out := &report.OtherCatalog{Catalog: cat.Name}
	for _, t := range classify.Tiers {
		out.TierTitles[t] = cat.TierTitle(t)
	}
	classes := make([]uint8, 0, len(peaks))
	for cl := range peaks {
		classes = append(classes, cl)
	}
	slices.Sort(classes)
	for _, cl := range classes {
		b, ok := cat.Bucket(classify.Class(cl))
		if !ok {
			continue
		}
		p := peaks[cl]
		out.Buckets = append(out.Buckets, report.OtherBucket{Bucket: b, Requests: p.requests, Peak: p.peak,
			PeakMinute: time.Unix(p.minute*60, 0).UTC()})
	}
	return out
}

// storeOtherSQL counts a store's requests per bucket of the other catalog, with its busiest minute.
//
//go:embed store_other.sql
var storeOtherSQL string

// otherCatalog counts, in SQL, the store's requests in the classes of the built-in catalog called
// name (its class column), for Result.Other; nil when name is "" or the store was made without it.
func (s *store) otherCatalog(ctx context.Context, name string) (*report.OtherCatalog, error) {
	if name == "" {
		return nil, nil
	}
	var catsJSON string
	if err := s.db.conn.QueryRowContext(ctx, `SELECT value FROM ratecard_meta WHERE key = 'catalogs'`).Scan(&catsJSON); err != nil {
		return nil, fmt.Errorf("catalogs: %w", err)
	}
	var names []string
	if err := json.Unmarshal([]byte(catsJSON), &names); err != nil {
		return nil, fmt.Errorf("catalogs: %w", err)
	}
	col := slices.Index(names, name)
	if col < 0 {
		return nil, nil
	}
	cat, err := classify.Load(name)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.conn.QueryContext(ctx, strings.ReplaceAll(storeOtherSQL, "CLASS_COLUMN", fmt.Sprintf("c%d", col)))
	if err != nil {
		return nil, fmt.Errorf("other catalog: %w", err)
	}
	defer rows.Close()
	peaks := map[uint8]otherPeak{}
	for rows.Next() {
		var cl uint8
		var p otherPeak
		if err := rows.Scan(&cl, &p.requests, &p.peak, &p.minute); err != nil {
			return nil, fmt.Errorf("other catalog: %w", err)
		}
		peaks[cl] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("other catalog: %w", err)
	}
	return otherResult(cat, peaks), nil
}

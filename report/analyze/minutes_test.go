package analyze

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ratecard/ratecard/classify"
)

// minuteOracleSQL computes, in DuckDB, what figureMinutes computes in Go from a table minutes (class,
// m, n, n429) and a table limits (class, tier, lim; NULL where the tier does not offer the bucket):
// each class's total, minute peak and its earliest minute, 429s and the minutes with any, p95 and p99
// of the non-empty minutes (quantile_disc, as the analysis defines them), and the minutes near and
// over on each tier (columns near0, over0, … per tier, filled in by the test).
const minuteOracleSQL = `
WITH tot AS (SELECT class, sum(n)::BIGINT AS requests, max(n) AS peak, sum(n429)::BIGINT AS n429,
             count(*) FILTER (WHERE n429 > 0)::BIGINT AS m429 FROM minutes GROUP BY class),
pk AS (SELECT m.class, min(m.m) AS m FROM minutes m JOIN tot ON m.class = tot.class AND m.n = tot.peak GROUP BY m.class),
lp AS (SELECT class PIVOTS FROM limits GROUP BY class)
SELECT tot.class, tot.requests, tot.peak, pk.m, tot.n429, tot.m429,
       quantile_disc(mi.n, 0.95)::BIGINT, quantile_disc(mi.n, 0.99)::BIGINT COUNTS
FROM minutes mi JOIN tot USING (class) JOIN pk USING (class) LEFT JOIN lp USING (class)
GROUP BY tot.class, tot.requests, tot.peak, pk.m, tot.n429, tot.m429 ORDER BY tot.class`

// TestMinuteFiguresMatchSQL checks the figures computed in Go from the minute counts against DuckDB
// computing them in SQL from the same minutes: totals, minute peaks (the earliest minute on ties),
// 429s, percentiles (small and large counts, many ties), minutes near and over on every tier, the
// distinct minutes over per tier, and the flagged minutes of the chosen tier; and that figuring the
// classes in parallel runs changes nothing.
func TestMinuteFiguresMatchSQL(t *testing.T) {
	cat := classify.Seed()
	rng := rand.New(rand.NewPCG(21, 34))
	ctx := context.Background()
	d, err := openDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	var limits []string
	for i := range cat.Buckets {
		for _, tier := range classify.Tiers {
			lim := "NULL"
			if l := cat.Buckets[i].Limit(tier); l != classify.NA {
				lim = fmt.Sprint(l)
			}
			limits = append(limits, fmt.Sprintf("(%d, %d, %s)", i, tier, lim))
		}
	}
	if err := d.exec(ctx, `CREATE TABLE limits (class UTINYINT, tier UTINYINT, lim INTEGER); INSERT INTO limits VALUES `+strings.Join(limits, ", ")); err != nil {
		t.Fatal(err)
	}
	var pivots, counts strings.Builder
	for tier := range classify.NumTiers {
		fmt.Fprintf(&pivots, ", max(lim) FILTER (WHERE tier = %d) AS l%d", tier, tier)
		fmt.Fprintf(&counts, ", count(*) FILTER (WHERE mi.n * 100 >= WARN * l%[1]d AND mi.n <= l%[1]d)::BIGINT, count(*) FILTER (WHERE mi.n > l%[1]d)::BIGINT", tier)
	}
	schema := arrow.NewSchema(int64Fields([]arrow.Field{{Name: "class", Type: arrow.PrimitiveTypes.Uint8}}, "m", "n", "n429"), nil)
	for round := range 40 {
		p := params{tier: classify.Tier(round % classify.NumTiers), warn: 30 + round%61}
		c := newMinuteCounts()
		var cls []uint8
		var ms, ns, n429s []int64
		for range 1 + rng.IntN(5) {
			cl := uint8(rng.IntN(len(cat.Buckets)))
			if slices.Contains(cls, cl) {
				continue
			}
			scale := []int64{3, 40, 700, 5000, 100_000}[rng.IntN(5)] // small counts are counted, large ones sorted
			base := int64(rng.IntN(100_000) - 50_000)
			for m := base; m < base+int64(1+rng.IntN(3000)); m++ {
				if rng.IntN(3) == 0 {
					continue // a minute without traffic
				}
				n := 1 + rng.Int64N(scale)
				cell := c.cell(cl, m)
				for n > 0 { // spread over the ten-second steps
					k := min(n, 1+rng.Int64N(n))
					cell.steps[rng.IntN(6)] += uint32(k)
					n -= k
				}
				if rng.IntN(5) == 0 {
					cell.n429 = uint32(rng.Int64N(cell.n() + 1))
				}
				if !c.any {
					c.any, c.minTS, c.maxTS = true, m*minuteMicros, m*minuteMicros
				}
				c.minTS, c.maxTS = min(c.minTS, m*minuteMicros), max(c.maxTS, m*minuteMicros)
				cls, ms, ns, n429s = append(cls, cl), append(ms, m), append(ns, cell.n()), append(n429s, int64(cell.n429))
			}
		}
		f, err := figureMinutes(c, cat, p)
		if err != nil {
			t.Fatal(err)
		}
		// The classes figured in runs, in parallel, give what one run gives.
		for _, n := range []int{1, 2, 3, 7} {
			g, err := figureMinutesIn(c, cat, p, n)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(f, g) {
				t.Fatalf("round %d: the figures in %d runs differ from GOMAXPROCS runs'", round, n)
			}
		}
		rec := classRecord(schema, cls, ms, ns, n429s)
		err = d.createFromArrow(rec, `CREATE OR REPLACE TABLE minutes AS SELECT * FROM arrow_view`)
		rec.Release()
		if err != nil {
			t.Fatal(err)
		}
		q := strings.Replace(strings.Replace(minuteOracleSQL, "PIVOTS", pivots.String(), 1), "COUNTS", strings.ReplaceAll(counts.String(), "WARN", fmt.Sprint(p.warn)), 1)
		rows, err := d.conn.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for rows.Next() {
			var cl uint8
			var requests, peak, peakMin, n429, m429, p95, p99 int64
			var nearOver [2 * classify.NumTiers]int64
			dest := []any{&cl, &requests, &peak, &peakMin, &n429, &m429, &p95, &p99}
			for k := range nearOver {
				dest = append(dest, &nearOver[k])
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			seen++
			b := f.buckets[cl]
			if b == nil {
				t.Fatalf("round %d: class %d has minutes but no figures", round, cl)
			}
			if b.Requests != requests || b.Peak != peak || b.PeakMinute != time.Unix(peakMin*60, 0).UTC() || b.Throttled != n429 || b.ThrottledMinutes != m429 {
				t.Errorf("round %d %s: requests %d peak %d at %v 429 %d in %d; SQL %d, %d at minute %d, %d in %d", round, b.Bucket.ID,
					b.Requests, b.Peak, b.PeakMinute, b.Throttled, b.ThrottledMinutes, requests, peak, peakMin, n429, m429)
			}
			if b.P95 != p95 || b.P99 != p99 {
				t.Errorf("round %d %s (%d minutes): p95 %d p99 %d; SQL quantile_disc %d, %d", round, b.Bucket.ID, len(b.Minutes), b.P95, b.P99, p95, p99)
			}
			for tier := range classify.NumTiers {
				if v := b.ByTier[tier]; v.MinutesNear != nearOver[2*tier] || v.MinutesOver != nearOver[2*tier+1] {
					t.Errorf("round %d %s tier %d: %d near %d over; SQL %d, %d", round, b.Bucket.ID, tier, v.MinutesNear, v.MinutesOver, nearOver[2*tier], nearOver[2*tier+1])
				}
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if n := countNonNil(f); n != seen {
			t.Errorf("round %d: %d buckets with figures, %d in SQL", round, n, seen)
		}
		for tier := range classify.NumTiers {
			var want int64
			err := d.conn.QueryRowContext(ctx, `SELECT count(DISTINCT m.m) FROM minutes m JOIN limits l USING (class) WHERE l.tier = ? AND m.n > l.lim`, tier).Scan(&want)
			if err != nil {
				t.Fatal(err)
			}
			if f.overByTier[tier] != want {
				t.Errorf("round %d tier %d: %d minutes over, SQL %d", round, tier, f.overByTier[tier], want)
			}
		}
		var flagged []string
		rows, err = d.conn.QueryContext(ctx, `SELECT m.class, m.m FROM minutes m JOIN limits l USING (class)
			WHERE l.tier = ? AND (l.lim IS NULL OR m.n * 100 >= ? * l.lim) ORDER BY m.class, m.m`, int(p.tier), p.warn)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var cl uint8
			var m int64
			if err := rows.Scan(&cl, &m); err != nil {
				t.Fatal(err)
			}
			flagged = append(flagged, fmt.Sprint(cl, ":", m))
		}
		rows.Close()
		var got []string
		for i, cl := range f.flagged.cls {
			got = append(got, fmt.Sprint(cl, ":", f.flagged.m[i]))
		}
		if !slices.Equal(got, flagged) {
			t.Errorf("round %d: %d flagged minutes, SQL %d", round, len(got), len(flagged))
		}
	}
}

func countNonNil(f *minuteFigures) int {
	n := 0
	for _, b := range f.buckets {
		if b != nil {
			n++
		}
	}
	return n
}

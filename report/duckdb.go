package report

// This file is the only place that touches DuckDB (and so cgo). Request rows go in as Arrow record
// batches; the analysis comes out as the plain structs of result.go.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/marcboeker/go-duckdb"

	"github.com/ratecard/ratecard/classify"
)

// batchRows is the number of rows per Arrow record batch: DuckDB's row-group size, so each batch
// lands in DuckDB as one chunk of work and Go holds at most one batch at a time.
const batchRows = 122_880

// requestSchema is the layout of the rows handed to DuckDB: the request's UTC instant in Unix
// microseconds and its class (a bucket index, or classify.PublicMetadata / classify.OutsideCatalog).
var requestSchema = arrow.NewSchema([]arrow.Field{
	{Name: "ts", Type: arrow.PrimitiveTypes.Int64},
	{Name: "class", Type: arrow.PrimitiveTypes.Uint8},
}, nil)

// Analyzer loads classified requests into an embedded, in-memory DuckDB database and computes the
// per-bucket analysis. It is not safe for concurrent use.
type Analyzer struct {
	cat   *classify.Catalog
	db    *sql.DB
	conn  *sql.Conn // one connection: the Arrow views are local to it
	b     *array.RecordBuilder
	ts    *array.Int64Builder
	cls   *array.Uint8Builder
	n     int // rows in the current batch
	batch int // batches flushed so far (names the temporary views)
}

// NewAnalyzer opens an in-process DuckDB database for one analysis against the catalog cat.
func NewAnalyzer(cat *classify.Catalog) (*Analyzer, error) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	db := sql.OpenDB(connector)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open duckdb connection: %w", err)
	}
	a := &Analyzer{cat: cat, db: db, conn: conn}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE requests (ts BIGINT NOT NULL, class UTINYINT NOT NULL)`); err != nil {
		a.Close()
		return nil, fmt.Errorf("create requests table: %w", err)
	}
	a.b = array.NewRecordBuilder(memory.NewGoAllocator(), requestSchema)
	a.ts = a.b.Field(0).(*array.Int64Builder)
	a.cls = a.b.Field(1).(*array.Uint8Builder)
	a.ts.Reserve(batchRows)
	a.cls.Reserve(batchRows)
	return a, nil
}

// Add records one request at UTC instant tsMicros (Unix microseconds) in class cl.
func (a *Analyzer) Add(tsMicros int64, cl classify.Class) error {
	a.ts.UnsafeAppend(tsMicros)
	a.cls.UnsafeAppend(uint8(cl))
	a.n++
	if a.n == batchRows {
		return a.flush()
	}
	return nil
}

// AddBatch records len(ts) requests at once: ts[i] is a UTC instant in Unix microseconds and cls[i]
// its class. The slices become the Arrow record batch handed to DuckDB without a copy; they are not
// kept after AddBatch returns, so the caller may reuse them. len(cls) must equal len(ts).
func (a *Analyzer) AddBatch(ts []int64, cls []uint8) error {
	if len(ts) != len(cls) {
		return fmt.Errorf("AddBatch: %d instants but %d classes", len(ts), len(cls))
	}
	if len(ts) == 0 {
		return nil
	}
	if err := a.flush(); err != nil { // rows from Add first, so nothing is reordered needlessly
		return err
	}
	n := len(ts)
	tsData := array.NewData(arrow.PrimitiveTypes.Int64, n,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(ts))}, nil, 0, 0)
	defer tsData.Release()
	clsData := array.NewData(arrow.PrimitiveTypes.Uint8, n,
		[]*memory.Buffer{nil, memory.NewBufferBytes(cls)}, nil, 0, 0)
	defer clsData.Release()
	tsArr, clsArr := array.NewInt64Data(tsData), array.NewUint8Data(clsData)
	defer tsArr.Release()
	defer clsArr.Release()
	rec := array.NewRecordBatch(requestSchema, []arrow.Array{tsArr, clsArr}, int64(n))
	defer rec.Release()
	return a.load(rec)
}

// flush moves the rows collected by Add into the DuckDB requests table.
func (a *Analyzer) flush() error {
	if a.n == 0 {
		return nil
	}
	rec := a.b.NewRecordBatch()
	defer rec.Release()
	a.n = 0
	a.ts.Reserve(batchRows)
	a.cls.Reserve(batchRows)
	return a.load(rec)
}

// load inserts one Arrow record batch into the requests table through a temporary view.
func (a *Analyzer) load(rec arrow.RecordBatch) error {
	rr, err := array.NewRecordReader(requestSchema, []arrow.RecordBatch{rec})
	if err != nil {
		return fmt.Errorf("arrow reader: %w", err)
	}
	defer rr.Release()
	name := fmt.Sprintf("arrow_batch_%d", a.batch)
	a.batch++
	ctx := context.Background()
	return a.conn.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return fmt.Errorf("duckdb arrow: %w", err)
		}
		release, err := ar.RegisterView(rr, name)
		if err != nil {
			return fmt.Errorf("register arrow batch: %w", err)
		}
		defer release()
		ex := dc.(driver.ExecerContext)
		if _, err := ex.ExecContext(ctx, `INSERT INTO requests SELECT ts, class FROM `+name, nil); err != nil {
			return fmt.Errorf("load arrow batch: %w", err)
		}
		if _, err := ex.ExecContext(ctx, `DROP VIEW `+name, nil); err != nil {
			return fmt.Errorf("drop arrow view: %w", err)
		}
		return nil
	})
}

// Close releases the database.
func (a *Analyzer) Close() error {
	if a.b != nil {
		a.b.Release()
		a.b = nil
	}
	if a.conn != nil {
		a.conn.Close()
		a.conn = nil
	}
	if a.db != nil {
		err := a.db.Close()
		a.db = nil
		return err
	}
	return nil
}

// Params choose what the analysis judges against.
type Params struct {
	Tier        classify.Tier
	WarnPercent int
}

// analysisSQL builds the derived tables. Minutes are UTC wall-clock minutes (floor division of the
// microsecond timestamp, correct for instants before 1970 too).
//
// The rolling count at a request's instant t is the number of requests in [t, t+60 s): RANGE ...
// 59999999 FOLLOWING on integer microseconds is exactly "< t + 60 s", and a RANGE frame starting at
// the CURRENT ROW includes every request at the same instant. The busiest span always starts at some
// request, so evaluating it at every request finds the true maximum. Evaluating it at all of a month's
// requests is the most expensive step, and most of them cannot matter: a span starting in minute m
// lies within minutes m and m+1, so it holds at most n(m) + n(m+1) requests, and the rolling peak is at
// least the fixed-minute peak. Only "candidate" minutes where n(m) + n(m+1) reaches the bucket's
// minute peak can hold a rolling peak, so the window runs over the requests of candidate minutes and
// the minute after each. A request in such a following minute that is not itself a candidate may get
// a count cut short (minute m+2 is not loaded), but its true count is below the minute peak, so it
// can neither be nor tie the maximum: the peak and its earliest start are exact.
const analysisSQL = `
CREATE MACRO floordiv(a, b) AS CASE WHEN a >= 0 THEN a // b ELSE -((-a - 1) // b) - 1 END;
CREATE TABLE minutes AS
  SELECT class, floordiv(ts, 60000000) AS m, count(*)::BIGINT AS n
  FROM requests WHERE class < 254 GROUP BY ALL;
CREATE TABLE candidates AS
  WITH pk AS (SELECT class, max(n) AS peak FROM minutes GROUP BY class),
  bound AS (
    SELECT class, m, n + CASE WHEN lead(m) OVER w = m + 1 THEN lead(n) OVER w ELSE 0 END AS b
    FROM minutes WINDOW w AS (PARTITION BY class ORDER BY m))
  SELECT class, m FROM bound JOIN pk USING (class) WHERE b >= peak;
CREATE TABLE rolling AS
  WITH span AS (SELECT class, m FROM candidates UNION SELECT class, m + 1 FROM candidates)
  SELECT r.class, r.ts, count(*) OVER (PARTITION BY r.class ORDER BY r.ts
                                       RANGE BETWEEN CURRENT ROW AND 59999999 FOLLOWING)::BIGINT AS n
  FROM requests r JOIN span s ON r.class = s.class AND floordiv(r.ts, 60000000) = s.m;
`

// Analyze flushes the pending rows and computes the analysis. Input accounting is the caller's: pass
// it in as in, it is copied into the result.
func (a *Analyzer) Analyze(p Params, in Input) (*Result, error) {
	if err := a.flush(); err != nil {
		return nil, err
	}
	ctx := context.Background()
	if _, err := a.conn.ExecContext(ctx, analysisSQL); err != nil {
		return nil, fmt.Errorf("analysis tables: %w", err)
	}
	if err := a.loadLimits(ctx, p.WarnPercent); err != nil {
		return nil, err
	}
	res := &Result{Catalog: a.cat.Name, Tier: p.Tier, WarnPercent: p.WarnPercent, Input: in}

	// Time range, and the two never-flagged classes.
	var minTS, maxTS sql.NullInt64
	err := a.conn.QueryRowContext(ctx, `SELECT min(ts), max(ts),
		count(*) FILTER (WHERE class = 254), count(*) FILTER (WHERE class = 255) FROM requests`).
		Scan(&minTS, &maxTS, &res.PublicMetadata, &res.OutsideCatalog)
	if err != nil {
		return nil, fmt.Errorf("time range: %w", err)
	}
	if minTS.Valid {
		res.From = microsToTime(minTS.Int64).Truncate(time.Minute)
		res.To = microsToTime(maxTS.Int64).Truncate(time.Minute).Add(time.Minute)
	}

	byClass, err := a.bucketResults(ctx, p.WarnPercent)
	if err != nil {
		return nil, err
	}
	if err := a.minuteSeries(ctx, byClass); err != nil {
		return nil, err
	}
	for i := range a.cat.Buckets {
		if b := byClass[classify.Class(i)]; b != nil {
			res.Buckets = append(res.Buckets, *b)
		}
	}
	res.Tiers, err = a.tierResults(ctx, res.Buckets)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// loadLimits writes the catalog's limits into a small table (NULL where a tier does not offer the
// bucket), so the per-tier counts are one join.
func (a *Analyzer) loadLimits(ctx context.Context, warn int) error {
	if _, err := a.conn.ExecContext(ctx, `CREATE TABLE limits (class UTINYINT, tier UTINYINT, lim INTEGER)`); err != nil {
		return fmt.Errorf("limits table: %w", err)
	}
	for i := range a.cat.Buckets {
		b := &a.cat.Buckets[i]
		for _, t := range classify.Tiers {
			var lim any
			if l := b.Limit(t); l != classify.NA {
				lim = l
			}
			if _, err := a.conn.ExecContext(ctx, `INSERT INTO limits VALUES (?, ?, ?)`, i, int(t), lim); err != nil {
				return fmt.Errorf("limits table: %w", err)
			}
		}
	}
	return nil
}

// bucketResults computes totals, peaks and per-tier minute counts for every bucket with traffic.
func (a *Analyzer) bucketResults(ctx context.Context, warn int) (map[classify.Class]*BucketResult, error) {
	out := map[classify.Class]*BucketResult{}
	rows, err := a.conn.QueryContext(ctx, `
		WITH tot AS (SELECT class, sum(n)::BIGINT AS requests, max(n) AS n FROM minutes GROUP BY class),
		pk AS (SELECT class, min(m) AS m, n FROM minutes JOIN tot USING (class, n) GROUP BY class, n),
		rmax AS (SELECT class, max(n) AS n FROM rolling GROUP BY class),
		rl AS (SELECT class, min(ts) AS ts, n FROM rolling JOIN rmax USING (class, n) GROUP BY class, n)
		SELECT tot.class, tot.requests, pk.m, pk.n, rl.ts, rl.n
		FROM tot JOIN pk USING (class) JOIN rl USING (class) ORDER BY tot.class`)
	if err != nil {
		return nil, fmt.Errorf("bucket peaks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cl uint8
		var peakMin, rollTS int64
		b := &BucketResult{}
		if err := rows.Scan(&cl, &b.Requests, &peakMin, &b.Peak, &rollTS, &b.Rolling); err != nil {
			return nil, fmt.Errorf("bucket peaks: %w", err)
		}
		bk, ok := a.cat.Bucket(classify.Class(cl))
		if !ok {
			return nil, fmt.Errorf("bucket peaks: unknown class %d", cl)
		}
		b.Bucket = bk
		b.PeakMinute = time.Unix(peakMin*60, 0).UTC()
		b.RollingFrom = microsToTime(rollTS)
		for _, t := range classify.Tiers {
			lim := bk.Limit(t)
			v := &b.ByTier[t]
			v.Limit = lim
			v.Status = Verdict(b.Peak, lim, warn)
			v.RollingStatus = Verdict(b.Rolling, lim, warn)
			if lim != classify.NA {
				v.Utilization = ratio(b.Peak, lim)
				v.RollingUtil = ratio(b.Rolling, lim)
			}
		}
		out[classify.Class(cl)] = b
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bucket peaks: %w", err)
	}

	// Minutes near and over, per bucket and tier.
	rows, err = a.conn.QueryContext(ctx, `
		SELECT l.class, l.tier,
		       count(*) FILTER (WHERE m.n * 100 >= ? * l.lim AND m.n <= l.lim)::BIGINT,
		       count(*) FILTER (WHERE m.n > l.lim)::BIGINT
		FROM minutes m JOIN limits l USING (class)
		WHERE l.lim IS NOT NULL GROUP BY ALL`, warn)
	if err != nil {
		return nil, fmt.Errorf("minutes near/over: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cl, tier uint8
		var near, over int64
		if err := rows.Scan(&cl, &tier, &near, &over); err != nil {
			return nil, fmt.Errorf("minutes near/over: %w", err)
		}
		if b := out[classify.Class(cl)]; b != nil && int(tier) < classify.NumTiers {
			b.ByTier[tier].MinutesNear = near
			b.ByTier[tier].MinutesOver = over
		}
	}
	return out, rows.Err()
}

// minuteCounts returns the number of non-empty minutes per class, to size the series; a failure only
// costs the sizing.
func (a *Analyzer) minuteCounts(ctx context.Context) map[uint8]int {
	out := map[uint8]int{}
	rows, err := a.conn.QueryContext(ctx, `SELECT class, count(*) FROM minutes GROUP BY class`)
	if err != nil {
		return out
	}
	defer rows.Close()
	for rows.Next() {
		var cl uint8
		var n int
		if rows.Scan(&cl, &n) == nil {
			out[cl] = n
		}
	}
	return out
}

// minuteSeries fills each bucket's non-empty minutes, for the charts. A month has tens of thousands of
// minutes per bucket, so the rows come back as Arrow columns rather than one database/sql Scan each.
func (a *Analyzer) minuteSeries(ctx context.Context, byClass map[classify.Class]*BucketResult) error {
	var byIndex [256]*BucketResult
	for cl, b := range byClass {
		byIndex[uint8(cl)] = b
	}
	for cl, n := range a.minuteCounts(ctx) { // before Raw, which holds the connection
		if b := byIndex[cl]; b != nil {
			b.Minutes = make([]MinuteCount, 0, n)
		}
	}
	err := a.conn.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		rr, err := ar.QueryContext(ctx, `SELECT class::UTINYINT AS class, m::BIGINT AS m, n::BIGINT AS n FROM minutes ORDER BY class, m`)
		if err != nil {
			return err
		}
		defer rr.Release()
		for rr.Next() {
			rec := rr.RecordBatch()
			cls, ok1 := rec.Column(0).(*array.Uint8)
			ms, ok2 := rec.Column(1).(*array.Int64)
			ns, ok3 := rec.Column(2).(*array.Int64)
			if !ok1 || !ok2 || !ok3 {
				return fmt.Errorf("unexpected column types %s", rec.Schema())
			}
			for i := range int(rec.NumRows()) {
				if b := byIndex[cls.Value(i)]; b != nil {
					b.Minutes = append(b.Minutes, MinuteCount{Minute: time.Unix(ms.Value(i)*60, 0).UTC(), Count: ns.Value(i)})
				}
			}
		}
		return rr.Err()
	})
	if err != nil {
		return fmt.Errorf("minute series: %w", err)
	}
	return nil
}

// tierResults lists, per tier, the buckets over, near and unavailable, and the distinct minutes in
// which any bucket was over.
func (a *Analyzer) tierResults(ctx context.Context, buckets []BucketResult) ([]TierResult, error) {
	over := map[uint8]int64{}
	rows, err := a.conn.QueryContext(ctx, `
		SELECT l.tier, count(DISTINCT m.m)::BIGINT
		FROM minutes m JOIN limits l USING (class)
		WHERE m.n > l.lim GROUP BY l.tier`)
	if err != nil {
		return nil, fmt.Errorf("tier minutes over: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tier uint8
		var n int64
		if err := rows.Scan(&tier, &n); err != nil {
			return nil, fmt.Errorf("tier minutes over: %w", err)
		}
		over[tier] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tier minutes over: %w", err)
	}
	out := make([]TierResult, 0, classify.NumTiers)
	for _, t := range classify.Tiers {
		tr := TierResult{Tier: t, MinutesOver: over[uint8(t)],
			BucketsOver: []string{}, BucketsNear: []string{}, BucketsRollingOver: []string{}, BucketsUnavailable: []string{}}
		for i := range buckets {
			v := &buckets[i].ByTier[t]
			id := buckets[i].Bucket.ID
			switch v.Status {
			case StatusOver:
				tr.BucketsOver = append(tr.BucketsOver, id)
			case StatusNear:
				tr.BucketsNear = append(tr.BucketsNear, id)
			case StatusUnavailable:
				tr.BucketsUnavailable = append(tr.BucketsUnavailable, id)
			}
			if v.RollingStatus == StatusOver {
				tr.BucketsRollingOver = append(tr.BucketsRollingOver, id)
			}
		}
		out = append(out, tr)
	}
	return out, nil
}

// ratio is count/limit rounded to 3 decimals (0.1 % steps).
func ratio(count int64, limit int) float64 {
	return math.Round(float64(count)*1000/float64(limit)) / 1000
}

// microsToTime converts Unix microseconds to a UTC time.
func microsToTime(us int64) time.Time { return time.UnixMicro(us).UTC() }

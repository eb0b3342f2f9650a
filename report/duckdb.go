package report

// This file is the only place that touches DuckDB (and so cgo). Request rows go in as Arrow record
// batches; the analysis comes out as the plain structs of result.go.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
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

// liveFields are the facts an analyzer made by NewAnalyzer keeps of each request: its UTC instant
// in Unix microseconds, its class (a bucket index), and what the drill-down needs (detailFields
// without info, whose status, source and rate limit the analyzer counts as the rows load; see
// minuteAgg).
//
// They go into DuckDB as the fields of one STRUCT column, r (requestSchema). DuckDB keeps a
// HyperLogLog of the distinct values of every column it appends to, for its optimizer, and none for
// a STRUCT's fields: BenchmarkLoad goes from 12.7 M to 16.6 M rows/s, and the queries, which read
// three to five of the five fields, run as fast.
var liveFields = append([]arrow.Field{
	{Name: "ts", Type: arrow.PrimitiveTypes.Int64},
	{Name: "class", Type: arrow.PrimitiveTypes.Uint8},
}, detailFields[:liveDetails]...)

// requestSchema is the layout of the rows an analyzer made by NewAnalyzer hands to DuckDB.
var requestSchema = arrow.NewSchema([]arrow.Field{{Name: "r", Type: arrow.StructOf(liveFields...)}}, nil)

// liveDetails is the number of detailFields an analyzer made by NewAnalyzer stores.
const liveDetails = 3

// detailFields are the columns after the class column(s), as stored: the drill-down facts of Rows,
// the small ones packed two or three to a column, since DuckDB's cost of loading a row grows with its
// columns more than with its bytes (each of three columns fewer saves ~10 % of loading):
//
//	info = status<<48 | src<<40 | uint32(rl)
//	ids  = agent<<32 | path
//
// The requests view (unpackedColumns) gives them back by name, so no query sees the packing. info
// comes last, so that an analyzer made by NewAnalyzer, which counts what it holds as the rows load,
// can leave it out.
var detailFields = []arrow.Field{
	{Name: "client", Type: arrow.PrimitiveTypes.Uint64},
	{Name: "principal", Type: arrow.PrimitiveTypes.Uint32},
	{Name: "ids", Type: arrow.PrimitiveTypes.Uint64},
	{Name: "info", Type: arrow.PrimitiveTypes.Uint64},
}

// detailColumns is detailFields in SQL.
const detailColumns = `client UBIGINT NOT NULL, principal UINTEGER NOT NULL, ids UBIGINT NOT NULL, info UBIGINT NOT NULL`

// liveUnpacked and unpackedColumns select the stored detail columns as Rows names them. They also
// give ids as stored, for a query that carries agent and path through a join: unpacking them after
// the join costs less.
const (
	liveUnpacked    = `client, ` + agentOf + ` AS agent, principal, ` + pathOf + ` AS path, ids`
	unpackedColumns = liveUnpacked + `, (info >> 48)::USMALLINT AS status, (info & 4294967295)::INTEGER AS rl,
	((info >> 40) & 255)::UTINYINT AS src`
)

// agentOf and pathOf unpack the agent and path ids from the ids column.
const (
	agentOf = `(ids >> 32)::UINTEGER`
	pathOf  = `(ids & 4294967295)::UINTEGER`
)

// Rows is a column batch of classified requests for AddRows. Every slice has one entry per request.
type Rows struct {
	TS     []int64   // UTC instant, Unix microseconds
	Class  [][]uint8 // the class in each catalog (one for NewAnalyzer; a store's, in CreateStore's order)
	Status []uint16  // HTTP status; 0 when not logged
	Client []uint64  // client address: an IPv4 address coded with ipv4Flag, or an id into the names given to SetNames; 0 when not logged
	Agent  []uint32  // user agent, likewise
	// Principal is the caller's identity where known (an API token id, an OAuth client id, or a name
	// from a principal map), likewise.
	Principal []uint32
	// Path is the request's path template (classify.Catalog.AppendTemplate), likewise.
	Path []uint32
	RL   []int32 // X-Rate-Limit-Limit of the response; 0 when not logged
	Src  []uint8 // 0: access log; 1: Okta System Log (a lower bound)
}

// Len is the number of requests in r.
func (r *Rows) Len() int { return len(r.TS) }

// Reset empties r, keeping its storage.
func (r *Rows) Reset() {
	r.TS, r.Status, r.Client, r.Agent, r.RL, r.Src = r.TS[:0], r.Status[:0], r.Client[:0], r.Agent[:0], r.RL[:0], r.Src[:0]
	r.Principal, r.Path = r.Principal[:0], r.Path[:0]
	for k := range r.Class {
		r.Class[k] = r.Class[k][:0]
	}
}

// Analyzer loads classified requests into an embedded DuckDB database and computes the per-bucket
// analysis. It is not safe for concurrent use.
//
// An Analyzer made by NewAnalyzer holds one class per request, for one catalog, in memory, and counts
// the requests per bucket and minute as they load (minuteAgg). One made by CreateStore keeps the rows
// in a DuckDB file with one class column per catalog, so that OpenStore can analyse them again later
// for any tier, warning threshold or catalog without the logs.
type Analyzer struct {
	cat    *classify.Catalog
	db     *sql.DB
	conn   *sql.Conn // one connection: the Arrow views are local to it
	schema *arrow.Schema
	table  string // where rows go: "requests_raw" (read through the requests view), or "requests_all" in a store
	column string // in a store, the class column of cat's base catalog
	batch  int    // batches loaded so far (names the temporary views)
	// pend holds the rows of an analyzer made by NewAnalyzer until they fill a batch of batchRows
	// (the detail columns packed, see detailFields). DuckDB loads a batch of exactly its row-group
	// size a third faster than a shorter one (10.8 M rows/s against 7.2 M for batches of 110,000
	// rows), and dropNeverFlagged leaves AddRows's batches short.
	pend rowChunk
	// held, when holding, are the full batches kept in Go until the analysis (see held.go), heldRows
	// their rows, and spill those past heldRowsMax; pickedOnce is set once an analysis has loaded the
	// rows it needs of them.
	held       []rowChunk
	heldRows   int
	spill      *rowSpill // the rows held past heldRowsMax, or nil
	holding    bool
	pickedOnce bool
	keepRows   bool // see KeepRows
	// info and ids are AddRows's scratch for the packed detail columns of a store's rows.
	info, ids []uint64
	// agg counts the loaded rows per bucket and minute (class column aggCol of AddRows); nil for a
	// store opened by OpenStore, whose analysis counts them in SQL (minutesSQL).
	agg    *minuteAgg
	aggCol int
	// hasNames is set once the names tables exist (SetNames, or a store).
	hasNames bool
	// minutesMade is set once the minutes and starts tables exist; series holds the minutes of each
	// class as the charts want them, when the analyzer counted them in Go.
	minutesMade bool
	series      *[256][]MinuteCount
	// dropNeverFlagged leaves the requests to public metadata and outside the catalog out of the
	// requests table: agg counts them, and no query needs them row by row. A store keeps them,
	// since another catalog may classify them differently.
	dropNeverFlagged bool
}

// NewAnalyzer opens an in-process, in-memory DuckDB database for one analysis against the catalog cat.
func NewAnalyzer(cat *classify.Catalog) (*Analyzer, error) {
	a, err := openDB("", cat)
	if err != nil {
		return nil, err
	}
	a.schema, a.table = requestSchema, "requests_raw"
	a.agg, a.dropNeverFlagged, a.holding = newMinuteAgg(), true, true
	if _, err := a.conn.ExecContext(context.Background(), `CREATE TABLE requests_raw (r STRUCT(ts BIGINT, class UTINYINT, client UBIGINT, principal UINTEGER, ids UBIGINT));
		CREATE VIEW requests AS SELECT ts, class, `+liveUnpacked+` FROM (
		  SELECT r.ts AS ts, r.class AS class, r.client AS client, r.principal AS principal, r.ids AS ids FROM requests_raw)`); err != nil {
		a.Close()
		return nil, fmt.Errorf("create requests table: %w", err)
	}
	a.pend = newRowChunk()
	return a, nil
}

// duckdbMemoryLimit bounds DuckDB's own memory: past it, DuckDB spills the requests table and its
// intermediate results to the temp directory, so a month of a large org's logs fits a small VM.
// Measured on 5 M requests (2 cores), all loaded into DuckDB: 256MB spills ~300 MB and takes 2.05 s
// at 385 MiB peak RSS; 320MB spills little, 1.8 s at 440-450 MiB; 400MB, 1.8 s at 490 MiB. An
// analysis now loads only the requests it needs (held.go), and DuckDB spills only in a store.
const duckdbMemoryLimit = "320MB"

// openDB opens a DuckDB database (in memory when path is "") on one connection. DuckDB may spill to a
// private directory under the system temp directory rather than the working directory.
func openDB(path string, cat *classify.Catalog) (*Analyzer, error) {
	connector, err := duckdb.NewConnector(path, nil)
	if err != nil {
		return nil, fmt.Errorf("open duckdb %s: %w", path, err)
	}
	db := sql.OpenDB(connector)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open duckdb connection: %w", err)
	}
	a := &Analyzer{cat: cat, db: db, conn: conn}
	tmp := filepath.Join(os.TempDir(), "ratecard-duckdb")
	if _, err := conn.ExecContext(ctx, `SET temp_directory = '`+strings.ReplaceAll(tmp, "'", "''")+`'; SET memory_limit = '`+duckdbMemoryLimit+`'; `+loadThreads+`; `+floordivMacro); err != nil {
		a.Close()
		return nil, fmt.Errorf("duckdb temp directory: %w", err)
	}
	return a, nil
}

// DuckDB's worker threads. While rows are loaded, the Go goroutines parsing the logs keep every core
// busy and each INSERT of one Arrow batch runs on its caller's thread, so DuckDB's own workers only
// compete with the parsers for the CPU (measured: 0.2 s of 1.3 s of loading 5 M rows on 2 cores).
// The analysis then gets one worker per CPU.
const loadThreads = `SET threads = 1`

var analysisThreads = fmt.Sprintf(`SET threads = %d`, runtime.NumCPU())

// Add records one request at UTC instant tsMicros (Unix microseconds) in class cl. It is for
// analyzers made by NewAnalyzer; a store takes rows through AddBatch.
func (a *Analyzer) Add(tsMicros int64, cl classify.Class) error {
	if !a.dropNeverFlagged {
		return fmt.Errorf("Add on a store: use AddBatch with a class per catalog")
	}
	a.agg.add(tsMicros, uint8(cl), 0, 0, 0)
	if cl >= classify.PublicMetadata {
		return nil
	}
	return a.pendRow(tsMicros, uint8(cl), 0, 0, 0)
}

// pendRow adds one row to a.pend, and flushes a.pend when it is full.
func (a *Analyzer) pendRow(ts int64, cl uint8, client uint64, prin uint32, ids uint64) error {
	a.pend.add(ts, cl, client, prin, ids)
	if a.pend.len() == batchRows {
		return a.flush()
	}
	return nil
}

// flush moves the pending rows to the held ones (see held.go), or loads them into DuckDB when the
// analyzer holds no more.
func (a *Analyzer) flush() error {
	if a.pend.len() == 0 {
		return nil
	}
	if a.holding {
		if a.heldRows+a.pend.len() <= heldRowsMax {
			a.held = append(a.held, a.pend)
			a.heldRows += a.pend.len()
			a.pend = newRowChunk()
			return nil
		}
		if a.spill == nil {
			s, err := newRowSpill()
			if err != nil {
				return err
			}
			a.spill = s
		}
		err := a.spill.write(&a.pend)
		a.pend.reset()
		return err
	}
	err := a.loadChunk(&a.pend)
	a.pend.reset()
	return err
}

// classColumns is the number of class columns the rows have: one, or a store's one per catalog.
func (a *Analyzer) classColumns() int {
	if a.dropNeverFlagged {
		return 1
	}
	return len(a.schema.Fields()) - 1 - len(detailFields)
}

// packInfo and packIDs pack the small detail columns (see detailFields).
func packInfo(status uint16, src uint8, rl int32) uint64 {
	return uint64(status)<<48 | uint64(src)<<40 | uint64(uint32(max(rl, 0)))
}

func packIDs(agent, path uint32) uint64 { return uint64(agent)<<32 | uint64(path) }

// AddBatch records len(ts) requests with nothing but their instant and class (cls[k][i] in the k-th
// catalog): a convenience over AddRows for tests and benchmarks.
func (a *Analyzer) AddBatch(ts []int64, cls ...[]uint8) error {
	n := len(ts)
	return a.AddRows(&Rows{TS: ts, Class: cls, Status: make([]uint16, n), Client: make([]uint64, n),
		Agent: make([]uint32, n), Principal: make([]uint32, n), Path: make([]uint32, n), RL: make([]int32, n), Src: make([]uint8, n)})
}

// AddRows records a batch of requests. An analyzer made by NewAnalyzer counts them (minuteAgg) and
// copies those it stores into its pending batch; a store hands the slices to DuckDB as an Arrow record
// batch without a copy. Either way they are not kept after AddRows returns, so the caller may reuse
// them.
func (a *Analyzer) AddRows(r *Rows) error {
	n := len(r.TS)
	if want := a.classColumns(); len(r.Class) != want {
		return fmt.Errorf("AddRows: %d class columns, want %d", len(r.Class), want)
	}
	for _, c := range r.Class {
		if len(c) != n {
			return fmt.Errorf("AddRows: %d instants but %d classes", n, len(c))
		}
	}
	if len(r.Status) != n || len(r.Client) != n || len(r.Agent) != n || len(r.Principal) != n || len(r.Path) != n || len(r.RL) != n || len(r.Src) != n {
		return fmt.Errorf("AddRows: columns of different lengths")
	}
	if n == 0 {
		return nil
	}
	if a.dropNeverFlagged { // one class column; the rows wait in a.pend for a full batch
		for i, cl := range r.Class[0] {
			a.agg.add(r.TS[i], cl, r.Status[i], r.Src[i], r.RL[i])
			if cl >= uint8(classify.PublicMetadata) {
				continue
			}
			if err := a.pendRow(r.TS[i], cl, r.Client[i], r.Principal[i], packIDs(r.Agent[i], r.Path[i])); err != nil {
				return err
			}
		}
		return nil
	}
	a.info, a.ids = slices.Grow(a.info[:0], n)[:n], slices.Grow(a.ids[:0], n)[:n]
	for i := range n {
		if a.agg != nil {
			a.agg.add(r.TS[i], r.Class[a.aggCol][i], r.Status[i], r.Src[i], r.RL[i])
		}
		a.info[i], a.ids[i] = packInfo(r.Status[i], r.Src[i], r.RL[i]), packIDs(r.Agent[i], r.Path[i])
	}
	return a.loadColumns(r.TS, r.Class, r.Client, r.Principal, a.ids, a.info)
}

// loadColumns loads one batch of rows, its columns as stored, into the requests table; info is nil
// for an analyzer made by NewAnalyzer, which does not store it.
func (a *Analyzer) loadColumns(ts []int64, classes [][]uint8, client []uint64, prin []uint32, ids, info []uint64) error {
	n := len(ts)
	cols := make([]arrow.Array, 0, len(a.schema.Fields()))
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	add := func(t arrow.DataType, b []byte) { cols = append(cols, sliceArray(t, n, b)) }
	add(arrow.PrimitiveTypes.Int64, arrow.Int64Traits.CastToBytes(ts))
	for _, c := range classes {
		add(arrow.PrimitiveTypes.Uint8, c)
	}
	add(arrow.PrimitiveTypes.Uint64, arrow.Uint64Traits.CastToBytes(client))
	add(arrow.PrimitiveTypes.Uint32, arrow.Uint32Traits.CastToBytes(prin))
	add(arrow.PrimitiveTypes.Uint64, arrow.Uint64Traits.CastToBytes(ids))
	if info != nil {
		add(arrow.PrimitiveTypes.Uint64, arrow.Uint64Traits.CastToBytes(info))
	} else { // NewAnalyzer's one STRUCT column
		st, err := array.NewStructArrayWithFields(cols, liveFields)
		if err != nil {
			return err
		}
		for _, c := range cols {
			c.Release()
		}
		cols = []arrow.Array{st}
	}
	rec := array.NewRecordBatch(a.schema, cols, int64(n))
	defer rec.Release()
	return a.load(rec)
}

// Names are the names behind the dictionary ids of the rows' client, agent, principal and path
// columns: id i is the i-th name.
type Names struct {
	Clients, Agents, Principals, Paths []string
}

// SetNames stores the names behind the ids of the rows, for the drill-down. A store keeps them.
func (a *Analyzer) SetNames(n Names) error {
	for _, t := range []struct {
		table string
		names []string
	}{{"client_names", n.Clients}, {"agent_names", n.Agents}, {"principal_names", n.Principals}, {"path_names", n.Paths}} {
		if err := a.loadNames(t.table, t.names); err != nil {
			return fmt.Errorf("%s: %w", t.table, err)
		}
	}
	a.hasNames = true
	return nil
}

var namesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Uint32},
	{Name: "name", Type: arrow.BinaryTypes.String},
}, nil)

func (a *Analyzer) loadNames(table string, names []string) error {
	b := array.NewRecordBuilder(memory.NewGoAllocator(), namesSchema)
	defer b.Release()
	ids, strs := b.Field(0).(*array.Uint32Builder), b.Field(1).(*array.StringBuilder)
	for i, n := range names {
		ids.Append(uint32(i))
		strs.Append(n)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	return a.createFromArrow(rec, `CREATE OR REPLACE TABLE `+table+` AS SELECT id, name FROM arrow_view`)
}

// createFromArrow runs query, which makes a table from the record batch rec under the name arrow_view.
// The batch goes in slices of batchRows rows, which DuckDB's threads scan in parallel.
func (a *Analyzer) createFromArrow(rec arrow.RecordBatch, query string) error {
	var recs []arrow.RecordBatch
	for i := int64(0); i < rec.NumRows(); i += batchRows {
		r := rec.NewSlice(i, min(i+batchRows, rec.NumRows()))
		defer r.Release()
		recs = append(recs, r)
	}
	rr := newDrainingReader(rec.Schema(), recs)
	defer rr.Release()
	ctx := context.Background()
	return a.conn.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		release, err := ar.RegisterView(rr, "arrow_view")
		if err != nil {
			return err
		}
		defer release()
		ex := dc.(driver.ExecerContext)
		if _, err := ex.ExecContext(ctx, query, nil); err != nil {
			return err
		}
		_, err = ex.ExecContext(ctx, `DROP VIEW arrow_view`, nil)
		return err
	})
}

// load inserts one Arrow record batch into the requests table through a temporary view.
func (a *Analyzer) load(rec arrow.RecordBatch) error {
	rr := newDrainingReader(a.schema, []arrow.RecordBatch{rec})
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
		if _, err := ex.ExecContext(ctx, `INSERT INTO `+a.table+` SELECT * FROM `+name, nil); err != nil {
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
	a.dropHeld()
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
	// Principals gives each principal's share of a bucket (nil: classify.DefaultPrincipalShare).
	Principals *PrincipalMap
}

// minutesSQL makes the two tables the analysis starts from, for a store opened by OpenStore; an
// analyzer that saw the rows load counts the same in Go (minuteAgg) and loads them (Analyzer.minutes).
//
//   - minutes (class, m, n, n429, nsys): per bucket and UTC minute (floor division of the microsecond
//     timestamp, correct for instants before 1970 too), the requests, those answered 429 and those
//     from the System Log (here also p1 … p5, for steps).
//   - steps (class, m, n, p1 … p5, q1 … q6): for minutes that may hold the start of the rolling peak
//     (see analysisSQL), the requests in the minute's first 10, 20, … 50 seconds (p) and in the next
//     minute's first 10, 20, … 60 seconds (q; 0 when the next minute had none). This script keeps
//     every minute; Go has no steps table, it computes the starts from its counts (goStarts).
const minutesSQL = `
CREATE OR REPLACE TEMP TABLE minutes AS
  SELECT class, m, count(*)::BIGINT AS n,
         count(*) FILTER (WHERE status = 429)::BIGINT AS n429, count(*) FILTER (WHERE src = 1)::BIGINT AS nsys,
         count(*) FILTER (WHERE off < 10000000)::BIGINT AS p1, count(*) FILTER (WHERE off < 20000000)::BIGINT AS p2,
         count(*) FILTER (WHERE off < 30000000)::BIGINT AS p3, count(*) FILTER (WHERE off < 40000000)::BIGINT AS p4,
         count(*) FILTER (WHERE off < 50000000)::BIGINT AS p5
  FROM (SELECT class, status, src, floordiv(ts, 60000000) AS m, ts - 60000000 * floordiv(ts, 60000000) AS off
        FROM requests WHERE class < 254)
  GROUP BY class, m;
CREATE OR REPLACE TEMP TABLE steps AS
  WITH nx AS (
    SELECT class, m, n, p1, p2, p3, p4, p5, lead(m) OVER w = m + 1 AS adj, lead(p1) OVER w AS q1,
           lead(p2) OVER w AS q2, lead(p3) OVER w AS q3, lead(p4) OVER w AS q4, lead(p5) OVER w AS q5,
           lead(n) OVER w AS q6
    FROM minutes WINDOW w AS (PARTITION BY class ORDER BY m))
  SELECT class, m, n, p1, p2, p3, p4, p5,
         CASE WHEN adj THEN q1 ELSE 0 END AS q1, CASE WHEN adj THEN q2 ELSE 0 END AS q2,
         CASE WHEN adj THEN q3 ELSE 0 END AS q3, CASE WHEN adj THEN q4 ELSE 0 END AS q4,
         CASE WHEN adj THEN q5 ELSE 0 END AS q5, CASE WHEN adj THEN q6 ELSE 0 END AS q6
  FROM nx;
`

// floordivMacro defines floordiv, floor division for instants before 1970 too, on the analyzer's
// connection (openDB) for every query that groups instants by minute or by ten seconds.
const floordivMacro = `CREATE OR REPLACE TEMP MACRO floordiv(a, b) AS CASE WHEN a >= 0 THEN a // b ELSE -((-a - 1) // b) - 1 END`

// analysisSQL builds, for a store opened later, the candidates and the starts of the rolling peak from
// the minutes and steps tables (Go computes the same starts from its counts: goStarts). pickSQL then
// picks the requests they need, with hot_count (the minutes near or over the chosen tier's limit, see
// Analyze).
//
// The rolling count at a request's instant t is the number of requests in [t, t+60 s): RANGE ...
// 59999999 FOLLOWING on integer microseconds is exactly "< t + 60 s", and a RANGE frame starting at
// the CURRENT ROW includes every request at the same instant. The busiest span always starts at some
// request, so evaluating it at every request finds the true maximum. Evaluating it at all of a month's
// requests is the most expensive step, and almost none of them can matter, so the window runs only
// where a bound says the peak may start, in two steps:
//
//   - Minutes. A span starting in minute m lies within minutes m and m+1, so it holds at most
//     n(m) + n(m+1) requests, and the rolling peak is at least the fixed-minute peak. Only "candidate"
//     minutes where n(m) + n(m+1) reaches the bucket's minute peak can hold a start of the rolling
//     peak.
//   - Ten-second steps. With p_j(m), the requests of minute m in its first 10·j seconds (p_0 = 0,
//     p_6 = n), a span starting in the j-th ten seconds of a candidate minute lies within
//     [m + 10j s, m + 10j s + 70 s), so it holds at most n(m) - p_j(m) + p_{j+1}(m+1) requests; and
//     the span [m + 10j s, m + 10j s + 60 s) holds exactly n(m) - p_j(m) + p_j(m+1), a lower bound lb
//     of the rolling peak (j = 0 is the minute itself). A plateau of busy minutes passes the minute
//     bound (n(m) + n(m+1) is about twice a minute's traffic) but rarely this one (about 7/6), so only
//     the ten-second steps whose bound reaches lb are "starts".
//
// One pass over the requests picks those of the minutes holding a start, the minutes after them and
// the hot minutes (picked): a start and the 60 s after it lie within the first two, so the rolling
// window runs on them, and the drill-down on the hot minutes and on the rolling peak's minutes, which
// are among the first two. The window runs over the requests of each start and the 60 s after it.
// Every request in a start gets its exact count (the 70 s it can reach are picked); a request
// elsewhere may get a count cut short, but its true count is below lb (or below the minute peak), so
// it can neither be nor tie the maximum: the peak and its earliest start are exact.
// TestRollingMatchesBruteForce checks this.
const analysisSQL = `
CREATE OR REPLACE TEMP TABLE candidates AS
  WITH pk AS (SELECT class, max(n) AS peak FROM minutes GROUP BY class)
  SELECT s.* FROM steps s JOIN pk USING (class) WHERE s.n + s.q6 >= pk.peak;
CREATE OR REPLACE TEMP TABLE starts AS
  WITH lb AS (
    SELECT class, max(greatest(n, n - p1 + q1, n - p2 + q2, n - p3 + q3, n - p4 + q4, n - p5 + q5)) AS lb
    FROM candidates GROUP BY class)
  SELECT class, m, 6 * m + j AS k
  FROM candidates JOIN lb USING (class) CROSS JOIN range(6) r(j)
  WHERE [n + q1, n - p1 + q2, n - p2 + q3, n - p3 + q4, n - p4 + q5, n - p5 + q6][j + 1] >= lb;
`

// pickSQL is the rest of the analysis tables (see analysisSQL), once the requests they need are loaded.
const pickSQL = `
CREATE OR REPLACE TEMP TABLE picked AS
  WITH k AS (SELECT class, m FROM starts UNION SELECT class, m + 1 FROM starts UNION SELECT class, m FROM hot_count)
  SELECT r.class, r.ts, r.client, r.ids FROM requests r JOIN k ON r.class = k.class AND floordiv(r.ts, 60000000) = k.m;
CREATE OR REPLACE TEMP TABLE rolling AS
  WITH span AS (SELECT DISTINCT class, k + d AS k FROM starts CROSS JOIN range(7) t(d))
  SELECT r.class, r.ts, count(*) OVER (PARTITION BY r.class ORDER BY r.ts
                                       RANGE BETWEEN CURRENT ROW AND 59999999 FOLLOWING)::BIGINT AS n
  FROM picked r JOIN span s ON r.class = s.class AND floordiv(r.ts, 10000000) = s.k;
`

// Analyze flushes the pending rows and computes the analysis. Input accounting is the caller's: pass
// it in as in, it is copied into the result.
func (a *Analyzer) Analyze(p Params, in Input) (*Result, error) {
	if err := a.flush(); err != nil {
		return nil, err
	}
	ctx := context.Background()
	if a.column != "" {
		if _, err := a.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP VIEW requests AS SELECT ts, `+a.column+` AS class, `+unpackedColumns+` FROM requests_all`); err != nil {
			return nil, fmt.Errorf("requests view: %w", err)
		}
	}
	if _, err := a.conn.ExecContext(ctx, analysisThreads); err != nil {
		return nil, fmt.Errorf("duckdb threads: %w", err)
	}
	if err := a.minutes(ctx); err != nil {
		return nil, err
	}
	trace("minutes")
	if err := a.loadLimits(ctx, p.WarnPercent); err != nil {
		return nil, err
	}
	// Near or over on the chosen tier: count >= warn% of the limit, or any traffic where the tier
	// does not offer the bucket.
	if _, err := a.conn.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE hot_count AS
		SELECT m.class, m.m FROM minutes m JOIN limits l USING (class)
		WHERE l.tier = %d AND (l.lim IS NULL OR m.n * 100 >= %d * l.lim)`, int(p.Tier), p.WarnPercent)); err != nil {
		return nil, fmt.Errorf("hot minutes: %w", err)
	}
	if a.holding {
		if err := a.loadNeeded(ctx); err != nil {
			return nil, err
		}
		trace("needed rows loaded")
	}
	if err := a.execTraced(ctx, pickSQL); err != nil {
		return nil, fmt.Errorf("analysis tables: %w", err)
	}
	trace("analysisSQL")
	res := &Result{Catalog: a.cat.Name, Tier: p.Tier, WarnPercent: p.WarnPercent, Input: in}
	for _, t := range classify.Tiers {
		res.TierTitles[t] = a.cat.TierTitle(t)
	}

	// Time range, and the two never-flagged classes.
	if err := a.totals(ctx, res); err != nil {
		return nil, err
	}

	byClass, err := a.bucketResults(ctx, p.WarnPercent)
	if err != nil {
		return nil, err
	}
	trace("bucketResults")
	if err := a.minuteSeries(ctx, byClass); err != nil {
		return nil, err
	}
	trace("minuteSeries")
	if err := a.learnedLimits(ctx, byClass); err != nil {
		return nil, err
	}
	trace("learnedLimits")
	if err := a.drillDown(ctx, p, byClass); err != nil {
		return nil, err
	}
	trace("drillDown")
	if err := a.principalPeaks(ctx, p, byClass); err != nil {
		return nil, err
	}
	trace("principalPeaks")
	for i := range a.cat.Buckets {
		if b := byClass[classify.Class(i)]; b != nil {
			res.Buckets = append(res.Buckets, *b)
		}
	}
	res.Tiers, err = a.tierResults(ctx, res.Buckets)
	if err != nil {
		return nil, err
	}
	trace("tierResults")
	res.Events = matchEvents(a.cat, p.Tier, in.Events, res.Buckets)
	setEventThresholds(res)
	setChartWindow(res)
	return res, nil
}

// minutesSchema and startsSchema are the layouts of the minutes and starts tables that Go makes
// (see minutesSQL and analysisSQL).
var (
	minutesSchema = arrow.NewSchema(int64Fields([]arrow.Field{{Name: "class", Type: arrow.PrimitiveTypes.Uint8}},
		"m", "n", "n429", "nsys"), nil)
	startsSchema = arrow.NewSchema(int64Fields([]arrow.Field{{Name: "class", Type: arrow.PrimitiveTypes.Uint8}},
		"m", "k"), nil)
)

// int64Fields appends a BIGINT field of each name to fs.
func int64Fields(fs []arrow.Field, names ...string) []arrow.Field {
	for _, n := range names {
		fs = append(fs, arrow.Field{Name: n, Type: arrow.PrimitiveTypes.Int64})
	}
	return fs
}

// minutes makes the tables the analysis starts from. For a store opened later, minutesSQL makes the
// minutes and steps tables from the stored requests, and analysisSQL the candidates and the starts.
// From the counts taken while the rows loaded, Go makes the minutes table and the starts directly,
// with the same bounds as analysisSQL (see goStarts): creating the steps and candidates tables took
// 45 ms of a month's analysis, for a few hundred starts.
func (a *Analyzer) minutes(ctx context.Context) error {
	if a.minutesMade { // a second analysis (reanalyseLearned): the counts do not depend on limits
		return nil
	}
	if a.agg == nil {
		if _, err := a.conn.ExecContext(ctx, minutesSQL); err != nil {
			return fmt.Errorf("minutes: %w", err)
		}
		if err := a.execTraced(ctx, analysisSQL); err != nil {
			return fmt.Errorf("analysis tables: %w", err)
		}
		a.minutesMade = true
		return nil
	}
	var peak, count [256]int64
	rows := 0
	a.agg.each(func(cl uint8, _ int64, c, _ *minuteCell) {
		peak[cl] = max(peak[cl], c.n())
		count[cl]++
		rows++
	})
	mcls := make([]uint8, 0, rows)
	var mcol [4][]int64 // m, n, n429, nsys
	for k := range mcol {
		mcol[k] = make([]int64, 0, rows)
	}
	var series [256][]MinuteCount
	for cl, n := range count {
		if n > 0 {
			series[cl] = make([]MinuteCount, 0, n)
		}
	}
	var st goStarts
	a.agg.each(func(cl uint8, m int64, c, next *minuteCell) {
		n := c.n()
		series[cl] = append(series[cl], MinuteCount{Minute: time.Unix(m*60, 0).UTC(), Count: n, Throttled: int64(c.n429)})
		mcls = append(mcls, cl)
		mcol[0], mcol[1] = append(mcol[0], m), append(mcol[1], n)
		mcol[2], mcol[3] = append(mcol[2], int64(c.n429)), append(mcol[3], int64(c.nsys))
		st.add(cl, m, c, next, peak[cl])
	})
	a.series = &series
	scls, scol := st.starts()
	for _, t := range []struct {
		schema *arrow.Schema
		cls    []uint8
		cols   [][]int64
		name   string
	}{{minutesSchema, mcls, mcol[:], "minutes"}, {startsSchema, scls, scol[:], "starts"}} {
		rec := classRecord(t.schema, t.cls, t.cols)
		err := a.createFromArrow(rec, `CREATE OR REPLACE TEMP TABLE `+t.name+` AS SELECT * FROM arrow_view`)
		rec.Release()
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	a.agg.pages, a.agg.spill, a.agg.sorted, a.minutesMade = nil, nil, nil, true // DuckDB has them now
	return nil
}

// goStarts computes, from the minute counts, the starts table that analysisSQL computes from the
// steps: the same candidates (n(m) + n(m+1) at least the bucket's minute peak), the same lower bound
// lb of the rolling peak, and the ten-second steps whose upper bound reaches it.
// TestMinutesFromGoMatchSQL checks that both give the same analysis.
type goStarts struct {
	cands []candidate
	lb    [256]int64
}

// candidate is a candidate minute and the upper bound of the spans starting in each of its
// ten-second steps: ub[j] = n(m) - p_j(m) + p_{j+1}(m+1).
type candidate struct {
	cl uint8
	m  int64
	ub [6]int64
}

// add considers minute m of class cl, whose cells are c and next (nil: no request in m+1).
func (s *goStarts) add(cl uint8, m int64, c, next *minuteCell, peak int64) {
	n := c.n()
	var q [7]int64 // q[j] = p_j(m+1)
	if next != nil {
		for j := range 6 {
			q[j+1] = q[j] + int64(next.steps[j])
		}
	}
	if n+q[6] < peak {
		return // no span starting in m can reach the minute peak
	}
	cd := candidate{cl: cl, m: m}
	p := int64(0) // p_j(m)
	for j := range 6 {
		s.lb[cl] = max(s.lb[cl], n-p+q[j]) // the span [m + 10j s, m + 10j s + 60 s)
		cd.ub[j] = n - p + q[j+1]
		p += int64(c.steps[j])
	}
	s.cands = append(s.cands, cd)
}

// starts returns the starts (class, m, k: the ten-second step's index, 6m + j) as columns.
func (s *goStarts) starts() ([]uint8, [2][]int64) {
	var cls []uint8
	var cols [2][]int64
	for _, cd := range s.cands {
		for j, ub := range cd.ub {
			if ub >= s.lb[cd.cl] {
				cls = append(cls, cd.cl)
				cols[0], cols[1] = append(cols[0], cd.m), append(cols[1], 6*cd.m+int64(j))
			}
		}
	}
	return cls, cols
}

// sliceArray is an Arrow array of n values of the fixed-width type t, over the bytes b of a Go slice,
// without a copy and without nulls.
func sliceArray(t arrow.DataType, n int, b []byte) arrow.Array {
	d := array.NewData(t, n, []*memory.Buffer{nil, memory.NewBufferBytes(b)}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// classRecord makes a record batch of schema, a UTINYINT column and BIGINT ones, over the slices.
func classRecord(schema *arrow.Schema, cls []uint8, cols [][]int64) arrow.RecordBatch {
	n := len(cls)
	arrs := []arrow.Array{sliceArray(arrow.PrimitiveTypes.Uint8, n, cls)}
	for _, c := range cols {
		arrs = append(arrs, sliceArray(arrow.PrimitiveTypes.Int64, n, arrow.Int64Traits.CastToBytes(c)))
	}
	rec := array.NewRecordBatch(schema, arrs, int64(n))
	for _, a := range arrs {
		a.Release()
	}
	return rec
}

// totals sets the result's time range and its requests to the two never-flagged classes.
func (a *Analyzer) totals(ctx context.Context, res *Result) error {
	var minTS, maxTS sql.NullInt64
	if g := a.agg; g != nil {
		minTS, maxTS = sql.NullInt64{Int64: g.minTS, Valid: g.any}, sql.NullInt64{Int64: g.maxTS, Valid: g.any}
		res.PublicMetadata, res.OutsideCatalog = g.public, g.outside
	} else {
		err := a.conn.QueryRowContext(ctx, `SELECT min(ts), max(ts),
			count(*) FILTER (WHERE class = 254), count(*) FILTER (WHERE class = 255) FROM requests`).
			Scan(&minTS, &maxTS, &res.PublicMetadata, &res.OutsideCatalog)
		if err != nil {
			return fmt.Errorf("time range: %w", err)
		}
	}
	if minTS.Valid {
		res.From = microsToTime(minTS.Int64).Truncate(time.Minute)
		res.To = microsToTime(maxTS.Int64).Truncate(time.Minute).Add(time.Minute)
	}
	return nil
}

// execTraced runs a script of SQL statements; when tracing, one at a time, tracing the table each
// makes.
func (a *Analyzer) execTraced(ctx context.Context, script string) error {
	if !tracing {
		_, err := a.conn.ExecContext(ctx, script)
		return err
	}
	for _, st := range strings.Split(script, ";\n") {
		if strings.TrimSpace(st) == "" {
			continue
		}
		if _, err := a.conn.ExecContext(ctx, st); err != nil {
			return err
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(st), "CREATE OR REPLACE "), " AS")
		trace(name)
	}
	return nil
}

// loadLimits writes the catalog's limits into a small table (NULL where a tier does not offer the
// bucket), so the per-tier counts are one join.
func (a *Analyzer) loadLimits(ctx context.Context, warn int) error {
	if _, err := a.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE limits (class UTINYINT, tier UTINYINT, lim INTEGER)`); err != nil {
		return fmt.Errorf("limits table: %w", err)
	}
	// One statement: the values are integers from the catalog, so they are written into it directly.
	var sb strings.Builder
	sb.WriteString(`INSERT INTO limits VALUES `)
	for i := range a.cat.Buckets {
		b := &a.cat.Buckets[i]
		for _, t := range classify.Tiers {
			if i > 0 || t > 0 {
				sb.WriteString(", ")
			}
			lim := "NULL"
			if l := b.Limit(t); l != classify.NA {
				lim = fmt.Sprint(l)
			}
			fmt.Fprintf(&sb, "(%d, %d, %s)", i, int(t), lim)
		}
	}
	if len(a.cat.Buckets) > 0 {
		if _, err := a.conn.ExecContext(ctx, sb.String()); err != nil {
			return fmt.Errorf("limits table: %w", err)
		}
	}
	return nil
}

// bucketResults computes totals, peaks and per-tier minute counts for every bucket with traffic.
func (a *Analyzer) bucketResults(ctx context.Context, warn int) (map[classify.Class]*BucketResult, error) {
	out := map[classify.Class]*BucketResult{}
	rows, err := a.conn.QueryContext(ctx, `
		WITH tot AS (SELECT class, sum(n)::BIGINT AS requests, max(n) AS n, sum(n429)::BIGINT AS n429,
		             count(*) FILTER (WHERE n429 > 0)::BIGINT AS m429, sum(nsys)::BIGINT AS nsys FROM minutes GROUP BY class),
		pk AS (SELECT class, min(m) AS m, n FROM minutes JOIN tot USING (class, n) GROUP BY class, n),
		rmax AS (SELECT class, max(n) AS n FROM rolling GROUP BY class),
		rl AS (SELECT class, min(ts) AS ts, n FROM rolling JOIN rmax USING (class, n) GROUP BY class, n)
		SELECT tot.class, tot.requests, pk.m, pk.n, rl.ts, rl.n, tot.n429, tot.m429, tot.nsys
		FROM tot JOIN pk USING (class) JOIN rl USING (class) ORDER BY tot.class`)
	if err != nil {
		return nil, fmt.Errorf("bucket peaks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cl uint8
		var peakMin, rollTS int64
		b := &BucketResult{}
		if err := rows.Scan(&cl, &b.Requests, &peakMin, &b.Peak, &rollTS, &b.Rolling, &b.Throttled, &b.ThrottledMinutes, &b.SystemLog); err != nil {
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

	// Percentiles of the non-empty minutes, and minutes near and over per tier, in one pass: the
	// limits pivoted to a column per tier (NULL where the tier does not offer the bucket, which counts
	// no minute).
	var pivot, counts strings.Builder
	for t := range classify.NumTiers {
		fmt.Fprintf(&pivot, ", max(lim) FILTER (WHERE tier = %d) AS l%d", t, t)
		fmt.Fprintf(&counts, ",\n\t\t  count(*) FILTER (WHERE n * 100 >= %d * l%d AND n <= l%d)::BIGINT, count(*) FILTER (WHERE n > l%d)::BIGINT", warn, t, t, t)
	}
	rows, err = a.conn.QueryContext(ctx, `
		WITH lp AS (SELECT class`+pivot.String()+` FROM limits GROUP BY class)
		SELECT class, quantile_disc(n, 0.95)::BIGINT, quantile_disc(n, 0.99)::BIGINT`+counts.String()+`
		FROM minutes LEFT JOIN lp USING (class) GROUP BY class`)
	if err != nil {
		return nil, fmt.Errorf("minute percentiles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cl uint8
		var p95, p99 int64
		var nearOver [2 * classify.NumTiers]int64
		dest := []any{&cl, &p95, &p99}
		for k := range nearOver {
			dest = append(dest, &nearOver[k])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("minute percentiles: %w", err)
		}
		if b := out[classify.Class(cl)]; b != nil {
			b.P95, b.P99 = p95, p99
			for t := range classify.NumTiers {
				b.ByTier[t].MinutesNear, b.ByTier[t].MinutesOver = nearOver[2*t], nearOver[2*t+1]
			}
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
	if a.series != nil { // counted in Go: the same rows, without a round trip
		for cl, b := range byClass {
			b.Minutes = a.series[uint8(cl)]
			if a.keepRows { // another analysis follows: each result gets its own
				b.Minutes = slices.Clone(b.Minutes)
			}
		}
		if !a.keepRows {
			a.series = nil // handed over (a 21 MiB copy for a month took 25 ms)
		}
		return nil
	}
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
		rr, err := ar.QueryContext(ctx, `SELECT class::UTINYINT AS class, m::BIGINT AS m, n::BIGINT AS n, n429::BIGINT AS n429 FROM minutes ORDER BY class, m`)
		if err != nil {
			return err
		}
		defer rr.Release()
		for rr.Next() {
			rec := rr.RecordBatch()
			cls, ok1 := rec.Column(0).(*array.Uint8)
			ms, ok2 := rec.Column(1).(*array.Int64)
			ns, ok3 := rec.Column(2).(*array.Int64)
			n429s, ok4 := rec.Column(3).(*array.Int64)
			if !ok1 || !ok2 || !ok3 || !ok4 {
				return fmt.Errorf("unexpected column types %s", rec.Schema())
			}
			for i := range int(rec.NumRows()) {
				if b := byIndex[cls.Value(i)]; b != nil {
					b.Minutes = append(b.Minutes, MinuteCount{Minute: time.Unix(ms.Value(i)*60, 0).UTC(), Count: ns.Value(i),
						Throttled: n429s.Value(i)})
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

// learnedLimits fills each bucket's most frequent X-Rate-Limit-Limit, where the log recorded it.
func (a *Analyzer) learnedLimits(ctx context.Context, byClass map[classify.Class]*BucketResult) error {
	if a.agg != nil {
		for cl, l := range a.agg.learnedLimits() {
			if b := byClass[classify.Class(cl)]; b != nil {
				b.LearnedLimit, b.LearnedCount = l.limit, l.count
			}
		}
		return nil
	}
	rows, err := a.conn.QueryContext(ctx, `
		SELECT class, rl, c FROM (
		  SELECT class, rl, count(*)::BIGINT AS c FROM requests WHERE rl > 0 AND class < 254 GROUP BY class, rl)
		QUALIFY row_number() OVER (PARTITION BY class ORDER BY c DESC, rl DESC) = 1`)
	if err != nil {
		return fmt.Errorf("learned limits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cl uint8
		var lim int
		var n int64
		if err := rows.Scan(&cl, &lim, &n); err != nil {
			return fmt.Errorf("learned limits: %w", err)
		}
		if b := byClass[classify.Class(cl)]; b != nil {
			b.LearnedLimit, b.LearnedCount = lim, n
		}
	}
	return rows.Err()
}

// drillDownTop is the number of callers listed per bucket.
const drillDownTop = 5

// drillDown finds who made the requests of each bucket's hot minutes: the minutes near or over the
// chosen tier's limit, and the minutes of its rolling 60 s peak when that is near or over. Buckets
// that were never near get none.
func (a *Analyzer) drillDown(ctx context.Context, p Params, byClass map[classify.Class]*BucketResult) error {
	var rollMinutes []string
	for cl, b := range byClass {
		v := &b.ByTier[p.Tier]
		if v.RollingStatus == StatusNear || v.RollingStatus == StatusOver || v.RollingStatus == StatusUnavailable {
			m := b.RollingFrom.Unix() / 60
			if b.RollingFrom.Unix()%60 < 0 {
				m--
			}
			end := b.RollingFrom.Add(time.Minute-time.Microsecond).Unix() / 60
			rollMinutes = append(rollMinutes, fmt.Sprintf("(%d, %d), (%d, %d)", cl, m, cl, end))
		}
	}
	roll := ""
	if len(rollMinutes) > 0 {
		roll = ` UNION SELECT * FROM (VALUES ` + strings.Join(rollMinutes, ", ") + `) v(class, m)`
	}
	// The minutes near or over (hot_count, made by Analyze) and those of the rolling peak, and their
	// requests, which analysisSQL picked.
	hot := `CREATE OR REPLACE TEMP TABLE hot AS SELECT class, m FROM hot_count` + roll + `;
		CREATE OR REPLACE TEMP TABLE hot_rows AS
		SELECT r.class, r.client, ` + agentOf + ` AS agent, ` + pathOf + ` AS path FROM picked r JOIN hot h ON r.class = h.class AND floordiv(r.ts, 60000000) = h.m;
		DROP TABLE picked`
	if _, err := a.conn.ExecContext(ctx, hot); err != nil {
		return fmt.Errorf("drill-down: %w", err)
	}
	rows, err := a.conn.QueryContext(ctx, `SELECT h.class, count(*)::BIGINT, sum(m.n)::BIGINT FROM hot h JOIN minutes m USING (class, m) GROUP BY h.class`)
	if err != nil {
		return fmt.Errorf("drill-down: %w", err)
	}
	for rows.Next() {
		var cl uint8
		var mins, reqs int64
		if err := rows.Scan(&cl, &mins, &reqs); err != nil {
			rows.Close()
			return fmt.Errorf("drill-down: %w", err)
		}
		if b := byClass[classify.Class(cl)]; b != nil {
			b.HotMinutes, b.HotRequests = mins, reqs
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("drill-down: %w", err)
	}
	for _, col := range []struct {
		id, names string
		set       func(b *BucketResult, s Share)
	}{
		{"client", "client_names", func(b *BucketResult, s Share) { b.Clients = append(b.Clients, s) }},
		{"agent", "agent_names", func(b *BucketResult, s Share) { b.Agents = append(b.Agents, s) }},
		{"path", "path_names", func(b *BucketResult, s Share) { b.Paths = append(b.Paths, s) }},
	} {
		names := a.namesTable(col.names)
		// Ties go by name, then id: ids are given in the order the parsers' batches reach the loader,
		// which differs from run to run.
		q := fmt.Sprintf(`
			WITH c AS (
			  SELECT h.class, h.id, coalesce(nm.name, '') AS name, h.n FROM (
			    SELECT class, %[1]s AS id, count(*)::BIGINT AS n FROM hot_rows GROUP BY class, %[1]s) h
			  LEFT JOIN %[3]s nm ON nm.id = h.id
			  QUALIFY row_number() OVER (PARTITION BY h.class ORDER BY h.n DESC, name, h.id) <= %[2]d)
			SELECT class, id::UBIGINT, name, n FROM c ORDER BY class, n DESC, name, id`, col.id, drillDownTop, names)
		rows, err := a.conn.QueryContext(ctx, q)
		if err != nil {
			return fmt.Errorf("drill-down %s: %w", col.id, err)
		}
		for rows.Next() {
			var cl uint8
			var id uint64
			var s Share
			if err := rows.Scan(&cl, &id, &s.Name, &s.Count); err != nil {
				rows.Close()
				return fmt.Errorf("drill-down %s: %w", col.id, err)
			}
			if col.id == "client" && id&ipv4Flag != 0 {
				s.Name = ipv4Name(id)
			}
			if b := byClass[classify.Class(cl)]; b != nil {
				col.set(b, s)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("drill-down %s: %w", col.id, err)
		}
	}
	return nil
}

// maxPrincipals bounds the principals listed per bucket, the most loaded first.
const maxPrincipals = 20

// principalPeaks finds each principal's busiest minute per bucket and judges it against the
// principal's share of the chosen tier's limit.
func (a *Analyzer) principalPeaks(ctx context.Context, p Params, byClass map[classify.Class]*BucketResult) error {
	names := a.namesTable("principal_names")
	rows, err := a.conn.QueryContext(ctx, `
		WITH pm AS (
		  SELECT class, principal, floordiv(ts, 60000000) AS m, count(*)::BIGINT AS n
		  FROM requests WHERE principal <> 0 AND class < 254 GROUP BY class, principal, floordiv(ts, 60000000)),
		mx AS (SELECT class, principal, max(n) AS n FROM pm GROUP BY class, principal)
		SELECT mx.class, coalesce(nm.name, ''), mx.n, min(pm.m)
		FROM mx JOIN pm USING (class, principal, n) LEFT JOIN `+names+` nm ON nm.id = mx.principal
		GROUP BY mx.class, mx.principal, nm.name, mx.n ORDER BY mx.class, mx.n DESC, nm.name, mx.principal`)
	if err != nil {
		return fmt.Errorf("principal peaks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cl uint8
		var pp PrincipalPeak
		var m int64
		if err := rows.Scan(&cl, &pp.Name, &pp.Peak, &m); err != nil {
			return fmt.Errorf("principal peaks: %w", err)
		}
		b := byClass[classify.Class(cl)]
		if b == nil || len(b.Principals) >= maxPrincipals {
			continue
		}
		pp.Minute = time.Unix(m*60, 0).UTC()
		pp.Share = p.Principals.Share(pp.Name)
		lim := b.ByTier[p.Tier].Limit
		pp.Limit = classify.PrincipalLimit(lim, pp.Share)
		pp.Over = lim != classify.NA && pp.Peak > int64(pp.Limit)
		pp.BucketCount = minuteCount(b.Minutes, pp.Minute)
		pp.BucketOver = lim != classify.NA && pp.BucketCount > int64(lim)
		b.Principals = append(b.Principals, pp)
	}
	return rows.Err()
}

// namesTable is table when SetNames made it (a store has them all), else an empty (id, name)
// relation: an analyzer fed through Add has ids but no names.
func (a *Analyzer) namesTable(table string) string {
	if a.hasNames {
		return table
	}
	return "(SELECT NULL::UBIGINT AS id, NULL::VARCHAR AS name WHERE false)"
}

// drainingReader hands out its record batches once each and lets go of each as it hands out the
// next, so that nothing keeps their memory once DuckDB has read them: go-duckdb's RegisterView never
// has the exported stream released, so the reader it holds lives on, and array.NewRecordReader's
// keeps every batch it was given (a month of held rows: 174 MiB).
type drainingReader struct {
	refs   atomic.Int64
	schema *arrow.Schema
	recs   []arrow.RecordBatch
	cur    arrow.RecordBatch
}

func newDrainingReader(schema *arrow.Schema, recs []arrow.RecordBatch) *drainingReader {
	r := &drainingReader{schema: schema, recs: recs}
	r.refs.Store(1)
	for _, rec := range recs {
		rec.Retain()
	}
	return r
}

func (r *drainingReader) Retain() { r.refs.Add(1) }

func (r *drainingReader) Release() {
	if r.refs.Add(-1) == 0 {
		r.drop()
	}
}

func (r *drainingReader) drop() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	for i, rec := range r.recs {
		rec.Release()
		r.recs[i] = nil
	}
	r.recs = nil
}

func (r *drainingReader) Schema() *arrow.Schema { return r.schema }

func (r *drainingReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if len(r.recs) == 0 {
		return false
	}
	r.cur, r.recs[0], r.recs = r.recs[0], nil, r.recs[1:]
	return true
}

func (r *drainingReader) RecordBatch() arrow.RecordBatch { return r.cur }

// Record is RecordBatch, for the interface.
func (r *drainingReader) Record() arrow.RecordBatch { return r.cur }

func (r *drainingReader) Err() error { return nil }

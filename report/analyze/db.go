package analyze

import (
	"context"
	"database/sql"
	"database/sql/driver"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/marcboeker/go-duckdb"
)

// batchRows is the number of rows per Arrow record batch: DuckDB's row-group size, so each batch
// lands in DuckDB as one chunk of work. DuckDB loads a batch of exactly this size a third faster than
// a shorter one (10.8 M rows/s against 7.2 M for batches of 110,000 rows).
const batchRows = 122_880

// duckdbMemoryLimit bounds DuckDB's own memory: past it, DuckDB spills its tables and intermediate
// results to the temp directory, so a store of a large org's month fits a small VM. A run that is
// not kept loads only the requests its analysis needs (see live.go) and stays far below it.
const duckdbMemoryLimit = "320MB"

// DuckDB's worker threads. While rows are loaded, the goroutines parsing the logs keep every core
// busy and each INSERT of one Arrow batch runs on its caller's thread, so DuckDB's own workers would
// only compete with the parsers for the CPU (measured: 0.2 s of 1.3 s of loading 5 M rows on 2
// cores). The analysis then gets one worker per CPU the process may use (analysisThreads).
const loadThreads = `SET threads = 1`

// analysisThreads sets DuckDB's threads for an analysis: GOMAXPROCS, the CPUs the process may use
// (Go sets it from a container's CPU limit; GOMAXPROCS=1 makes a one-core run), not every CPU of the
// machine.
func analysisThreads() string { return fmt.Sprintf(`SET threads = %d`, runtime.GOMAXPROCS(0)) }

// macrosSQL defines the macros every query may use.
//
//go:embed macros.sql
var macrosSQL string

// duckDB is one connection to an embedded, in-process DuckDB database: in memory for a run that is
// not kept, or a store's file. Every statement goes through one connection, since the Arrow views
// that load Go columns and the temporary tables of an analysis are local to it.
type duckDB struct {
	db    *sql.DB
	conn  *sql.Conn
	views int // Arrow views registered so far (each gets a name of its own)
}

// openDuckDB opens a DuckDB database (in memory when path is "") on one connection, with the memory
// limit, one thread for loading, and a private spill directory under the system temp directory rather
// than the working directory.
func openDuckDB(path string) (*duckDB, error) {
	connector, err := duckdb.NewConnector(path, nil)
	if err != nil {
		return nil, fmt.Errorf("open duckdb %s: %w", path, err)
	}
	d := &duckDB{db: sql.OpenDB(connector)}
	ctx := context.Background()
	if d.conn, err = d.db.Conn(ctx); err != nil {
		d.db.Close()
		return nil, fmt.Errorf("open duckdb connection: %w", err)
	}
	tmp := filepath.Join(os.TempDir(), "ratecard-duckdb")
	settings := `SET temp_directory = '` + strings.ReplaceAll(tmp, "'", "''") + `'; SET memory_limit = '` + duckdbMemoryLimit + `'; ` + loadThreads + `;`
	if _, err := d.conn.ExecContext(ctx, settings+macrosSQL); err != nil {
		d.close()
		return nil, fmt.Errorf("duckdb settings: %w", err)
	}
	return d, nil
}

// close releases the connection and the database; a store's file is complete once closed.
func (d *duckDB) close() error {
	if d.conn != nil {
		d.conn.Close()
		d.conn = nil
	}
	if d.db == nil {
		return nil
	}
	err := d.db.Close()
	d.db = nil
	return err
}

// exec runs a script of SQL statements; when tracing, one at a time, tracing the table each makes.
func (d *duckDB) exec(ctx context.Context, script string) error {
	if !tracing {
		_, err := d.conn.ExecContext(ctx, script)
		return err
	}
	for _, st := range strings.Split(script, ";\n") {
		if strings.TrimSpace(st) == "" {
			continue
		}
		if _, err := d.conn.ExecContext(ctx, st); err != nil {
			return err
		}
		trace(statementName(st))
	}
	return nil
}

// statementName is what a trace line calls a SQL statement: its first line after any comments, up to
// " AS" ("TEMP TABLE picked").
func statementName(st string) string {
	for _, line := range strings.Split(st, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "--") {
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "CREATE OR REPLACE "), " AS")
			return name
		}
	}
	return ""
}

// withArrowView runs fn with the record batches of rr registered as the view name on the
// connection, then drops the view.
func (d *duckDB) withArrowView(ctx context.Context, rr array.RecordReader, name string, fn func(driver.ExecerContext) error) error {
	return d.conn.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return fmt.Errorf("duckdb arrow: %w", err)
		}
		release, err := ar.RegisterView(rr, name)
		if err != nil {
			return fmt.Errorf("register arrow view: %w", err)
		}
		defer release()
		ex := dc.(driver.ExecerContext)
		if err := fn(ex); err != nil {
			return err
		}
		if _, err := ex.ExecContext(ctx, `DROP VIEW `+name, nil); err != nil {
			return fmt.Errorf("drop arrow view: %w", err)
		}
		return nil
	})
}

// insert appends one Arrow record batch, whose columns are the table's, to table.
func (d *duckDB) insert(table string, rec arrow.RecordBatch) error {
	rr := newDrainingReader(rec.Schema(), []arrow.RecordBatch{rec})
	defer rr.Release()
	name := fmt.Sprintf("arrow_batch_%d", d.views)
	d.views++
	ctx := context.Background()
	return d.withArrowView(ctx, rr, name, func(ex driver.ExecerContext) error {
		if _, err := ex.ExecContext(ctx, `INSERT INTO `+table+` SELECT * FROM `+name, nil); err != nil {
			return fmt.Errorf("load arrow batch: %w", err)
		}
		return nil
	})
}

// createFromArrow runs query, which makes a table from the record batch rec under the name
// arrow_view. The batch goes in slices of batchRows rows, which DuckDB's threads scan in parallel.
func (d *duckDB) createFromArrow(rec arrow.RecordBatch, query string) error {
	var recs []arrow.RecordBatch
	for i := int64(0); i < rec.NumRows(); i += batchRows {
		r := rec.NewSlice(i, min(i+batchRows, rec.NumRows()))
		defer r.Release()
		recs = append(recs, r)
	}
	rr := newDrainingReader(rec.Schema(), recs)
	defer rr.Release()
	ctx := context.Background()
	return d.withArrowView(ctx, rr, "arrow_view", func(ex driver.ExecerContext) error {
		_, err := ex.ExecContext(ctx, query, nil)
		return err
	})
}

// queryArrow runs query and hands each record batch of its result to fn: for results of many rows,
// which database/sql would scan one value at a time.
func (d *duckDB) queryArrow(ctx context.Context, query string, fn func(arrow.RecordBatch) error) error {
	return d.conn.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		rr, err := ar.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rr.Release()
		for rr.Next() {
			if err := fn(rr.RecordBatch()); err != nil {
				return err
			}
		}
		return rr.Err()
	})
}

// names are the names behind the dictionary ids of the requests' client, agent, principal and path
// columns: id i is the i-th name.
type names struct {
	clients, agents, principals, paths []string
}

// nameOf is the name of id in list ("" for none), as lookupName gives it from a names
// table.
func nameOf(list []string, id uint64) string {
	if id < uint64(len(list)) {
		return list[id]
	}
	return ""
}

// namesTables are the tables holding names, in the order of names' fields.
var namesTables = [4]string{"client_names", "agent_names", "principal_names", "path_names"}

var namesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Uint32},
	{Name: "name", Type: arrow.BinaryTypes.String},
}, nil)

// setNames (re)makes the names tables, which the drill-down and the principals' peaks read.
func (d *duckDB) setNames(n names) error {
	for i, list := range [4][]string{n.clients, n.agents, n.principals, n.paths} {
		b := array.NewRecordBuilder(memory.NewGoAllocator(), namesSchema)
		ids, strs := b.Field(0).(*array.Uint32Builder), b.Field(1).(*array.StringBuilder)
		for id, s := range list {
			ids.Append(uint32(id))
			strs.Append(s)
		}
		rec := b.NewRecordBatch()
		b.Release()
		err := d.createFromArrow(rec, `CREATE OR REPLACE TABLE `+namesTables[i]+` AS SELECT id, name FROM arrow_view`)
		rec.Release()
		if err != nil {
			return fmt.Errorf("%s: %w", namesTables[i], err)
		}
	}
	return nil
}

// int64Columns sets cols[k] to rec's column first+k, and reports whether every one of them is BIGINT.
func int64Columns(rec arrow.RecordBatch, first int, cols []*array.Int64) bool {
	ok := true
	for k := range cols {
		col, isInt := rec.Column(first + k).(*array.Int64)
		cols[k], ok = col, ok && isInt
	}
	return ok
}

// sliceArray is an Arrow array of n values of the fixed-width type t, over the bytes b of a Go slice,
// without a copy and without nulls.
func sliceArray(t arrow.DataType, n int, b []byte) arrow.Array {
	d := array.NewData(t, n, []*memory.Buffer{nil, memory.NewBufferBytes(b)}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// classRecord makes a record batch of schema, a UTINYINT column and BIGINT ones, over the slices.
func classRecord(schema *arrow.Schema, cls []uint8, cols ...[]int64) arrow.RecordBatch {
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

// int64Fields appends a BIGINT field of each name to fs.
func int64Fields(fs []arrow.Field, names ...string) []arrow.Field {
	for _, n := range names {
		fs = append(fs, arrow.Field{Name: n, Type: arrow.PrimitiveTypes.Int64})
	}
	return fs
}

// drainingReader hands out its record batches once each and lets go of each as it hands out the
// next, so that nothing keeps their memory once DuckDB has read them: go-duckdb's RegisterView never
// has the exported stream released, so the reader it holds lives on, and array.NewRecordReader's
// keeps every batch it was given (a month of needed rows: tens of MiB).
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

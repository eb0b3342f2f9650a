package analyze

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// A store is a DuckDB file that keeps every classified request of one ingest (ratecard analyze
// --db), so that the analysis can be run again for another tier, warning threshold, catalog or limits
// file without reading the logs. It holds (store.sql):
//
//   - requests_all (ts, c0, c1, ..., client, principal, ids, info, dur): each request's UTC instant
//     in Unix microseconds, its class in every built-in catalog (column ck for the k-th), its client
//     and principal ids, the small columns packed: ids = agent<<32 | path, and info = status<<48 |
//     src<<40 | flags<<32 | uint32(X-Rate-Limit-Limit) (DuckDB's cost of loading a row grows with its
//     columns; flags are rowBatch's, with flagDuration for a logged duration), and the duration in
//     microseconds (0 when not logged, cut to maxDurMicros);
//   - client_names, agent_names, principal_names, path_names (id, name): the names behind the ids;
//   - ratecard_meta (key, value): the format version, the catalog of each class column, the input
//     accounting as JSON, and the groups of method-unknown requests of each catalog as JSON (the
//     class column holds classify.MethodUnknown for those requests).
//
// Classification does not depend on limits, so a catalog with overrides ("seed+limits.yaml") is
// analysed from the column of its base catalog ("seed").
type store struct {
	db     *duckDB
	column int // the class column (ck) of the analysed catalog
	// counts are taken as the rows come in while the store is made, and counted in SQL
	// (countMinutes) when a store is opened again.
	counts *minuteCounts
	// fl holds the intervals and client-limited requests, taken as the rows come in while the store
	// is made, and read from it (readInflight) when it is opened again.
	fl     *inflight
	schema *arrow.Schema // of requests_all
	// info, ids and dur are add's scratch for the packed columns.
	info, ids []uint64
	dur       []uint32
	// catalogs names the catalog of each class column; unknown is the method-unknown groups of the
	// analysed one.
	catalogs []string
	unknown  []report.MethodUnknown
}

// storeVersion is written into every store; openStore refuses other versions. Version 4 added the
// class method-unknown (253) and the method_unknown metadata: a binary that reads version 3 would
// take class 253 for a bucket, so it refuses version 4 with its message to ingest again. Version 5
// added the dur column and the flags in info (the concurrency analysis).
const storeVersion = "ratecard-store-5"

// ErrNotStore is returned for a --db file that is not a ratecard store.
var ErrNotStore = errors.New("not a ratecard --db file")

var (
	//go:embed store.sql
	storeSQL string
	//go:embed store_view.sql
	storeViewSQL string
	//go:embed store_minutes.sql
	storeMinutesSQL string
	//go:embed store_totals.sql
	storeTotalsSQL string
	//go:embed store_learned.sql
	storeLearnedSQL string
	// storeInflightSQL gives the rows an inflight is made of.
	storeInflightSQL = `SELECT ts, dur, flags, client, agent FROM requests WHERE src = 0 AND flags != 0`
)

// createStore creates a store at path for rows classified by each of cats (add takes one class
// column per catalog, in the order of cats), to be analysed against cat, whose base catalog must be
// one of cats. An existing store at path is replaced; an existing file that is not a DuckDB database
// is left alone and is an error.
func createStore(path string, cats []*classify.Catalog, cat *classify.Catalog) (*store, error) {
	catNames := make([]string, len(cats))
	for i, c := range cats {
		catNames[i] = c.Name
	}
	col, err := storeColumn(catNames, cat)
	if err != nil {
		return nil, err
	}
	if err := removeStore(path); err != nil {
		return nil, err
	}
	d, err := openDuckDB(path)
	if err != nil {
		return nil, err
	}
	s := &store{db: d, column: col, counts: newMinuteCounts(), fl: newInflight(), catalogs: catNames}
	fields := []arrow.Field{{Name: "ts", Type: arrow.PrimitiveTypes.Int64}}
	var classCols []string
	for k := range cats {
		fields = append(fields, arrow.Field{Name: fmt.Sprintf("c%d", k), Type: arrow.PrimitiveTypes.Uint8})
		classCols = append(classCols, fmt.Sprintf("c%d UTINYINT NOT NULL", k))
	}
	s.schema = arrow.NewSchema(append(fields,
		arrow.Field{Name: "client", Type: arrow.PrimitiveTypes.Uint64},
		arrow.Field{Name: "principal", Type: arrow.PrimitiveTypes.Uint32},
		arrow.Field{Name: "ids", Type: arrow.PrimitiveTypes.Uint64},
		arrow.Field{Name: "info", Type: arrow.PrimitiveTypes.Uint64},
		arrow.Field{Name: "dur", Type: arrow.PrimitiveTypes.Uint32}), nil)
	ctx := context.Background()
	catsJSON, _ := json.Marshal(catNames)
	err = d.exec(ctx, strings.ReplaceAll(storeSQL, "CLASS_COLUMNS", strings.Join(classCols, ", ")))
	if err == nil {
		_, err = d.conn.ExecContext(ctx, `INSERT INTO ratecard_meta VALUES ('version', ?), ('catalogs', ?)`, storeVersion, string(catsJSON))
	}
	if err == nil {
		err = d.setNames(names{}) // empty until the ingest sets them: every store has them
	}
	if err == nil {
		err = s.createView(ctx)
	}
	if err != nil {
		s.close()
		return nil, fmt.Errorf("%s: create store: %w", path, err)
	}
	return s, nil
}

// openStore opens the store at path for another analysis against cat, whose base catalog must be one
// the store was made with, and returns the input accounting saved with it.
func openStore(path string, cat *classify.Catalog) (*store, report.Input, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, report.Input{}, err
	}
	if err := checkDuckDBFile(path); err != nil {
		return nil, report.Input{}, err
	}
	d, err := openDuckDB(path)
	if err != nil {
		return nil, report.Input{}, err
	}
	s := &store{db: d}
	in, err := s.open(path, cat)
	if err != nil {
		s.close()
		return nil, report.Input{}, err
	}
	return s, in, nil
}

// open reads the store's metadata and makes the requests view for cat.
func (s *store) open(path string, cat *classify.Catalog) (report.Input, error) {
	ctx := context.Background()
	meta := map[string]string{}
	rows, err := s.db.conn.QueryContext(ctx, `SELECT key, value FROM ratecard_meta`)
	if err != nil {
		return report.Input{}, fmt.Errorf("%s: %w", path, ErrNotStore)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return report.Input{}, fmt.Errorf("%s: %w", path, err)
		}
		meta[k] = v
	}
	rows.Close()
	if v := meta["version"]; v != storeVersion {
		if strings.HasPrefix(v, "ratecard-store-") {
			return report.Input{}, fmt.Errorf("%s: written by another version of ratecard (format %q, this one reads %q); run analyze --db with the log files again", path, v, storeVersion)
		}
		return report.Input{}, fmt.Errorf("%s: %w (version %q, want %q)", path, ErrNotStore, v, storeVersion)
	}
	if meta["input"] == "" {
		return report.Input{}, fmt.Errorf("%s: the ingest that made this store did not finish; run analyze with the log files again", path)
	}
	var catNames []string
	var in report.Input
	if err := json.Unmarshal([]byte(meta["catalogs"]), &catNames); err != nil {
		return report.Input{}, fmt.Errorf("%s: catalogs: %w", path, err)
	}
	if err := json.Unmarshal([]byte(meta["input"]), &in); err != nil {
		return report.Input{}, fmt.Errorf("%s: input accounting: %w", path, err)
	}
	if s.column, err = storeColumn(catNames, cat); err != nil {
		return report.Input{}, fmt.Errorf("%s: %w", path, err)
	}
	var unknown map[string][]report.MethodUnknown
	if err := json.Unmarshal([]byte(meta["method_unknown"]), &unknown); err != nil {
		return report.Input{}, fmt.Errorf("%s: method-unknown requests: %w", path, err)
	}
	s.catalogs, s.unknown = catNames, unknown[catNames[s.column]]
	return in, s.createView(ctx)
}

// createView makes the requests view over the store's class column.
func (s *store) createView(ctx context.Context) error {
	if err := s.db.exec(ctx, strings.ReplaceAll(storeViewSQL, "CLASS_COLUMN", fmt.Sprintf("c%d", s.column))); err != nil {
		return fmt.Errorf("requests view: %w", err)
	}
	return nil
}

// add counts a batch of rows, one class column per catalog of the store, in the analysed catalog's
// column, and hands them to DuckDB as an Arrow record batch over the slices, without a copy. They are
// not kept after add returns, so the caller may reuse them.
func (s *store) add(r *rowBatch) error {
	if err := r.check(len(s.schema.Fields()) - 6); err != nil {
		return err
	}
	n := len(r.ts)
	if n == 0 {
		return nil
	}
	s.info, s.ids = slices.Grow(s.info[:0], n)[:n], slices.Grow(s.ids[:0], n)[:n]
	s.dur = slices.Grow(s.dur[:0], n)[:n]
	for i := range n {
		dur := rowDur(r.src[i], r.dur[i])
		s.counts.add(r.ts[i], r.class[s.column][i], r.status[i], r.src[i], r.rl[i])
		s.fl.addRequest(r.src[i], r.ts[i], dur, r.flags[i], r.client[i], r.agent[i], false)
		flags := r.flags[i]
		if dur >= 0 {
			flags |= flagDuration
		}
		s.info[i], s.ids[i] = packInfo(r.status[i], r.src[i], flags, r.rl[i]), packIDs(r.agent[i], r.path[i])
		s.dur[i] = heldDur(dur)
	}
	cols := []arrow.Array{sliceArray(arrow.PrimitiveTypes.Int64, n, arrow.Int64Traits.CastToBytes(r.ts))}
	for _, c := range r.class {
		cols = append(cols, sliceArray(arrow.PrimitiveTypes.Uint8, n, c))
	}
	cols = append(cols,
		sliceArray(arrow.PrimitiveTypes.Uint64, n, arrow.Uint64Traits.CastToBytes(r.client)),
		sliceArray(arrow.PrimitiveTypes.Uint32, n, arrow.Uint32Traits.CastToBytes(r.principal)),
		sliceArray(arrow.PrimitiveTypes.Uint64, n, arrow.Uint64Traits.CastToBytes(s.ids)),
		sliceArray(arrow.PrimitiveTypes.Uint64, n, arrow.Uint64Traits.CastToBytes(s.info)),
		sliceArray(arrow.PrimitiveTypes.Uint32, n, arrow.Uint32Traits.CastToBytes(s.dur)))
	rec := array.NewRecordBatch(s.schema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	defer rec.Release()
	return s.db.insert("requests_all", rec)
}

// packInfo packs a request's status, source, flags and X-Rate-Limit-Limit into the info column.
func packInfo(status uint16, src, flags uint8, rl int32) uint64 {
	return uint64(status)<<48 | uint64(src)<<40 | uint64(flags)<<32 | uint64(uint32(max(rl, 0)))
}

func (s *store) setNames(n names) error { return s.db.setNames(n) }

// peaks computes the rolling peaks, drill-down and principals' peaks from the requests in DuckDB.
func (s *store) peaks(ctx context.Context, f *minuteFigures, cat *classify.Catalog, p params, in *report.Input) (requestFigures, error) {
	return rowPeaks(ctx, s, f, cat, p, in)
}

func (s *store) database() (*duckDB, error) { return s.db, nil }

// goNames: a store's names are in its names tables.
func (s *store) goNames() *names { return nil }

// saveInput records the input accounting in the store, and the method-unknown groups of each of
// its catalogs (unknown[k] for the k-th class column), for openStore to give back.
func (s *store) saveInput(in report.Input, unknown [][]report.MethodUnknown) error {
	byCat := map[string][]report.MethodUnknown{}
	for k, g := range unknown {
		byCat[s.catalogs[k]] = g
	}
	if len(unknown) > s.column {
		s.unknown = unknown[s.column]
	}
	for key, v := range map[string]any{"method_unknown": byCat, "input": in} {
		js, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := s.db.conn.ExecContext(context.Background(), `INSERT OR REPLACE INTO ratecard_meta VALUES (?, ?)`, key, string(js)); err != nil {
			return err
		}
	}
	return nil
}

func (s *store) methodUnknown() []report.MethodUnknown { return s.unknown }

// load needs to do nothing: the requests view holds every request.
func (s *store) load(context.Context, *minuteSet) error { return nil }

// minuteCounts returns the counts taken while the store was made, or counts them in SQL.
func (s *store) minuteCounts(ctx context.Context) (*minuteCounts, error) {
	if s.counts == nil {
		c, err := s.countMinutes(ctx)
		if err != nil {
			return nil, err
		}
		s.counts = c
	}
	return s.counts, nil
}

// countMinutes counts the store's requests per bucket and minute, and their totals, in SQL: what add
// counts in Go as the rows come.
func (s *store) countMinutes(ctx context.Context) (*minuteCounts, error) {
	c := newMinuteCounts()
	err := s.db.queryArrow(ctx, storeMinutesSQL, func(rec arrow.RecordBatch) error {
		cls, ok := rec.Column(0).(*array.Uint8)
		var ints [9]*array.Int64 // m, s0 … s5, n429, nsys
		if !int64Columns(rec, 1, ints[:]) || !ok {
			return fmt.Errorf("unexpected column types %s", rec.Schema())
		}
		for i := range int(rec.NumRows()) {
			cell := c.cell(cls.Value(i), ints[0].Value(i))
			for j := range 6 {
				cell.steps[j] = uint32(ints[1+j].Value(i))
			}
			cell.n429, cell.nsys = uint32(ints[7].Value(i)), uint32(ints[8].Value(i))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("minute counts: %w", err)
	}
	var minTS, maxTS *int64
	if err := s.db.conn.QueryRowContext(ctx, storeTotalsSQL).Scan(&minTS, &maxTS, &c.public, &c.outside); err != nil {
		return nil, fmt.Errorf("time range: %w", err)
	}
	if minTS != nil {
		c.any, c.minTS, c.maxTS = true, *minTS, *maxTS
	}
	rows, err := s.db.conn.QueryContext(ctx, storeLearnedSQL)
	if err != nil {
		return nil, fmt.Errorf("learned limits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k learnedKey
		var n int64
		if err := rows.Scan(&k.class, &k.rl, &n); err != nil {
			return nil, fmt.Errorf("learned limits: %w", err)
		}
		c.learned[k] = n
	}
	return c, rows.Err()
}

// principals: a store's principals' peaks are computed in SQL from its rows.
func (s *store) principals() (prinCounts, []string) { return nil, nil }

// inflight returns the intervals and client-limited requests taken while the store was made, or
// reads them from it.
func (s *store) inflight(ctx context.Context) (*inflight, error) {
	if s.fl == nil {
		g, err := s.readInflight(ctx)
		if err != nil {
			return nil, err
		}
		s.fl = g
	}
	return s.fl, nil
}

// readInflight reads what add gives an inflight from the store's access-log requests with a
// duration, a concurrency 429 or a client-limited endpoint, and counts the others.
func (s *store) readInflight(ctx context.Context) (*inflight, error) {
	g := newInflight()
	err := s.db.queryArrow(ctx, storeInflightSQL, func(rec arrow.RecordBatch) error {
		ts, ok1 := rec.Column(0).(*array.Int64)
		dur, ok2 := rec.Column(1).(*array.Uint32)
		flags, ok3 := rec.Column(2).(*array.Uint8)
		client, ok4 := rec.Column(3).(*array.Uint64)
		agent, ok5 := rec.Column(4).(*array.Uint32)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
			return fmt.Errorf("unexpected column types %s", rec.Schema())
		}
		for i := range int(rec.NumRows()) {
			f, d := flags.Value(i), int64(-1)
			if f&flagDuration != 0 {
				d = int64(dur.Value(i))
			}
			g.add(ts.Value(i), d, f, false)
			if f&flagEndpoint != 0 {
				g.addClient(client.Value(i), agent.Value(i), ts.Value(i), d)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("concurrency: %w", err)
	}
	var others int64
	if err := s.db.conn.QueryRowContext(ctx, `SELECT count(*) FROM requests WHERE src = 0 AND flags = 0`).Scan(&others); err != nil {
		return nil, fmt.Errorf("concurrency: %w", err)
	}
	g.requests += others
	return g, nil
}

// close closes the database; a store is complete once closed.
func (s *store) close() error {
	if s.fl != nil {
		s.fl.close()
	}
	return s.db.close()
}

// storeColumn is the index k of the class column (ck) for cat among a store's catalogs.
func storeColumn(names []string, cat *classify.Catalog) (int, error) {
	base, _, _ := strings.Cut(cat.Name, "+")
	for k, n := range names {
		if n == base {
			return k, nil
		}
	}
	return 0, fmt.Errorf("catalog %s is not in the store (it has %s)", base, strings.Join(names, ", "))
}

// duckdbMagic is at byte 8 of every DuckDB database file.
var duckdbMagic = []byte("DUCK")

// checkDuckDBFile reports whether path is a DuckDB database file.
func checkDuckDBFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 12)
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head[8:12], duckdbMagic) {
		return fmt.Errorf("%s: %w (not a DuckDB database)", path, ErrNotStore)
	}
	return nil
}

// removeStore deletes an existing DuckDB file (and its write-ahead log) at path, so createStore starts
// afresh; any other existing file is an error rather than something to overwrite.
func removeStore(path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err := checkDuckDBFile(path); err != nil {
		return fmt.Errorf("%w; refusing to replace it", err)
	}
	if err := os.Remove(path); err != nil {
		return err
	}
	if err := os.Remove(path + ".wal"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

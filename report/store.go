package report

// A store is a DuckDB file that keeps the classified requests of one ingest (ratecard analyze --db),
// so that the analysis can be run again for another tier, warning threshold, catalog or limits file
// without reading the logs. It holds:
//
//   - requests_all (ts BIGINT, c0 UTINYINT, c1 UTINYINT, ..., client, principal, ids, info): each
//     request's UTC instant in Unix microseconds, its class in every built-in catalog (column ck for
//     the k-th), and the drill-down facts of Rows, packed as detailFields describes;
//   - client_names, agent_names, principal_names, path_names (id, name): the dictionaries of the
//     client, agent, principal and path-template ids (version 2 added path templates, 3 packed
//     the small columns);
//   - ratecard_meta (key, value): the format version, the catalog of each class column, and the
//     input accounting as JSON.
//
// Classification does not depend on limits, so a catalog with overrides ("seed+limits.yaml") is
// analysed from the column of its base catalog ("seed").

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ratecard/ratecard/classify"
)

// storeVersion is written into every store; OpenStore refuses other versions.
const storeVersion = "ratecard-store-3"

// ErrNotStore is returned by OpenStore and CreateStore for a file that is not a ratecard store.
var ErrNotStore = errors.New("not a ratecard --db file")

// CreateStore creates a store at path for rows classified by each of cats, and returns an Analyzer
// that loads rows into it (AddBatch with one class slice per catalog, in the order of cats) and
// analyses them against cat, whose base catalog must be one of cats. An existing store at path is
// replaced; an existing file that is not a DuckDB database is left alone and is an error.
func CreateStore(path string, cats []*classify.Catalog, cat *classify.Catalog) (*Analyzer, error) {
	col, err := storeColumn(catalogNames(cats), cat)
	if err != nil {
		return nil, err
	}
	if err := removeStore(path); err != nil {
		return nil, err
	}
	a, err := openDB(path, cat)
	if err != nil {
		return nil, err
	}
	fields := []arrow.Field{{Name: "ts", Type: arrow.PrimitiveTypes.Int64}}
	cols := []string{"ts BIGINT NOT NULL"}
	for k := range cats {
		fields = append(fields, arrow.Field{Name: fmt.Sprintf("c%d", k), Type: arrow.PrimitiveTypes.Uint8})
		cols = append(cols, fmt.Sprintf("c%d UTINYINT NOT NULL", k))
	}
	fields = append(fields, detailFields...)
	cols = append(cols, detailColumns)
	a.schema, a.table, a.column = arrow.NewSchema(fields, nil), "requests_all", fmt.Sprintf("c%d", col)
	a.agg, a.aggCol = newMinuteAgg(), col
	ctx := context.Background()
	names, _ := json.Marshal(catalogNames(cats))
	for _, q := range []string{
		`CREATE TABLE requests_all (` + strings.Join(cols, ", ") + `)`,
		`CREATE TABLE ratecard_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
	} {
		if _, err := a.conn.ExecContext(ctx, q); err != nil {
			a.Close()
			return nil, fmt.Errorf("%s: create store: %w", path, err)
		}
	}
	if _, err := a.conn.ExecContext(ctx, `INSERT INTO ratecard_meta VALUES ('version', ?), ('catalogs', ?)`,
		storeVersion, string(names)); err != nil {
		a.Close()
		return nil, fmt.Errorf("%s: create store: %w", path, err)
	}
	if err := a.SetNames(Names{}); err != nil { // empty until the ingest sets them: every store has them
		a.Close()
		return nil, fmt.Errorf("%s: create store: %w", path, err)
	}
	return a, nil
}

// SaveInput records the input accounting in the store, for OpenStore to give back.
func (a *Analyzer) SaveInput(in Input) error {
	js, err := json.Marshal(in)
	if err != nil {
		return err
	}
	_, err = a.conn.ExecContext(context.Background(),
		`INSERT OR REPLACE INTO ratecard_meta VALUES ('input', ?)`, string(js))
	return err
}

// OpenStore opens the store at path for another analysis against cat, whose base catalog must be
// one the store was made with, and returns the input accounting saved with it.
func OpenStore(path string, cat *classify.Catalog) (*Analyzer, Input, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, Input{}, err
	}
	if err := checkDuckDBFile(path); err != nil {
		return nil, Input{}, err
	}
	a, err := openDB(path, cat)
	if err != nil {
		return nil, Input{}, err
	}
	meta := map[string]string{}
	rows, err := a.conn.QueryContext(context.Background(), `SELECT key, value FROM ratecard_meta`)
	if err != nil {
		a.Close()
		return nil, Input{}, fmt.Errorf("%s: %w", path, ErrNotStore)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			a.Close()
			return nil, Input{}, fmt.Errorf("%s: %w", path, err)
		}
		meta[k] = v
	}
	rows.Close()
	if v := meta["version"]; v != storeVersion {
		a.Close()
		if strings.HasPrefix(v, "ratecard-store-") {
			return nil, Input{}, fmt.Errorf("%s: written by another version of ratecard (format %q, this one reads %q); run analyze --db with the log files again", path, v, storeVersion)
		}
		return nil, Input{}, fmt.Errorf("%s: %w (version %q, want %q)", path, ErrNotStore, v, storeVersion)
	}
	if meta["input"] == "" {
		a.Close()
		return nil, Input{}, fmt.Errorf("%s: the ingest that made this store did not finish; run analyze with the log files again", path)
	}
	var names []string
	var in Input
	if err := json.Unmarshal([]byte(meta["catalogs"]), &names); err != nil {
		a.Close()
		return nil, Input{}, fmt.Errorf("%s: catalogs: %w", path, err)
	}
	if err := json.Unmarshal([]byte(meta["input"]), &in); err != nil {
		a.Close()
		return nil, Input{}, fmt.Errorf("%s: input accounting: %w", path, err)
	}
	k, err := storeColumn(names, cat)
	if err != nil {
		a.Close()
		return nil, Input{}, fmt.Errorf("%s: %w", path, err)
	}
	a.column = fmt.Sprintf("c%d", k)
	a.table, a.hasNames = "requests_all", true // CreateStore made the names tables
	return a, in, nil
}

func catalogNames(cats []*classify.Catalog) []string {
	names := make([]string, len(cats))
	for i, c := range cats {
		names[i] = c.Name
	}
	return names
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

// removeStore deletes an existing DuckDB file (and its write-ahead log) at path, so CreateStore starts
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

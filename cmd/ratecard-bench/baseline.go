package main

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strings"

	// The engine is the one package that imports go-duckdb; linking it registers DuckDB's
	// database/sql driver, "duckdb", which the baseline query runs on.
	_ "github.com/ratecard/ratecard/report/analyze"
)

// baselineSQL is the DuckDB-only equivalent of ratecard's ingest and per-minute count on one plain
// combined-format file (read_csv + regexp + CASE + GROUP BY, all inside DuckDB).
//
//go:embed baseline.sql
var baselineSQL string

// baseline runs baselineSQL on the file at path in an in-memory DuckDB database and returns the
// number of requests it counted. The benchmark times it against ratecard on the same file.
func baseline(ctx context.Context, path string) (requests int64, err error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, fmt.Errorf("open duckdb: %w", err)
	}
	defer db.Close()
	var cells int64
	if err := db.QueryRowContext(ctx, strings.Replace(baselineSQL, "'SOH'", "'\x01'", 1), path).Scan(&cells, &requests); err != nil {
		return 0, fmt.Errorf("baseline SQL on %s: %w", path, err)
	}
	return requests, nil
}

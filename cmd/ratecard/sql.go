package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report/analyze"
)

// sqlSynopsis is the flag part of the sql usage line.
const sqlSynopsis = "--engine E --table T --column time=EXPR --column method=EXPR --column path=EXPR [--column status=EXPR] [--catalog C] [--from D] [--to D] [--out FILE]"

// sqlColumns are the names --column takes, and whether each is required.
var sqlColumns = map[string]bool{"time": true, "method": true, "path": true, "status": false}

// cmdSQL runs sql: it prints one query, for the engine that holds the logs, that classifies every
// request with the catalog's rules and counts the requests per bucket and UTC second (the rows
// analyze --counts reads). With --engine duckdb and --out, it runs the query in ratecard's own
// DuckDB and writes the rows to a file instead.
func cmdSQL(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sql", sqlSynopsis, stderr)
	engines := append(classify.SQLDialects(), "athena")
	sort.Strings(engines)
	engine := fs.String("engine", "", "the SQL engine that holds the logs: "+strings.Join(engines, ", "))
	table := fs.String("table", "", "the table (or view) with one row per request to Okta")
	var cols fieldFlags
	fs.Var(&cols, "column", "an SQL expression for time (a UTC TIMESTAMP), method, path (the request target) and, optionally, status (an integer HTTP status): --column time=request_time (repeatable)")
	from := fs.String("from", "", "count only requests at or after this UTC time (2026-10-01 or 2026-10-01T08:00:00Z)")
	to := fs.String("to", "", "count only requests before this UTC time (same forms)")
	out := fs.String("out", "", "with --engine duckdb: run the query here and write its rows to this file (CSV, or Parquet for a .parquet name) for analyze --counts")
	catFlags := addCatalogFlags(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("sql takes no arguments (got %q)", pos[0])
	}
	if *engine == "" || *table == "" {
		fs.Usage()
		return usagef("sql needs --engine and --table, e.g. ratecard sql --engine athena --table alb_logs --column time=... --column method=... --column path=...")
	}
	for name := range cols.m {
		if _, ok := sqlColumns[name]; !ok {
			return usagef("--column %s: want time, method, path or status", name)
		}
	}
	for _, name := range []string{"time", "method", "path"} {
		if cols.m[name] == "" {
			return usagef("sql needs --column %s=EXPR", name)
		}
	}
	q := classify.CountsQuery{Table: *table, Time: cols.m["time"], Method: cols.m["method"], Path: cols.m["path"], Status: cols.m["status"]}
	if q.From, err = parseUTC("--from", *from); err != nil {
		return err
	}
	if q.To, err = parseUTC("--to", *to); err != nil {
		return err
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return usagef("--from %s is not before --to %s", *from, *to)
	}
	if catFlags.learned() {
		return usagef("--limits learned needs the input: use it with analyze or request")
	}
	cat, err := catFlags.load()
	if err != nil {
		return err
	}
	query, err := cat.CountsSQL(*engine, q)
	if err != nil {
		return usageError{err.Error()}
	}
	if *out == "" {
		_, err = fmt.Fprint(stdout, query)
		return err
	}
	if *engine != "duckdb" {
		return usagef("--out runs the query in ratecard's own DuckDB: it needs --engine duckdb (for %s, run the printed query there)", *engine)
	}
	rows, err := analyze.ExportCounts(ctx, query, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "counts: %s (%d rows; read them with: ratecard analyze --counts %s)\n", *out, rows, *out)
	return nil
}

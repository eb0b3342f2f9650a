package main

import (
	"bufio"
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"

	// The engine is the one package that imports go-duckdb; linking it registers DuckDB's
	// database/sql driver, "duckdb", which the baseline queries run on.
	_ "github.com/ratecard/ratecard/report/analyze"
)

// baselineSQL is the DuckDB-only equivalent of ratecard's ingest and per-minute count on one plain
// combined-format file (read_csv + regexp + CASE + GROUP BY, all inside DuckDB).
//
//go:embed baseline.sql
var baselineSQL string

// sysLogSQL is the DuckDB-only per-minute request count of an Okta System Log NDJSON file
// (read_json with the needed fields named).
//
//go:embed systemlog.sql
var sysLogSQL string

// baseline runs baselineSQL on the file at path in an in-memory DuckDB database and returns the
// number of requests it counted. The benchmark times it against ratecard on the same file.
func baseline(ctx context.Context, path string) (requests int64, err error) {
	var cells int64
	err = queryDuckDB(ctx, strings.Replace(baselineSQL, "'SOH'", "'\x01'", 1), path, &cells, &requests)
	return requests, err
}

// sysLogBaseline runs sysLogSQL on the System Log file at path and returns the number of minutes
// with requests and the number of requests.
func sysLogBaseline(ctx context.Context, path string) (minutes, requests int64, err error) {
	err = queryDuckDB(ctx, sysLogSQL, path, &minutes, &requests)
	return minutes, requests, err
}

// queryDuckDB runs query with the parameter path in a new in-memory DuckDB database and scans its
// one row into dest.
func queryDuckDB(ctx context.Context, query, path string, dest ...any) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return fmt.Errorf("open duckdb: %w", err)
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, query, path).Scan(dest...); err != nil {
		return fmt.Errorf("DuckDB baseline on %s: %w", path, err)
	}
	return nil
}

// gunzipBlock is the size of the reads gunzipDiscard makes: the block size of ingest's readahead
// (ingest/compress.go), which reads the decompressor in blocks of 256 KiB on a goroutine of its own.
const gunzipBlock = 256 << 10

// gunzipDiscard decompresses the gzip file at path with the decompressor ratecard's ingest uses
// (github.com/klauspost/compress/gzip, multi-member, over a buffered file), reading it in
// gunzipBlock blocks and discarding them, on the calling goroutine. It returns the number of
// decompressed bytes.
func gunzipDiscard(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	buf := make([]byte, gunzipBlock)
	var n int64
	for {
		k, err := zr.Read(buf)
		n += int64(k)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("%s: %w", path, err)
		}
	}
}

// wcLines runs the wc program (wc -l FILE) and returns the line count it printed.
func wcLines(wc, path string) (int64, *os.ProcessState, error) {
	cmd := exec.Command(wc, "-l", path)
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%v: %s", err, ee.Stderr)
		}
		return 0, cmd.ProcessState, fmt.Errorf("%s -l %s: %w", wc, path, err)
	}
	f := strings.Fields(string(out))
	if len(f) == 0 {
		return 0, cmd.ProcessState, fmt.Errorf("%s -l %s printed nothing", wc, path)
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, cmd.ProcessState, fmt.Errorf("%s -l %s: %q: %w", wc, path, out, err)
	}
	return n, cmd.ProcessState, nil
}

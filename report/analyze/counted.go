package analyze

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
)

// Counts analyses requests already counted per bucket and UTC second, as the query of
// classify.Catalog.CountsSQL returns them (ratecard sql, for logs that live in a warehouse): files
// of rows bucket, second, requests and throttled, as CSV with that header (plain, gzip or zstd) or as
// Parquet with those columns, read through DuckDB. The throttled column may be left out (0).
//
// The analysis is the one of Files on the same requests at second resolution: the per-minute
// figures come from the counts, and the rolling 60-second peak is computed exactly from the
// per-second counts. What needs single requests (the callers, paths and principals of the hot
// minutes, learned limits) is not available; Result.Input.Counts says so. The input accounting
// counts each row as a line and sums its requests (the public-metadata and outside-catalog classes
// included); Options.From and To keep the seconds in [From, To). The options about reading logs do
// not apply.
//
// A bucket id the catalog does not have (counts made with another --catalog) stops the file with an
// error naming it; the other files are analysed, as with a log that cannot be read.
func Counts(ctx context.Context, paths []string, opt Options) (*report.Result, error) {
	if len(paths) == 0 {
		return nil, errors.New("no input files")
	}
	d, err := openDuckDB("")
	if err != nil {
		return nil, err
	}
	defer func() { go d.close() }()
	src := newCounted(opt.Catalog)
	in := report.Input{Counts: true, SkippedReasons: map[string]int64{}}
	for _, r := range ingest.Reasons {
		in.SkippedReasons[r] = 0
	}
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if !opt.From.IsZero() {
		from = opt.From.Unix()
	}
	if !opt.To.IsZero() {
		to = opt.To.Unix()
	}
	var errs []error
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fi, err := src.readFile(ctx, d, path, from, to)
		if err != nil {
			if opt.Strict {
				return nil, err
			}
			fi.Err = err.Error()
			errs = append(errs, err)
		}
		if opt.Progress != nil {
			if st, err := os.Stat(path); err == nil {
				opt.Progress.Add(st.Size())
			}
		}
		if opt.Lines != nil {
			opt.Lines.Add(fi.Lines)
		}
		in.Files = append(in.Files, fi)
		in.Lines += fi.Lines
		in.Requests += fi.Requests
		in.Skipped += fi.Skipped
		in.OutsideWindow += fi.OutsideWindow
		for k, n := range fi.SkippedReasons {
			in.SkippedReasons[k] += n
		}
	}
	if len(errs) == len(paths) {
		return nil, errors.Join(errs...) // nothing to analyse
	}
	src.finish()
	res, err := analyzeLearned(ctx, src, opt.Catalog, opt.params(), in, opt.Learned)
	if err != nil {
		return nil, err
	}
	if !opt.From.IsZero() || !opt.To.IsZero() { // an explicit window is the axis, outliers and all
		res.ChartFrom, res.ChartTo, res.Outliers = res.From, res.To, 0
		res.OutlierFirst, res.OutlierLast = time.Time{}, time.Time{}
	}
	return res, errors.Join(errs...)
}

// counted is the source of an analysis of counts: the minute counts made from them, and each class's
// requests per second, for the rolling peak.
type counted struct {
	cat     *classify.Catalog
	counts  *minuteCounts
	classOf map[string]uint8 // bucket id (and the two never-flagged classes' ids) to class
	// seconds holds each class's requests per second: as the rows come, then sorted by second with
	// the rows of one second (from several files) added up, once every file is read (finish).
	seconds [256][]secondCount
}

// secondCount is a class's requests in one UTC second.
type secondCount struct {
	sec, n int64
}

func newCounted(cat *classify.Catalog) *counted {
	c := &counted{cat: cat, counts: newMinuteCounts(), classOf: map[string]uint8{}}
	for i := range cat.Buckets {
		c.classOf[cat.Buckets[i].ID] = uint8(i)
	}
	c.classOf[cat.ClassID(classify.PublicMetadata)] = uint8(classify.PublicMetadata)
	c.classOf[cat.ClassID(classify.OutsideCatalog)] = uint8(classify.OutsideCatalog)
	return c
}

// countColumns are the columns a counts file has, and whether each is required.
var countColumns = []struct {
	name     string
	required bool
}{{"bucket", true}, {"second", true}, {"requests", true}, {"throttled", false}}

// readFile adds the rows of one counts file, in [from, to) by second, and returns its accounting.
func (c *counted) readFile(ctx context.Context, d *duckDB, path string, from, to int64) (report.FileInput, error) {
	fi := report.FileInput{Path: path}
	head, err := fileHead(path, 4)
	if err != nil {
		return fi, err
	}
	lit := "'" + strings.ReplaceAll(path, "'", "''") + "'"
	var table string
	var line int64 // the line (a Parquet file's row) of the row being read
	if string(head) == "PAR1" {
		fi.Format, table = "counts-parquet", "read_parquet("+lit+")"
	} else {
		comp, err := ingest.Compression(path)
		if err != nil {
			return fi, err
		}
		if comp == "" {
			comp = "none"
		}
		// Every column as text, so that a bad value is this code's error, with its line.
		fi.Format, table, line = "counts-csv", "read_csv("+lit+", header = true, all_varchar = true, compression = '"+comp+"')", 1
	}
	cols, err := columnsOf(ctx, d, table)
	if err != nil {
		return fi, fmt.Errorf("%s: %w", path, err)
	}
	sel := make([]string, len(countColumns))
	for i, col := range countColumns {
		name, ok := cols[col.name]
		switch {
		case ok && i == 0:
			sel[i] = name + "::VARCHAR"
		case ok:
			sel[i] = "TRY_CAST(" + name + " AS BIGINT)"
		case col.required:
			return fi, fmt.Errorf("%s: no %s column (want bucket, second, requests and throttled, as ratecard sql writes them)", path, col.name)
		default:
			sel[i] = "0::BIGINT"
		}
	}
	// DuckDB keeps a scan's rows in file order (its preserve_insertion_order setting, on by
	// default), on any number of threads: the n-th row is line lineBase + n.
	query := "SELECT " + strings.Join(sel, ", ") + " FROM " + table
	if _, err := d.conn.ExecContext(ctx, analysisThreads()); err != nil {
		return fi, err
	}
	// The rows are kept aside until the whole file has been read: a file that stops on a bad row
	// (a bucket of another catalog, say) counts nothing, rather than the part of it before the row.
	type row struct {
		cl           uint8
		timed        bool // false: the query could not read these requests' time (second is NULL)
		sec, n, n429 int64
	}
	// In chunks, not one slice: growing one slice of millions of rows copied it over and over.
	var chunks [][]row
	push := func(r row) {
		if len(chunks) == 0 || len(chunks[len(chunks)-1]) == cap(chunks[len(chunks)-1]) {
			chunks = append(chunks, make([]row, 0, 1<<16))
		}
		last := &chunks[len(chunks)-1]
		*last = append(*last, r)
	}
	err = d.queryArrow(ctx, query, func(rec arrow.RecordBatch) error {
		ids, ok := rec.Column(0).(*array.String)
		var nums [3]*array.Int64
		if !int64Columns(rec, 1, nums[:]) || !ok {
			return fmt.Errorf("unexpected column types %s", rec.Schema())
		}
		for i := range int(rec.NumRows()) {
			line++
			if ids.IsNull(i) || nums[1].IsNull(i) || (nums[2].IsNull(i) && cols["throttled"] != "") {
				return fmt.Errorf("%s:%d: want a bucket id, and whole numbers for second, requests and throttled", path, line)
			}
			id, n, n429 := ids.Value(i), nums[1].Value(i), nums[2].Value(i)
			cl, known := c.classOf[id]
			switch {
			case !known:
				return fmt.Errorf("%s:%d: bucket %q is not in catalog %s (were the counts made with another --catalog?)", path, line, id, c.cat.Name)
			case n < 0 || n429 < 0 || n429 > n:
				return fmt.Errorf("%s:%d: %d requests and %d throttled: want 0 ≤ throttled ≤ requests", path, line, n, n429)
			case n > math.MaxUint32:
				return fmt.Errorf("%s:%d: %d requests in one second of one bucket: more than ratecard counts", path, line, n)
			}
			push(row{cl: cl, timed: !nums[0].IsNull(i), sec: nums[0].Value(i), n: n, n429: n429})
		}
		return nil
	})
	if err != nil {
		return fi, err
	}
	var first, last int64
	counted := false // a row of the file was counted (first and last hold)
	for _, chunk := range chunks {
		for _, r := range chunk {
			fi.Lines++
			switch {
			case !r.timed: // requests whose time the query could not read: skipped, as bad-timestamp lines are
				fi.Skipped += r.n
				if fi.SkippedReasons == nil {
					fi.SkippedReasons = map[string]int64{}
				}
				fi.SkippedReasons[ingest.ReasonBadTimestamp] += r.n
				continue
			case r.n == 0:
				continue
			}
			fi.Requests += r.n
			if r.sec < from || r.sec >= to {
				fi.OutsideWindow += r.n
				continue
			}
			if !counted {
				first, last, counted = r.sec, r.sec, true
			}
			first, last = min(first, r.sec), max(last, r.sec)
			c.add(r.cl, r.sec, r.n, r.n429)
		}
	}
	if counted {
		fi.First, fi.Last = time.Unix(first, 0).UTC(), time.Unix(last, 0).UTC()
	}
	return fi, nil
}

// fileHead returns the first n bytes of the file at path (fewer when it is shorter); a directory is an
// error.
func fileHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a counts file", path)
	}
	head := make([]byte, n)
	k, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return head[:k], nil
}

// columnsOf returns the columns of table, by lower-case name.
func columnsOf(ctx context.Context, d *duckDB, table string) (map[string]string, error) {
	rows, err := d.conn.QueryContext(ctx, "DESCRIBE SELECT * FROM "+table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols := map[string]string{}
	vals := make([]any, 6)
	for rows.Next() {
		var name string
		ptrs := []any{&name}
		for k := 1; k < len(vals); k++ {
			ptrs = append(ptrs, &vals[k])
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		cols[strings.ToLower(name)] = `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
	}
	return cols, rows.Err()
}

// add counts n requests (n429 of them answered 429) of class cl in UTC second sec.
func (c *counted) add(cl uint8, sec, n, n429 int64) {
	us := sec * 1_000_000
	g := c.counts
	if !g.any {
		g.any, g.minTS, g.maxTS = true, us, us
	}
	g.minTS, g.maxTS = min(g.minTS, us), max(g.maxTS, us)
	switch classify.Class(cl) {
	case classify.PublicMetadata:
		g.public += n
		return
	case classify.OutsideCatalog:
		g.outside += n
		return
	}
	m := floorDiv(sec, 60)
	cell := g.cell(cl, m)
	cell.steps[(sec-60*m)/10] += uint32(n)
	cell.n429 += uint32(n429)
	c.seconds[cl] = append(c.seconds[cl], secondCount{sec, n})
}

// finish sorts each class's seconds and adds up the rows of one second, once every file is read.
func (c *counted) finish() {
	for cl, s := range c.seconds {
		if len(s) == 0 {
			continue
		}
		slices.SortFunc(s, func(a, b secondCount) int { return cmp.Compare(a.sec, b.sec) })
		out := s[:1]
		for _, x := range s[1:] {
			if last := &out[len(out)-1]; last.sec == x.sec {
				last.n += x.n
			} else {
				out = append(out, x)
			}
		}
		c.seconds[cl] = out
	}
}

func (c *counted) minuteCounts(context.Context) (*minuteCounts, error) { return c.counts, nil }

func (c *counted) methodUnknown() []report.MethodUnknown { return nil }

// peaks sets each bucket's rolling peak from its per-second counts (rollingFromSeconds), and its hot
// minutes; no single request is there for a drill-down, principals or durations.
func (c *counted) peaks(_ context.Context, f *minuteFigures, _ *classify.Catalog, p params, _ *report.Input) (requestFigures, error) {
	for cl, b := range f.buckets {
		if b == nil {
			continue
		}
		n, start := rollingFromSeconds(c.seconds[cl])
		setRolling(b, n, start*1_000_000, p.warn)
	}
	f.hotMinutes(p.tier)
	return requestFigures{}, nil
}

// rollingFromSeconds is the largest number of requests in any span [t, t+60 s) of the per-second
// counts secs (sorted by second, each with requests), and the earliest second t that reaches it: the
// rolling peak of Files on requests at whole seconds, where a span starts at a request.
func rollingFromSeconds(secs []secondCount) (peak, start int64) {
	var sum int64
	j := 0
	for i := range secs {
		for j < len(secs) && secs[j].sec < secs[i].sec+60 {
			sum += secs[j].n
			j++
		}
		if sum > peak {
			peak, start = sum, secs[i].sec
		}
		sum -= secs[i].n
	}
	return peak, start
}

// ExportCounts runs query, a DuckDB query such as classify.Catalog.CountsSQL writes for "duckdb", in
// an in-process DuckDB database, and writes its rows to the file out: Parquet when out ends in
// .parquet, else CSV with a header (gzip- or zstd-compressed when out ends in .gz or .zst). It returns
// the number of rows written. It is how ratecard sql runs its query on logs DuckDB can read from
// here (CSV, JSON or Parquet files), for analyze --counts.
func ExportCounts(ctx context.Context, query, out string) (int64, error) {
	d, err := openDuckDB("")
	if err != nil {
		return 0, err
	}
	defer d.close()
	if _, err := d.conn.ExecContext(ctx, analysisThreads()); err != nil {
		return 0, err
	}
	format := "FORMAT csv, HEADER"
	if strings.HasSuffix(strings.ToLower(out), ".parquet") {
		format = "FORMAT parquet"
	}
	var rows int64
	q := "COPY (" + strings.TrimRight(strings.TrimSpace(query), ";") + ") TO '" + strings.ReplaceAll(out, "'", "''") + "' (" + format + ")"
	if err := d.conn.QueryRowContext(ctx, q).Scan(&rows); err != nil {
		return 0, fmt.Errorf("run the query into %s: %w", out, err)
	}
	return rows, nil
}

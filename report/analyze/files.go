package analyze

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
)

// Options configure one analysis: of log files (Files), or of a kept store (Store).
type Options struct {
	Catalog     *classify.Catalog // the buckets and limits to classify and judge by
	Tier        classify.Tier     // the tier judged against; every tier's figures are computed anyway
	WarnPercent int               // the warning threshold, percent of the limit
	Format      string            // "" sniffs each file's format; else passed to ingest
	// LogFormat (an nginx log_format), HAProxyLogFormat (an HAProxy log-format) and Fields (a JSON
	// field mapping) are passed to ingest; see ingest.Options.
	LogFormat        string
	HAProxyLogFormat string
	Fields           map[string]string
	// ForwardedFor takes the first X-Forwarded-For hop as the client where the log has one.
	ForwardedFor bool
	MaxExamples  int // skipped-line examples kept per file; 0 means ingest's default
	// Workers is the number of goroutines that parse and classify; 0 means GOMAXPROCS. Files are
	// parsed in parallel, and a large plain file is split into line-aligned parts parsed in parallel.
	Workers int
	// Progress, when set, is added the number of input bytes read (compressed bytes for compressed
	// files) as the run goes, and Lines the number of lines parsed; a progress display polls them.
	Progress, Lines *atomic.Int64
	// DB, when set, keeps the classified requests in a DuckDB file at this path (a store), so that
	// Store can analyse them again without the logs.
	DB string
	// Principals names the callers (see PrincipalMap) whose peaks are judged against their share of
	// each bucket; nil uses the principals the input carries, at classify.DefaultPrincipalShare.
	Principals *PrincipalMap
	// Learned analyses against the limits Okta announced in the input (learnedOverrides) instead of
	// the catalog's, for the chosen tier, where it announced any.
	Learned bool
	// Dedupe drops a request identical to one already read (same instant, method, target, status,
	// client, user agent and principal), as overlapping rotated files repeat lines. The files are then
	// read one after another, so which copy counts is the first in input order (of System Log
	// requests, resolved once every file is read, the earliest, then by path and line). Dropped
	// requests stay counted (Input.Duplicates). System Log events are counted once per uuid and
	// request without it (sysresolve.go).
	Dedupe bool
	// Strict stops the run, without a Result, at a file that cannot be opened (before anything is
	// read) or read to its end; otherwise such a file is reported (FileInput.Err) and the others are
	// analysed.
	Strict bool
	// From and To, when not zero, keep only requests at or after From and before To (UTC). The
	// others are still parsed and counted (Input.OutsideWindow), never silently dropped.
	From, To time.Time
}

// part is one unit of parsing work: a whole file, or a line-aligned byte range of a plain file
// (ingest.OpenParts).
type part struct {
	file         int    // index into paths
	path, format string // the file's path and format
	start        int64  // byte offset of the part in its file
	r            *ingest.Reader
	src          io.Closer // what r reads, when r does not close it (a Parquet file's rows); nil otherwise
	stats        ingest.Stats
	// outside counts the requests parsed but left out by Options.From/To, dups those --dedupe dropped.
	outside, dups int64
	events        []ingest.RateLimitEvent
	err           error

	// What resolveSys needs (sysresolve.go): the part's index in the run and its rank by path; the
	// requests read directly (all but the System Log's) and held; the first and last instants of
	// those read directly and, once resolved, of the System Log requests counted (anySys).
	idx          int
	rank         int32
	direct, held int64
	first, last  int64
	anySys       bool

	// chunked: r reads a whole compressed file whose lines are cut into chunks, each parsed as a
	// part of its own (feedParts); the part itself reads nothing. chunk: the part is such a chunk,
	// and start is where its lines start in the decompressed stream.
	chunked, chunk bool
}

// window is what parsing keeps: the [from, to) span of Unix microseconds of Options.From/To, and,
// with Options.Dedupe, only requests not seen before; and how it names principals and path templates.
type window struct {
	from, to   int64
	seen       *seenSet
	principals *PrincipalMap
	// templates makes the path templates: Options.Catalog, also in a store (whose class columns are
	// every built-in catalog's), so that the drill-down names paths as a plain run does.
	templates *classify.Catalog
	// examples is the number of skipped-line examples kept per part (Options.MaxExamples).
	examples int
	// other is the other built-in catalog (classify.Other), whose minutes the parsers count for the
	// comparison of catalogs; nil when Options.Catalog is not derived from a built-in one.
	other *classify.Catalog
}

// Files reads every file, classifies each request and analyses the traffic.
//
// A path that cannot be opened (missing, unreadable, a directory, an unknown format) is an error
// before any file is read when Options.Strict is set; otherwise it is reported like a file that fails
// part-way (a truncated gzip stream, a read error), which does not stop the others: its accounting up
// to the failure is kept, FileInput.Err says what happened, and the returned error names it beside a
// complete Result, so the caller can still write the report. When no file can be opened there is no
// Result. Cancelling ctx stops the run with ctx's error and no Result.
//
// Parsing and classification run on Options.Workers goroutines. For a run without a store each worker
// also counts and holds its own rows (a shard of the live source, merged once every part is read);
// for a store (Options.DB) the calling goroutine loads the workers' batches, beside them. The
// workers also classify every request in the other built-in catalog (classify.Other of
// Options.Catalog's name) and count its minutes, for Result.Other. The
// outcome does not depend on the order in which parts finish: the counts add up the same, and the
// accounting is merged per file in input order.
func Files(ctx context.Context, paths []string, opt Options) (*report.Result, error) {
	if len(paths) == 0 {
		return nil, errors.New("no input files")
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opt.Dedupe {
		workers = 1 // the first copy in input order is the one kept, the same on every run
	}
	iopt := ingest.Options{Format: opt.Format, MaxExamples: opt.MaxExamples, LogFormat: opt.LogFormat,
		HAProxyLogFormat: opt.HAProxyLogFormat, Fields: opt.Fields, ForwardedFor: opt.ForwardedFor, Progress: opt.Progress}
	parts, formats, err := openParts(paths, iopt, workers, opt.Strict)
	defer func() {
		for _, p := range parts {
			p.close()
		}
	}()
	if err != nil {
		return nil, err
	}
	var openErrs []error
	for _, p := range parts {
		if p.r == nil {
			openErrs = append(openErrs, p.err)
		}
	}
	if len(openErrs) == len(parts) {
		return nil, errors.Join(openErrs...) // nothing to analyse
	}

	// The rows go to a live source, held for one analysis (two with learned limits), or into a store.
	var (
		src interface {
			sink
			source
		}
		st   *store
		lv   *live
		cats = []*classify.Catalog{opt.Catalog}
	)
	if opt.DB != "" {
		if cats, err = builtinCatalogs(); err != nil {
			return nil, err
		}
		if st, err = createStore(opt.DB, cats, opt.Catalog); err != nil {
			return nil, err
		}
		defer st.close() // a store is complete once closed
		src = st
	} else {
		if lv, err = newLive(opt.Learned); err != nil {
			return nil, err
		}
		defer func() { go lv.close() }() // in memory: freeing it (15 ms for a month) can overlap writing the report
		src = lv
	}

	win := window{from: math.MinInt64, to: math.MaxInt64, principals: opt.Principals, templates: opt.Catalog, examples: opt.MaxExamples}
	if name := classify.Other(opt.Catalog.Name); name != "" {
		if win.other, err = classify.Load(name); err != nil {
			return nil, err
		}
	}
	if opt.Dedupe {
		win.seen = newSeenSet()
	}
	if !opt.From.IsZero() {
		win.from = opt.From.UnixMicro()
	}
	if !opt.To.IsZero() {
		win.to = opt.To.UnixMicro()
	}
	trace("opened")
	n, unknown, other, err := runParts(ctx, &parts, workers, cats, src, opt.Lines, win)
	if err != nil {
		return nil, err
	}
	fileEvents(parts)
	trace("parsed")
	// The parsers' buffers, dictionaries and route caches are garbage now, and DuckDB is about to
	// need its memory for the analysis: hand the heap back to the system (a few ms; peak RSS for
	// 5 M lines 398 MiB without, 364 MiB with).
	debug.FreeOSMemory()
	if err := src.setNames(n); err != nil {
		return nil, err
	}

	in := mergeInput(paths, formats, parts, opt.MaxExamples)
	var readErrs []error
	for _, p := range parts {
		if p.err != nil {
			readErrs = append(readErrs, p.err)
		}
	}
	if opt.Strict && len(readErrs) > 0 {
		return nil, errors.Join(readErrs...) // a file stopped early: no result
	}
	groups := make([][]report.MethodUnknown, len(cats))
	for k, c := range cats {
		groups[k] = methodUnknownGroups(unknown[k], c, n.paths)
	}
	if st != nil {
		if err := st.saveInput(in, groups); err != nil {
			return nil, fmt.Errorf("%s: %w", opt.DB, err)
		}
	} else {
		lv.unknown = groups[0]
	}
	// The other catalog's figures need only its counts: they are computed beside the analysis.
	var otherRes *report.OtherCatalog
	otherDone := make(chan struct{})
	go func() {
		defer close(otherDone)
		if other != nil {
			otherRes = other.result(win.other)
		}
	}()
	res, err := analyzeLearned(ctx, src, opt.Catalog, opt.params(), in, opt.Learned)
	<-otherDone
	if err != nil {
		return nil, err
	}
	res.Other = otherRes
	if !opt.From.IsZero() || !opt.To.IsZero() { // an explicit window is the axis, outliers and all
		res.ChartFrom, res.ChartTo, res.Outliers = res.From, res.To, 0
		res.OutlierFirst, res.OutlierLast = time.Time{}, time.Time{}
	}
	return res, errors.Join(readErrs...)
}

// Store analyses the requests kept in a store (a DuckDB file written by Files with Options.DB) again,
// for opt's catalog, tier, warning threshold, principals and learned limits, without reading any log,
// and counts the other built-in catalog's minutes (Result.Other) from the store's class column of it.
// The options about reading logs do not apply.
func Store(ctx context.Context, path string, opt Options) (*report.Result, error) {
	st, in, err := openStore(path, opt.Catalog)
	if err != nil {
		return nil, err
	}
	defer st.close()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := analyzeLearned(ctx, st, opt.Catalog, opt.params(), in, opt.Learned)
	if err != nil {
		return nil, err
	}
	if res.Other, err = st.otherCatalog(ctx, classify.Other(opt.Catalog.Name)); err != nil {
		return nil, err
	}
	return res, nil
}

// params are the options an analysis judges by.
func (opt *Options) params() params {
	return params{tier: opt.Tier, warn: opt.WarnPercent, principals: opt.Principals}
}

// builtinCatalogs loads every built-in catalog, for a store that can be analysed with any of them.
func builtinCatalogs() ([]*classify.Catalog, error) {
	var cats []*classify.Catalog
	for _, name := range classify.Catalogs() {
		c, err := classify.Load(name)
		if err != nil {
			return nil, err
		}
		cats = append(cats, c)
	}
	return cats, nil
}

// close closes the part's reader, once.
func (p *part) close() {
	if p.r != nil {
		p.r.Close()
		p.r = nil
	}
	if p.src != nil {
		p.src.Close()
		p.src = nil
	}
}

// openParts opens every file (so a bad path fails before anything is read) as parts that can be
// parsed in parallel: ingest.OpenParts cuts a large plain file into line-aligned parts, one per
// worker, and, when there are fewer parts than workers, a compressed file of independent lines is
// marked to be cut into chunks as it is decompressed (part.chunked). A file that cannot be opened
// (missing, unreadable, a directory, an unknown format) is an error when strict; otherwise it
// becomes a part with no reader and its error, reported with the results. formats[i] is the format
// of paths[i].
func openParts(paths []string, iopt ingest.Options, workers int, strict bool) (parts []*part, formats []string, err error) {
	formats = make([]string, len(paths))
	for i, path := range paths {
		rs, err := ingest.OpenParts(path, iopt, workers)
		if errors.Is(err, ingest.ErrParquet) {
			r, src, perr := openParquet(path, iopt)
			if perr == nil {
				formats[i] = "parquet"
				parts = append(parts, &part{file: i, path: path, format: formats[i], r: r, src: src})
				continue
			}
			err = perr
		}
		if err != nil {
			if strict {
				return parts, nil, err
			}
			parts = append(parts, &part{file: i, path: path, err: err})
			continue
		}
		formats[i] = rs[0].Format()
		for _, r := range rs {
			// A compressed file's lines go to the workers in chunks, when there are workers to share them.
			chunked := workers >= 2 && len(rs) == 1 && r.Chunkable()
			parts = append(parts, &part{file: i, path: path, format: formats[i], start: r.Offset(), r: r, chunked: chunked})
		}
	}
	// With a part to read for every worker, the compressed files are not cut into chunks: each
	// worker then decompresses its own files, side by side, where the chunks of one file after
	// another would wait on one decompression at a time (8 gzip files of the bench month: 2.76–2.86
	// s in chunks, 2.07–2.22 s and a third less memory whole).
	readable := 0
	for _, p := range parts {
		if p.r != nil {
			readable++
		}
	}
	if readable >= workers {
		for _, p := range parts {
			p.chunked = false
		}
	}
	return parts, formats, nil
}

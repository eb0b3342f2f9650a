package analyze

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
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
	Catalog     *classify.Catalog
	Tier        classify.Tier
	WarnPercent int
	Format      string // "" sniffs each file's format; else passed to ingest
	// LogFormat (an nginx log_format) and Fields (a JSON field mapping) are passed to ingest; see
	// ingest.Options.
	LogFormat string
	Fields    map[string]string
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
	// each bucket; nil uses the principals the input carries, at DefaultShare.
	Principals *PrincipalMap
	// Learned analyses against the limits Okta announced in the input (LearnedOverrides) instead of
	// the catalog's, for the chosen tier, where it announced any.
	Learned bool
	// Dedupe drops a request identical to one already read (same instant, method, target, status,
	// client, user agent and principal), as overlapping rotated files repeat lines. The files are then
	// read one after another, so which copy counts is the first in input order. Dropped requests stay
	// counted (Input.Duplicates).
	Dedupe bool
	// Strict stops the run, without a Result, at a file that cannot be opened (before anything is
	// read) or read to its end; otherwise such a file is reported (FileInput.Err) and the others are
	// analysed.
	Strict bool
	// From and To, when not zero, keep only requests at or after From and before To (UTC). The
	// others are still parsed and counted (Input.OutsideWindow), never silently dropped.
	From, To time.Time
}

// splitMinBytes is the smallest plain file that is split into parts parsed in parallel: below it the
// split is not worth a second reader.
var splitMinBytes int64 = 32 << 20

// splittableFormats are the line formats whose lines are independent of each other, so a file can
// be cut at any line boundary and each part parsed alone. Header-driven formats are not.
var splittableFormats = map[string]bool{"combined": true, "common": true}

// part is one unit of parsing work: a whole file, or a line-aligned byte range of a plain file.
type part struct {
	file  int // index into paths
	start int64
	r     *ingest.Reader
	f     io.Closer // the file under r when r was made with ingest.NewReader
	stats ingest.Stats
	// outside counts the requests parsed but left out by Options.From/To, dups those --dedupe dropped.
	outside, dups int64
	events        []ingest.Event
	err           error
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
}

// Files reads every file, classifies each request and analyses the traffic.
//
// A path that cannot be opened (missing, unreadable, a directory, an unknown format) is an error
// before any file is read when Options.Strict is set; otherwise it is reported like a file that fails
// part-way (a truncated gzip stream, a read error), which does not stop the others: its accounting up
// to the failure is kept, FileInput.Err says what happened, and the returned error names it beside a
// complete Result, so the caller can still write the report. Cancelling ctx stops the run with ctx's
// error and no Result.
//
// Parsing and classification run on Options.Workers goroutines while the calling goroutine counts and
// holds the classified rows (or loads them into the store of Options.DB), so the two overlap. The
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
	iopt := ingest.Options{Format: opt.Format, MaxExamples: opt.MaxExamples, LogFormat: opt.LogFormat, Fields: opt.Fields,
		ForwardedFor: opt.ForwardedFor}
	parts, formats, err := openParts(paths, iopt, workers, opt.Progress, opt.Strict)
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
		lv, err := newLive(opt.Learned)
		if err != nil {
			return nil, err
		}
		defer func() { go lv.close() }() // in memory: freeing it (15 ms for a month) can overlap writing the report
		src = lv
	}

	win := window{from: math.MinInt64, to: math.MaxInt64, principals: opt.Principals, templates: opt.Catalog}
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
	n, err := runParts(ctx, parts, workers, cats, src, opt.Lines, win)
	if err != nil {
		return nil, err
	}
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
	if st != nil {
		if err := st.saveInput(in); err != nil {
			return nil, fmt.Errorf("%s: %w", opt.DB, err)
		}
	}
	res, err := analyzeLearned(ctx, src, opt.Catalog, opt.params(), in, opt.Learned)
	if err != nil {
		return nil, err
	}
	if !opt.From.IsZero() || !opt.To.IsZero() { // an explicit window is the axis, outliers and all
		res.ChartFrom, res.ChartTo, res.Outliers = res.From, res.To, 0
		res.OutlierFirst, res.OutlierLast = time.Time{}, time.Time{}
	}
	return res, errors.Join(readErrs...)
}

// Store analyses the requests kept in a store (a DuckDB file written by Files with Options.DB) again,
// for opt's catalog, tier, warning threshold, principals and learned limits, without reading any log.
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
	return analyzeLearned(ctx, st, opt.Catalog, opt.params(), in, opt.Learned)
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

// close closes the part's reader and file, once.
func (p *part) close() {
	if p.r != nil {
		p.r.Close()
		p.r = nil
	}
	if p.f != nil {
		p.f.Close()
		p.f = nil
	}
}

// openParts opens every file (so a bad path fails before anything is read) and cuts large plain files
// in a splittable format into line-aligned parts, one per worker.
//
// A file that cannot be opened (missing, unreadable, a directory, an unknown format) is an error when
// strict; otherwise it becomes a part with no reader and its error, reported with the results.
func openParts(paths []string, iopt ingest.Options, workers int, progress *atomic.Int64, strict bool) ([]*part, []string, error) {
	var parts []*part
	formats := make([]string, len(paths))
	for i, path := range paths {
		r, err := ingest.Open(path, iopt)
		if err != nil {
			if strict {
				return parts, nil, err
			}
			parts = append(parts, &part{file: i, err: err})
			continue
		}
		formats[i] = r.Format()
		if path == "-" { // standard input: one stream, read once
			parts = append(parts, &part{file: i, r: r})
			continue
		}
		bounds, err := splitPoints(path, r.Format(), workers)
		if err != nil {
			r.Close()
			return parts, nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(bounds) <= 2 && progress == nil {
			parts = append(parts, &part{file: i, r: r})
			continue
		}
		r.Close()
		po := iopt
		po.Format = formats[i]
		if len(bounds) <= 2 {
			bounds = []int64{0, -1}
		}
		for k := 0; k+1 < len(bounds); k++ {
			p := &part{file: i, start: bounds[k]}
			parts = append(parts, p)
			n := int64(-1)
			if bounds[k+1] >= 0 {
				n = bounds[k+1] - bounds[k]
			}
			if err := p.open(path, po, n, progress); err != nil {
				return parts, nil, err
			}
		}
	}
	return parts, formats, nil
}

// open opens the byte range [p.start, p.start+n) of path (all of it when n < 0) as the part's
// reader, adding the bytes read to progress when it is set.
func (p *part) open(path string, opt ingest.Options, n int64, progress *atomic.Int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	p.f = f
	var src io.Reader = f
	if n >= 0 {
		src = io.NewSectionReader(f, p.start, n)
	}
	if progress != nil {
		src = &countingReader{r: src, n: progress}
	}
	p.r, err = ingest.NewReader(src, path, opt)
	return err
}

// countingReader adds the bytes read through it to n.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	k, err := c.r.Read(b)
	c.n.Add(int64(k))
	return k, err
}

// splitPoints returns the part boundaries of a plain file in a splittable format, starting with 0 and
// ending with its size, each just after a newline; or nil when the file is not to be split.
func splitPoints(path, format string, workers int) ([]int64, error) {
	if workers < 2 || !splittableFormats[format] {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() < splitMinBytes {
		return nil, err
	}
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil {
		return nil, nil
	}
	if bytes.HasPrefix(magic[:], []byte{0x1f, 0x8b}) || bytes.Equal(magic[:], []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		return nil, nil // compressed: the stream cannot be cut
	}
	size := fi.Size()
	bounds := []int64{0}
	buf := make([]byte, 64<<10)
	for k := 1; k < workers; k++ {
		at := max(size*int64(k)/int64(workers), bounds[len(bounds)-1]+1)
		next := int64(-1)
		for off := at - 1; off < size && next < 0; off += int64(len(buf)) {
			n, err := f.ReadAt(buf, off)
			if nl := bytes.IndexByte(buf[:n], '\n'); nl >= 0 {
				next = off + int64(nl) + 1
			} else if err != nil && err != io.EOF {
				return nil, err
			}
		}
		if next < 0 || next >= size {
			break // no line starts after this point: the rest is one part
		}
		bounds = append(bounds, next)
	}
	return append(bounds, size), nil
}

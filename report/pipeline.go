package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

// Options configure one analysis run.
type Options struct {
	Catalog     *classify.Catalog
	Tier        classify.Tier
	WarnPercent int
	Format      string // "" sniffs each file's format; else passed to ingest
	MaxExamples int    // skipped-line examples kept per file; 0 means ingest's default
	// Workers is the number of goroutines that parse and classify; 0 means GOMAXPROCS. Files are
	// parsed in parallel, and a large plain file is split into line-aligned parts parsed in parallel.
	Workers int
	// Progress, when set, is added the number of input bytes read (compressed bytes for compressed
	// files) as the run goes; a progress display polls it.
	Progress *atomic.Int64
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
	err   error
}

// batch is a column-oriented block of classified requests, reused through a free list.
type batch struct {
	ts  []int64
	cls []uint8
}

// AnalyzeFiles reads every file, classifies each request and analyses the traffic.
//
// A path that cannot be opened (missing, unreadable, a directory, an unknown format) is an error
// before any file is read. A file that fails part-way (a truncated gzip stream, a read error) does not
// stop the others: its accounting up to the failure is kept, FileInput.Err says what happened, and the
// returned error names it beside a complete Result, so the caller can still write the report.
// Cancelling ctx stops the run with ctx's error and no Result.
//
// Parsing and classification run on Options.Workers goroutines while the calling goroutine loads the
// classified rows into DuckDB, so the two overlap. The outcome does not depend on the order in which
// parts finish: DuckDB aggregates, and the accounting is merged per file in input order.
func AnalyzeFiles(ctx context.Context, paths []string, opt Options) (*Result, error) {
	if len(paths) == 0 {
		return nil, errors.New("no input files")
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	iopt := ingest.Options{Format: opt.Format, MaxExamples: opt.MaxExamples}
	parts, formats, err := openParts(paths, iopt, workers, opt.Progress)
	defer func() {
		for _, p := range parts {
			p.close()
		}
	}()
	if err != nil {
		return nil, err
	}

	an, err := NewAnalyzer(opt.Catalog)
	if err != nil {
		return nil, err
	}
	defer an.Close()

	if err := runParts(ctx, parts, workers, opt.Catalog, an); err != nil {
		return nil, err
	}

	in := mergeInput(paths, formats, parts, opt.MaxExamples)
	var readErrs []error
	for _, p := range parts {
		if p.err != nil {
			readErrs = append(readErrs, p.err)
		}
	}

	res, err := an.Analyze(Params{Tier: opt.Tier, WarnPercent: opt.WarnPercent}, in)
	if err != nil {
		return nil, err
	}
	return res, errors.Join(readErrs...)
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

// mergeInput sums the accounting of every part into per-file and total figures, in input order.
// Line numbers of a later part of a split file are shifted by the lines of the parts before it, so
// examples carry their line in the whole file.
func mergeInput(paths, formats []string, parts []*part, maxEx int) Input {
	if maxEx == 0 {
		maxEx = 5 // ingest's default
	}
	in := Input{SkippedReasons: map[string]int64{}}
	for i, path := range paths {
		f := FileInput{Path: path, Format: formats[i], SkippedReasons: map[string]int64{}}
		var lineBase, first, last int64
		var examples []ingest.Skip
		for _, p := range parts {
			if p.file != i {
				continue
			}
			st := p.stats
			f.Lines += st.Lines
			f.Requests += st.Requests
			f.Skipped += st.Skipped
			for k, n := range st.Reasons {
				f.SkippedReasons[k] += n
			}
			for _, ex := range st.Examples {
				ex.Line += int(lineBase)
				examples = append(examples, ex)
			}
			if st.Requests > 0 {
				if first == 0 && last == 0 {
					first, last = st.First, st.Last
				}
				first, last = min(first, st.First), max(last, st.Last)
			}
			if p.err != nil && f.Err == "" {
				if p.start > 0 {
					p.err = fmt.Errorf("%w (in the part of the file from byte %d, after line %d)", p.err, p.start, lineBase)
				}
				f.Err = p.err.Error()
			}
			lineBase += st.Lines
		}
		if len(f.SkippedReasons) == 0 {
			f.SkippedReasons = nil
		}
		if f.Requests > 0 {
			f.First, f.Last = microsToTime(first), microsToTime(last)
		}
		if maxEx > 0 && len(examples) > maxEx {
			examples = examples[:maxEx]
		}
		in.Examples = append(in.Examples, examples...)
		in.Files = append(in.Files, f)
		in.Lines += f.Lines
		in.Requests += f.Requests
		in.Skipped += f.Skipped
		for k, n := range f.SkippedReasons {
			in.SkippedReasons[k] += n
		}
	}
	return in
}

// openParts opens every file (so a bad path fails before anything is read) and cuts large plain files
// in a splittable format into line-aligned parts, one per worker.
func openParts(paths []string, iopt ingest.Options, workers int, progress *atomic.Int64) ([]*part, []string, error) {
	var parts []*part
	formats := make([]string, len(paths))
	for i, path := range paths {
		r, err := ingest.Open(path, iopt)
		if err != nil {
			return parts, nil, err
		}
		formats[i] = r.Format()
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

// runParts parses and classifies every part on workers goroutines and loads the rows into an on the
// calling goroutine. Each part's accounting is left in part.stats and part.err.
func runParts(ctx context.Context, parts []*part, workers int, cat *classify.Catalog, an *Analyzer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *part)
	full := make(chan *batch, 2*workers)
	free := make(chan *batch, 3*workers+1)
	for range cap(free) {
		free <- &batch{ts: make([]int64, 0, batchRows), cls: make([]uint8, 0, batchRows)}
	}
	var wg sync.WaitGroup
	for range min(workers, len(parts)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				parsePart(ctx, p, cat, full, free)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, p := range parts {
			select {
			case jobs <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(full)
	}()

	var loadErr error
	for b := range full {
		if loadErr == nil {
			if loadErr = an.AddBatch(b.ts, b.cls); loadErr != nil {
				cancel()
			}
		}
		b.ts, b.cls = b.ts[:0], b.cls[:0]
		free <- b
	}
	if loadErr != nil {
		return loadErr
	}
	return context.Cause(ctx)
}

// parsePart reads one part to its end, sending full batches of classified rows, and records its
// accounting in the part. It stops early, leaving the accounting incomplete, when ctx is cancelled.
func parsePart(ctx context.Context, p *part, cat *classify.Catalog, full chan<- *batch, free chan *batch) {
	defer p.close()
	r := p.r
	var b *batch
	select {
	case b = <-free:
	case <-ctx.Done():
		return
	}
	for r.Next() {
		rec := r.Record()
		b.ts = append(b.ts, rec.Time)
		b.cls = append(b.cls, uint8(cat.Classify(rec.Method, rec.Target)))
		if len(b.ts) == batchRows {
			full <- b
			if ctx.Err() != nil {
				return
			}
			select {
			case b = <-free:
			case <-ctx.Done():
				return
			}
		}
	}
	if len(b.ts) > 0 {
		full <- b
	} else {
		free <- b
	}
	p.stats, p.err = r.Stats(), r.Err()
}

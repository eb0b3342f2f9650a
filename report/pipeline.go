package report

import (
	"errors"
	"fmt"

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
}

// AnalyzeFiles reads every file in order, classifies each request and analyses the traffic.
//
// A path that cannot be opened (missing, unreadable, a directory, an unknown format) is an error
// before any file is read. A file that fails part-way (a truncated gzip stream, a read error) does not
// stop the others: its accounting up to the failure is kept, FileInput.Err says what happened, and the
// returned error names it beside a complete Result, so the caller can still write the report.
func AnalyzeFiles(paths []string, opt Options) (*Result, error) {
	if len(paths) == 0 {
		return nil, errors.New("no input files")
	}
	readers := make([]*ingest.Reader, 0, len(paths))
	defer func() {
		for _, r := range readers {
			r.Close()
		}
	}()
	iopt := ingest.Options{Format: opt.Format, MaxExamples: opt.MaxExamples}
	for _, p := range paths {
		r, err := ingest.Open(p, iopt)
		if err != nil {
			return nil, err
		}
		readers = append(readers, r)
	}

	an, err := NewAnalyzer(opt.Catalog)
	if err != nil {
		return nil, err
	}
	defer an.Close()

	in := Input{SkippedReasons: map[string]int64{}}
	var readErrs []error
	cat := opt.Catalog
	for i, r := range readers {
		for r.Next() {
			rec := r.Record()
			if err := an.Add(rec.Time, cat.Classify(rec.Method, rec.Target)); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", paths[i], rec.Line, err)
			}
		}
		st := r.Stats()
		f := FileInput{Path: paths[i], Format: r.Format(), Lines: st.Lines, Requests: st.Requests,
			Skipped: st.Skipped, SkippedReasons: st.Reasons}
		if st.Requests > 0 {
			f.First, f.Last = microsToTime(st.First), microsToTime(st.Last)
		}
		if err := r.Err(); err != nil {
			f.Err = err.Error()
			readErrs = append(readErrs, err)
		}
		r.Close()
		in.Files = append(in.Files, f)
		in.Lines += st.Lines
		in.Requests += st.Requests
		in.Skipped += st.Skipped
		for k, n := range st.Reasons {
			in.SkippedReasons[k] += n
		}
		in.Examples = append(in.Examples, st.Examples...)
	}
	readers = nil

	res, err := an.Analyze(Params{Tier: opt.Tier, WarnPercent: opt.WarnPercent}, in)
	if err != nil {
		return nil, err
	}
	return res, errors.Join(readErrs...)
}

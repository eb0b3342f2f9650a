package analyze

import (
	"fmt"
	"time"

	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
)

// mergeInput sums the accounting of every part into per-file and total figures, in input order, and
// masks the request URIs of Okta's events (ingest.Redact).
// Line numbers of a later part of a split file are shifted by the lines of the parts before it, so
// examples carry their line in the whole file; the lines each part read in each format add up to
// the file's FileInput.Formats.
func mergeInput(paths, formats []string, parts []*part, maxEx int) report.Input {
	if maxEx == 0 {
		maxEx = 5 // ingest's default
	}
	in := report.Input{SkippedReasons: map[string]int64{}}
	for i, path := range paths {
		f := report.FileInput{Path: path, Format: formats[i], SkippedReasons: map[string]int64{}}
		var lineBase, first, last int64
		var examples []ingest.Skip
		byFormat := map[string]int64{}
		for _, p := range parts {
			if p.file != i {
				continue
			}
			st := p.stats
			f.Lines += st.Lines
			if st.Formats == nil {
				byFormat[f.Format] += st.Lines
			}
			for k, n := range st.Formats {
				byFormat[k] += n
			}
			f.OutsideWindow += p.outside
			f.Duplicates += p.dups
			f.Requests += st.Requests
			f.Skipped += st.Skipped
			for k, n := range st.Reasons {
				f.SkippedReasons[k] += n
			}
			for _, e := range p.events {
				if len(in.Events) < maxEvents*len(paths) {
					e.RequestURI = ingest.Redact(e.RequestURI) // a query string may carry a token
					in.Events = append(in.Events, e)
				}
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
				// A later part numbers the line from its own start: make it the file's.
				le, isLine := p.err.(*ingest.LineError)
				switch {
				case lineBase > 0 && isLine:
					fixed := *le
					fixed.Line += int(lineBase)
					p.err = &fixed
				case p.start > 0:
					p.err = fmt.Errorf("%w (in the part of the file from byte %d, after line %d)", p.err, p.start, lineBase)
				}
				f.Err = p.err.Error()
			}
			lineBase += st.Lines
		}
		if len(f.SkippedReasons) == 0 {
			f.SkippedReasons = nil
		}
		f.Formats = mixedFormats(byFormat, f.Format)
		if f.Requests > 0 {
			f.First, f.Last = time.UnixMicro(first).UTC(), time.UnixMicro(last).UTC()
		}
		if maxEx > 0 && len(examples) > maxEx {
			examples = examples[:maxEx]
		}
		for k := range examples {
			examples[k].FillExcerpt() // a compressed file's chunks leave it to the examples kept
		}
		in.Examples = append(in.Examples, examples...)
		in.Files = append(in.Files, f)
		in.Lines += f.Lines
		in.Requests += f.Requests
		in.OutsideWindow += f.OutsideWindow
		in.Duplicates += f.Duplicates
		in.Skipped += f.Skipped
		for k, n := range f.SkippedReasons {
			in.SkippedReasons[k] += n
		}
	}
	return in
}

// mixedFormats returns the lines read as each format, without the formats that read none, or nil
// when every line was read as format.
func mixedFormats(byFormat map[string]int64, format string) map[string]int64 {
	for k, n := range byFormat {
		if n == 0 {
			delete(byFormat, k)
		}
	}
	if _, ok := byFormat[format]; len(byFormat) == 0 || len(byFormat) == 1 && ok {
		return nil
	}
	return byFormat
}

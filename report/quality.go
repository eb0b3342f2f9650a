package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ratecard/ratecard/ingest"
)

// NoOktaTraffic reports whether the analysis found no request to a rate-limited Okta endpoint: then
// there is nothing to judge, no tier is recommended, and ratecard exits with status 1.
func (r *Result) NoOktaTraffic() bool { return len(r.Buckets) == 0 }

// NoTrafficText is the verdict of an analysis without a request to a rate-limited Okta endpoint (and
// ratecard's message as it exits with status 1): how many lines were read, what they held instead,
// and the question whether this is the right log.
func NoTrafficText(res *Result) string {
	in := &res.Input
	s := fmt.Sprintf("No request to a rate-limited Okta endpoint was found in %s of %s", linesRead(in), count(int64(len(in.Files)), "file"))
	var held []string
	if in.Requests > 0 {
		held = append(held, fmt.Sprintf("%s to public metadata endpoints and %s to paths outside the catalog", count(res.PublicMetadata, "request"), thousands(res.OutsideCatalog)))
	}
	if in.Skipped > 0 {
		held = append(held, fmt.Sprintf("%s skipped", count(in.Skipped, "line")))
	}
	if len(held) > 0 {
		s += " (" + strings.Join(held, "; ") + ")"
	}
	return s + ". Is this the log of your org's calls to Okta? Without such requests there is nothing to judge, and no tier is recommended."
}

// ParseShare parses a share such as --max-skipped takes: a percentage from 0 to 100 with an optional
// % sign and at most two decimals ("10%", "2.5"), in hundredths of a percent.
func ParseShare(s string) (int64, error) {
	v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	h, err := parseFixed(v, 2)
	if err != nil || h > 10000 {
		return 0, fmt.Errorf("%q: want a percentage from 0 to 100, such as 10%% or 2.5%%", s)
	}
	return h, nil
}

// SkipWarning is a file of which more lines were skipped as unreadable than the chosen share of its
// lines: a format ratecard misreads, or a file that is not an access log, whose peaks would be
// understated.
type SkipWarning struct {
	File           string
	Lines, Skipped int64  // Skipped counts the lines skipped for a lossy reason (LossyReasons)
	Reason         string // the most frequent of those reasons (the first in ingest.Reasons order on ties)
	ReasonLines    int64
	MaxSkipped     int64 // the share warned from, hundredths of a percent
}

// LossyReasons are the skip reasons that may hide a request: a line in no shape ratecard reads, a
// bad timestamp or request line, a line too long or cut short. Blank lines, headers, System Log events
// that record no request (or only a rate-limit event, or a request already counted) lose nothing, so
// they do not count towards the share SkipWarnings warns from.
var LossyReasons = []string{ingest.ReasonMalformed, ingest.ReasonBadTimestamp, ingest.ReasonBadRequest, ingest.ReasonTooLong, ingest.ReasonTruncated}

// SkipWarnings lists the files of res with more lines skipped for a lossy reason than maxSkipped
// (hundredths of a percent) of their lines, in input order.
func SkipWarnings(res *Result, maxSkipped int64) []SkipWarning {
	var out []SkipWarning
	for _, f := range res.Input.Files {
		w := SkipWarning{File: f.Path, Lines: f.Lines, MaxSkipped: maxSkipped}
		for _, r := range LossyReasons {
			n := f.SkippedReasons[r]
			w.Skipped += n
			if n > w.ReasonLines {
				w.Reason, w.ReasonLines = r, n
			}
		}
		if f.Lines > 0 && w.Skipped*10000 > maxSkipped*f.Lines {
			out = append(out, w)
		}
	}
	return out
}

// Text says the warning in a sentence: the file, the share skipped and the main reason.
func (w SkipWarning) Text() string {
	s := fmt.Sprintf("%s: %s of %s skipped as unreadable (%s), more than %s", w.File, thousands(w.Skipped), count(w.Lines, "line"),
		percentString(w.Skipped, w.Lines), hundredthsString(w.MaxSkipped))
	if w.Reason != "" {
		s += fmt.Sprintf("; mostly %s (%s)", w.Reason, count(w.ReasonLines, "line"))
	}
	return s + ": the peaks may be understated. Check the file's format (--format, --log-format) and the skipped-line examples in report.html."
}

// percentString is n/d as a percentage with one decimal ("99.9 %").
func percentString(n, d int64) string {
	if d == 0 {
		return "0 %"
	}
	return strconv.FormatFloat(float64(n)*100/float64(d), 'f', 1, 64) + " %"
}

// hundredthsString is a share in hundredths of a percent as "10 %" or "2.5 %".
func hundredthsString(h int64) string {
	return strconv.FormatFloat(float64(h)/100, 'f', -1, 64) + " %"
}

package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// One fuzz target per format of the table (FuzzFormat<Name>), seeded from that format's test cases
// (testdata/<format>/<case>/input.log, whole and line by line). Each input is read by a Reader
// with the format forced (with each of the format's case options, e.g. each nginx log_format),
// and, line by line, by parseLine; see fuzzFormat for what is checked. TestFuzzSeeds fails when a
// format has no seed. Run one with e.g. `go test ./ingest -run '^$' -fuzz '^FuzzFormatALB$'`.

// fuzzFormatSeeds returns the seeds of a format's fuzz target: each of its case inputs whole, then
// each of their non-blank lines.
func fuzzFormatSeeds(t testing.TB, format string) [][]byte {
	t.Helper()
	var whole, lines [][]byte
	for _, c := range caseDirs(t) {
		if c.format != format {
			continue
		}
		data := c.input(t)
		whole = append(whole, data)
		for _, l := range bytes.SplitAfter(data, []byte("\n")) {
			if len(trimLine(l)) > 0 {
				lines = append(lines, l)
			}
		}
	}
	return append(whole, lines...)
}

// fuzzFormatOptions returns the Options a format's fuzz target reads with: the format forced,
// with and without ForwardedFor, and the LogFormat, HAProxyLogFormat or Fields of each of its cases.
func fuzzFormatOptions(t testing.TB, format string) []Options {
	t.Helper()
	var opts []Options
	seen := map[string]bool{}
	for _, c := range caseDirs(t) {
		if c.format != format {
			continue
		}
		opt := c.options(t)
		opt.Format = format
		if key := fmt.Sprint(opt.LogFormat, opt.HAProxyLogFormat, opt.Fields); !seen[key] {
			seen[key] = true
			opts = append(opts, opt)
		}
	}
	if len(opts) == 0 {
		opts = append(opts, Options{Format: format})
	}
	var out []Options
	for _, o := range opts {
		x := o
		x.ForwardedFor = true
		x.MaxLineBytes, x.MaxExamples = 200, 3
		out = append(out, o, x)
	}
	return out
}

// TestFuzzSeeds: every format in the table has a non-empty fuzz seed corpus, i.e. at least one
// test case folder testdata/<format>/<case>/ with a non-blank line.
func TestFuzzSeeds(t *testing.T) {
	for _, format := range Formats() {
		if seeds := fuzzFormatSeeds(t, format); len(seeds) < 2 {
			t.Errorf("format %s: empty fuzz seed corpus; add a case folder testdata/%s/<case>/%s", format, format, caseInput)
		}
	}
	// Every format has its fuzz target.
	for _, format := range Formats() {
		if fuzzTargets[format] == nil {
			t.Errorf("format %s has no fuzz target", format)
		}
	}
}

// fuzzTargets maps each format to its fuzz target, for TestFuzzSeeds.
var fuzzTargets = map[string]func(*testing.F){
	"okta-array": FuzzFormatOktaArray, "okta-ndjson": FuzzFormatOktaNDJSON, "okta-csv": FuzzFormatOktaCSV,
	"cloudflare": FuzzFormatCloudflare, "caddy": FuzzFormatCaddy, "envoy": FuzzFormatEnvoy, "envoy-text": FuzzFormatEnvoyText,
	"w3c": FuzzFormatW3C,
	"alb": FuzzFormatALB, "haproxy": FuzzFormatHAProxy, "vhost_combined": FuzzFormatVhostCombined,
	"combined": FuzzFormatCombined, "common": FuzzFormatCommon, "nginx": FuzzFormatNginx, "json": FuzzFormatJSON,
}

func FuzzFormatOktaArray(f *testing.F)     { fuzzFormat(f, "okta-array") }
func FuzzFormatOktaNDJSON(f *testing.F)    { fuzzFormat(f, "okta-ndjson") }
func FuzzFormatOktaCSV(f *testing.F)       { fuzzFormat(f, "okta-csv") }
func FuzzFormatCloudflare(f *testing.F)    { fuzzFormat(f, "cloudflare") }
func FuzzFormatCaddy(f *testing.F)         { fuzzFormat(f, "caddy") }
func FuzzFormatEnvoy(f *testing.F)         { fuzzFormat(f, "envoy") }
func FuzzFormatEnvoyText(f *testing.F)     { fuzzFormat(f, "envoy-text") }
func FuzzFormatW3C(f *testing.F)           { fuzzFormat(f, "w3c") }
func FuzzFormatALB(f *testing.F)           { fuzzFormat(f, "alb") }
func FuzzFormatHAProxy(f *testing.F)       { fuzzFormat(f, "haproxy") }
func FuzzFormatVhostCombined(f *testing.F) { fuzzFormat(f, "vhost_combined") }
func FuzzFormatCombined(f *testing.F)      { fuzzFormat(f, "combined") }
func FuzzFormatCommon(f *testing.F)        { fuzzFormat(f, "common") }
func FuzzFormatNginx(f *testing.F)         { fuzzFormat(f, "nginx") }
func FuzzFormatJSON(f *testing.F)          { fuzzFormat(f, "json") }

// fuzzFormat seeds f from the format's cases (it fails when there are none) and checks, for any
// input: no panic; for the Reader, records with a target, strictly increasing 1-based line
// numbers, a valid method (or none where the format allows it), lines = requests + skipped, skip
// reasons from Reasons, excerpts of valid UTF-8; for parseLine on each line, a *parseError with a
// known reason and an untouched record on failure, and a Principal that is empty or lies in the
// target (or, for System Log formats, is the token id).
func fuzzFormat(f *testing.F, format string) {
	seeds := fuzzFormatSeeds(f, format)
	if len(seeds) == 0 {
		f.Fatalf("format %s: empty fuzz seed corpus (no testdata/%s/<case>/%s)", format, format, caseInput)
	}
	for _, s := range seeds {
		f.Add(s)
	}
	opts := fuzzFormatOptions(f, format)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opt := range opts {
			r, err := NewReader(bytes.NewReader(data), "fuzz.log", opt)
			if err != nil {
				t.Fatalf("NewReader(%+v): %v", opt, err) // the format is forced: never an error for plain input
			}
			last := 0
			for r.Next() {
				rec := r.Record()
				if rec.Line <= last || rec.Target == "" || (rec.Method == "" && !methodOptional[format]) ||
					(rec.Method != "" && !isMethod(rec.Method)) || rec.Status < 0 || rec.Status > 999 {
					t.Fatalf("%s: record %+v after line %d", format, *rec, last)
				}
				last = rec.Line
			}
			st := r.Stats()
			if st.Lines != st.Requests+st.Skipped || int64(last) > st.Lines {
				t.Fatalf("%s: stats %+v, last record line %d", format, st, last)
			}
			for _, ex := range st.Examples {
				if !contains(Reasons, ex.Reason) || ex.Line < 1 || ex.Line > int(st.Lines) {
					t.Fatalf("%s: example %+v (stats %+v)", format, ex, st)
				}
			}
			r.Close()
		}
		for _, line := range bytes.SplitAfter(data, []byte("\n")) {
			sentinel := Record{Method: "sentinel", Time: -1, Line: 7}
			rec := sentinel
			err := parseLine(format, line, &rec)
			if err != nil {
				var pe *parseError
				if !errors.As(err, &pe) || !contains(Reasons, pe.Reason) || pe.Format != format || rec != sentinel {
					t.Fatalf("parseLine(%s, %q) = %v, record %+v", format, line, err, rec)
				}
				continue
			}
			if rec.Target == "" || rec.Line != 7 {
				t.Fatalf("parseLine(%s, %q) = %+v", format, line, rec)
			}
			if rec.Principal != "" && rec.Source != SourceSystemLog && !bytes.Contains([]byte(rec.Target), []byte("client_id="+rec.Principal)) {
				t.Fatalf("parseLine(%s, %q): principal %q not in the target", format, line, rec.Principal)
			}
		}
	})
}

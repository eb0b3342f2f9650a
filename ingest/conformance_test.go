package ingest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// The conformance test runs the same checks over every format of the table (Formats()), with each
// format's own sample lines: the lines of its test cases (testdata/<format>/<case>/input.log) that
// are read as requests, after the header lines that precede them (W3C directives, a CSV header
// row). A check that does not apply to a format is listed in the format's row of conformanceTable
// with the reason; TestConformance fails for a format without a row.

// Conformance checks, by name (the keys of conformanceRow.na).
const (
	ckEmpty       = "empty-input"      // an empty input: no line, no request, no error
	ckCRLF        = "crlf"             // CRLF line endings read like LF
	ckBOM         = "bom"              // a UTF-8 BOM is ignored (and does not change what is sniffed)
	ckNoFinalNL   = "no-final-newline" // a last line without its newline is read
	ckHugeLine    = "huge-line"        // a line over MaxLineBytes is skipped as line-too-long, never truncated into a record
	ckUTC         = "utc"              // every Record.Time is the UTC instant; the same instant from different offsets is equal
	ckUTCOffsets  = "utc-offsets"      // the format writes UTC offsets (else only the no-offset reading is checked)
	ckLineNumbers = "line-numbers"     // Record.Line is the 1-based line number, strictly increasing
	ckAccounting  = "accounting"       // lines = requests + skipped
)

// conformanceRow is one format's row: its UTC input and the checks that do not apply.
type conformanceRow struct {
	// utc is an input of the format (headers included) whose requests all happened at utcInstant,
	// written with different UTC offsets when the format has them; utcOpt are its Options.
	utc    string
	utcOpt Options
	// na lists the checks that do not apply to the format, each with the reason.
	na map[string]string
}

// utcInstant is 2026-10-14T08:00:00Z, the instant of every request of conformanceRow.utc.
var utcInstant = time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC).UnixMicro()

var conformanceTable = map[string]conformanceRow{
	"okta-array": {
		utc: `[{"published":"2026-10-14T08:00:00Z","eventType":"a","debugContext":{"debugData":{"requestUri":"/a"}}},` +
			`{"published":"2026-10-14T10:00:00+02:00","eventType":"a","debugContext":{"debugData":{"requestUri":"/b"}}},` +
			`{"published":"2026-10-14T01:00:00-0700","eventType":"a","debugContext":{"debugData":{"requestUri":"/c"}}},` +
			`{"published":"2026-10-14 08:00:00","eventType":"a","debugContext":{"debugData":{"requestUri":"/d"}}}]`,
		na: map[string]string{
			ckHugeLine: "a JSON array has no lines: its elements are decoded by a json.Decoder, and an event over " +
				"max(MaxLineBytes, 1 MiB) stops the Reader with an error (the decoder cannot resync), tested in systemlog_test.go",
			ckLineNumbers: "Record.Line is the 1-based index of the event in the array, not a line number: checked " +
				"strictly increasing and within Stats.Lines (events), not against line positions",
		},
	},
	"okta-ndjson": {utc: `{"published":"2026-10-14T08:00:00Z","eventType":"a","debugContext":{"debugData":{"requestUri":"/a"}}}
{"published":"2026-10-14T10:00:00+02:00","eventType":"a","debugContext":{"debugData":{"requestUri":"/b"}}}
{"published":"2026-10-14T01:00:00-07:00","eventType":"a","debugContext":{"debugData":{"requestUri":"/c"}}}
{"published":"2026-10-14 08:00:00.000","eventType":"a","debugContext":{"debugData":{"requestUri":"/d"}}}
`},
	"okta-csv": {utc: "published,eventType,debugContext.debugData.requestUri\n" +
		"2026-10-14T08:00:00Z,a,/a\n2026-10-14T10:00:00+02:00,a,/b\n2026-10-14T01:00:00-07:00,a,/c\n2026-10-14 08:00:00,a,/d\n"},
	"cloudflare": {utc: `{"ClientRequestMethod":"GET","ClientRequestURI":"/a","EdgeStartTimestamp":"2026-10-14T08:00:00Z"}
{"ClientRequestMethod":"GET","ClientRequestURI":"/b","EdgeStartTimestamp":"2026-10-14T10:00:00+02:00"}
{"ClientRequestMethod":"GET","ClientRequestURI":"/c","EdgeStartTimestamp":1791964800}
{"ClientRequestMethod":"GET","ClientRequestURI":"/d","EdgeStartTimestamp":1791964800000000000}
`},
	"caddy": {
		utc: `{"ts":1791964800,"request":{"method":"GET","uri":"/a"},"status":200}
{"ts":1791964800.0,"request":{"method":"GET","uri":"/b"},"status":200}
`,
		na: map[string]string{ckUTCOffsets: "Caddy's ts is Unix seconds (a float), which has no offset"},
	},
	"envoy": {utc: `{"start_time":"2026-10-14T08:00:00.000Z","method":"GET","path":"/a","response_code":200}
{"start_time":"2026-10-14T10:00:00+02:00","method":"GET","path":"/b","response_code":200}
{"start_time":"2026-10-13T22:00:00-10:00","method":"GET","path":"/c","response_code":200}
`},
	"envoy-text": {utc: `[2026-10-14T08:00:00.000Z] "GET /a HTTP/1.1" 200 - 0 1 1 1 "-" "x" "id" "acme" "-"
[2026-10-14T10:00:00.000+02:00] "GET /b HTTP/1.1" 200 - 0 1 1 1 "-" "x" "id" "acme" "-"
[2026-10-13T22:00:00-10:00] "GET /c HTTP/1.1" 200 - 0 1 1 1 "-" "x" "id" "acme" "-"
`},
	"w3c": {
		utc: "#Fields: date time cs-method cs-uri-stem sc-status\n2026-10-14 08:00:00 GET /a 200\n2026-10-14 08:00:00.000 GET /b 200\n",
		na:  map[string]string{ckUTCOffsets: "W3C extended logs write date and time in UTC, without an offset"},
	},
	"alb": {
		utc: `https 2026-10-14T08:00:00.000000Z app/x/1 192.0.2.1:1 10.0.0.5:443 0 0 0 200 200 1 1 "GET https://a:443/a HTTP/1.1" "ua" x` + "\n",
		na:  map[string]string{ckUTCOffsets: "ALB always writes its time in UTC with a Z"},
	},
	"haproxy": {
		utc: `10.0.0.9:1 [14/Oct/2026:08:00:00.000] fe~ be/s 0/0/7/145/152 200 1 - - ---- 2/1/0/0/0 0/0 "GET /a HTTP/1.1"` + "\n",
		na:  map[string]string{ckUTCOffsets: "HAProxy's accept date has no offset (it is taken as UTC)"},
	},
	"vhost_combined": {utc: `acme:443 10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "GET /a HTTP/1.1" 200 1 "-" "x"
acme:443 10.0.0.1 - - [14/Oct/2026:01:00:00 -0700] "GET /b HTTP/1.1" 200 1 "-" "x"
acme:443 10.0.0.1 - - [14/Oct/2026:08:00:00 +0000] "GET /c HTTP/1.1" 200 1 "-" "x"
`},
	"combined": {utc: `10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "GET /a HTTP/1.1" 200 1 "-" "x"
10.0.0.1 - - [14/Oct/2026:01:00:00 -0700] "GET /b HTTP/1.1" 200 1 "-" "x"
10.0.0.1 - - [14/Oct/2026:13:30:00 +0530] "GET /c HTTP/1.1" 200 1 "-" "x"
10.0.0.1 - - [13/Oct/2026:22:00:00 -1000] "GET /d HTTP/1.1" 200 1 "-" "x"
`},
	"common": {utc: `10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "GET /a HTTP/1.1" 200 1
10.0.0.1 - - [14/Oct/2026:22:00:00.000 +1400] "GET /b HTTP/1.1" 200 1
10.0.0.1 - - [14/Oct/2026:08:00:00 -0000] "GET /c HTTP/1.1" 200 1
`},
	"nginx": {
		utc: `10.0.0.1 [14/Oct/2026:10:00:00 +0200] 2026-10-14T08:00:00+00:00 "GET /a HTTP/1.1" 200
10.0.0.1 [14/Oct/2026:01:00:00 -0700] 2026-10-14T01:00:00-07:00 "GET /b HTTP/1.1" 200
`,
		utcOpt: Options{LogFormat: `$remote_addr [$time_local] $time_iso8601 "$request" $status`},
	},
	"json": {utc: `{"time":"2026-10-14T08:00:00Z","method":"GET","path":"/a"}
{"time":"2026-10-14T10:00:00+02:00","method":"GET","path":"/b"}
{"ts":"14/Oct/2026:01:00:00 -0700","method":"GET","path":"/c"}
{"@timestamp":1791964800000,"method":"GET","path":"/d"}
`},
}

// conformanceSample is a format's sample input built from one test case.
type conformanceSample struct {
	opt     Options  // the case's options, with the format forced
	lines   [][]byte // the sample input's lines, without line endings
	reqLine []int    // 1-based numbers of the lines read as requests
	recs    []Record // what the sample input reads as (LF endings, final newline)
}

func (s *conformanceSample) join(eol string, finalEOL bool) []byte {
	var b bytes.Buffer
	for i, l := range s.lines {
		b.Write(l)
		if i < len(s.lines)-1 || finalEOL {
			b.WriteString(eol)
		}
	}
	return b.Bytes()
}

// conformanceSamples builds a sample input from each test case of format that has a request: the
// header lines before its first request, then its request lines up to the next header line. For
// okta-array the sample is the case input itself (its events are not lines).
func conformanceSamples(t *testing.T, format string) []*conformanceSample {
	t.Helper()
	var out []*conformanceSample
	for _, c := range caseDirs(t) {
		if c.format != format {
			continue
		}
		opt := c.options(t)
		opt.Format, opt.MaxExamples = format, 1<<20
		data := bytes.TrimPrefix(c.input(t), utf8BOM)
		if bytes.HasPrefix(data, utf16LE) || bytes.HasPrefix(data, utf16BE) {
			continue // its lines are not byte lines (TestUTF16 reads UTF-16)
		}
		res := readAll(t, newReader(t, data, opt))
		if res.err != nil || len(res.recs) == 0 {
			continue
		}
		s := &conformanceSample{opt: opt}
		all := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
		if format == "okta-array" {
			s.lines = all
		} else {
			isReq := map[int]bool{}
			for _, r := range res.recs {
				isReq[r.Line] = true
			}
			isHeader := map[int]bool{}
			for _, ex := range res.stats.Examples {
				isHeader[ex.Line] = ex.Reason == ReasonHeader
			}
			seenReq := false
			for i, l := range all {
				n := i + 1
				switch {
				case isReq[n]:
					seenReq = true
					s.lines = append(s.lines, dropEOL(l))
					s.reqLine = append(s.reqLine, len(s.lines))
				case isHeader[n] && seenReq:
				case isHeader[n]:
					s.lines = append(s.lines, dropEOL(l))
					continue
				default:
					continue
				}
				if isHeader[n] {
					break
				}
			}
		}
		base := readAll(t, newReader(t, s.join("\n", true), s.opt))
		if base.err != nil || (s.reqLine != nil && len(base.recs) != len(s.reqLine)) {
			t.Fatalf("%s: sample input of %d requests reads as %d (err %v):\n%s", c.dir, len(s.reqLine), len(base.recs), base.err, s.join("\n", true))
		}
		s.recs = base.recs
		out = append(out, s)
	}
	return out
}

// sameRecords reports how got differs from want, with want's line numbers shifted by shift for
// lines after line after.
func diffRecords(got, want []Record, after, shift int) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d records, want %d", len(got), len(want))
	}
	for i := range got {
		w := want[i]
		if w.Line > after {
			w.Line += shift
		}
		if got[i] != w {
			return fmt.Sprintf("record %d:\n got %+v\nwant %+v", i, got[i], w)
		}
	}
	return ""
}

func TestConformance(t *testing.T) {
	checks := []string{ckEmpty, ckCRLF, ckBOM, ckNoFinalNL, ckHugeLine, ckUTC, ckUTCOffsets, ckLineNumbers, ckAccounting}
	for _, format := range Formats() {
		row, ok := conformanceTable[format]
		if !ok {
			t.Errorf("format %s has no row in conformanceTable", format)
			continue
		}
		for check, why := range row.na {
			if !slices.Contains(checks, check) || strings.TrimSpace(why) == "" {
				t.Errorf("%s: not-applicable entry %q needs a known check and a reason (%q)", format, check, why)
			}
		}
		applies := func(check string) bool { _, na := row.na[check]; return !na }
		t.Run(format, func(t *testing.T) {
			samples := conformanceSamples(t, format)
			if len(samples) == 0 {
				t.Fatalf("no test case of %s under testdata/%s/ has a request to build a sample from", format, format)
			}
			for si, s := range samples {
				read := func(data []byte, opt Options) result {
					t.Helper()
					return readAll(t, newReader(t, data, opt)) // readAll checks lines = requests + skipped
				}
				// Accounting and line numbers of the sample itself.
				base := read(s.join("\n", true), s.opt)
				if st := base.stats; st.Lines != st.Requests+st.Skipped {
					t.Errorf("sample %d: %s: lines %d != requests %d + skipped %d", si, ckAccounting, st.Lines, st.Requests, st.Skipped)
				}
				for i, r := range base.recs {
					if r.Line < 1 || (i > 0 && r.Line <= base.recs[i-1].Line) || int64(r.Line) > base.stats.Lines {
						t.Errorf("sample %d: %s: record %d at line %d (previous %+v, %d lines)", si, ckLineNumbers, i, r.Line, base.recs[max(i-1, 0)], base.stats.Lines)
					}
					if applies(ckLineNumbers) && r.Line != s.reqLine[i] {
						t.Errorf("sample %d: %s: record %d at line %d, want %d", si, ckLineNumbers, i, r.Line, s.reqLine[i])
					}
				}
				if applies(ckEmpty) {
					got := read(nil, s.opt)
					if got.stats.Lines != 0 || len(got.recs) != 0 || got.err != nil {
						t.Errorf("%s: %d lines, %d records, err %v", ckEmpty, got.stats.Lines, len(got.recs), got.err)
					}
				}
				if applies(ckCRLF) {
					if d := diffRecords(read(s.join("\r\n", true), s.opt).recs, s.recs, 0, 0); d != "" {
						t.Errorf("sample %d: %s: %s", si, ckCRLF, d)
					}
				}
				if applies(ckBOM) {
					bom := append(slices.Clone(utf8BOM), s.join("\r\n", true)...)
					if d := diffRecords(read(bom, s.opt).recs, s.recs, 0, 0); d != "" {
						t.Errorf("sample %d: %s: %s", si, ckBOM, d)
					}
					// Sniffing: a BOM and CRLF endings do not change what the input sniffs as.
					sniffOpt := s.opt
					sniffOpt.Format = ""
					r1, err1 := NewReader(bytes.NewReader(s.join("\n", true)), "a", sniffOpt)
					r2, err2 := NewReader(bytes.NewReader(bom), "b", sniffOpt)
					switch {
					case (err1 == nil) != (err2 == nil):
						t.Errorf("sample %d: %s: sniffing: %v with LF, %v with BOM and CRLF", si, ckBOM, err1, err2)
					case err1 == nil && r1.Format() != r2.Format():
						t.Errorf("sample %d: %s: sniffed as %s with LF, %s with BOM and CRLF", si, ckBOM, r1.Format(), r2.Format())
					}
				}
				if applies(ckNoFinalNL) {
					for _, eol := range []string{"\n", "\r\n"} {
						if d := diffRecords(read(s.join(eol, false), s.opt).recs, s.recs, 0, 0); d != "" {
							t.Errorf("sample %d: %s (%q): %s", si, ckNoFinalNL, eol, d)
						}
					}
				}
				if applies(ckHugeLine) {
					checkHugeLine(t, si, s)
				}
			}
			if applies(ckUTC) {
				checkUTC(t, format, row, applies(ckUTCOffsets))
			}
		})
	}
}

// checkHugeLine inserts, after the first request line of the sample, a copy of that line padded
// with spaces past MaxLineBytes (just past it, in the buffer; and past the 64 KiB buffer): it must
// be skipped as line-too-long, with its line number, and the other records must be unchanged (the
// following ones one line later). The padded line would parse as a request if it were truncated.
func checkHugeLine(t *testing.T, si int, s *conformanceSample) {
	t.Helper()
	const maxLine = 4096
	at := s.reqLine[0] // the huge line becomes line at+1
	src := s.lines[at-1]
	if len(src) >= maxLine {
		t.Fatalf("sample line longer than %d bytes: %q", maxLine, src)
	}
	for _, size := range []int{maxLine + 1, 3 * sniffBytes} {
		huge := append(slices.Clone(src), bytes.Repeat([]byte(" "), size-len(src))...)
		lines := slices.Insert(slices.Clone(s.lines), at, huge)
		ss := conformanceSample{lines: lines}
		for _, eol := range []string{"\n", "\r\n"} {
			for _, final := range []bool{true, false} {
				opt := s.opt
				opt.MaxLineBytes = maxLine
				r := newReader(t, ss.join(eol, final), opt)
				got := readAll(t, r)
				if d := diffRecords(got.recs, s.recs, at, 1); d != "" {
					t.Errorf("sample %d: %s (%d bytes, %q, final newline %v): %s", si, ckHugeLine, size, eol, final, d)
				}
				if n := got.stats.Reasons[ReasonTooLong]; n != 1 || got.stats.Lines != int64(len(lines)) {
					t.Errorf("sample %d: %s (%d bytes): %d line-too-long, %d lines (want 1, %d)", si, ckHugeLine, size, n, got.stats.Lines, len(lines))
				}
				found := false
				for _, ex := range got.stats.Examples {
					if ex.Reason == ReasonTooLong {
						found = ex.Line == at+1 && len(ex.Excerpt) <= excerptBytes
					}
				}
				if !found {
					t.Errorf("sample %d: %s (%d bytes): no line-too-long example at line %d: %+v", si, ckHugeLine, size, at+1, got.stats.Examples)
				}
			}
		}
	}
}

// checkUTC reads the row's UTC input: every request must be at utcInstant, and when the format has
// offsets, the input must hold at least two requests (written with different offsets).
func checkUTC(t *testing.T, format string, row conformanceRow, offsets bool) {
	t.Helper()
	if row.utc == "" {
		t.Errorf("%s: %s: the row has no utc input", format, ckUTC)
		return
	}
	opt := row.utcOpt
	opt.Format = format
	got := readAll(t, newReader(t, []byte(row.utc), opt))
	lines := strings.Count(strings.TrimRight(row.utc, "\n"), "\n") + 1
	if format == "okta-array" {
		lines = int(got.stats.Lines)
	}
	want := lines - int(got.stats.Reasons[ReasonHeader])
	if len(got.recs) != want || (offsets && len(got.recs) < 2) {
		t.Errorf("%s: %s: %d requests, want %d (stats %+v)", format, ckUTC, len(got.recs), want, got.stats)
	}
	for _, r := range got.recs {
		if r.Time != utcInstant {
			t.Errorf("%s: %s: line %d at %s, want %s", format, ckUTC, r.Line,
				time.UnixMicro(r.Time).UTC().Format(time.RFC3339Nano), time.UnixMicro(utcInstant).UTC().Format(time.RFC3339))
		}
	}
}

package ingest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the testdata/<format>/<case>/want.txt files from the current output")

// A test case is a folder testdata/<format>/<case>/ holding:
//
//   - input.log: the input, read as plain, gzip and zstd (which must agree);
//   - want.txt: a dump of what the Reader produced (format, records, events, accounting, every
//     skipped line), written by -update;
//   - options.txt (optional): the Options, one a line: "format NAME", "logformat LOG_FORMAT",
//     "haproxylogformat LOG_FORMAT", "field FIELD=KEY" (one per Fields entry), "forwarded-for".
//
// <format> is the format the Reader must report (one of Formats(), or "empty").
const caseInput, caseWant, caseOptions = "input.log", "want.txt", "options.txt"

// caseDir is one testdata/<format>/<case>/ folder.
type caseDir struct {
	format, name, dir string
}

// caseDirs lists every case folder, sorted by format then case.
func caseDirs(t testing.TB) []caseDir {
	t.Helper()
	inputs, err := filepath.Glob(filepath.Join("testdata", "*", "*", caseInput))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no test cases found under testdata/<format>/<case>/%s: %v", caseInput, err)
	}
	var out []caseDir
	for _, in := range inputs {
		dir := filepath.Dir(in)
		out = append(out, caseDir{format: filepath.Base(filepath.Dir(dir)), name: filepath.Base(dir), dir: dir})
	}
	return out
}

// options reads the case's options.txt (zero Options when there is none).
func (c caseDir) options(t testing.TB) Options {
	t.Helper()
	var opt Options
	data, err := os.ReadFile(filepath.Join(c.dir, caseOptions))
	if os.IsNotExist(err) {
		return opt
	} else if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		key, val, _ := strings.Cut(strings.TrimSpace(l), " ")
		val = strings.TrimSpace(val)
		switch key {
		case "":
		case "format":
			opt.Format = val
		case "logformat":
			opt.LogFormat = val
		case "haproxylogformat":
			opt.HAProxyLogFormat = val
		case "field":
			k, v, ok := strings.Cut(val, "=")
			if !ok {
				t.Fatalf("%s: bad field line %q", c.dir, l)
			}
			if opt.Fields == nil {
				opt.Fields = map[string]string{}
			}
			opt.Fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
		case "forwarded-for":
			opt.ForwardedFor = true
		default:
			t.Fatalf("%s: unknown option %q", filepath.Join(c.dir, caseOptions), key)
		}
	}
	return opt
}

func (c caseDir) input(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(c.dir, caseInput))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestCases reads every testdata/<format>/<case>/input.log and compares a dump of what the Reader
// produced with want.txt beside it; the Reader must report the folder's format. Run
// `go test ./ingest -run TestCases -update` to rewrite the want.txt files, then review the diff.
func TestCases(t *testing.T) {
	for _, c := range caseDirs(t) {
		t.Run(c.format+"/"+c.name, func(t *testing.T) {
			got, format := dumpCase(t, c)
			if format != c.format {
				t.Errorf("%s: read as format %s, want %s (the folder name)", c.dir, format, c.format)
			}
			wantPath := filepath.Join(c.dir, caseWant)
			if *update {
				if err := os.WriteFile(wantPath, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s:\n--- got\n%s--- want\n%s", c.dir, wantPath, got, want)
			}
		})
	}
}

// dumpCase reads a case (as plain, gzip and zstd input, which must agree) and renders the result as
// text; it also returns the format read.
func dumpCase(t *testing.T, c caseDir) (string, string) {
	t.Helper()
	plain := c.input(t)
	opt := c.options(t)
	opt.MaxExamples = 1000
	var out, format string
	for i, data := range [][]byte{plain, gzipMembers(t, plain), zstdFrames(t, plain)} {
		r, err := NewReader(bytes.NewReader(data), c.format+"/"+c.name, opt)
		if err != nil {
			t.Fatal(err)
		}
		d := dump(t, r)
		format = r.Format()
		r.Close()
		if i == 0 {
			out = d
		} else if d != out {
			t.Fatalf("compressed input #%d reads differently:\n%s\nvs plain:\n%s", i, d, out)
		}
	}
	return out, format
}

func dump(t *testing.T, r *Reader) string {
	res := readAll(t, r)
	var b strings.Builder
	fmt.Fprintf(&b, "format %s\n", res.format)
	if w := r.Wrapper(); w != "" {
		fmt.Fprintf(&b, "wrapper %s\n", w)
	}
	for _, rec := range res.recs {
		fmt.Fprintf(&b, "%d %s %s %q %d client=%q ua=%q", rec.Line,
			time.UnixMicro(rec.Time).UTC().Format("2006-01-02T15:04:05.000000Z"), rec.Method, rec.Target, rec.Status, rec.Client, rec.UserAgent)
		if rec.Principal != "" {
			fmt.Fprintf(&b, " principal=%q", rec.Principal)
		}
		if rec.Source != "" {
			fmt.Fprintf(&b, " source=%s", rec.Source)
		}
		if rec.Methods != 0 && rec.Method == "" {
			fmt.Fprintf(&b, " methods=%s", rec.Methods)
		}
		if rec.RequestID != "" {
			fmt.Fprintf(&b, " request=%q", rec.RequestID)
		}
		if rec.EventID != "" {
			fmt.Fprintf(&b, " uuid=%s", rec.EventID)
		}
		if rec.HasRateLimit {
			fmt.Fprintf(&b, " ratelimit=%d/%d/%d", rec.RateLimitLimit, rec.RateLimitRemaining, rec.RateLimitReset)
		}
		if rec.HasDuration {
			fmt.Fprintf(&b, " duration=%d.%06d", rec.Duration/1_000_000, rec.Duration%1_000_000)
		}
		b.WriteByte('\n')
	}
	for _, ev := range res.events {
		fmt.Fprintf(&b, "event %d %s %s %q threshold=%d burst=%d warn=%d span=%d%s scope=%q subtype=%q bucket=%q uri=%q client=%q token=%q",
			ev.Line, time.UnixMicro(ev.Time).UTC().Format("2006-01-02T15:04:05.000000Z"), ev.Type, ev.URLPattern, ev.Threshold,
			ev.BurstThreshold, ev.WarningPercent, ev.TimeSpan, ev.TimeUnit, ev.Scope, ev.Subtype, ev.BucketUUID, ev.RequestURI, ev.Client, ev.TokenID)
		if ev.UUID != "" {
			fmt.Fprintf(&b, " uuid=%s", ev.UUID)
		}
		b.WriteByte('\n')
	}
	st := res.stats
	fmt.Fprintf(&b, "lines %d requests %d skipped %d", st.Lines, st.Requests, st.Skipped)
	if st.Events > 0 {
		fmt.Fprintf(&b, " events %d", st.Events)
	}
	for _, reason := range Reasons {
		if n := st.Reasons[reason]; n > 0 {
			fmt.Fprintf(&b, " %s=%d", reason, n)
		}
	}
	b.WriteByte('\n')
	if st.Formats != nil {
		b.WriteString("formats")
		for _, f := range append(Formats(), "empty") {
			if n, ok := st.Formats[f]; ok {
				fmt.Fprintf(&b, " %s=%d", f, n)
			}
		}
		b.WriteByte('\n')
	}
	for _, ex := range st.Examples {
		unit := ""
		if ex.Event {
			unit = "event "
		}
		fmt.Fprintf(&b, "skip %s:%s%d %s %q\n", ex.File, unit, ex.Line, ex.Reason, ex.Excerpt)
	}
	if res.err != nil {
		fmt.Fprintf(&b, "error %v\n", res.err)
	}
	return b.String()
}

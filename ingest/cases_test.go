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

var update = flag.Bool("update", false, "rewrite the testdata/cases/*.want files from the current output")

// TestCases reads every testdata/cases/*.log file and compares a dump of what the Reader produced
// (format, records, events, accounting, every skipped line) with the .want file beside it. A
// .logformat file beside the .log sets Options.LogFormat; a .fields file ("field=key" lines) sets
// Options.Fields. Run
// `go test ./ingest -run TestCases -update` to rewrite the .want files, then review the diff.
func TestCases(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "cases", "*.log"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no test cases found: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			got := dumpFile(t, path)
			wantPath := strings.TrimSuffix(path, ".log") + ".want"
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
				t.Errorf("%s differs from %s:\n--- got\n%s--- want\n%s", path, wantPath, got, want)
			}
		})
	}
}

// dumpFile reads path (as plain, gzip and zstd input, which must agree) and renders the result as text.
func dumpFile(t *testing.T, path string) string {
	t.Helper()
	plain, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{MaxExamples: 1000}
	base := strings.TrimSuffix(path, ".log")
	if lf, err := os.ReadFile(base + ".logformat"); err == nil { // an nginx log_format for the case
		opt.LogFormat = strings.TrimSpace(string(lf))
	}
	if fl, err := os.ReadFile(base + ".fields"); err == nil { // Options.Fields, one "field=key" a line
		opt.Fields = map[string]string{}
		for _, l := range strings.Split(strings.TrimSpace(string(fl)), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				opt.Fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
	}
	var out string
	for i, data := range [][]byte{plain, gzipMembers(t, plain), zstdFrames(t, plain)} {
		r, err := NewReader(bytes.NewReader(data), filepath.Base(path), opt)
		if err != nil {
			t.Fatal(err)
		}
		d := dump(t, r)
		r.Close()
		if i == 0 {
			out = d
		} else if d != out {
			t.Fatalf("compressed input #%d reads differently:\n%s\nvs plain:\n%s", i, d, out)
		}
	}
	return out
}

func dump(t *testing.T, r *Reader) string {
	res := readAll(t, r)
	var b strings.Builder
	fmt.Fprintf(&b, "format %s\n", res.format)
	for _, rec := range res.recs {
		fmt.Fprintf(&b, "%d %s %s %q %d client=%q ua=%q", rec.Line,
			time.UnixMicro(rec.Time).UTC().Format("2006-01-02T15:04:05.000000Z"), rec.Method, rec.Target, rec.Status, rec.Client, rec.UserAgent)
		if rec.Source != "" {
			fmt.Fprintf(&b, " source=%s", rec.Source)
		}
		if rec.HasRateLimit {
			fmt.Fprintf(&b, " ratelimit=%d/%d/%d", rec.RateLimitLimit, rec.RateLimitRemaining, rec.RateLimitReset)
		}
		b.WriteByte('\n')
	}
	for _, ev := range res.events {
		fmt.Fprintf(&b, "event %d %s %s %q threshold=%d burst=%d warn=%d span=%d%s scope=%q subtype=%q bucket=%q uri=%q client=%q token=%q\n",
			ev.Line, time.UnixMicro(ev.Time).UTC().Format("2006-01-02T15:04:05.000000Z"), ev.Type, ev.URLPattern, ev.Threshold,
			ev.BurstThreshold, ev.WarningPercent, ev.TimeSpan, ev.TimeUnit, ev.Scope, ev.Subtype, ev.BucketUUID, ev.RequestURI, ev.Client, ev.TokenID)
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

package analyze

import (
	"context"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// samplesTable is a DuckDB table expression over combined logs (the bundled samples, gzip): each
// line's time, method, target and status pulled out with one regular expression, the lines without
// them left out. The columns of countsOfLogs read it.
const samplesTable = `(SELECT * FROM (SELECT regexp_extract(line, '\[([^]]+)\] "(\S+) (\S+)[^"]*" (\d{3})', ['t', 'method', 'target', 'status']) AS r
  FROM read_csv('SAMPLES', columns = {'line': 'VARCHAR'}, delim = E'\x01', quote = '', escape = '', header = false)) WHERE r.t <> '') AS logs`

// samplesTime is the UTC instant of a combined log's [02/Jan/2006:15:04:05 -0700] time, with the
// offset applied by hand (DuckDB here has no ICU); NULL when it is not a date (31/Sep).
const samplesTime = `try_strptime(left(r.t, 20), '%d/%b/%Y:%H:%M:%S') - to_minutes((CASE WHEN substr(r.t, 22, 1) = '-' THEN -1 ELSE 1 END) * (substr(r.t, 23, 2)::INT * 60 + substr(r.t, 25, 2)::INT))`

// countsLogs, when set, names combined logs (a glob) for TestCountsMatchFiles to check instead of
// the bundled samples: make bench sets it to the bench month.
var countsLogs = flag.String("counts-logs", "", "combined logs (a glob) for TestCountsMatchFiles instead of the samples; checks the default catalog and tier only")

// countsOfLogs runs ratecard sql's DuckDB query over the combined logs matching glob into out.
func countsOfLogs(t *testing.T, cat *classify.Catalog, glob, out string) {
	t.Helper()
	abs, err := filepath.Abs(glob)
	if err != nil {
		t.Fatal(err)
	}
	q, err := cat.CountsSQL("duckdb", classify.CountsQuery{Table: strings.Replace(samplesTable, "SAMPLES", abs, 1),
		Time: samplesTime, Method: "r.method", Path: "r.target", Status: "r.status::INTEGER"})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ExportCounts(context.Background(), q, out)
	if err != nil {
		t.Fatal(err)
	}
	if rows < 1000 {
		t.Fatalf("%d rows of counts", rows)
	}
}

// perMinuteFigures is a bucket's figures that counts give as exactly as single requests do: all but
// the drill-down's callers, the principals, learned limits and System Log counts.
func perMinuteFigures(b report.BucketResult) report.BucketResult {
	b.Clients, b.Agents, b.Paths, b.Products, b.Principals = nil, nil, nil, nil, nil
	b.LearnedLimit, b.LearnedCount, b.SystemLog, b.EventThreshold = 0, 0, 0, 0
	return b
}

// TestCountsMatchFiles checks the warehouse path end to end on the bundled samples: the counts of the
// query ratecard sql writes for DuckDB, read by Counts (as CSV and as Parquet), give exactly the
// bucket figures, tiers, totals and period of Files on the same logs, for both built-in catalogs and
// two tiers. With -counts-logs it checks those logs instead (the default catalog and tier).
func TestCountsMatchFiles(t *testing.T) {
	glob, catalogs, tiers := filepath.Join("..", "..", "samples", "okta-egress-*.log.gz"), classify.Catalogs(), []classify.Tier{classify.Enterprise, classify.OneApp}
	if *countsLogs != "" {
		glob, catalogs, tiers = *countsLogs, []string{classify.DefaultCatalog}, []classify.Tier{classify.Enterprise}
	}
	samples, err := filepath.Glob(glob)
	if err != nil || len(samples) == 0 {
		t.Fatalf("no logs match %s: %v", glob, err)
	}
	ctx := context.Background()
	for _, name := range catalogs {
		cat, err := classify.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		csv, pq := filepath.Join(dir, "counts.csv.gz"), filepath.Join(dir, "counts.parquet")
		countsOfLogs(t, cat, glob, csv)
		countsOfLogs(t, cat, glob, pq)
		for _, tier := range tiers {
			opt := Options{Catalog: cat, Tier: tier, WarnPercent: 60}
			want, err := Files(ctx, samples, opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, file := range []string{csv, pq} {
				got, err := Counts(ctx, []string{file}, opt)
				if err != nil {
					t.Fatal(err)
				}
				if !got.Input.Counts || got.Input.Requests != want.Input.Requests || got.Input.Skipped != want.Input.SkippedReasons["bad-timestamp"] {
					t.Errorf("%s %s: input %d requests, %d skipped; logs %d requests, %d bad-timestamp", name, file,
						got.Input.Requests, got.Input.Skipped, want.Input.Requests, want.Input.SkippedReasons["bad-timestamp"])
				}
				if got.From != want.From || got.To != want.To || got.PublicMetadata != want.PublicMetadata || got.OutsideCatalog != want.OutsideCatalog {
					t.Errorf("%s %s: period or never-flagged classes differ", name, file)
				}
				if len(got.Buckets) != len(want.Buckets) {
					t.Fatalf("%s %s: %d buckets, logs %d", name, file, len(got.Buckets), len(want.Buckets))
				}
				for i := range want.Buckets {
					if g, w := perMinuteFigures(got.Buckets[i]), perMinuteFigures(want.Buckets[i]); !reflect.DeepEqual(g, w) {
						t.Errorf("%s %s %s: %s differs:\ncounts %+v\nlogs   %+v", name, tier, file, w.Bucket.ID, g, w)
					}
				}
				if !reflect.DeepEqual(got.Tiers, want.Tiers) || !reflect.DeepEqual(report.Recommend(got), report.Recommend(want)) {
					t.Errorf("%s %s %s: tiers or recommendation differ", name, tier, file)
				}
			}
		}
	}
}

// bruteRollingSeconds is the rolling peak of per-second counts by definition: for every second with
// requests, the requests of the 60 seconds from it.
func bruteRollingSeconds(counts map[int64]int64) (peak, start int64) {
	first := true
	for s := range counts {
		var sum int64
		for d := int64(0); d < 60; d++ {
			sum += counts[s+d]
		}
		if sum > peak || sum == peak && (first || s < start) {
			peak, start, first = sum, s, false
		}
	}
	return peak, start
}

// TestRollingFromSeconds checks the sliding window over per-second counts against the definition, on
// random sparse and dense seconds, before and after 1970.
func TestRollingFromSeconds(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 9))
	for round := range 300 {
		counts := map[int64]int64{}
		base := int64(rng.IntN(200_000) - 100_000)
		for range 1 + rng.IntN(200) {
			counts[base+int64(rng.IntN(1+rng.IntN(3000)))] += 1 + rng.Int64N(50)
		}
		c := newCounted(classify.Seed())
		for s, n := range counts {
			c.add(0, s, n, 0)
		}
		c.finish()
		peak, start := rollingFromSeconds(c.seconds[0])
		wantPeak, wantStart := bruteRollingSeconds(counts)
		if peak != wantPeak || start != wantStart {
			t.Fatalf("round %d: %d from %d, want %d from %d", round, peak, start, wantPeak, wantStart)
		}
	}
}

// TestCountsErrors checks what a bad counts file gives: an error naming the file and line, and the
// other files still analysed.
func TestCountsErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("good.csv", "second,bucket,requests\n1791763200,users-get,5\n1791763201,public-metadata,2\n")
	opt := Options{Catalog: classify.Seed(), Tier: classify.Enterprise, WarnPercent: 60}
	for _, c := range []struct {
		name, body, want string
	}{
		{"unknown.csv", "bucket,second,requests,throttled\nusers-get,1791763200,1,0\noauth2-custom-token,1791763200,3,0\n", `unknown.csv:3: bucket "oauth2-custom-token" is not in catalog seed`},
		{"text.csv", "bucket,second,requests,throttled\nusers-get,1791763200,many,0\n", "text.csv:2: want a bucket id"},
		{"nocol.csv", "bucket,second\nusers-get,1791763200\n", "no requests column"},
		{"throttled.csv", "bucket,second,requests,throttled\nusers-get,1791763200,1,2\n", "throttled.csv:2: 1 requests and 2 throttled"},
	} {
		bad := write(c.name, c.body)
		res, err := Counts(context.Background(), []string{good, bad}, opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
			continue
		}
		if res == nil || res.Input.Requests != 7 || len(res.Buckets) != 1 || res.Buckets[0].Requests != 5 || res.PublicMetadata != 2 || res.Input.Files[1].Err == "" {
			t.Errorf("%s: the good file was not analysed beside the bad one: %+v", c.name, res)
		}
	}
	if _, err := Counts(context.Background(), []string{good, filepath.Join(dir, "missing.csv")}, Options{Catalog: classify.Seed(), Strict: true}); err == nil {
		t.Error("--strict with a missing file: no error")
	}
}

package report

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/ratecard/ratecard/classify"
)

// benchRows makes n requests spread over 30 days in second-resolution instants, in time order, over
// the seed catalog's classes, as month-long access logs give.
func benchRows(n int) ([]int64, []uint8) {
	rng := rand.New(rand.NewPCG(1, 2))
	ts := make([]int64, n)
	cls := make([]uint8, n)
	const month = 30 * 86400
	for i := range n {
		ts[i] = (1_790_000_000 + int64(i)*month/int64(n)) * 1_000_000
		cls[i] = uint8(rng.IntN(len(classify.Seed().Buckets)))
		if i%10 == 0 {
			cls[i] = uint8(classify.OutsideCatalog)
		}
	}
	return ts, cls
}

// BenchmarkLoad measures building Arrow record batches over column slices and loading them into
// DuckDB, per row. An analyzer holds its rows until the analysis, and loads only those it needs (see
// held.go); here it holds none, so that every row is loaded.
func BenchmarkLoad(b *testing.B) {
	ts, cls := benchRows(batchRows * 8)
	cat := classify.Seed()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		an, err := NewAnalyzer(cat)
		if err != nil {
			b.Fatal(err)
		}
		an.holding = false // load every row as it comes
		for i := 0; i < len(ts); i += batchRows {
			if err := an.AddBatch(ts[i:i+batchRows], cls[i:i+batchRows]); err != nil {
				b.Fatal(err)
			}
		}
		if err := an.flush(); err != nil {
			b.Fatal(err)
		}
		an.Close()
	}
	b.ReportMetric(float64(len(ts))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkAnalyze measures the analysis queries over a month of 1 M loaded rows.
func BenchmarkAnalyze(b *testing.B) {
	ts, cls := benchRows(1_000_000)
	cat := classify.Seed()
	b.ReportAllocs()
	for range b.N {
		b.StopTimer()
		an, err := NewAnalyzer(cat)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(ts); i += batchRows {
			end := min(i+batchRows, len(ts))
			if err := an.AddBatch(ts[i:end], cls[i:end]); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if _, err := an.Analyze(Params{Tier: classify.Enterprise, WarnPercent: 60}, Input{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		an.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(ts))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkRouteCache measures the route cache on a month's mix of request lines: 60 % from ten busy
// endpoints, 40 % from 60,000 lines with user and app ids in them, as the bench month has.
func BenchmarkRouteCache(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	hot := []string{"/api/v1/authn", "/oauth2/default/v1/token", "/oauth2/v1/authorize?client_id=0oa1&scope=openid",
		"/api/v1/sessions/me", "/oauth2/default/v1/keys", "/api/v1/users/me", "/.well-known/openid-configuration",
		"/api/v1/groups", "/oauth2/v1/userinfo", "/api/v1/logs?since=2026-10-01"}
	targets := make([]string, 1<<16)
	for i := range targets {
		if rng.IntN(10) < 6 {
			targets[i] = hot[rng.IntN(len(hot))]
		} else {
			targets[i] = []string{"/api/v1/users/00u", "/api/v1/groups/00g", "/api/v1/apps/0oa"}[rng.IntN(3)] + strconv.Itoa(rng.IntN(20_000)) + "abcdefgh"
		}
	}
	cat := classify.Seed()
	rc := newRouteCache(cat, cat, newDict())
	var added []string
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		rc.route("GET", targets[i&(len(targets)-1)], &added)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

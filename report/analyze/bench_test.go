package analyze

import (
	"fmt"
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

// BenchmarkAnalyze measures the analysis of a month of 1 M requests held by a live source: the minute
// figures in Go, loading the rows it needs, and the queries.
func BenchmarkAnalyze(b *testing.B) {
	ts, cls := benchRows(1_000_000)
	cat := classify.Seed()
	b.ReportAllocs()
	for range b.N {
		b.StopTimer()
		src, err := newLive(false)
		if err != nil {
			b.Fatal(err)
		}
		mustAdd(b, src, plainRows(ts, cls))
		b.StartTimer()
		mustAnalyze(b, src, cat, classify.Enterprise, 60)
		b.StopTimer()
		src.close()
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
	other, err := classify.Load("okta-2025")
	if err != nil {
		b.Fatal(err)
	}
	rc := newRouteCache(cat, other, cat, newDict())
	var added []string
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		rc.route("GET", targets[i&(len(targets)-1)], &added)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkEqualNeighbours links 1 M events by one hash, as a System Log month's request keys are
// (two events a request, some alone), on one worker and partitioned on 2 and 4: events/s, and on a
// machine with the cores for them the partitioned runs should take about 1/workers of the time.
func BenchmarkEqualNeighbours(b *testing.B) {
	const n = 1 << 20
	rng := rand.New(rand.NewPCG(5, 6))
	h := make([]hash128, n)
	for i := range h {
		h[i] = hash128{rng.Uint64(), rng.Uint64()}
		if i > 0 && rng.IntN(3) > 0 {
			h[i] = h[rng.IntN(i)] // another event of an earlier request
		}
	}
	for _, workers := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				equalNeighbours(h, workers)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkGroupClients groups 1 M client-limited requests (about the bench month's: IPv4 clients,
// most with one request, some with many, a few user agents each, in near time order) by client key,
// in 4 chunks as the workers' shards hand them over: requests/s, and the bytes each grouping takes.
func BenchmarkGroupClients(b *testing.B) {
	const n = 1 << 20
	rng := rand.New(rand.NewPCG(7, 8))
	chunks := make([][]clientRow, 4)
	for i := range n {
		client := ipv4Flag | uint64(rng.Uint32())
		if rng.IntN(4) == 0 {
			client = ipv4Flag | uint64(rng.IntN(2000)) // a busy client
		}
		r := newClientRow(client, uint32(rng.IntN(40)), int64(i)*2_500, int64(rng.IntN(400_000)))
		chunks[i%4] = append(chunks[i%4], r)
	}
	b.ReportAllocs()
	for b.Loop() {
		groupClientsPart(chunks, 1, 0)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

// BenchmarkInflightAdd counts the intervals of one worker's share of the bench month (2.25 M
// requests over 31 days, in time order, of 0–2 s with the bench's millisecond durations) into a
// fresh inflight each round, as a worker does while it parses: requests/s, and the bytes of second
// cells each month takes.
func BenchmarkInflightAdd(b *testing.B) {
	const n = 2_250_000
	const month = 31 * 86400 * secMicros
	rng := rand.New(rand.NewPCG(9, 10))
	ts := make([]int64, n)
	dur := make([]int64, n)
	for i := range n {
		ts[i] = 1_790_000_000*secMicros + int64(i)*(month/n)/secMicros*secMicros
		dur[i] = int64(rng.IntN(2000)) * 1000
	}
	b.ReportAllocs()
	for b.Loop() {
		g := newInflight()
		for i := range n {
			g.add(ts[i], dur[i], 0, true)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

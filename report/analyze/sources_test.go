package analyze

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// TestLiveMatchesStore checks that a run's live source, which counts the minutes in Go as the rows come
// and loads into DuckDB only the rows an analysis needs (from memory and from its spill file), gives
// exactly the analysis of a store opened later, which counts the minutes in SQL and has every row:
// peaks, rolling peaks, percentiles, 429s, System Log counts, learned limits, time range, the
// never-flagged classes, the drill-down and the principals, on random traffic around 1970 (negative
// instants), with sub-second and whole-second instants, bursts across minute and page boundaries, and
// idle gaps, with requests of unknown method (in no bucket), with durations and without (a live run
// then computes the drill-down in Go rather than in DuckDB); with the pages bounded, so that most minutes are counted one by one; and for a second
// analysis of the same source, as against learned limits.
func TestLiveMatchesStore(t *testing.T) {
	cat := classify.Seed()
	rng := rand.New(rand.NewPCG(3, 5))
	const minute = 60_000_000
	defer func(n, h, k int) { maxPages, heldRowsMax, keptRows = n, h, k }(maxPages, heldRowsMax, keptRows)
	for round := range 16 {
		maxPages, heldRowsMax, keptRows = 1<<16, 6<<20, 64+round*97 // the needed rows load in many batches
		if round >= 12 {                                            // few pages: most minutes are counted in the spill map
			maxPages = round - 11
		}
		if round%3 == 2 { // too many rows to hold in memory: most go to the spill file
			heldRowsMax = 100
		}
		n := 2000 + rng.IntN(6000)
		r := &rowBatch{class: [][]uint8{nil}}
		base := int64(rng.IntN(4000)-2000) * minute
		for i := range n {
			var ts int64
			switch rng.IntN(4) {
			case 0: // spread over two days: pages of 1,024 minutes cross
				ts = base + rng.Int64N(2*1440*minute)
			case 1: // whole seconds in a busy hour
				ts = base + rng.Int64N(3600)*1_000_000
			case 2: // a burst across a minute boundary
				ts = base + 30*minute + rng.Int64N(minute) - minute/2
			default: // a second day, after a gap
				ts = base + 3*1440*minute + rng.Int64N(600*minute)
			}
			cl := uint8(rng.IntN(len(cat.Buckets)))
			switch {
			case i%19 == 0: // counted in no bucket, held in neither source's minutes
				cl = uint8(classify.MethodUnknown)
			case i%17 == 0:
				cl = uint8(classify.PublicMetadata)
			case i%13 == 0:
				cl = uint8(classify.OutsideCatalog)
			case i%3 == 0:
				cl = uint8(round % len(cat.Buckets)) // one bucket much busier than the others
			}
			status := uint16(200)
			if rng.IntN(10) == 0 {
				status = 429
			}
			rl := int32(0)
			if rng.IntN(3) == 0 {
				rl = []int32{600, 1200, 50}[rng.IntN(3)]
			}
			r.ts = append(r.ts, ts)
			r.class[0] = append(r.class[0], cl)
			r.status = append(r.status, status)
			r.client = append(r.client, ipv4Flag|uint64(rng.IntN(5)))
			r.agent = append(r.agent, uint32(rng.IntN(4)))
			r.principal = append(r.principal, uint32(rng.IntN(3)))
			r.path = append(r.path, uint32(rng.IntN(6)))
			r.rl = append(r.rl, rl)
			r.src = append(r.src, uint8(rng.IntN(2)))
			// Durations (none for a third; whole and partial seconds), client-limited endpoints
			// and concurrency 429s, so that the two sources' concurrency figures are compared too.
			dur := int64(-1)
			if round%4 != 1 && rng.IntN(3) != 0 { // without durations, a live run's drill-down is Go's
				dur = rng.Int64N(4) * []int64{1_000_000, 250_000, 1}[rng.IntN(3)]
			}
			flags := uint8(0)
			if rng.IntN(8) == 0 {
				flags = uint8(1 + rng.IntN(3))
			}
			if status == 429 && rl == 0 && rng.IntN(2) == 0 {
				flags |= flagConc429
			}
			r.dur, r.flags = append(r.dur, dur), append(r.flags, flags)
		}
		p := params{tier: classify.Tier(round % classify.NumTiers), warn: 30 + 10*(round%7)}
		if round%4 == 0 {
			p.warn = 1 // every minute is hot: the drill-down covers everything
		}
		// A second analysis of the same source, as against learned limits: other hot minutes.
		p2 := params{tier: classify.Tier((round + 2) % classify.NumTiers), warn: 90 - 10*(round%5)}
		ctx := context.Background()
		analyzeTwice := func(src source) (first, second *report.Result) {
			t.Helper()
			var err error
			if first, err = analyze(ctx, src, cat, p, report.Input{}); err != nil {
				t.Fatal(err)
			}
			if second, err = analyze(ctx, src, cat, p2, report.Input{}); err != nil {
				t.Fatal(err)
			}
			return first, second
		}
		live := newTestLive(t, true)
		mustAdd(t, live, r)
		if err := live.setNames(testNames); err != nil {
			t.Fatal(err)
		}
		want, want2 := analyzeTwice(live)
		st := newTestStore(t, cat, r)
		if err := st.setNames(testNames); err != nil {
			t.Fatal(err)
		}
		got, got2 := analyzeTwice(st)
		if !reflect.DeepEqual(got2, want2) {
			t.Fatalf("round %d: a second analysis from SQL counts differs from the one from Go counts", round)
		}
		if !reflect.DeepEqual(got, want) {
			for i := range min(len(got.Buckets), len(want.Buckets)) {
				if !reflect.DeepEqual(got.Buckets[i], want.Buckets[i]) {
					t.Errorf("round %d bucket %s:\nSQL %+v\nGo  %+v", round, want.Buckets[i].Bucket.ID, got.Buckets[i], want.Buckets[i])
				}
			}
			t.Fatalf("round %d: the analysis from SQL counts differs from the one from Go counts (%d and %d buckets)", round, len(got.Buckets), len(want.Buckets))
		}
		for _, b := range want.Buckets { // minutes near and over, counted here from the series
			for _, tier := range classify.Tiers {
				lim := b.Bucket.Limit(tier)
				var near, over int64
				for _, m := range b.Minutes {
					switch {
					case lim == classify.NA:
					case m.Count > int64(lim):
						over++
					case m.Count*100 >= int64(p.warn)*int64(lim):
						near++
					}
				}
				if v := b.ByTier[tier]; v.MinutesNear != near || v.MinutesOver != over {
					t.Errorf("round %d %s %s: %d near, %d over; counted %d, %d", round, b.Bucket.ID, tier, v.MinutesNear, v.MinutesOver, near, over)
				}
			}
		}
		if want.PublicMetadata == 0 || want.OutsideCatalog == 0 || len(want.Buckets) == 0 {
			t.Fatalf("round %d: the traffic missed a case: %d public, %d outside, %d buckets", round, want.PublicMetadata, want.OutsideCatalog, len(want.Buckets))
		}
		if round%3 == 2 && (live.spill == nil || live.spill.rows == 0) {
			t.Fatalf("round %d: no row was spilled", round)
		}
	}
}

// TestAnalyzeAgainNeedsKeep checks that a live source that let its rows go refuses a second analysis
// instead of giving one from the rows the first analysis needed.
func TestAnalyzeAgainNeedsKeep(t *testing.T) {
	cat := classify.Seed()
	var rq requestsOf
	for i := range 100 {
		rq.add(1_790_000_000_000_000+int64(i)*1_000_000, 0)
	}
	src := newTestLive(t, false)
	mustAdd(t, src, rq.rows())
	mustAnalyze(t, src, cat, classify.Enterprise, 60)
	if _, err := analyze(context.Background(), src, cat, params{tier: classify.Enterprise, warn: 60}, report.Input{}); err == nil {
		t.Fatal("a second analysis of a source that let its rows go succeeded")
	}
}

// testNames names the ids of the random rows of TestLiveMatchesStore (clients are IPv4 addresses).
var testNames = names{agents: []string{"", "(other)", "curl/8", "okta-sdk-java"}, principals: []string{"", "(other)", "00T1token", "0oa2client"},
	paths: []string{"", "(other)", "/api/v1/users/{idOrLogin}", "/api/v1/apps", "/oauth2/v1/token", "/api/v1/logs"}}

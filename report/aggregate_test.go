package report

import (
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ratecard/ratecard/classify"
)

// TestMinutesFromGoMatchSQL checks that the counts an analyzer takes in Go as rows load (minuteAgg)
// give exactly the analysis that a store opened later computes from its rows in SQL (minutesSQL):
// peaks, rolling peaks, percentiles, 429s, System Log counts, learned limits, time range, the
// never-flagged classes and the drill-down, on random traffic around 1970 (negative instants), with
// sub-second and whole-second instants, bursts across minute and page boundaries, and idle gaps; and
// with the pages bounded, so that most minutes are counted one by one.
func TestMinutesFromGoMatchSQL(t *testing.T) {
	cat := classify.Seed()
	rng := rand.New(rand.NewPCG(3, 5))
	const minute = 60_000_000
	defer func(n, h, k int) { maxPages, heldRowsMax, keptRows = n, h, k }(maxPages, heldRowsMax, keptRows)
	for round := range 16 {
		maxPages, heldRowsMax, keptRows = 1<<16, 6<<20, 64+round*97 // the needed rows load in many batches
		if round >= 12 {                                            // few pages: most minutes are counted in the spill map
			maxPages = round - 11
		}
		if round%3 == 2 { // too many rows to hold: they are loaded as they come
			heldRowsMax = 100
		}
		n := 2000 + rng.IntN(6000)
		r := &Rows{Class: [][]uint8{nil}}
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
			r.TS = append(r.TS, ts)
			r.Class[0] = append(r.Class[0], cl)
			r.Status = append(r.Status, status)
			r.Client = append(r.Client, ipv4Flag|uint64(rng.IntN(5)))
			r.Agent = append(r.Agent, uint32(rng.IntN(4)))
			r.Principal = append(r.Principal, uint32(rng.IntN(3)))
			r.Path = append(r.Path, uint32(rng.IntN(6)))
			r.RL = append(r.RL, rl)
			r.Src = append(r.Src, uint8(rng.IntN(2)))
		}
		p := Params{Tier: classify.Tier(round % classify.NumTiers), WarnPercent: 30 + 10*(round%7)}
		if round%4 == 0 {
			p.WarnPercent = 1 // every minute is hot: the drill-down covers everything
		}
		// A second analysis of the same analyzer, as against learned limits: other hot minutes.
		p2 := Params{Tier: classify.Tier((round + 2) % classify.NumTiers), WarnPercent: 90 - 10*(round%5)}

		live, err := NewAnalyzer(cat)
		if err != nil {
			t.Fatal(err)
		}
		if err := live.AddRows(r); err != nil {
			t.Fatal(err)
		}
		live.KeepRows()
		want, err := live.Analyze(p, Input{})
		if err != nil {
			t.Fatal(err)
		}
		want2, err := live.Analyze(p2, Input{})
		live.Close()
		if err != nil {
			t.Fatal(err)
		}

		path := filepath.Join(t.TempDir(), "m.duckdb")
		st, err := CreateStore(path, []*classify.Catalog{cat}, cat)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.AddRows(r); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveInput(Input{}); err != nil {
			t.Fatal(err)
		}
		st.Close()
		re, in, err := OpenStore(path, cat)
		if err != nil {
			t.Fatal(err)
		}
		got, err := re.Analyze(p, in)
		if err != nil {
			t.Fatal(err)
		}
		got2, err := re.Analyze(p2, in)
		re.Close()
		if err != nil {
			t.Fatal(err)
		}
		got2.Input = want2.Input
		if !reflect.DeepEqual(got2, want2) {
			t.Fatalf("round %d: a second analysis from SQL counts differs from the one from Go counts", round)
		}
		got.Input = want.Input
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
					case m.Count*100 >= int64(p.WarnPercent)*int64(lim):
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
	}
}

// TestAnalyzeAgainNeedsKeepRows checks that an analyzer that let its held rows go refuses a second
// analysis instead of giving one from the rows the first analysis needed.
func TestAnalyzeAgainNeedsKeepRows(t *testing.T) {
	an, err := NewAnalyzer(classify.Seed())
	if err != nil {
		t.Fatal(err)
	}
	defer an.Close()
	for i := range 100 {
		if err := an.Add(1_790_000_000_000_000+int64(i)*1_000_000, 0); err != nil {
			t.Fatal(err)
		}
	}
	p := Params{Tier: classify.Enterprise, WarnPercent: 60}
	if _, err := an.Analyze(p, Input{}); err != nil {
		t.Fatal(err)
	}
	if _, err := an.Analyze(p, Input{}); err == nil {
		t.Fatal("a second analysis without KeepRows succeeded")
	}
}

package analyze

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/ratecard/ratecard/classify"
)

// TestOtherCounts counts random requests in the other catalog's classes as three workers would, with
// the pages bounded or not, sums them, and holds every class's requests and busiest minute to a brute
// force count; and holds a store's SQL count of the same requests to it.
func TestOtherCounts(t *testing.T) {
	seed := classify.Seed()
	okta, err := classify.Load("okta-2025")
	if err != nil {
		t.Fatal(err)
	}
	defer func(n int) { maxPages = n }(maxPages)
	rng := rand.New(rand.NewPCG(17, 2))
	const minute = 60_000_000
	for round := range 8 {
		maxPages = 1 << 14
		if round%2 == 1 {
			maxPages = 1 + round/2 // most minutes are counted one by one
		}
		n := 3000 + rng.IntN(5000)
		ts := make([]int64, n)
		cls := [][]uint8{make([]uint8, n), make([]uint8, n)}
		base := int64(rng.IntN(4000)-2000) * minute // around 1970: negative instants too
		type key struct {
			cl uint8
			m  int64
		}
		brute := map[key]int64{}
		workers := []*otherCounts{newOtherCounts(), newOtherCounts(), newOtherCounts()}
		for i := range n {
			ts[i] = base + rng.Int64N(3*1440*minute)
			if rng.IntN(3) == 0 { // a busy hour
				ts[i] = base + rng.Int64N(60*minute)
			}
			cl := uint8(rng.IntN(len(okta.Buckets)))
			switch i % 11 {
			case 0:
				cl = uint8(classify.PublicMetadata)
			case 1:
				cl = uint8(classify.OutsideCatalog)
			}
			cls[1][i] = cl
			cls[0][i] = uint8(rng.IntN(len(seed.Buckets)))
			workers[rng.IntN(len(workers))].add(ts[i], cl)
			if cl < uint8(classify.PublicMetadata) {
				brute[key{cl, floorDiv(ts[i], minute)}]++
			}
		}
		want := map[uint8]otherPeak{}
		for k, c := range brute {
			p, ok := want[k.cl]
			p.requests += c
			if !ok || c > p.peak || c == p.peak && k.m < p.minute {
				p.peak, p.minute = c, k.m
			}
			want[k.cl] = p
		}
		sum := newOtherCounts()
		for _, w := range workers {
			sum.merge(w)
		}
		if got := sum.peaks(); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: counted %v, want %v", round, got, want)
		}
		if len(want) < len(okta.Buckets)/2 {
			t.Fatalf("round %d: only %d classes had traffic", round, len(want))
		}

		st := newTestStoreOf(t, []*classify.Catalog{seed, okta}, seed, plainRows(ts, cls...))
		got, err := st.otherCatalog(context.Background(), "okta-2025")
		if err != nil {
			t.Fatal(err)
		}
		if w := otherResult(okta, want); !reflect.DeepEqual(got, w) {
			t.Fatalf("round %d: the store's SQL count %+v differs from %+v", round, got, w)
		}
	}
}

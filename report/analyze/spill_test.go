package analyze

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// TestRowSpillRoundTrip checks that chunks written to a spill come back as they went, in order, the
// last short one included, into chunks reused from one read to the next.
func TestRowSpillRoundTrip(t *testing.T) {
	s, err := newRowSpill()
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	rng := rand.New(rand.NewPCG(1, 2))
	var want []rowChunk
	var pk packer
	for _, n := range []int{batchRows, 1, batchRows, 777} {
		c := newRowChunk()
		for range n {
			c.add(rng.Int64()-rng.Int64(), uint8(rng.Uint32()), rng.Uint64(), rng.Uint32(), rng.Uint64(), rng.Uint32())
		}
		p := pk.pack(&c)
		if err := s.write(&p); err != nil {
			t.Fatal(err)
		}
		want = append(want, c)
	}
	if s.rows != 2*batchRows+778 {
		t.Fatalf("rows = %d", s.rows)
	}
	for range 2 { // read twice: a second analysis reads the spill again
		var scratch packedChunk
		i := 0
		err := s.each(func() *packedChunk { return &scratch }, func(p *packedChunk) error {
			got := newRowChunk()
			p.unpack(&got)
			if !reflect.DeepEqual(got, want[i]) {
				t.Fatalf("chunk %d came back different", i)
			}
			i++
			return nil
		})
		if err != nil || i != len(want) {
			t.Fatalf("read %d chunks of %d: %v", i, len(want), err)
		}
	}
}

// TestAnalyzeWithSpill checks that a live source that holds rows both in memory and in its spill file
// gives the analysis of one that holds them all in memory, a second analysis (which needs the rows of
// other minutes) included.
func TestAnalyzeWithSpill(t *testing.T) {
	cat := classify.Seed()
	rng := rand.New(rand.NewPCG(7, 9))
	const minute = 60_000_000
	n := 3*batchRows + 17
	r := &rowBatch{class: [][]uint8{nil}}
	base := int64(29_000_000) * minute
	for i := range n {
		ts := base + rng.Int64N(240*minute)
		if i%5 == 0 {
			ts = base + 100*minute + rng.Int64N(minute) // a hot minute
		}
		r.ts = append(r.ts, ts)
		r.class[0] = append(r.class[0], uint8(rng.IntN(len(cat.Buckets))))
		r.status = append(r.status, 200)
		r.client = append(r.client, ipv4Flag|uint64(rng.IntN(50)))
		r.agent = append(r.agent, uint32(rng.IntN(4)))
		r.principal = append(r.principal, uint32(rng.IntN(40)/39)) // a few with a principal
		r.path = append(r.path, uint32(rng.IntN(6)))
		r.rl = append(r.rl, 0)
		r.src = append(r.src, 0)
		r.dur = append(r.dur, rng.Int64N(3_000_000)-1)
		r.flags = append(r.flags, 0)
	}
	analyzeHeld := func(held int) (*report.Result, *report.Result, int) {
		t.Helper()
		defer func(h int) { heldRowsMax = h }(heldRowsMax)
		heldRowsMax = held
		src := newTestLive(t, true)
		mustAdd(t, src, r)
		if err := src.flush(); err != nil {
			t.Fatal(err)
		}
		spilled := 0
		if src.spill != nil {
			spilled = src.spill.rows
		}
		res := mustAnalyze(t, src, cat, classify.Enterprise, 60)
		res2 := mustAnalyze(t, src, cat, classify.OneApp, 10)
		return res, res2, spilled
	}
	want, want2, spilled := analyzeHeld(6 << 20)
	if spilled != 0 {
		t.Fatalf("%d rows spilled under the default bound", spilled)
	}
	got, got2, spilled := analyzeHeld(batchRows + 5)
	if spilled != n-batchRows {
		t.Fatalf("%d rows spilled, want all but the first batch", spilled)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("the analysis with a spill differs from the one without")
	}
	if !reflect.DeepEqual(got2, want2) {
		t.Error("the second analysis with a spill differs from the one without")
	}
}

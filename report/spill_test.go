package report

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/ratecard/ratecard/classify"
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
	for _, n := range []int{batchRows, 1, batchRows, 777} {
		c := newRowChunk()
		for range n {
			c.add(rng.Int64()-rng.Int64(), uint8(rng.Uint32()), rng.Uint64(), rng.Uint32(), rng.Uint64())
		}
		if err := s.write(&c); err != nil {
			t.Fatal(err)
		}
		want = append(want, c)
	}
	if s.rows != 2*batchRows+778 {
		t.Fatalf("rows = %d", s.rows)
	}
	for range 2 { // read twice: a second analysis reads the spill again
		scratch, i := newRowChunk(), 0
		err := s.each(func() *rowChunk { return &scratch }, func(c *rowChunk) error {
			if !reflect.DeepEqual(*c, want[i]) {
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

// TestAnalyzeWithSpill checks that an analyzer that holds rows both in memory and in its spill file
// gives the analysis of one that holds them all in memory, a second analysis (which loads every row)
// included.
func TestAnalyzeWithSpill(t *testing.T) {
	cat := classify.Seed()
	rng := rand.New(rand.NewPCG(7, 9))
	const minute = 60_000_000
	n := 3*batchRows + 17
	r := &Rows{Class: [][]uint8{nil}}
	base := int64(29_000_000) * minute
	for i := range n {
		ts := base + rng.Int64N(240*minute)
		if i%5 == 0 {
			ts = base + 100*minute + rng.Int64N(minute) // a hot minute
		}
		r.TS = append(r.TS, ts)
		r.Class[0] = append(r.Class[0], uint8(rng.IntN(len(cat.Buckets))))
		r.Status = append(r.Status, 200)
		r.Client = append(r.Client, ipv4Flag|uint64(rng.IntN(50)))
		r.Agent = append(r.Agent, uint32(rng.IntN(4)))
		r.Principal = append(r.Principal, uint32(rng.IntN(40)/39)) // a few with a principal
		r.Path = append(r.Path, uint32(rng.IntN(6)))
		r.RL = append(r.RL, 0)
		r.Src = append(r.Src, 0)
	}
	p := Params{Tier: classify.Enterprise, WarnPercent: 60}
	p2 := Params{Tier: classify.OneApp, WarnPercent: 10}
	analyze := func(held int) (*Result, *Result, int) {
		t.Helper()
		defer func(h int) { heldRowsMax = h }(heldRowsMax)
		heldRowsMax = held
		an, err := NewAnalyzer(cat)
		if err != nil {
			t.Fatal(err)
		}
		defer an.Close()
		an.KeepRows()
		if err := an.AddRows(r); err != nil {
			t.Fatal(err)
		}
		if err := an.flush(); err != nil {
			t.Fatal(err)
		}
		spilled := 0
		if an.spill != nil {
			spilled = an.spill.rows
		}
		res, err := an.Analyze(p, Input{})
		if err != nil {
			t.Fatal(err)
		}
		res2, err := an.Analyze(p2, Input{})
		if err != nil {
			t.Fatal(err)
		}
		return res, res2, spilled
	}
	want, want2, spilled := analyze(6 << 20)
	if spilled != 0 {
		t.Fatalf("%d rows spilled under the default bound", spilled)
	}
	got, got2, spilled := analyze(batchRows + 5)
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

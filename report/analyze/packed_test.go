package analyze

import (
	"bytes"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// randomChunk makes a chunk of n rows whose columns each span about 2^bits[col] values (bits 0: one
// value; 64: any), from rng.
func randomChunk(rng *rand.Rand, n int, bits [pcCount]int) rowChunk {
	v := func(col int) uint64 {
		switch b := bits[col]; {
		case b == 0:
			return 12345
		case b >= 64:
			return rng.Uint64()
		default:
			return 1<<40 + rng.Uint64N(1<<b)
		}
	}
	c := newRowChunk()
	for range n {
		ts := int64(v(pcTS))
		if bits[pcTS] < 64 {
			ts = 1_790_000_000_000_000 - int64(v(pcTS))
		}
		c.add(ts, uint8(v(pcCls)), v(pcClient), uint32(v(pcPrin)), v(pcAgent)<<32|v(pcPath)&(1<<32-1), uint32(v(pcDur)))
	}
	return c
}

// TestPackRoundTrip: a packed chunk reads back every row as it was (in place with at, and through
// unpack and the spill file's format), with each column as narrow as its range allows; the packer
// reused from chunk to chunk, as a worker reuses it.
func TestPackRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var pk packer
	for round := range 60 {
		var bits [pcCount]int
		for i := range bits {
			bits[i] = []int{0, 1, 7, 8, 9, 16, 24, 33, 40, 56, 63, 64}[rng.IntN(12)]
		}
		n := []int{0, 1, 2, 100, batchRows}[round%5]
		c := randomChunk(rng, n, bits)
		if round == 7 && n > 1 { // the extremes of an instant
			c.ts[0], c.ts[1] = math.MinInt64, math.MaxInt64
		}
		// Instants and durations in whole seconds or milliseconds, as most logs have them, in some
		// rounds: all of them (or all but one row, in every fourth such round).
		if u := []int64{1, 1_000, 1_000_000}[round%3]; u > 1 {
			for k := range n {
				if round%4 != 3 || k != n/2 {
					c.ts[k] -= c.ts[k] % u
					if round%2 == 0 {
						c.dur[k] -= c.dur[k] % uint32(u)
					}
				}
			}
		}
		if round%6 == 2 && n > 1 { // instants of both signs, each a multiple of 1e6 as a uint64
			c.ts[0], c.ts[1] = -551_616, 1_790_000_000_000_000 // 2^64 - 551,616 = 18,446,744,073,709,000,000
		}
		p := pk.pack(&c)
		// The narrowest width, by brute force: the fewest bytes that tell every two values apart
		// as differences from the least (an instant's as a signed number).
		var lo, hi [pcCount]big.Int
		for k := range n {
			row := [pcCount]*big.Int{big.NewInt(c.ts[k]), new(big.Int).SetUint64(uint64(c.cls[k])), new(big.Int).SetUint64(c.client[k]),
				new(big.Int).SetUint64(uint64(c.prin[k])), new(big.Int).SetUint64(c.ids[k] >> 32), new(big.Int).SetUint64(c.ids[k] & (1<<32 - 1)),
				new(big.Int).SetUint64(uint64(c.dur[k]))}
			for col, x := range row {
				if k == 0 || x.Cmp(&lo[col]) < 0 {
					lo[col].Set(x)
				}
				if k == 0 || x.Cmp(&hi[col]) > 0 {
					hi[col].Set(x)
				}
			}
		}
		// The unit, by brute force: the largest of 1e6, 1e3 and 1 that divides the difference of
		// every value of an instant's or a duration's column from the column's least.
		var units [pcCount]int64
		for col := range units {
			units[col] = 1
			if col != pcTS && col != pcDur || n == 0 {
				continue
			}
			for _, u := range []int64{1_000_000, 1_000} {
				all := true
				for k := range n {
					v := big.NewInt(c.ts[k])
					if col == pcDur {
						v.SetUint64(uint64(c.dur[k]))
					}
					all = all && new(big.Int).Mod(v.Sub(v, &lo[col]), big.NewInt(u)).Sign() == 0
				}
				if all {
					units[col] = u
					break
				}
			}
		}
		for col, pc := range p.cols {
			span := new(big.Int).Sub(&hi[col], &lo[col])
			if want := (span.Div(span, big.NewInt(units[col])).BitLen() + 7) / 8; pc.width != want || int64(pc.unit) != units[col] {
				t.Fatalf("round %d: column %d packed %d bytes wide in units of %d, want %d in units of %d", round, col, pc.width, pc.unit, want, units[col])
			}
		}
		for k := range n {
			got := [pcCount]uint64{uint64(p.ts(k)), p.at(pcCls, k), p.at(pcClient, k), p.at(pcPrin, k), p.at(pcAgent, k), p.at(pcPath, k), p.at(pcDur, k)}
			want := [pcCount]uint64{uint64(c.ts[k]), uint64(c.cls[k]), c.client[k], uint64(c.prin[k]), c.ids[k] >> 32, c.ids[k] & (1<<32 - 1), uint64(c.dur[k])}
			if got != want {
				t.Fatalf("round %d, row %d: %v, want %v", round, k, got, want)
			}
		}
		var u rowChunk
		p.unpack(&u)
		if u.len() != n || n > 0 && !reflect.DeepEqual(u, c) {
			t.Fatalf("round %d: unpacked rows differ", round)
		}
		var b bytes.Buffer
		if err := p.writeTo(&b); err != nil {
			t.Fatal(err)
		}
		var q packedChunk
		if err := readPacked(&b, &q, nil); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if !reflect.DeepEqual(q, p) {
			t.Fatalf("round %d: the written chunk read back different", round)
		}
	}
}

// TestUnitDivider: for each unit of packUnits, the shift and multiplier of unitDivider give x/unit
// for multiples x of unit across the whole uint64 range.
func TestUnitDivider(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, unit := range packUnits {
		if unit == 0 {
			continue
		}
		shift, inv := unitDivider(unit)
		for i := range 10_000 {
			q := rng.Uint64() / unit // any quotient whose multiple fits a uint64
			if i < 2 {
				q = []uint64{0, math.MaxUint64 / unit}[i]
			}
			if got := (q * unit >> shift) * inv; got != q {
				t.Fatalf("unit %d: %d / %d = %d, want %d", unit, q*unit, unit, got, q)
			}
		}
	}
}

// TestAllMultiples: allMultiples agrees with the remainder on every value from 0 to 3,000,000, near
// the end of the uint64 range, at random, and on durations; one value that is not a multiple,
// anywhere in a column, settles a no; and unitOf takes the differences from the least value.
func TestAllMultiples(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	for _, unit := range []uint64{1_000, 1_000_000} {
		check := func(x uint64) {
			if got := allMultiples([]int64{int64(x)}, 0, unit); got != (x%unit == 0) {
				t.Fatalf("allMultiples(%d, %d) = %v", x, unit, got)
			}
		}
		for x := range uint64(3_000_000) {
			check(x)
			check(math.MaxUint64 - x)
		}
		for range 100_000 {
			check(rng.Uint64())
			check(rng.Uint64() / unit * unit)
		}
		for range 1000 {
			d := uint32(rng.Uint64N(1<<32) / unit * unit)
			if !allMultiples([]uint32{d, d + uint32(unit)}, 0, unit) || allMultiples([]uint32{d, d + 1}, 0, unit) {
				t.Fatalf("allMultiples of the durations %d and the next ones, in units of %d", d, unit)
			}
		}
		col := make([]int64, 1000)
		for i := range col {
			col[i] = int64(i) * int64(unit) * 7
		}
		if !allMultiples(col, 0, unit) {
			t.Fatalf("a column of multiples of %d", unit)
		}
		col[rng.IntN(len(col))]++
		if allMultiples(col, 0, unit) {
			t.Fatalf("a column of multiples of %d but one", unit)
		}
	}
	for _, tt := range []struct {
		vals []int64
		want uint64
	}{
		{[]int64{1_790_000_000_000_000, 1_790_000_001_000_000}, 1_000_000},
		{[]int64{1_790_000_000_000_000, 1_790_000_000_001_000}, 1_000},
		{[]int64{1_790_000_000_000_000, 1_790_000_000_000_001}, 1},
		{[]int64{1_790_000_000_000_500, 1_790_000_001_000_500}, 1_000_000}, // differences from the least
		{[]int64{-551_616, 1_790_000_000_000_000}, 1},                      // each a multiple as a uint64, not their difference
		{[]int64{-1_000_000, 1_000_000}, 1_000_000},
		{[]int64{0}, 1_000_000},
	} {
		if got := unitOf(tt.vals, uint64(slices.Min(tt.vals))); got != tt.want {
			t.Errorf("unitOf(%v) = %d, want %d", tt.vals, got, tt.want)
		}
	}
}

// FuzzReadPacked: readPacked never panics on any bytes, and what it accepts reads in place.
func FuzzReadPacked(f *testing.F) {
	var pk packer
	c := randomChunk(rand.New(rand.NewPCG(5, 6)), 3, [pcCount]int{40, 8, 33, 1, 0, 16, 24})
	p := pk.pack(&c)
	var b bytes.Buffer
	if err := p.writeTo(&b); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var q packedChunk
		if readPacked(bytes.NewReader(data), &q, nil) != nil {
			return
		}
		for k := range q.n {
			for col := range pcCount {
				q.at(col, k)
			}
		}
	})
}

// BenchmarkPack packs a chunk of about the bench month's shape (two requests an instant, IPv4
// clients, a few hundred agents and paths, a principal on one request in ten, durations of up to
// 2 s): instants 0.6 s apart with durations in microseconds, and whole seconds with durations in
// milliseconds, which are stored in those units.
func BenchmarkPack(b *testing.B) {
	for _, tc := range []struct {
		name       string
		step, unit int64 // between two rows' instants; of the durations
	}{
		{"600ms", 600_000, 1},               // the instants in milliseconds, the durations in microseconds
		{"whole-seconds", 1_000_000, 1_000}, // as nginx's $time_local and $request_time
	} {
		b.Run(tc.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(7, 8))
			c := newRowChunk()
			for k := range batchRows {
				prin := uint32(0)
				if rng.IntN(10) == 0 {
					prin = uint32(rng.IntN(300))
				}
				c.add(1_790_000_000_000_000+int64(k)/2*tc.step, uint8(rng.IntN(14)), ipv4Flag|uint64(rng.Uint32()), prin,
					uint64(rng.IntN(400))<<32|uint64(rng.IntN(3000)), uint32(rng.Int64N(2_000_000)/tc.unit*tc.unit))
			}
			var pk packer
			var p packedChunk
			b.ReportAllocs()
			for b.Loop() {
				p = pk.pack(&c)
			}
			b.ReportMetric(float64(batchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(len(p.data))/batchRows, "bytes/row")
		})
	}
}

// unpack appends the rows of p to c.
func (p *packedChunk) unpack(c *rowChunk) {
	for k := range p.n {
		c.add(p.ts(k), uint8(p.at(pcCls, k)), p.at(pcClient, k), uint32(p.at(pcPrin, k)),
			p.at(pcAgent, k)<<32|p.at(pcPath, k), uint32(p.at(pcDur, k)))
	}
}

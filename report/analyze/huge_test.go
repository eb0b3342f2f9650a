package analyze

import (
	"testing"
	"unsafe"
)

// TestSlabSlices fills slices of several types and sizes from one slab, past a block, and checks that
// each keeps what was written to it: the slices do not overlap, and an append past a slice's
// capacity moves it rather than writing into the next one.
func TestSlabSlices(t *testing.T) {
	var s slab
	type col struct {
		u8  []uint8
		u32 []uint32
		i64 []int64
		h   []hash128
	}
	sizes := []int{0, 1, 7, 8, 1000, batchRows, 3 * batchRows}
	var cols []col
	for round := range 3 {
		for _, n := range sizes {
			c := col{slabSlice[uint8](&s, n), slabSlice[uint32](&s, n), slabSlice[int64](&s, n), slabSlice[hash128](&s, n)}
			for _, cp := range []int{cap(c.u8), cap(c.u32), cap(c.i64), cap(c.h)} {
				if cp != n {
					t.Fatalf("round %d: capacity %d, want %d", round, cp, n)
				}
			}
			if n > 0 && uintptr(unsafe.Pointer(&c.h[:1][0]))%8 != 0 {
				t.Fatalf("a hash128 column is not 8-byte aligned")
			}
			for i := range n {
				v := uint64(len(cols))<<32 | uint64(i)
				c.u8, c.u32, c.i64 = append(c.u8, uint8(v)), append(c.u32, uint32(v)), append(c.i64, int64(v))
				c.h = append(c.h, hash128{v, ^v})
			}
			// One more than the capacity: a new array, not the next slice's memory.
			c.u8 = append(c.u8, 0xff)
			c.u8 = c.u8[:n]
			cols = append(cols, c)
		}
	}
	for k, c := range cols {
		for i := range c.i64 {
			v := uint64(k)<<32 | uint64(i)
			if c.u8[i] != uint8(v) || c.u32[i] != uint32(v) || c.i64[i] != int64(v) || c.h[i] != (hash128{v, ^v}) {
				t.Fatalf("slice %d, row %d: overwritten", k, i)
			}
		}
	}
}

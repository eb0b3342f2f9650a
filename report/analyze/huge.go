package analyze

import "unsafe"

// Memory a run fills as it reads (the held rows, the minute and second pages, the System Log's
// columns) is fresh from the system, and the kernel maps it a 4 KiB page at a time, on first touch.
// On a virtual machine whose host takes back the guest's free memory (free page reporting, which
// Firecracker guests and others may have on), every such fault is also a fault on the host: on the bench
// machine touching 512 MiB took 1.5 s of system time in 4 KiB pages and 0.6 s in 2 MiB pages, and
// the faults were a quarter of a 5 M-line run's CPU time. So the large tables a run fills are
// advised as huge-page memory (adviseHuge, madvise MADV_HUGEPAGE on Linux, where transparent huge
// pages are commonly enabled for advised memory). Nothing else changes: the memory is ordinary Go
// memory, and where the advice is not taken the pages are small as before.

// hugePage is the size of a transparent huge page on Linux with 4 KiB base pages (amd64, and arm64
// as most distributions build it).
const hugePage = 2 << 20

// makeHuge is make([]T, n, c), its whole huge pages advised as huge-page memory when it is at least
// two huge pages long (so that it holds at least one whole one, wherever it starts).
func makeHuge[T any](n, c int) []T {
	s := make([]T, n, c)
	var zero T
	if size := uintptr(c) * unsafe.Sizeof(zero); size >= 2*hugePage {
		adviseHuge(unsafe.Pointer(unsafe.SliceData(s)), size)
	}
	return s
}

// slab hands out pointer-free slices carved from blocks advised as huge-page memory (makeHuge), for
// columns that are filled once and let go together (a block lives as long as any slice of it). The
// first block is slabFirst bytes, and each next one twice the last, up to slabMax, so that a small
// input does not reserve much. A slab is not safe for concurrent use.
type slab struct {
	free  []uint64
	block int // words of the last block
}

// Block sizes of a slab, in bytes.
const (
	slabFirst = 4 << 20
	slabMax   = 32 << 20
)

// slabSlice returns a slice of length 0 and capacity n from s. T must hold no pointers, and be
// aligned to at most 8 bytes.
func slabSlice[T any](s *slab, n int) []T {
	var zero T
	words := (n*int(unsafe.Sizeof(zero)) + 7) / 8
	if words == 0 {
		return make([]T, 0)
	}
	if len(s.free) < words {
		s.block = min(max(2*s.block, slabFirst/8), slabMax/8)
		size := max(words, s.block)
		s.free = makeHuge[uint64](size, size)
	}
	w := s.free[:words:words]
	s.free = s.free[words:]
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(w))), n)[:0]
}

package analyze

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// adviseHuge asks the kernel to back the whole 2 MiB pages within [p, p+n) with transparent huge
// pages (madvise MADV_HUGEPAGE). Where they are off, or the advice fails, nothing changes.
func adviseHuge(p unsafe.Pointer, n uintptr) {
	start := (uintptr(p) + hugePage - 1) &^ (hugePage - 1)
	end := (uintptr(p) + n) &^ (hugePage - 1)
	if end <= start {
		return
	}
	b := unsafe.Slice((*byte)(p), n)
	_ = unix.Madvise(b[start-uintptr(p):end-uintptr(p)], unix.MADV_HUGEPAGE)
}

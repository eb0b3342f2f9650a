package analyze

import "unsafe"

// prefault writes the zero value into one element of s in every 4 KiB page it spans. s must be
// freshly allocated (all zero): it is for tables that are read before they are written, like the
// minute pages and the route cache.
//
// Memory fresh from the system is mapped on first touch. When that touch is a read (a lookup in an
// empty table), the kernel maps its shared zero page, and the first write faults again, copies it, and
// flushes the old mapping from every CPU's TLB: on a virtual machine that is an interrupt to each
// CPU. Those second faults took 5 % of a run's CPU time (perf, 5 M lines on 2 cores); writing first
// maps each page once.
//
//go:noinline
func prefault[T any](s []T) {
	var zero T
	step := max(1, 4096/int(unsafe.Sizeof(zero)))
	for i := 0; i < len(s); i += step {
		s[i] = zero
	}
}

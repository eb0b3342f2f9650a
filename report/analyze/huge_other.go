//go:build !linux

package analyze

import "unsafe"

// adviseHuge does nothing: huge-page advice is taken on Linux only.
func adviseHuge(p unsafe.Pointer, n uintptr) {}

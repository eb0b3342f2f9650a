package analyze

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// vmFlags returns the VmFlags of the mapping of this process that holds address p, from
// /proc/self/smaps.
func vmFlags(t *testing.T, p uintptr) []string {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		line := sc.Text()
		var lo, hi uintptr
		if n, _ := fmt.Sscanf(line, "%x-%x ", &lo, &hi); n == 2 && strings.Contains(line, " ") && !strings.HasSuffix(strings.Fields(line)[0], ":") {
			in = lo <= p && p < hi
			continue
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			return strings.Fields(strings.TrimPrefix(line, "VmFlags:"))
		}
	}
	t.Fatalf("no mapping of /proc/self/smaps holds %#x", p)
	return nil
}

// TestMakeHugeAdvises checks that a large makeHuge slice lies, from its first whole huge page on,
// in a mapping advised MADV_HUGEPAGE (VmFlags "hg"), as do a slab's blocks.
func TestMakeHugeAdvises(t *testing.T) {
	big := makeHuge[uint64](0, 8<<20/8)
	var s slab
	col := slabSlice[int64](&s, 1<<20)
	for _, c := range []struct {
		name string
		p    uintptr
	}{
		{"an 8 MiB makeHuge slice", uintptr(unsafe.Pointer(unsafe.SliceData(big)))},
		{"a slab's first block", uintptr(unsafe.Pointer(unsafe.SliceData(col)))},
	} {
		first := (c.p + hugePage - 1) &^ (hugePage - 1)
		if flags := vmFlags(t, first); !slices.Contains(flags, "hg") {
			t.Errorf("%s at %#x: VmFlags %v, want hg (MADV_HUGEPAGE)", c.name, c.p, flags)
		}
	}
}

package analyze

import (
	"sync"
	"sync/atomic"
)

// inShares calls fn(k, lo, hi) for each k in [0, w), [lo, hi) being the k-th of w contiguous,
// about equal shares of [0, n), each on a goroutine of its own, and waits for them; with w < 2 it
// calls fn(0, 0, n) on the calling goroutine.
func inShares(w, n int, fn func(k, lo, hi int)) {
	if w < 2 {
		fn(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for k := range w {
		wg.Go(func() { fn(k, k*n/w, (k+1)*n/w) })
	}
	wg.Wait()
}

// eachTask calls fn(g, i) for every i in [0, n) on up to workers goroutines, each taking the next i
// as it finishes one (so tasks start in increasing order of i), and waits for them; g, in
// [0, workers), names the goroutine, for state of its own.
func eachTask(workers, n int, fn func(g, i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for g := range max(1, min(workers, n)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(g, i)
			}
		})
	}
	wg.Wait()
}

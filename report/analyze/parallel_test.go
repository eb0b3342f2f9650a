package analyze

import (
	"sync"
	"testing"
)

// TestInShares: the shares cover [0, n) once, in order, k naming each; under two, one call.
func TestInShares(t *testing.T) {
	for _, c := range []struct{ w, n int }{{0, 10}, {1, 10}, {2, 10}, {3, 10}, {4, 3}, {7, 1000}} {
		var mu sync.Mutex
		seen := make([]int, c.n)
		calls := map[int][2]int{}
		inShares(c.w, c.n, func(k, lo, hi int) {
			mu.Lock()
			defer mu.Unlock()
			calls[k] = [2]int{lo, hi}
			for i := lo; i < hi; i++ {
				seen[i]++
			}
		})
		want := max(c.w, 1)
		if len(calls) != want {
			t.Errorf("w=%d n=%d: %d calls, want %d", c.w, c.n, len(calls), want)
		}
		for k := 1; k < want; k++ {
			if calls[k][0] != calls[k-1][1] {
				t.Errorf("w=%d n=%d: share %d starts at %d, share %d ends at %d", c.w, c.n, k, calls[k][0], k-1, calls[k-1][1])
			}
		}
		for i, v := range seen {
			if v != 1 {
				t.Fatalf("w=%d n=%d: index %d in %d shares", c.w, c.n, i, v)
			}
		}
	}
}

// TestEachTask: every task runs once, on a goroutine named below workers.
func TestEachTask(t *testing.T) {
	for _, c := range []struct{ workers, n int }{{0, 5}, {1, 5}, {2, 100}, {8, 3}, {4, 0}} {
		var mu sync.Mutex
		seen := make([]int, c.n)
		eachTask(c.workers, c.n, func(g, i int) {
			if g < 0 || g >= max(1, c.workers) {
				t.Errorf("workers=%d: goroutine %d", c.workers, g)
			}
			mu.Lock()
			seen[i]++
			mu.Unlock()
		})
		for i, v := range seen {
			if v != 1 {
				t.Fatalf("workers=%d n=%d: task %d ran %d times", c.workers, c.n, i, v)
			}
		}
	}
}

// TestParseWorkers: a worker a part, up to the workers; a file cut into chunks as it is decompressed
// takes every worker but the one its decompression keeps busy.
func TestParseWorkers(t *testing.T) {
	plain, chunked := &part{}, &part{chunked: true}
	for _, c := range []struct {
		parts   []*part
		workers int
		want    int
	}{
		{nil, 4, 0},
		{[]*part{plain}, 4, 1},
		{[]*part{plain, plain, plain}, 2, 2},
		{[]*part{chunked}, 1, 1},
		{[]*part{chunked}, 2, 1},
		{[]*part{chunked}, 16, 15},
		{[]*part{plain, chunked}, 4, 3},
		{[]*part{chunked, chunked, chunked, chunked, chunked, chunked, chunked, chunked}, 2, 2},
		{[]*part{chunked, chunked, chunked, chunked, chunked, chunked, chunked, chunked}, 16, 15},
	} {
		if got := parseWorkers(c.parts, c.workers); got != c.want {
			t.Errorf("%d parts, %d workers: %d parsers, want %d", len(c.parts), c.workers, got, c.want)
		}
	}
}

package ingest

import (
	"io"
	"sync"
	"sync/atomic"
)

// countingReader adds the number of bytes read through it to a progress counter. One made without
// a counter keeps its count until start names one. Read may run on a decompressor's goroutine while
// start runs on the caller's: mu orders them.
type countingReader struct {
	r    io.Reader
	mu   sync.Mutex
	n    *atomic.Int64 // nil: count into held
	held int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.mu.Lock()
	if c.n != nil {
		c.n.Add(int64(k))
	} else {
		c.held += int64(k)
	}
	c.mu.Unlock()
	return k, err
}

// start adds the bytes counted so far to n, and counts the bytes read from now on there.
func (c *countingReader) start(n *atomic.Int64) {
	c.mu.Lock()
	n.Add(c.held)
	c.n, c.held = n, 0
	c.mu.Unlock()
}

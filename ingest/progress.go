package ingest

import (
	"io"
	"sync/atomic"
)

// countingReader adds the number of bytes read through it to a progress counter.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}

package analyze

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
)

// rowSpill is where a live source puts the rows it holds past heldRowsMax: a temporary file of whole
// chunks, each its row count and then its columns as they lie in memory, written once as the rows
// come and read back by each analysis, which picks only the rows it needs, and by the concurrency
// analysis for their intervals (see live.go).
// Loading every request of a large input into DuckDB instead would make DuckDB spill its requests
// table under its memory limit, from two threads contending for one file: on 50 M lines most of the
// run's CPU time went to the kernel copying and locking for those writes.
//
// The file is unlinked as soon as it is made (on Unix), so it goes when the process does, however it
// ends; elsewhere close removes it.
type rowSpill struct {
	f        *os.File
	unlinked bool
	rows     int
	chunks   int
	hdr      [8]byte
}

// newRowSpill makes an empty spill file in the system temp directory.
func newRowSpill() (*rowSpill, error) {
	f, err := os.CreateTemp("", "ratecard-rows-*")
	if err != nil {
		return nil, fmt.Errorf("spill held rows: %w", err)
	}
	return &rowSpill{f: f, unlinked: os.Remove(f.Name()) == nil}, nil
}

// columns views c's columns as their bytes in memory. The file is read back by the process that
// wrote it, so byte order does not matter.
func (c *rowChunk) columns() [][]byte {
	return [][]byte{arrow.Int64Traits.CastToBytes(c.ts), c.cls, arrow.Uint64Traits.CastToBytes(c.client),
		arrow.Uint32Traits.CastToBytes(c.prin), arrow.Uint64Traits.CastToBytes(c.ids), arrow.Uint32Traits.CastToBytes(c.dur)}
}

// write appends c's rows to the file.
func (s *rowSpill) write(c *rowChunk) error {
	binary.LittleEndian.PutUint64(s.hdr[:], uint64(c.len()))
	for _, b := range append([][]byte{s.hdr[:]}, c.columns()...) {
		if _, err := s.f.Write(b); err != nil {
			return fmt.Errorf("spill held rows: %w", err)
		}
	}
	s.rows += c.len()
	s.chunks++
	return nil
}

// each reads the chunks back in the order they were written, into chunks it gets from get, and hands
// each to fn.
func (s *rowSpill) each(get func() *rowChunk, fn func(*rowChunk) error) error {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read back held rows: %w", err)
	}
	for range s.chunks {
		c := get()
		if err := s.read(c); err != nil {
			return fmt.Errorf("read back held rows from %s: %w", s.f.Name(), err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	// Back at the end, where write appends.
	if _, err := s.f.Seek(0, io.SeekEnd); err != nil {
		return fmt.Errorf("held rows: %w", err)
	}
	return nil
}

// read reads the next chunk into c.
func (s *rowSpill) read(c *rowChunk) error {
	if _, err := io.ReadFull(s.f, s.hdr[:]); err != nil {
		return err
	}
	n := binary.LittleEndian.Uint64(s.hdr[:])
	if n > 1<<30 {
		return errors.New("corrupt chunk header")
	}
	c.ts, c.cls, c.client = resize(c.ts, n), resize(c.cls, n), resize(c.client, n)
	c.prin, c.ids, c.dur = resize(c.prin, n), resize(c.ids, n), resize(c.dur, n)
	for _, b := range c.columns() {
		if _, err := io.ReadFull(s.f, b); err != nil {
			return err
		}
	}
	return nil
}

// resize returns s with length n, reallocated only when its capacity is short.
func resize[T any](s []T, n uint64) []T {
	if uint64(cap(s)) < n {
		return make([]T, n)
	}
	return s[:n]
}

// close closes (and, where it was not unlinked at once, removes) the file.
func (s *rowSpill) close() {
	s.f.Close()
	if !s.unlinked {
		os.Remove(s.f.Name())
	}
}

package analyze

import (
	"bufio"
	"fmt"
	"io"
	"os"
)

// rowSpill is where a live source puts the rows it holds past heldRowsMax: a temporary file of whole
// chunks, packed (packedChunk.writeTo), written once as the rows come and read back by each
// analysis, which picks only the rows it needs, and by the concurrency analysis for their
// intervals (see live.go).
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
}

// newRowSpill makes an empty spill file in the system temp directory.
func newRowSpill() (*rowSpill, error) {
	f, err := os.CreateTemp("", "ratecard-rows-*")
	if err != nil {
		return nil, fmt.Errorf("spill held rows: %w", err)
	}
	return &rowSpill{f: f, unlinked: os.Remove(f.Name()) == nil}, nil
}

// write appends p's rows to the file.
func (s *rowSpill) write(p *packedChunk) error {
	if err := p.writeTo(s.f); err != nil {
		return fmt.Errorf("spill held rows: %w", err)
	}
	s.rows += p.n
	s.chunks++
	return nil
}

// each reads the chunks back in the order they were written, into chunks it gets from get (their
// data's arrays reused), and hands each to fn.
func (s *rowSpill) each(get func() *packedChunk, fn func(*packedChunk) error) error {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read back held rows: %w", err)
	}
	r := bufio.NewReaderSize(s.f, 1<<20)
	for range s.chunks {
		p := get()
		if err := readPacked(r, p, p.data); err != nil {
			return fmt.Errorf("read back held rows from %s: %w", s.f.Name(), err)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	// Back at the end, where write appends.
	if _, err := s.f.Seek(0, io.SeekEnd); err != nil {
		return fmt.Errorf("held rows: %w", err)
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

package ingest

import (
	"bytes"
	"io"
	"sync/atomic"
)

// Chunks: a compressed file is one stream that only one goroutine can decompress, so [OpenParts]
// leaves it whole. Its decompressed lines can still be parsed in parallel: [Reader.NextChunk] reads
// the next run of whole lines into memory and returns a Reader of its own for them, in the file's
// format, which another goroutine parses while the stream's Reader decompresses the next run (on its
// read-ahead goroutine). Together the chunk Readers read every line of the file once, as the stream's
// Reader would: the same lines, records, skip reasons and examples (each Reader numbering its lines
// from its own start, as the parts of a cut plain file do, and leaving the excerpts of its examples
// to be made when kept: Skip.FillExcerpt), and, where the stream ends in an error
// or a line too long to end a chunk, a last Reader that reads the rest of the stream exactly as the
// stream's Reader would have.

// Chunkable reports whether r, a Reader of a whole compressed file not yet read, can hand its lines
// out in chunks (NextChunk): its format's lines are independent of each other (as for [OpenParts]'
// cuts), and it is not UTF-16.
func (r *Reader) Chunkable() bool {
	return r.codec != "" && r.utf16 == "" && r.format.splittable && r.arr == nil && r.offset == 0 &&
		r.stats.Lines == 0 && r.chunk.opt != nil && !r.chunk.ended.Load()
}

// chunking is the state of a Reader handing out chunks.
type chunking struct {
	opt   *Options    // the Options r was made with (nil: r cannot be chunked)
	off   int64       // decompressed bytes handed out so far
	carry []byte      // the start of a line read past the last chunk's end
	lazy  bool        // a chunk Reader: its examples keep their lines (Skip.FillExcerpt)
	free  chan []byte // the buffers of closed chunk Readers, for the next chunks
	ended atomic.Bool // the last chunk was handed out: closed chunk Readers' buffers are let go
}

// NextChunk returns a Reader of the next whole lines of r's decompressed input, about size bytes of
// them (more when a line is longer), or, at the end of the input or when r is not Chunkable, nil and
// io.EOF. r is not to be read otherwise; the chunk Readers do not depend on r (they hold their lines)
// except the last one, which may read the rest of r's stream: close r after it. [Reader.Offset] of a
// chunk Reader is where its lines start in the decompressed input. The chunk Readers do not count
// Options.Progress: r counts its compressed bytes as it reads them.
func (r *Reader) NextChunk(size int) (*Reader, error) {
	if !r.Chunkable() {
		return nil, io.EOF
	}
	if r.chunk.free == nil {
		r.chunk.free = make(chan []byte, 4)
	}
	carry := len(r.chunk.carry)
	var buf []byte
	select {
	case buf = <-r.chunk.free: // a closed chunk Reader's
	default:
	}
	if cap(buf) < carry+size {
		buf = make([]byte, carry+size)
	}
	buf = buf[:carry+size]
	copy(buf, r.chunk.carry)
	n, err := io.ReadFull(r.br, buf[carry:])
	buf = buf[:carry+n]
	if err == nil {
		// The carried start of a line holds no newline: the cut is after the last one read now.
		if cut := bytes.LastIndexByte(buf[carry:], '\n'); cut >= 0 {
			cut += carry + 1
			r.chunk.carry = append(r.chunk.carry[:0], buf[cut:]...)
			c, err := r.chunkReader(bytes.NewReader(buf[:cut]), cut)
			if err == nil {
				// Its lines are copied out as it reads them: the buffer is free once it is closed.
				free, ended := r.chunk.free, &r.chunk.ended
				c.closeFns = append(c.closeFns, func() error {
					if !ended.Load() {
						select {
						case free <- buf:
						default:
						}
					}
					return nil
				})
			}
			return c, err
		}
	}
	// The end of the input, an error, or a whole chunk without a newline: one last Reader reads what
	// is left as r would (its too-long line, the cut last line before an error, the error itself).
	// The free buffers go (r may stay open long after, while the run goes on with other files).
	r.chunk.ended.Store(true)
	for len(r.chunk.free) > 0 {
		<-r.chunk.free
	}
	if err == io.EOF && len(buf) == 0 {
		return nil, io.EOF
	}
	return r.chunkReader(io.MultiReader(bytes.NewReader(buf), r.br), -1)
}

// chunkReader returns a Reader of src in r's format, starting at r.chunk.off, and moves that on by n
// (the chunk's length; the last Reader's, unknown, is not needed).
func (r *Reader) chunkReader(src io.Reader, n int) (*Reader, error) {
	opt := *r.chunk.opt
	opt.Format, opt.Progress, opt.part = r.format.name, nil, &partOf{wrap: r.wrap, detected: r.det != nil}
	c, err := makeReader(src, r.name, opt, true)
	if err != nil {
		return nil, err
	}
	c.offset, c.codec = r.chunk.off, r.codec // the codec names a decompression error of the stream
	c.chunk.lazy = true
	r.chunk.off += int64(n)
	return c, nil
}

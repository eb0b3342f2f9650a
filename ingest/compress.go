package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

var (
	gzipMagic    = []byte{0x1f, 0x8b}
	zstdMagic    = []byte{0x28, 0xb5, 0x2f, 0xfd}
	parquetMagic = []byte("PAR1")
)

// ErrParquet is wrapped by the error Open, OpenParts and NewReader return for an Apache Parquet
// file: a columnar format this package does not read line by line. ratecard analyze reads Parquet
// through DuckDB (package report/analyze).
var ErrParquet = errors.New("an Apache Parquet file, read through DuckDB rather than line by line")

// Compression names the compression of the file at path from its first bytes: "gzip", "zstd", or
// "" for none (or a file too short to tell). It is for readers of files this package does not parse
// itself, such as the counts files DuckDB reads.
func Compression(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	magic := make([]byte, 4)
	n, err := io.ReadFull(f, magic)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", err
	}
	switch {
	case bytes.HasPrefix(magic[:n], gzipMagic):
		return "gzip", nil
	case bytes.HasPrefix(magic[:n], zstdMagic):
		return "zstd", nil
	}
	return "", nil
}

// unsupportedCompression names the compression of input that starts with the magic bytes of a
// format ingest cannot read, or returns "" for anything else. It is only there to give a clear error.
func unsupportedCompression(b []byte) string {
	switch {
	case len(b) >= 10 && bytes.HasPrefix(b, []byte("BZh")) && b[3] >= '1' && b[3] <= '9' &&
		(bytes.Equal(b[4:10], []byte("1AY&SY")) || bytes.Equal(b[4:10], []byte("\x17rE8P\x90"))):
		return "bzip2"
	case bytes.HasPrefix(b, []byte("\xfd7zXZ\x00")):
		return "xz"
	case bytes.HasPrefix(b, []byte{0x04, 0x22, 0x4d, 0x18}):
		return "lz4"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "zip"
	}
	return ""
}

// openCodec recognises the compression of raw from its first bytes and sets r.br to the
// decompressed lines.
func (r *Reader) openCodec(raw *bufio.Reader, bufSize int) error {
	magic, err := raw.Peek(10)
	if err != nil && err != io.EOF {
		return r.readError(err, 1)
	}
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		r.codec = "gzip"
		gz, err := gzip.NewReader(raw) // multi-member by default
		if err != nil {
			return r.readError(err, 1)
		}
		ra := newReadahead(gz)
		r.closeFns = append(r.closeFns, gz.Close, ra.Close) // run in reverse: the goroutine stops before gz closes
		r.br = bufio.NewReaderSize(&stickyReader{r: ra}, bufSize)
	case bytes.HasPrefix(magic, zstdMagic):
		r.codec = "zstd"
		// One decoder without goroutines of its own; the readahead runs it beside the parser.
		// Concatenated frames are read in turn.
		zd, err := zstd.NewReader(raw, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return r.readError(err, 1)
		}
		ra := newReadahead(zd)
		r.closeFns = append(r.closeFns, func() error { zd.Close(); return nil }, ra.Close)
		r.br = bufio.NewReaderSize(&stickyReader{r: ra}, bufSize)
	case bytes.HasPrefix(magic, parquetMagic):
		return fmt.Errorf("%s: %w", r.name, ErrParquet)
	default:
		if c := unsupportedCompression(magic); c != "" {
			return fmt.Errorf("%s: %w: %s-compressed input is not supported (decompress it, or compress it with gzip or zstd)",
				r.name, ErrUnknownFormat, c)
		}
		r.br = raw
	}
	return nil
}

// readError wraps a read or decompression error with the file name and the line it struck.
func (r *Reader) readError(err error, line int) error {
	var pe *fs.PathError
	switch {
	case r.codec == "" || errors.As(err, &pe):
		err = fmt.Errorf("read: %w", err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = fmt.Errorf("truncated %s stream: %w", r.codec, err)
	default:
		err = fmt.Errorf("corrupt %s stream: %w", r.codec, err)
	}
	return &LineError{File: r.name, Line: line, Err: err}
}

// LineError is a read or decompression error that struck a file at a line (the line being read, or
// the one after the last read whole): "access.log.gz: line 812: truncated gzip stream: unexpected
// EOF". A Reader of a part of a file (OpenParts) or of a chunk (Reader.NextChunk) numbers the line
// from its own start, as it does its records: add the lines of the parts before it.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s: line %d: %v", e.File, e.Line, e.Err) }

// Unwrap returns the error that struck.
func (e *LineError) Unwrap() error { return e.Err }

// stickyReader returns the first error of r, and only that, from then on. bufio.Reader hands an error
// out once and then reads again; a Reader must not read past a failure (a flaky source could resume
// mid-line and turn the rest of a cut line into a record).
type stickyReader struct {
	r   io.Reader
	err error
}

func (s *stickyReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	s.err = err
	return n, err
}

// Readahead: decompression runs on its own goroutine, a few blocks ahead of the parser, so that on two
// cores decompressing and parsing overlap instead of taking turns (a month of gzip logs is
// decompression-bound otherwise). Memory is bounded by readaheadBlocks blocks of readaheadBlock bytes.
const (
	readaheadBlock  = 256 << 10
	readaheadBlocks = 4
)

// readahead reads src on a goroutine into a small ring of blocks. Read hands the blocks out in order,
// then src's error (io.EOF at the end). Close stops the goroutine and waits for it, so the source may
// be closed after it.
type readahead struct {
	src    io.Reader
	full   chan []byte // blocks read, in order; closed after the last, with err set
	free   chan []byte // blocks handed back by Read
	done   chan struct{}
	exited chan struct{}
	err    error  // src's error; written before full is closed, read after
	cur    []byte // the unread rest of the block being handed out
	block  []byte // that block, to give back
	closed bool
}

func newReadahead(src io.Reader) *readahead {
	ra := &readahead{src: src, full: make(chan []byte, readaheadBlocks), free: make(chan []byte, readaheadBlocks+1),
		done: make(chan struct{}), exited: make(chan struct{})}
	for range readaheadBlocks + 1 {
		ra.free <- make([]byte, readaheadBlock)
	}
	go ra.run()
	return ra
}

func (ra *readahead) run() {
	defer close(ra.exited)
	defer close(ra.full)
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		case <-ra.done:
			ra.err = errors.New("readahead closed")
			return
		}
		n, err := 0, error(nil)
		for n < len(buf) && err == nil {
			var k int
			k, err = ra.src.Read(buf[n:])
			n += k
		}
		if n > 0 {
			select {
			case ra.full <- buf[:n]:
			case <-ra.done:
				ra.err = errors.New("readahead closed")
				return
			}
		}
		if err != nil {
			ra.err = err
			return
		}
	}
}

// Read copies from the current block, waiting for the next one when it is used up.
func (ra *readahead) Read(p []byte) (int, error) {
	if len(ra.cur) == 0 {
		if ra.block != nil {
			ra.free <- ra.block[:cap(ra.block)]
			ra.block = nil
		}
		b, ok := <-ra.full
		if !ok {
			return 0, ra.err
		}
		ra.cur, ra.block = b, b
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// Close stops the goroutine and waits until it no longer touches the source.
func (ra *readahead) Close() error {
	if !ra.closed {
		ra.closed = true
		close(ra.done)
		<-ra.exited
	}
	return nil
}

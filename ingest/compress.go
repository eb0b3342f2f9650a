package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

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
		r.closeFns = append(r.closeFns, gz.Close)
		r.br = bufio.NewReaderSize(&stickyReader{r: gz}, bufSize)
	case bytes.HasPrefix(magic, zstdMagic):
		r.codec = "zstd"
		// One decoder, no goroutines: decoding runs inside Read. Concatenated frames are read in turn.
		zd, err := zstd.NewReader(raw, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return r.readError(err, 1)
		}
		r.closeFns = append(r.closeFns, func() error { zd.Close(); return nil })
		r.br = bufio.NewReaderSize(&stickyReader{r: zd}, bufSize)
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
	return fmt.Errorf("%s: line %d: %w", r.name, line, err)
}

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

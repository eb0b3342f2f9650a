package ingest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync/atomic"
)

// splitMinBytes is the smallest plain file OpenParts cuts into parts: below it, a Reader of its own
// for each part is not worth its buffer and start-up. Tests lower it.
var splitMinBytes int64 = 32 << 20

// osOpen opens the file of Open and OpenParts. Tests wrap it to count the opens.
var osOpen = os.Open

// OpenParts opens the log at path ("-" reads standard input) as up to n Readers that can be read in
// parallel, one goroutine each, and that together read the whole input once. It opens the file
// once, and recognises its compression and format as [Open] does, with the same errors.
//
// When n ≥ 2 and the file is a regular, uncompressed file of at least 32 MiB in a format whose lines
// are independent of each other (combined, common, envoy-text, alb, nginx, and the JSON-lines
// formats okta-ndjson, cloudflare, caddy, envoy and json), it is cut into about n byte ranges,
// each starting just after a newline (the first newline at or after size·k/n, for k = 1 … n-1; when
// no line starts after such a point, the rest is one range), and each range is read by a Reader of
// its own with the format of the file (and its line wrapper; when the format was detected, each part
// detects the lines that fail under it as the whole file would). Anything else (standard input, a
// compressed file, a UTF-16 file, another format, a smaller file, n < 2) is one Reader for the whole
// input; a compressed file's lines can then still be parsed in parallel, as chunks cut while it is
// decompressed ([Reader.NextChunk]).
//
// The Readers are in file order; [Reader.Offset] is where each starts in the file. Each counts its
// lines (Record.Line, Stats, Skip.Line) from its own start: the lines of the Readers before it
// (their Stats.Lines) number them in the whole file. With Options.Progress, every byte of the input
// is counted once, by the Reader that reads it.
//
// The Readers share the open file, which the last of them to be closed closes: close every one.
func OpenParts(path string, opt Options, n int) ([]*Reader, error) {
	if path == "-" {
		r, err := NewReader(os.Stdin, "-", opt)
		if err != nil {
			return nil, err
		}
		return []*Reader{r}, nil
	}
	f, err := osOpen(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if fi.IsDir() {
		f.Close()
		// ExpandPaths leaves only directories without a log file for a reader to meet.
		return nil, fmt.Errorf("%s: is a directory with no log file in it (names starting with \".\" are skipped)", path)
	}
	sf := &sharedFile{f: f}
	sf.refs.Store(1) // OpenParts' own reference, dropped on return: the file stays open while a Reader holds one
	defer sf.release()

	// The Reader that sniffs is the Reader of the whole file unless the file is cut. When it may be,
	// the Reader holds its progress count back until it is kept, so that a dropped one counts nothing.
	mayCut := n >= 2 && fi.Mode().IsRegular() && fi.Size() >= splitMinBytes
	var src io.Reader = f
	var count *countingReader
	sopt := opt
	if mayCut && opt.Progress != nil {
		count = &countingReader{r: f}
		src, sopt.Progress = count, nil
	}
	r, err := makeReader(src, path, sopt, false)
	if err != nil {
		return nil, err
	}
	r.share(sf)
	if mayCut && r.codec == "" && r.utf16 == "" && r.format.splittable {
		bounds, err := splitPoints(f, fi.Size(), n)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("%s: finding line boundaries to cut the file at: %w", path, err)
		}
		if len(bounds) > 2 {
			popt := opt
			popt.Format, popt.part = r.format.name, &partOf{wrap: r.wrap, detected: r.det != nil}
			r.Close()
			return openRanges(sf, path, popt, bounds)
		}
	}
	if count != nil {
		count.start(opt.Progress)
	}
	return []*Reader{r}, nil
}

// openRanges returns a Reader for each byte range [bounds[k], bounds[k+1]) of sf's file, in the
// format opt.Format.
func openRanges(sf *sharedFile, path string, opt Options, bounds []int64) ([]*Reader, error) {
	rs := make([]*Reader, 0, len(bounds)-1)
	for k := 0; k+1 < len(bounds); k++ {
		r, err := makeReader(io.NewSectionReader(sf.f, bounds[k], bounds[k+1]-bounds[k]), path, opt, k > 0)
		if err != nil {
			for _, r := range rs {
				r.Close()
			}
			return nil, fmt.Errorf("%w (the part from byte %d)", err, bounds[k])
		}
		r.offset = bounds[k]
		r.share(sf)
		rs = append(rs, r)
	}
	return rs, nil
}

// splitPoints returns the boundaries of about n line-aligned parts of a file of size bytes read
// through f: 0, then for k = 1 … n-1 the offset just after the first newline at or after size·k/n
// (and after the boundary before), then size. It stops early, leaving the rest as one part, when no
// line starts after such a point.
func splitPoints(f io.ReaderAt, size int64, n int) ([]int64, error) {
	bounds := []int64{0}
	buf := make([]byte, 64<<10)
	for k := 1; k < n; k++ {
		at := max(size*int64(k)/int64(n), bounds[len(bounds)-1]+1)
		next := int64(-1)
		for off := at - 1; off < size && next < 0; off += int64(len(buf)) {
			m, err := f.ReadAt(buf, off)
			if nl := bytes.IndexByte(buf[:m], '\n'); nl >= 0 {
				next = off + int64(nl) + 1
			} else if err != nil && err != io.EOF {
				return nil, err
			}
		}
		if next < 0 || next >= size {
			break
		}
		bounds = append(bounds, next)
	}
	return append(bounds, size), nil
}

// sharedFile is a file read by several Readers (through io.SectionReader, whose ReadAt is safe for
// concurrent use). Each holds a reference; dropping the last closes the file.
type sharedFile struct {
	f    *os.File
	refs atomic.Int32
}

// release drops a reference, closing the file when it was the last.
func (s *sharedFile) release() error {
	if s.refs.Add(-1) == 0 {
		return s.f.Close()
	}
	return nil
}

// share makes r hold a reference to sf, which Close drops.
func (r *Reader) share(sf *sharedFile) {
	sf.refs.Add(1)
	r.closeFns = append(r.closeFns, sf.release)
}

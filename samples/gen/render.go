package main

// Rendering records as nginx log lines and writing each proxy's gzipped file.

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/klauspost/compress/gzip"
)

// clfLayout is nginx's time format, e.g. 12/Oct/2026:02:03:52 +0200.
const clfLayout = "02/Jan/2006:15:04:05 -0700"

// render appends record r as proxy p logs it, newline included, to buf.
func (g *gen) render(buf []byte, p *proxy, r *rec) []byte {
	if r.kind == kBlank {
		return append(buf, '\n')
	}
	start := len(buf)
	ts := time.Unix(r.t, 0).In(p.zone).Format(clfLayout)
	if r.kind == kBadTime {
		ts = "31/Sep/" + ts[7:]
	}
	buf = append(buf, r.ip...)
	buf = append(buf, " - - ["...)
	buf = append(buf, ts...)
	buf = append(buf, "] \""...)
	reqStart := len(buf)
	switch r.kind {
	case kTLS:
		buf = append(buf, `\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03`...)
	case kDash408:
		buf = append(buf, '-')
	default:
		buf = append(buf, r.method...)
		buf = append(buf, ' ')
		buf = append(buf, r.target...)
		buf = append(buf, " HTTP/1.1"...)
	}
	reqEnd := len(buf)
	buf = append(buf, "\" "...)
	buf = strconv.AppendInt(buf, int64(r.status), 10)
	buf = append(buf, ' ')
	buf = strconv.AppendInt(buf, int64(r.bytes), 10)
	buf = append(buf, " \""...)
	buf = append(buf, r.ref...)
	buf = append(buf, "\" \""...)
	buf = append(buf, r.ua...)
	buf = append(buf, '"')
	if p.trailer {
		buf = append(buf, " \""...)
		buf = append(buf, r.xff...)
		buf = append(buf, "\" "...)
		buf = strconv.AppendInt(buf, int64(r.ms/1000), 10)
		buf = append(buf, '.')
		buf = append(buf, byte('0'+r.ms/100%10), byte('0'+r.ms/10%10), byte('0'+r.ms%10))
	}
	if r.kind == kTruncated {
		// Cut the line in half, or in the middle of the request line if half falls outside it, so
		// the quote around the request is never closed.
		cut := start + (len(buf)-start)/2
		if cut <= reqStart || cut >= reqEnd {
			cut = reqStart + (reqEnd-reqStart)/2
		}
		buf = buf[:cut]
	}
	return append(buf, '\n')
}

// writeFile writes proxy p's lines, gzipped, and returns the compressed size.
func (g *gen) writeFile(p *proxy, path string) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	cw := &countWriter{w: f}
	bw := bufio.NewWriterSize(cw, 1<<16)
	zw, err := gzip.NewWriterLevel(bw, gzip.BestCompression)
	if err != nil {
		f.Close()
		return 0, err
	}
	// No file name and a modification time of 0 ("none"), so the bytes are reproducible. The field
	// must be set: klauspost's writer stores a zero time.Time as a bogus date.
	zw.ModTime = time.Unix(0, 0)
	var buf []byte
	for i := range g.recs {
		r := &g.recs[i]
		if r.proxy != p.idx {
			continue
		}
		buf = g.render(buf, p, r)
		if len(buf) >= 1<<16 {
			if _, err := zw.Write(buf); err != nil {
				f.Close()
				return 0, err
			}
			buf = buf[:0]
		}
	}
	if _, err := zw.Write(buf); err != nil {
		f.Close()
		return 0, err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	return cw.n, nil
}

// countWriter counts the bytes written through it to w.
type countWriter struct {
	w io.Writer
	n int64
}

// Write writes p to the underlying writer and counts what it wrote.
func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

package ingest

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"
)

// UTF-16 input: Windows PowerShell's Out-File (and ">" redirection) writes UTF-16LE with a byte order
// mark by default, and some tools write UTF-16BE. A decompressed input that starts with a UTF-16 byte
// order mark (FF FE or FE FF) is transcoded to UTF-8 before it is cut into lines, so every format
// reads it, and its lines are the file's lines (U+000A ends a line). A lone surrogate, or an odd last
// byte, becomes U+FFFD. Such a file is never cut into parts (OpenParts): a part would start in the
// middle of a UTF-16 stream.

// utf16BOMs are the byte order marks of UTF-16, little-endian first.
var utf16LE, utf16BE = []byte{0xFF, 0xFE}, []byte{0xFE, 0xFF}

// openUTF16 transcodes r's input to UTF-8 when it starts with a UTF-16 byte order mark (dropped),
// and records which in r.utf16.
func (r *Reader) openUTF16(bufSize int) {
	b, _ := r.br.Peek(2)
	switch {
	case bytes.Equal(b, utf16LE):
		r.utf16 = "UTF-16LE"
	case bytes.Equal(b, utf16BE):
		r.utf16 = "UTF-16BE"
	default:
		return
	}
	r.br.Discard(2)
	r.br = bufio.NewReaderSize(&stickyReader{r: &utf16Reader{r: r.br, le: r.utf16 == "UTF-16LE"}}, bufSize)
}

// utf16Reader reads UTF-16 (without its byte order mark) from r as UTF-8.
type utf16Reader struct {
	r   io.Reader
	le  bool
	in  []byte // input not decoded yet: a pending odd byte or high surrogate
	out []byte // UTF-8 not read yet
	err error
}

// utf16Chunk is how much UTF-16 input a fill reads at most.
const utf16Chunk = 32 << 10

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// fill reads a chunk of input and decodes what it can of it into u.out.
func (u *utf16Reader) fill() {
	if cap(u.in) < utf16Chunk+4 {
		u.in = append(make([]byte, 0, utf16Chunk+4), u.in...)
	}
	n, err := u.r.Read(u.in[len(u.in) : len(u.in)+utf16Chunk])
	u.in = u.in[:len(u.in)+n]
	if err != nil {
		u.err = err
	}
	out := u.out[:0]
	if cap(out) < 3*len(u.in)/2+4 {
		out = make([]byte, 0, 3*utf16Chunk/2+8)
	}
	in := u.in
	for len(in) >= 2 {
		c := u.unit(in)
		switch {
		case c < 0x80:
			out = append(out, byte(c))
			in = in[2:]
			continue
		case c < 0xD800 || c >= 0xE000:
			out = utf8.AppendRune(out, rune(c))
			in = in[2:]
			continue
		case c >= 0xDC00: // a lone low surrogate
			out = utf8.AppendRune(out, utf8.RuneError)
			in = in[2:]
			continue
		}
		if len(in) < 4 && u.err == nil {
			break // the low surrogate is still to come
		}
		if len(in) >= 4 {
			if lo := u.unit(in[2:]); lo >= 0xDC00 && lo < 0xE000 {
				out = utf8.AppendRune(out, 0x10000+(rune(c)-0xD800)<<10+(rune(lo)-0xDC00))
				in = in[4:]
				continue
			}
		}
		out = utf8.AppendRune(out, utf8.RuneError) // a lone high surrogate
		in = in[2:]
	}
	if u.err != nil && len(in) > 0 { // an odd last byte, or a high surrogate at the end
		out = utf8.AppendRune(out, utf8.RuneError)
		in = in[:0]
	}
	u.in = append(u.in[:0], in...)
	u.out = out
}

// unit is the UTF-16 code unit at the start of b.
func (u *utf16Reader) unit(b []byte) uint16 {
	if u.le {
		return uint16(b[0]) | uint16(b[1])<<8
	}
	return uint16(b[0])<<8 | uint16(b[1])
}

package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The okta-array format: what GET /api/v1/logs returns, a JSON array of LogEvents, or several pages
// of it concatenated ("[…]\n[…]"). The input is decoded element by element with a json.Decoder, never
// whole; each element is parsed like a line of okta-ndjson. A "line" of this format is an event:
// [Stats.Lines] counts events, and [Record.Line], [Event.Line] and [Skip.Line] are the 1-based index
// of the event in the file, counted across pages.

// minMaxEventBytes is the smallest limit on the size of one array element: an event longer than
// max(Options.MaxLineBytes, 1 MiB) stops the Reader with an error (the decoder cannot skip it).
const minMaxEventBytes = 1 << 20

// sniffOktaArray reports whether the window starts a JSON array of objects (or an empty array)
// that mentions an eventType.
func sniffOktaArray(window []byte) bool {
	w := bytes.TrimLeft(window, " \t\r\n")
	if len(w) == 0 || w[0] != '[' {
		return false
	}
	w = bytes.TrimLeft(w[1:], " \t\r\n")
	switch {
	case len(w) > 0 && w[0] == ']':
		return true
	case len(w) > 0 && w[0] == '{':
		return containsFold(w, []byte(`"eventtype"`))
	}
	return false
}

type arrayStream struct {
	dec      *json.Decoder
	lim      *budgetReader
	inPage   bool
	raw      json.RawMessage
	maxEvent int64
}

func newArrayStream(r *Reader) *arrayStream {
	lim := &budgetReader{r: r.br}
	return &arrayStream{
		dec:      json.NewDecoder(lim),
		lim:      lim,
		maxEvent: int64(max(r.maxLine, minMaxEventBytes)),
	}
}

// budgetReader lets the decoder read only so far ahead: at most limit bytes in all.
type budgetReader struct {
	r        io.Reader
	n, limit int64
	err      error // the first error of r (not io.EOF)
	over     bool  // the limit stopped a read
}

var errEventTooLong = errors.New("event too long")

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.n >= b.limit {
		b.over = true
		return 0, errEventTooLong
	}
	if rest := b.limit - b.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// nextArray is Next for the okta-array format.
func (r *Reader) nextArray() bool {
	a := r.arr
	for !r.done {
		// The decoder buffers what it has read but not used; allow the next element maxEvent bytes.
		a.lim.limit = a.dec.InputOffset() + a.maxEvent + 4096
		if !a.inPage {
			tok, err := a.dec.Token()
			if err == io.EOF {
				r.done = true
				return false
			}
			if err != nil {
				r.failArray(err, false)
				return false
			}
			if d, ok := tok.(json.Delim); !ok || d != '[' {
				r.done = true
				r.err = fmt.Errorf("%s: event %d: malformed JSON array: expected '[', found %v", r.name, r.stats.Lines+1, tok)
				return false
			}
			a.inPage = true
			continue
		}
		if !a.dec.More() {
			if _, err := a.dec.Token(); err != nil { // the closing ']'
				r.failArray(err, false)
				return false
			}
			a.inPage = false
			continue
		}
		if err := a.dec.Decode(&a.raw); err != nil {
			r.failArray(err, true)
			return false
		}
		r.stats.Lines++
		if r.parseTrimmed(a.raw, a.raw) {
			return true
		}
	}
	return false
}

// failArray stops the Reader on a decoding error. inEvent: the error struck inside an element, which
// is then counted as a skipped line (truncated, too long or malformed) so that no event goes
// uncounted.
func (r *Reader) failArray(err error, inEvent bool) {
	r.done = true
	a := r.arr
	reason := ReasonMalformed
	switch {
	case a.lim.err != nil:
		reason = ReasonTruncated
		r.err = r.readError(a.lim.err, int(r.stats.Lines)+1)
	case a.lim.over:
		reason = ReasonTooLong
		r.err = fmt.Errorf("%s: event %d: longer than %d bytes", r.name, r.stats.Lines+1, a.maxEvent)
	case errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF:
		reason = ReasonTruncated
		r.err = fmt.Errorf("%s: event %d: truncated JSON array: %w", r.name, r.stats.Lines+1, io.ErrUnexpectedEOF)
	default:
		r.err = fmt.Errorf("%s: event %d: malformed JSON array: %w", r.name, r.stats.Lines+1, err)
	}
	if inEvent {
		r.stats.Lines++
		r.skip(reason, nil)
	}
}

package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The okta-array format: what GET /api/v1/logs returns, a JSON array of LogEvents, or several pages
// of it concatenated ("[…]\n[…]"); and JSON objects at the top level, between or instead of the
// arrays: a single event (pretty-printed, as an admin saves one from the Admin Console or an
// EventBridge rule), or an error body saved between pages ({"errorCode":"E0000047",…} when a page
// was answered with HTTP 429), which is skipped (ReasonErrorBody) and reading goes on with the next
// page. The input is decoded value by value as a json.Decoder does (arrayStream), never whole; each
// element of an array, and each object at the top level, is parsed like a line of okta-ndjson. A
// "line" of this format is such a value, an event: [Stats.Lines] counts them, and [Record.Line],
// [RateLimitEvent.Line] and [Skip.Line] are the 1-based index of the event in the file, counted
// across pages.

// minMaxEventBytes is the smallest limit on the size of one array element: an event longer than
// max(Options.MaxLineBytes, 1 MiB) stops the Reader with an error (the decoder cannot skip it).
const minMaxEventBytes = 1 << 20

// sniffOktaArray reports whether the window starts a JSON array of objects (or an empty array)
// that mentions an eventType, or a JSON object spread over several lines (pretty-printed: one
// object a line is okta-ndjson) that mentions one.
func sniffOktaArray(window []byte) bool {
	w := bytes.TrimLeft(window, " \t\r\n")
	if len(w) > 0 && w[0] == '{' {
		first, _, _ := bytes.Cut(w, []byte{'\n'})
		return !json.Valid(first) && containsFold(w, []byte(`"eventtype"`))
	}
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

// arrayStream reads the elements of the arrays. It does what the json.Decoder it replaces did (see
// TestOktaArrayMatchesDecoder), for the calls nextArray makes (Token, More, Decode into a
// json.RawMessage), with the Decoder's own buffering (the same reads from the budgetReader, of the
// same sizes, so that read errors, the budget and the end of the input strike at the same event);
// but it scans each element once, onto the System Log parser's tape, which then parses the event
// without scanning it again, and it does not copy the element out of its buffer.
type arrayStream struct {
	lim      *budgetReader
	inPage   bool
	maxEvent int64
	p        *sysLogParser // the parser of the events, whose tape readValue scans each one onto

	// json.Decoder's state.
	buf        []byte
	scanp      int   // start of unread data in buf
	scanned    int64 // amount of data already scanned
	scanBytes  int64 // the bytes its scanner has been given, for the Offset of a SyntaxError
	tokenState int
	tokenStack []int
	err        error
}

// newArrayStream returns the stream of r, whose events it parses with a parser of its own (set as
// r.parseFn).
func newArrayStream(r *Reader) *arrayStream {
	p := &sysLogParser{sink: &r.sink}
	r.parseFn = p.parseJSON
	return &arrayStream{
		lim:      &budgetReader{r: r.br},
		maxEvent: int64(max(r.maxLine, minMaxEventBytes)),
		p:        p,
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
		a.lim.limit = a.inputOffset() + a.maxEvent + 4096
		if c, err := a.peek(); !a.inPage && (err != nil || c != '{') { // not an object at the top level: a page
			tok, err := a.token()
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
		if a.inPage && !a.more() {
			if _, err := a.token(); err != nil { // the closing ']'
				r.failArray(err, false)
				return false
			}
			a.inPage = false
			continue
		}
		raw, err := a.decodeEvent()
		if err != nil {
			r.failArray(err, true)
			return false
		}
		r.stats.Lines++
		if r.parseTrimmed(raw, raw) {
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

// The rest is json.Decoder (Go 1.26), cut down to what nextArray calls, with the element scanned
// by jsonTape.scan instead of the Decoder's scanner. Errors are encoding/json's own: the
// SyntaxError of a scan is had from json.Unmarshal on the bytes the Decoder's scanner had been
// given, and the Decoder's other errors from a json.Decoder on a short input that ends in the
// same state (syntaxErrorFrom).

// Token states of json.Decoder.
const (
	tokenTopValue = iota
	tokenArrayStart
	tokenArrayValue
	tokenArrayComma
	tokenObjectStart
	tokenObjectKey
	tokenObjectColon
	tokenObjectValue
	tokenObjectComma
)

// inputOffset is Decoder.InputOffset.
func (a *arrayStream) inputOffset() int64 { return a.scanned + int64(a.scanp) }

// refill is Decoder.refill.
func (a *arrayStream) refill() error {
	if a.scanp > 0 {
		a.scanned += int64(a.scanp)
		n := copy(a.buf, a.buf[a.scanp:])
		a.buf = a.buf[:n]
		a.scanp = 0
	}
	const minRead = 512
	if cap(a.buf)-len(a.buf) < minRead {
		newBuf := make([]byte, len(a.buf), 2*cap(a.buf)+minRead)
		copy(newBuf, a.buf)
		a.buf = newBuf
	}
	n, err := a.lim.Read(a.buf[len(a.buf):cap(a.buf)])
	a.buf = a.buf[0 : len(a.buf)+n]
	return err
}

// peek is Decoder.peek.
func (a *arrayStream) peek() (byte, error) {
	var err error
	for {
		for i := a.scanp; i < len(a.buf); i++ {
			c := a.buf[i]
			if jsonSpace[c] {
				continue
			}
			a.scanp = i
			return c, nil
		}
		if err != nil {
			return 0, err
		}
		err = a.refill()
	}
}

// more is Decoder.More.
func (a *arrayStream) more() bool {
	c, err := a.peek()
	return err == nil && c != ']' && c != '}'
}

// readValue is Decoder.readValue: it reads a whole value (after JSON spaces) into a.buf from
// a.scanp, scanning it onto the parser's tape, and returns its length.
func (a *arrayStream) readValue() (int, error) {
	t := &a.p.tape
	t.reset()
	var err error
	for {
		st := t.scan(a.buf[a.scanp:], false)
		switch st {
		case jsonDone:
			a.scanBytes += int64(t.end)
			return t.end, nil
		case jsonSyntaxErr:
			a.err = a.scanError(t.errPos)
			return 0, a.err
		}
		// The Decoder's scanner ran out of buffer (a value that ends with the buffer needs the next
		// byte, or the end of the input, to be complete).
		if err != nil {
			if err == io.EOF {
				if st == jsonScalarEnd {
					n := len(a.buf) - a.scanp
					a.scanBytes += int64(n)
					return n, nil
				}
				if nonSpace(a.buf) {
					err = io.ErrUnexpectedEOF
				}
			}
			a.err = err
			return 0, err
		}
		err = a.refill()
	}
}

func nonSpace(b []byte) bool {
	for _, c := range b {
		if !jsonSpace[c] {
			return true
		}
	}
	return false
}

// scanError returns the SyntaxError of json.Decoder's scanner for the value at a.scanp, bad at
// byte errPos of it.
func (a *arrayStream) scanError(errPos int) error {
	data := a.buf[a.scanp : a.scanp+errPos+1]
	err := json.Unmarshal(data, new(json.RawMessage))
	var se *json.SyntaxError
	if errors.As(err, &se) {
		se.Offset = a.scanBytes + int64(len(data))
		return se
	}
	// Not reached: encoding/json rejects data at its last byte, as the tape did.
	return fmt.Errorf("json: invalid input at byte %d (%v)", a.scanBytes+int64(len(data)), err)
}

// decodeEvent is Decoder.Decode into a json.RawMessage: the next element of the array, whose tape
// is the parser's. The bytes returned alias a.buf until the next call.
func (a *arrayStream) decodeEvent() ([]byte, error) {
	start, n, err := a.decodeValue()
	if err != nil {
		return nil, err
	}
	raw := a.buf[start : a.scanp+n]
	a.scanp += n
	a.tokenValueEnd()
	if len(raw) > 0 && raw[0] == '{' {
		a.p.prebuilt = raw
	}
	return raw, nil
}

// decodeValue is Decode up to reading the value: it returns where the value starts in a.buf (after
// the spaces before it) and the length of the value from a.scanp.
func (a *arrayStream) decodeValue() (start, n int, err error) {
	if a.err != nil {
		return 0, 0, a.err
	}
	if err := a.tokenPrepareForDecode(); err != nil {
		return 0, 0, err
	}
	if !a.tokenValueAllowed() {
		return 0, 0, a.syntaxErrorFrom("{", "TD", "not at beginning of value")
	}
	if n, err = a.readValue(); err != nil {
		return 0, 0, err
	}
	return skipJSONSpace(a.buf[:a.scanp+n], a.scanp), n, nil
}

// decodeAny is Decode into an interface value (for Token).
func (a *arrayStream) decodeAny() (any, error) {
	_, n, err := a.decodeValue()
	if err != nil {
		return nil, err
	}
	var x any
	err = json.Unmarshal(a.buf[a.scanp:a.scanp+n], &x) // as the Decoder's decodeState does, on a valid value
	a.scanp += n
	a.tokenValueEnd()
	return x, err
}

// tokenPrepareForDecode is Decoder.tokenPrepareForDecode.
func (a *arrayStream) tokenPrepareForDecode() error {
	switch a.tokenState {
	case tokenArrayComma:
		c, err := a.peek()
		if err != nil {
			return err
		}
		if c != ',' {
			return a.syntaxErrorFrom("[0 0", "TDD", "expected comma after array element")
		}
		a.scanp++
		a.tokenState = tokenArrayValue
	case tokenObjectColon:
		c, err := a.peek()
		if err != nil {
			return err
		}
		if c != ':' {
			return a.syntaxErrorFrom(`{"a" 0`, "TTD", "expected colon after object key")
		}
		a.scanp++
		a.tokenState = tokenObjectValue
	}
	return nil
}

// tokenValueAllowed is Decoder.tokenValueAllowed.
func (a *arrayStream) tokenValueAllowed() bool {
	switch a.tokenState {
	case tokenTopValue, tokenArrayStart, tokenArrayValue, tokenObjectValue:
		return true
	}
	return false
}

// tokenValueEnd is Decoder.tokenValueEnd.
func (a *arrayStream) tokenValueEnd() {
	switch a.tokenState {
	case tokenArrayStart, tokenArrayValue:
		a.tokenState = tokenArrayComma
	case tokenObjectValue:
		a.tokenState = tokenObjectComma
	}
}

// token is Decoder.Token.
func (a *arrayStream) token() (json.Token, error) {
	for {
		c, err := a.peek()
		if err != nil {
			return nil, err
		}
		switch c {
		case '[':
			if !a.tokenValueAllowed() {
				return a.tokenError(c)
			}
			a.scanp++
			a.tokenStack = append(a.tokenStack, a.tokenState)
			a.tokenState = tokenArrayStart
			return json.Delim('['), nil
		case ']':
			if a.tokenState != tokenArrayStart && a.tokenState != tokenArrayComma {
				return a.tokenError(c)
			}
			a.scanp++
			a.tokenState = a.tokenStack[len(a.tokenStack)-1]
			a.tokenStack = a.tokenStack[:len(a.tokenStack)-1]
			a.tokenValueEnd()
			return json.Delim(']'), nil
		case '{':
			if !a.tokenValueAllowed() {
				return a.tokenError(c)
			}
			a.scanp++
			a.tokenStack = append(a.tokenStack, a.tokenState)
			a.tokenState = tokenObjectStart
			return json.Delim('{'), nil
		case '}':
			if a.tokenState != tokenObjectStart && a.tokenState != tokenObjectComma {
				return a.tokenError(c)
			}
			a.scanp++
			a.tokenState = a.tokenStack[len(a.tokenStack)-1]
			a.tokenStack = a.tokenStack[:len(a.tokenStack)-1]
			a.tokenValueEnd()
			return json.Delim('}'), nil
		case ':':
			if a.tokenState != tokenObjectColon {
				return a.tokenError(c)
			}
			a.scanp++
			a.tokenState = tokenObjectValue
			continue
		case ',':
			if a.tokenState == tokenArrayComma {
				a.scanp++
				a.tokenState = tokenArrayValue
				continue
			}
			if a.tokenState == tokenObjectComma {
				a.scanp++
				a.tokenState = tokenObjectKey
				continue
			}
			return a.tokenError(c)
		case '"':
			if a.tokenState == tokenObjectStart || a.tokenState == tokenObjectKey {
				old := a.tokenState
				a.tokenState = tokenTopValue
				x, err := a.decodeAny()
				a.tokenState = old
				if err != nil {
					return nil, err
				}
				a.tokenState = tokenObjectColon
				return x, nil // a string
			}
			fallthrough
		default:
			if !a.tokenValueAllowed() {
				return a.tokenError(c)
			}
			return a.decodeAny()
		}
	}
}

// tokenError is Decoder.tokenError.
func (a *arrayStream) tokenError(c byte) (json.Token, error) {
	// A json.Decoder is brought to the same state by Token calls on a prefix, then given c.
	p := tokenStatePrefixes[a.tokenState]
	return nil, a.syntaxErrorFrom(p.prefix+" "+string(c), p.tokens, "")
}

// tokenStatePrefixes are, by token state, inputs that Token calls (one a letter T) bring a
// json.Decoder to that state with: the next Token reads what follows.
var tokenStatePrefixes = [...]struct{ prefix, tokens string }{
	tokenTopValue:    {"", "T"},
	tokenArrayStart:  {"[", "TT"},
	tokenArrayValue:  {"[0,", "TTT"},
	tokenArrayComma:  {"[0", "TTT"},
	tokenObjectStart: {"{", "TT"},
	tokenObjectKey:   {`{"a":0,`, "TTTT"},
	tokenObjectColon: {`{"a"`, "TTT"},
	tokenObjectValue: {`{"a":`, "TTT"},
	tokenObjectComma: {`{"a":0`, "TTTT"},
}

// syntaxErrorFrom returns the error a json.Decoder on input returns at the first failing call of
// ops (T: Token, D: Decode), with its Offset set to a.inputOffset(): so are made the errors of
// json.Decoder that encoding/json's SyntaxError cannot be made with from outside. want, when set,
// is the message expected (a check that the input gets there).
func (a *arrayStream) syntaxErrorFrom(input, ops, want string) error {
	dec := json.NewDecoder(strings.NewReader(input))
	var err error
	for _, op := range ops {
		if op == 'T' {
			_, err = dec.Token()
		} else {
			var x any
			err = dec.Decode(&x)
		}
		if err != nil {
			break
		}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) && (want == "" || se.Error() == want) {
		se.Offset = a.inputOffset()
		return se
	}
	return fmt.Errorf("json: %s (offset %d)", want, a.inputOffset()) // not reached
}

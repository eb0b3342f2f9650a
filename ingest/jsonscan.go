package ingest

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// A small JSON scanner for the JSON formats' hot path. It validates one JSON value exactly as
// encoding/json does (the same inputs are accepted, and a rejected input fails at the same byte as
// encoding/json's scanner reports) and lays it out as a tape: a flat list of tokens, each a byte span
// of the input, in document order. The parsers then look up the few keys they need on the tape,
// without decoding anything else: strings are unquoted only when they hold escapes or invalid UTF-8
// (into a buffer the tape reuses), and are otherwise used in place. Nothing is allocated once the
// tape's slices have grown to the size of the input's values.
//
// encoding/json stays the reference: the map- and struct-based decoders in jsonlines.go and
// systemlog.go are what the tape-based parsers are tested against (jsonscan_test.go), and the System
// Log parser falls back to them for the unusual (a duplicated key of the LogEvent).

// jsonKind is the kind of a JSON value on a tape.
type jsonKind uint8

const (
	kindNull jsonKind = iota
	kindFalse
	kindTrue
	kindNumber
	kindString
	kindObject
	kindArray
)

// jsonTok is one token of a tape: a value, or an object key (a string, followed on the tape by
// its value).
type jsonTok struct {
	// start and end delimit the token in the input: for a string, its content between the quotes;
	// for a number or a literal, its text; for an object or array, from its opening bracket to just
	// after its closing one.
	start, end int
	// next is the index of the token after this value, past everything inside it.
	next int
	kind jsonKind
	// esc: a string whose content is not its value as is (it holds escapes or invalid UTF-8), to be
	// unquoted (jsonTape.strBytes).
	esc bool
	// ascii: a string without escapes whose content is plain ASCII (its value is its content).
	ascii bool
}

// jsonStatus is the outcome of jsonTape.scan.
type jsonStatus uint8

const (
	jsonDone       jsonStatus = iota // the value is complete: jsonTape.end is the index after it
	jsonIncomplete                   // the input ends inside the value
	jsonScalarEnd                    // the value is a scalar that ends with the input: complete if the input ends there
	jsonSyntaxErr                    // the input is not JSON: jsonTape.errPos is the offending byte
)

// maxJSONDepth is encoding/json's limit on the nesting of arrays and objects.
const maxJSONDepth = 10000

// Scanner states, at token boundaries (and inside a string or a number, to resume after more input).
const (
	stValue      = iota // a value is expected
	stValueOrEnd        // after '[': a value or ']'
	stKeyOrEnd          // after '{': a key or '}'
	stKey               // after ',' in an object: a key
	stColon             // after a key: ':'
	stAfter             // after a value: ',' or the end of its container (or of the top-level value)
	stString            // inside a string value, resuming at pos (never inside an escape)
	stKeyString         // inside a key, likewise
	stNumber            // a number starting at pos, to be scanned again (it may go on past the input)
	stDone              // the top-level value is complete
)

// jsonTape is a validated JSON value as a flat list of tokens (see jsonTok): an object is its token
// followed by each key and its value, an array its token followed by its elements. It is built by
// scan, which can be called again with more input after it reports jsonIncomplete or jsonScalarEnd
// (okta-array reads an event in pieces), and reused from one value to the next.
type jsonTape struct {
	toks  []jsonTok
	src   []byte // the input the tokens point into
	end   int    // after jsonDone: the index after the value in src
	pos   int    // where scanning resumes
	state int    // what is expected at pos
	// stack holds the tape indices of the open objects and arrays, outermost first.
	stack []int
	// nonASCII tells whether the string being scanned (stString, stKeyString) has met a byte
	// >= 0x80 so far.
	nonASCII bool
	errPos   int // after jsonSyntaxErr: the index in src of the byte encoding/json reports
	// depth is the number of arrays and objects open around the value scan starts at, beyond its
	// own stack (scanShallow scans values inside an object it lays out itself), for the depth limit.
	depth int

	// fields holds, for each object scanShallow laid out with a spec, where each of its fields is,
	// for structFields.
	fields []shallowFields

	str  []byte // the unquoted strings of the current value (strBytes), reused
	key  []byte // the last unquoted key (keyBytes)
	fold []byte // the last folded key (structField)
}

// reset prepares t for a new value. The tape keeps its slices from value to value, unless a
// huge value left them far larger than the last one needed.
func (t *jsonTape) reset() {
	if cap(t.toks) > 1<<16 && len(t.toks) < cap(t.toks)/4 {
		t.toks, t.stack = nil, nil
	}
	if cap(t.str) > 1<<20 && len(t.str) < cap(t.str)/4 {
		t.str = nil
	}
	t.toks = t.toks[:0]
	t.stack = t.stack[:0]
	t.state = stValue
	t.pos = 0
	t.end = 0
	t.errPos = 0
	t.depth = 0
	t.fields = t.fields[:0]
	t.str = t.str[:0]
}

// parse resets t and scans the whole of b as one JSON value followed by nothing but JSON
// whitespace, as json.Unmarshal requires. It reports whether b is one.
func (t *jsonTape) parse(b []byte) bool {
	t.reset()
	if t.scan(b, true) != jsonDone {
		return false
	}
	return skipJSONSpace(b, t.end) == len(b)
}

// jsonSpace reports the bytes JSON allows between tokens.
var jsonSpace = [256]bool{' ': true, '\t': true, '\r': true, '\n': true}

// skipJSONSpace returns the index of the first non-space byte of b at or after i, or len(b).
func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && jsonSpace[b[i]] {
		i++
	}
	return i
}

// jsonPlain reports the bytes that stand for themselves inside a JSON string and need no further
// look: ASCII from ' ' on, except '"' and '\\'.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// scan scans src (which holds at least what the previous call was given, when resuming) from
// where the previous call stopped. final means the input ends with src: a top-level scalar that
// ends there is complete (jsonDone) rather than jsonScalarEnd. After jsonIncomplete or
// jsonScalarEnd, scan may be called again with src extended by more input (possibly moved).
//
// It is written as sections joined by gotos, one per state, so that each transition is a direct
// jump; the state is only stored (and dispatched on, when resuming) at the end of the input. The
// token being scanned in stString, stKeyString or stNumber is always the last one on the tape.
func (t *jsonTape) scan(src []byte, final bool) jsonStatus {
	t.src = src
	b := src
	n := len(b)
	i := t.pos
	toks, stack := t.toks, t.stack
	var (
		st    jsonStatus
		state int
		c     byte
		j     int
		flags uint8
		tok   *jsonTok
	)
	switch t.state {
	case stValue:
		goto value
	case stValueOrEnd:
		goto valueOrEnd
	case stKeyOrEnd:
		goto keyOrEnd
	case stKey:
		goto key
	case stColon:
		goto colon
	case stAfter:
		goto after
	case stString:
		goto valueString
	case stKeyString:
		goto keyString
	case stNumber:
		goto number
	default: // stDone
		state, st = stDone, jsonDone
		goto out
	}

valueOrEnd: // after '[': a value or ']'
	for i < n && jsonSpace[b[i]] {
		i++
	}
	if i >= n {
		state, st = stValueOrEnd, jsonIncomplete
		goto out
	}
	if b[i] == ']' {
		goto closing
	}
value: // a value
	for i < n && jsonSpace[b[i]] {
		i++
	}
	if i >= n {
		state, st = stValue, jsonIncomplete
		goto out
	}
	switch c = b[i]; c {
	case '"':
		toks = pushTok(toks, kindString, i+1, 0, len(toks)+1)
		t.nonASCII = false
		i++
		goto valueString
	case '{':
		if len(stack)+t.depth >= maxJSONDepth {
			t.errPos = i
			goto syntaxErr
		}
		stack = append(stack, len(toks))
		toks = pushTok(toks, kindObject, i, 0, 0)
		i++
		goto keyOrEnd
	case '[':
		if len(stack)+t.depth >= maxJSONDepth {
			t.errPos = i
			goto syntaxErr
		}
		stack = append(stack, len(toks))
		toks = pushTok(toks, kindArray, i, 0, 0)
		i++
		goto valueOrEnd
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		toks = pushTok(toks, kindNumber, i, 0, len(toks)+1)
		goto number
	case 't', 'f', 'n':
		lit, kind := "true", kindTrue
		if c == 'f' {
			lit, kind = "false", kindFalse
		} else if c == 'n' {
			lit, kind = "null", kindNull
		}
		k := 1
		for k < len(lit) && i+k < n && b[i+k] == lit[k] {
			k++
		}
		if k < len(lit) {
			if i+k < n {
				t.errPos = i + k
				goto syntaxErr
			}
			state, st = stValue, jsonIncomplete // resume at the literal's start
			goto out
		}
		toks = pushTok(toks, kind, i, i+k, len(toks)+1)
		i += k
		goto after
	}
	t.errPos = i
	goto syntaxErr

valueString: // inside a string value
	j, flags, st = scanString(b, i)
	tok = &toks[len(toks)-1]
	tok.esc = tok.esc || flags&strEscape != 0
	t.nonASCII = t.nonASCII || flags&strNonASCII != 0
	if st != jsonDone {
		if st == jsonIncomplete {
			i, state = j, stString
			goto out
		}
		t.errPos = j
		goto syntaxErr
	}
	tok.end = j
	if t.nonASCII && !tok.esc && !utf8.Valid(b[tok.start:j]) {
		tok.esc = true
	}
	tok.ascii = !tok.esc && !t.nonASCII
	i = j + 1
	goto after

number: // a number starting at the last token's start, scanned again from there when resuming
	tok = &toks[len(toks)-1]
	j, st = scanNumber(b, tok.start)
	if st == jsonDone {
		tok.end = j
		i = j
		goto after
	}
	i, state = tok.start, stNumber
	switch {
	case st == jsonSyntaxErr:
		t.errPos = j
		goto syntaxErr
	case st == jsonScalarEnd && len(stack) == 0 && final:
		tok.end = j
		i, t.end = j, j
		state, st = stDone, jsonDone
	case st == jsonScalarEnd && len(stack) == 0:
		tok.end = j
	default:
		tok.end = 0
		st = jsonIncomplete
	}
	goto out

keyOrEnd: // after '{': a key or '}'
	for i < n && jsonSpace[b[i]] {
		i++
	}
	if i >= n {
		state, st = stKeyOrEnd, jsonIncomplete
		goto out
	}
	if b[i] == '}' {
		goto closing
	}
key: // a key
	for i < n && jsonSpace[b[i]] {
		i++
	}
	if i >= n {
		state, st = stKey, jsonIncomplete
		goto out
	}
	if b[i] != '"' {
		t.errPos = i
		goto syntaxErr
	}
	toks = pushTok(toks, kindString, i+1, 0, len(toks)+1)
	t.nonASCII = false
	i++
keyString: // inside a key
	j, flags, st = scanString(b, i)
	tok = &toks[len(toks)-1]
	tok.esc = tok.esc || flags&strEscape != 0
	t.nonASCII = t.nonASCII || flags&strNonASCII != 0
	if st != jsonDone {
		if st == jsonIncomplete {
			i, state = j, stKeyString
			goto out
		}
		t.errPos = j
		goto syntaxErr
	}
	tok.end = j
	if t.nonASCII && !tok.esc && !utf8.Valid(b[tok.start:j]) {
		tok.esc = true
	}
	tok.ascii = !tok.esc && !t.nonASCII
	i = j + 1
colon: // after a key: ':'
	for i < n && jsonSpace[b[i]] {
		i++
	}
	if i >= n {
		state, st = stColon, jsonIncomplete
		goto out
	}
	if b[i] != ':' {
		t.errPos = i
		goto syntaxErr
	}
	i++
	goto value

after: // after a value: ',' or the end of its container
	if len(stack) == 0 {
		// A top-level scalar: encoding/json's Decoder needs the byte after it to know it ended.
		if i >= n && !final {
			state, st = stAfter, jsonScalarEnd
			goto out
		}
		t.end = i
		state, st = stDone, jsonDone
		goto out
	}
	for i < n && jsonSpace[b[i]] {
		i++
	}
	if i >= n {
		state, st = stAfter, jsonIncomplete
		goto out
	}
	c = b[i]
	if toks[stack[len(stack)-1]].kind == kindObject {
		if c == ',' {
			i++
			goto key
		}
		if c == '}' {
			goto closing
		}
	} else {
		if c == ',' {
			i++
			goto value
		}
		if c == ']' {
			goto closing
		}
	}
	t.errPos = i
	goto syntaxErr

closing: // b[i] closes the innermost object or array (the top-level one ends there: encoding/json's Decoder does not wait for the next byte either)
	stack = closeContainer(toks, stack, i)
	i++
	if len(stack) > 0 {
		goto after
	}
	t.end = i
	state, st = stDone, jsonDone
	goto out

syntaxErr:
	state, st = stDone, jsonSyntaxErr
out:
	t.toks, t.stack, t.state, t.pos = toks, stack, state, i
	return st
}

// pushTok appends a token to toks. (It writes the fields one by one: copying a jsonTok built
// apart costs a stall on every token.)
func pushTok(toks []jsonTok, kind jsonKind, start, end, next int) []jsonTok {
	if len(toks) == cap(toks) {
		toks = append(toks[:cap(toks)], make([]jsonTok, cap(toks)+64)...)[:len(toks)]
	}
	toks = toks[:len(toks)+1]
	tok := &toks[len(toks)-1]
	tok.start, tok.end, tok.next = start, end, next
	tok.kind, tok.esc, tok.ascii = kind, false, false
	return toks
}

// closeContainer closes the innermost open object or array at its closing bracket, at index i,
// and returns the stack without it. (The top-level object or array ends at its closing bracket:
// encoding/json's Decoder does not wait for the next byte either.)
func closeContainer(toks []jsonTok, stack []int, i int) []int {
	top := stack[len(stack)-1]
	toks[top].end = i + 1
	toks[top].next = len(toks)
	return stack[:len(stack)-1]
}

// Flags of scanString.
const (
	strEscape   = 1 << iota // an escape
	strNonASCII             // a byte >= 0x80
)

// scanString scans string content from b[i] (just after its opening quote, or where an earlier
// call stopped, never inside an escape). It returns jsonDone and the index of the closing quote;
// jsonIncomplete and the index to resume at; or jsonSyntaxErr and the offending byte; with what it
// met on the way (strEscape, strNonASCII).
func scanString(b []byte, i int) (int, uint8, jsonStatus) {
	n := len(b)
	var flags uint8
	for {
		// Eight bytes at a time while none is '"', '\\', a control character or >= 0x80: such a
		// byte sets the top bit of its byte in m (and bytes above it may be set spuriously, so only
		// the lowest set bit counts).
		for i+8 <= n {
			x := binary.LittleEndian.Uint64(b[i:])
			q := x ^ 0x2222222222222222
			e := x ^ 0x5c5c5c5c5c5c5c5c
			m := ((q - 0x0101010101010101) &^ q) | ((e - 0x0101010101010101) &^ e) | ((x - 0x2020202020202020) &^ x) | x
			if m &= 0x8080808080808080; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				goto special
			}
			i += 8
		}
		for i < n && jsonPlain[b[i]] {
			i++
		}
		if i >= n {
			return i, flags, jsonIncomplete
		}
	special:
		switch c := b[i]; {
		case c == '"':
			return i, flags, jsonDone
		case c == '\\':
			flags |= strEscape
			if i+1 >= n {
				return i, flags, jsonIncomplete
			}
			switch b[i+1] {
			case 'b', 'f', 'n', 'r', 't', '\\', '/', '"':
				i += 2
			case 'u':
				for k := 2; k < 6; k++ {
					if i+k >= n {
						return i, flags, jsonIncomplete
					}
					if !isHex(b[i+k]) {
						return i + k, flags, jsonSyntaxErr
					}
				}
				i += 6
			default:
				return i + 1, flags, jsonSyntaxErr
			}
		case c < 0x20:
			return i, flags, jsonSyntaxErr
		default: // >= 0x80
			flags |= strNonASCII
			i++
		}
	}
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// scanNumber scans the number starting at b[i]. It returns jsonDone and the index after it when a
// byte that cannot continue it follows; jsonScalarEnd and len(b) when it is a whole number that
// ends with b (more input could extend it); jsonIncomplete when b ends before it is a whole
// number; or jsonSyntaxErr and the offending byte.
func scanNumber(b []byte, i int) (int, jsonStatus) {
	n := len(b)
	if b[i] == '-' {
		i++
		if i >= n {
			return i, jsonIncomplete
		}
	}
	switch c := b[i]; {
	case c == '0':
		i++
	case c >= '1' && c <= '9':
		i++
		for i < n && isDigit(b[i]) {
			i++
		}
	default:
		return i, jsonSyntaxErr
	}
	if i >= n {
		return i, jsonScalarEnd
	}
	if b[i] == '.' {
		i++
		if i >= n {
			return i, jsonIncomplete
		}
		if !isDigit(b[i]) {
			return i, jsonSyntaxErr
		}
		for i < n && isDigit(b[i]) {
			i++
		}
		if i >= n {
			return i, jsonScalarEnd
		}
	}
	if b[i] == 'e' || b[i] == 'E' {
		i++
		if i >= n {
			return i, jsonIncomplete
		}
		if b[i] == '+' || b[i] == '-' {
			i++
			if i >= n {
				return i, jsonIncomplete
			}
		}
		if !isDigit(b[i]) {
			return i, jsonSyntaxErr
		}
		for i < n && isDigit(b[i]) {
			i++
		}
		if i >= n {
			return i, jsonScalarEnd
		}
	}
	return i, jsonDone
}

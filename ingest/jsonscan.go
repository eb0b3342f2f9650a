package ingest

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
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
		if len(stack) >= maxJSONDepth {
			t.errPos = i
			goto syntaxErr
		}
		stack = append(stack, len(toks))
		toks = pushTok(toks, kindObject, i, 0, 0)
		i++
		goto keyOrEnd
	case '[':
		if len(stack) >= maxJSONDepth {
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

// raw returns the text of token k.
func (t *jsonTape) raw(k int) []byte { return t.src[t.toks[k].start:t.toks[k].end] }

// strBytes returns the value of the string token k: its content as is, or unquoted into t.str
// (which only grows until the next reset, so what it returned earlier stays valid).
func (t *jsonTape) strBytes(k int) []byte {
	tok := &t.toks[k]
	s := t.src[tok.start:tok.end]
	if !tok.esc {
		return s
	}
	start := len(t.str)
	t.str = appendUnquoted(t.str, s)
	return t.str[start:len(t.str):len(t.str)]
}

// strValue returns strBytes as a string, without copying: it aliases the input or t.str.
func (t *jsonTape) strValue(k int) string { return aliasString(t.strBytes(k)) }

// appendUnquoted appends to dst the value of the JSON string content s (between its quotes, valid
// for the scanner), exactly as encoding/json's unquote makes it: escapes decoded, a \u escape of a
// lone surrogate and every byte of invalid UTF-8 replaced by U+FFFD.
func appendUnquoted(dst, s []byte) []byte {
	for r := 0; r < len(s); {
		switch c := s[r]; {
		case c == '\\':
			if r+1 >= len(s) {
				return dst // not reached for scanned input
			}
			switch s[r+1] {
			case '"', '\\', '/', '\'':
				dst = append(dst, s[r+1])
				r += 2
			case 'b':
				dst = append(dst, '\b')
				r += 2
			case 'f':
				dst = append(dst, '\f')
				r += 2
			case 'n':
				dst = append(dst, '\n')
				r += 2
			case 'r':
				dst = append(dst, '\r')
				r += 2
			case 't':
				dst = append(dst, '\t')
				r += 2
			case 'u':
				rr := getu4(s[r:])
				if rr < 0 {
					return dst // not reached for scanned input
				}
				r += 6
				if utf16.IsSurrogate(rr) {
					rr1 := getu4(s[r:])
					if dec := utf16.DecodeRune(rr, rr1); dec != unicode.ReplacementChar {
						r += 6
						dst = utf8.AppendRune(dst, dec)
						break
					}
					rr = unicode.ReplacementChar
				}
				dst = utf8.AppendRune(dst, rr)
			default:
				return dst // not reached for scanned input
			}
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			dst = utf8.AppendRune(dst, rr)
		}
	}
	return dst
}

// getu4 decodes \uXXXX from the beginning of s, returning the hex value, or -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c = c - '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// Lookups on a tape. Keys are compared as encoding/json compares them: map keys (the Fields key
// paths, debugData) by exact value first, then under strings.EqualFold; struct fields (the LogEvent)
// under encoding/json's own folding (foldName). A key with escapes or non-ASCII bytes is unquoted
// into t.key first; the usual plain ASCII key is compared in place.

// keyBytes returns the value of the key token k: its content, or its unquoted value in t.key
// (valid until the next call).
func (t *jsonTape) keyBytes(k int) []byte {
	tok := &t.toks[k]
	s := t.src[tok.start:tok.end]
	if !tok.esc {
		return s
	}
	t.key = appendUnquoted(t.key[:0], s)
	return t.key
}

// lookupFold returns the value of key in the object at tape index obj as lookupFold finds it in the
// map encoding/json decodes: the value of the last key equal to key (a repeated key's last value
// wins in a map); without one, the value of the last key equal to key under strings.EqualFold
// (where encoding/json's map leaves the pick among several such keys to map iteration order). It
// returns -1 when there is none or obj is -1. ascii tells that key is plain ASCII.
func (t *jsonTape) lookupFold(obj int, key string, ascii bool) int {
	if obj < 0 || t.toks[obj].kind != kindObject {
		return -1
	}
	exact, fold := -1, -1
	toks := t.toks
	for k, end := obj+1, toks[obj].next; k < end; k = toks[k+1].next {
		tok := &toks[k]
		if tok.ascii && ascii {
			if tok.end-tok.start != len(key) {
				continue
			}
			kb := t.src[tok.start:tok.end]
			if string(kb) == key {
				exact = k + 1
			} else if exact < 0 && equalFoldASCII(kb, key) {
				fold = k + 1
			}
			continue
		}
		kb := t.keyBytes(k)
		if string(kb) == key {
			exact = k + 1
		} else if exact < 0 && strings.EqualFold(aliasString(kb), key) {
			fold = k + 1
		}
	}
	if exact >= 0 {
		return exact
	}
	return fold
}

// equalFoldUpper reports whether the ASCII a equals upper, of the same length and made of upper-case
// letters only, ignoring ASCII case.
func equalFoldUpper(a []byte, upper string) bool {
	for i := 0; i < len(a); i++ {
		if a[i]&^0x20 != upper[i] {
			return false
		}
	}
	return true
}

// isASCII reports whether s is plain ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// fieldSet is the fields of a struct, by name as encoding/json folds them to match keys
// (appendFoldedName), for structField.
type fieldSet struct {
	names []string // folded names, of upper-case ASCII letters only
	// byLen[n] has bit i set when names[i] has n bytes (at most 8 names, of less than 64 bytes).
	byLen [64]uint8
}

// newFieldSet returns the fieldSet of the struct fields with the given names.
func newFieldSet(names ...string) *fieldSet {
	fs := &fieldSet{}
	for _, n := range names {
		folded := string(appendFoldedName(nil, []byte(n)))
		for i := 0; i < len(folded); i++ {
			if c := folded[i]; c < 'A' || c > 'Z' || len(folded) >= 64 {
				panic("newFieldSet: unsupported field name " + n)
			}
		}
		if len(fs.names) == 8 {
			panic("newFieldSet: too many fields")
		}
		fs.byLen[len(folded)] |= 1 << len(fs.names)
		fs.names = append(fs.names, folded)
	}
	return fs
}

// structField returns the index in fs of the struct field that encoding/json decodes the key
// token k into, or -1: the field whose name equals the key, or equals it once both are folded by
// appendFoldedName (encoding/json matches the exact name first, but with names that differ once
// folded, that finds the same field).
func (t *jsonTape) structField(k int, fs *fieldSet) int {
	tok := &t.toks[k]
	if tok.ascii {
		n := tok.end - tok.start
		if n >= 64 {
			return -1
		}
		kb := t.src[tok.start:tok.end]
		for set := fs.byLen[n]; set != 0; set &= set - 1 {
			i := bits.TrailingZeros8(set)
			if name := fs.names[i]; name[0] == kb[0]&^0x20 && equalFoldUpper(kb, name) {
				return i
			}
		}
		return -1
	}
	t.fold = appendFoldedName(t.fold[:0], t.keyBytes(k))
	for i, name := range fs.names {
		if string(t.fold) == name {
			return i
		}
	}
	return -1
}

// appendFoldedName appends in folded as encoding/json (Go 1.26) folds struct field names to match
// keys: ASCII letters upper-cased, other runes replaced by the smallest rune of their
// unicode.SimpleFold orbit (so that "publi\u017Fhed" matches "published", but "\u0131d" not "id").
func appendFoldedName(out, in []byte) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		out = utf8.AppendRune(out, foldRune(r))
		i += n
	}
	return out
}

// foldRune returns the smallest rune of r's unicode.SimpleFold orbit.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// numberString renders the value at tape index v as anyString renders what encoding/json decodes
// with UseNumber: a string as it is, a number as written, a boolean as "true" or "false"; "" for
// null, an object, an array, or v -1.
func (t *jsonTape) numberString(v int) string {
	if v < 0 {
		return ""
	}
	switch t.toks[v].kind {
	case kindString:
		return t.strValue(v)
	case kindNumber:
		return aliasString(t.raw(v))
	case kindTrue:
		return "true"
	case kindFalse:
		return "false"
	}
	return ""
}

// floatString renders the value at tape index v as anyString renders what encoding/json decodes
// into an interface without UseNumber: like numberString, but a number goes through float64 and
// is written back in decimal (strconv.FormatFloat 'f', -1), and a number out of float64's range,
// which encoding/json decodes as nil, is "".
func (t *jsonTape) floatString(v int) string {
	if v >= 0 && t.toks[v].kind == kindNumber {
		f, err := strconv.ParseFloat(aliasString(t.raw(v)), 64)
		if err != nil {
			return ""
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return t.numberString(v)
}

// structFields finds, in the object at tape index obj, the value of each struct field of fs (see
// structField): out[i] is the tape index of field i's value, -1 when absent. It reports false when
// a field occurs twice.
func (t *jsonTape) structFields(obj int, fs *fieldSet, out []int) bool {
	for i := range out {
		out[i] = -1
	}
	for k := obj + 1; k < t.toks[obj].next; k = t.toks[k+1].next {
		f := t.structField(k, fs)
		if f < 0 {
			continue
		}
		if out[f] >= 0 {
			return false
		}
		out[f] = k + 1
	}
	return true
}

// stringField returns what encoding/json decodes the value at tape index v (-1: absent) into a
// string field: a string's value; "" for anything else (null leaves the field as it was, any other
// type is an UnmarshalTypeError, and the field stays "").
func (t *jsonTape) stringField(v int) string {
	if v < 0 || t.toks[v].kind != kindString {
		return ""
	}
	return t.strValue(v)
}

// isObject reports whether tape index v (-1: absent) is an object.
func (t *jsonTape) isObject(v int) bool { return v >= 0 && t.toks[v].kind == kindObject }

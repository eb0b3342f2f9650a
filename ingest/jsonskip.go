package ingest

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// A shallow tape: the System Log parser reads a few fields of a LogEvent of a dozen, and most of an
// event's bytes are in the others (actor, request.ipChain, securityContext, client's geography…).
// scanShallow lays out an object on the tape as jsonTape.scan does, but each value that a
// shallowSpec does not ask for is only validated (skipValue) and stands on the tape as one opaque
// token: an object or array token with no children. The input accepted is exactly what scan accepts
// (what encoding/json accepts); only the tape is smaller, and the lookups that read it never look
// inside an opaque token.

// shallowSpec says which values of an object scanShallow lays out: the value of a key that is
// field f of fields (as encoding/json matches keys to struct fields: jsonTape.structField) is laid
// out in full when full has bit f set, as an object of its own spec when sub[f] is set and the value
// is an object; any other object or array value is opaque. Scalars are always laid out.
type shallowSpec struct {
	fields *fieldSet
	full   uint8
	sub    [8]*shallowSpec
}

// scanShallow lays out the object at b[i] (b[i] == '{', with depth arrays and objects open around
// it) on the tape as spec says, and returns the index after it; ok is false when b holds no valid
// JSON object there (then the tape is garbage). The tape's src must be b.
func (t *jsonTape) scanShallow(b []byte, i int, spec *shallowSpec, depth int) (int, bool) {
	n := len(b)
	if depth >= maxJSONDepth {
		return i, false
	}
	obj := len(t.toks)
	t.toks = pushTok(t.toks, kindObject, i, 0, 0)
	i = skipJSONSpace(b, i+1)
	if i < n && b[i] == '}' {
		t.toks[obj].end, t.toks[obj].next = i+1, len(t.toks)
		return i + 1, true
	}
	for {
		if i >= n || b[i] != '"' {
			return i, false
		}
		k := len(t.toks)
		j, ok := t.pushString(b, i)
		if !ok {
			return j, false
		}
		i = skipJSONSpace(b, j)
		if i >= n || b[i] != ':' {
			return i, false
		}
		if i = skipJSONSpace(b, i+1); i >= n {
			return i, false
		}
		f := -1
		if c := b[i]; c == '{' || c == '[' {
			f = t.structField(k, spec.fields)
		}
		switch c := b[i]; {
		case f >= 0 && c == '{' && spec.sub[f] != nil:
			i, ok = t.scanShallow(b, i, spec.sub[f], depth+1)
		case (c == '{' || c == '[') && (f < 0 || spec.full&(1<<f) == 0):
			var end int
			if end, ok = skipValue(b, i, depth+1, &t.stack); ok {
				kind := kindObject
				if c == '[' {
					kind = kindArray
				}
				t.toks = pushTok(t.toks, kind, i, end, len(t.toks)+1)
				i = end
			}
		case c == '"':
			i, ok = t.pushString(b, i)
		default: // another scalar, or a value laid out in full
			t.pos, t.state, t.stack, t.depth = i, stValue, t.stack[:0], depth+1
			if ok = t.scan(b, true) == jsonDone; ok {
				i = t.end
			}
		}
		if !ok {
			return i, false
		}
		i = skipJSONSpace(b, i)
		if i < n && b[i] == ',' {
			i = skipJSONSpace(b, i+1)
			continue
		}
		if i < n && b[i] == '}' {
			t.toks[obj].end, t.toks[obj].next = i+1, len(t.toks)
			return i + 1, true
		}
		return i, false
	}
}

// pushString lays out the string (a key or a value) whose opening quote is b[i] as scan does, and
// returns the index after its closing quote; ok is false when b holds no valid string there.
func (t *jsonTape) pushString(b []byte, i int) (int, bool) {
	k := len(t.toks)
	t.toks = pushTok(t.toks, kindString, i+1, 0, k+1)
	j, flags, st := scanString(b, i+1)
	if st != jsonDone {
		return j, false
	}
	tok := &t.toks[k]
	tok.end, tok.esc = j, flags&strEscape != 0
	if flags&strNonASCII != 0 && !tok.esc && !utf8.Valid(b[i+1:j]) {
		tok.esc = true
	}
	tok.ascii = flags == 0
	return j + 1, true
}

// parseShallow resets t and lays out b, which must be one JSON object followed by nothing but JSON
// whitespace, with scanShallow. It reports whether b is one.
func (t *jsonTape) parseShallow(b []byte, spec *shallowSpec) bool {
	t.reset()
	t.src = b
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	end, ok := t.scanShallow(b, 0, spec, 0)
	t.depth = 0
	t.end = end
	return ok && skipJSONSpace(b, end) == len(b)
}

// skipValue validates the JSON value at b[i] (its first byte; depth arrays and objects open around
// it) as encoding/json does, without laying it out, and returns the index after it; ok is false when
// b holds no valid value there, or one that ends with b (a number that more input could extend).
// stack is scratch space for the brackets it meets.
func skipValue(b []byte, i, depth int, stack *[]int) (int, bool) {
	n := len(b)
	st := (*stack)[:0]
	defer func() { *stack = st[:0] }()
	var c byte
value:
	if i >= n {
		return i, false
	}
	switch c = b[i]; c {
	case '"':
		j, ok := skipString(b, i+1)
		if !ok {
			return j, false
		}
		i = j + 1
	case '{', '[':
		if depth+len(st) >= maxJSONDepth {
			return i, false
		}
		closer := int('}')
		if c == '[' {
			closer = ']'
		}
		st = append(st, closer)
		if i = skipJSONSpace(b, i+1); i >= n {
			return i, false
		}
		if int(b[i]) == closer {
			st = st[:len(st)-1]
			i++
			break
		}
		if c == '{' {
			goto key
		}
		goto value
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		j, s := scanNumber(b, i)
		if s != jsonDone {
			return j, false
		}
		i = j
	case 't', 'f', 'n':
		lit := "true"
		if c == 'f' {
			lit = "false"
		} else if c == 'n' {
			lit = "null"
		}
		if n-i < len(lit) || string(b[i:i+len(lit)]) != lit {
			return i, false
		}
		i += len(lit)
	default:
		return i, false
	}
	// after a value
	for len(st) > 0 {
		if i = skipJSONSpace(b, i); i >= n {
			return i, false
		}
		switch c = b[i]; {
		case c == ',':
			if i = skipJSONSpace(b, i+1); st[len(st)-1] == '}' {
				goto key
			}
			goto value
		case int(c) == st[len(st)-1]:
			st = st[:len(st)-1]
			i++
		default:
			return i, false
		}
	}
	return i, true
key: // at a key (spaces skipped)
	if i >= n || b[i] != '"' {
		return i, false
	}
	{
		j, ok := skipString(b, i+1)
		if !ok {
			return j, false
		}
		i = skipJSONSpace(b, j+1)
	}
	if i >= n || b[i] != ':' {
		return i, false
	}
	i = skipJSONSpace(b, i+1)
	goto value
}

// skipString is scanString for a string whose content is not needed: from b[i], just after its
// opening quote, it returns the index of the closing quote, or ok false when the string is not valid
// JSON or b ends inside it. (A byte >= 0x80 needs no look: encoding/json accepts invalid UTF-8.)
func skipString(b []byte, i int) (int, bool) {
	// Eight bytes at a time while none is '"', '\\' or a control character (see scanString).
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q := x ^ 0x2222222222222222
		e := x ^ 0x5c5c5c5c5c5c5c5c
		m := ((q - 0x0101010101010101) &^ q) | ((e - 0x0101010101010101) &^ e) | ((x - 0x2020202020202020) &^ x)
		if m &= 0x8080808080808080; m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			break
		}
	}
	for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 {
		i++
	}
	switch {
	case i >= len(b) || b[i] < 0x20:
		return i, false
	case b[i] == '"':
		return i, true
	}
	j, _, st := scanString(b, i) // an escape, which scanString checks, and the rest
	return j, st == jsonDone
}

package ingest

import (
	"math/bits"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Reading a tape that jsonTape.scan built: a token's text, a string's value (unquoted only when it
// must be), and lookups of the few keys the JSON parsers need.

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

// lookupFoldAll sets out[i] to lookupFold(obj, keys[i], true) for each of keys (plain ASCII, at most
// 8), in one pass over the object's keys.
func (t *jsonTape) lookupFoldAll(obj int, keys []string, out []int) {
	for i := range out {
		out[i] = -1
	}
	if obj < 0 || t.toks[obj].kind != kindObject {
		return
	}
	var exact [8]bool
	toks := t.toks
	for k, end := obj+1, toks[obj].next; k < end; k = toks[k+1].next {
		tok := &toks[k]
		if tok.ascii {
			kb := t.src[tok.start:tok.end]
			for i, key := range keys {
				if len(kb) != len(key) {
					continue
				}
				if string(kb) == key {
					out[i], exact[i] = k+1, true
				} else if !exact[i] && equalFoldASCII(kb, key) {
					out[i] = k + 1
				}
			}
			continue
		}
		kb := aliasString(t.keyBytes(k))
		for i, key := range keys {
			if kb == key {
				out[i], exact[i] = k+1, true
			} else if !exact[i] && strings.EqualFold(kb, key) {
				out[i] = k + 1
			}
		}
	}
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

package ingest

import (
	"bytes"
	"testing"
)

// nextFieldReference is nextField written as a scan with an escape flag, the reference the faster
// one is held to.
func nextFieldReference(line []byte, i int) (field []byte, next int, ok bool) {
	rest := bytes.TrimLeft(line[i:], " \t")
	i = len(line) - len(rest)
	if len(rest) == 0 {
		return nil, -1, true
	}
	if rest[0] != '"' {
		end := bytes.IndexAny(rest, " \t")
		if end < 0 {
			end = len(rest)
		}
		return rest[:end], i + end, true
	}
	escaped := false
	for j := 1; j < len(rest); j++ {
		switch c := rest[j]; {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c != '"':
		case j+1 < len(rest) && rest[j+1] == '"':
			j++ // a doubled quote
		case j+1 < len(rest) && rest[j+1] != ' ' && rest[j+1] != '\t':
			return nil, 0, false
		default:
			return rest[1:j], i + j + 1, true
		}
	}
	return nil, 0, false
}

// TestNextFieldMatchesReference compares nextField with the byte-by-byte scan on every line of up
// to 8 bytes over the bytes that matter (space, tab, quote, backslash, a letter), from every start.
func TestNextFieldMatchesReference(t *testing.T) {
	alphabet := []byte{' ', '\t', '"', '\\', 'a'}
	line := make([]byte, 0, 8)
	var walk func()
	walk = func() {
		for i := 0; i <= len(line); i++ {
			f1, n1, ok1 := nextField(line, i)
			f2, n2, ok2 := nextFieldReference(line, i)
			if !bytes.Equal(f1, f2) || n1 != n2 || ok1 != ok2 {
				t.Fatalf("nextField(%q, %d) = %q %d %v, reference %q %d %v", line, i, f1, n1, ok1, f2, n2, ok2)
			}
		}
		if len(line) == cap(line) {
			return
		}
		for _, c := range alphabet {
			line = append(line, c)
			walk()
			line = line[:len(line)-1]
		}
	}
	walk()
}

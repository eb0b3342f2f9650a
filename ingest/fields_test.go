package ingest

import (
	"bytes"
	"testing"
)

// nextFieldReference is nextField as a byte-by-byte scan, the reference the faster one is held to.
func nextFieldReference(line []byte, i int) (field []byte, next int, ok bool) {
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	if i >= len(line) {
		return nil, -1, true
	}
	if line[i] != '"' {
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		return line[i:j], j, true
	}
	for j := i + 1; j < len(line); j++ {
		switch line[j] {
		case '\\':
			j++
		case '"':
			if j+1 < len(line) && line[j+1] == '"' {
				j++
				continue
			}
			if j+1 < len(line) && line[j+1] != ' ' && line[j+1] != '\t' {
				return nil, 0, false
			}
			return line[i+1 : j], j + 1, true
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

package ingest

import (
	"bytes"
	"unsafe"
)

// Byte scanning shared by the line formats: strings that alias a line, spaces, quoted fields, digits,
// "-" for an absent value, and ASCII case folding.

// aliasString returns b as a string without copying. The string is valid only while b is not modified.
func aliasString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// skipSpaces returns the index of the first byte at or after i in b that is not a space (len(b) when
// there is none).
func skipSpaces(b []byte, i int) int {
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}

// closeQuote returns the index of the '"' that closes a quoted field whose content starts at start:
// the first '"' preceded by an even number of backslashes. It returns -1 when there is none.
func closeQuote(b []byte, start int) int {
	for i := start; ; {
		k := bytes.IndexByte(b[i:], '"')
		if k < 0 {
			return -1
		}
		k += i
		bs := 0
		for j := k - 1; j >= start && b[j] == '\\'; j-- {
			bs++
		}
		if bs%2 == 0 {
			return k
		}
		i = k + 1
	}
}

// isDigit reports whether c is an ASCII decimal digit.
func isDigit(c byte) bool { return c-'0' <= 9 }

// isDash reports whether b is "-", which logs write for an absent value.
func isDash(b []byte) bool { return len(b) == 1 && b[0] == '-' }

// lowerASCII returns c in lower case when it is an ASCII upper-case letter, else c.
func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// containsFold reports whether sub (ASCII lower case) is in b, ignoring ASCII case.
func containsFold(b, sub []byte) bool {
	for i := 0; i+len(sub) <= len(b); i++ {
		k := 0
		for k < len(sub) && lowerASCII(b[i+k]) == sub[k] {
			k++
		}
		if k == len(sub) {
			return true
		}
	}
	return false
}

// equalFoldASCII reports whether a and b, of the same length, are equal ignoring ASCII case.
func equalFoldASCII[T string | []byte](a T, b string) bool {
	for i := 0; i < len(a); i++ {
		if c, d := a[i], b[i]; c != d && lowerASCII(c) != lowerASCII(d) {
			return false
		}
	}
	return true
}

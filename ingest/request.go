package ingest

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Request lines (`METHOD TARGET [PROTO]`) and HTTP methods, as the formats log them.

// maxMethod is the longest method accepted in a request line.
const maxMethod = 20

// splitRequest splits a request field `METHOD TARGET [PROTO]` into method and target. The method is
// 1–20 characters of A-Z, '-' or '_', starting with a letter; PROTO is the last token when it starts
// with "HTTP/"; the target is what lies between and must not be empty (it may contain spaces).
func splitRequest(req []byte) (method, target []byte, ok bool) {
	sp := bytes.IndexByte(req, ' ')
	if sp <= 0 || sp > maxMethod {
		return nil, nil, false
	}
	method = req[:sp]
	if c := method[0]; c < 'A' || c > 'Z' {
		return nil, nil, false
	}
	for _, c := range method[1:] {
		if (c < 'A' || c > 'Z') && c != '-' && c != '_' {
			return nil, nil, false
		}
	}
	rest := req[sp+1:]
	for len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	for len(rest) > 0 && rest[len(rest)-1] == ' ' {
		rest = rest[:len(rest)-1]
	}
	target = rest
	if ls := bytes.LastIndexByte(rest, ' '); ls >= 0 {
		if bytes.HasPrefix(rest[ls+1:], httpProto) {
			target = rest[:ls]
			for len(target) > 0 && target[len(target)-1] == ' ' {
				target = target[:len(target)-1]
			}
		}
	} else if bytes.HasPrefix(rest, httpProto) {
		target = nil // "GET HTTP/1.1": a protocol but no target
	}
	if len(target) == 0 {
		return nil, nil, false
	}
	return method, target, true
}

var httpProto = []byte("HTTP/")

// splitRequestFast is splitRequest for the usual request line: an upper-case method, one space, a
// target that neither starts nor ends with a space, and a protocol after one space, or none. It
// hands anything else to splitRequest, so it always returns what splitRequest returns.
func splitRequestFast(req []byte) (method, target []byte, ok bool) {
	sp := 0
	for sp < len(req) && req[sp]-'A' <= 'Z'-'A' {
		sp++
	}
	n := len(req)
	if sp == 0 || sp > maxMethod || sp+1 >= n || req[sp] != ' ' || req[sp+1] == ' ' || req[n-1] == ' ' {
		return splitRequest(req)
	}
	rest := req[sp+1:]
	ls := len(rest) - 1
	for ls >= 0 && rest[ls] != ' ' {
		ls--
	}
	switch {
	case ls < 0: // one token: a target, unless it is a protocol
		if bytes.HasPrefix(rest, httpProto) {
			return splitRequest(req)
		}
		return req[:sp], rest, true
	case !bytes.HasPrefix(rest[ls+1:], httpProto):
		return req[:sp], rest, true
	case rest[ls-1] == ' ': // ls > 0: rest does not start with a space
		return splitRequest(req)
	}
	return req[:sp], rest[:ls], true
}

// setRequest sets rec to a parsed request, keeping rec.Line; a user agent of "-" is none.
func (rec *Record) setRequest(t int64, method, target []byte, status int, client string, ua []byte) {
	if isDash(ua) {
		ua = nil
	}
	// Field by field: a struct literal is built on the stack and copied, which is slower.
	*rec = Record{Line: rec.Line}
	rec.Time = t
	rec.Method = aliasString(method)
	rec.Target = aliasString(target)
	rec.Status = status
	rec.Client = client
	rec.UserAgent = aliasString(ua)
}

// setDuration records that the request took d microseconds (a negative d is not a duration: nothing
// is recorded).
func (rec *Record) setDuration(d int64) {
	if d >= 0 {
		rec.Duration, rec.HasDuration = d, true
	}
}

// isMethod reports whether s is an HTTP method as splitRequest accepts it.
func isMethod(s string) bool {
	if len(s) == 0 || len(s) > maxMethod || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// upperMethod is strings.ToUpper for a method, without allocating for the usual ones.
func upperMethod(s string) string {
	lower := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.ToUpper(s)
		}
		lower = lower || 'a' <= c && c <= 'z'
	}
	if !lower {
		return s
	}
	for _, m := range commonMethods {
		if len(m) == len(s) && equalFoldASCII(s, m) {
			return m
		}
	}
	return strings.ToUpper(s)
}

// commonMethods are the methods upperMethod upper-cases without allocating.
var commonMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE"}

package ingest

import (
	_ "embed"
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// MethodSet is a set of HTTP methods, one bit each ([MethodGET] … [MethodOPTIONS]): the methods an
// Okta System Log request may have been made with (see [Record.Methods]).
type MethodSet uint8

// The methods of a MethodSet.
const (
	MethodGET MethodSet = 1 << iota
	MethodPOST
	MethodPUT
	MethodDELETE
	MethodPATCH
	MethodHEAD
	MethodOPTIONS
)

// APIMethods are the candidate methods of a System Log request that nothing narrows: GET, POST,
// PUT, DELETE and PATCH, the methods of Okta's management API.
const APIMethods = MethodGET | MethodPOST | MethodPUT | MethodDELETE | MethodPATCH

// methodNames are the names of the bits of a MethodSet, in bit order.
var methodNames = [...]string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}

// methodLists holds, for every MethodSet, its methods in bit order, so that Methods does not
// allocate.
var methodLists = func() (l [1 << len(methodNames)][]string) {
	for s := range l {
		for i, m := range methodNames {
			if s&(1<<i) != 0 {
				l[s] = append(l[s], m)
			}
		}
	}
	return l
}()

// MethodSetOf returns the set holding method alone, or 0 when method (upper case, as [Record.Method]
// holds it) is not one of the set's methods.
func MethodSetOf(method string) MethodSet {
	for i, m := range methodNames {
		if m == method {
			return 1 << i
		}
	}
	return 0
}

// Methods returns the methods of s in the order GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS. The
// slice is shared: do not modify it.
func (s MethodSet) Methods() []string { return methodLists[s&(1<<len(methodNames)-1)] }

// Len returns the number of methods in s.
func (s MethodSet) Len() int { return bits.OnesCount8(uint8(s)) }

// String returns the methods of s joined by commas, e.g. "POST,PUT"; "" for the empty set.
func (s MethodSet) String() string { return strings.Join(s.Methods(), ",") }

// The method table of Okta System Log requests: systemlog_methods.tsv says what its rows mean and
// cites the source of each. sysMethods looks a request up in it.

//go:embed systemlog_methods.tsv
var sysMethodsTSV string

// sysMethodRow is one row of the table.
type sysMethodRow struct {
	segs    []string // the path's segments, "" for a {placeholder}
	methods MethodSet
}

// sysMethodTable holds the rows by event type ("*" for the rows of every event type).
var sysMethodTable = func() map[string][]sysMethodRow {
	t, err := parseSysMethods(sysMethodsTSV)
	if err != nil {
		panic("ingest: systemlog_methods.tsv: " + err.Error())
	}
	return t
}()

// parseSysMethods reads the method table; its errors name the line.
func parseSysMethods(data string) (map[string][]sysMethodRow, error) {
	t := map[string][]sysMethodRow{}
	header := false
	for n, line := range strings.Split(data, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("line %d: %d columns, want 4", n+1, len(f))
		}
		if !header {
			if strings.Join(f, " ") != "event_type path methods source" {
				return nil, fmt.Errorf("line %d: header %q, want event_type, path, methods, source", n+1, line)
			}
			header = true
			continue
		}
		typ, path, list, src := f[0], f[1], f[2], f[3]
		if typ == "" || typ != strings.ToLower(typ) || src == "" || !strings.HasPrefix(path, "/api/") {
			return nil, fmt.Errorf("line %d: want a lower-case event type or *, an /api/ path and a source", n+1)
		}
		row := sysMethodRow{}
		for _, s := range strings.Split(path[1:], "/") {
			switch {
			case s == "":
				return nil, fmt.Errorf("line %d: empty segment in %s", n+1, path)
			case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
				s = ""
			case strings.ContainsAny(s, "{}%?#"):
				return nil, fmt.Errorf("line %d: bad segment %q", n+1, s)
			}
			row.segs = append(row.segs, s)
		}
		for _, m := range strings.Split(list, ",") {
			b := MethodSetOf(m)
			if b == 0 || row.methods&b != 0 {
				return nil, fmt.Errorf("line %d: bad or repeated method %q", n+1, m)
			}
			row.methods |= b
		}
		for _, o := range t[typ] {
			if slices.Equal(o.segs, row.segs) { // the same requests
				return nil, fmt.Errorf("line %d: %s %s repeats an earlier row", n+1, typ, path)
			}
		}
		t[typ] = append(t[typ], row)
	}
	if !header {
		return nil, fmt.Errorf("no header")
	}
	return t, nil
}

// sysMethods returns the methods a System Log request to uri, written with an event of type
// eventType, may have been made with: the row of its event type whose path matches uri's, else the
// row of every event type (*) whose path matches, else APIMethods.
func sysMethods(eventType, uri string) MethodSet {
	path := uriPath(uri)
	for _, typ := range [2]string{eventType, "*"} {
		rows, ok := sysMethodTable[typ]
		if !ok && typ != "*" && hasUpperASCII(typ) {
			rows = sysMethodTable[strings.ToLower(typ)]
		}
		for _, r := range rows {
			if pathMatches(r.segs, path) {
				return r.methods
			}
		}
	}
	return APIMethods
}

// uriPath is the path of a request URI: without a scheme and authority ("https://acme.okta.com"),
// query string or fragment.
func uriPath(uri string) string {
	if i := strings.Index(uri, "://"); i > 0 && !strings.ContainsAny(uri[:i], "/?#") {
		uri = uri[i+3:]
		if j := strings.IndexByte(uri, '/'); j >= 0 {
			uri = uri[j:]
		} else {
			uri = ""
		}
	}
	for i := 0; i < len(uri); i++ { // strings.IndexAny(uri, "?#"), which builds its set each call
		if uri[i] == '?' || uri[i] == '#' {
			return uri[:i]
		}
	}
	return uri
}

// pathMatches reports whether path's segments (empty ones skipped, as classify skips them) are
// segs: a literal segment equal as written, a placeholder ("") any segment.
func pathMatches(segs []string, path string) bool {
	k := 0
	for path != "" {
		var seg string
		seg, path, _ = strings.Cut(path, "/")
		if seg == "" {
			continue
		}
		if k == len(segs) || segs[k] != "" && segs[k] != seg {
			return false
		}
		k++
	}
	return k == len(segs)
}

// hasUpperASCII reports whether s holds an upper-case ASCII letter.
func hasUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

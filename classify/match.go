package classify

import (
	"slices"
	"strings"
)

// rule is one compiled catalog row, attached to the trie node its pattern ends at.
type rule struct {
	class Class
	mask  uint64 // methods the rule takes, as bits of Catalog.methods; allMethods for any
}

// node is a node of the segment trie the rules compile into. The root stands for the empty path.
type node struct {
	lits   []edge // literal children, in catalog order
	ph     *node  // the {placeholder} child, shared by every placeholder name at this position
	exact  []rule // rules matching only a path that ends here
	prefix []rule // rules matching a path that ends here or goes on below
	// name is a placeholder node's name (the best of the rules' names for it, see betterName), and
	// tmpl the template of the path to the node, e.g. "/api/v1/users/{idOrLogin}" (AppendTemplate).
	name, tmpl string
}

// edge is a literal child of a node.
type edge struct {
	seg   string
	child *node
}

// insert adds r under the path of its pattern.
func (n *node) insert(r *row) {
	names := placeholderNames(r.pattern)
	for i, s := range r.segs {
		n = n.child(s)
		if s == "" && i < len(names) && betterName(names[i], n.name) {
			n.name = names[i]
		}
	}
	ru := rule{class: r.class, mask: r.mask}
	if r.exact {
		n.exact = append(n.exact, ru)
	} else {
		n.prefix = append(n.prefix, ru)
	}
}

// child returns n's child for pattern segment s ("" = placeholder), creating it if needed.
func (n *node) child(s string) *node {
	if s == "" {
		if n.ph == nil {
			n.ph = &node{}
		}
		return n.ph
	}
	for _, e := range n.lits {
		if e.seg == s {
			return e.child
		}
	}
	c := &node{}
	n.lits = append(n.lits, edge{s, c})
	return c
}

// find returns the node of a parsed pattern, which must exist.
func (n *node) find(segs []string) *node {
	for _, s := range segs {
		n = n.child(s)
	}
	return n
}

// classes marks the class of every rule at n and below.
func (n *node) classes(seen *[256]bool) {
	for _, rs := range [][]rule{n.exact, n.prefix} {
		for i := range rs {
			seen[rs[i].class] = true
		}
	}
	for i := range n.lits {
		n.lits[i].child.classes(seen)
	}
	if n.ph != nil {
		n.ph.classes(seen)
	}
}

// Classify returns the class of a request: the index in c.Buckets of the bucket it counts against,
// [PublicMetadata], or [OutsideCatalog]. method is the request method as logged, compared exactly
// (upper case: "get" is not GET, and matches only rules for any method). target is the request
// target as logged: a path, with or without a query string, or an absolute URL. See the package
// documentation for how the path is split and matched. Classify does not allocate.
func (c *Catalog) Classify(method, target string) Class {
	if c == nil || c.root == nil {
		return OutsideCatalog
	}
	if cl, ok := c.root.match(requestPath(target), c.methodBit(method)); ok {
		return cl
	}
	return OutsideCatalog
}

// ClassifyAmong classifies a request made with one of methods, without knowing which (an Okta System
// Log event records no method): it returns the class every method gives when they all give the same
// one, and otherwise [MethodUnknown]; cands receives the distinct classes the methods give, in
// ascending order (appended to cands[:0]). With no method at all it returns MethodUnknown and no
// candidate. GET and POST /api/v1/users are both users in the built-in catalogs, so
// ClassifyAmong([]string{"GET", "POST"}, "/api/v1/users", nil) is users; GET and PUT
// /api/v1/users/{id} are users-get and users-update, so those two give MethodUnknown and both.
func (c *Catalog) ClassifyAmong(methods []string, target string, cands []Class) (Class, []Class) {
	var cls [8]Class
	all := cls[:0]
	for _, m := range methods {
		all = append(all, c.Classify(m, target))
	}
	return Among(all, cands)
}

// Among is the class of a request that has one of several classes, not knowing which (see
// [Catalog.ClassifyAmong]): the one they all are, or [MethodUnknown] when they differ or there are
// none. cands receives the distinct classes, in ascending order (appended to cands[:0]).
func Among(classes []Class, cands []Class) (Class, []Class) {
	cands = cands[:0]
	for _, cl := range classes {
		i, found := slices.BinarySearch(cands, cl)
		if !found {
			cands = slices.Insert(cands, i, cl)
		}
	}
	if len(cands) == 1 {
		return cands[0], cands
	}
	return MethodUnknown, cands
}

// methodBit returns the bit of method in rule masks.
func (c *Catalog) methodBit(method string) uint64 {
	for i, m := range c.methods {
		if m == method {
			return 1 << i
		}
	}
	return otherMethod
}

// match returns the class of the deepest rule matching path p (the part of the path below n) for
// method bit m, trying the literal child before the placeholder child and falling back to n's own
// prefix rules only when neither subtree matches.
func (n *node) match(p string, m uint64) (Class, bool) {
	seg, rest, pct, more := nextSegment(p)
	if !more {
		if cl, ok := pick(n.exact, m); ok {
			return cl, true
		}
		return pick(n.prefix, m)
	}
	if len(n.lits) > 0 {
		if child := n.literal(seg, pct); child != nil {
			if cl, ok := child.match(rest, m); ok {
				return cl, true
			}
		}
	}
	if n.ph != nil {
		if cl, ok := n.ph.match(rest, m); ok {
			return cl, true
		}
	}
	return pick(n.prefix, m)
}

// pick returns the class of the first rule in rs taking method bit m.
func pick(rs []rule, m uint64) (Class, bool) {
	for i := range rs {
		if rs[i].mask&m != 0 {
			return rs[i].class, true
		}
	}
	return 0, false
}

// literal returns the literal child of n whose segment equals the raw path segment seg once
// percent-decoded; pct says whether seg holds a %. A segment with an invalid escape is compared raw.
func (n *node) literal(seg string, pct bool) *node {
	if pct && validEscapes(seg) {
		for i := range n.lits {
			if unescapedEqual(seg, n.lits[i].seg) {
				return n.lits[i].child
			}
		}
		return nil
	}
	for i := range n.lits {
		if n.lits[i].seg == seg {
			return n.lits[i].child
		}
	}
	return nil
}

// requestPath returns target without its scheme and authority when it is an absolute URL. The
// query string and fragment are left on: nextSegment stops at them.
func requestPath(t string) string {
	if n := schemeLen(t); n > 0 {
		t = t[n:]
		i := 0
		for i < len(t) && t[i] != '/' && t[i] != '?' && t[i] != '#' {
			i++
		}
		t = t[i:]
	}
	return t
}

// schemeLen returns the length of a leading "scheme://" of t (RFC 3986 scheme syntax), or 0.
func schemeLen(t string) int {
	if len(t) == 0 || !isAlpha(t[0]) {
		return 0
	}
	for i := 1; i < len(t); i++ {
		switch c := t[i]; {
		case isAlpha(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.':
		case c == ':' && strings.HasPrefix(t[i:], "://"):
			return i + 3
		default:
			return 0
		}
	}
	return 0
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// Byte classes for nextSegment.
const (
	bSlash = 1 << iota // ends a segment
	bEnd               // ? or #: ends the path
	bPct               // %: the segment needs decoding
)

var byteClass = [256]uint8{'/': bSlash, '?': bEnd, '#': bEnd, '%': bPct}

// nextSegment returns the first non-empty /-separated segment of p, which ends at the first ? or #
// (query string and fragment are not part of the path), and the rest of p after the segment. pct
// reports whether seg holds a %; more is false when p holds no further non-empty segment.
func nextSegment(p string) (seg, rest string, pct, more bool) {
	i := 0
	for i < len(p) && p[i] == '/' {
		i++
	}
	if i == len(p) || byteClass[p[i]]&bEnd != 0 {
		return "", "", false, false
	}
	j := i
	var cls uint8
	for ; j < len(p); j++ {
		c := byteClass[p[j]]
		if c&(bSlash|bEnd) != 0 {
			break
		}
		cls |= c
	}
	return p[i:j], p[j:], cls&bPct != 0, true
}

// validEscapes reports whether every % in s starts a %XX escape with two hex digits.
func validEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		}
	}
	return true
}

// unescapedEqual reports whether raw, percent-decoded, equals lit. raw's escapes must be valid.
func unescapedEqual(raw, lit string) bool {
	j := 0
	for i := 0; i < len(raw); i++ {
		b := raw[i]
		if b == '%' {
			b = unhex(raw[i+1])<<4 | unhex(raw[i+2])
			i += 2
		}
		if j >= len(lit) || lit[j] != b {
			return false
		}
		j++
	}
	return j == len(lit)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

package analyze

import (
	"hash/maphash"
	"strings"

	"github.com/ratecard/ratecard/classify"
)

// routeCache remembers, for one parser, the class and path-template id of each request line seen
// (method and target up to its query string or fragment, which neither depends on): a month of logs
// repeats a few thousand endpoints millions of times (tens of thousands of request lines, with ids in
// paths), and a lookup costs less than classifying and templating again. It is an open-addressing
// hash table keyed by a 128-bit hash of the request line (two maphash values with seeds of their
// own), without the line itself: comparing the line spent a third of the lookup on cache misses and
// memeqbody, and copying it into a key another part. Two distinct request lines share a key with a
// probability of about n²/2¹²⁹ (n ≤ maxRoutes: below 10⁻²⁸), the bound the System Log's request
// identities already rely on (hash128). Past maxRoutes entries it stops adding and the rest is
// computed.
type routeCache struct {
	// cat classifies, other (nil: none) classifies again for the comparison of catalogs, and
	// templates names the path templates.
	cat, other, templates *classify.Catalog
	paths                 *dict
	slots                 []routeSlot // len a power of two, at most three quarters full
	n                     int         // entries in slots
	// seeds of the two halves of the key, for each common method (methodSeeds) and, for another
	// method, of its path (seeds[0]) and of the method itself (mseed).
	seeds [len(commonMethods) + 1][2]maphash.Seed
	mseed [2]maphash.Seed
	tmpl  []byte
}

// commonMethods are the methods whose request lines are keyed by their path alone, hashed with
// seeds of the method's own: one hash a half rather than two.
var commonMethods = [...]string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}

// routeSlot is one entry: a request line's key (key[0] == 0: an empty slot) and its route.
type routeSlot struct {
	key [2]uint64
	r   route
}

// route is a cached classification: the class in the parser's first catalog, the class in the other
// built-in catalog (classify.OutsideCatalog when there is none), the path-template id, and the
// client-limited endpoint (classify.ClientEndpoint).
type route struct {
	class, other, endpoint uint8
	path                   uint32
}

// maxRoutes bounds a routeCache (3 MiB of slots at most).
const maxRoutes = 1 << 16

func newRouteCache(cat, other, templates *classify.Catalog, paths *dict) *routeCache {
	c := &routeCache{cat: cat, other: other, templates: templates, paths: paths, slots: make([]routeSlot, 1024),
		mseed: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
	for i := range c.seeds {
		c.seeds[i] = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	}
	prefault(c.slots)
	return c
}

// key returns the 128-bit key of the request line of method and path (never 0 in its first half,
// the mark of an empty slot).
func (c *routeCache) key(method, path string) [2]uint64 {
	if m := methodIndex(method); m > 0 {
		s := &c.seeds[m]
		return [2]uint64{maphash.String(s[0], path) | 1, maphash.String(s[1], path)}
	}
	s := &c.seeds[0]
	return [2]uint64{(maphash.String(s[0], path) ^ maphash.String(c.mseed[0], method)) | 1,
		maphash.String(s[1], path) ^ maphash.String(c.mseed[1], method)}
}

// methodIndex is 1 + method's index in commonMethods, or 0 for another method.
func methodIndex(method string) int {
	switch method {
	case "GET":
		return 1
	case "POST":
		return 2
	case "PUT":
		return 3
	case "DELETE":
		return 4
	case "PATCH":
		return 5
	case "HEAD":
		return 6
	case "OPTIONS":
		return 7
	}
	return 0
}

// route returns the class of a request in c.cat and in c.other, and the id of its path template in
// c.paths, adding new template names to *added.
func (c *routeCache) route(method, target string, added *[]string) route {
	// The path up to the query string or fragment: Classify and AppendTemplate stop there too.
	// (IndexByte is vectorised, IndexAny is not.)
	path := target
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path = path[:i]
	}
	k := c.key(method, path)
	mask := uint64(len(c.slots) - 1)
	for i := k[0] & mask; c.slots[i].key[0] != 0; i = (i + 1) & mask {
		if s := &c.slots[i]; s.key == k {
			return s.r
		}
	}
	c.tmpl = c.templates.AppendTemplate(c.tmpl[:0], target)
	r := route{class: uint8(c.cat.Classify(method, target)), other: uint8(classify.OutsideCatalog), path: c.paths.idBytes(c.tmpl, added),
		endpoint: uint8(classify.ClientEndpoint(target))}
	if c.other != nil {
		r.other = uint8(c.other.Classify(method, target))
	}
	c.insert(k, r)
	return r
}

// insert adds key k (k[0] != 0) with its route, unless the cache holds maxRoutes entries. The table
// doubles when it would be more than three quarters full: a smaller table misses the cache less
// often than the longer probes cost (a month's 24,500 request lines: 768 KiB of slots rather than
// 1.5 MiB; 5 % less CPU on the bench month).
func (c *routeCache) insert(k [2]uint64, r route) {
	if c.n >= maxRoutes {
		return
	}
	if 4*(c.n+1) > 3*len(c.slots) {
		old := c.slots
		c.slots, c.n = make([]routeSlot, 2*len(old)), 0
		prefault(c.slots)
		for _, s := range old {
			if s.key[0] != 0 {
				c.insert(s.key, s.r)
			}
		}
	}
	mask := uint64(len(c.slots) - 1)
	i := k[0] & mask
	for c.slots[i].key[0] != 0 {
		i = (i + 1) & mask
	}
	c.slots[i] = routeSlot{key: k, r: r}
	c.n++
}

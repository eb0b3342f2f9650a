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
// hash table keyed by the request line, hashed once per request: a Go map behind a small direct-mapped
// table, as before, hashed most requests twice and missed the table on a third of them. Past
// maxRoutes entries it stops adding and the rest is computed.
type routeCache struct {
	// cat classifies, other (nil: none) classifies again for the comparison of catalogs, and
	// templates names the path templates.
	cat, other, templates *classify.Catalog
	paths                 *dict
	slots                 []routeSlot // len a power of two, at most half full
	n                     int         // entries in slots
	seed                  maphash.Seed
	key, tmpl             []byte
}

// routeSlot is one entry: a request line's hash (0: an empty slot), the line, and its route.
type routeSlot struct {
	hash uint64
	key  string
	r    route
}

// route is a cached classification: the class in the parser's first catalog, the class in the other
// built-in catalog (classify.OutsideCatalog when there is none), the path-template id, and the
// client-limited endpoint (classify.ClientEndpoint).
type route struct {
	class, other, endpoint uint8
	path                   uint32
}

// maxRoutes bounds a routeCache (4 MiB of slots at most).
const maxRoutes = 1 << 16

func newRouteCache(cat, other, templates *classify.Catalog, paths *dict) *routeCache {
	c := &routeCache{cat: cat, other: other, templates: templates, paths: paths, slots: make([]routeSlot, 1024), seed: maphash.MakeSeed()}
	prefault(c.slots)
	return c
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
	c.key = append(append(append(c.key[:0], method...), ' '), path...)
	h := maphash.Bytes(c.seed, c.key) | 1 // never 0, the mark of an empty slot
	mask := uint64(len(c.slots) - 1)
	for i := h & mask; c.slots[i].hash != 0; i = (i + 1) & mask {
		if s := &c.slots[i]; s.hash == h && s.key == string(c.key) {
			return s.r
		}
	}
	c.tmpl = c.templates.AppendTemplate(c.tmpl[:0], target)
	r := route{class: uint8(c.cat.Classify(method, target)), other: uint8(classify.OutsideCatalog), path: c.paths.idBytes(c.tmpl, added),
		endpoint: uint8(classify.ClientEndpoint(target))}
	if c.other != nil {
		r.other = uint8(c.other.Classify(method, target))
	}
	c.insert(h, string(c.key), r)
	return r
}

// insert adds key, whose hash is h (not 0), with its route, unless the cache holds maxRoutes entries.
// The table doubles when it would be more than half full.
func (c *routeCache) insert(h uint64, key string, r route) {
	if c.n >= maxRoutes {
		return
	}
	if 2*(c.n+1) > len(c.slots) {
		old := c.slots
		c.slots, c.n = make([]routeSlot, 2*len(old)), 0
		prefault(c.slots)
		for _, s := range old {
			if s.hash != 0 {
				c.insert(s.hash, s.key, s.r)
			}
		}
	}
	mask := uint64(len(c.slots) - 1)
	i := h & mask
	for c.slots[i].hash != 0 {
		i = (i + 1) & mask
	}
	c.slots[i] = routeSlot{hash: h, key: key, r: r}
	c.n++
}

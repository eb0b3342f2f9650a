package analyze

import (
	"fmt"
	"strings"
	"sync"

	"github.com/ratecard/ratecard/ingest"
)

// maxDictNames bounds each parser's client and agent dictionaries (and so memory on inputs with
// millions of distinct client addresses, as a CDN in front of Okta writes): later new names are
// counted as "(other)". Heavy callers, the ones the drill-down is for, show up long before the bound.
const maxDictNames = 1 << 16

// Dictionary ids with a fixed meaning, in parsers and globally.
const (
	idNone  = 0 // not logged ("")
	idOther = 1 // a name past maxDictNames
)

// dict interns the strings of one parser.
type dict struct {
	ids  map[string]uint32
	next uint32
}

func newDict() *dict { return &dict{ids: map[string]uint32{}, next: 2} }

// id returns s's id, adding s (a copy) to *added when it is new. Looking up s does not allocate.
func (d *dict) id(s string, added *[]string) uint32 {
	if s == "" {
		return idNone
	}
	if id, ok := d.ids[s]; ok {
		return id
	}
	if len(d.ids) >= maxDictNames {
		return idOther
	}
	s = strings.Clone(s)
	id := d.next
	d.next++
	d.ids[s] = id
	*added = append(*added, s)
	return id
}

// idBytes is id for a name held in a byte slice, which it does not keep.
func (d *dict) idBytes(b []byte, added *[]string) uint32 {
	if id, ok := d.ids[string(b)]; ok { // no allocation for the lookup
		return id
	}
	return d.id(string(b), added)
}

// ipv4Flag marks a client id that is an IPv4 address itself (flag | a<<24 | b<<16 | c<<8 | d) rather
// than a dictionary id: most logs' clients are IPv4 addresses, and coding them directly spares a map
// lookup per request on inputs with hundreds of thousands of addresses.
const ipv4Flag = 1 << 32

// clientID is the id of a client address: the address itself for a dotted-quad IPv4, else a
// dictionary id.
func clientID(d *dict, s string, added *[]string) uint64 {
	if ip, ok := parseIPv4(s); ok {
		return ipv4Flag | uint64(ip)
	}
	return uint64(d.id(s, added))
}

// parseIPv4 parses a canonical dotted quad ("10.0.0.1": no leading zeros, no spaces).
func parseIPv4(s string) (uint32, bool) {
	var ip uint32
	part, digits, dots := uint32(0), 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits > 0 && part == 0 { // a leading zero
				return 0, false
			}
			part = part*10 + uint32(c-'0')
			digits++
			if digits > 3 || part > 255 {
				return 0, false
			}
		case c == '.' && digits > 0 && dots < 3:
			ip, part, digits = ip<<8|part, 0, 0
			dots++
		default:
			return 0, false
		}
	}
	if dots != 3 || digits == 0 {
		return 0, false
	}
	return ip<<8 | part, true
}

// ipv4Name is the dotted quad of a client id coded with ipv4Flag (other ids are named by the
// client_names table).
func ipv4Name(id uint64) string {
	ip := uint32(id)
	return fmt.Sprintf("%d.%d.%d.%d", ip>>24, ip>>16&255, ip>>8&255, ip&255)
}

// globalDict gives the names of every parser one set of global ids. Each parser keeps its own map
// from its ids to global ones (parser.remap), so that its batches are translated on its own goroutine
// without a lock; registering the names a parser added takes the lock of the globalDicts.
type globalDict struct {
	ids   map[string]uint32
	names []string
	// mask, when set, rewrites every name before it is registered (ingest.Redact for client host
	// names and user agents, raw input text that may hold a login or a token), so that neither the
	// analysis nor a store holds it; names that mask to the same text share one id.
	mask func(string) string
}

func newGlobalDict(mask func(string) string) *globalDict {
	return &globalDict{ids: map[string]uint32{}, names: []string{"", "(other)"}, mask: mask}
}

// register gives the names a parser added (in the order it added them: its ids 2, 3, ...) global
// ids, appending them to the parser's map m. The caller holds the globalDicts' lock.
func (g *globalDict) register(m *[]uint32, added []string) {
	for _, s := range added {
		if g.mask != nil {
			s = g.mask(s)
		}
		id, ok := g.ids[s]
		if !ok {
			id = uint32(len(g.names))
			g.ids[s] = id
			g.names = append(g.names, s)
		}
		*m = append(*m, id)
	}
}

// globalDicts are the four dictionaries of a run: client addresses, user agents, principals and
// path templates.
type globalDicts struct {
	mu                                 sync.Mutex
	clients, agents, principals, paths *globalDict
}

func newGlobalDicts() *globalDicts {
	return &globalDicts{clients: newGlobalDict(ingest.Redact), agents: newGlobalDict(ingest.Redact),
		principals: newGlobalDict(nil), paths: newGlobalDict(nil)}
}

// names returns the names behind the global ids (index = id). Every parser is done.
func (g *globalDicts) names() names {
	return names{clients: g.clients.names, agents: g.agents.names, principals: g.principals.names, paths: g.paths.names}
}

// translate rewrites the ids of b, its parser w's own, to global ones, registering the names w added
// while filling it. It runs on w's goroutine, or on the one goroutine that takes w's batches.
func (g *globalDicts) translate(w *parser, b *batch) {
	g.register(w, &b.newClients, &b.newAgents, &b.newPrincipals, &b.newPaths)
	translate64(w.remap[0], b.client)
	translate32(w.remap[1], b.agent)
	translate32(w.remap[2], b.principal)
	translate32(w.remap[3], b.path)
	translate64(w.remap[0], b.sys.client)
	translate32(w.remap[1], b.sys.agent)
	translate32(w.remap[2], b.sys.prin)
	translate32(w.remap[3], b.sys.path)
}

// register gives the client, agent, principal and path names w added (in the order it added them)
// global ids in w.remap, and empties the lists.
func (g *globalDicts) register(w *parser, clients, agents, principals, paths *[]string) {
	if len(*clients)+len(*agents)+len(*principals)+len(*paths) > 0 {
		g.mu.Lock()
		g.clients.register(&w.remap[0], *clients)
		g.agents.register(&w.remap[1], *agents)
		g.principals.register(&w.remap[2], *principals)
		g.paths.register(&w.remap[3], *paths)
		g.mu.Unlock()
		*clients, *agents, *principals, *paths = (*clients)[:0], (*agents)[:0], (*principals)[:0], (*paths)[:0]
	}
}

// translate32 maps every id of col through m.
func translate32(m []uint32, col []uint32) {
	for i, v := range col {
		col[i] = m[v]
	}
}

// translate64 is translate32 for client ids, which may be IPv4 addresses (kept as they are).
func translate64(m []uint32, col []uint64) {
	for i, v := range col {
		if v&ipv4Flag == 0 {
			col[i] = uint64(m[v])
		}
	}
}

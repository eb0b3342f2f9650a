package analyze

import (
	"fmt"
	"strings"
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

// globalDict maps each parser's ids to global ones, in the loading goroutine.
type globalDict struct {
	ids   map[string]uint32
	names []string
	remap map[*parser][]uint32 // a parser's id -> global id
	// mask, when set, rewrites every name before it is registered (ingest.Redact for client host
	// names and user agents, raw input text that may hold a login or a token), so that neither the
	// analysis nor a store holds it; names that mask to the same text share one id.
	mask func(string) string
}

func newGlobalDict(mask func(string) string) *globalDict {
	return &globalDict{ids: map[string]uint32{}, names: []string{"", "(other)"}, remap: map[*parser][]uint32{}, mask: mask}
}

// translate rewrites a batch's ids of column col, p's own, to global ones, registering the names p
// added (in the order it added them: its ids 2, 3, ...).
func (g *globalDict) translate(p *parser, added []string, col []uint32) {
	g.register(p, added)
	m := g.remap[p]
	for i, v := range col {
		col[i] = m[v]
	}
}

// translate64 is translate for client ids, which may be IPv4 addresses (kept as they are).
func (g *globalDict) translate64(p *parser, added []string, col []uint64) {
	g.register(p, added)
	m := g.remap[p]
	for i, v := range col {
		if v&ipv4Flag == 0 {
			col[i] = uint64(m[v])
		}
	}
}

// register gives the names a parser added global ids.
func (g *globalDict) register(p *parser, added []string) {
	m := g.remap[p]
	if m == nil {
		m = []uint32{idNone, idOther}
	}
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
		m = append(m, id)
	}
	g.remap[p] = m
}

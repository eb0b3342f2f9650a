package analyze

import (
	"cmp"
	"encoding/binary"
	"math/bits"
	"runtime"
	"slices"
	"strings"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
	"github.com/zeebo/xxh3"
)

// Requests recovered from Okta System Log events are not counted as they are read: one request
// often writes several events (the same ingest.Record.RequestID and target), maybe in several files
// of the run (exported per event type) or parts of a file (ingest.OpenParts cuts a large NDJSON
// export like any JSON-lines file), and log streams deliver an event more than once (the same
// ingest.Record.EventID, the uuid). Each parser holds such requests aside, compactly (sysRows: about
// 75 bytes a request, plus 7 a catalog), and once every file is read, resolveSys (sysresolve.go)
// counts each request once and each event once, the same whatever the order in which files are
// given or parts finish.

// allMethods is every method of an ingest.MethodSet, and numMethods their number.
var (
	allMethods = ingest.MethodSet(^uint8(0)).Methods()
	numMethods = len(allMethods)
)

// hash128 is 128 bits of a request's or an event's identity (requestKey, uuidBits); zero means none.
type hash128 [2]uint64

// requestKey is the 128-bit XXH3 hash of a System Log request's identity, its request id and its
// request URI (the id's length first, so that no two pairs run together into the same bytes),
// made in *buf; never zero. Two distinct identities share it with a probability of about n²/2¹²⁹.
// It only tells requests apart (nothing is ordered by it), so a faster hash than fnv128, which
// takes about four times as long on a request's 80 bytes, does.
func requestKey(buf *[]byte, id, uri string) hash128 {
	b := binary.AppendUvarint((*buf)[:0], uint64(len(id)))
	b = append(append(b, id...), uri...)
	*buf = b
	h := xxh3.Hash128(b)
	if h.Hi == 0 && h.Lo == 0 {
		return hash128{0, 1}
	}
	return hash128{h.Hi, h.Lo}
}

// fnv128 is the 128-bit FNV-1a hash of the strings, each followed by a 0 byte: the bits of an
// event id that is not a UUID (uuidBits). Events are ordered by those bits, which decides which of a
// request's events counts, so this hash stays fixed. Two distinct identities share it with a
// probability of about n²/2¹²⁹.
func fnv128(ss ...string) hash128 {
	hi, lo := uint64(0x6c62272e07bb0142), uint64(0x62b821756295c58d)
	mul := func() { // (hi, lo) *= 2^88 + 0x13b, modulo 2^128
		h, l := bits.Mul64(lo, 0x13b)
		hi, lo = hi*0x13b+lo<<24+h, l
	}
	for _, s := range ss {
		for i := 0; i < len(s); i++ {
			lo ^= uint64(s[i])
			mul()
		}
		mul() // the 0 byte
	}
	return hash128{hi, lo}
}

// uuidBits is the 128 bits of a UUID in its 8-4-4-4-12 hexadecimal form (as ingest.Record.EventID
// holds it), either case, or, for any other string, its fnv128 hash. The 32 digits are read from
// their fixed places without a branch each; a byte that is not a digit is caught once, at the end.
func uuidBits(s string) hash128 {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return fnv128(s)
	}
	var hi, lo uint64
	var bad uint8 // the OR of the digits' values: over 15 when one is not a digit
	for _, i := range uuidDigits[:16] {
		v := hexValue[s[i]]
		bad |= v
		hi = hi<<4 | uint64(v&15)
	}
	for _, i := range uuidDigits[16:] {
		v := hexValue[s[i]]
		bad |= v
		lo = lo<<4 | uint64(v&15)
	}
	if bad > 15 || hi|lo == 0 { // not a UUID, or the nil UUID (zero means "none")
		return fnv128(s)
	}
	return hash128{hi, lo}
}

// uuidDigits are the places of a UUID's 32 hexadecimal digits in its 8-4-4-4-12 form.
var uuidDigits = [32]uint8{0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 19, 20, 21, 22,
	24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35}

// hexValue is the value of each hexadecimal digit, either case; 255 for any other byte.
var hexValue = func() (t [256]uint8) {
	for i := range t {
		t[i] = 255
	}
	for i, c := range "0123456789abcdef" {
		t[c] = uint8(i)
	}
	for i, c := range "ABCDEF" {
		t[c] = uint8(10 + i)
	}
	return t
}()

// sysRows holds System Log requests until every file of a run is read, as columns: one entry per
// event. Client, agent, principal and path ids are its parser's own in a batch, global ones once the
// batch is translated (globalDicts.translate).
type sysRows struct {
	ts        []int64
	key, uuid []hash128 // RequestID and target; EventID (zero: none)
	part      []int32   // index of the part in the run
	line      []int64   // line in the part
	methods   []ingest.MethodSet
	// cls holds, for row i, catalog k and the j-th method of a MethodSet, the class at
	// (i·ncat + k)·numMethods + j (for the row's own methods; 0 for the others).
	cls     []uint8
	path    []uint32
	status  []uint16
	client  []uint64
	agent   []uint32
	prin    []uint32
	seen    []uint64 // the --dedupe hash, only with Options.Dedupe
	ncat    int
	dedupes bool // seen is kept
}

func (s *sysRows) len() int { return len(s.ts) }

// sysBatchRows is the most System Log requests a batch holds: a parser hands a batch on when it has
// that many (a chunk of about 1.3 MB), and the chunk is kept as it is until every part is read.
const sysBatchRows = 1 << 14

// alloc gives s's columns room for sysBatchRows requests, from sl.
func (s *sysRows) alloc(sl *slab) {
	const n = sysBatchRows
	s.ts, s.key, s.uuid, s.part, s.line = slabSlice[int64](sl, n), slabSlice[hash128](sl, n), slabSlice[hash128](sl, n), slabSlice[int32](sl, n), slabSlice[int64](sl, n)
	s.methods, s.cls, s.path, s.status = slabSlice[ingest.MethodSet](sl, n), slabSlice[uint8](sl, n*s.ncat*numMethods), slabSlice[uint32](sl, n), slabSlice[uint16](sl, n)
	s.client, s.agent, s.prin = slabSlice[uint64](sl, n), slabSlice[uint32](sl, n), slabSlice[uint32](sl, n)
	if s.dedupes {
		s.seen = slabSlice[uint64](sl, n)
	}
}

// flatten joins chunks into one sysRows, column by column, letting each chunk's column go once
// copied (so that memory holds the rows about once). The columns are copied on up to GOMAXPROCS
// goroutines: the copy is a serial stage of a System Log run (80-230 ms of 1 M events on one
// goroutine, most of it first touches of fresh memory).
func flatten(chunks []sysRows, ncat int) *sysRows {
	s := &sysRows{ncat: ncat}
	n := 0
	for i := range chunks {
		n += chunks[i].len()
	}
	// The largest columns first, so that the goroutines finish about together.
	cols := []func(){
		func() { s.key = joinCol(chunks, n, func(c *sysRows) *[]hash128 { return &c.key }) },
		func() { s.uuid = joinCol(chunks, n, func(c *sysRows) *[]hash128 { return &c.uuid }) },
		func() { s.cls = joinCol(chunks, n*ncat*numMethods, func(c *sysRows) *[]uint8 { return &c.cls }) },
		func() { s.ts = joinCol(chunks, n, func(c *sysRows) *[]int64 { return &c.ts }) },
		func() { s.line = joinCol(chunks, n, func(c *sysRows) *[]int64 { return &c.line }) },
		func() { s.client = joinCol(chunks, n, func(c *sysRows) *[]uint64 { return &c.client }) },
		func() { s.seen = joinCol(chunks, 0, func(c *sysRows) *[]uint64 { return &c.seen }) },
		func() { s.part = joinCol(chunks, n, func(c *sysRows) *[]int32 { return &c.part }) },
		func() { s.path = joinCol(chunks, n, func(c *sysRows) *[]uint32 { return &c.path }) },
		func() { s.agent = joinCol(chunks, n, func(c *sysRows) *[]uint32 { return &c.agent }) },
		func() { s.prin = joinCol(chunks, n, func(c *sysRows) *[]uint32 { return &c.prin }) },
		func() { s.status = joinCol(chunks, n, func(c *sysRows) *[]uint16 { return &c.status }) },
		func() { s.methods = joinCol(chunks, n, func(c *sysRows) *[]ingest.MethodSet { return &c.methods }) },
	}
	eachTask(runtime.GOMAXPROCS(0), len(cols), func(_, i int) { cols[i]() })
	return s
}

// joinCol concatenates one column of the chunks (n values, a hint), clearing it in each.
func joinCol[T any](chunks []sysRows, n int, col func(*sysRows) *[]T) []T {
	out := makeHuge[T](0, n)
	for i := range chunks {
		c := col(&chunks[i])
		out = append(out, *c...)
		*c = nil
	}
	return out
}

// classes returns the classes of row i in catalog k, one per method of a MethodSet.
func (s *sysRows) classes(i, k int) []uint8 {
	at := (i*s.ncat + k) * numMethods
	return s.cls[at : at+numMethods]
}

// sysRoute is what a parser remembers of a System Log request's path: its template id and its class
// in each catalog under the methods known so far.
type sysRoute struct {
	path  uint32
	known ingest.MethodSet // the methods cls holds the classes of
	cls   []uint8          // catalog k, method j at k·numMethods + j
}

// sysRouteOf appends to cls the classes of target in each catalog under each method of methods (0
// for the other methods; catalog k, method j at k·numMethods + j), and returns its path template id,
// adding a new template name to *added. The parser remembers the route of each path (up to
// maxRoutes paths), with the classes of the methods its requests have had so far. (A catalog
// classifies a path without its query string, which the cache leaves out too.)
func (w *parser) sysRouteOf(target string, methods ingest.MethodSet, cls []uint8, added *[]string) (uint32, []uint8) {
	path := target
	for i := 0; i < len(path); i++ { // strings.IndexAny(path, "?#"), which builds its set each call
		if path[i] == '?' || path[i] == '#' {
			path = path[:i]
			break
		}
	}
	at := len(cls)
	cls = append(cls, make([]uint8, len(w.sysCats)*numMethods)...)
	out := cls[at:]
	classify := func(dst []uint8, need ingest.MethodSet) {
		for j, m := range allMethods {
			if need&(1<<j) != 0 {
				for k, c := range w.sysCats {
					dst[k*numMethods+j] = uint8(c.Classify(m, target))
				}
			}
		}
	}
	r, ok := w.sysRoutes[path]
	if !ok {
		w.tmpl = w.templates.AppendTemplate(w.tmpl[:0], target)
		r.path = w.paths.idBytes(w.tmpl, added)
		if len(w.sysRoutes) >= maxRoutes { // past the cache's size: classified for this request alone
			classify(out, methods)
			return r.path, cls
		}
		r.cls = make([]uint8, len(out))
	}
	if need := methods &^ r.known; need != 0 {
		classify(r.cls, need)
		r.known |= need
		w.sysRoutes[strings.Clone(path)] = r
	}
	for k := range w.sysCats {
		for j := range numMethods {
			if methods&(1<<j) != 0 {
				out[k*numMethods+j] = r.cls[k*numMethods+j]
			}
		}
	}
	return r.path, cls
}

// hold adds a System Log request of part partIdx to the batch's held rows.
func (w *parser) hold(b *batch, partIdx int, rec *ingest.Record, win window) {
	s := &b.sys
	if cap(s.ts) == 0 {
		s.dedupes = win.seen != nil
		s.alloc(&w.sysSlab)
	}
	methods := rec.Methods
	if methods == 0 {
		methods = ingest.APIMethods
	}
	var path uint32
	path, s.cls = w.sysRouteOf(rec.Target, methods, s.cls, &b.newPaths)
	var key, uuid hash128
	if rec.RequestID != "" {
		key = requestKey(&w.keyBuf, rec.RequestID, rec.Target)
	}
	if rec.EventID != "" {
		uuid = uuidBits(rec.EventID)
	}
	s.ts, s.key, s.uuid = append(s.ts, rec.Time), append(s.key, key), append(s.uuid, uuid)
	s.part, s.line, s.methods = append(s.part, int32(partIdx)), append(s.line, int64(rec.Line)), append(s.methods, methods)
	s.path, s.status = append(s.path, path), append(s.status, uint16(min(max(rec.Status, 0), 65535)))
	s.client = append(s.client, clientID(w.clients, rec.Client, &b.newClients))
	s.agent = append(s.agent, w.agents.id(rec.UserAgent, &b.newAgents))
	s.prin = append(s.prin, w.principals.id(win.principals.principal(rec), &b.newPrincipals))
	if win.seen != nil {
		s.seen = append(s.seen, seenHash(rec))
	}
}

// unknownKey is a group of method-unknown requests: the classes they could be in (a bit each, of
// 256) and a path template id.
type unknownKey struct {
	cands [4]uint64
	path  uint32
}

// classBits returns the set of classes cls as unknownKey.cands.
func classBits(cls []classify.Class) (b [4]uint64) {
	for _, c := range cls {
		b[c/64] |= 1 << (c % 64)
	}
	return b
}

// methodUnknownGroups turns one catalog's counts of method-unknown requests into the result's
// groups: by the classes they could be in (named by cat), with their path templates (named by
// paths, the most requests first, at most 10); the most requests first, then by bucket ids.
func methodUnknownGroups(counts map[unknownKey]int64, cat *classify.Catalog, paths []string) []report.MethodUnknown {
	type pathCount struct {
		name string
		n    int64
	}
	byCands := map[[4]uint64][]pathCount{}
	for k, n := range counts {
		name := ""
		if int(k.path) < len(paths) {
			name = paths[k.path]
		}
		byCands[k.cands] = append(byCands[k.cands], pathCount{name, n})
	}
	var out []report.MethodUnknown
	for cands, ps := range byCands {
		g := report.MethodUnknown{}
		for c := range 256 {
			if cands[c/64]&(1<<(c%64)) != 0 {
				g.Buckets = append(g.Buckets, cat.ClassID(classify.Class(c)))
			}
		}
		slices.SortFunc(ps, func(a, b pathCount) int { return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.name, b.name)) })
		for i, p := range ps {
			g.Requests += p.n
			if i < 10 {
				g.Paths = append(g.Paths, p.name)
			}
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b report.MethodUnknown) int {
		return cmp.Or(cmp.Compare(b.Requests, a.Requests), slices.Compare(a.Buckets, b.Buckets))
	})
	return out
}

package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

// Options configure one analysis run.
type Options struct {
	Catalog     *classify.Catalog
	Tier        classify.Tier
	WarnPercent int
	Format      string // "" sniffs each file's format; else passed to ingest
	// LogFormat (an nginx log_format) and Fields (a JSON field mapping) are passed to ingest; see
	// ingest.Options.
	LogFormat string
	Fields    map[string]string
	// ForwardedFor takes the first X-Forwarded-For hop as the client where the log has one.
	ForwardedFor bool
	MaxExamples  int // skipped-line examples kept per file; 0 means ingest's default
	// Workers is the number of goroutines that parse and classify; 0 means GOMAXPROCS. Files are
	// parsed in parallel, and a large plain file is split into line-aligned parts parsed in parallel.
	Workers int
	// Progress, when set, is added the number of input bytes read (compressed bytes for compressed
	// files) as the run goes, and Lines the number of lines parsed; a progress display polls them.
	Progress, Lines *atomic.Int64
	// DB, when set, keeps the classified requests in a DuckDB file at this path (see CreateStore), so
	// that AnalyzeStore can analyse them again without the logs.
	DB string
	// Principals names the callers (see PrincipalMap) whose peaks are judged against their share of
	// each bucket; nil uses the principals the input carries, at DefaultShare.
	Principals *PrincipalMap
	// Learned analyses against the limits Okta announced in the input (LearnedOverrides) instead of
	// the catalog's, for the chosen tier, where it announced any.
	Learned bool
	// Dedupe drops a request identical to one already read (same instant, method, target, status,
	// client, user agent and principal), as overlapping rotated files repeat lines. The files are then
	// read one after another, so which copy counts is the first in input order. Dropped requests stay
	// counted (Input.Duplicates).
	Dedupe bool
	// Strict stops the run, without a Result, at a file that cannot be opened (before anything is
	// read) or read to its end; otherwise such a file is reported (FileInput.Err) and the others are
	// analysed.
	Strict bool
	// From and To, when not zero, keep only requests at or after From and before To (UTC). The
	// others are still parsed and counted (Input.OutsideWindow), never silently dropped.
	From, To time.Time
}

// splitMinBytes is the smallest plain file that is split into parts parsed in parallel: below it the
// split is not worth a second reader.
var splitMinBytes int64 = 32 << 20

// splittableFormats are the line formats whose lines are independent of each other, so a file can
// be cut at any line boundary and each part parsed alone. Header-driven formats are not.
var splittableFormats = map[string]bool{"combined": true, "common": true}

// part is one unit of parsing work: a whole file, or a line-aligned byte range of a plain file.
type part struct {
	file  int // index into paths
	start int64
	r     *ingest.Reader
	f     io.Closer // the file under r when r was made with ingest.NewReader
	stats ingest.Stats
	// outside counts the requests parsed but left out by Options.From/To, dups those --dedupe dropped.
	outside, dups int64
	events        []ingest.Event
	err           error
}

// window is what parsing keeps: the [from, to) span of Unix microseconds of Options.From/To, and,
// with Options.Dedupe, only requests not seen before; and how it names principals and path templates.
type window struct {
	from, to   int64
	seen       *seenSet
	principals *PrincipalMap
	// templates makes the path templates: Options.Catalog, also in a store (whose class columns are
	// every built-in catalog's), so that the drill-down names paths as a plain run does.
	templates *classify.Catalog
}

// seenSet holds a 64-bit FNV-1a hash (fixed, so runs agree) of every request read, for --dedupe. Two
// different requests share a hash with a probability of about n²/2⁶⁵ (1 in 10⁶ for 5 M requests).
type seenSet struct {
	m map[uint64]struct{}
}

func newSeenSet() *seenSet { return &seenSet{m: map[uint64]struct{}{}} }

// add reports whether rec is new, and remembers it. It hashes the fields in place (FNV-1a over the
// instant and status as 8 little-endian bytes each, then each string and a 0 byte), so it allocates
// nothing per request.
func (s *seenSet) add(rec *ingest.Record) bool {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, v := range [2]uint64{uint64(rec.Time), uint64(rec.Status)} {
		for i := 0; i < 8; i++ {
			h = (h ^ v>>(8*i)&0xff) * prime
		}
	}
	for _, f := range [...]string{rec.Method, rec.Target, rec.Client, rec.UserAgent, rec.Principal} {
		for i := 0; i < len(f); i++ {
			h = (h ^ uint64(f[i])) * prime
		}
		h *= prime // the 0 byte between fields: h ^ 0 == h
	}
	if _, dup := s.m[h]; dup {
		return false
	}
	s.m[h] = struct{}{}
	return true
}

// batch is a column-oriented block of classified requests, reused through a free list. Client, agent,
// principal and path ids in it are its parser's own (see dict) until the loading goroutine maps them
// to global ones.
type batch struct {
	Rows
	owner                 *parser  // whose dictionary ids the batch holds
	newClients, newAgents []string // names the parser's dictionaries gained while filling this batch
	newPrincipals         []string
	newPaths              []string
}

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

// routeCache remembers, for one parser, the class and path-template id of each request line seen
// (method and target up to its query string or fragment, which neither depends on): a month of logs
// repeats a few thousand endpoints millions of times (tens of thousands of request lines, with ids in
// paths), and a lookup costs less than classifying and templating again. It is an open-addressing
// hash table keyed by the request line, hashed once per request: a Go map behind a small direct-mapped
// table, as before, hashed most requests twice and missed the table on a third of them. Past
// maxRoutes entries it stops adding and the rest is computed.
type routeCache struct {
	cat, templates *classify.Catalog
	paths          *dict
	slots          []routeSlot // len a power of two, at most half full
	n              int         // entries in slots
	seed           maphash.Seed
	key, tmpl      []byte
}

// routeSlot is one entry: a request line's hash (0: an empty slot), the line, and its route.
type routeSlot struct {
	hash uint64
	key  string
	r    route
}

// route is a cached classification: the class in the parser's first catalog and the path-template id.
type route struct {
	class uint8
	path  uint32
}

// maxRoutes bounds a routeCache (4 MiB of slots at most).
const maxRoutes = 1 << 16

func newRouteCache(cat, templates *classify.Catalog, paths *dict) *routeCache {
	c := &routeCache{cat: cat, templates: templates, paths: paths, slots: make([]routeSlot, 1024), seed: maphash.MakeSeed()}
	prefault(c.slots)
	return c
}

// route returns the class of a request in c.cat and the id of its path template in c.paths, adding
// new template names to *added.
func (c *routeCache) route(method, target string, added *[]string) (uint8, uint32) {
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
			return s.r.class, s.r.path
		}
	}
	c.tmpl = c.templates.AppendTemplate(c.tmpl[:0], target)
	r := route{class: uint8(c.cat.Classify(method, target)), path: c.paths.idBytes(c.tmpl, added)}
	c.insert(h, string(c.key), r)
	return r.class, r.path
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
}

func newGlobalDict() *globalDict {
	return &globalDict{ids: map[string]uint32{}, names: []string{"", "(other)"}, remap: map[*parser][]uint32{}}
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

// AnalyzeFiles reads every file, classifies each request and analyses the traffic.
//
// A path that cannot be opened (missing, unreadable, a directory, an unknown format) is an error
// before any file is read. A file that fails part-way (a truncated gzip stream, a read error) does not
// stop the others: its accounting up to the failure is kept, FileInput.Err says what happened, and the
// returned error names it beside a complete Result, so the caller can still write the report.
// Cancelling ctx stops the run with ctx's error and no Result.
//
// Parsing and classification run on Options.Workers goroutines while the calling goroutine loads the
// classified rows into DuckDB, so the two overlap. The outcome does not depend on the order in which
// parts finish: DuckDB aggregates, and the accounting is merged per file in input order.
func AnalyzeFiles(ctx context.Context, paths []string, opt Options) (*Result, error) {
	if len(paths) == 0 {
		return nil, errors.New("no input files")
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opt.Dedupe {
		workers = 1 // the first copy in input order is the one kept, the same on every run
	}
	iopt := ingest.Options{Format: opt.Format, MaxExamples: opt.MaxExamples, LogFormat: opt.LogFormat, Fields: opt.Fields,
		ForwardedFor: opt.ForwardedFor}
	parts, formats, err := openParts(paths, iopt, workers, opt.Progress, opt.Strict)
	defer func() {
		for _, p := range parts {
			p.close()
		}
	}()
	if err != nil {
		return nil, err
	}
	var openErrs []error
	for _, p := range parts {
		if p.r == nil {
			openErrs = append(openErrs, p.err)
		}
	}
	if len(openErrs) == len(parts) {
		return nil, errors.Join(openErrs...) // nothing to analyse
	}

	cats := []*classify.Catalog{opt.Catalog}
	var an *Analyzer
	if opt.DB != "" {
		if cats, err = builtinCatalogs(); err != nil {
			return nil, err
		}
		an, err = CreateStore(opt.DB, cats, opt.Catalog)
	} else {
		an, err = NewAnalyzer(opt.Catalog)
	}
	if err != nil {
		return nil, err
	}
	defer func() {
		if opt.DB == "" {
			go an.Close() // in memory: freeing it (15 ms for a month) can overlap writing the report
			return
		}
		an.Close() // a store is complete once closed
	}()

	win := window{from: math.MinInt64, to: math.MaxInt64}
	if opt.Dedupe {
		win.seen = newSeenSet()
	}
	if !opt.From.IsZero() {
		win.from = opt.From.UnixMicro()
	}
	if !opt.To.IsZero() {
		win.to = opt.To.UnixMicro()
	}
	win.principals = opt.Principals
	win.templates = opt.Catalog
	trace("opened")
	names, err := runParts(ctx, parts, workers, cats, an, opt.Lines, win)
	if err != nil {
		return nil, err
	}
	trace("parsed")
	// The parsers' buffers, dictionaries and route caches are garbage now, and DuckDB is about to
	// need its memory for the analysis: hand the heap back to the system (a few ms; peak RSS for
	// 5 M lines 398 MiB without, 364 MiB with).
	debug.FreeOSMemory()
	if err := an.SetNames(names); err != nil {
		return nil, err
	}

	in := mergeInput(paths, formats, parts, opt.MaxExamples)
	var readErrs []error
	for _, p := range parts {
		if p.err != nil {
			readErrs = append(readErrs, p.err)
		}
	}
	if opt.Strict && len(readErrs) > 0 {
		return nil, errors.Join(readErrs...) // a file stopped early: no result
	}

	if opt.DB != "" {
		if err := an.SaveInput(in); err != nil {
			return nil, fmt.Errorf("%s: %w", opt.DB, err)
		}
	}
	params := Params{Tier: opt.Tier, WarnPercent: opt.WarnPercent, Principals: opt.Principals}
	if opt.Learned {
		an.KeepRows() // reanalyseLearned analyses again
	}
	res, err := an.Analyze(params, in)
	if err == nil && opt.Learned {
		res, err = an.reanalyseLearned(res, params)
	}
	if err != nil {
		return nil, err
	}
	if !opt.From.IsZero() || !opt.To.IsZero() { // an explicit window is the axis, outliers and all
		res.ChartFrom, res.ChartTo, res.Outliers = res.From, res.To, 0
		res.OutlierFirst, res.OutlierLast = time.Time{}, time.Time{}
	}
	return res, errors.Join(readErrs...)
}

// AnalyzeStore analyses the requests kept in a store (a DuckDB file written by AnalyzeFiles with
// Options.DB) again, for opt's catalog, tier and warning threshold, without reading any log.
func AnalyzeStore(ctx context.Context, path string, opt Options) (*Result, error) {
	an, in, err := OpenStore(path, opt.Catalog)
	if err != nil {
		return nil, err
	}
	defer an.Close()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	params := Params{Tier: opt.Tier, WarnPercent: opt.WarnPercent, Principals: opt.Principals}
	res, err := an.Analyze(params, in)
	if err == nil && opt.Learned {
		res, err = an.reanalyseLearned(res, params)
	}
	return res, err
}

// builtinCatalogs loads every built-in catalog, for a store that can be analysed with any of them.
func builtinCatalogs() ([]*classify.Catalog, error) {
	var cats []*classify.Catalog
	for _, name := range classify.Catalogs() {
		c, err := classify.Load(name)
		if err != nil {
			return nil, err
		}
		cats = append(cats, c)
	}
	return cats, nil
}

// close closes the part's reader and file, once.
func (p *part) close() {
	if p.r != nil {
		p.r.Close()
		p.r = nil
	}
	if p.f != nil {
		p.f.Close()
		p.f = nil
	}
}

// mergeInput sums the accounting of every part into per-file and total figures, in input order.
// Line numbers of a later part of a split file are shifted by the lines of the parts before it, so
// examples carry their line in the whole file.
func mergeInput(paths, formats []string, parts []*part, maxEx int) Input {
	if maxEx == 0 {
		maxEx = 5 // ingest's default
	}
	in := Input{SkippedReasons: map[string]int64{}}
	for i, path := range paths {
		f := FileInput{Path: path, Format: formats[i], SkippedReasons: map[string]int64{}}
		var lineBase, first, last int64
		var examples []ingest.Skip
		for _, p := range parts {
			if p.file != i {
				continue
			}
			st := p.stats
			f.Lines += st.Lines
			f.OutsideWindow += p.outside
			f.Duplicates += p.dups
			f.Requests += st.Requests
			f.Skipped += st.Skipped
			for k, n := range st.Reasons {
				f.SkippedReasons[k] += n
			}
			for _, e := range p.events {
				if len(in.Events) < maxEvents*len(paths) {
					in.Events = append(in.Events, InputEvent{Event: e, File: path})
				}
			}
			for _, ex := range st.Examples {
				ex.Line += int(lineBase)
				examples = append(examples, ex)
			}
			if st.Requests > 0 {
				if first == 0 && last == 0 {
					first, last = st.First, st.Last
				}
				first, last = min(first, st.First), max(last, st.Last)
			}
			if p.err != nil && f.Err == "" {
				if p.start > 0 {
					p.err = fmt.Errorf("%w (in the part of the file from byte %d, after line %d)", p.err, p.start, lineBase)
				}
				f.Err = p.err.Error()
			}
			lineBase += st.Lines
		}
		if len(f.SkippedReasons) == 0 {
			f.SkippedReasons = nil
		}
		if f.Requests > 0 {
			f.First, f.Last = microsToTime(first), microsToTime(last)
		}
		if maxEx > 0 && len(examples) > maxEx {
			examples = examples[:maxEx]
		}
		in.Examples = append(in.Examples, examples...)
		in.Files = append(in.Files, f)
		in.Lines += f.Lines
		in.Requests += f.Requests
		in.OutsideWindow += f.OutsideWindow
		in.Duplicates += f.Duplicates
		in.Skipped += f.Skipped
		for k, n := range f.SkippedReasons {
			in.SkippedReasons[k] += n
		}
	}
	return in
}

// openParts opens every file (so a bad path fails before anything is read) and cuts large plain files
// in a splittable format into line-aligned parts, one per worker.
//
// A file that cannot be opened (missing, unreadable, a directory, an unknown format) is an error when
// strict; otherwise it becomes a part with no reader and its error, reported with the results.
func openParts(paths []string, iopt ingest.Options, workers int, progress *atomic.Int64, strict bool) ([]*part, []string, error) {
	var parts []*part
	formats := make([]string, len(paths))
	for i, path := range paths {
		r, err := ingest.Open(path, iopt)
		if err != nil {
			if strict {
				return parts, nil, err
			}
			parts = append(parts, &part{file: i, err: err})
			continue
		}
		formats[i] = r.Format()
		if path == "-" { // standard input: one stream, read once
			parts = append(parts, &part{file: i, r: r})
			continue
		}
		bounds, err := splitPoints(path, r.Format(), workers)
		if err != nil {
			r.Close()
			return parts, nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(bounds) <= 2 && progress == nil {
			parts = append(parts, &part{file: i, r: r})
			continue
		}
		r.Close()
		po := iopt
		po.Format = formats[i]
		if len(bounds) <= 2 {
			bounds = []int64{0, -1}
		}
		for k := 0; k+1 < len(bounds); k++ {
			p := &part{file: i, start: bounds[k]}
			parts = append(parts, p)
			n := int64(-1)
			if bounds[k+1] >= 0 {
				n = bounds[k+1] - bounds[k]
			}
			if err := p.open(path, po, n, progress); err != nil {
				return parts, nil, err
			}
		}
	}
	return parts, formats, nil
}

// open opens the byte range [p.start, p.start+n) of path (all of it when n < 0) as the part's
// reader, adding the bytes read to progress when it is set.
func (p *part) open(path string, opt ingest.Options, n int64, progress *atomic.Int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	p.f = f
	var src io.Reader = f
	if n >= 0 {
		src = io.NewSectionReader(f, p.start, n)
	}
	if progress != nil {
		src = &countingReader{r: src, n: progress}
	}
	p.r, err = ingest.NewReader(src, path, opt)
	return err
}

// countingReader adds the bytes read through it to n.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	k, err := c.r.Read(b)
	c.n.Add(int64(k))
	return k, err
}

// splitPoints returns the part boundaries of a plain file in a splittable format, starting with 0 and
// ending with its size, each just after a newline; or nil when the file is not to be split.
func splitPoints(path, format string, workers int) ([]int64, error) {
	if workers < 2 || !splittableFormats[format] {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() < splitMinBytes {
		return nil, err
	}
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil {
		return nil, nil
	}
	if bytes.HasPrefix(magic[:], []byte{0x1f, 0x8b}) || bytes.Equal(magic[:], []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		return nil, nil // compressed: the stream cannot be cut
	}
	size := fi.Size()
	bounds := []int64{0}
	buf := make([]byte, 64<<10)
	for k := 1; k < workers; k++ {
		at := max(size*int64(k)/int64(workers), bounds[len(bounds)-1]+1)
		next := int64(-1)
		for off := at - 1; off < size && next < 0; off += int64(len(buf)) {
			n, err := f.ReadAt(buf, off)
			if nl := bytes.IndexByte(buf[:n], '\n'); nl >= 0 {
				next = off + int64(nl) + 1
			} else if err != nil && err != io.EOF {
				return nil, err
			}
		}
		if next < 0 || next >= size {
			break // no line starts after this point: the rest is one part
		}
		bounds = append(bounds, next)
	}
	return append(bounds, size), nil
}

// runParts parses and classifies every part on workers goroutines and loads the rows into an on the
// calling goroutine. Each part's accounting is left in part.stats and part.err.
//
// Client addresses and user agents go into DuckDB as dictionary ids; runParts returns the names
// behind them (index = id).
func runParts(ctx context.Context, parts []*part, workers int, cats []*classify.Catalog, an *Analyzer, lines *atomic.Int64, win window) (Names, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan *part)
	full := make(chan *batch, 2*workers)
	free := make(chan *batch, 3*workers+1)
	for range cap(free) {
		b := &batch{Rows: Rows{TS: make([]int64, 0, batchRows), Status: make([]uint16, 0, batchRows),
			Client: make([]uint64, 0, batchRows), Agent: make([]uint32, 0, batchRows), Principal: make([]uint32, 0, batchRows), Path: make([]uint32, 0, batchRows),
			RL: make([]int32, 0, batchRows), Src: make([]uint8, 0, batchRows)}}
		for range cats {
			b.Class = append(b.Class, make([]uint8, 0, batchRows))
		}
		free <- b
	}
	var wg sync.WaitGroup
	for range min(workers, len(parts)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newParser(cats, win)
			for p := range jobs {
				parsePart(ctx, p, w, full, free, lines, win)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, p := range parts {
			if p.r == nil {
				continue // could not be opened: nothing to read
			}
			select {
			case jobs <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(full)
	}()

	var loadErr error
	gc, ga, gp, gt := newGlobalDict(), newGlobalDict(), newGlobalDict(), newGlobalDict()
	for b := range full {
		if loadErr == nil {
			gc.translate64(b.owner, b.newClients, b.Client)
			ga.translate(b.owner, b.newAgents, b.Agent)
			gp.translate(b.owner, b.newPrincipals, b.Principal)
			gt.translate(b.owner, b.newPaths, b.Path)
			if loadErr = an.AddRows(&b.Rows); loadErr != nil {
				cancel()
			}
		}
		b.Reset()
		b.newClients, b.newAgents, b.newPrincipals, b.newPaths = b.newClients[:0], b.newAgents[:0], b.newPrincipals[:0], b.newPaths[:0]
		free <- b
	}
	if loadErr != nil {
		return Names{}, loadErr
	}
	return Names{Clients: gc.names, Agents: ga.names, Principals: gp.names, Paths: gt.names}, context.Cause(ctx)
}

// parsePart reads one part to its end, sending full batches of classified rows, and records its
// accounting in the part. It stops early, leaving the accounting incomplete, when ctx is cancelled.
// parser is one worker's state, kept from part to part: its dictionaries and route cache. A month of
// daily files is thirty parts, and a cache that starts cold on each classifies and templates the same
// endpoints thirty times over.
type parser struct {
	cats                               []*classify.Catalog
	clients, agents, principals, paths *dict
	routes                             *routeCache
}

func newParser(cats []*classify.Catalog, win window) *parser {
	w := &parser{cats: cats, clients: newDict(), agents: newDict(), principals: newDict(), paths: newDict()}
	w.routes = newRouteCache(cats[0], win.templates, w.paths)
	return w
}

func parsePart(ctx context.Context, p *part, w *parser, full chan<- *batch, free chan *batch, lines *atomic.Int64, win window) {
	defer p.close()
	r := p.r
	var b *batch
	select {
	case b = <-free:
	case <-ctx.Done():
		return
	}
	var counted int64
	count := func() {
		if lines != nil {
			n := r.Stats().Lines
			lines.Add(n - counted)
			counted = n
		}
	}
	cats, clients, agents, principals, routes := w.cats, w.clients, w.agents, w.principals, w.routes
	for r.Next() {
		rec := r.Record()
		if rec.Time < win.from || rec.Time >= win.to {
			p.outside++
			continue
		}
		if win.seen != nil && !win.seen.add(rec) {
			p.dups++
			continue
		}
		b.TS = append(b.TS, rec.Time)
		cl, path := routes.route(rec.Method, rec.Target, &b.newPaths)
		b.Class[0] = append(b.Class[0], cl)
		b.Path = append(b.Path, path)
		for k := 1; k < len(cats); k++ {
			b.Class[k] = append(b.Class[k], uint8(cats[k].Classify(rec.Method, rec.Target)))
		}
		b.Status = append(b.Status, uint16(min(max(rec.Status, 0), 65535)))
		b.Client = append(b.Client, clientID(clients, rec.Client, &b.newClients))
		b.Agent = append(b.Agent, agents.id(rec.UserAgent, &b.newAgents))
		b.Principal = append(b.Principal, principals.id(win.principals.principal(rec), &b.newPrincipals))
		b.RL = append(b.RL, int32(min(max(rec.RateLimitLimit, 0), 1<<31-1)))
		src := uint8(0)
		if rec.Source == ingest.SourceSystemLog {
			src = 1
		}
		b.Src = append(b.Src, src)
		if len(b.TS) == batchRows {
			b.owner = w
			full <- b
			count()
			if ctx.Err() != nil {
				return
			}
			select {
			case b = <-free:
			case <-ctx.Done():
				return
			}
		}
	}
	if len(b.TS) > 0 {
		b.owner = w
		full <- b
	} else {
		free <- b
	}
	count()
	p.stats, p.err = r.Stats(), r.Err()
	p.events = r.Events()
}

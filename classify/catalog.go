package classify

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// NA marks a tier on which the bucket's endpoint is not offered (N/A in Okta's tables). Any traffic
// to such a bucket on that tier is a finding in itself; never divide by it.
const NA = -1

// maxLimit bounds a limit cell, so that a typo cannot overflow arithmetic downstream.
const maxLimit = 1_000_000_000

// Bucket is one Okta rate-limit bucket of a catalog: the endpoint rule that selects its requests and
// its per-minute, org-wide limit on every tier. Buckets belong to their [Catalog]; do not modify them.
type Bucket struct {
	ID      string        // bucket id, e.g. "users-get"
	Pattern string        // endpoint as Okta writes it, e.g. "/api/v1/users/{idOrLogin}"
	Methods []string      // nil = any method; else the methods the rule takes, e.g. {"GET"}
	Match   string        // "exact" or "prefix"
	Rule    string        // one-line human description, e.g. "only GET to exactly /api/v1/users/{idOrLogin}"
	Limits  [NumTiers]int // requests per minute per tier, indexed by Tier; NA where not offered
	Source  string        // which seed table / document the row comes from

	flags    eligibility      // burst, DynamicScale, Workforce-multiplier eligibility (the eligible column)
	defaults [NumTiers]int    // the catalog's limits before any overrides
	origins  [NumTiers]string // why Limits differs from defaults, per tier ("" = default)
}

// Limit returns the bucket's requests-per-minute limit on tier t, or [NA] when the tier does not
// offer the endpoint (or t is not one of [Tiers]).
func (b *Bucket) Limit(t Tier) int {
	if !t.valid() {
		return NA
	}
	return b.Limits[t]
}

// Class is the result of classifying one request: an index into [Catalog.Buckets] (0, 1, …), or one
// of the two classes that are never flagged, [PublicMetadata] and [OutsideCatalog], or
// [MethodUnknown] for a request whose method is not known and whose candidate methods fall in
// different buckets ([Catalog.ClassifyAmong]). A catalog holds at most 253 buckets, so every bucket
// index is below [MethodUnknown].
type Class uint8

const (
	// MethodUnknown is the class of a request whose method is not known (an Okta System Log event
	// records none) and whose candidate methods fall in different buckets: PUT and GET
	// /api/v1/users/{id}, for one, are users-update and users-get. It is never a bucket and never
	// flagged; [Catalog.ClassifyAmong] gives the buckets it could belong to. Its id is
	// "method-unknown".
	MethodUnknown Class = 253
	// PublicMetadata is the class of Okta's public metadata endpoints (JWKS keys and the
	// .well-known discovery documents), which Okta does not rate-limit. Its id is "public-metadata".
	PublicMetadata Class = 254
	// OutsideCatalog is the class of every request no rule of the catalog covers, e.g.
	// /login/login.htm. Its id is "outside-catalog".
	OutsideCatalog Class = 255
)

// The ids of the classes that are not buckets.
const (
	publicMetadataID = "public-metadata"
	outsideCatalogID = "outside-catalog"
	methodUnknownID  = "method-unknown"
)

// maxBuckets is the number of bucket indexes a Class can hold besides the three special classes.
const maxBuckets = int(MethodUnknown)

// Catalog is a parsed and compiled set of rules: the buckets with their limits, and the matcher that
// maps a request to one of them. A Catalog is immutable once built and safe for concurrent use.
type Catalog struct {
	Name    string   // catalog name, e.g. "seed", "okta-2025" or "seed+limits.yaml"
	Buckets []Bucket // one per distinct bucket id, in catalog (data file) order; do not modify

	titles  [NumTiers]string // catalog-specific tier titles ("" = Tier.Title)
	byID    map[string]int
	root    *node
	methods []string // method names with a bit in rule masks; bit i is methods[i]
}

//go:embed catalog/seed.tsv
var seedTSV string

//go:embed catalog/okta-2025.tsv
var okta2025TSV string

// builtin is one catalog embedded in the binary.
type builtin struct {
	name, file, data string
	titles           [NumTiers]string // catalog-specific tier titles; "" = the tier's own Title
	once             func() *Catalog
}

// builtins lists the embedded catalogs, in the order [Catalogs] names them; the first is the default.
var builtins = []*builtin{
	{name: "seed", file: "classify/catalog/seed.tsv", data: seedTSV},
	{
		name: "okta-2025", file: "classify/catalog/okta-2025.tsv", data: okta2025TSV,
		// Okta replaced Developer (free) with the Integrator Free Plan in May 2025, same numbers
		// (okta-rate-limits.md §1); the developer-free column of okta-2025 holds its values. The
		// developer-paid column holds the last Developer (paid) values (April 2025).
		titles: [NumTiers]string{DeveloperFree: "Integrator Free Plan", DeveloperPaid: "Developer (paid, until April 2025)"},
	},
}

func init() {
	for _, b := range builtins {
		b.once = sync.OnceValue(func() *Catalog {
			c, err := parse(b.name, b.file, strings.NewReader(b.data))
			if err != nil {
				panic("classify: embedded catalog " + b.name + " is invalid: " + err.Error())
			}
			c.titles = b.titles
			return c
		})
	}
}

// Seed returns the embedded default catalog, "seed": the two Okta rate-limit tables the project was
// started from (see design.md, "Contracts"). It is parsed and compiled once, on first use, and shared
// by every caller. It panics only if the embedded file is invalid, which the package's tests rule out.
func Seed() *Catalog { return builtins[0].once() }

// DefaultCatalog is the name of the catalog used when none is chosen: "seed".
const DefaultCatalog = "seed"

// Catalogs returns the names of the built-in catalogs [Load] knows, the default ([DefaultCatalog])
// first: "seed" (the project's seed tables, design.md's "Contracts") and "okta-2025" (the last
// per-endpoint tables Okta published, 2025, with the buckets they add: see doc.go). The slice is a
// fresh copy.
func Catalogs() []string {
	names := make([]string, len(builtins))
	for i, b := range builtins {
		names[i] = b.name
	}
	return names
}

// Load returns the built-in catalog called name, one of [Catalogs] (exact, case-sensitive). Each
// is parsed once, on first use, and shared. Any other name is an error naming the known catalogs.
func Load(name string) (*Catalog, error) {
	for _, b := range builtins {
		if b.name == name {
			return b.once(), nil
		}
	}
	return nil, fmt.Errorf("unknown catalog %q (known catalogs: %s)", name, strings.Join(Catalogs(), ", "))
}

// Parse reads, validates and compiles a catalog data file (the format of classify/catalog/seed.tsv,
// described in its header comment) and names the catalog name. Every error is prefixed with
// "name:line: " (or "name: " when it concerns the whole file), e.g.
//
//	overrides.tsv:12: limit "12k" for enterprise: want a positive integer or N/A
//
// The file is rejected when a line has the wrong number of columns, the header names an unknown or
// duplicate column (tier columns must be tier ids) or lacks one, a match kind is not exact or prefix,
// a limit is not a positive integer or N/A, a method or pattern is malformed, an eligible cell is
// not - or a list of burst, dynamicscale and workforce-multiplier (or is set on a public-metadata
// line), two rules with the same match kind and pattern (placeholders compared by position, not
// name) share a method, a bucket id repeats with different limits or eligibility, or there are no
// rules. The eligible column is optional: without it no bucket is eligible for anything.
func Parse(name string, r io.Reader) (*Catalog, error) {
	return parse(name, name, r)
}

// column indexes a header column.
type column int

const (
	colID column = iota
	colMethods
	colMatch
	colPattern
	colSource
	colEligible // optional: what the bucket is eligible for (burst, dynamicscale, workforce-multiplier)
	colTier0    // first of NumTiers tier columns, in Tier order
	numCols     = colTier0 + NumTiers
)

var colNames = func() [numCols]string {
	n := [numCols]string{colID: "id", colMethods: "methods", colMatch: "match", colPattern: "pattern", colSource: "source", colEligible: "eligible"}
	for _, t := range Tiers {
		n[colTier0+column(t)] = t.String()
	}
	return n
}()

// optionalCol reports whether a header may leave column c out.
func optionalCol(c column) bool { return c == colEligible }

// requiredCols lists the required columns, for error messages.
var requiredCols = func() string {
	var names []string
	for c, n := range colNames {
		if !optionalCol(column(c)) {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}()

// row is one parsed rule line.
type row struct {
	line    int
	id      string
	class   Class
	methods []string // nil = any
	mask    uint64
	exact   bool
	pattern string
	segs    []string // "" for a placeholder
	key     string   // match kind and pattern with placeholders anonymised, for duplicate detection
	limits  [NumTiers]int
	source  string
	flags   eligibility
}

// parser holds the state of one Parse.
type parser struct {
	file    string
	line    int
	cols    [numCols]int // index of each column in a line
	ncols   int
	methods []string
	rows    []row
	keys    map[string][]int // duplicate-detection key → indexes into rows
}

func (p *parser) errf(format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.file, p.line, fmt.Sprintf(format, args...))
}

func parse(name, file string, r io.Reader) (*Catalog, error) {
	p := &parser{file: file, keys: map[string][]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	header := false
	for sc.Scan() {
		p.line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if p.line == 1 {
			text = strings.TrimPrefix(text, "\uFEFF")
		}
		trimmed := strings.TrimSpace(text)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if !header {
			if err := p.header(fields); err != nil {
				return nil, err
			}
			header = true
			continue
		}
		if err := p.row(fields); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line too long", file, p.line+1)
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if !header {
		return nil, fmt.Errorf("%s: no header line (want the columns %s, and optionally eligible)", file, requiredCols)
	}
	if len(p.rows) == 0 {
		return nil, fmt.Errorf("%s: no rules", file)
	}
	return p.build(name)
}

func (p *parser) header(fields []string) error {
	for i := range p.cols {
		p.cols[i] = -1
	}
	for i, f := range fields {
		c := column(-1)
		for j, n := range colNames {
			if f == n {
				c = column(j)
			}
		}
		if c < 0 {
			return p.errf("unknown column %q in header (want the columns %s, and optionally eligible; tier columns are tier ids)", f, requiredCols)
		}
		if p.cols[c] >= 0 {
			return p.errf("column %q appears twice in header", f)
		}
		p.cols[c] = i
	}
	var missing []string
	for c, i := range p.cols {
		if i < 0 && !optionalCol(column(c)) {
			missing = append(missing, colNames[c])
		}
	}
	if len(missing) > 0 {
		return p.errf("header lacks the column(s) %s", strings.Join(missing, ", "))
	}
	p.ncols = len(fields)
	return nil
}

func (p *parser) row(fields []string) error {
	if len(fields) != p.ncols {
		return p.errf("%d tab-separated columns, want %d, as in the header", len(fields), p.ncols)
	}
	f := func(c column) string { return fields[p.cols[c]] }
	r := row{line: p.line, id: f(colID), source: f(colSource), pattern: f(colPattern)}

	switch {
	case r.id == publicMetadataID:
		r.class = PublicMetadata
	case r.id == outsideCatalogID:
		return p.errf("bucket id %q is reserved for requests no rule covers", r.id)
	case !validID(r.id):
		return p.errf("bad bucket id %q: want lower-case letters, digits and dashes", r.id)
	}

	var err error
	if r.methods, r.mask, err = p.parseMethods(f(colMethods)); err != nil {
		return err
	}

	switch m := f(colMatch); m {
	case "exact":
		r.exact = true
	case "prefix":
	default:
		return p.errf("unknown match kind %q: want exact or prefix", m)
	}

	if r.segs, err = parsePattern(r.pattern); err != nil {
		return p.errf("pattern %q: %v", r.pattern, err)
	}

	if p.cols[colEligible] >= 0 {
		cell := f(colEligible)
		if r.flags, err = parseEligibility(cell); err != nil {
			return p.errf("eligible %q: %v", cell, err)
		}
		if r.class == PublicMetadata && r.flags != 0 {
			return p.errf("eligible %q: public-metadata lines are never limited, write -", cell)
		}
	}

	for _, t := range Tiers {
		cell := f(colTier0 + column(t))
		if r.class == PublicMetadata {
			if cell != "-" && cell != "" {
				return p.errf("limit %q for %s: public-metadata lines are never limited, write -", cell, t)
			}
			r.limits[t] = NA
			continue
		}
		l, err := parseLimit(cell)
		if err != nil {
			return p.errf("limit %q for %s: %v", cell, t, err)
		}
		r.limits[t] = l
	}

	var key strings.Builder
	if r.exact {
		key.WriteString("exact ")
	} else {
		key.WriteString("prefix ")
	}
	for _, s := range r.segs {
		key.WriteByte('/')
		if s == "" {
			key.WriteString("{}")
		} else {
			key.WriteString(s)
		}
	}
	r.key = key.String()
	for _, j := range p.keys[r.key] {
		if o := &p.rows[j]; o.mask&r.mask != 0 {
			return p.errf("duplicate rule: %s %s %s overlaps line %d (%s %s %s)",
				methodsString(r.methods), matchString(r.exact), r.pattern,
				o.line, methodsString(o.methods), matchString(o.exact), o.pattern)
		}
	}
	p.keys[r.key] = append(p.keys[r.key], len(p.rows))
	p.rows = append(p.rows, r)
	return nil
}

// otherMethod is the bit every method the catalog does not name maps to; only rules for any
// method (allMethods) include it.
const (
	maxMethods  = 63
	otherMethod = uint64(1) << maxMethods
	allMethods  = ^uint64(0)
)

func (p *parser) parseMethods(s string) ([]string, uint64, error) {
	if s == "*" {
		return nil, allMethods, nil
	}
	if s == "" {
		return nil, 0, p.errf("empty methods: want * or a comma-separated list such as GET,POST")
	}
	var list []string
	var mask uint64
	for _, m := range strings.Split(s, ",") {
		m = strings.TrimSpace(m)
		if !validMethod(m) {
			return nil, 0, p.errf("bad method %q in %q: want * or upper-case methods such as GET,POST", m, s)
		}
		bit := -1
		for i, k := range p.methods {
			if k == m {
				bit = i
			}
		}
		if bit < 0 {
			if len(p.methods) == maxMethods {
				return nil, 0, p.errf("too many distinct methods (max %d)", maxMethods)
			}
			bit = len(p.methods)
			p.methods = append(p.methods, m)
		}
		if mask&(1<<bit) != 0 {
			return nil, 0, p.errf("method %s listed twice in %q", m, s)
		}
		mask |= 1 << bit
		list = append(list, m)
	}
	return list, mask, nil
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		if m[i] < 'A' || m[i] > 'Z' {
			return false
		}
	}
	return true
}

func validID(id string) bool {
	if id == "" || id[0] == '-' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func parseLimit(s string) (int, error) {
	if strings.EqualFold(s, "N/A") {
		return NA, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return 0, fmt.Errorf("want a positive integer (at most %d) or N/A", maxLimit)
	}
	return n, nil
}

// parsePattern splits a pattern into its segments, "" standing for a {placeholder}.
func parsePattern(pat string) ([]string, error) {
	if !strings.HasPrefix(pat, "/") {
		return nil, errors.New("must start with /")
	}
	if pat == "/" {
		return []string{}, nil
	}
	var segs []string
	for _, s := range strings.Split(pat[1:], "/") {
		switch {
		case s == "":
			return nil, errors.New("empty segment (// or a trailing /)")
		case s[0] == '{':
			name := strings.TrimSuffix(s[1:], "}")
			if len(name) != len(s)-2 || name == "" || strings.IndexFunc(name, notNameRune) >= 0 {
				return nil, fmt.Errorf("bad placeholder %q: want {name} with letters, digits or _", s)
			}
			segs = append(segs, "")
		default:
			for i := 0; i < len(s); i++ {
				if c := s[i]; c <= ' ' || c >= 0x7f || strings.IndexByte("{}%?#\\", c) >= 0 {
					return nil, fmt.Errorf("bad character %q in literal segment %q", c, s)
				}
			}
			segs = append(segs, s)
		}
	}
	return segs, nil
}

func notNameRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
}

func matchString(exact bool) string {
	if exact {
		return "exact"
	}
	return "prefix"
}

func methodsString(m []string) string {
	if m == nil {
		return "*"
	}
	return strings.Join(m, ",")
}

// build groups the rows into buckets, compiles the matcher and writes each bucket's Rule.
func (p *parser) build(name string) (*Catalog, error) {
	c := &Catalog{Name: name, byID: map[string]int{}, root: &node{}, methods: p.methods}
	firstLine := map[string]int{}
	for i := range p.rows {
		r := &p.rows[i]
		if r.class == PublicMetadata {
			continue
		}
		idx, ok := c.byID[r.id]
		if !ok {
			if len(c.Buckets) == maxBuckets {
				return nil, fmt.Errorf("%s:%d: too many buckets (max %d)", p.file, r.line, maxBuckets)
			}
			idx = len(c.Buckets)
			c.byID[r.id] = idx
			firstLine[r.id] = r.line
			c.Buckets = append(c.Buckets, Bucket{
				ID: r.id, Pattern: r.pattern, Methods: r.methods, Match: matchString(r.exact),
				Limits: r.limits, Source: r.source, flags: r.flags, defaults: r.limits,
			})
		} else {
			b := &c.Buckets[idx]
			if b.Limits != r.limits {
				return nil, fmt.Errorf("%s:%d: bucket %q has limits %s here but %s on line %d",
					p.file, r.line, r.id, limitsString(r.limits), limitsString(b.Limits), firstLine[r.id])
			}
			if b.flags != r.flags {
				return nil, fmt.Errorf("%s:%d: bucket %q is eligible for %s here but %s on line %d",
					p.file, r.line, r.id, r.flags, b.flags, firstLine[r.id])
			}
			if r.source != "" && !strings.Contains(b.Source, r.source) {
				b.Source += "; " + r.source
			}
		}
		r.class = Class(idx)
	}
	for i := range p.rows {
		c.root.insert(&p.rows[i])
	}
	c.root.setTemplates("")
	for i := range p.rows {
		r := &p.rows[i]
		if r.class == PublicMetadata {
			continue
		}
		b := &c.Buckets[r.class]
		desc := c.describe(r)
		if b.Rule == "" {
			b.Rule = desc
		} else {
			b.Rule += "; " + desc
		}
	}
	return c, nil
}

func limitsString(l [NumTiers]int) string {
	s := make([]string, NumTiers)
	for i, v := range l {
		if v == NA {
			s[i] = "N/A"
		} else {
			s[i] = strconv.Itoa(v)
		}
	}
	return strings.Join(s, "/")
}

// describe writes the one-line human description of a rule row, e.g. "only GET to exactly
// /api/v1/users/{idOrLogin}" or "any method to /api/v1/authn and everything under it, except where a
// more specific rule applies (authn-verify)".
func (c *Catalog) describe(r *row) string {
	var b strings.Builder
	switch n := len(r.methods); n {
	case 0:
		b.WriteString("any method to ")
	default:
		b.WriteString("only ")
		for i, m := range r.methods {
			switch {
			case i == 0:
			case i == n-1:
				b.WriteString(" or ")
			default:
				b.WriteString(", ")
			}
			b.WriteString(m)
		}
		b.WriteString(" to ")
	}
	if r.exact {
		b.WriteString("exactly ")
		b.WriteString(r.pattern)
		return b.String()
	}
	b.WriteString(r.pattern)
	b.WriteString(" and everything under it")
	// Name the classes of the more specific rules this prefix rule yields to: every rule below its
	// node, and the other rules on the node itself.
	var seen [256]bool
	n := c.root.find(r.segs)
	for _, rs := range [][]rule{n.exact, n.prefix} {
		for i := range rs {
			seen[rs[i].class] = true
		}
	}
	for i := range n.lits {
		n.lits[i].child.classes(&seen)
	}
	if n.ph != nil {
		n.ph.classes(&seen)
	}
	seen[r.class] = false
	var except []string
	for i := range c.Buckets {
		if seen[i] {
			except = append(except, c.Buckets[i].ID)
		}
	}
	if seen[PublicMetadata] {
		except = append(except, publicMetadataID)
	}
	if len(except) > 0 {
		b.WriteString(", except where a more specific rule applies (")
		b.WriteString(strings.Join(except, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// ClassID returns the id of class cl: the bucket's id, "public-metadata", "outside-catalog" or
// "method-unknown". A class that is none of these (a bucket index out of range) gives
// "invalid-class-N".
func (c *Catalog) ClassID(cl Class) string {
	switch {
	case cl == PublicMetadata:
		return publicMetadataID
	case cl == OutsideCatalog:
		return outsideCatalogID
	case cl == MethodUnknown:
		return methodUnknownID
	case int(cl) < len(c.Buckets):
		return c.Buckets[cl].ID
	}
	return "invalid-class-" + strconv.Itoa(int(cl))
}

// Bucket returns the bucket of class cl, and false for [PublicMetadata], [OutsideCatalog],
// [MethodUnknown] and any other class that is not an index into c.Buckets.
func (c *Catalog) Bucket(cl Class) (*Bucket, bool) {
	if int(cl) < len(c.Buckets) {
		return &c.Buckets[cl], true
	}
	return nil, false
}

// BucketByID returns the bucket whose id is id, with its class; false when the catalog has no such
// bucket ("public-metadata" and "outside-catalog" are classes, not buckets).
func (c *Catalog) BucketByID(id string) (*Bucket, Class, bool) {
	i, ok := c.byID[id]
	if !ok {
		return nil, OutsideCatalog, false
	}
	return &c.Buckets[i], Class(i), true
}

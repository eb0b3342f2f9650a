package classify

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Overrides is an org's limits file, parsed by [ParseOverrides] and applied to a catalog by
// [Catalog.WithOverrides]: absolute per-bucket limits (for every tier or for one), and the
// DynamicScale and Workforce-license multipliers. Bucket ids are checked against a catalog only when
// the overrides are applied, since catalogs differ in their buckets.
type Overrides struct {
	Name                string          // the file's name as given to ParseOverrides, e.g. "limits.yaml"
	Limits              []LimitOverride // absolute limits, in file order
	DynamicScale        Multiplier      // dynamicscale: Nx; Factor 0 when the file does not say
	WorkforceMultiplier Multiplier      // workforce-multiplier: Nx; Factor 0 when the file does not say
}

// LimitOverride is one absolute limit of an overrides file: bucket Bucket takes Limit requests per
// minute on tier Tier, or on every tier when AllTiers is set.
type LimitOverride struct {
	Line     int    // line of the file, for error messages and LimitOrigin
	Bucket   string // bucket id
	AllTiers bool   // the limit applies to every tier that offers the bucket (Tier is then unused)
	Tier     Tier   // the tier, when !AllTiers
	Limit    int    // requests per minute, 1 to 1,000,000,000
}

// Multiplier is a multiplier line of an overrides file (dynamicscale: 5x).
type Multiplier struct {
	Factor int // the N of Nx; 0 = not given, 1 = none
	Line   int // line of the file
}

// The top-level keys of an overrides file that are not bucket ids.
const (
	keyDynamicScale = "dynamicscale"
	keyWorkforce    = "workforce-multiplier"
)

var (
	dynamicScaleTiers = []Tier{OneApp, Enterprise}
	workforceTiers    = []Tier{Workforce}
)

// DynamicScaleTiers returns the tiers a dynamicscale multiplier applies to, one-app and
// enterprise: DynamicScale is sold only to Customer Identity orgs, formerly "One App or
// Enterprise" (okta-rate-limits.md §15, S-DS). The other tiers keep their limits. The slice is a
// fresh copy.
func DynamicScaleTiers() []Tier { return slices.Clone(dynamicScaleTiers) }

// WorkforceMultiplierTiers returns the tiers a workforce-multiplier applies to, workforce only:
// the Workforce license multiplier is for Workforce Identity orgs (okta-rate-limits.md §15,
// S-ADD25, S-INC). The slice is a fresh copy.
func WorkforceMultiplierTiers() []Tier { return slices.Clone(workforceTiers) }

// validDynamicScale reports whether n× is a DynamicScale multiplier: 1 (none) or 5 to 1000
// ("multiplies default limits by 5× up to 1000×"; the steps between are not published).
func validDynamicScale(n int) bool { return n == 1 || n >= 5 && n <= 1000 }

// validWorkforce reports whether n× is a Workforce license multiplier: 1 (< 10,000 licenses),
// 5 (10,000 – 100,000) or 10 (> 100,000).
func validWorkforce(n int) bool { return n == 1 || n == 5 || n == 10 }

// ParseOverrides reads an org's limits file called name (the name prefixes every error, as
// "name:line: ", and names the overridden catalog). The format is a strict subset of YAML, flat
// key: value lines; see the package documentation, "Overrides", for it and for why it is not full
// YAML. The file is rejected, with the line of the first problem, for: a key that is neither a
// bucket id nor dynamicscale or workforce-multiplier (public-metadata and outside-catalog are never
// limited), a key given twice (also a tier twice under one bucket), a limit that is not a whole
// number from 1 to 1,000,000,000 (so zero or negative), a multiplier that is not Nx with N a
// DynamicScale (1, or 5 to 1000) or Workforce (1, 5 or 10) multiplier, an unknown tier id, a
// bucket with neither a limit nor tier lines, tabs in indentation, uneven indentation, and YAML
// this subset does not take (flow collections, lists, quoted or multi-line values, anchors, several
// documents). Whether a bucket id exists is checked by [Catalog.WithOverrides].
func ParseOverrides(name string, r io.Reader) (*Overrides, error) {
	o := &Overrides{Name: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	errf := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	seen := map[string]int{} // top-level key → line
	var (
		block       string       // bucket whose tier lines are being read; "" = none
		blockLine   int          // line of block's key
		blockIndent int          // indentation of block's tier lines; 0 = not yet known
		blockTiers  map[Tier]int // tier → line, within block
		line        int
		started     bool // a key was read (a later --- is a second document)
	)
	closeBlock := func() error {
		if block != "" && len(blockTiers) == 0 {
			return errf(blockLine, "bucket %q has no limit: write %s: N for every tier, or indented tier-id: N lines under it", block, block)
		}
		block, blockIndent, blockTiers = "", 0, nil
		return nil
	}
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\uFEFF")
		}
		indent := 0
		for indent < len(text) && text[indent] == ' ' {
			indent++
		}
		content := stripComment(text[indent:])
		if content == "" {
			continue
		}
		if content[0] == '\t' {
			return nil, errf(line, "tab in indentation: YAML indents with spaces only")
		}
		if content == "---" && indent == 0 {
			if started {
				return nil, errf(line, "a second YAML document (---): write one flat mapping")
			}
			continue
		}
		key, value, err := splitKeyValue(content)
		if err != nil {
			return nil, errf(line, "%v", err)
		}
		if indent > 0 {
			if block == "" {
				return nil, errf(line, "unexpected indentation: only tier lines under a bucket with no value (%s:) are indented", key)
			}
			if blockIndent == 0 {
				blockIndent = indent
			} else if indent != blockIndent {
				return nil, errf(line, "indentation of %d spaces, but %d on the line above in the same block", indent, blockIndent)
			}
			tier, ok := tierByID(key)
			if !ok {
				return nil, errf(line, "unknown tier %q under bucket %q (valid tiers: %s)", key, block, strings.Join(tierIDs[:], ", "))
			}
			if first, dup := blockTiers[tier]; dup {
				return nil, errf(line, "duplicate key %q under bucket %q (first on line %d)", key, block, first)
			}
			limit, err := parseOverrideLimit(value)
			if err != nil {
				return nil, errf(line, "%s %s: %v", block, key, err)
			}
			blockTiers[tier] = line
			o.Limits = append(o.Limits, LimitOverride{Line: line, Bucket: block, Tier: tier, Limit: limit})
			continue
		}
		if err := closeBlock(); err != nil {
			return nil, err
		}
		started = true
		if first, dup := seen[key]; dup {
			return nil, errf(line, "duplicate key %q (first on line %d)", key, first)
		}
		seen[key] = line
		switch key {
		case keyDynamicScale, keyWorkforce:
			n, err := parseMultiplier(key, value)
			if err != nil {
				return nil, errf(line, "%s %q: %v", key, value, err)
			}
			if key == keyDynamicScale {
				o.DynamicScale = Multiplier{Factor: n, Line: line}
			} else {
				o.WorkforceMultiplier = Multiplier{Factor: n, Line: line}
			}
			continue
		case publicMetadataID, outsideCatalogID:
			return nil, errf(line, "%q is not a bucket: Okta does not rate-limit it, so it takes no limit", key)
		}
		if _, ok := tierByID(key); ok {
			return nil, errf(line, "tier %q as a key: indent tier-id: N lines under a bucket id with no value (users-get:)", key)
		}
		if !validID(key) {
			return nil, errf(line, "bad key %q: want a bucket id (lower-case letters, digits, dashes), %s or %s", key, keyDynamicScale, keyWorkforce)
		}
		if value == "" {
			block, blockLine, blockTiers = key, line, map[Tier]int{}
			continue
		}
		limit, err := parseOverrideLimit(value)
		if err != nil {
			return nil, errf(line, "%s: %v", key, err)
		}
		o.Limits = append(o.Limits, LimitOverride{Line: line, Bucket: key, AllTiers: true, Limit: limit})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line too long", name, line+1)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := closeBlock(); err != nil {
		return nil, err
	}
	return o, nil
}

// stripComment removes a YAML comment (a # at the start or after a space or tab) and trailing
// space from s, which starts after the indentation.
func stripComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			s = s[:i]
			break
		}
	}
	return strings.TrimRight(s, " \t")
}

// splitKeyValue splits "key: value" (or "key:" with no value). The key is a plain scalar; a colon
// must be followed by a space, a tab or the end of the line.
func splitKeyValue(s string) (key, value string, err error) {
	if strings.ContainsAny(s[:1], "{[-?&*!|>'\"%@`") {
		return "", "", fmt.Errorf("unsupported YAML %q: want flat key: value lines", s)
	}
	i := strings.Index(s, ":")
	for i >= 0 && i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '\t' {
		j := strings.Index(s[i+1:], ":")
		if j < 0 {
			i = -1
			break
		}
		i += 1 + j
	}
	if i < 0 {
		return "", "", fmt.Errorf("no key: value in %q", s)
	}
	key = strings.TrimRight(s[:i], " \t")
	value = strings.TrimSpace(s[i+1:])
	if key == "" || strings.ContainsAny(key, " \t") {
		return "", "", fmt.Errorf("bad key %q: want a bucket id, %s or %s", key, keyDynamicScale, keyWorkforce)
	}
	return key, value, nil
}

// tierByID returns the tier whose id is exactly s.
func tierByID(s string) (Tier, bool) {
	for _, t := range Tiers {
		if tierIDs[t] == s {
			return t, true
		}
	}
	return 0, false
}

// parseOverrideLimit parses a limit of an overrides file: a whole number from 1 to maxLimit.
func parseOverrideLimit(s string) (int, error) {
	bad := fmt.Errorf("limit %q: want a whole number of requests per minute from 1 to %d", s, maxLimit)
	if s == "" || strings.Trim(s, "0123456789") != "" {
		if strings.HasPrefix(s, "-") {
			return 0, fmt.Errorf("negative limit %q: want a whole number of requests per minute from 1 to %d", s, maxLimit)
		}
		return 0, bad
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil || n > maxLimit || len(s) > 1 && s[0] == '0':
		return 0, bad
	case n == 0:
		return 0, fmt.Errorf("zero limit: want a whole number of requests per minute from 1 to %d", maxLimit)
	}
	return n, nil
}

// parseMultiplier parses the value of a multiplier key: Nx (or NX, N×) with N valid for the key.
func parseMultiplier(key, s string) (int, error) {
	num, ok := strings.CutSuffix(s, "x")
	if !ok {
		num, ok = strings.CutSuffix(s, "X")
	}
	if !ok {
		num, ok = strings.CutSuffix(s, "×")
	}
	n, err := strconv.Atoi(num)
	if !ok || err != nil || num == "" || strings.Trim(num, "0123456789") != "" || num[0] == '0' {
		return 0, errors.New("want a multiplier such as 5x")
	}
	switch key {
	case keyDynamicScale:
		if !validDynamicScale(n) {
			return 0, errors.New("DynamicScale multiplies default limits by 5x up to 1000x (1x for none)")
		}
	default:
		if !validWorkforce(n) {
			return 0, errors.New("the Workforce license multiplier is 1x (under 10,000 licenses), 5x (10,000 to 100,000) or 10x (over 100,000)")
		}
	}
	return n, nil
}

// WithOverrides returns a copy of c with the limits of o applied, named c.Name+"+"+o.Name (e.g.
// "seed+limits.yaml"); c itself is unchanged, and the copy shares its matcher, so it classifies
// exactly as c does. A nil o gives c.
//
// The multipliers apply first, to the current limit of every bucket the catalog marks eligible
// ([Bucket.DynamicScaleEligible], [Bucket.WorkforceMultiplierEligible]), on the tiers that can have
// them ([DynamicScaleTiers], [WorkforceMultiplierTiers]); other buckets and tiers keep their
// limits. An absolute limit then replaces the bucket's limit, multiplied or not: it is the
// effective limit, as Okta's rate-limit dashboard shows it. An absolute limit for every tier
// leaves tiers where the bucket is [NA] unavailable; one for a named tier sets that tier even if it
// was NA. [Bucket.DefaultLimit] keeps the catalog's own limit and [Bucket.LimitOrigin] says where
// an overridden one comes from.
//
// The error names the overrides file and line, e.g. `limits.yaml:3: unknown bucket "authnn" in
// catalog seed (did you mean "authn"?)`, also when a multiplied limit would pass 1,000,000,000.
func (c *Catalog) WithOverrides(o *Overrides) (*Catalog, error) {
	if c == nil {
		return nil, errors.New("classify: WithOverrides on a nil catalog")
	}
	if o == nil {
		return c, nil
	}
	name := o.Name
	if name == "" {
		name = "overrides"
	}
	nc := *c
	nc.Name = c.Name + "+" + name
	nc.Buckets = slices.Clone(c.Buckets)

	for _, m := range []struct {
		key   string
		mul   Multiplier
		valid func(int) bool
		elig  eligibility
		tiers []Tier
	}{
		{keyDynamicScale, o.DynamicScale, validDynamicScale, eligDynamicScale, dynamicScaleTiers},
		{keyWorkforce, o.WorkforceMultiplier, validWorkforce, eligWorkforce, workforceTiers},
	} {
		if m.mul.Factor == 0 {
			continue
		}
		if !m.valid(m.mul.Factor) {
			return nil, fmt.Errorf("%s:%d: %s %dx: not a valid multiplier", name, m.mul.Line, m.key, m.mul.Factor)
		}
		if m.mul.Factor == 1 {
			continue
		}
		origin := fmt.Sprintf("%s %dx (%s:%d)", m.key, m.mul.Factor, name, m.mul.Line)
		for i := range nc.Buckets {
			b := &nc.Buckets[i]
			if b.flags&m.elig == 0 {
				continue
			}
			for _, t := range m.tiers {
				if b.Limits[t] == NA {
					continue
				}
				v := int64(b.Limits[t]) * int64(m.mul.Factor)
				if v > maxLimit {
					return nil, fmt.Errorf("%s:%d: %s %dx makes bucket %q's limit on %s %d, over the maximum %d",
						name, m.mul.Line, m.key, m.mul.Factor, b.ID, t, v, maxLimit)
				}
				b.Limits[t] = int(v)
				b.origins[t] = origin
			}
		}
	}

	for _, l := range o.Limits {
		idx, ok := c.byID[l.Bucket]
		if !ok {
			return nil, fmt.Errorf("%s:%d: unknown bucket %q in catalog %s%s", name, l.Line, l.Bucket, c.Name, c.hint(l.Bucket))
		}
		if l.Limit < 1 || l.Limit > maxLimit {
			return nil, fmt.Errorf("%s:%d: %s: limit %d: want a whole number of requests per minute from 1 to %d", name, l.Line, l.Bucket, l.Limit, maxLimit)
		}
		if !l.AllTiers && !l.Tier.valid() {
			return nil, fmt.Errorf("%s:%d: %s: unknown tier %s", name, l.Line, l.Bucket, l.Tier)
		}
		b := &nc.Buckets[idx]
		origin := name // a limit built in code (ratecard's learned limits) has no line
		if l.Line > 0 {
			origin = fmt.Sprintf("%s:%d", name, l.Line)
		}
		for _, t := range Tiers {
			if l.AllTiers && b.Limits[t] != NA || !l.AllTiers && t == l.Tier {
				b.Limits[t] = l.Limit
				b.origins[t] = origin
			}
		}
	}
	return &nc, nil
}

// hint suggests what an unknown bucket id may have meant: another built-in catalog that has the
// id, or else a close id of c.
func (c *Catalog) hint(id string) string {
	for _, b := range builtins {
		if b.name == c.Name || strings.HasPrefix(c.Name, b.name+"+") {
			continue
		}
		if _, _, ok := b.once().BucketByID(id); ok {
			return fmt.Sprintf(" (it is a bucket of catalog %s)", b.name)
		}
	}
	best, bestD := "", 3
	for i := range c.Buckets {
		if d := EditDistance(id, c.Buckets[i].ID, bestD); d < bestD {
			best, bestD = c.Buckets[i].ID, d
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// EditDistance returns the optimal-string-alignment distance of a and b in bytes — insertions,
// deletions, substitutions and swaps of two adjacent bytes each count 1, so "usres" is 1 from
// "users" — or limit when it is limit or more. Suggestions for a mistyped name use it.
func EditDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit)
}

// DefaultLimit returns the bucket's limit on tier t as its catalog's data file gives it, before any
// overrides ([Catalog.WithOverrides]); [NA] where the tier does not offer the endpoint or t is not
// one of [Tiers]. Without overrides it is [Bucket.Limit].
func (b *Bucket) DefaultLimit(t Tier) int {
	if !t.valid() {
		return NA
	}
	return b.defaults[t]
}

// LimitOrigin says where the bucket's limit on tier t comes from when an overrides file changed
// it: the file and line of an absolute limit ("limits.yaml:3") or the multiplier
// ("dynamicscale 5x (limits.yaml:4)"). It is "" for the catalog's default limit.
func (b *Bucket) LimitOrigin(t Tier) string {
	if !t.valid() {
		return ""
	}
	return b.origins[t]
}

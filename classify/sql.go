package classify

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The catalog in SQL: [Catalog.CountsSQL] compiles the same trie that [Catalog.Classify] walks into
// one SQL expression, so that an engine holding the logs (a warehouse, a lake, DuckDB) classifies the
// requests itself and returns only counts. The Go matcher and the SQL are never written twice: both
// come from the rules of one catalog.
//
// The trie walk (see the package documentation) tries, at each node, the literal child before the
// placeholder child and the node's own prefix rules last; where the path ends, the node's exact rules
// before its prefix rules. Laid out in that order, the rules become the WHEN arms of one CASE: an arm
// holds the conditions on the path's segments from the root to its node (literal segments compared
// after percent-decoding, placeholders any non-empty segment), on the number of segments (exactly the
// node's depth for an exact rule, at least it for a prefix rule) and on the method. The first arm
// that holds is the match the walk finds, because the walk's first success in depth-first order is
// the first arm in that order whose conditions hold.

// SQLDialects lists the engines [Catalog.CountsSQL] writes SQL for.
func SQLDialects() []string {
	names := make([]string, len(dialects))
	for i, d := range dialects {
		names[i] = d.name
	}
	return names
}

// CountsQuery says where the requests are and how to read them, for [Catalog.CountsSQL].
type CountsQuery struct {
	Table string // the table (or view, or subquery in parentheses) holding one row per request
	// Time, Method and Path are SQL expressions over Table's columns: the request's instant as a
	// UTC timestamp, its HTTP method, and its request target (a path with or without a query string,
	// or an absolute URL). Status is the HTTP status, or "" when the table has none.
	Time, Method, Path, Status string
	// From and To, when not zero, keep only requests at or after From and before To, by the
	// request's whole UTC second.
	From, To time.Time
}

// dialect is one engine's spelling of what the query needs.
type dialect struct {
	name string
	// segments makes the array of non-empty path segments of the path expression p, whose scheme,
	// authority, query string and fragment are already removed.
	segments func(p string) string
	length   func(arr string) string        // the array's number of elements
	elem     func(arr string, i int) string // its i-th element (1-based), NULL or '' when there is none
	// full is a test that s matches the regular expression re (RE2 or Java syntax, written to mean
	// the same in both) in full; re is given as the body of a SQL string literal.
	full     func(s, re string) string
	contains func(s, sub string) string // s holds the literal sub
	// strip removes the scheme://authority prefix and everything from the first ? or # of p.
	strip func(p string) string
	// epoch is the whole UTC second of the timestamp t, rounded down, as an integer.
	epoch   func(t string) string
	count   string                // count of the group's rows
	countIf func(c string) string // count of the group's rows where c holds
}

// schemeRE and tailRE match what a request target's path does not include: a leading scheme and
// authority, and everything from the first ? or # on.
const (
	schemeRE = `^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*`
	tailRE   = `[?#].*$`
)

var dialects = []dialect{
	{
		name:     "duckdb",
		segments: func(p string) string { return "list_filter(string_split(" + p + ", '/'), x -> x <> '')" },
		length:   func(a string) string { return "len(" + a + ")" },
		elem:     func(a string, i int) string { return a + "[" + strconv.Itoa(i) + "]" },
		full:     func(s, re string) string { return "regexp_full_match(" + s + ", '" + re + "')" },
		contains: func(s, sub string) string { return "contains(" + s + ", '" + sub + "')" },
		strip: func(p string) string {
			return "regexp_replace(regexp_replace(" + p + ", '" + schemeRE + "', ''), '(?s)" + tailRE + "', '')"
		},
		epoch:   func(t string) string { return "CAST(floor(epoch(" + t + ")) AS BIGINT)" },
		count:   "count(*)",
		countIf: func(c string) string { return "count(*) FILTER (WHERE " + c + ")" },
	},
	{
		name:     "trino",
		segments: func(p string) string { return "filter(split(" + p + ", '/'), x -> x <> '')" },
		length:   func(a string) string { return "cardinality(" + a + ")" },
		elem:     func(a string, i int) string { return "element_at(" + a + ", " + strconv.Itoa(i) + ")" },
		full:     func(s, re string) string { return "regexp_like(" + s + ", '^(?:" + re + ")$')" },
		contains: func(s, sub string) string { return "strpos(" + s + ", '" + sub + "') > 0" },
		strip: func(p string) string {
			return "regexp_replace(regexp_replace(" + p + ", '" + schemeRE + "', ''), '(?s)" + tailRE + "', '')"
		},
		epoch:   func(t string) string { return "CAST(floor(to_unixtime(" + t + ")) AS BIGINT)" },
		count:   "count(*)",
		countIf: func(c string) string { return "count_if(" + c + ")" },
	},
	{
		name:     "spark",
		segments: func(p string) string { return "filter(split(" + p + ", '/'), x -> x != '')" },
		length:   func(a string) string { return "size(" + a + ")" },
		elem:     func(a string, i int) string { return "try_element_at(" + a + ", " + strconv.Itoa(i) + ")" },
		full:     func(s, re string) string { return "(" + s + " RLIKE '^(?:" + re + ")$')" },
		contains: func(s, sub string) string { return "instr(" + s + ", '" + sub + "') > 0" },
		strip: func(p string) string {
			return "regexp_replace(regexp_replace(" + p + ", '" + schemeRE + "', ''), '(?s)" + tailRE + "', '')"
		},
		epoch:   func(t string) string { return "CAST(floor(unix_micros(" + t + ") / 1000000) AS BIGINT)" },
		count:   "count(*)",
		countIf: func(c string) string { return "count_if(" + c + ")" },
	},
	{
		name: "bigquery",
		segments: func(p string) string {
			return "ARRAY(SELECT x FROM UNNEST(SPLIT(" + p + ", '/')) AS x WITH OFFSET AS o WHERE x != '' ORDER BY o)"
		},
		length:   func(a string) string { return "ARRAY_LENGTH(" + a + ")" },
		elem:     func(a string, i int) string { return a + "[SAFE_ORDINAL(" + strconv.Itoa(i) + ")]" },
		full:     func(s, re string) string { return "REGEXP_CONTAINS(" + s + ", r'^(?:" + re + ")$')" },
		contains: func(s, sub string) string { return "STRPOS(" + s + ", '" + sub + "') > 0" },
		strip: func(p string) string {
			return "REGEXP_REPLACE(REGEXP_REPLACE(" + p + ", r'" + schemeRE + "', ''), r'(?s)" + tailRE + "', '')"
		},
		epoch:   func(t string) string { return "UNIX_SECONDS(" + t + ")" },
		count:   "COUNT(*)",
		countIf: func(c string) string { return "COUNTIF(" + c + ")" },
	},
	{
		name:     "clickhouse",
		segments: func(p string) string { return "arrayFilter(x -> x != '', splitByChar('/', " + p + "))" },
		length:   func(a string) string { return "length(" + a + ")" },
		elem:     func(a string, i int) string { return "arrayElement(" + a + ", " + strconv.Itoa(i) + ")" },
		full:     func(s, re string) string { return "match(" + s + ", '^(?:" + re + ")$')" },
		contains: func(s, sub string) string { return "position(" + s + ", '" + sub + "') > 0" },
		strip: func(p string) string {
			return "replaceRegexpOne(replaceRegexpOne(" + p + ", '" + schemeRE + "', ''), '(?s)" + tailRE + "', '')"
		},
		epoch:   func(t string) string { return "toInt64(floor(toFloat64(" + t + ")))" },
		count:   "count()",
		countIf: func(c string) string { return "countIf(" + c + ")" },
	},
}

// dialectAliases are other names of a dialect: Athena (engine version 3) is Trino.
var dialectAliases = map[string]string{"athena": "trino"}

func lookupDialect(name string) (*dialect, error) {
	if a, ok := dialectAliases[name]; ok {
		name = a
	}
	for i := range dialects {
		if dialects[i].name == name {
			return &dialects[i], nil
		}
	}
	names := append(SQLDialects(), "athena")
	slices.Sort(names)
	return nil, fmt.Errorf("unknown SQL engine %q (known: %s)", name, strings.Join(names, ", "))
}

// CountsSQL returns one query, in engine's dialect (one of [SQLDialects], or "athena"), that
// classifies every request of q.Table with c's rules and counts them per bucket and UTC second. It
// returns the columns bucket (a bucket id of c, "public-metadata" or "outside-catalog"), second (the
// UTC epoch second, an integer), requests and throttled (the requests answered HTTP 429; 0 without a
// status), one row per bucket and second with traffic.
func (c *Catalog) CountsSQL(engine string, q CountsQuery) (string, error) {
	d, err := lookupDialect(engine)
	if err != nil {
		return "", err
	}
	if q.Table == "" || q.Time == "" || q.Method == "" || q.Path == "" {
		return "", fmt.Errorf("CountsSQL: the table and the time, method and path expressions are required")
	}
	if c == nil || c.root == nil {
		return "", fmt.Errorf("CountsSQL: an empty catalog")
	}
	lits, err := c.sqlLiterals(d, "s")
	if err != nil {
		return "", err
	}
	status, throttled := "NULL", "0"
	if q.Status != "" {
		status, throttled = "("+q.Status+")", d.countIf("status = 429")
	}
	var where []string
	if !q.From.IsZero() {
		where = append(where, fmt.Sprintf("second >= %d", q.From.Unix())) // Unix rounds down
	}
	if !q.To.IsZero() {
		where = append(where, fmt.Sprintf("second < %d", q.To.Unix()))
	}
	filter := ""
	if len(where) > 0 {
		filter = "\n  WHERE " + strings.Join(where, " AND ")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "-- ratecard: requests per Okta rate-limit bucket (catalog %s) and UTC second.\n", c.Name)
	b.WriteString("-- s: the request path's non-empty segments; l1, l2, ...: the catalog literal each of the first\n")
	b.WriteString("-- segments spells, percent-encoded or not (NULL for none).\n")
	b.WriteString("WITH requests AS (\n")
	fmt.Fprintf(&b, "  SELECT %s AS second, (%s) AS method, %s AS status,\n", d.epoch("("+q.Time+")"), q.Method, status)
	fmt.Fprintf(&b, "         %s AS s\n", d.segments(d.strip("("+q.Path+")")))
	fmt.Fprintf(&b, "  FROM %s\n),\n", q.Table)
	fmt.Fprintf(&b, "segments AS (\n  SELECT second, method, status, %s AS n", d.length("s"))
	for i, l := range lits {
		if l != "" {
			fmt.Fprintf(&b, ",\n    %s AS l%d", l, i+1)
		}
	}
	fmt.Fprintf(&b, "\n  FROM requests%s\n),\n", filter)
	b.WriteString("classified AS (\n  SELECT second, status,\n")
	b.WriteString(c.caseSQL("n", "l", "method", "    "))
	b.WriteString(" AS bucket\n  FROM segments\n)\n")
	fmt.Fprintf(&b, "SELECT bucket, second, %s AS requests, %s AS throttled\nFROM classified\nGROUP BY bucket, second\n", d.count, throttled)
	return b.String(), nil
}

// sqlLiterals returns, for each depth 1, 2, ... of the trie, an SQL CASE giving the literal the
// segment at that position of the array seg spells, or NULL; "" for a depth without literals.
func (c *Catalog) sqlLiterals(d *dialect, seg string) ([]string, error) {
	var byDepth [][]string
	var walk func(nd *node, depth int)
	walk = func(nd *node, depth int) {
		for _, e := range nd.lits {
			for len(byDepth) <= depth {
				byDepth = append(byDepth, nil)
			}
			if !slices.Contains(byDepth[depth], e.seg) {
				byDepth[depth] = append(byDepth[depth], e.seg)
			}
			walk(e.child, depth+1)
		}
		if nd.ph != nil {
			walk(nd.ph, depth+1)
		}
	}
	walk(c.root, 0)
	out := make([]string, len(byDepth))
	for i, lits := range byDepth {
		if len(lits) == 0 {
			continue
		}
		elem := d.elem(seg, i+1)
		var b strings.Builder
		b.WriteString("CASE")
		for _, lit := range lits {
			cond, err := d.literal(elem, lit)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(&b, "\n      WHEN %s THEN '%s'", cond, lit)
		}
		b.WriteString(" END")
		out[i] = b.String()
	}
	return out, nil
}

// caseSQL writes the CASE expression of c's classification from the number of segments n, the
// literal columns litPrefix1, litPrefix2, ... (see sqlLiterals) and the method expression method,
// indented by indent. A literal condition at a position implies the segment exists, so the number of
// segments is tested only where the rule needs it: exactly the node's depth for an exact rule, at
// least it for a prefix rule deeper than the last literal.
func (c *Catalog) caseSQL(n, litPrefix, method, indent string) string {
	var b strings.Builder
	b.WriteString(indent + "CASE\n")
	arm := func(conds []string, r rule) {
		if m := c.methodCond(r.mask, method); m != "" {
			conds = append(conds, m)
		}
		cond := "TRUE"
		if len(conds) > 0 {
			cond = strings.Join(conds, " AND ")
		}
		fmt.Fprintf(&b, "%s  WHEN %s THEN '%s'\n", indent, cond, c.ClassID(r.class))
	}
	var walk func(nd *node, depth, implied int, conds []string)
	walk = func(nd *node, depth, implied int, conds []string) {
		for _, r := range nd.exact {
			arm(append(slices.Clone(conds), fmt.Sprintf("%s = %d", n, depth)), r)
		}
		for _, e := range nd.lits {
			walk(e.child, depth+1, depth+1, append(slices.Clone(conds), fmt.Sprintf("%s%d = '%s'", litPrefix, depth+1, e.seg)))
		}
		if nd.ph != nil {
			walk(nd.ph, depth+1, implied, conds)
		}
		for _, r := range nd.prefix {
			cs := slices.Clone(conds)
			if depth > implied {
				cs = append(cs, fmt.Sprintf("%s >= %d", n, depth))
			}
			arm(cs, r)
		}
	}
	walk(c.root, 0, 0, nil)
	fmt.Fprintf(&b, "%s  ELSE '%s'\n%sEND", indent, outsideCatalogID, indent)
	return b.String()
}

// methodCond is the SQL condition that method takes one of the methods of mask, or "" for a rule
// that takes any method.
func (c *Catalog) methodCond(mask uint64, method string) string {
	if mask == allMethods {
		return ""
	}
	var ms []string
	for i, m := range c.methods {
		if mask&(1<<i) != 0 {
			ms = append(ms, "'"+m+"'")
		}
	}
	return method + " IN (" + strings.Join(ms, ", ") + ")"
}

// literal is the SQL condition that the path segment seg equals the catalog's literal segment lit
// once percent-decoded, as [Catalog.Classify] compares them: equal as it is, or, when it holds a %,
// spelled with %XX escapes (either case of hex digits) for any of lit's bytes. A segment with an
// invalid escape matches neither, as it matches no literal in Go (literals hold no %). The pattern
// uses no backslash, which some engines' string literals would take as an escape: a character that
// is not a letter or digit is written as a one-character class ([.]).
func (d *dialect) literal(seg, lit string) (string, error) {
	var re strings.Builder
	for i := 0; i < len(lit); i++ {
		ch := lit[i]
		re.WriteString("(?:")
		switch {
		case isAlpha(ch) || ch >= '0' && ch <= '9':
			re.WriteByte(ch)
		case strings.IndexByte("[]^\\'", ch) >= 0:
			return "", fmt.Errorf("literal segment %q: the SQL compiler takes no %q", lit, ch)
		default:
			re.WriteString("[" + string(ch) + "]")
		}
		re.WriteString("|%" + hexClass(ch>>4) + hexClass(ch&15) + ")")
	}
	return fmt.Sprintf("(%s = '%s' OR (%s AND %s))", seg, lit, d.contains(seg, "%"), d.full(seg, re.String())), nil
}

// hexClass is a regular expression for the hex digit of x, in either case.
func hexClass(x byte) string {
	const digits = "0123456789ABCDEF"
	c := digits[x]
	if c >= 'A' {
		return "[" + string(c) + string(c+'a'-'A') + "]"
	}
	return string(c)
}

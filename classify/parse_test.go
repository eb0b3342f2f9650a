package classify

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

const testHeader = "id\tmethods\tmatch\tpattern\tdeveloper-free\tdeveloper-paid\tone-app\tenterprise\tworkforce\tsource\n"

// tsv joins rows of space-separated cells (use _ for an empty cell) into tab-separated lines.
func tsv(rows ...string) string {
	var b strings.Builder
	for _, r := range rows {
		if r == "" || strings.HasPrefix(r, "#") {
			b.WriteString(r + "\n")
			continue
		}
		cells := strings.Fields(r)
		for i := range cells {
			if cells[i] == "_" {
				cells[i] = ""
			}
		}
		b.WriteString(strings.Join(cells, "\t") + "\n")
	}
	return b.String()
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, input, want string
	}{
		{"no header", "# only a comment\n\n", "test.tsv: no header line"},
		{"no rules", testHeader + "# nothing\n", "test.tsv: no rules"},
		{"unknown tier column", "id\tmethods\tmatch\tpattern\tdeveloper-free\tdeveloper-paid\tone-app\tenterprise\tworkforce-identity\tsource\n", `test.tsv:1: unknown column "workforce-identity"`},
		{"missing column", "# c\nid\tmethods\tmatch\tpattern\tdeveloper-free\tdeveloper-paid\tone-app\tenterprise\tsource\n", "test.tsv:2: header lacks the column(s) workforce"},
		{"duplicate column", "id\tid\tmethods\tmatch\tpattern\tdeveloper-free\tdeveloper-paid\tone-app\tenterprise\tworkforce\tsource\n", `test.tsv:1: column "id" appears twice`},
		{"too few columns", testHeader + tsv("", "a * prefix /a 1 2 3 4 src"), "test.tsv:3: 9 tab-separated columns, want 10"},
		{"too many columns", testHeader + tsv("a * prefix /a 1 2 3 4 5 src extra"), "test.tsv:2: 11 tab-separated columns, want 10"},
		{"bad limit", testHeader + tsv("a * prefix /a 1 2 3 4 5 src", "# c", "b * prefix /b 1 2 x 4 5 src"), `test.tsv:4: limit "x" for one-app: want a positive integer`},
		{"negative limit", testHeader + tsv("a * prefix /a 1 2 3 -4 5 src"), `test.tsv:2: limit "-4" for enterprise`},
		{"zero limit", testHeader + tsv("a * prefix /a 0 2 3 4 5 src"), `test.tsv:2: limit "0" for developer-free`},
		{"empty limit", testHeader + tsv("a * prefix /a 1 2 3 4 _ src"), `test.tsv:2: limit "" for workforce`},
		{"dash limit on a bucket", testHeader + tsv("a * prefix /a 1 2 3 4 - src"), `test.tsv:2: limit "-" for workforce`},
		{"limit on public metadata", testHeader + tsv("public-metadata * exact /k 1 - - - - src"), `test.tsv:2: limit "1" for developer-free: public-metadata lines are never limited`},
		{"unknown match kind", testHeader + tsv("a * prefix /a 1 2 3 4 5 src", "b * longest /b 1 2 3 4 5 src"), `test.tsv:3: unknown match kind "longest"`},
		{"duplicate rule", testHeader + tsv("a * prefix /a 1 2 3 4 5 src", "", "b * prefix /a 1 2 3 4 5 src"), "test.tsv:4: duplicate rule: * prefix /a overlaps line 2"},
		{"duplicate rule, placeholder names differ", testHeader + tsv("a GET exact /u/{id} 1 2 3 4 5 src", "b GET,PUT exact /u/{login} 1 2 3 4 5 src"), "test.tsv:3: duplicate rule: GET,PUT exact /u/{login} overlaps line 2 (GET exact /u/{id})"},
		{"duplicate rule, any method", testHeader + tsv("a GET exact /u 1 2 3 4 5 src", "b * exact /u 1 2 3 4 5 src"), "test.tsv:3: duplicate rule"},
		{"duplicate public metadata", testHeader + tsv("public-metadata * exact /k - - - - - src", "public-metadata GET exact /k - - - - - src"), "test.tsv:3: duplicate rule"},
		{"bucket limits differ", testHeader + tsv("a * prefix /a 1 2 3 4 5 src", "a * prefix /b 1 2 3 4 6 src"), `test.tsv:3: bucket "a" has limits 1/2/3/4/6 here but 1/2/3/4/5 on line 2`},
		{"reserved id", testHeader + tsv("outside-catalog * prefix /a 1 2 3 4 5 src"), `test.tsv:2: bucket id "outside-catalog" is reserved`},
		{"bad id", testHeader + tsv("Users * prefix /a 1 2 3 4 5 src"), `test.tsv:2: bad bucket id "Users"`},
		{"lower-case method", testHeader + tsv("a get exact /a 1 2 3 4 5 src"), `test.tsv:2: bad method "get"`},
		{"empty methods", testHeader + tsv("a _ exact /a 1 2 3 4 5 src"), "test.tsv:2: empty methods"},
		{"method twice", testHeader + tsv("a GET,GET exact /a 1 2 3 4 5 src"), "test.tsv:2: method GET listed twice"},
		{"relative pattern", testHeader + tsv("a * exact a/b 1 2 3 4 5 src"), `test.tsv:2: pattern "a/b": must start with /`},
		{"trailing slash pattern", testHeader + tsv("a * exact /a/ 1 2 3 4 5 src"), `test.tsv:2: pattern "/a/": empty segment`},
		{"bad placeholder", testHeader + tsv("a * exact /a/{id 1 2 3 4 5 src"), `test.tsv:2: pattern "/a/{id": bad placeholder`},
		{"partial placeholder", testHeader + tsv("a * exact /a/x{id} 1 2 3 4 5 src"), `test.tsv:2: pattern "/a/x{id}": bad character '{'`},
		{"escape in pattern", testHeader + tsv("a * exact /a/%75 1 2 3 4 5 src"), `test.tsv:2: pattern "/a/%75": bad character '%'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("test.tsv", strings.NewReader(tc.input))
			if err == nil {
				t.Fatalf("no error; catalog %+v", c)
			}
			if c != nil {
				t.Errorf("catalog %+v with error", c)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestParseLongLine(t *testing.T) {
	in := testHeader + "# " + strings.Repeat("x", 70*1024) + "\n"
	_, err := Parse("big.tsv", strings.NewReader(in))
	if err == nil || !strings.Contains(err.Error(), "big.tsv:2: line too long") {
		t.Errorf("error %v, want big.tsv:2: line too long", err)
	}
}

func TestParseReadError(t *testing.T) {
	boom := errors.New("boom")
	_, err := Parse("r.tsv", iotest.ErrReader(boom))
	if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "r.tsv: ") {
		t.Errorf("error %v, want r.tsv: boom", err)
	}
}

// TestParseCustom parses a small catalog using what the seed does not: columns in another order,
// CRLF line ends and a byte-order mark, a bucket with several rows, a method-restricted prefix rule,
// a root rule, and a custom method.
func TestParseCustom(t *testing.T) {
	in := "\uFEFF# custom\r\n" +
		"source\tpattern\tid\tmatch\tmethods\tworkforce\tenterprise\tone-app\tdeveloper-paid\tdeveloper-free\r\n" +
		"t1\t/a/{x}\tab\texact\t*\t5\t4\t3\t2\t1\r\n" +
		"t2\t/b\tab\tprefix\tGET\t5\t4\t3\t2\tN/A\r\n" +
		"t3\t/b\tbpost\tprefix\tPOST,PROPFIND\t50\t40\t30\t20\t10\r\n" +
		"\r\n" +
		"t4\t/\troot\tprefix\t*\t9\t9\t9\t9\t9\r\n" +
		"t5\t/b/keys\tpublic-metadata\texact\t*\t-\t-\t-\t-\t-\r\n"
	// The two rows of bucket ab disagree on developer-free (1 and N/A): an error until they agree.
	if _, err := Parse("c.tsv", strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "c.tsv:4: bucket \"ab\"") {
		t.Fatalf("error %v, want c.tsv:4: bucket \"ab\" ...", err)
	}
	in = strings.Replace(in, "\tN/A\r\n", "\t1\r\n", 1)
	c, err := Parse("c.tsv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "c.tsv" {
		t.Errorf("Name = %q", c.Name)
	}
	var ids []string
	for _, b := range c.Buckets {
		ids = append(ids, b.ID)
	}
	if got := strings.Join(ids, " "); got != "ab bpost root" {
		t.Fatalf("buckets %q, want ab bpost root", got)
	}
	ab := &c.Buckets[0]
	if ab.Limits != [NumTiers]int{1, 2, 3, 4, 5} || ab.Pattern != "/a/{x}" || ab.Match != "exact" || ab.Methods != nil || ab.Source != "t1; t2" {
		t.Errorf("ab = %+v", *ab)
	}
	if want := "any method to exactly /a/{x}; only GET to /b and everything under it, except where a more specific rule applies (bpost, public-metadata)"; ab.Rule != want {
		t.Errorf("ab.Rule = %q\nwant %q", ab.Rule, want)
	}
	if want := "only POST or PROPFIND to /b and everything under it, except where a more specific rule applies (ab, public-metadata)"; c.Buckets[1].Rule != want {
		t.Errorf("bpost.Rule = %q\nwant %q", c.Buckets[1].Rule, want)
	}
	for _, tc := range []classifyCase{
		{"GET", "/a/1", "ab"},
		{"GET", "/a/1/2", "root"},
		{"GET", "/b/x", "ab"},
		{"POST", "/b/x", "bpost"},
		{"PROPFIND", "/b", "bpost"},
		{"PUT", "/b", "root"},
		{"GET", "/b/keys", "public-metadata"},
		{"GET", "/", "root"},
		{"GET", "", "root"},
		{"GET", "*", "root"},
	} {
		if got := c.ClassID(c.Classify(tc.method, tc.target)); got != tc.want {
			t.Errorf("Classify(%q, %q) = %s, want %s", tc.method, tc.target, got, tc.want)
		}
	}
}

// TestParseBacktracking checks the literal-before-placeholder fallback on a catalog built for it:
// a literal subtree that fails falls back to the placeholder subtree, and one that matches does not.
func TestParseBacktracking(t *testing.T) {
	c, err := Parse("bt.tsv", strings.NewReader(testHeader+tsv(
		"lit * exact /x/lit/a 1 1 1 1 1 s",
		"ph * exact /x/{p}/b 2 2 2 2 2 s",
		"litpre * prefix /y/lit 3 3 3 3 3 s",
		"phdeep * exact /y/{p}/c 4 4 4 4 4 s",
		"top * prefix /x 5 5 5 5 5 s",
	)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []classifyCase{
		{"GET", "/x/lit/a", "lit"},
		{"GET", "/x/lit/b", "ph"}, // literal subtree has no match: the placeholder subtree's
		{"GET", "/x/other/b", "ph"},
		{"GET", "/x/lit/c", "top"},
		{"GET", "/y/lit/c", "litpre"}, // literal subtree matches (its prefix): no fallback
		{"GET", "/y/other/c", "phdeep"},
		{"GET", "/y/other", out},
	} {
		if got := c.ClassID(c.Classify(tc.method, tc.target)); got != tc.want {
			t.Errorf("Classify(%q, %q) = %s, want %s", tc.method, tc.target, got, tc.want)
		}
	}
}

func TestParseTooManyBuckets(t *testing.T) {
	var b strings.Builder
	b.WriteString(testHeader)
	for i := 0; i < maxBuckets+1; i++ {
		b.WriteString(tsv("b" + strings.Repeat("x", i%7) + itoa(i) + " * prefix /p" + itoa(i) + " 1 1 1 1 1 s"))
	}
	_, err := Parse("many.tsv", strings.NewReader(b.String()))
	if err == nil || !strings.Contains(err.Error(), "many.tsv:255: too many buckets (max 253)") {
		t.Errorf("error %v, want many.tsv:255: too many buckets", err)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

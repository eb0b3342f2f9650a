package classify

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

func mustOverrides(t *testing.T, name, in string) *Overrides {
	t.Helper()
	o, err := ParseOverrides(name, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestParseOverrides(t *testing.T) {
	in := "\uFEFF---\r\n" +
		"# limits.yaml: our org's limits\n" +
		"authn: 3000            # all tiers\n" +
		"\n" +
		"users-get:\n" +
		"  enterprise: 2000\n" +
		"  # a comment inside the block\n" +
		"  workforce: 4000\n" +
		"dynamicscale: 5x\n" +
		"workforce-multiplier:   10X   \n" +
		"groups-by-id:\n" +
		"    one-app: 900\n"
	o := mustOverrides(t, "limits.yaml", in)
	if o.Name != "limits.yaml" {
		t.Errorf("Name = %q", o.Name)
	}
	want := []LimitOverride{
		{Line: 3, Bucket: "authn", AllTiers: true, Limit: 3000},
		{Line: 6, Bucket: "users-get", Tier: Enterprise, Limit: 2000},
		{Line: 8, Bucket: "users-get", Tier: Workforce, Limit: 4000},
		{Line: 12, Bucket: "groups-by-id", Tier: OneApp, Limit: 900},
	}
	if len(o.Limits) != len(want) {
		t.Fatalf("Limits = %+v, want %+v", o.Limits, want)
	}
	for i := range want {
		if o.Limits[i] != want[i] {
			t.Errorf("Limits[%d] = %+v, want %+v", i, o.Limits[i], want[i])
		}
	}
	if o.DynamicScale != (Multiplier{Factor: 5, Line: 9}) || o.WorkforceMultiplier != (Multiplier{Factor: 10, Line: 10}) {
		t.Errorf("multipliers %+v, %+v", o.DynamicScale, o.WorkforceMultiplier)
	}
	// An empty file (or one of comments) is no overrides at all.
	for _, in := range []string{"", "# nothing yet\n\n", "---\n"} {
		o := mustOverrides(t, "e.yaml", in)
		if len(o.Limits) != 0 || o.DynamicScale.Factor != 0 || o.WorkforceMultiplier.Factor != 0 {
			t.Errorf("%q: %+v", in, o)
		}
	}
	// Multiplier spellings.
	for in, n := range map[string]int{"dynamicscale: 1x": 1, "dynamicscale: 1000x": 1000, "dynamicscale: 25×": 25, "workforce-multiplier: 5x": 5, "workforce-multiplier: 1x": 1} {
		o := mustOverrides(t, "m.yaml", in)
		if got := o.DynamicScale.Factor + o.WorkforceMultiplier.Factor; got != n {
			t.Errorf("%q: factor %d, want %d", in, got, n)
		}
	}
}

func TestParseOverridesErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"zero limit", "authn: 0\n", `limits.yaml:1: authn: zero limit`},
		{"negative limit", "# c\nauthn: -5\n", `limits.yaml:2: authn: negative limit "-5"`},
		{"negative tier limit", "users-get:\n  enterprise: -1\n", `limits.yaml:2: users-get enterprise: negative limit "-1"`},
		{"not a number", "authn: lots\n", `limits.yaml:1: authn: limit "lots": want a whole number`},
		{"decimal", "authn: 3000.5\n", `limits.yaml:1: authn: limit "3000.5"`},
		{"thousands", "authn: 3,000\n", `limits.yaml:1: authn: limit "3,000"`},
		{"leading zero", "authn: 0600\n", `limits.yaml:1: authn: limit "0600"`},
		{"too big", "authn: 1000000001\n", `limits.yaml:1: authn: limit "1000000001"`},
		{"quoted", "authn: \"3000\"\n", `limits.yaml:1: authn: limit "\"3000\""`},
		{"multiplier on a bucket", "authn: 5x\n", `limits.yaml:1: authn: limit "5x"`},
		{"duplicate key", "authn: 1\nsessions: 2\nauthn: 3\n", `limits.yaml:3: duplicate key "authn" (first on line 1)`},
		{"duplicate block key", "users-get:\n  enterprise: 1\nusers-get: 5\n", `limits.yaml:3: duplicate key "users-get" (first on line 1)`},
		{"duplicate tier", "users-get:\n  enterprise: 1\n  enterprise: 2\n", `limits.yaml:3: duplicate key "enterprise" under bucket "users-get" (first on line 2)`},
		{"duplicate multiplier", "dynamicscale: 5x\ndynamicscale: 10x\n", `limits.yaml:2: duplicate key "dynamicscale"`},
		{"bad dynamicscale", "dynamicscale: 3x\n", `limits.yaml:1: dynamicscale "3x": DynamicScale multiplies default limits by 5x up to 1000x`},
		{"dynamicscale too big", "dynamicscale: 2000x\n", `limits.yaml:1: dynamicscale "2000x"`},
		{"dynamicscale zero", "dynamicscale: 0x\n", `limits.yaml:1: dynamicscale "0x": want a multiplier such as 5x`},
		{"dynamicscale no x", "dynamicscale: 5\n", `limits.yaml:1: dynamicscale "5": want a multiplier such as 5x`},
		{"dynamicscale empty", "dynamicscale:\n", `limits.yaml:1: dynamicscale "": want a multiplier`},
		{"dynamicscale negative", "dynamicscale: -5x\n", `limits.yaml:1: dynamicscale "-5x"`},
		{"bad workforce", "workforce-multiplier: 7x\n", `limits.yaml:1: workforce-multiplier "7x": the Workforce license multiplier is 1x`},
		{"unknown tier", "users-get:\n  enterprize: 5\n", `limits.yaml:2: unknown tier "enterprize" under bucket "users-get"`},
		{"tier title", "users-get:\n  Enterprise: 5\n", `limits.yaml:2: unknown tier "Enterprise"`},
		{"tier at top level", "enterprise: 5\n", `limits.yaml:1: tier "enterprise" as a key`},
		{"empty block", "users-get:\nauthn: 5\n", `limits.yaml:1: bucket "users-get" has no limit`},
		{"empty block at end", "authn: 5\nusers-get:   # todo\n", `limits.yaml:2: bucket "users-get" has no limit`},
		{"indent without block", "authn: 5\n  enterprise: 6\n", `limits.yaml:2: unexpected indentation`},
		{"uneven indent", "users-get:\n  enterprise: 1\n    workforce: 2\n", `limits.yaml:3: indentation of 4 spaces, but 2`},
		{"tab indent", "users-get:\n\tenterprise: 1\n", `limits.yaml:2: tab in indentation`},
		{"public metadata", "public-metadata: 5\n", `limits.yaml:1: "public-metadata" is not a bucket`},
		{"outside catalog", "outside-catalog: 5\n", `limits.yaml:1: "outside-catalog" is not a bucket`},
		{"bad key", "Authn: 5\n", `limits.yaml:1: bad key "Authn"`},
		{"key with space", "auth n: 5\n", `limits.yaml:1: bad key "auth n"`},
		{"no colon", "authn 3000\n", `limits.yaml:1: no key: value in "authn 3000"`},
		{"no space after colon", "authn:3000\n", `limits.yaml:1: no key: value in "authn:3000"`},
		{"list", "- authn: 5\n", `limits.yaml:1: unsupported YAML "- authn: 5"`},
		{"flow map", "{authn: 5}\n", `limits.yaml:1: unsupported YAML`},
		{"flow value", "users-get: {enterprise: 5}\n", `limits.yaml:1: users-get: limit "{enterprise: 5}"`},
		{"anchor", "&a authn: 5\n", `limits.yaml:1: unsupported YAML`},
		{"second document", "authn: 5\n---\nauthn: 6\n", `limits.yaml:2: a second YAML document`},
		{"nested too deep", "users-get:\n  enterprise:\n    x: 1\n", `limits.yaml:2: users-get enterprise: limit ""`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := ParseOverrides("limits.yaml", strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("no error; overrides %+v", o)
			}
			if o != nil {
				t.Errorf("overrides %+v with error", o)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestParseOverridesReadErrors(t *testing.T) {
	boom := errors.New("boom")
	if _, err := ParseOverrides("r.yaml", iotest.ErrReader(boom)); !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "r.yaml: ") {
		t.Errorf("error %v, want r.yaml: boom", err)
	}
	long := "authn: 5\n# " + strings.Repeat("x", 70*1024) + "\n"
	if _, err := ParseOverrides("big.yaml", strings.NewReader(long)); err == nil || !strings.Contains(err.Error(), "big.yaml:2: line too long") {
		t.Errorf("error %v, want big.yaml:2: line too long", err)
	}
}

func TestWithOverrides(t *testing.T) {
	seed := Seed()
	o := mustOverrides(t, "limits.yaml", `# our org
authn: 3000
users-get:
  enterprise: 2500
orgs: 10
dynamicscale: 5x
workforce-multiplier: 10x
apps:
  developer-free: 7
`)
	c, err := seed.WithOverrides(o)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "seed+limits.yaml" || seed.Name != "seed" {
		t.Errorf("names %q, %q", c.Name, seed.Name)
	}
	lim := func(id string) [NumTiers]int {
		b, _, ok := c.BucketByID(id)
		if !ok {
			t.Fatalf("no bucket %s", id)
		}
		return b.Limits
	}
	for id, want := range map[string][NumTiers]int{
		// Absolute, every tier: replaces the multiplied limits too.
		"authn": {3000, 3000, 3000, 3000, 3000},
		// Absolute on one tier; the others multiplied (DS on one-app and enterprise, WM on workforce).
		"users-get": {100, 300, 1500, 2500, 20000},
		// DynamicScale and Workforce multiplier, eligible buckets.
		"sessions":     {100, 300, 1500, 3000, 7500},
		"oauth2-org":   {300, 600, 3000, 6000, 20000},
		"apps-by-id":   {100, 300, 1500, 3000, 5000},
		"groups-by-id": {100, 300, 1500, 3000, 10000},
		// Not eligible: unchanged (oauth2-other is burst-only).
		"oauth2-other": {100, 300, 300, 600, 600},
		"users":        {100, 300, 300, 600, 600},
		"api-other":    {100, 300, 300, 600, 1200},
		// Every-tier absolute keeps N/A tiers N/A.
		"orgs": {NA, NA, NA, 10, 10},
		// One-tier absolute.
		"apps": {7, 25, 25, 100, 100},
	} {
		if got := lim(id); got != want {
			t.Errorf("%s: limits %v, want %v", id, got, want)
		}
	}
	b, _, _ := c.BucketByID("users-get")
	for tier, origin := range map[Tier]string{
		DeveloperFree: "", DeveloperPaid: "", OneApp: "dynamicscale 5x (limits.yaml:6)",
		Enterprise: "limits.yaml:4", Workforce: "workforce-multiplier 10x (limits.yaml:7)",
	} {
		if got := b.LimitOrigin(tier); got != origin {
			t.Errorf("users-get LimitOrigin(%s) = %q, want %q", tier, got, origin)
		}
		if got, want := b.DefaultLimit(tier), [NumTiers]int{100, 300, 300, 1000, 2000}[tier]; got != want {
			t.Errorf("users-get DefaultLimit(%s) = %d, want %d", tier, got, want)
		}
	}
	if b.LimitOrigin(Tier(-1)) != "" || b.DefaultLimit(Tier(NumTiers)) != NA {
		t.Error("out-of-range tier")
	}
	// The seed catalog is untouched.
	for i, want := range designBuckets {
		sb := &seed.Buckets[i]
		if sb.Limits != want.limits {
			t.Errorf("seed %s changed: %v", sb.ID, sb.Limits)
		}
		for _, tier := range Tiers {
			if sb.LimitOrigin(tier) != "" {
				t.Errorf("seed %s has origin %q", sb.ID, sb.LimitOrigin(tier))
			}
		}
	}
	// It classifies exactly as the seed, without allocating.
	for _, tc := range classifyCases {
		if c.Classify(tc.method, tc.target) != seed.Classify(tc.method, tc.target) {
			t.Errorf("%s %s classified differently", tc.method, tc.target)
		}
	}
	var sink Class
	if allocs := testing.AllocsPerRun(50, func() {
		for _, r := range typicalTargets {
			sink ^= c.Classify(r.method, r.target)
		}
	}); allocs != 0 {
		t.Errorf("overridden catalog allocates: %v", allocs)
	}
	_ = sink
}

func TestWithOverridesPerTierOnNA(t *testing.T) {
	c, err := Seed().WithOverrides(mustOverrides(t, "l.yaml", "orgs:\n  one-app: 5\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := c.BucketByID("orgs")
	if b.Limits != [NumTiers]int{NA, NA, 5, 50, 50} || b.DefaultLimit(OneApp) != NA {
		t.Errorf("orgs: %v", b.Limits)
	}
}

func TestWithOverridesOkta2025(t *testing.T) {
	c, err := okta2025(t).WithOverrides(mustOverrides(t, "l.yaml", "login-page: 5000\ndynamicscale: 10x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "okta-2025+l.yaml" {
		t.Errorf("Name %q", c.Name)
	}
	for id, want := range map[string][NumTiers]int{
		"login-page":          {5000, 5000, 5000, 5000, 5000},
		"oauth2-org-token":    {300, 1200, 12000, 12000, 2000},
		"wsfed-active":        {NA, NA, NA, 2000, 1000}, // Workforce multiplier only
		"login-iwa":           {100, 600, 600, 600, 500},
		"idx-introspect":      {200, 2000, 20000, 20000, 2000},
		"idx":                 {100, 1000, 1000, 1000, 1000},
		"users-get":           {100, 1000, 10000, 10000, 2000},
		"users":               {100, 600, 600, 600, 600},
		"devices":             {100, 150, 150, 150, 100},
		"oauth2-custom-token": {300, 1200, 12000, 12000, 2000},
	} {
		b, _, ok := c.BucketByID(id)
		if !ok || b.Limits != want {
			t.Errorf("%s: %v, want %v", id, b.Limits, want)
		}
	}
}

func TestWithOverridesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		cat      *Catalog
		want     string
	}{
		{"unknown bucket", "# c\n\nauthnn: 3000\n", Seed(), `limits.yaml:3: unknown bucket "authnn" in catalog seed (did you mean "authn"?)`},
		{"unknown bucket, no hint", "frobnicate: 1\n", Seed(), `limits.yaml:1: unknown bucket "frobnicate" in catalog seed`},
		{"bucket of the other catalog", "authn: 1\nlogin-page: 3000\n", Seed(), `limits.yaml:2: unknown bucket "login-page" in catalog seed (it is a bucket of catalog okta-2025)`},
		{"seed bucket in okta-2025", "orgs: 5\n", nil, `limits.yaml:1: unknown bucket "orgs" in catalog okta-2025 (it is a bucket of catalog seed)`},
		{"unknown bucket in block", "users-gett:\n  enterprise: 5\n", Seed(), `limits.yaml:2: unknown bucket "users-gett" in catalog seed (did you mean "users-get"?)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cat := tc.cat
			if cat == nil {
				cat = okta2025(t)
			}
			c, err := cat.WithOverrides(mustOverrides(t, "limits.yaml", tc.in))
			if err == nil || c != nil {
				t.Fatalf("WithOverrides = %v, %v; want an error", c, err)
			}
			if err.Error() != tc.want && !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %q\nwant %q", err, tc.want)
			}
			if tc.name == "unknown bucket, no hint" && strings.Contains(err.Error(), "(") {
				t.Errorf("error %q has a hint", err)
			}
		})
	}
	// Hand-made overrides are validated too.
	for _, tc := range []struct {
		o    *Overrides
		want string
	}{
		{&Overrides{Name: "x", DynamicScale: Multiplier{Factor: 3, Line: 2}}, "x:2: dynamicscale 3x: not a valid multiplier"},
		{&Overrides{Name: "x", WorkforceMultiplier: Multiplier{Factor: 7, Line: 4}}, "x:4: workforce-multiplier 7x: not a valid multiplier"},
		{&Overrides{Name: "x", Limits: []LimitOverride{{Line: 1, Bucket: "authn", AllTiers: true, Limit: 0}}}, "x:1: authn: limit 0"},
		{&Overrides{Name: "x", Limits: []LimitOverride{{Line: 1, Bucket: "authn", Tier: 9, Limit: 5}}}, "x:1: authn: unknown tier Tier(9)"},
	} {
		if _, err := Seed().WithOverrides(tc.o); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
	// A multiplier that overflows the maximum limit.
	big, err := Parse("big.tsv", strings.NewReader(testHeader[:len(testHeader)-len("source\n")]+"eligible\tsource\n"+
		tsv("a * prefix /a 1 2 3 2000000 5 dynamicscale src")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := big.WithOverrides(mustOverrides(t, "l.yaml", "dynamicscale: 1000x\n")); err == nil ||
		!strings.Contains(err.Error(), `l.yaml:1: dynamicscale 1000x makes bucket "a"'s limit on enterprise 2000000000, over the maximum`) {
		t.Errorf("error %v", err)
	}
	// nil cases.
	if c, err := Seed().WithOverrides(nil); c != Seed() || err != nil {
		t.Errorf("WithOverrides(nil) = %p, %v", c, err)
	}
	var nilCat *Catalog
	if _, err := nilCat.WithOverrides(&Overrides{}); err == nil {
		t.Error("nil catalog: no error")
	}
	if c, err := Seed().WithOverrides(&Overrides{}); err != nil || c.Name != "seed+overrides" {
		t.Errorf("unnamed overrides: %v, %v", c, err)
	}
}

// TestWithOverridesChained applies a second file on top of the first.
func TestWithOverridesChained(t *testing.T) {
	c1, err := Seed().WithOverrides(mustOverrides(t, "a.yaml", "dynamicscale: 5x\n"))
	if err != nil {
		t.Fatal(err)
	}
	c2, err := c1.WithOverrides(mustOverrides(t, "b.yaml", "authn: 7\nnope: 1\n"))
	if err == nil || !strings.HasPrefix(err.Error(), `b.yaml:2: unknown bucket "nope" in catalog seed+a.yaml`) {
		t.Fatalf("error %v", err)
	}
	c2, err = c1.WithOverrides(mustOverrides(t, "b.yaml", "authn: 7\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c2.Name != "seed+a.yaml+b.yaml" {
		t.Errorf("Name %q", c2.Name)
	}
	b, _, _ := c2.BucketByID("sessions")
	if b.Limit(Enterprise) != 3000 || b.DefaultLimit(Enterprise) != 600 || b.LimitOrigin(Enterprise) != "dynamicscale 5x (a.yaml:1)" {
		t.Errorf("sessions: %d %d %q", b.Limit(Enterprise), b.DefaultLimit(Enterprise), b.LimitOrigin(Enterprise))
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"authn", "authn", 3, 0},
		{"authnn", "authn", 3, 1},
		{"usres", "users", 3, 1}, // a swap of two adjacent letters
		{"bukcets", "buckets", 3, 1},
		{"ca", "abc", 5, 3},
		{"tiers", "tier", 3, 1},
		{"", "abc", 3, 3},
		{"abcdef", "a", 3, 3},
		{"kitten", "sitting", 5, 3},
	} {
		if got := EditDistance(tc.a, tc.b, tc.limit); got != tc.want {
			t.Errorf("EditDistance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.limit, got, tc.want)
		}
		if got := EditDistance(tc.b, tc.a, tc.limit); got != tc.want {
			t.Errorf("EditDistance(%q, %q, %d) = %d, want %d", tc.b, tc.a, tc.limit, got, tc.want)
		}
	}
}

func FuzzParseOverrides(f *testing.F) {
	for _, s := range []string{
		"authn: 3000\n",
		"authn: 3000 # all tiers\nusers-get:\n  enterprise: 2000\n  workforce: 4000\n",
		"dynamicscale: 5x\nworkforce-multiplier: 10x\n",
		"---\r\n# c\r\nlogin-page: 5000\r\n",
		"users-get:\n\tenterprise: 1\n",
		"authn: 0\n",
		"authn: -1\n",
		"authn: 1\nauthn: 2\n",
		"dynamicscale: 3x\n",
		"users-get:\n  enterprise: 1\n    workforce: 2\n",
		"- authn: 5\n",
		"authnn: 5\n",
		"orgs: 10\napps:\n  developer-free: 7\n",
		"dynamicscale: 1000×\n",
		"a:b: c\n",
		"x: 1000000000\n",
	} {
		f.Add(s)
	}
	seed, o25 := Seed(), func() *Catalog { c, _ := Load("okta-2025"); return c }()
	f.Fuzz(func(t *testing.T, in string) {
		o, err := ParseOverrides("f.yaml", strings.NewReader(in))
		if err != nil {
			if o != nil {
				t.Fatalf("overrides and error %v", err)
			}
			if !strings.HasPrefix(err.Error(), "f.yaml:") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		seen := map[[2]string]bool{}
		for _, l := range o.Limits {
			if l.Limit < 1 || l.Limit > maxLimit || l.Line < 1 || !validID(l.Bucket) || !l.AllTiers && !l.Tier.valid() {
				t.Fatalf("bad limit override %+v", l)
			}
			k := [2]string{l.Bucket, l.Tier.String()}
			if l.AllTiers {
				k[1] = "*"
			}
			if seen[k] {
				t.Fatalf("duplicate override %+v", l)
			}
			seen[k] = true
		}
		if f := o.DynamicScale.Factor; f != 0 && !validDynamicScale(f) {
			t.Fatalf("dynamicscale %d", f)
		}
		if f := o.WorkforceMultiplier.Factor; f != 0 && !validWorkforce(f) {
			t.Fatalf("workforce-multiplier %d", f)
		}
		for _, cat := range []*Catalog{seed, o25} {
			c, err := cat.WithOverrides(o)
			if err != nil {
				if !strings.HasPrefix(err.Error(), "f.yaml:") {
					t.Fatalf("error %q does not name the file", err)
				}
				continue
			}
			for i := range c.Buckets {
				b := &c.Buckets[i]
				for _, tier := range Tiers {
					l := b.Limit(tier)
					if l != NA && (l < 1 || l > maxLimit) {
						t.Fatalf("%s on %s: limit %d", b.ID, tier, l)
					}
					if (l != b.DefaultLimit(tier)) && b.LimitOrigin(tier) == "" {
						t.Fatalf("%s on %s: changed from %d to %d with no origin", b.ID, tier, b.DefaultLimit(tier), l)
					}
				}
			}
		}
	})
}

func TestMultiplierTiers(t *testing.T) {
	ds, wm := DynamicScaleTiers(), WorkforceMultiplierTiers()
	if len(ds) != 2 || ds[0] != OneApp || ds[1] != Enterprise || len(wm) != 1 || wm[0] != Workforce {
		t.Errorf("DynamicScaleTiers %v, WorkforceMultiplierTiers %v", ds, wm)
	}
	ds[0] = DeveloperFree
	if DynamicScaleTiers()[0] != OneApp {
		t.Error("DynamicScaleTiers is not a copy")
	}
}

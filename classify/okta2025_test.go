package classify

import (
	"strings"
	"testing"
)

// The expectations in this file are copied from ratecard's fact sheet (shared/okta-rate-limits.md
// §2, §2a, §3, §4, §9, §15), not computed from the catalog under test.

// elig is what a bucket is eligible for: burst, DynamicScale, Workforce multiplier.
type elig struct{ burst, ds, wm bool }

var (
	eAll  = elig{true, true, true}
	eBW   = elig{burst: true, wm: true}
	eB    = elig{burst: true}
	eDW   = elig{ds: true, wm: true}
	eNone = elig{}
)

// okta2025Row is one row of the okta-2025 tables: a representative request, the bucket it must
// land in, and that bucket's limits (Integrator Free / Dev paid / One App / Enterprise / Workforce)
// and eligibility.
type okta2025Row struct {
	table          string // fact sheet section
	method, target string
	id             string
	limits         [NumTiers]int
	elig           elig
}

// okta2025Rows has one row per bucket of the catalog, in catalog order.
var okta2025Rows = []okta2025Row{
	// §2 Authentication / end-user buckets.
	{"§2 /api/v1/authn", "POST", "/api/v1/authn", "authn", [NumTiers]int{100, 600, 600, 600, 500}, eAll},
	{"§2 authn factor verify", "POST", "/api/v1/authn/factors/ostf1a2b3c4d5e6f7g8h9/verify", "authn-verify", [NumTiers]int{100, 600, 600, 600, 500}, eAll},
	{"§2 /api/v1/sessions", "GET", "/api/v1/sessions/me", "sessions", [NumTiers]int{100, 600, 600, 600, 750}, eAll},
	{"§2 /oauth2/{asId}/v1*", "POST", "/oauth2/default/v1/introspect", "oauth2-custom", [NumTiers]int{300, 1200, 1200, 1200, 2000}, eAll},
	{"§2 /oauth2/{asId}/v1/authorize", "GET", "/oauth2/aus1a2b3c4d5e6f7g8h9/v1/authorize?client_id=0oa1&state=x", "oauth2-custom-authorize", [NumTiers]int{300, 1200, 1200, 1200, 2000}, eAll},
	{"§2 /oauth2/{asId}/v1/token", "POST", "/oauth2/default/v1/token", "oauth2-custom-token", [NumTiers]int{300, 1200, 1200, 1200, 2000}, eAll},
	{"§2 /oauth2/v1*", "GET", "/oauth2/v1/userinfo", "oauth2-org", [NumTiers]int{300, 1200, 1200, 1200, 2000}, eAll},
	{"§2 /oauth2/v1/authorize", "GET", "/oauth2/v1/authorize?client_id=0oa1", "oauth2-org-authorize", [NumTiers]int{300, 1200, 1200, 1200, 2000}, eAll},
	{"§2 /oauth2/v1/token", "POST", "/oauth2/v1/token", "oauth2-org-token", [NumTiers]int{300, 1200, 1200, 1200, 2000}, eAll},
	{"§2 all other /oauth2", "GET", "/oauth2/authorize", "oauth2-other", [NumTiers]int{100, 600, 600, 600, 600}, eB},
	{"§2 /app/{app}/{key}/sso/saml", "POST", "/app/salesforce/exk1a2b3c4d5e6f7g8h9/sso/saml", "saml-sso", [NumTiers]int{100, 600, 600, 600, 750}, eAll},
	{"§2 O365 wsfed active", "POST", "/app/office365/exk1a2b3c4d5e6f7g8h9/sso/wsfed/active", "wsfed-active", [NumTiers]int{NA, NA, NA, 2000, 1000}, eBW},
	{"§2 O365 wsfed passive", "GET", "/app/office365/exk1a2b3c4d5e6f7g8h9/sso/wsfed/passive?wa=wsignin1.0", "wsfed-passive", [NumTiers]int{NA, NA, NA, 250, 250}, eBW},
	{"§2 template_saml_2_0", "POST", "/app/template_saml_2_0/exk1a2b3c4d5e6f7g8h9/sso/saml", "saml-template", [NumTiers]int{100, 600, 600, 600, 2500}, eAll},
	{"§2 /login/login.htm", "GET", "/login/login.htm?fromURI=%2Fapp%2FUserHome", "login-page", [NumTiers]int{200, 1200, 1200, 1200, 1200}, eAll},
	{"§2 /login/sso_iwa_auth", "GET", "/login/sso_iwa_auth", "login-iwa", [NumTiers]int{100, 600, 600, 600, 500}, eBW},
	{"§2 /api/{apiVersion}/radius", "POST", "/api/v1/radius", "radius", [NumTiers]int{100, 600, 600, 600, 600}, eBW},
	{"§2 /login/token/redirect", "GET", "/login/token/redirect?stateToken=x", "login-token-redirect", [NumTiers]int{100, 600, 600, 600, 600}, eAll},
	{"§2 IE /idp/idx catch-all", "POST", "/idp/idx/challenge/answer", "idx", [NumTiers]int{100, 1000, 1000, 1000, 1000}, eB},
	{"§2 IE /idp/idx/identify", "POST", "/idp/idx/identify", "idx-identify", [NumTiers]int{100, 1000, 1000, 1000, 1000}, eAll},
	{"§2 IE /idp/idx/introspect", "POST", "/idp/idx/introspect", "idx-introspect", [NumTiers]int{200, 2000, 2000, 2000, 2000}, eAll},
	// §2a home-page endpoints found only in the Additional limits page.
	{"§2a /login/do-login", "POST", "/login/do-login", "login-do-login", [NumTiers]int{100, 600, 600, 600, 200}, eB},
	{"§2a /bc/image/fileStoreRecord", "GET", "/bc/image/fileStoreRecord?id=abc", "bc-file-store", [NumTiers]int{100, 600, 600, 600, 500}, eNone},
	{"§2a /bc/globalFileStoreRecord", "GET", "/bc/globalFileStoreRecord?id=abc", "bc-global-file-store", [NumTiers]int{100, 600, 600, 600, 500}, eNone},
	// §3 Management buckets.
	{"§3 /api/v1/apps and /api/v1/apps/*", "GET", "/api/v1/apps/0oa1a2b3c4d5e6f7g8h9/users", "apps", [NumTiers]int{20, 100, 100, 100, 100}, eNone},
	{"§3 exactly /api/v1/apps/{id}", "GET", "/api/v1/apps/0oa1a2b3c4d5e6f7g8h9", "apps-by-id", [NumTiers]int{100, 600, 600, 600, 500}, eDW},
	{"§3 /api/v1/groups except {id}", "GET", "/api/v1/groups?q=eng", "groups", [NumTiers]int{100, 600, 600, 600, 500}, eNone},
	{"§3 /api/v1/groups/{id} only", "GET", "/api/v1/groups/00g1a2b3c4d5e6f7g8h9", "groups-by-id", [NumTiers]int{100, 600, 600, 600, 1000}, eDW},
	{"§3 GET or POST /api/v1/users", "POST", "/api/v1/users?activate=true", "users", [NumTiers]int{100, 600, 600, 600, 600}, eNone},
	{"§3 POST, PUT or DELETE /api/v1/users/{id}", "DELETE", "/api/v1/users/00u1a2b3c4d5e6f7g8h9", "users-update", [NumTiers]int{100, 600, 600, 600, 600}, eNone},
	{"§3 GET /api/v1/users/{idOrLogin}", "GET", "/api/v1/users/jane%40acme.com", "users-get", [NumTiers]int{100, 1000, 1000, 1000, 2000}, eDW},
	{"§3 /api/v1/logs", "GET", "/api/v1/logs?since=2026-10-14T00:00:00Z", "logs", [NumTiers]int{20, 50, 50, 50, 120}, eNone},
	{"§3 /api/v1/events", "GET", "/api/v1/events", "events", [NumTiers]int{20, 50, 50, 50, 100}, eNone},
	{"§3 /oauth2/v1/clients", "POST", "/oauth2/v1/clients", "oauth2-clients", [NumTiers]int{25, 100, 100, 100, 100}, eNone},
	{"§3 /api/v1 catch-all", "GET", "/api/v1/policies", "api-other", [NumTiers]int{100, 600, 600, 600, 1200}, eNone},
	{"§3 email bounces remove list", "POST", "/api/v1/org/email/bounces/remove-list", "email-bounces", [NumTiers]int{10, 30, 30, 60, 60}, eNone},
	{"§3 /api/v1/certificateAuthorities", "GET", "/api/v1/certificateAuthorities", "certificate-authorities", [NumTiers]int{100, 150, 150, 150, 100}, eNone},
	{"§3 /api/v1/devices", "GET", "/api/v1/devices/guo1a2b3c4d5e6f7g8h9", "devices", [NumTiers]int{100, 150, 150, 150, 100}, eNone},
}

func okta2025(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load("okta-2025")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOkta2025Rows(t *testing.T) {
	c := okta2025(t)
	if len(c.Buckets) != len(okta2025Rows) {
		t.Errorf("%d buckets, want %d", len(c.Buckets), len(okta2025Rows))
	}
	for i, r := range okta2025Rows {
		t.Run(r.id, func(t *testing.T) {
			if i < len(c.Buckets) && c.Buckets[i].ID != r.id {
				t.Errorf("Buckets[%d] = %s, want %s (catalog order)", i, c.Buckets[i].ID, r.id)
			}
			cl := c.Classify(r.method, r.target)
			b, ok := c.Bucket(cl)
			if !ok || b.ID != r.id {
				t.Fatalf("%s: %s %s = %s, want %s", r.table, r.method, r.target, c.ClassID(cl), r.id)
			}
			if b.Limits != r.limits {
				t.Errorf("%s: limits %v, want %v", r.table, b.Limits, r.limits)
			}
			for _, tier := range Tiers {
				if b.Limit(tier) != r.limits[tier] || b.DefaultLimit(tier) != r.limits[tier] || b.LimitOrigin(tier) != "" {
					t.Errorf("%s on %s: Limit %d, DefaultLimit %d, LimitOrigin %q; want %d, %d, \"\"", b.ID, tier,
						b.Limit(tier), b.DefaultLimit(tier), b.LimitOrigin(tier), r.limits[tier], r.limits[tier])
				}
			}
			got := elig{b.BurstEligible(), b.DynamicScaleEligible(), b.WorkforceMultiplierEligible()}
			if got != r.elig {
				t.Errorf("%s: eligibility %+v (%s), want %+v", b.ID, got, b.Eligible(), r.elig)
			}
			if !strings.Contains(b.Source, "okta-rate-limits.md §") || !strings.Contains(b.Source, "S-") || !strings.Contains(b.Source, "@") {
				t.Errorf("%s: Source %q does not cite the fact sheet section, source key and commit", b.ID, b.Source)
			}
			if b.Rule == "" || b.Pattern == "" {
				t.Errorf("%s: incomplete bucket %+v", b.ID, *b)
			}
		})
	}
}

func TestOkta2025Classify(t *testing.T) {
	c := okta2025(t)
	for _, tc := range []classifyCase{
		// The separate /authorize and /token buckets take exactly those paths.
		{"GET", "/oauth2/v1/authorize/callback", "oauth2-org"},
		{"POST", "/oauth2/v1/token/", "oauth2-org-token"},
		{"GET", "/oauth2/v1/keys", pm},
		{"GET", "/oauth2/v1/clients/0oa1", "oauth2-clients"},
		{"GET", "/oauth2/default/v1/authorize", "oauth2-custom-authorize"},
		{"POST", "/oauth2/default/v1/token/extra", "oauth2-custom"},
		{"GET", "/oauth2/default/v1/keys", pm},
		{"GET", "/oauth2/default/.well-known/openid-configuration", pm},
		{"GET", "/.well-known/openid-configuration", pm},
		{"GET", "/oauth2/v1/v1/token", "oauth2-org"},
		{"GET", "/oauth2/default/foo", "oauth2-other"},
		// SAML: template and office365 literal segments win, others fall back to {app}.
		{"POST", "/app/office365/exk1/sso/saml", "saml-sso"},
		{"POST", "/app/template_saml_2_0/exk1/sso/saml", "saml-template"},
		{"POST", "/app/template_wsfed/exk1/sso/wsfed/passive", out},
		{"GET", "/app/salesforce/exk1/sso/saml/extra", out},
		{"GET", "/app/UserHome", out},
		// Radius for any API version; /api/v1 siblings stay in their buckets.
		{"POST", "/api/v2/radius", "radius"},
		{"POST", "/api/v1/radius/extra", "radius"},
		{"GET", "/api/v1/radiusx", "api-other"},
		// Identity Engine.
		{"POST", "/idp/idx", "idx"},
		{"POST", "/idp/idx/identify/select", "idx"},
		{"POST", "/idp/idxx", out},
		// Management: /api/v1/orgs is not in the 2025 tables.
		{"POST", "/api/v1/orgs", "api-other"},
		{"GET", "/api/v1/devices", "devices"},
		{"GET", "/api/v1/devices/guo1/users", "devices"},
		{"GET", "/api/v1/org/email/bounces/remove-list/x", "api-other"},
		{"GET", "/api/v1/certificateAuthorities/abc", "certificate-authorities"},
		{"GET", "/api/v1/users/me", "users-get"},
		{"PATCH", "/api/v1/users/00u1", "api-other"},
		// Still outside.
		{"GET", "/login/sessionCookieRedirect?token=x", out},
		{"GET", "/", out},
	} {
		if got := c.ClassID(c.Classify(tc.method, tc.target)); got != tc.want {
			t.Errorf("okta-2025: Classify(%q, %q) = %s, want %s", tc.method, tc.target, got, tc.want)
		}
	}
	// Public metadata and the requests no seed table covered but okta-2025 does.
	for _, tc := range []classifyCase{
		{"GET", "/login/login.htm", "login-page"},
		{"POST", "/idp/idx/identify", "idx-identify"},
		{"POST", "/api/v2/radius", "radius"},
	} {
		if got := Seed().ClassID(Seed().Classify(tc.method, tc.target)); got != out {
			t.Errorf("seed: %s %s = %s, want outside-catalog", tc.method, tc.target, got)
		}
	}
}

func TestOkta2025PublicMetadata(t *testing.T) {
	c := okta2025(t)
	for _, target := range []string{
		"/oauth2/v1/keys",
		"/.well-known/openid-configuration",
		"/.well-known/oauth-authorization-server",
		"/oauth2/aus1a2b3c4d5e6f7g8h9/v1/keys",
		"/oauth2/aus1a2b3c4d5e6f7g8h9/.well-known/openid-configuration",
		"/oauth2/aus1a2b3c4d5e6f7g8h9/.well-known/oauth-authorization-server",
	} {
		if got := c.Classify("GET", target); got != PublicMetadata {
			t.Errorf("GET %s = %s, want public-metadata", target, c.ClassID(got))
		}
	}
}

// TestOkta2025SharedBuckets checks that every bucket the two catalogs share keeps its matching
// rule: only the limits differ.
func TestOkta2025SharedBuckets(t *testing.T) {
	c, s := okta2025(t), Seed()
	shared := 0
	for i := range s.Buckets {
		sb := &s.Buckets[i]
		ob, _, ok := c.BucketByID(sb.ID)
		if !ok {
			if sb.ID != "orgs" {
				t.Errorf("seed bucket %s missing from okta-2025", sb.ID)
			}
			continue
		}
		shared++
		if ob.Pattern != sb.Pattern || ob.Match != sb.Match || strings.Join(ob.Methods, ",") != strings.Join(sb.Methods, ",") {
			t.Errorf("%s: okta-2025 rule %s %s %v, seed %s %s %v", sb.ID, ob.Match, ob.Pattern, ob.Methods, sb.Match, sb.Pattern, sb.Methods)
		}
		if ob.Eligible() != sb.Eligible() {
			t.Errorf("%s: okta-2025 eligible %s, seed %s", sb.ID, ob.Eligible(), sb.Eligible())
		}
	}
	if shared != len(s.Buckets)-1 {
		t.Errorf("%d shared buckets, want %d", shared, len(s.Buckets)-1)
	}
}

func TestOkta2025TierTitles(t *testing.T) {
	c := okta2025(t)
	want := [NumTiers]string{"Integrator Free Plan", "Developer (paid, until April 2025)", "One App", "Enterprise", "Workforce Identity"}
	for _, tier := range Tiers {
		if got := c.TierTitle(tier); got != want[tier] {
			t.Errorf("okta-2025 TierTitle(%s) = %q, want %q", tier, got, want[tier])
		}
		if got := Seed().TierTitle(tier); got != tier.Title() {
			t.Errorf("seed TierTitle(%s) = %q, want %q", tier, got, tier.Title())
		}
	}
	if DeveloperFree.Title() != "Developer (free)" {
		t.Error("Tier.Title changed")
	}
	var nilCat *Catalog
	if got := nilCat.TierTitle(Enterprise); got != "Enterprise" {
		t.Errorf("nil catalog TierTitle = %q", got)
	}
	if got := c.TierTitle(Tier(9)); got != "Tier(9)" {
		t.Errorf("TierTitle(9) = %q", got)
	}
	o, err := ParseOverrides("l.yaml", strings.NewReader("authn: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	oc, err := c.WithOverrides(o)
	if err != nil {
		t.Fatal(err)
	}
	if oc.TierTitle(DeveloperFree) != "Integrator Free Plan" {
		t.Error("overrides lose the catalog's tier titles")
	}
}

// TestOkta2025FileParses re-parses the embedded file through the public Parse.
func TestOkta2025FileParses(t *testing.T) {
	c, err := Parse("okta-2025.tsv", strings.NewReader(okta2025TSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Buckets) != len(okta2025(t).Buckets) {
		t.Errorf("%d buckets", len(c.Buckets))
	}
}

func TestOkta2025NoAllocs(t *testing.T) {
	c := okta2025(t)
	var sink Class
	allocs := testing.AllocsPerRun(100, func() {
		for _, r := range okta2025Rows {
			sink ^= c.Classify(r.method, r.target)
		}
		for _, r := range typicalTargets {
			sink ^= c.Classify(r.method, r.target)
		}
	})
	if allocs != 0 {
		t.Errorf("Classify allocates: %v allocations per run", allocs)
	}
	_ = sink
}

// TestSeedEligibility checks the eligible column of the seed catalog against the fact sheet's
// §2 DS/WM marks, §15 lists and §9 (burst on the authentication / end-user buckets).
func TestSeedEligibility(t *testing.T) {
	want := map[string]elig{
		"authn": eAll, "authn-verify": eAll, "sessions": eAll, "oauth2-custom": eAll, "oauth2-org": eAll,
		"oauth2-other": eB, "apps-by-id": eDW, "groups-by-id": eDW, "users-get": eDW,
	}
	for i := range Seed().Buckets {
		b := &Seed().Buckets[i]
		got := elig{b.BurstEligible(), b.DynamicScaleEligible(), b.WorkforceMultiplierEligible()}
		if got != want[b.ID] {
			t.Errorf("seed %s: eligibility %+v, want %+v", b.ID, got, want[b.ID])
		}
	}
}

func TestParseEligibleColumn(t *testing.T) {
	const hdr = "id\tmethods\tmatch\tpattern\tdeveloper-free\tdeveloper-paid\tone-app\tenterprise\tworkforce\teligible\tsource\n"
	c, err := Parse("e.tsv", strings.NewReader(hdr+tsv(
		"a * prefix /a 1 2 3 4 5 burst,dynamicscale src",
		"a * prefix /b 1 2 3 4 5 dynamicscale,burst src",
		"b * prefix /c 1 2 3 4 5 - src",
		"c * prefix /d 1 2 3 4 5 _ src",
		"public-metadata * exact /k - - - - - - src",
	)))
	if err != nil {
		t.Fatal(err)
	}
	if a := &c.Buckets[0]; !a.BurstEligible() || !a.DynamicScaleEligible() || a.WorkforceMultiplierEligible() || a.Eligible() != "burst,dynamicscale" {
		t.Errorf("a: %s", a.Eligible())
	}
	if c.Buckets[1].Eligible() != "-" || c.Buckets[2].Eligible() != "-" {
		t.Errorf("b, c: %s, %s", c.Buckets[1].Eligible(), c.Buckets[2].Eligible())
	}
	for _, tc := range []struct{ name, in, want string }{
		{"unknown word", tsv("a * prefix /a 1 2 3 4 5 bursty src"), `e.tsv:2: eligible "bursty": want - or a comma-separated list`},
		{"twice", tsv("a * prefix /a 1 2 3 4 5 burst,burst src"), `e.tsv:2: eligible "burst,burst": burst listed twice`},
		{"on public metadata", tsv("public-metadata * exact /k - - - - - burst src"), `e.tsv:2: eligible "burst": public-metadata lines are never limited`},
		{"rows disagree", tsv("a * prefix /a 1 2 3 4 5 burst src", "a * prefix /b 1 2 3 4 5 - src"), `e.tsv:3: bucket "a" is eligible for - here but burst on line 2`},
	} {
		if _, err := Parse("e.tsv", strings.NewReader(hdr+tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

package classify

import (
	"os"
	"strings"
	"testing"
)

// classifyCase is a request and the class id the seed catalog must give it.
type classifyCase struct {
	method, target, want string
}

const (
	pm  = "public-metadata"
	out = "outside-catalog"
)

var classifyCases = []classifyCase{
	// authn and its verify exception.
	{"POST", "/api/v1/authn", "authn"},
	{"POST", "/api/v1/authn/", "authn"},
	{"POST", "/api/v1/authn/factors", "authn"},
	{"POST", "/api/v1/authn/factors/sms", "authn"},
	{"POST", "/api/v1/authn/factors/sms/verify", "authn-verify"},
	{"POST", "/api/v1/authn/factors/ostf1a2b3c4d5e6f7g8h9/verify?rememberDevice=true", "authn-verify"},
	{"GET", "/api/v1/authn/factors/sms/verify/", "authn-verify"},
	{"POST", "/api/v1/authn/factors/sms/verify/extra", "authn"},
	{"POST", "/api/v1/authn/factors/sms/transactions/abc/verify", "authn"},
	{"POST", "/api/v1/authn/introspect", "authn"},
	{"POST", "/api/v1/authnx", "api-other"},
	{"POST", "/api/v1/authn.json", "api-other"},
	// sessions, logs, events, orgs are prefix buckets.
	{"GET", "/api/v1/sessions", "sessions"},
	{"GET", "/api/v1/sessions/me", "sessions"},
	{"POST", "/api/v1/sessions/102abc/lifecycle/refresh", "sessions"},
	{"GET", "/api/v1/logs", "logs"},
	{"GET", "/api/v1/logs/", "logs"},
	{"GET", "/api/v1/logs?since=2026-10-14T00:00:00Z&limit=1000", "logs"},
	{"GET", "/api/v1/logs/extra", "logs"},
	{"GET", "/api/v1/events?startDate=2026-10-01", "events"},
	{"GET", "/api/v1/events/abc", "events"},
	{"POST", "/api/v1/orgs", "orgs"},
	{"GET", "/api/v1/orgs/acme/contacts", "orgs"},
	{"GET", "/api/v1/logsx", "api-other"},
	// OAuth 2.0: custom servers, the org server, clients, other, public metadata.
	{"POST", "/oauth2/default/v1/token", "oauth2-custom"},
	{"GET", "/oauth2/default/v1/authorize?client_id=0oa1&response_type=code&state=x", "oauth2-custom"},
	{"POST", "/oauth2/aus1a2b3c4d5e6f7g8h9/v1/token", "oauth2-custom"},
	{"POST", "/oauth2/aus1a2b3c4d5e6f7g8h9/v1/introspect", "oauth2-custom"},
	{"GET", "/oauth2/aus1a2b3c4d5e6f7g8h9/v1", "oauth2-custom"},
	{"GET", "/oauth2/aus1a2b3c4d5e6f7g8h9/v1/", "oauth2-custom"},
	{"GET", "/oauth2/default/v1/clients", "oauth2-custom"},
	{"GET", "/oauth2/default/v1/keys/extra", "oauth2-custom"},
	{"GET", "/oauth2/v1/authorize", "oauth2-org"},
	{"POST", "/oauth2/v1/token", "oauth2-org"},
	{"POST", "/oauth2/v1/revoke", "oauth2-org"},
	{"GET", "/oauth2/v1/userinfo", "oauth2-org"},
	{"GET", "/oauth2/v1", "oauth2-org"},
	{"GET", "/oauth2/v1/", "oauth2-org"},
	{"GET", "/oauth2/v1/keys/extra", "oauth2-org"},
	// /oauth2/v1/... is never a custom server called v1.
	{"GET", "/oauth2/v1/v1/token", "oauth2-org"},
	{"GET", "/oauth2/v1/.well-known/openid-configuration", "oauth2-org"},
	{"GET", "/oauth2/v1/foo", "oauth2-org"},
	{"GET", "/oauth2/v1/clients", "oauth2-clients"},
	{"POST", "/oauth2/v1/clients", "oauth2-clients"},
	{"GET", "/oauth2/v1/clients/0oa1a2b3c4d5e6f7g8h9", "oauth2-clients"},
	{"DELETE", "/oauth2/v1/clients/x", "oauth2-clients"},
	{"GET", "/oauth2/v1/clients/0oa1/roles/r1", "oauth2-clients"},
	{"GET", "/oauth2", "oauth2-other"},
	{"GET", "/oauth2/", "oauth2-other"},
	{"GET", "/oauth2/foo", "oauth2-other"},
	{"GET", "/oauth2/default", "oauth2-other"},
	{"GET", "/oauth2/default/foo", "oauth2-other"},
	{"GET", "/oauth2/default/v2/token", "oauth2-other"},
	{"GET", "/oauth2/aus1a2b3c4d5e6f7g8h9/.well-known/webfinger", "oauth2-other"},
	{"GET", "/oauth2/v2/token", "oauth2-other"},
	{"GET", "/oauth2/v1/keys", pm},
	{"GET", "/oauth2/v1/keys?client_id=0oa1", pm},
	{"GET", "/oauth2/v1/keys/", pm},
	{"GET", "/.well-known/openid-configuration", pm},
	{"GET", "/.well-known/oauth-authorization-server", pm},
	{"GET", "/oauth2/default/v1/keys", pm},
	{"GET", "/oauth2/aus1a2b3c4d5e6f7g8h9/v1/keys", pm},
	{"GET", "/oauth2/default/.well-known/openid-configuration", pm},
	{"GET", "/oauth2/aus1a2b3c4d5e6f7g8h9/.well-known/oauth-authorization-server?client_id=x", pm},
	{"GET", "/oauth2/v1/.well-known/oauth-authorization-server", "oauth2-org"},
	{"GET", "/.well-known/webfinger?resource=acct:jane", out},
	{"GET", "/.well-known", out},
	{"GET", "/.well-known/openid-configuration/extra", out},
	// apps and groups: exactly /{id} is by-id, everything else under them is the list bucket.
	{"GET", "/api/v1/apps", "apps"},
	{"POST", "/api/v1/apps", "apps"},
	{"GET", "/api/v1/apps/0oa1a2b3c4d5e6f7g8h9", "apps-by-id"},
	{"PUT", "/api/v1/apps/0oa1a2b3c4d5e6f7g8h9/", "apps-by-id"},
	{"DELETE", "/api/v1/apps/0oa1a2b3c4d5e6f7g8h9", "apps-by-id"},
	{"GET", "/api/v1/apps/0oa1a2b3c4d5e6f7g8h9/users", "apps"},
	{"GET", "/api/v1/apps/0oa1a2b3c4d5e6f7g8h9/groups?limit=20", "apps"},
	{"POST", "/api/v1/apps/0oa1/lifecycle/activate", "apps"},
	{"GET", "/api/v1/groups", "groups"},
	{"GET", "/api/v1/groups?q=eng", "groups"},
	{"GET", "/api/v1/groups/00g1a2b3c4d5e6f7g8h9", "groups-by-id"},
	{"DELETE", "/api/v1/groups/00g1a2b3c4d5e6f7g8h9", "groups-by-id"},
	{"GET", "/api/v1/groups/00g1a2b3c4d5e6f7g8h9/users", "groups"},
	{"PUT", "/api/v1/groups/00g1/users/00u1", "groups"},
	{"GET", "/api/v1/groups/rules", "groups-by-id"}, // {id} takes any segment: the seed has no group-rules bucket
	// users: method-specific exact rules.
	{"GET", "/api/v1/users", "users"},
	{"POST", "/api/v1/users?activate=true", "users"},
	{"GET", "/api/v1/users/", "users"},
	{"PUT", "/api/v1/users", "api-other"},
	{"DELETE", "/api/v1/users", "api-other"},
	{"PATCH", "/api/v1/users", "api-other"},
	{"HEAD", "/api/v1/users", "api-other"},
	{"GET", "/api/v1/users/00u1a2b3c4d5e6f7g8h9", "users-get"},
	{"GET", "/api/v1/users/me", "users-get"}, // me is a value of {idOrLogin} in the seed tables
	{"GET", "/api/v1/users/jane%40acme.com", "users-get"},
	{"GET", "/api/v1/users/jane@acme.com", "users-get"},
	{"GET", "/api/v1/users/jane%40acme.com?expand=groups", "users-get"},
	{"GET", "/api/v1/users/a%2Fb", "users-get"},
	{"GET", "/api/v1/users/a%2fb/", "users-get"},
	{"GET", "/api/v1/users/%zz", "users-get"},
	{"POST", "/api/v1/users/00u1a2b3c4d5e6f7g8h9", "users-update"},
	{"PUT", "/api/v1/users/00u1a2b3c4d5e6f7g8h9", "users-update"},
	{"DELETE", "/api/v1/users/jane%40acme.com", "users-update"},
	{"PATCH", "/api/v1/users/00u1a2b3c4d5e6f7g8h9", "api-other"},
	{"HEAD", "/api/v1/users/00u1a2b3c4d5e6f7g8h9", "api-other"},
	{"OPTIONS", "/api/v1/users/00u1a2b3c4d5e6f7g8h9", "api-other"},
	{"GET", "/api/v1/users/00u1a2b3c4d5e6f7g8h9/groups", "api-other"},
	{"POST", "/api/v1/users/00u1/lifecycle/activate?sendEmail=false", "api-other"},
	{"GET", "/api/v1/users/00u1a2b3c4d5e6f7g8h9/factors", "api-other"},
	// Methods are compared exactly: lower case is not GET.
	{"get", "/api/v1/users/00u1a2b3c4d5e6f7g8h9", "api-other"},
	{"get", "/api/v1/users", "api-other"},
	{"get", "/api/v1/apps/0oa1", "apps-by-id"},
	{"", "/api/v1/users", "api-other"},
	{"PROPFIND", "/api/v1/users", "api-other"},
	// The /api/v1 catch-all, and what is outside the catalog.
	{"GET", "/api/v1", "api-other"},
	{"GET", "/api/v1/", "api-other"},
	{"GET", "/api/v1/policies", "api-other"},
	{"GET", "/api/v1/policies?type=OKTA_SIGN_ON", "api-other"},
	{"POST", "/api/v1/authorizationServers/aus1/policies", "api-other"},
	{"GET", "/api/v1/meta/schemas/user/default", "api-other"},
	{"GET", "/api/v1/rate-limit-settings/warning-threshold", "api-other"},
	{"GET", "/api/v2/x", out},
	{"GET", "/api", out},
	{"GET", "/api/v1x/users", out},
	{"GET", "/login/login.htm", out},
	{"GET", "/login/sessionCookieRedirect?token=x", out},
	{"GET", "/app/UserHome", out},
	{"GET", "/idp/idx/identify", out},
	{"GET", "/", out},
	{"GET", "", out},
	{"OPTIONS", "*", out},
	{"GET", "?", out},
	{"GET", "#", out},
	{"GET", "//", out},
	// Case-sensitive paths.
	{"GET", "/API/v1/users", out},
	{"GET", "/api/V1/users", out},
	{"GET", "/api/v1/Users", "api-other"},
	{"GET", "/OAUTH2/v1/token", out},
	// Empty segments, leading, trailing and doubled slashes.
	{"GET", "//api//v1//users//00u1", "users-get"},
	{"GET", "/api/v1/users/00u1///", "users-get"},
	{"GET", "api/v1/users/00u1", "users-get"},
	{"GET", "/oauth2//v1/keys", pm},
	// Percent-decoding before comparing with literal segments; splitting before decoding.
	{"GET", "/api/v1/%75sers", "users"},
	{"GET", "/api/v1/%75%73%65%72%73/00u1", "users-get"},
	{"GET", "/%61pi/v1/apps/0oa1", "apps-by-id"},
	{"GET", "/oauth2/v1/%6Beys", pm},
	{"GET", "/oauth2/v1/%6beys", pm},
	{"GET", "/oauth2/%76%31/token", "oauth2-org"},
	{"GET", "/api%2Fv1/users", out},
	{"GET", "/api/v1%2Fusers", out},
	{"GET", "/api/v1/users%2F00u1", "api-other"},
	{"GET", "/api/v1/apps/0oa1%2Fusers", "apps-by-id"},
	{"GET", "/api/v1/%75sers%zz", "api-other"},
	{"GET", "/api/v1/users%", "api-other"},
	{"GET", "/api/v1/users%2", "api-other"},
	{"GET", "/api/v1/%", "api-other"},
	{"GET", "/api/v1/%7", "api-other"},
	{"GET", "/api/v1/%20users", "api-other"},
	{"GET", "/api/v1/users%3Fx", "api-other"},
	// Query string and fragment.
	{"GET", "/api/v1/users?", "users"},
	{"GET", "/api/v1/users?x=/api/v1/apps/0oa1", "users"},
	{"GET", "/api/v1/users#frag", "users"},
	{"GET", "/api/v1/users/00u1#/groups", "users-get"},
	{"GET", "/api/v1/apps?filter=x#y", "apps"},
	// Absolute URLs.
	{"GET", "https://acme.okta.com/api/v1/users?limit=200", "users"},
	{"GET", "https://acme.okta.com/api/v1/users/jane%40acme.com", "users-get"},
	{"POST", "https://acme.okta.com:443/oauth2/default/v1/token", "oauth2-custom"},
	{"POST", "http://user:pw@acme.okta.com/oauth2/v1/token", "oauth2-org"},
	{"GET", "HTTPS://acme.okta.com/oauth2/v1/keys", pm},
	{"GET", "https://acme.okta.com", out},
	{"GET", "https://acme.okta.com/", out},
	{"GET", "https://acme.okta.com?x=/api/v1/users", out},
	{"GET", "https://acme.okta.com#/api/v1/users", out},
	{"GET", "https://acme.okta.com/.well-known/openid-configuration", pm},
	{"GET", "https:/api/v1/users", out},
	{"GET", "1https://x/api/v1/users", out},
}

func TestClassify(t *testing.T) {
	c := Seed()
	for _, tc := range classifyCases {
		got := c.Classify(tc.method, tc.target)
		if id := c.ClassID(got); id != tc.want {
			t.Errorf("Classify(%q, %q) = %s, want %s", tc.method, tc.target, id, tc.want)
		}
		switch tc.want {
		case pm:
			if got != PublicMetadata {
				t.Errorf("Classify(%q, %q) = %d, want PublicMetadata", tc.method, tc.target, got)
			}
		case out:
			if got != OutsideCatalog {
				t.Errorf("Classify(%q, %q) = %d, want OutsideCatalog", tc.method, tc.target, got)
			}
		}
	}
}

// TestClassifyCustomServerIDs checks that any authorization server id other than v1 is a custom
// server, and that /oauth2/v1 is the org server whatever follows.
func TestClassifyCustomServerIDs(t *testing.T) {
	c := Seed()
	for _, as := range []string{"default", "aus1a2b3c4d5e6f7g8h9", "ausABCDEF0123456789x", "v2", "V1", "%76%31x", "clients", "keys"} {
		for _, tc := range []classifyCase{
			{"POST", "/oauth2/" + as + "/v1/token", "oauth2-custom"},
			{"GET", "/oauth2/" + as + "/v1/authorize?state=1", "oauth2-custom"},
			{"GET", "/oauth2/" + as + "/v1/clients", "oauth2-custom"},
			{"GET", "/oauth2/" + as + "/v1/keys", pm},
			{"GET", "/oauth2/" + as + "/.well-known/openid-configuration", pm},
			{"GET", "/oauth2/" + as + "/.well-known/oauth-authorization-server", pm},
			{"GET", "/oauth2/" + as + "/foo", "oauth2-other"},
		} {
			if got := c.ClassID(c.Classify(tc.method, tc.target)); got != tc.want {
				t.Errorf("Classify(%q, %q) = %s, want %s", tc.method, tc.target, got, tc.want)
			}
		}
	}
	for _, tc := range []classifyCase{
		{"POST", "/oauth2/v1/v1/token", "oauth2-org"},
		{"GET", "/oauth2/v1/v1/keys", "oauth2-org"},
		{"GET", "/oauth2/v1/.well-known/openid-configuration", "oauth2-org"},
		{"GET", "/oauth2/%76%31/v1/keys", "oauth2-org"},
		{"GET", "/oauth2/v1/clients/v1/token", "oauth2-clients"},
	} {
		if got := c.ClassID(c.Classify(tc.method, tc.target)); got != tc.want {
			t.Errorf("Classify(%q, %q) = %s, want %s", tc.method, tc.target, got, tc.want)
		}
	}
}

func TestClassIDAndBucket(t *testing.T) {
	c := Seed()
	for cl, want := range map[Class]string{PublicMetadata: "public-metadata", OutsideCatalog: "outside-catalog", MethodUnknown: "method-unknown", 200: "invalid-class-200"} {
		if got := c.ClassID(cl); got != want {
			t.Errorf("ClassID(%d) = %q, want %q", cl, got, want)
		}
		if b, ok := c.Bucket(cl); ok || b != nil {
			t.Errorf("Bucket(%d) = %v, %v; want nil, false", cl, b, ok)
		}
	}
	for _, id := range []string{"public-metadata", "outside-catalog", "", "USERS"} {
		if b, cl, ok := c.BucketByID(id); ok || b != nil {
			t.Errorf("BucketByID(%q) = %v, %d, %v; want nil, _, false", id, b, cl, ok)
		}
	}
}

func TestTiers(t *testing.T) {
	want := []struct{ id, title string }{
		{"developer-free", "Developer (free)"},
		{"developer-paid", "Developer (paid)"},
		{"one-app", "One App"},
		{"enterprise", "Enterprise"},
		{"workforce", "Workforce Identity"},
	}
	if len(Tiers) != NumTiers || len(want) != NumTiers {
		t.Fatalf("len(Tiers) = %d, NumTiers = %d", len(Tiers), NumTiers)
	}
	for i, tier := range Tiers {
		if int(tier) != i {
			t.Errorf("Tiers[%d] = %d", i, tier)
		}
		if tier.String() != want[i].id || tier.Title() != want[i].title {
			t.Errorf("Tier %d: %q, %q; want %q, %q", i, tier.String(), tier.Title(), want[i].id, want[i].title)
		}
		for _, s := range []string{want[i].id, strings.ToUpper(want[i].id), " " + want[i].id + "\n"} {
			got, err := ParseTier(s)
			if err != nil || got != tier {
				t.Errorf("ParseTier(%q) = %v, %v; want %v", s, got, err, tier)
			}
		}
	}
	if Enterprise.String() != "enterprise" || Workforce.Title() != "Workforce Identity" {
		t.Error("constants out of order")
	}
	for _, s := range []string{"", "free", "Developer (free)", "developer_free", "enterprise2"} {
		_, err := ParseTier(s)
		if err == nil {
			t.Errorf("ParseTier(%q): no error", s)
			continue
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w.id) {
				t.Errorf("ParseTier(%q) error %q does not list %s", s, err, w.id)
			}
		}
	}
	if got := Tier(7).String(); got != "Tier(7)" {
		t.Errorf("Tier(7).String() = %q", got)
	}
	if got := Tier(-1).Title(); got != "Tier(-1)" {
		t.Errorf("Tier(-1).Title() = %q", got)
	}
}

func TestLoad(t *testing.T) {
	c, err := Load("seed")
	if err != nil || c != Seed() {
		t.Fatalf("Load(seed) = %p, %v; want Seed() %p", c, err, Seed())
	}
	if Seed() != Seed() {
		t.Error("Seed() is not shared")
	}
	if c, err := Load("okta-2025"); err != nil || c == nil || c.Name != "okta-2025" {
		t.Errorf("Load(okta-2025) = %v, %v", c, err)
	} else if again, _ := Load("okta-2025"); again != c {
		t.Error("Load(okta-2025) is not shared")
	}
	if got := strings.Join(Catalogs(), " "); got != "seed okta-2025" {
		t.Errorf("Catalogs() = %q, want seed okta-2025", got)
	}
	if Catalogs()[0] != DefaultCatalog {
		t.Errorf("Catalogs()[0] = %q, want DefaultCatalog %q", Catalogs()[0], DefaultCatalog)
	}
	for _, name := range []string{"", "okta-2024", "OKTA-2025", "SEED", "seed.tsv"} {
		c, err := Load(name)
		if err == nil || c != nil {
			t.Errorf("Load(%q) = %v, %v; want an error", name, c, err)
			continue
		}
		if !strings.Contains(err.Error(), "seed, okta-2025") || !strings.Contains(err.Error(), "unknown catalog") {
			t.Errorf("Load(%q) error %q does not name the known catalogs", name, err)
		}
	}
}

// TestSeedFileParses re-parses the embedded file through the public Parse, as a user override would be.
func TestSeedFileParses(t *testing.T) {
	c, err := Parse("seed", strings.NewReader(seedTSV))
	if err != nil {
		t.Fatal(err)
	}
	s := Seed()
	if len(c.Buckets) != len(s.Buckets) {
		t.Fatalf("%d buckets, want %d", len(c.Buckets), len(s.Buckets))
	}
	for i := range c.Buckets {
		a, b := &c.Buckets[i], &s.Buckets[i]
		if a.ID != b.ID || a.Pattern != b.Pattern || a.Rule != b.Rule || a.Limits != b.Limits || a.Match != b.Match || a.Source != b.Source {
			t.Errorf("bucket %d differs: %+v vs %+v", i, *a, *b)
		}
	}
	for _, tc := range classifyCases {
		if c.Classify(tc.method, tc.target) != s.Classify(tc.method, tc.target) {
			t.Errorf("%s %s classified differently", tc.method, tc.target)
		}
	}
}

func TestNilCatalog(t *testing.T) {
	var c *Catalog
	if got := c.Classify("GET", "/api/v1/users"); got != OutsideCatalog {
		t.Errorf("nil catalog: %d", got)
	}
}

// typicalTargets is a mix of targets as they appear in access logs, with query strings, percent-
// encoded logins and absolute URLs; the no-allocation test and the benchmark use it.
var typicalTargets = []struct{ method, target string }{
	{"GET", "/api/v1/users/00u1a2b3c4d5e6f7g8h9"},
	{"GET", "/api/v1/users?search=profile.department%20eq%20%22Engineering%22&limit=200"},
	{"GET", "/api/v1/users/jane.doe%40acme.com?expand=groups"},
	{"POST", "/oauth2/v1/token"},
	{"GET", "/oauth2/aus1a2b3c4d5e6f7g8h9/v1/authorize?client_id=0oa1&response_type=code&state=12345"},
	{"POST", "/oauth2/default/v1/token"},
	{"GET", "/api/v1/groups/00g1a2b3c4d5e6f7g8h9/users?limit=200"},
	{"GET", "/api/v1/apps/0oa1a2b3c4d5e6f7g8h9"},
	{"GET", "/api/v1/logs?since=2026-10-14T00:00:00Z&after=1234"},
	{"POST", "/api/v1/authn"},
	{"POST", "/api/v1/authn/factors/sms/verify"},
	{"DELETE", "/api/v1/sessions/me"},
	{"GET", "/.well-known/openid-configuration"},
	{"GET", "/oauth2/v1/keys?client_id=0oa1"},
	{"PATCH", "/api/v1/users/00u1a2b3c4d5e6f7g8h9"},
	{"GET", "/api/v1/policies?type=OKTA_SIGN_ON"},
	{"GET", "/login/login.htm"},
	{"GET", "https://acme.okta.com/api/v1/users?limit=200"},
	{"GET", "/api/v1/%75sers/a%2Fb/"},
	{"POST", "/api/v1/users/00u1a2b3c4d5e6f7g8h9/lifecycle/activate?sendEmail=false"},
}

func TestClassifyNoAllocs(t *testing.T) {
	c := Seed()
	var sink Class
	allocs := testing.AllocsPerRun(100, func() {
		for _, r := range typicalTargets {
			sink ^= c.Classify(r.method, r.target)
		}
		for _, r := range classifyCases {
			sink ^= c.Classify(r.method, r.target)
		}
	})
	if allocs != 0 {
		t.Errorf("Classify allocates: %v allocations per run", allocs)
	}
	_ = sink
}

// TestDocExamples classifies the example table of the package documentation, so that it stays true.
func TestDocExamples(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	c := Seed()
	n := 0
	for _, line := range strings.Split(string(src), "\n") {
		rest, ok := strings.CutPrefix(line, "//\t")
		if !ok {
			continue
		}
		if i := strings.Index(rest, " ("); i >= 0 {
			rest = rest[:i]
		}
		f := strings.Fields(rest)
		if len(f) < 3 || strings.ToUpper(f[0]) != f[0] {
			continue
		}
		want := f[len(f)-1]
		for _, target := range strings.Split(strings.Join(f[1:len(f)-1], " "), ", ") {
			n++
			if got := c.ClassID(c.Classify(f[0], target)); got != want {
				t.Errorf("doc.go says %s %s is %s; Classify says %s", f[0], target, want, got)
			}
		}
	}
	if n < 15 {
		t.Errorf("found only %d examples in doc.go", n)
	}
}

// TestClassifyAmong checks the class of a request made with one of several methods against a brute
// force over the same methods: the one class they share, else method-unknown with every class.
func TestClassifyAmong(t *testing.T) {
	cases := []struct {
		methods []string
		target  string
		want    string   // class id
		cands   []string // candidate class ids, ascending class order
	}{
		{[]string{"GET", "POST"}, "/api/v1/users", "users", []string{"users"}},
		{[]string{"GET", "POST", "PUT", "DELETE"}, "/api/v1/users/00u1", "method-unknown", []string{"users-get", "users-update"}},
		{[]string{"GET", "POST", "PUT", "DELETE", "PATCH"}, "/api/v1/users/00u1", "method-unknown", []string{"users-get", "users-update", "api-other"}},
		{[]string{"POST", "PUT"}, "/api/v1/users/00u1", "users-update", []string{"users-update"}},
		{[]string{"GET", "POST", "PUT", "DELETE", "PATCH"}, "/api/v1/users", "method-unknown", []string{"users", "api-other"}},
		{[]string{"GET", "DELETE"}, "/api/v1/groups/00g1/users/00u1", "groups", []string{"groups"}},
		{[]string{"GET", "POST"}, "/login/login.htm", out, []string{out}},
		{[]string{"PUT"}, "/oauth2/v1/keys", pm, []string{pm}},
		{nil, "/api/v1/users", "method-unknown", nil},
	}
	cat := Seed()
	for _, c := range cases {
		cl, cands := cat.ClassifyAmong(c.methods, c.target, nil)
		var ids []string
		for _, k := range cands {
			ids = append(ids, cat.ClassID(k))
		}
		if cat.ClassID(cl) != c.want || strings.Join(ids, ",") != strings.Join(c.cands, ",") {
			t.Errorf("ClassifyAmong(%v, %q) = %s %v, want %s %v", c.methods, c.target, cat.ClassID(cl), ids, c.want, c.cands)
		}
		// The same from the classes one by one.
		seen := map[Class]bool{}
		for _, m := range c.methods {
			seen[cat.Classify(m, c.target)] = true
		}
		if (len(seen) == 1) != (cl != MethodUnknown) || len(seen) != len(cands) {
			t.Errorf("ClassifyAmong(%v, %q): %d distinct classes by brute force, got %s with %d candidates", c.methods, c.target, len(seen), cat.ClassID(cl), len(cands))
		}
	}
	if _, ok := cat.Bucket(MethodUnknown); ok {
		t.Error("Bucket(MethodUnknown) is a bucket")
	}
}

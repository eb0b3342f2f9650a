package classify

import (
	"strings"
	"testing"
)

// The expectations in this file are copied from the seed tables (the project's seeds/*.md documents) and from
// design.md's "Contracts" table, not computed from the catalog under test.

// na is NA, short for the tables below.
const na = NA

// designBuckets is design.md's bucket table, in its order: id and limits on developer-free,
// developer-paid, one-app, enterprise, workforce.
var designBuckets = []struct {
	id     string
	limits [NumTiers]int
}{
	{"authn", [NumTiers]int{100, 300, 300, 600, 500}},
	{"authn-verify", [NumTiers]int{100, 300, 300, 600, 500}},
	{"sessions", [NumTiers]int{100, 300, 300, 600, 750}},
	{"oauth2-custom", [NumTiers]int{300, 600, 600, 1200, 2000}},
	{"oauth2-org", [NumTiers]int{300, 600, 600, 1200, 2000}},
	{"oauth2-other", [NumTiers]int{100, 300, 300, 600, 600}},
	{"oauth2-clients", [NumTiers]int{25, 50, 50, 100, 100}},
	{"apps", [NumTiers]int{20, 25, 25, 100, 100}},
	{"apps-by-id", [NumTiers]int{100, 300, 300, 600, 500}},
	{"groups", [NumTiers]int{100, 300, 300, 600, 500}},
	{"groups-by-id", [NumTiers]int{100, 300, 300, 600, 1000}},
	{"users", [NumTiers]int{100, 300, 300, 600, 600}},
	{"users-get", [NumTiers]int{100, 300, 300, 1000, 2000}},
	{"users-update", [NumTiers]int{100, 300, 300, 600, 600}},
	{"logs", [NumTiers]int{20, 25, 25, 50, 120}},
	{"events", [NumTiers]int{20, 25, 25, 50, 100}},
	{"orgs", [NumTiers]int{na, na, na, 50, 50}},
	{"api-other", [NumTiers]int{100, 300, 300, 600, 1200}},
}

func TestSeedBucketsMatchDesign(t *testing.T) {
	c := Seed()
	if c.Name != "seed" {
		t.Errorf("Name = %q, want seed", c.Name)
	}
	if len(c.Buckets) != len(designBuckets) {
		t.Fatalf("%d buckets, want %d", len(c.Buckets), len(designBuckets))
	}
	for i, want := range designBuckets {
		b := &c.Buckets[i]
		if b.ID != want.id {
			t.Errorf("Buckets[%d].ID = %q, want %q", i, b.ID, want.id)
		}
		if b.Limits != want.limits {
			t.Errorf("%s: Limits = %v, want %v", b.ID, b.Limits, want.limits)
		}
		for _, tier := range Tiers {
			if got := b.Limit(tier); got != want.limits[tier] {
				t.Errorf("%s.Limit(%s) = %d, want %d", b.ID, tier, got, want.limits[tier])
			}
		}
		if b.Pattern == "" || b.Rule == "" || b.Source == "" || (b.Match != "exact" && b.Match != "prefix") {
			t.Errorf("%s: incomplete bucket %+v", b.ID, *b)
		}
		got, cl, ok := c.BucketByID(want.id)
		if !ok || got != b || cl != Class(i) {
			t.Errorf("BucketByID(%q) = %p, %d, %v; want %p, %d, true", want.id, got, cl, ok, b, i)
		}
		if id := c.ClassID(Class(i)); id != want.id {
			t.Errorf("ClassID(%d) = %q, want %q", i, id, want.id)
		}
		if got, ok := c.Bucket(Class(i)); !ok || got != b {
			t.Errorf("Bucket(%d) = %p, %v; want %p, true", i, got, ok, b)
		}
	}
}

// seedTableRow is one row of a seed table: its endpoint cell, a request to that endpoint, and the
// bucket and limits the row gives it.
type seedTableRow struct {
	table    string // "end-user" or "management"
	endpoint string // as printed in the table
	method   string
	target   string
	id       string
	limits   [NumTiers]int
}

// seedTableRows is every row of both seed tables, in table order.
var seedTableRows = []seedTableRow{
	// seeds/end-user-rate-limits.md
	{"end-user", "/api/v1/authn", "POST", "/api/v1/authn", "authn", [NumTiers]int{100, 300, 300, 600, 500}},
	{"end-user", "/api/v1/authn/factors/{factorIdOrFactorType}/verify only", "POST", "/api/v1/authn/factors/ostf1a2b3c4d5e6f7g8h9/verify", "authn-verify", [NumTiers]int{100, 300, 300, 600, 500}},
	{"end-user", "/api/v1/sessions", "GET", "/api/v1/sessions/me", "sessions", [NumTiers]int{100, 300, 300, 600, 750}},
	{"end-user", "/oauth2/{authorizationServerId}/v1 except public metadata", "POST", "/oauth2/aus1a2b3c4d5e6f7g8h9/v1/token", "oauth2-custom", [NumTiers]int{300, 600, 600, 1200, 2000}},
	{"end-user", "/oauth2/v1 except /oauth2/v1/clients and public metadata", "GET", "/oauth2/v1/authorize?client_id=0oa1&state=x", "oauth2-org", [NumTiers]int{300, 600, 600, 1200, 2000}},
	{"end-user", "/oauth2 (all other OAuth2 requests)", "GET", "/oauth2/authorize", "oauth2-other", [NumTiers]int{100, 300, 300, 600, 600}},
	{"end-user", "/api/v1 (most other API actions)", "GET", "/api/v1/policies", "api-other", [NumTiers]int{100, 300, 300, 600, 1200}},
	// seeds/management-rate-limits.md
	{"management", "/api/v1/apps except /api/v1/apps/{id}", "GET", "/api/v1/apps?limit=200", "apps", [NumTiers]int{20, 25, 25, 100, 100}},
	{"management", "/api/v1/apps/{id} only", "GET", "/api/v1/apps/0oa1a2b3c4d5e6f7g8h9", "apps-by-id", [NumTiers]int{100, 300, 300, 600, 500}},
	{"management", "/api/v1/groups except /api/v1/groups/{id}", "POST", "/api/v1/groups", "groups", [NumTiers]int{100, 300, 300, 600, 500}},
	{"management", "/api/v1/groups/{id} only", "PUT", "/api/v1/groups/00g1a2b3c4d5e6f7g8h9", "groups-by-id", [NumTiers]int{100, 300, 300, 600, 1000}},
	{"management", "Only GET or POST to /api/v1/users", "GET", "/api/v1/users?search=profile.department%20eq%20%22E%22", "users", [NumTiers]int{100, 300, 300, 600, 600}},
	{"management", "Only GET to /api/v1/users/{idOrLogin}", "GET", "/api/v1/users/00u1a2b3c4d5e6f7g8h9", "users-get", [NumTiers]int{100, 300, 300, 1000, 2000}},
	{"management", "Only POST, PUT or DELETE to /api/v1/users/{id}", "DELETE", "/api/v1/users/00u1a2b3c4d5e6f7g8h9", "users-update", [NumTiers]int{100, 300, 300, 600, 600}},
	{"management", "Get System Log data: /api/v1/logs", "GET", "/api/v1/logs?since=2026-10-14T00:00:00Z", "logs", [NumTiers]int{20, 25, 25, 50, 120}},
	{"management", "Get System Log data: /api/v1/events", "GET", "/api/v1/events", "events", [NumTiers]int{20, 25, 25, 50, 100}},
	{"management", "/api/v1/sessions", "DELETE", "/api/v1/sessions/102abc", "sessions", [NumTiers]int{100, 300, 300, 600, 750}},
	{"management", "/api/v1/orgs", "POST", "/api/v1/orgs", "orgs", [NumTiers]int{na, na, na, 50, 50}},
	{"management", "/oauth2/{authorizationServerId}/v1 except public metadata", "GET", "/oauth2/default/v1/userinfo", "oauth2-custom", [NumTiers]int{300, 600, 600, 1200, 2000}},
	{"management", "/oauth2/v1 except /oauth2/v1/clients and public metadata", "POST", "/oauth2/v1/token", "oauth2-org", [NumTiers]int{300, 600, 600, 1200, 2000}},
	{"management", "/oauth2/v1/clients", "POST", "/oauth2/v1/clients", "oauth2-clients", [NumTiers]int{25, 50, 50, 100, 100}},
	{"management", "/api/v1 (most other API actions)", "GET", "/api/v1/zones", "api-other", [NumTiers]int{100, 300, 300, 600, 1200}},
}

func TestSeedTableRows(t *testing.T) {
	c := Seed()
	for _, r := range seedTableRows {
		cl := c.Classify(r.method, r.target)
		b, ok := c.Bucket(cl)
		if !ok {
			t.Errorf("%s table, %s: %s %s = %s, want bucket %s", r.table, r.endpoint, r.method, r.target, c.ClassID(cl), r.id)
			continue
		}
		if b.ID != r.id {
			t.Errorf("%s table, %s: %s %s = %s, want %s", r.table, r.endpoint, r.method, r.target, b.ID, r.id)
		}
		for _, tier := range Tiers {
			if got := b.Limit(tier); got != r.limits[tier] {
				t.Errorf("%s table, %s: %s limit on %s = %d, want %d", r.table, r.endpoint, b.ID, tier, got, r.limits[tier])
			}
		}
	}
}

func TestSeedPublicMetadataRows(t *testing.T) {
	// The Note under the end-user table.
	c := Seed()
	for _, target := range []string{
		"/oauth2/v1/keys",
		"/.well-known/openid-configuration",
		"/.well-known/oauth-authorization-server",
		"/oauth2/aus1a2b3c4d5e6f7g8h9/v1/keys",
		"/oauth2/aus1a2b3c4d5e6f7g8h9/.well-known/openid-configuration",
		"/oauth2/aus1a2b3c4d5e6f7g8h9/.well-known/oauth-authorization-server",
		"/oauth2/default/v1/keys",
		"/oauth2/default/.well-known/openid-configuration",
	} {
		for _, m := range []string{"GET", "HEAD", "OPTIONS", "POST"} {
			if got := c.Classify(m, target); got != PublicMetadata {
				t.Errorf("%s %s = %s, want public-metadata", m, target, c.ClassID(got))
			}
		}
	}
}

func TestNACells(t *testing.T) {
	b, _, ok := Seed().BucketByID("orgs")
	if !ok {
		t.Fatal("no orgs bucket")
	}
	for _, tier := range []Tier{DeveloperFree, DeveloperPaid, OneApp} {
		if got := b.Limit(tier); got != NA {
			t.Errorf("orgs on %s = %d, want NA", tier, got)
		}
	}
	for _, tier := range []Tier{Enterprise, Workforce} {
		if got := b.Limit(tier); got != 50 {
			t.Errorf("orgs on %s = %d, want 50", tier, got)
		}
	}
	if got := b.Limit(Tier(NumTiers)); got != NA {
		t.Errorf("Limit(out of range) = %d, want NA", got)
	}
	if got := b.Limit(Tier(-1)); got != NA {
		t.Errorf("Limit(-1) = %d, want NA", got)
	}
	// No other cell of the seed is N/A.
	for _, b := range Seed().Buckets {
		for _, tier := range Tiers {
			if b.ID != "orgs" && b.Limit(tier) == NA {
				t.Errorf("%s on %s is NA", b.ID, tier)
			}
		}
	}
}

func TestSeedRules(t *testing.T) {
	c := Seed()
	for id, want := range map[string]struct {
		methods []string
		match   string
		pattern string
		rule    string
	}{
		"users":        {[]string{"GET", "POST"}, "exact", "/api/v1/users", "only GET or POST to exactly /api/v1/users"},
		"users-get":    {[]string{"GET"}, "exact", "/api/v1/users/{idOrLogin}", "only GET to exactly /api/v1/users/{idOrLogin}"},
		"users-update": {[]string{"POST", "PUT", "DELETE"}, "exact", "/api/v1/users/{id}", "only POST, PUT or DELETE to exactly /api/v1/users/{id}"},
		"apps-by-id":   {nil, "exact", "/api/v1/apps/{id}", "any method to exactly /api/v1/apps/{id}"},
		"authn":        {nil, "prefix", "/api/v1/authn", "any method to /api/v1/authn and everything under it, except where a more specific rule applies (authn-verify)"},
		"oauth2-org":   {nil, "prefix", "/oauth2/v1", "any method to /oauth2/v1 and everything under it, except where a more specific rule applies (oauth2-clients, public-metadata)"},
		"logs":         {nil, "prefix", "/api/v1/logs", "any method to /api/v1/logs and everything under it"},
	} {
		b, _, ok := c.BucketByID(id)
		if !ok {
			t.Errorf("no bucket %s", id)
			continue
		}
		if strings.Join(b.Methods, ",") != strings.Join(want.methods, ",") || (b.Methods == nil) != (want.methods == nil) {
			t.Errorf("%s: Methods = %#v, want %#v", id, b.Methods, want.methods)
		}
		if b.Match != want.match || b.Pattern != want.pattern || b.Rule != want.rule {
			t.Errorf("%s: Match, Pattern, Rule = %q, %q, %q\nwant %q, %q, %q", id, b.Match, b.Pattern, b.Rule, want.match, want.pattern, want.rule)
		}
	}
}

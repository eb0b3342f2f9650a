package classify

import "testing"

func TestConcurrency(t *testing.T) {
	seed, err := Load("seed")
	if err != nil {
		t.Fatal(err)
	}
	o25, err := Load("okta-2025")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		cat            *Catalog
		tier           Tier
		limit, current int
	}{
		{seed, DeveloperFree, 15, 35}, // the current page gives the Integrator Free Plan 35
		{seed, DeveloperPaid, 35, 0},  // no such tier on the current page
		{seed, OneApp, 35, 75},        // the current page: Okta Customer Identity 75, no One App
		{seed, Enterprise, 75, 0},
		{seed, Workforce, 75, 0},
		{o25, DeveloperFree, 15, 35},
		{o25, Enterprise, 75, 0},
		{nil, Workforce, 75, 0},
	} {
		got := tt.cat.Concurrency(tt.tier)
		if got.Limit != tt.limit || got.Current != tt.current {
			t.Errorf("%v %s: got %d (current %d), want %d (current %d)", tt.cat != nil, tt.tier, got.Limit, got.Current, tt.limit, tt.current)
		}
		if got.Source.URL == "" || got.Current != 0 && got.CurrentSource.URL == "" {
			t.Errorf("%s: no source: %+v", tt.tier, got)
		}
	}
	if seed.Concurrency(Enterprise).Source.Edition == o25.Concurrency(Enterprise).Source.Edition {
		t.Error("the two catalogs cite the same edition")
	}
	if got := seed.Concurrency(Tier(9)); got.Limit != 0 {
		t.Errorf("invalid tier: %+v", got)
	}
	for _, c := range []*Catalog{seed, o25} {
		ov, err := c.WithOverrides(nil)
		if err != nil {
			t.Fatal(err)
		}
		if ov.Concurrency(DeveloperFree) != c.Concurrency(DeveloperFree) {
			t.Errorf("%s with overrides loses its concurrency edition", c.Name)
		}
	}
}

func TestClientEndpoint(t *testing.T) {
	for _, tt := range []struct {
		target string
		want   int
	}{
		{"/oauth2/default/v1/authorize?client_id=0oa1&state=x", 1},
		{"/oauth2/aus1b2c3/v1/authorize/", 1},
		{"https://acme.okta.com:443/oauth2/default/v1/authorize?x=1", 1},
		{"/oauth2/v1/authorize", 2},
		{"/oauth2/v1/authorize#frag", 2},
		{"/login/login.htm?fromURI=/app", 3},
		{"/login/login.htm/", 3},
		{"/oauth2/v1/token", 0},
		{"/oauth2//v1/authorize", 0},
		{"/oauth2/a/b/v1/authorize", 0},
		{"/login/login.html", 0},
		{"/api/v1/authn", 0},
		{"https://acme.okta.com", 0},
		{"", 0},
	} {
		if got := ClientEndpoint(tt.target); got != tt.want {
			t.Errorf("ClientEndpoint(%q) = %d, want %d", tt.target, got, tt.want)
		}
	}
}

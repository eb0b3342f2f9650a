package classify_test

import (
	"fmt"
	"strings"

	"github.com/ratecard/ratecard/classify"
)

func ExampleCatalog_Classify() {
	cat := classify.Seed()
	for _, r := range []struct{ method, target string }{
		{"GET", "/api/v1/users/jane%40acme.com?expand=groups"},
		{"PATCH", "/api/v1/users/00u1a2b3c4d5e6f7g8h9"},
		{"POST", "https://acme.okta.com/oauth2/default/v1/token"},
		{"GET", "/oauth2/v1/keys"},
		{"GET", "/login/login.htm"},
	} {
		cl := cat.Classify(r.method, r.target)
		if b, ok := cat.Bucket(cl); ok {
			fmt.Printf("%s %s: %s, %d/min on %s\n", r.method, r.target, b.ID, b.Limit(classify.Enterprise), classify.Enterprise.Title())
		} else {
			fmt.Printf("%s %s: %s\n", r.method, r.target, cat.ClassID(cl))
		}
	}
	// Output:
	// GET /api/v1/users/jane%40acme.com?expand=groups: users-get, 1000/min on Enterprise
	// PATCH /api/v1/users/00u1a2b3c4d5e6f7g8h9: api-other, 600/min on Enterprise
	// POST https://acme.okta.com/oauth2/default/v1/token: oauth2-custom, 1200/min on Enterprise
	// GET /oauth2/v1/keys: public-metadata
	// GET /login/login.htm: outside-catalog
}

func ExampleParseTier() {
	t, err := classify.ParseTier("one-app")
	fmt.Println(t, t.Title(), err)
	_, err = classify.ParseTier("premium")
	fmt.Println(err)
	// Output:
	// one-app One App <nil>
	// unknown tier "premium" (valid tiers: developer-free, developer-paid, one-app, enterprise, workforce)
}

func ExampleCatalog_WithOverrides() {
	limits := `# limits.yaml: what our org's rate-limit dashboard shows
authn: 3000            # every tier
users-get:
  enterprise: 2500     # one tier
dynamicscale: 5x       # One App and Enterprise, eligible buckets
`
	o, err := classify.ParseOverrides("limits.yaml", strings.NewReader(limits))
	if err != nil {
		fmt.Println(err)
		return
	}
	cat, err := classify.Seed().WithOverrides(o)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cat.Name)
	for _, id := range []string{"authn", "users-get", "sessions", "logs"} {
		b, _, _ := cat.BucketByID(id)
		fmt.Printf("%s: enterprise %d (default %d)", id, b.Limit(classify.Enterprise), b.DefaultLimit(classify.Enterprise))
		if origin := b.LimitOrigin(classify.Enterprise); origin != "" {
			fmt.Print(" from ", origin)
		}
		fmt.Println()
	}

	_, err = classify.Seed().WithOverrides(must(classify.ParseOverrides("limits.yaml", strings.NewReader("authnn: 3000\n"))))
	fmt.Println(err)
	_, err = classify.ParseOverrides("limits.yaml", strings.NewReader("authn: 3000\nworkforce-multiplier: 7x\n"))
	fmt.Println(err)
	// Output:
	// seed+limits.yaml
	// authn: enterprise 3000 (default 600) from limits.yaml:2
	// users-get: enterprise 2500 (default 1000) from limits.yaml:4
	// sessions: enterprise 3000 (default 600) from dynamicscale 5x (limits.yaml:5)
	// logs: enterprise 50 (default 50)
	// limits.yaml:1: unknown bucket "authnn" in catalog seed (did you mean "authn"?)
	// limits.yaml:2: workforce-multiplier "7x": the Workforce license multiplier is 1x (under 10,000 licenses), 5x (10,000 to 100,000) or 10x (over 100,000)
}

func must(o *classify.Overrides, err error) *classify.Overrides {
	if err != nil {
		panic(err)
	}
	return o
}

func ExampleBurstStatus() {
	for _, count := range []int64{600, 601, 3000, 3001} {
		fmt.Printf("%d of 600: burst-eligible %q, not eligible %q\n", count,
			classify.BurstStatus(count, 600, true), classify.BurstStatus(count, 600, false))
	}
	// Output:
	// 600 of 600: burst-eligible "", not eligible ""
	// 601 of 600: burst-eligible "burst", not eligible "violation"
	// 3000 of 600: burst-eligible "burst", not eligible "violation"
	// 3001 of 600: burst-eligible "violation", not eligible "violation"
}

package classify_test

import (
	"fmt"

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

package classify

import (
	"net/url"
	"strings"
	"testing"
)

// canonicalPath renders target's path the canonical way: its segments (split and percent-decoded
// as the package doc says, independently of the code under test) joined by single slashes, each
// re-escaped with url.PathEscape. A segment with an invalid escape is kept as it is, so its % is
// escaped and decodes back to the same raw text. The canonical path must classify as target does.
func canonicalPath(target string) string {
	p := target
	if i := strings.Index(p, "://"); i > 0 && isScheme(p[:i]) {
		p = p[i+3:]
		if j := strings.IndexAny(p, "/?#"); j >= 0 {
			p = p[j:]
		} else {
			p = ""
		}
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	var b strings.Builder
	for _, s := range strings.Split(p, "/") {
		if s == "" {
			continue
		}
		if d, err := url.PathUnescape(s); err == nil {
			s = d
		}
		b.WriteString("/")
		b.WriteString(url.PathEscape(s))
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

func isScheme(s string) bool {
	if s == "" || !('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z') {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") == ""
}

func TestCanonicalPath(t *testing.T) {
	for in, want := range map[string]string{
		"":                                     "/",
		"//api//v1/users/":                     "/api/v1/users",
		"/api/v1/users/jane%40acme.com?x=1":    "/api/v1/users/jane@acme.com",
		"/api/v1/users/a%2Fb":                  "/api/v1/users/a%2Fb",
		"/api/v1/%75sers/%zz":                  "/api/v1/users/%25zz",
		"https://acme.okta.com/oauth2/v1/keys": "/oauth2/v1/keys",
		"https://acme.okta.com?/api":           "/",
	} {
		if got := canonicalPath(in); got != want {
			t.Errorf("canonicalPath(%q) = %q, want %q", in, got, want)
		}
	}
	c := Seed()
	for _, tc := range classifyCases {
		if a, b := c.Classify(tc.method, tc.target), c.Classify(tc.method, canonicalPath(tc.target)); a != b {
			t.Errorf("%s %q = %s but its canonical path %q = %s", tc.method, tc.target, c.ClassID(a), canonicalPath(tc.target), c.ClassID(b))
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []struct{ method, target string }{
		{"GET", "/api/v1/users/00u1a2b3c4d5e6f7g8h9"},
		{"GET", "/api/v1/users/jane%40acme.com?expand=groups"},
		{"POST", "/api/v1/users?activate=true"},
		{"PATCH", "/api/v1/users/00u1/groups"},
		{"POST", "/oauth2/default/v1/token"},
		{"GET", "/oauth2/aus1a2b3c4d5e6f7g8h9/.well-known/openid-configuration"},
		{"GET", "/oauth2/v1/keys?client_id=0oa1"},
		{"GET", "/oauth2/v1/clients/0oa1a2b3c4d5e6f7g8h9"},
		{"POST", "/api/v1/authn/factors/sms/verify"},
		{"GET", "/api/v1/apps/0oa1/users?limit=200"},
		{"GET", "https://acme.okta.com/api/v1/logs?since=2026-10-14T00:00:00Z"},
		{"GET", "//api//v1/%75sers/a%2Fb%zz/"},
		{"OPTIONS", "*"},
		{"GET", "/login/login.htm#frag"},
	} {
		f.Add(s.method, s.target)
	}
	c := Seed()
	f.Fuzz(func(t *testing.T, method, target string) {
		cl := c.Classify(method, target)
		if int(cl) >= len(c.Buckets) && cl != PublicMetadata && cl != OutsideCatalog {
			t.Fatalf("Classify(%q, %q) = %d: not a bucket index or special class", method, target, cl)
		}
		if again := c.Classify(method, target); again != cl {
			t.Fatalf("Classify(%q, %q) = %d, then %d", method, target, cl, again)
		}
		if id := c.ClassID(cl); strings.HasPrefix(id, "invalid") {
			t.Fatalf("ClassID(%d) = %q", cl, id)
		}
		canon := canonicalPath(target)
		if cc := c.Classify(method, canon); cc != cl {
			t.Fatalf("Classify(%q, %q) = %s but its canonical path %q = %s", method, target, c.ClassID(cl), canon, c.ClassID(cc))
		}
		if cc := c.Classify(method, canonicalPath(canon)); cc != cl {
			t.Fatalf("canonical path %q not stable", canon)
		}
	})
}

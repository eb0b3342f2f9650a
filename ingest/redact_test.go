package ingest

import (
	"strings"
	"testing"
)

// jwt is a JSON Web Token whose payload holds an e-mail address (header {"alg":"RS256","kid":"k1"},
// payload {"sub":"00u1","email":"jane@example.com"}).
const jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiIwMHUxIiwiZW1haWwiOiJqYW5lQGV4YW1wbGUuY29tIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"

func TestRedact(t *testing.T) {
	tests := []struct{ name, in, want string }{
		// Query parameters, each secret one, keeping the shape name=[redacted].
		{"token", `GET /login/sessionCookieRedirect?token=20111abcDEF123&redirectUrl=https%3A%2F%2Fapp HTTP/1.1`,
			`GET /login/sessionCookieRedirect?token=[redacted]&redirectUrl=https%3A%2F%2Fapp HTTP/1.1`},
		{"access_token", `GET /callback#access_token=abc.def-123&token_type=Bearer`, `GET /callback#access_token=[redacted]&token_type=Bearer`},
		{"access_token query", `/cb?x=1&access_token=ya29.a0Af`, `/cb?x=1&access_token=[redacted]`},
		{"id_token", `/cb?id_token=abcdefgh.ijk&state=xyz`, `/cb?id_token=[redacted]&state=[redacted]`},
		{"id_token_hint JWT", `GET /oauth2/v1/logout?id_token_hint=` + jwt + `&post_logout_redirect_uri=https://app`,
			`GET /oauth2/v1/logout?id_token_hint=[redacted]&post_logout_redirect_uri=https://app`},
		{"refresh_token form", `grant_type=refresh_token&refresh_token=8xLOxBtZp8&scope=offline_access`,
			`grant_type=refresh_token&refresh_token=[redacted]&scope=offline_access`},
		{"code and state", `GET /authorization-code/callback?code=P5I7mdxxdv13_JfXrCSq&state=ST4t3 HTTP/1.1`,
			`GET /authorization-code/callback?code=[redacted]&state=[redacted] HTTP/1.1`},
		{"client_secret", `client_id=0oa1&client_secret=s3cr3t-Value_1`, `client_id=0oa1&client_secret=[redacted]`},
		{"password", `username=bob&password=hunter2!`, `username=bob&password=[redacted]`},
		{"sessionToken", `/login/sessionCookie?sessionToken=20111xyz&redirect=/`, `/login/sessionCookie?sessionToken=[redacted]&redirect=/`},
		{"stateToken", `/signin/verify?stateToken=00abcDEF`, `/signin/verify?stateToken=[redacted]`},
		{"case-insensitive name", `/x?SessionToken=abc&TOKEN=def`, `/x?SessionToken=[redacted]&TOKEN=[redacted]`},
		{"percent-encoded inside another parameter", `/login?fromURI=%2Fapp%3Ftoken%3Dabc123%26x%3D1`,
			`/login?fromURI=%2Fapp%3Ftoken%3D[redacted]%26x%3D1`},
		{"not a longer name", `/x?authcode=1&prestate=2&tokens=3`, `/x?authcode=1&prestate=2&tokens=3`},
		{"empty value", `/x?token=&a=1`, `/x?token=[redacted]&a=1`},
		// JSON bodies and System Log fields.
		{"JSON secrets", `{"password": "p\"w", "client_secret":"abc", "user":"x"}`, `{"password": "[redacted]", "client_secret":"[redacted]", "user":"x"}`},
		{"System Log session ids", `"authenticationContext": {"externalSessionId": "idx1234", "rootSessionId": "102xyz"}`,
			`"authenticationContext": {"externalSessionId": "[redacted]", "rootSessionId": "[redacted]"}`},
		// Authorization credentials.
		{"SSWS", `Authorization: SSWS 00QCjAl4MlV-WPXM8ZZUr1sMHnBFxwVDAy-EMwlzTO`, `Authorization: SSWS [redacted]`},
		{"Bearer", `"Authorization: Bearer ` + jwt + `"`, `"Authorization: Bearer [redacted]"`},
		{"bearer opaque", `authorization=bearer%20AbCdEf0123456789`, `authorization=bearer [redacted]`},
		{"Basic", `Authorization: Basic MG9hMTpzZWNyZXQ=`, `Authorization: Basic [redacted]`},
		{"a plain word after Bearer stays", `Bearer token missing`, `Bearer token missing`},
		// JWTs anywhere, also cut short.
		{"bare JWT", `10.0.0.1 - - "GET /x" 200 "` + jwt + `"`, `10.0.0.1 - - "GET /x" 200 "[redacted]"`},
		{"cut JWT", `... jwt=eyJhbGciOiJSUzI1NiIsImtp`, `... jwt=[redacted]`},
		// Cookies.
		{"Cookie header", `"Cookie: sid=102abcDEF; JSESSIONID=ABC123; DT=DI0xyz" "curl/8"`, `"Cookie: [redacted]" "curl/8"`},
		{"Set-Cookie", `set-cookie: idx=xyz; Path=/`, `set-cookie: [redacted]`},
		{"session cookies as logged", `"sid=102abc; JSESSIONID=F00; lang=en"`, `"sid=[redacted]; JSESSIONID=[redacted]; lang=en"`},
		// User logins, as the report masked them before.
		{"login in path", `GET /api/v1/users/jane%40acme.com HTTP/1.1`, `GET /api/v1/users/{idOrLogin} HTTP/1.1`},
		{"user id in path", `GET /api/v1/users/00u1a2b3c4d5e6f7g8h9/groups`, `GET /api/v1/users/{idOrLogin}/groups`},
		{"e-mail", `"jane.doe@example.com" logged in`, `"{login}" logged in`},
		{"double-encoded e-mail", `GET /api/v1/groups?q=bob%2540corp.example`, `GET /api/v1/groups?q={login}`},
		{"e-mail in CSV", `2026-10-14,user.session.start,dave@example.com,198.51.100.10`, `2026-10-14,user.session.start,{login},198.51.100.10`},
		{"URL user and password", `https://admin:pa55@proxy.example/x`, `https://{login}@proxy.example/x`},
		{"nothing secret", `GET /api/v1/apps?limit=200 HTTP/1.1`, `GET /api/v1/apps?limit=200 HTTP/1.1`},
		{"empty", ``, ``},
	}
	for _, tt := range tests {
		got := Redact(tt.in)
		if got != tt.want {
			t.Errorf("%s: Redact(%q)\n got %q\nwant %q", tt.name, tt.in, got, tt.want)
		}
		if again := Redact(got); again != got {
			t.Errorf("%s: Redact is not idempotent: %q → %q", tt.name, got, again)
		}
	}
}

// TestExcerptRedacts checks that a skipped line's excerpt is masked before it is cut: a JWT that
// straddles the 200-byte limit leaves no part of itself behind.
func TestExcerptRedacts(t *testing.T) {
	line := strings.Repeat("x", 180) + " id_token_hint=" + jwt + " tail"
	got := excerpt([]byte(line))
	if strings.Contains(got, "eyJ") || len(got) > excerptBytes {
		t.Errorf("excerpt = %q (%d bytes)", got, len(got))
	}
	line = `10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "GET /login/sessionCookieRedirect?token=20111SECRET&redirectUrl=/ HTTP/1.1" 302`
	if got := excerpt([]byte(line)); strings.Contains(got, "20111SECRET") || !strings.Contains(got, "token=[redacted]") {
		t.Errorf("excerpt = %q", got)
	}
}

// TestRedactQuickCheck checks that the strings Redact lets through unexamined are ones its patterns
// would not have changed: every case above, the user agents of the bundled samples' kind, and
// random strings over the characters the patterns look for.
func TestRedactQuickCheck(t *testing.T) {
	in := []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
		"okta-sdk-java/8.2.1 java/17.0.2 Linux/5.15", "Terraform/1.6.2 terraform-provider-okta/4.6.1", "BASIC auth", "x Bearer abcdefghij",
		"DPoP abcdefgh12345678", "COOKIE: a", `{"password":"x"}`, "eyJabcdefghijk",
	}
	alphabet := []byte(`ab=@%:/"eyJ SsBbCcDdPpOoKkIiEeWw.`)
	seed := uint32(1)
	for range 20000 {
		n := int(seed % 24)
		b := make([]byte, n)
		for i := range b {
			seed = seed*1664525 + 1013904223
			b[i] = alphabet[seed>>24%uint32(len(alphabet))]
		}
		seed = seed*1664525 + 1013904223
		in = append(in, string(b))
	}
	for _, s := range in {
		if !mayHoldSecret(s) && redact(s) != s {
			t.Errorf("quick check lets %q through, but redact makes it %q", s, redact(s))
		}
	}
}

// BenchmarkRedactAgent measures Redact on a user agent with nothing to mask, as most are.
func BenchmarkRedactAgent(b *testing.B) {
	ua := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36"
	for b.Loop() {
		Redact(ua)
	}
}

// FuzzRedact checks that Redact is idempotent and that its quick check never lets through what its
// patterns would change.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"/x?token=abc&state=1", "Authorization: SSWS 00abcdefgh", "jane@example.com", `{"password":"x"}`,
		"Cookie: sid=1", "eyJabcdefghij.eyJ.x", "https://u:p@h/", "/api/v1/users/00u1", "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Redact(s)
		if Redact(r) != r {
			t.Fatalf("Redact(%q) = %q, but Redact of that is %q", s, r, Redact(r))
		}
		if !mayHoldSecret(s) && redact(s) != s {
			t.Fatalf("quick check lets %q through, but redact makes it %q", s, redact(s))
		}
	})
}

package ingest

import (
	"regexp"
	"strings"
)

// Redaction: every piece of raw log text ratecard keeps to show later (a skipped line's excerpt, a
// user agent, an Okta event's request URI) goes through [Redact] once, where it is made, so no
// output, file or store ever holds a secret or a user login from the input. The masks keep the text's
// shape, so an excerpt still shows why its line was skipped: `token=[redacted]`,
// `Authorization: Bearer [redacted]`, `/api/v1/users/{idOrLogin}`.

// Redacted stands in for a secret's value.
const Redacted = "[redacted]"

// secretParams are the query (and form, and JSON) parameters whose values are secrets or single-use
// credentials: tokens of every kind, OAuth authorization codes and state, client secrets, passwords,
// Okta's session and state tokens (sessionCookieRedirect?token=…, /login/sessionCookie…), and the
// session ids System Log events carry (authenticationContext.externalSessionId, rootSessionId).
var secretParams = []string{
	"token", "access_token", "id_token", "id_token_hint", "refresh_token", "code", "state", "client_secret",
	"password", "sessionToken", "stateToken", "client_assertion", "assertion", "SAMLResponse", "SAMLRequest",
	"otp", "passCode", "answer", "secret", "api_key", "apiKey", "externalSessionId", "rootSessionId", "sessionId",
}

// sessionCookies are the names of Okta's session cookies (and the servlet session cookie its pages
// set), masked wherever they appear as name=value.
var sessionCookies = []string{"sid", "idx", "JSESSIONID", "DT", "xids", "okta-oauth-nonce", "okta-oauth-state", "srefresh"}

var (
	// paramRE is name=value after a start of line, a query, fragment or form separator, a space, a quote or a
	// comma, also percent-encoded inside another parameter (%3F, %26, %3D). The value runs to the
	// next separator, space, quote or angle bracket, or a percent-encoded & (%26).
	paramRE = regexp.MustCompile(`(?i)(^|[?&#;\s"',(]|%3F|%26)(` + alternatives(secretParams) + `)(=|%3D)((?:[^&;\s"'<>%]|%[^2]|%2[^6])*)`)
	// cookieRE is one of Okta's session cookies as name=value anywhere (a logged Cookie header).
	cookieRE = regexp.MustCompile(`(^|[\s;"',?&])(` + alternatives(sessionCookies) + `)=([^;\s"'<>&]*)`)
	// jsonSecretRE is a secret parameter as a JSON key with a string value.
	jsonSecretRE = regexp.MustCompile(`(?i)("(?:` + alternatives(secretParams) + `)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	// headerRE is an Authorization (or Proxy-Authorization) credential: SSWS API tokens, bearer tokens,
	// basic credentials, and Okta's DPoP-bound tokens.
	headerRE = regexp.MustCompile(`(?i)\b(SSWS|Bearer|Basic|DPoP)(\s+|%20|\+)[A-Za-z0-9\-._~+/]{8,}=*`)
	// cookieHeaderRE is a whole Cookie or Set-Cookie header value, as a log that records headers writes it.
	cookieHeaderRE = regexp.MustCompile(`(?i)\b((?:set-)?cookie\s*[:=]\s*)[^"\r\n]*`)
	// jwtRE is a JSON Web Token (or its first parts, when a line was cut): base64url JSON starting
	// with {" ("eyJ").
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]{8,}(?:\.[A-Za-z0-9_\-]*){0,2}`)
	// userinfoRE is the user (and password) of a URL: https://user:password@host.
	userinfoRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://)[^/\s@"'<>?#]+@`)
	// loginRE is anything shaped like an e-mail address, also percent-encoded once or twice: a local
	// part and a domain of characters that are not spaces, quotes, brackets or separators.
	loginRE = regexp.MustCompile(`[^\s/"'?&=<>,;:()\[\]{}\\|]+(@|%40|%2540)[^\s/"'?&<>,;:()\[\]{}\\|]+`)
	// userRE is the user id or login segment after /api/v1/users/.
	userRE = regexp.MustCompile(`(/api/v1/users/)[^\s/"'?#]+`)
)

// alternatives joins names into a regexp alternation, longest first so that id_token_hint is not
// taken for id_token.
func alternatives(names []string) string {
	sorted := append([]string(nil), names...)
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && len(sorted[j]) > len(sorted[j-1]); j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	for i, n := range sorted {
		sorted[i] = regexp.QuoteMeta(n)
	}
	return strings.Join(sorted, "|")
}

// Redact masks the secrets and user logins in a piece of raw log text, keeping its shape:
//
//   - the values of the query, form or JSON parameters token, access_token, id_token,
//     id_token_hint, refresh_token, code, state, client_secret, password, sessionToken,
//     stateToken (and a few more credentials: client_assertion, SAMLResponse, otp, …, and System
//     Log session ids: externalSessionId, rootSessionId) become
//     [redacted] ("token=[redacted]", `"password":"[redacted]"`), also percent-encoded inside
//     another parameter;
//   - SSWS API tokens, bearer, basic and DPoP credentials become "SSWS [redacted]" and so on;
//   - a Cookie or Set-Cookie header's value, and Okta's session cookies (sid, idx, JSESSIONID, DT,
//     …) anywhere as name=value, become [redacted];
//   - a JSON Web Token anywhere (eyJ…) becomes [redacted];
//   - a URL's user and password, and anything shaped like an e-mail address (also
//     percent-encoded), become {login}, and the segment after /api/v1/users/ becomes {idOrLogin}.
//
// Redact is idempotent: its masks match none of its patterns.
func Redact(s string) string {
	if !mayHoldSecret(s) {
		return s
	}
	return redact(s)
}

// redact is Redact without its quick check.
func redact(s string) string {
	s = cookieHeaderRE.ReplaceAllString(s, "${1}"+Redacted)
	s = jsonSecretRE.ReplaceAllString(s, `${1}"`+Redacted+`"`)
	s = paramRE.ReplaceAllString(s, "${1}${2}${3}"+Redacted)
	s = cookieRE.ReplaceAllString(s, "${1}${2}="+Redacted)
	s = headerRE.ReplaceAllString(s, "${1} "+Redacted)
	s = jwtRE.ReplaceAllString(s, Redacted)
	s = userinfoRE.ReplaceAllString(s, "${1}{login}@")
	s = loginRE.ReplaceAllString(s, "{login}")
	return userRE.ReplaceAllString(s, "${1}{idOrLogin}")
}

// mayHoldSecret reports whether s holds what at least one of Redact's patterns needs (a '=', '@',
// '%', "eyJ", "://", "/api/v1/users/", a quote and a colon, or one of the words ssws, bearer, basic,
// dpop and cookie in any case), so that the user agents of a month of logs, which almost never do,
// are let through without running the patterns. TestRedactQuickCheck holds it to redact.
func mayHoldSecret(s string) bool {
	if strings.ContainsAny(s, "=@%") || strings.Contains(s, "eyJ") || strings.Contains(s, "://") ||
		strings.Contains(s, "/api/v1/users/") || strings.ContainsRune(s, '"') && strings.ContainsRune(s, ':') {
		return true
	}
	b := []byte(s)
	for _, w := range schemeWords {
		if containsFold(b, w) {
			return true
		}
	}
	return false
}

// schemeWords are the words (lower case) of the credentials and headers Redact masks.
var schemeWords = [][]byte{[]byte("ssws"), []byte("bearer"), []byte("basic"), []byte("dpop"), []byte("cookie")}

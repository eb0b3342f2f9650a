package oktalog

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Credential authenticates the fetcher's requests to Okta: an API token ([APIToken]) or an OAuth
// 2.0 service app ([ServiceApp]). Its String method names it without its secret.
type Credential interface {
	fmt.Stringer
	// authorize sets req's Authorization header (and DPoP proof), fetching or renewing an access
	// token first when it needs one.
	authorize(ctx context.Context, t *transport, req *http.Request) error
	// retry looks at a refused API response and reports whether the same request may succeed
	// at once: a DPoP nonce to use, or an access token to renew.
	retry(resp *http.Response) bool
	// needs says what the credential needs to read path, for a 401 or 403 message.
	needs(path string) string
}

// secret is a string that never prints: fmt's verbs, %#v included, show "[redacted]".
type secret string

// String hides the value.
func (secret) String() string { return "[redacted]" }

// GoString hides the value.
func (secret) GoString() string { return "[redacted]" }

// APIToken is an Okta API token (SSWS), sent as "Authorization: SSWS token".
func APIToken(token string) Credential { return &apiToken{token: secret(token)} }

// apiToken is an SSWS API token.
type apiToken struct{ token secret }

// String names the credential.
func (a *apiToken) String() string { return "the API token in OKTA_API_TOKEN" }

// GoString is String: %#v would print the unexported token field.
func (a *apiToken) GoString() string { return a.String() }

// authorize sets the SSWS header.
func (a *apiToken) authorize(_ context.Context, _ *transport, req *http.Request) error {
	req.Header.Set("Authorization", "SSWS "+string(a.token))
	return nil
}

// retry never helps an API token.
func (a *apiToken) retry(*http.Response) bool { return false }

// needs names the admin role an API token's creator needs: the token acts with its admin's rights.
func (a *apiToken) needs(path string) string {
	if strings.HasPrefix(path, "/api/v1/rate-limit-settings") {
		return "the token's admin needs the Super Administrator role to read rate-limit settings"
	}
	return "check that the token is active (Security > API > Tokens) and that its admin holds a role that can read the System Log (Read-Only Administrator or higher)"
}

// The scopes a service app asks for: the System Log, and the org's rate-limit settings when granted.
const (
	ScopeLogs       = "okta.logs.read"
	ScopeRateLimits = "okta.rateLimits.read"
)

// ServiceApp is an OAuth 2.0 service app ("API Services" integration) that signs in with a
// private_key_jwt client assertion at the org authorization server ({org}/oauth2/v1/token) and
// asks for okta.logs.read (and okta.rateLimits.read, dropped when the app is not granted it).
// When the app requires DPoP, the fetcher proves possession of an ephemeral P-256 key on the token
// request and on every API request. The access token is renewed before it expires.
func ServiceApp(clientID string, key *PrivateKey) Credential {
	return &serviceApp{clientID: clientID, key: key, scopes: []string{ScopeLogs, ScopeRateLimits}}
}

// serviceApp is the OAuth client state: its key, the current access token and the DPoP key and
// nonces.
type serviceApp struct {
	clientID string
	key      *PrivateKey
	scopes   []string

	mu        sync.Mutex
	token     secret
	tokenType string    // "Bearer" or "DPoP"
	renewAt   time.Time // local clock
	dpop      *ecdsa.PrivateKey
	asNonce   string // the authorization server's DPoP-Nonce
	rsNonce   string // the resource server's DPoP-Nonce
	renew     bool   // renew the token before the next request
}

// String names the service app by its client id, which is not a secret.
func (s *serviceApp) String() string { return fmt.Sprintf("the OAuth service app %s", s.clientID) }

// GoString is String: %#v would print the unexported token and key fields.
func (s *serviceApp) GoString() string { return s.String() }

// needs names the scope and admin role a service app needs.
func (s *serviceApp) needs(path string) string {
	if strings.HasPrefix(path, "/api/v1/rate-limit-settings") {
		return "the app needs the okta.rateLimits.read scope (Okta API Scopes tab) and an admin role that can read rate-limit settings"
	}
	return "the app needs the okta.logs.read scope granted (Okta API Scopes tab) and an admin role that can read the System Log, e.g. Read-Only Administrator (Admin roles tab)"
}

// retry reacts to a refused API request: a DPoP nonce challenge (RFC 9449 §9) or an expired or
// revoked access token, which is renewed once.
func (s *serviceApp) retry(resp *http.Response) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	www := resp.Header.Get("WWW-Authenticate")
	if n := resp.Header.Get("DPoP-Nonce"); n != "" && strings.Contains(www, "use_dpop_nonce") && n != s.rsNonce {
		s.rsNonce = n
		return true
	}
	if resp.StatusCode == http.StatusUnauthorized && strings.Contains(www, "invalid_token") && !s.renew {
		s.renew = true
		return true
	}
	// A proof refused as a replay: net/http may have resent the request (and its proof) by itself
	// on a connection that closed. A new proof goes with the next try.
	return s.tokenType == "DPoP" && strings.Contains(www, "invalid_dpop_proof") && strings.Contains(www, "jti")
}

// authorize sets "Authorization: Bearer|DPoP token" and, for a DPoP-bound token, the proof.
func (s *serviceApp) authorize(ctx context.Context, t *transport, req *http.Request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == "" || s.renew || !t.clock.Now().Before(s.renewAt) {
		if err := s.fetchToken(ctx, t); err != nil {
			return err
		}
		s.renew = false
	}
	req.Header.Set("Authorization", s.tokenType+" "+string(s.token))
	if s.tokenType == "DPoP" {
		sum := sha256.Sum256([]byte(s.token))
		proof, err := dpopProof(s.dpop, req.Method, req.URL, s.rsNonce, base64.RawURLEncoding.EncodeToString(sum[:]), t.clock.Now())
		if err != nil {
			return err
		}
		req.Header.Set("DPoP", proof)
	}
	return nil
}

// tokenResponse is the token endpoint's answer, success or error.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// maxTokenAttempts bounds the token requests of one renewal: the first, one with DPoP, one with
// the server's nonce, one without a scope the app lacks, and a few retries of server errors.
const maxTokenAttempts = 8

// fetchToken gets a new access token with the client credentials grant. It starts without DPoP;
// when Okta answers that the app requires a DPoP proof it makes an ephemeral key and sends one,
// and when Okta answers use_dpop_nonce it signs again with the DPoP-Nonce it gave. Each attempt
// carries a new client assertion (a new jti), as Okta refuses a reused one.
func (s *serviceApp) fetchToken(ctx context.Context, t *transport) error {
	endpoint := t.org.JoinPath("/oauth2/v1/token")
	var last string
	for attempt := 1; attempt <= maxTokenAttempts; attempt++ {
		now := t.clock.Now()
		assertion, err := clientAssertion(s.key, s.clientID, endpoint.String(), now)
		if err != nil {
			return fmt.Errorf("%s: signing the client assertion: %w", s, err)
		}
		form := url.Values{
			"grant_type":            {"client_credentials"},
			"scope":                 {strings.Join(s.scopes, " ")},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
			"client_assertion":      {assertion},
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint.String(), strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", t.userAgent)
		if s.dpop != nil {
			proof, err := dpopProof(s.dpop, http.MethodPost, endpoint, s.asNonce, "", now)
			if err != nil {
				return err
			}
			req.Header.Set("DPoP", proof)
		}
		resp, err := t.client.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			last = "no answer: " + redactURLError(err)
			if err := t.clock.Sleep(ctx, t.backoff(attempt)); err != nil {
				return err
			}
			continue
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		var tr tokenResponse
		if err == nil {
			err = json.Unmarshal(body, &tr)
		}
		switch {
		case resp.StatusCode == http.StatusOK && err == nil && tr.AccessToken != "":
			if !strings.EqualFold(tr.TokenType, "Bearer") && !strings.EqualFold(tr.TokenType, "DPoP") {
				return fmt.Errorf("%s: the token endpoint issued a token of type %q (want Bearer or DPoP)", s, tr.TokenType)
			}
			if strings.EqualFold(tr.TokenType, "DPoP") && s.dpop == nil {
				return fmt.Errorf("%s: the token endpoint issued a DPoP token to a request without a DPoP proof", s)
			}
			s.token, s.tokenType = secret(tr.AccessToken), "Bearer"
			if strings.EqualFold(tr.TokenType, "DPoP") {
				s.tokenType = "DPoP"
			}
			life := time.Duration(max(tr.ExpiresIn, 60)) * time.Second
			s.renewAt = now.Add(life - min(5*time.Minute, life/2))
			return nil
		case resp.StatusCode == http.StatusBadRequest && tr.Error == "use_dpop_nonce" && resp.Header.Get("DPoP-Nonce") != "" && s.dpop != nil:
			s.asNonce = resp.Header.Get("DPoP-Nonce")
			continue
		case resp.StatusCode == http.StatusBadRequest && tr.Error == "invalid_dpop_proof" && s.dpop == nil:
			// The app requires DPoP ("The DPoP proof JWT header is missing."): prove possession of
			// an ephemeral key, made once per run.
			if s.dpop, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
				return err
			}
			continue
		case resp.StatusCode == http.StatusBadRequest && tr.Error == "invalid_scope" && len(s.scopes) > 1:
			s.scopes = []string{ScopeLogs} // the rate-limit settings are optional
			continue
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			last = resp.Status
			d := t.backoff(attempt)
			if rh := readRateHeaders(resp.Header); rh.ok && resp.StatusCode == http.StatusTooManyRequests {
				d = max(d, time.Unix(rh.reset, 0).Sub(now))
			}
			if err := t.clock.Sleep(ctx, d); err != nil {
				return err
			}
			continue
		}
		what := resp.Status
		if tr.Error != "" {
			what += ": " + tr.Error
			if tr.Description != "" {
				what += ": " + tr.Description
			}
		}
		return &AuthError{Credential: s.String(), Status: resp.StatusCode, Detail: what, Hint: s.tokenHint(tr.Error)}
	}
	return fmt.Errorf("%s: no access token after %d requests to %s (last: %s)", s, maxTokenAttempts, endpoint.Path, last)
}

// tokenHint says what to check after the token endpoint refused the app.
func (s *serviceApp) tokenHint(code string) string {
	switch code {
	case "invalid_client":
		return "check --client-id, that the app's client authentication is \"Public key / Private key\" and that its public key matches --private-key" + kidHint(s.key)
	case "invalid_scope":
		return "grant the app the okta.logs.read scope (Okta API Scopes tab)"
	case "unauthorized_client":
		return "the app must allow the client credentials grant (an API Services app does)"
	case "invalid_dpop_proof":
		return "Okta refused the DPoP proof; check that this machine's clock is right"
	}
	return "check the app's settings in the Admin Console (Applications > Applications)"
}

// kidHint adds the key id the assertion names, if any.
func kidHint(k *PrivateKey) string {
	if k.kid == "" {
		return " (the assertion names no key id: give --key-id when the app has several keys)"
	}
	return fmt.Sprintf(" (the assertion names key id %q)", k.kid)
}

// AuthError is a 401 or 403 from Okta: which credential failed, and what it needs.
type AuthError struct {
	Credential string // e.g. "the API token in OKTA_API_TOKEN"
	Status     int
	Path       string // the API path refused, "" for the token endpoint
	Detail     string // Okta's status and error code and summary
	Hint       string // the scope or role the credential needs
}

// Error describes the refusal without any secret.
func (e *AuthError) Error() string {
	where := "the token endpoint"
	if e.Path != "" {
		where = e.Path
	}
	return fmt.Sprintf("%s was refused by %s (%s): %s", e.Credential, where, e.Detail, e.Hint)
}

// errNoRedirect refuses every redirect: a request carrying a credential goes nowhere but where it
// was addressed.
var errNoRedirect = errors.New("Okta answered with a redirect; ratecard does not follow redirects with a credential")

// jwtClaims are the claims of a client assertion or a DPoP proof (unused ones are omitted).
type jwtClaims struct {
	Iss   string `json:"iss,omitempty"`
	Sub   string `json:"sub,omitempty"`
	Aud   string `json:"aud,omitempty"`
	Iat   int64  `json:"iat"`
	Exp   int64  `json:"exp,omitempty"`
	Jti   string `json:"jti"`
	Htm   string `json:"htm,omitempty"`
	Htu   string `json:"htu,omitempty"`
	Ath   string `json:"ath,omitempty"`
	Nonce string `json:"nonce,omitempty"`
}

// newJTI returns a random JWT id.
func newJTI() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// clientAssertion signs the private_key_jwt assertion: iss = sub = the client id, aud = the token
// endpoint, a 5-minute exp and a unique jti, with the key's kid in the header when known.
func clientAssertion(k *PrivateKey, clientID, aud string, now time.Time) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: k.alg, Key: jose.JSONWebKey{Key: k.signer, KeyID: k.kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	return sign(signer, jwtClaims{Iss: clientID, Sub: clientID, Aud: aud, Iat: now.Unix(), Exp: now.Add(5 * time.Minute).Unix(), Jti: newJTI()})
}

// dpopProof signs a DPoP proof (RFC 9449 §4) for one request: typ dpop+jwt, the public key in the
// jwk header, htm, htu (the URL without query or fragment), iat, a unique jti, the server's nonce
// when it gave one, and ath (the access token's base64url SHA-256) on API requests.
func dpopProof(key *ecdsa.PrivateKey, method string, u *url.URL, nonce, ath string, now time.Time) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key},
		(&jose.SignerOptions{EmbedJWK: true}).WithType("dpop+jwt"))
	if err != nil {
		return "", err
	}
	return sign(signer, jwtClaims{Htm: method, Htu: htu(u), Iat: now.Unix(), Jti: newJTI(), Nonce: nonce, Ath: ath})
}

// htu is a URL as a DPoP proof names it: scheme, host and path, no query or fragment.
func htu(u *url.URL) string {
	v := *u
	v.RawQuery, v.Fragment, v.RawFragment, v.User = "", "", "", nil
	return v.String()
}

// sign serializes claims as a compact JWS.
func sign(signer jose.Signer, c jwtClaims) (string, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

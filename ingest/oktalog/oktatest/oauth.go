package oktatest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"
)

// authorize checks a request's credential as Okta would: an SSWS token, or an access token from
// the token endpoint with its DPoP proof (and the scope it needs). It writes the refusal and
// returns its status, or returns 0 when the request may go on.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, rec *Request, scope string) int {
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	rec.Auth = scheme
	invalid := func(status int, www string) int {
		if www != "" {
			w.Header().Set("WWW-Authenticate", www)
		}
		writeJSON(w, status, `{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oae4","errorCauses":[]}`)
		return status
	}
	switch scheme {
	case "SSWS":
		if s.cfg.Token == "" || cred != s.cfg.Token {
			return invalid(http.StatusUnauthorized, "")
		}
		return 0
	case "Bearer", "DPoP":
	default:
		return invalid(http.StatusUnauthorized, "")
	}
	tok := s.tokens[cred]
	now := s.cfg.Clock.Now().Add(s.cfg.Skew)
	if tok == nil || tok.typ != scheme {
		return invalid(http.StatusUnauthorized, scheme+` error="invalid_token", error_description="The access token is invalid."`)
	}
	if !now.Before(tok.exp) {
		s.problem("an expired access token was used at %s", now.Format(time.RFC3339))
		return invalid(http.StatusUnauthorized, scheme+` error="invalid_token", error_description="The access token is expired."`)
	}
	if scheme == "DPoP" {
		claims, jkt, err := s.checkProof(r.Header.Get("DPoP"), http.MethodGet, "http://"+r.Host+r.URL.Path, now)
		if err == nil && jkt != tok.jkt {
			err = errors.New("the proof's key is not the one the token is bound to")
		}
		if err == nil {
			sum := sha256.Sum256([]byte(cred))
			if claims["ath"] != base64.RawURLEncoding.EncodeToString(sum[:]) {
				err = errors.New("'ath' claim does not match the access token")
			}
		}
		if err != nil {
			s.problem("API DPoP proof: %v", err)
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`DPoP error="invalid_dpop_proof", error_description=%q`, err.Error()))
			writeJSON(w, http.StatusBadRequest, `{"errorCode":"invalid_dpop_proof","errorSummary":"Invalid DPoP proof"}`)
			return http.StatusBadRequest
		}
		if s.cfg.App.ResourceNonce && claims["nonce"] != s.rsNonce {
			w.Header().Set("DPoP-Nonce", s.rsNonce)
			return invalid(http.StatusUnauthorized, `DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`)
		}
	}
	if !slices.Contains(tok.scopes, scope) {
		writeJSON(w, http.StatusForbidden, `{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action"}`)
		return http.StatusForbidden
	}
	return 0
}

// token serves the org authorization server's token endpoint: the client credentials grant with
// a private_key_jwt client assertion, and DPoP when the app requires it.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.Clock.Advance(s.cfg.Latency)
	now := s.cfg.Clock.Now().Add(s.cfg.Skew)
	tr := TokenRequest{At: now, DPoP: r.Header.Get("DPoP") != ""}
	defer func() { s.TokenRequests = append(s.TokenRequests, tr) }()
	fail := func(status int, code, desc string) {
		tr.Status, tr.Error = status, code
		b, _ := json.Marshal(map[string]string{"error": code, "error_description": desc})
		writeJSON(w, status, string(b))
	}
	app := s.cfg.App
	if r.Method != http.MethodPost || app == nil {
		fail(http.StatusBadRequest, "invalid_request", "POST only")
		return
	}
	if r.URL.RawQuery != "" {
		s.problem("token request with a query string (credentials belong in the body)")
	}
	if err := r.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "invalid_request", "bad form")
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" ||
		r.PostForm.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		fail(http.StatusBadRequest, "invalid_request", "want the client credentials grant with a JWT bearer client assertion")
		return
	}
	assertion := r.PostForm.Get("client_assertion")
	s.Assertions = append(s.Assertions, assertion)
	endpoint := "http://" + r.Host + "/oauth2/v1/token"
	if err := s.checkAssertion(assertion, endpoint, now); err != nil {
		fail(http.StatusUnauthorized, "invalid_client", "The client_assertion token is invalid: "+err.Error())
		return
	}
	scopes := strings.Fields(r.PostForm.Get("scope"))
	if len(scopes) == 0 {
		fail(http.StatusBadRequest, "invalid_scope", "The authorization server resource does not have any configured default scopes")
		return
	}
	for _, sc := range scopes {
		if !slices.Contains(app.Scopes, sc) {
			fail(http.StatusBadRequest, "invalid_scope", "The following scopes are not allowed: "+sc)
			return
		}
	}
	typ, jkt := "Bearer", ""
	if app.DPoP {
		proof := r.Header.Get("DPoP")
		if proof == "" {
			fail(http.StatusBadRequest, "invalid_dpop_proof", "The DPoP proof JWT header is missing.")
			return
		}
		claims, thumb, err := s.checkProof(proof, http.MethodPost, endpoint, now)
		if err != nil {
			s.problem("token DPoP proof: %v", err)
			fail(http.StatusBadRequest, "invalid_dpop_proof", err.Error())
			return
		}
		tr.Nonce, _ = claims["nonce"].(string)
		if tr.Nonce != s.asNonce {
			w.Header().Set("DPoP-Nonce", s.asNonce)
			fail(http.StatusBadRequest, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof.")
			return
		}
		typ, jkt = "DPoP", thumb
	}
	tok := fmt.Sprintf("eyJ-access-token-%d-%x", len(s.Issued)+1, sha256.Sum256([]byte(assertion)))
	s.Issued = append(s.Issued, tok)
	s.tokens[tok] = &issued{typ: typ, jkt: jkt, exp: now.Add(app.TokenLife), scopes: scopes}
	tr.Status = http.StatusOK
	b, _ := json.Marshal(map[string]any{"token_type": typ, "expires_in": int(app.TokenLife / time.Second), "access_token": tok, "scope": strings.Join(scopes, " ")})
	writeJSON(w, http.StatusOK, string(b))
}

// checkAssertion verifies a client assertion as Okta's org authorization server does.
func (s *Server) checkAssertion(jws, aud string, now time.Time) error {
	app := s.cfg.App
	hdr, claims, err := verifyJWS(jws, app.PublicKey)
	if err != nil {
		return err
	}
	if app.KeyID != "" && hdr["kid"] != app.KeyID {
		return fmt.Errorf("kid %v is not the app's key %s", hdr["kid"], app.KeyID)
	}
	if claims["iss"] != app.ClientID || claims["sub"] != app.ClientID {
		return errors.New("iss and sub must be the client id")
	}
	if claims["aud"] != aud {
		return fmt.Errorf("aud %v is not the token endpoint", claims["aud"])
	}
	exp, ok := claims["exp"].(float64)
	if !ok || int64(exp) <= now.Unix() || int64(exp) > now.Add(time.Hour).Unix() {
		return errors.New("exp must be in the future and within an hour")
	}
	if iat, ok := claims["iat"].(float64); ok && int64(iat) > now.Add(time.Minute).Unix() {
		return errors.New("iat is in the future")
	}
	jti, _ := claims["jti"].(string)
	if jti == "" || s.jtis["assertion:"+jti] {
		return errors.New("jti is missing or was already used")
	}
	s.jtis["assertion:"+jti] = true
	return nil
}

// checkProof verifies a DPoP proof (RFC 9449 §4.3) for method and URL and returns its claims
// and its key's thumbprint.
func (s *Server) checkProof(proof, method, htu string, now time.Time) (map[string]any, string, error) {
	if proof == "" {
		return nil, "", errors.New("no DPoP proof")
	}
	parts := strings.Split(proof, ".")
	if len(parts) != 3 {
		return nil, "", errors.New("not a compact JWS")
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, "", err
	}
	var hdr struct {
		Typ string          `json:"typ"`
		Alg string          `json:"alg"`
		JWK json.RawMessage `json:"jwk"`
	}
	if err := json.Unmarshal(hb, &hdr); err != nil {
		return nil, "", err
	}
	if hdr.Typ != "dpop+jwt" {
		return nil, "", fmt.Errorf("typ %q is not dpop+jwt", hdr.Typ)
	}
	pub, thumb, err := publicJWK(hdr.JWK)
	if err != nil {
		return nil, "", err
	}
	_, claims, err := verifyJWS(proof, pub)
	if err != nil {
		return nil, "", err
	}
	if claims["htm"] != method {
		return nil, "", fmt.Errorf("'htm' claim %v is not %s", claims["htm"], method)
	}
	if claims["htu"] != htu {
		return nil, "", fmt.Errorf("'htu' claim %v is not %s", claims["htu"], htu)
	}
	iat, ok := claims["iat"].(float64)
	if !ok || int64(iat) < now.Add(-time.Minute).Unix() || int64(iat) > now.Add(time.Minute).Unix() {
		return nil, "", errors.New("'iat' claim is missing or not within a minute of now")
	}
	jti, _ := claims["jti"].(string)
	if jti == "" || s.jtis["dpop:"+jti] {
		return nil, "", errors.New("'jti' claim is missing or was already used")
	}
	s.jtis["dpop:"+jti] = true
	return claims, thumb, nil
}

// verifyJWS checks a compact JWS's RS256 or ES256 signature with key, by the standard library,
// and returns its header and claims.
func verifyJWS(jws string, key crypto.PublicKey) (map[string]any, map[string]any, error) {
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		return nil, nil, errors.New("not a compact JWS")
	}
	var hdr, claims map[string]any
	for i, v := range []*map[string]any{&hdr, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(b, v); err != nil {
			return nil, nil, err
		}
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, nil, err
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	switch k := key.(type) {
	case *rsa.PublicKey:
		if hdr["alg"] != "RS256" {
			return nil, nil, fmt.Errorf("alg %v for an RSA key", hdr["alg"])
		}
		if err := rsa.VerifyPKCS1v15(k, crypto.SHA256, digest[:], sig); err != nil {
			return nil, nil, errors.New("bad signature")
		}
	case *ecdsa.PublicKey:
		if hdr["alg"] != "ES256" || len(sig) != 64 {
			return nil, nil, fmt.Errorf("alg %v or signature length %d for a P-256 key", hdr["alg"], len(sig))
		}
		if !ecdsa.Verify(k, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
			return nil, nil, errors.New("bad signature")
		}
	default:
		return nil, nil, fmt.Errorf("unsupported key %T", key)
	}
	return hdr, claims, nil
}

// publicJWK decodes a DPoP proof's jwk header (a public EC P-256 or RSA key, no private part)
// and returns it with its RFC 7638 thumbprint.
func publicJWK(raw json.RawMessage) (crypto.PublicKey, string, error) {
	var k struct{ Kty, Crv, X, Y, N, E, D string }
	if err := json.Unmarshal(raw, &k); err != nil {
		return nil, "", errors.New("no jwk header")
	}
	if k.D != "" {
		return nil, "", errors.New("the jwk header holds a private key")
	}
	dec := func(s string) *big.Int {
		b, _ := base64.RawURLEncoding.DecodeString(s)
		return new(big.Int).SetBytes(b)
	}
	var canon string
	var pub crypto.PublicKey
	switch k.Kty {
	case "EC":
		if k.Crv != "P-256" {
			return nil, "", errors.New("jwk curve is not P-256")
		}
		p := &ecdsa.PublicKey{Curve: elliptic.P256(), X: dec(k.X), Y: dec(k.Y)}
		if !p.Curve.IsOnCurve(p.X, p.Y) {
			return nil, "", errors.New("jwk point is not on the curve")
		}
		pub, canon = p, fmt.Sprintf(`{"crv":"P-256","kty":"EC","x":"%s","y":"%s"}`, k.X, k.Y)
	case "RSA":
		pub, canon = &rsa.PublicKey{N: dec(k.N), E: int(dec(k.E).Int64())}, fmt.Sprintf(`{"e":"%s","kty":"RSA","n":"%s"}`, k.E, k.N)
	default:
		return nil, "", fmt.Errorf("jwk kty %q", k.Kty)
	}
	sum := sha256.Sum256([]byte(canon))
	return pub, base64.RawURLEncoding.EncodeToString(sum[:]), nil
}

package oktalog

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/ratecard/ratecard/ingest/oktalog/oktatest"
)

var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
)

// testKeys returns an RSA 2048 and a P-256 key, made once.
func testKeys(t *testing.T) (*rsa.PrivateKey, *ecdsa.PrivateKey) {
	keysOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
	})
	return rsaKey, ecKey
}

func b64(i *big.Int) string { return base64.RawURLEncoding.EncodeToString(i.Bytes()) }

// b64Fixed encodes an EC coordinate at the curve's full 32 bytes, as RFC 7518 requires.
func b64Fixed(i *big.Int) string {
	return base64.RawURLEncoding.EncodeToString(i.FillBytes(make([]byte, 32)))
}

// keyForms are one key file per supported form, written by hand from the key's numbers (not by
// the JOSE library the fetcher parses them with).
func keyForms(t *testing.T) map[string][]byte {
	rk, ek := testKeys(t)
	pkcs8r, _ := x509.MarshalPKCS8PrivateKey(rk)
	pkcs8e, _ := x509.MarshalPKCS8PrivateKey(ek)
	sec1, _ := x509.MarshalECPrivateKey(ek)
	rk.Precompute()
	rjwk := fmt.Sprintf(`{"kty":"RSA","kid":"rsa-kid-1","alg":"RS256","use":"sig","n":%q,"e":%q,"d":%q,"p":%q,"q":%q,"dp":%q,"dq":%q,"qi":%q}`,
		b64(rk.N), b64(big.NewInt(int64(rk.E))), b64(rk.D), b64(rk.Primes[0]), b64(rk.Primes[1]), b64(rk.Precomputed.Dp), b64(rk.Precomputed.Dq), b64(rk.Precomputed.Qinv))
	ejwk := fmt.Sprintf(`{"kty":"EC","crv":"P-256","kid":"ec-kid-1","x":%q,"y":%q,"d":%q}`, b64Fixed(ek.X), b64Fixed(ek.Y), b64Fixed(ek.D))
	return map[string][]byte{
		"rsa-pkcs1": pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}),
		"rsa-pkcs8": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8r}),
		"rsa-jwk":   []byte(rjwk),
		"ec-sec1":   pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}),
		"ec-pkcs8":  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8e}),
		"ec-jwks":   []byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"` + b64Fixed(ek.X) + `","y":"` + b64Fixed(ek.Y) + `"},` + ejwk + `]}`),
	}
}

func TestParsePrivateKey(t *testing.T) {
	for name, data := range keyForms(t) {
		k, err := ParsePrivateKey(data, "")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		want := "RS256"
		if strings.HasPrefix(name, "ec") {
			want = "ES256"
		}
		if k.Algorithm() != want {
			t.Errorf("%s: alg %s", name, k.Algorithm())
		}
		if strings.Contains(name, "jwk") && k.KeyID() == "" {
			t.Errorf("%s: the JWK's kid was lost", name)
		}
		if s := fmt.Sprintf("%v %+v %#v %s", k, k, k, k); strings.Contains(s, "PRIVATE") || len(s) > 200 {
			t.Errorf("%s: printing the key shows %q", name, s)
		}
	}
	rk, _ := testKeys(t)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p384der, _ := x509.MarshalECPrivateKey(p384)
	pub, _ := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	for _, tc := range []struct{ name, data, want string }{
		{"garbage", "hunter2-secret-material", "not a private key"},
		{"public PEM", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})), "no PEM block holds a private key"},
		{"encrypted PEM", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n", "encrypted"},
		{"small RSA", string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(small)})), "1024 bits"},
		{"P-384", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: p384der})), "P-384"},
		{"public JWK", `{"kty":"RSA","n":"` + b64(rk.N) + `","e":"AQAB"}`, "public key"},
		{"bad JSON", `{"kty":"RSA","d":"c2VjcmV0LXNlY3JldA"`, "not a private key"},
		{"JWKS without private", `{"keys":[]}`, "0 private keys"},
		{"bad PKCS8", "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n", "does not decode"},
	} {
		_, err := ParsePrivateKey([]byte(tc.data), "")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
			continue
		}
		for _, secret := range []string{"hunter2", "c2VjcmV0", "secret"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: the error quotes the key file: %v", tc.name, err)
			}
		}
	}
}

// oauthEnv is an env whose server knows a service app with the given key form.
func oauthEnv(t *testing.T, form string, app oktatest.App, cfg oktatest.Config) (*env, *PrivateKey) {
	t.Helper()
	rk, ek := testKeys(t)
	app.ClientID = "0oa1ratecardtest"
	app.PublicKey = &rk.PublicKey
	if strings.HasPrefix(form, "ec") {
		app.PublicKey = &ek.PublicKey
	}
	cfg.App = &app
	e := newEnv(t, cfg)
	key, err := ParsePrivateKey(keyForms(t)[form], "")
	if err != nil {
		t.Fatal(err)
	}
	e.opt.Credential = ServiceApp(app.ClientID, key)
	return e, key
}

func TestServiceApp(t *testing.T) {
	evs := testEvents(400)
	for _, tc := range []struct {
		name string
		form string
		app  oktatest.App
		// seq is the token requests' outcomes: "plain" without DPoP, "dpop" with a proof and no
		// nonce, "nonce" with the server's nonce; then the status. An app without the
		// okta.rateLimits.read scope refuses the first request (invalid_scope).
		seq []string
	}{
		{"DPoP, RSA PEM", "rsa-pkcs8", oktatest.App{DPoP: true}, []string{"plain 400", "plain 400", "dpop 400", "nonce 200"}},
		{"DPoP, EC JWK with kid", "ec-jwks", oktatest.App{DPoP: true, KeyID: "ec-kid-1", Scopes: []string{ScopeLogs, ScopeRateLimits}}, []string{"plain 400", "dpop 400", "nonce 200"}},
		{"DPoP with a resource nonce", "ec-sec1", oktatest.App{DPoP: true, ResourceNonce: true}, []string{"plain 400", "plain 400", "dpop 400", "nonce 200"}},
		{"Bearer, RSA JWK", "rsa-jwk", oktatest.App{KeyID: "rsa-kid-1"}, []string{"plain 400", "plain 200"}},
		{"Bearer, EC PKCS8, settings granted", "ec-pkcs8", oktatest.App{Scopes: []string{ScopeLogs, ScopeRateLimits}}, []string{"plain 200"}},
		{"logs scope only: settings dropped", "rsa-pkcs1", oktatest.App{}, []string{"plain 400", "plain 200"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _ := oauthEnv(t, tc.form, tc.app, oktatest.Config{Events: evs, MaxPage: 40})
			e.opt.Settings = true
			res, err := Fetch(context.Background(), e.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkExactlyOnce(t, e.opt.Dir, expected(evs, testSince, testUntil))
			checkProblems(t, e.srv)
			var seq []string
			for _, tr := range e.srv.TokenRequests {
				kind := "plain"
				if tr.DPoP {
					kind = "dpop"
					if tr.Nonce != "" {
						kind = "nonce"
					}
				}
				seq = append(seq, fmt.Sprintf("%s %d", kind, tr.Status))
			}
			if fmt.Sprint(seq) != fmt.Sprint(tc.seq) {
				t.Errorf("token requests %v, want %v", seq, tc.seq)
			}
			want := "Bearer"
			if tc.app.DPoP {
				want = "DPoP"
			}
			for _, r := range e.srv.Requests {
				if r.Auth != want {
					t.Errorf("%s sent with %q", r.Path, r.Auth)
				}
			}
			granted := len(tc.app.Scopes) == 2
			if s := res.Settings; s == nil || (s.WarningThreshold == 60) != granted || (len(s.Unreadable) == 0) != granted {
				t.Errorf("settings %+v (granted %v)", s, granted)
			}
		})
	}
}

func TestServiceAppRenewsToken(t *testing.T) {
	evs := testEvents(300)
	// One request per 3-second window and 5 events a page: about 3 minutes for a token of 2.
	e, _ := oauthEnv(t, "ec-sec1", oktatest.App{DPoP: true, TokenLife: 2 * time.Minute},
		oktatest.Config{Events: evs, MaxPage: 5, Window: 3 * time.Second, Limit: 2})
	if _, err := Fetch(context.Background(), e.opt); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, e.opt.Dir, expected(evs, testSince, testUntil))
	checkProblems(t, e.srv) // an expired token used is a problem
	checkShare(t, e.srv, 2, 50)
	if len(e.srv.Issued) < 2 {
		t.Errorf("%d tokens issued over %s: the token was not renewed", len(e.srv.Issued), e.clock.Now().Sub(testNow))
	}
	for _, r := range e.srv.Requests {
		if r.Status == 401 {
			t.Errorf("a request at %s was refused: renew before the token expires", r.At)
		}
	}
}

func TestServiceAppRefused(t *testing.T) {
	// The app's registered key is the EC one; the fetcher signs with the RSA key.
	e, _ := oauthEnv(t, "ec-sec1", oktatest.App{}, oktatest.Config{Events: testEvents(10)})
	rsaKey, err := ParsePrivateKey(keyForms(t)["rsa-pkcs8"], "")
	if err != nil {
		t.Fatal(err)
	}
	e.opt.Credential = ServiceApp("0oa1ratecardtest", rsaKey)
	e.opt.Settings = true
	_, err = Fetch(context.Background(), e.opt)
	var ae *AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"0oa1ratecardtest", "invalid_client", "token endpoint", "--private-key", "--key-id"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if len(e.srv.LogRequests()) != 0 {
		t.Error("System Log requests without a token")
	}
	if n := len(e.srv.TokenRequests); n != 2 {
		t.Errorf("%d token requests: the settings should stop asking after the first refusal", n)
	}
	if s, _ := ReadSettings(e.opt.Dir); s != nil {
		t.Errorf("settings saved without an answer from the API: %+v", s)
	}
}

// TestSecretsNeverWritten runs whole fetches with an API token and with a DPoP service app (one
// that completes, one that a revoked credential stops) and searches every file written, every
// progress report and every error for the secrets: the token, the access tokens issued, the
// client assertions and the private key's material.
func TestSecretsNeverWritten(t *testing.T) {
	evs := testEvents(300)
	_, ek := testKeys(t)
	for _, revoked := range []bool{false, true} {
		faults := map[int]oktatest.Fault{3: oktatest.Fault500, 4: oktatest.Fault429}
		if revoked {
			faults[6] = oktatest.Fault401
		}
		e := newEnv(t, oktatest.Config{Events: evs, MaxPage: 40, Faults: faults})
		oe, _ := oauthEnv(t, "ec-jwks", oktatest.App{DPoP: true, Scopes: []string{ScopeLogs, ScopeRateLimits}}, oktatest.Config{Events: evs, MaxPage: 40, Faults: faults})
		for i, r := range []struct {
			e       *env
			secrets []string
		}{{e, []string{testToken}}, {oe, []string{b64Fixed(ek.D)}}} {
			var printed strings.Builder
			r.e.opt.Settings = true
			r.e.opt.OnProgress = func(p Progress) { fmt.Fprintf(&printed, "%+v %#v\n", p, p) }
			res, err := Fetch(context.Background(), r.e.opt)
			if (err != nil) != revoked {
				t.Fatalf("revoked %v: err = %v", revoked, err)
			}
			fmt.Fprintf(&printed, "%+v %#v %v %+v %#v\n", res, res, err, r.e.opt.Credential, r.e.opt.Credential)
			secrets := append(r.secrets, r.e.srv.Issued...)
			secrets = append(secrets, r.e.srv.Assertions...)
			if i == 1 && len(r.e.srv.Issued) == 0 {
				t.Fatal("no access token was issued: the test checks nothing")
			}
			all := printed.String() + readAll(t, r.e.opt.Dir)
			for _, s := range secrets {
				if s != "" && strings.Contains(all, s) {
					t.Errorf("revoked %v, run %d: a secret (%.12s…) was written or printed", revoked, i, s)
				}
			}
		}
	}
}

// readAll returns every file under dir, gzip files also decompressed.
func readAll(t *testing.T, dir string) string {
	var all strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		all.Write(b)
		if strings.HasSuffix(path, ".gz") {
			zr, err := gzip.NewReader(strings.NewReader(string(b)))
			if err != nil {
				return err
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				return err
			}
			all.Write(plain)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return all.String()
}

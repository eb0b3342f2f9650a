package oktalog

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// PrivateKey is an OAuth service app's signing key: the private half of a key pair whose public
// half is registered with the app in Okta. Its String method never shows the key.
type PrivateKey struct {
	signer crypto.Signer
	alg    jose.SignatureAlgorithm // RS256 for RSA keys, ES256 for P-256 keys
	kid    string                  // the JWK's "kid", or the one given with the key file; may be ""
}

// String names the key's algorithm and id, never its material.
func (k *PrivateKey) String() string {
	if k == nil {
		return "<no key>"
	}
	if k.kid == "" {
		return string(k.alg) + " key"
	}
	return fmt.Sprintf("%s key %q", k.alg, k.kid)
}

// GoString is String, so that %#v cannot print the key either.
func (k *PrivateKey) GoString() string { return k.String() }

// KeyID returns the key id the client assertion's header names ("" when none is known).
func (k *PrivateKey) KeyID() string { return k.kid }

// Algorithm returns the JWS algorithm the key signs with: "RS256" or "ES256".
func (k *PrivateKey) Algorithm() string { return string(k.alg) }

// errKeyFormat is the error for a key file that is neither PEM nor a JWK. It never quotes the
// file: a key file's bytes are secret even when malformed.
var errKeyFormat = errors.New("not a private key in PEM (PKCS #1, PKCS #8 or SEC 1) or JWK (JSON) form")

// ParsePrivateKey reads an RSA (2048 bits or more) or P-256 EC private key from a file's bytes: PEM
// ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"), a JWK object as Okta's Admin Console
// generates it, or a JWK Set holding exactly one private key. kid overrides the JWK's key id when
// not "". Errors describe the problem without quoting the input.
func ParsePrivateKey(data []byte, kid string) (*PrivateKey, error) {
	data = bytes.TrimSpace(data)
	var (
		key   any
		jwkID string
	)
	switch {
	case len(data) > 0 && data[0] == '{':
		k, id, err := parseJWK(data)
		if err != nil {
			return nil, err
		}
		key, jwkID = k, id
	case bytes.HasPrefix(data, []byte("-----BEGIN ")):
		k, err := parsePEM(data)
		if err != nil {
			return nil, err
		}
		key = k
	default:
		return nil, errKeyFormat
	}
	pk := &PrivateKey{kid: jwkID}
	if kid != "" {
		pk.kid = kid
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("RSA key of %d bits: Okta needs 2048 bits or more", k.N.BitLen())
		}
		if err := k.Validate(); err != nil {
			return nil, errors.New("RSA key fails its consistency check")
		}
		pk.signer, pk.alg = k, jose.RS256
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("EC key on curve %s: use P-256 (ES256)", k.Curve.Params().Name)
		}
		pk.signer, pk.alg = k, jose.ES256
	default:
		return nil, fmt.Errorf("a %T key: use an RSA (RS256) or P-256 EC (ES256) key", key)
	}
	return pk, nil
}

// parsePEM decodes the first PEM block holding a private key.
func parsePEM(data []byte) (any, error) {
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no PEM block holds a private key (a public key or certificate is not enough)")
		}
		if _, encrypted := block.Headers["Proc-Type"]; encrypted || block.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, errors.New("the PEM key is encrypted: decrypt it to a file only you can read (openssl pkcs8 -topk8 -nocrypt)")
		}
		switch block.Type {
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, errors.New("the PKCS #8 PEM block does not decode")
			}
			return k, nil
		case "RSA PRIVATE KEY":
			k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
			if err != nil {
				return nil, errors.New("the PKCS #1 PEM block does not decode")
			}
			return k, nil
		case "EC PRIVATE KEY":
			k, err := x509.ParseECPrivateKey(block.Bytes)
			if err != nil {
				return nil, errors.New("the SEC 1 PEM block does not decode")
			}
			return k, nil
		}
	}
}

// parseJWK decodes a private JWK, or a JWK Set with exactly one private key.
func parseJWK(data []byte) (any, string, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, "", errKeyFormat
	}
	one := data
	if set.Keys != nil {
		var private []json.RawMessage
		for _, raw := range set.Keys {
			var k jose.JSONWebKey
			if k.UnmarshalJSON(raw) == nil && !k.IsPublic() {
				private = append(private, raw)
			}
		}
		if len(private) != 1 {
			return nil, "", fmt.Errorf("the JWK Set holds %d private keys: give a file with exactly one", len(private))
		}
		one = private[0]
	}
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON(one); err != nil {
		return nil, "", errors.New("the JWK does not decode as an RSA or EC private key")
	}
	if k.IsPublic() {
		return nil, "", errors.New("the JWK is a public key: give the private key (with \"d\")")
	}
	return k.Key, k.KeyID, nil
}

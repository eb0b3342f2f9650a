package report

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// maxOrgLen bounds --org.
const maxOrgLen = 200

// ParseOrg checks and normalises --org: an Okta org's URL ("https://acme.okta.com", also given as
// a bare host name, "acme.okta.com", or with a trailing slash) becomes "https://" and the host in
// lower case; anything else is taken as the org's name, which may hold letters, digits, spaces and
// - _ . & ' ( ) , +. A URL with another scheme, a user, a path, a query or a fragment, a bad host
// name, and a name with other characters are errors.
func ParseOrg(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", fmt.Errorf("--org: empty; give the org's URL (https://acme.okta.com) or its name")
	case len(s) > maxOrgLen:
		return "", fmt.Errorf("--org: longer than %d bytes", maxOrgLen)
	}
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return "", fmt.Errorf("--org %q: not a URL: %w", s, err)
		}
		switch {
		case u.Scheme != "https":
			return "", fmt.Errorf("--org %q: want an https:// URL, such as https://acme.okta.com", s)
		case u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || (u.Path != "" && u.Path != "/"):
			return "", fmt.Errorf("--org %q: want the org's address only, such as https://acme.okta.com", s)
		case !validHost(u.Host):
			return "", fmt.Errorf("--org %q: %q is not a host name", s, u.Host)
		}
		return "https://" + strings.ToLower(u.Host), nil
	}
	if host := strings.TrimSuffix(s, "/"); strings.Contains(host, ".") && validHost(host) {
		return "https://" + strings.ToLower(host), nil
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' && !strings.ContainsRune("-_.&'(),+", r) {
			return "", fmt.Errorf("--org %q: a name may hold letters, digits, spaces and - _ . & ' ( ) , + (or give the org's URL)", s)
		}
	}
	return s, nil
}

// validHost reports whether h is a DNS host name with an optional port: dot-separated labels of
// ASCII letters, digits and hyphens, not starting or ending with a hyphen.
func validHost(h string) bool {
	if host, port, ok := strings.Cut(h, ":"); ok {
		if port == "" || len(port) > 5 || strings.Trim(port, "0123456789") != "" {
			return false
		}
		h = host
	}
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

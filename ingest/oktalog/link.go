package oktalog

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// nextLink returns the target of the Link header's rel="next" entry, or "" when there is none.
// It reads every Link header, each a comma-separated list of `<URI>; param=value; …` entries
// (RFC 8288), with rel matched as a space-separated list of relation types, case-insensitively.
func nextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		for v != "" {
			v = strings.TrimLeft(v, " \t,")
			if !strings.HasPrefix(v, "<") {
				break
			}
			end := strings.IndexByte(v, '>')
			if end < 0 {
				break
			}
			target := v[1:end]
			v = v[end+1:]
			params := v
			if i := nextEntry(v); i >= 0 {
				params, v = v[:i], v[i:]
			} else {
				v = ""
			}
			if relIsNext(params) {
				return target
			}
		}
	}
	return ""
}

// nextEntry returns the index of the comma that ends a link entry's parameters (outside quotes),
// or -1.
func nextEntry(s string) int {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case '\\':
			if quoted {
				i++
			}
		case ',':
			if !quoted {
				return i
			}
		}
	}
	return -1
}

// relIsNext reports whether a link entry's parameters hold rel="next" (or rel=next, or a rel list
// naming next).
func relIsNext(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		for _, r := range strings.Fields(v) {
			if strings.EqualFold(r, "next") {
				return true
			}
		}
	}
	return false
}

// sameOrigin parses a next-page link and checks that it stays on the org's origin (scheme, host
// and port) and on the System Log path: a link elsewhere is an error, never a request that
// would carry the credential to another host.
func sameOrigin(org *url.URL, link string) (*url.URL, error) {
	u, err := url.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("the next-page link does not parse: %w", err)
	}
	if !u.IsAbs() {
		u = org.ResolveReference(u)
	}
	if !strings.EqualFold(u.Scheme, org.Scheme) || !strings.EqualFold(u.Host, org.Host) || u.User != nil {
		return nil, fmt.Errorf("the next-page link leads to %s://%s, not to the org %s: refusing to send the credential there (if that is the org's own Okta domain, give it as --org)", u.Scheme, u.Host, org)
	}
	if u.Path != logsPath {
		return nil, fmt.Errorf("the next-page link leads to %s, not to %s", u.Path, logsPath)
	}
	return u, nil
}

package analyze

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
)

// PrincipalMap says who a request's caller is and what share of each bucket it may use. Okta caps every
// API token and OAuth app at a share of each bucket (classify.DefaultPrincipalShare, 50 %, by default),
// so one integration can be throttled while the org's bucket is fine.
//
// A request's principal is the API token id or OAuth client id the input carries (ingest's
// Record.Principal), else the first rule of the map that matches it. The map file has one rule a line
// (# starts a comment):
//
//	ip 10.20.4.7 = hr-sync          # requests from this client address
//	ua okta-sdk-python = admin-scripts   # requests whose user agent contains this text
//	share hr-sync = 100             # this principal's share of each bucket, percent (default 50)
//	share * = 50                    # every other principal's share
type PrincipalMap struct {
	rules  []principalRule
	shares map[string]int
	def    int
}

type principalRule struct {
	ip, ua, name string
}

// newPrincipalMap is the map without rules: the input's own principals at the default share.
func newPrincipalMap() *PrincipalMap {
	return &PrincipalMap{shares: map[string]int{}, def: classify.DefaultPrincipalShare}
}

// ParsePrincipalMap reads a map file; errors name the file and line.
func ParsePrincipalMap(name string, r io.Reader) (*PrincipalMap, error) {
	m := newPrincipalMap()
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text, _, _ := strings.Cut(sc.Text(), "#")
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		lhs, rhs, ok := strings.Cut(text, "=")
		kind, arg, ok2 := strings.Cut(strings.TrimSpace(lhs), " ")
		rhs, arg = strings.TrimSpace(rhs), strings.TrimSpace(arg)
		if !ok || !ok2 || arg == "" || rhs == "" {
			return nil, fmt.Errorf("%s:%d: want 'ip ADDRESS = NAME', 'ua TEXT = NAME' or 'share NAME = PERCENT'", name, line)
		}
		switch kind {
		case "ip":
			m.rules = append(m.rules, principalRule{ip: arg, name: rhs})
		case "ua":
			m.rules = append(m.rules, principalRule{ua: arg, name: rhs})
		case "share":
			pct, err := strconv.Atoi(strings.TrimSuffix(rhs, "%"))
			if err != nil || pct < 1 || pct > 100 {
				return nil, fmt.Errorf("%s:%d: share %q: want a percentage from 1 to 100", name, line, rhs)
			}
			if arg == "*" {
				m.def = pct
			} else {
				m.shares[arg] = pct
			}
		default:
			return nil, fmt.Errorf("%s:%d: unknown rule %q (want ip, ua or share)", name, line, kind)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// principal is rec's principal: the input's own, else the first matching rule's name, else "".
func (m *PrincipalMap) principal(rec *ingest.Record) string {
	if rec.Principal != "" || m == nil {
		return rec.Principal
	}
	for i := range m.rules {
		r := &m.rules[i]
		if r.ip != "" && rec.Client == r.ip || r.ua != "" && strings.Contains(rec.UserAgent, r.ua) {
			return r.name
		}
	}
	return ""
}

// Share is a principal's share of each bucket, in percent.
func (m *PrincipalMap) Share(name string) int {
	if m == nil {
		return classify.DefaultPrincipalShare
	}
	if s, ok := m.shares[name]; ok {
		return s
	}
	return m.def
}

package classify

import "strings"

// DocSource is the Okta public page a limit is taken from: its title, address, and the edition of
// the page that gives the value.
type DocSource struct {
	Title   string // e.g. "Concurrency limits"
	URL     string // e.g. "https://developer.okta.com/docs/reference/rl2-concurrency/"
	Edition string // e.g. "current page" or "April–December 2025 edition"
}

// ConcurrencyLimit is an org's limit on requests in flight at once on one tier: the most requests
// Okta processes at the same time for the org, beyond which it answers 429 with
// X-Rate-Limit-Limit: 0. Okta counts three pools apart (agent traffic, Microsoft Office 365 traffic,
// and everything else); this is the limit of "everything else", API calls included.
type ConcurrencyLimit struct {
	Limit  int       // the limit in the catalog's edition of Okta's docs; 0 when that edition gives none for the tier
	Source DocSource // where Limit is from
	// Current is the limit Okta's current page gives for the tier when it differs from Limit (0:
	// the same, or no value for the tier there), with its source.
	Current       int
	CurrentSource DocSource
}

// The pages concurrency and client-based limits come from.
var (
	concurrencyCurrent = DocSource{Title: "Concurrency limits", URL: "https://developer.okta.com/docs/reference/rl2-concurrency/",
		Edition: "current page"}
	concurrencyOlder = DocSource{Title: "Additional rate limits", URL: "https://developer.okta.com/docs/reference/rl-additional-limits/",
		Edition: "edition of the per-tier tables (until December 2025)"}
	concurrency2025 = DocSource{Title: "Additional rate limits", URL: "https://developer.okta.com/docs/reference/rl-additional-limits/",
		Edition: "April–December 2025 edition"}
)

// concurrencyTable is a catalog edition's concurrency limit per tier.
type concurrencyTable struct {
	limits [NumTiers]int
	source DocSource
}

// The editions' values. The older pages give 15 (Developer free / Integrator Free Plan), 35
// (Developer paid, One App), 75 (Enterprise, Workforce); the current page gives 35 for the
// Integrator Free Plan and 75 for Workforce and for Okta Customer Identity, with no One App or
// Developer (paid) tier.
var (
	concurrencySeed   = concurrencyTable{limits: [NumTiers]int{15, 35, 35, 75, 75}, source: concurrencyOlder}
	concurrencyOkta25 = concurrencyTable{limits: [NumTiers]int{15, 35, 35, 75, 75}, source: concurrency2025}
	// concurrencyNow is the current page's value per tier (0: the page has no such tier).
	concurrencyNow = [NumTiers]int{DeveloperFree: 35, OneApp: 75, Enterprise: 75, Workforce: 75}
)

// Concurrency returns the org concurrency limit of tier t in catalog c's edition of Okta's docs,
// with the current page's value where the two differ: the built-in catalog's edition (with
// overrides, "okta-2025+limits.yaml", its base catalog's); a catalog parsed from a file, and a nil
// one, has the seed catalog's. A value outside [Tiers] gives the zero ConcurrencyLimit.
func (c *Catalog) Concurrency(t Tier) ConcurrencyLimit {
	if !t.valid() {
		return ConcurrencyLimit{}
	}
	tab := &concurrencySeed
	if c != nil {
		if base, _, _ := strings.Cut(c.Name, "+"); base == "okta-2025" && c.titles[DeveloperFree] != "" {
			tab = &concurrencyOkta25 // the built-in catalog (a file named so has no titles of its own)
		}
	}
	out := ConcurrencyLimit{Limit: tab.limits[t], Source: tab.source}
	if now := concurrencyNow[t]; now != 0 && now != out.Limit {
		out.Current, out.CurrentSource = now, concurrencyCurrent
	}
	return out
}

// ClientLimits are Okta's client-based rate limits: per client (an IP address and a device, which
// Okta tells by its device cookie), on the browser sign-in endpoints, a number of requests per
// minute and at once. Okta's default mode enforces them (429 to that client only).
type ClientLimits struct {
	PerMinute  int       // requests per minute per client
	Concurrent int       // requests in flight at once per client
	Endpoints  []string  // the endpoints they apply to, as Okta writes them
	Source     DocSource // where they are from
}

// ClientBased is Okta's client-based rate limiting: 60 requests a minute and 5 at once per client,
// on /oauth2/{authorizationServerId}/v1/authorize, /oauth2/v1/authorize and /login/login.htm.
var ClientBased = ClientLimits{
	PerMinute: 60, Concurrent: 5,
	Endpoints: []string{"/oauth2/{authorizationServerId}/v1/authorize", "/oauth2/v1/authorize", "/login/login.htm"},
	Source: DocSource{Title: "Client-based rate limits", URL: "https://developer.okta.com/docs/reference/rl2-client-based/",
		Edition: "current page"},
}

// ClientEndpoint returns which of [ClientBased].Endpoints a request target is (1-based index), or
// 0 for none. It ignores a query string, a fragment and a trailing slash, as bucket matching does.
func ClientEndpoint(target string) int {
	path := target
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if i := strings.Index(path, "://"); i >= 0 { // an absolute URL: its path
		rest := path[i+3:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return 0
		}
		path = rest[j:]
	}
	path = strings.TrimSuffix(path, "/")
	switch {
	case path == "/oauth2/v1/authorize":
		return 2
	case path == "/login/login.htm":
		return 3
	case strings.HasPrefix(path, "/oauth2/") && strings.HasSuffix(path, "/v1/authorize"):
		as := path[len("/oauth2/") : len(path)-len("/v1/authorize")]
		if as != "" && strings.IndexByte(as, '/') < 0 {
			return 1
		}
	}
	return 0
}

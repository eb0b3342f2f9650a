package classify

import "strings"

const (
	// maxTemplateSegments is the number of segments a template shows; a deeper path ends in "/…".
	maxTemplateSegments = 16
	// maxTemplateSegment bounds the bytes written for one segment (placeholder braces included).
	maxTemplateSegment = 64
	// templateEllipsis ends the template of a path with more than maxTemplateSegments segments.
	templateEllipsis = "/…"
	// maxTemplateLen bounds the bytes AppendTemplate appends.
	maxTemplateLen = maxTemplateSegments*(1+maxTemplateSegment) + len(templateEllipsis)
	// redacted stands for a segment that is neither in the catalog's trie nor a known word.
	redacted = "{id}"
)

// AppendTemplate appends the path template of a request target to dst and returns the extended slice.
//
// A path template is the request path with every segment that may identify a user, an app, a token
// or anything else replaced by a {placeholder}: /api/v1/users/{idOrLogin} for
// /api/v1/users/jane%40acme.com?expand=groups. Reports show templates, never paths, so that logins,
// emails, ids and query strings stay out of them.
//
// target is taken as [Catalog.Classify] takes it: a path, or an absolute URL whose scheme and
// authority are dropped, and the query string and fragment are dropped too. The path is split into
// segments as Classify splits it (empty segments are ignored, each segment is percent-decoded for
// comparison), and the segments are walked down the catalog's rules:
//
//   - a segment equal to a literal segment of a rule at that position is written as that literal
//     (/api/v1/%75sers gives /api/v1/users);
//   - otherwise, where a rule has a {placeholder} at that position, the placeholder is written with
//     the rule's name for it (/api/v1/users/jane%40acme.com gives /api/v1/users/{idOrLogin}); when
//     rules name one position differently (users-get's {idOrLogin}, users-update's {id}), the
//     longest name is used, the alphabetically first of equally long ones, and {id} when no rule
//     names it. As in Classify, a literal always wins, and any value takes a placeholder,
//     so /api/v1/users/me is /api/v1/users/{idOrLogin} and /oauth2/default/v1/token is
//     /oauth2/{authorizationServerId}/v1/token;
//   - from the first segment that no rule covers on (below a prefix rule, or outside the catalog),
//     a segment is written only if it is a known word: a literal resource or action word of Okta's
//     Management, Authentication and OAuth 2.0 APIs (every literal segment of the built-in
//     catalogs among them). Every other segment is written as {id}: logins, emails, ids, numbers,
//     UUIDs, tokens, anything else.
//
// Only literals, known words and placeholders are ever written, never a byte of the target itself,
// so the template holds no query string and nothing of a redacted segment; with the built-in
// catalogs it is made of ASCII letters, digits, "._-{}/" and the "…" of a cut path. The template
// starts with "/" ("/" for an empty path), shows at most 16 segments (a deeper path ends in "/…"),
// and writes at most 64 bytes of any segment. A nil catalog covers no path, so only known words are
// kept.
//
// AppendTemplate does not allocate when dst has room for the template (1,044 bytes at most), and is
// safe for concurrent use.
func (c *Catalog) AppendTemplate(dst []byte, target string) []byte {
	var n *node
	if c != nil {
		n = c.root
	}
	p := requestPath(target)
	segs := 0
	for {
		seg, rest, pct, more := nextSegment(p)
		if !more {
			break
		}
		if segs == maxTemplateSegments {
			if n != nil {
				dst = append(dst, n.tmpl...)
			}
			return append(dst, templateEllipsis...)
		}
		segs++
		p = rest
		if n != nil {
			// In the trie, the template so far is n.tmpl: it is written when the path leaves the
			// trie or ends.
			if child := n.literal(seg, pct); child != nil {
				n = child
				continue
			}
			if n.ph != nil {
				n = n.ph
				continue
			}
			dst = append(dst, n.tmpl...)
			n = nil // the path leaves the trie: only known words from here on
		}
		if i := vocabulary.lookup(seg, pct); i >= 0 {
			dst = append(dst, vocabulary.outs[i]...)
		} else {
			dst = append(dst, "/"+redacted...)
		}
	}
	if n != nil {
		dst = append(dst, n.tmpl...)
	}
	if segs == 0 {
		dst = append(dst, '/')
	}
	return dst
}

// templateOut returns what a template shows for the segment s (a literal, a word or "{name}"): a
// slash and at most maxTemplateSegment bytes of s.
func templateOut(s string) string {
	if len(s) > maxTemplateSegment {
		s = s[:maxTemplateSegment]
	}
	return "/" + s
}

// placeholderNames returns the name of each {placeholder} segment of a valid pattern, "" for a
// literal segment, aligned with parsePattern's segments.
func placeholderNames(pat string) []string {
	if pat == "/" {
		return nil
	}
	var names []string
	for _, s := range strings.Split(pat[1:], "/") {
		if strings.HasPrefix(s, "{") {
			names = append(names, s[1:len(s)-1])
		} else {
			names = append(names, "")
		}
	}
	return names
}

// betterName says whether a is preferred to b as the name of a placeholder position that rules name
// differently: the longer ({idOrLogin} over {id}), then the alphabetically first.
func betterName(a, b string) bool {
	return b == "" || len(a) > len(b) || len(a) == len(b) && a < b
}

// setTemplates writes the template of the path to every node at and below n, whose own template is
// tmpl, once every rule is in the trie and every placeholder has its name.
func (n *node) setTemplates(tmpl string) {
	n.tmpl = tmpl
	for i := range n.lits {
		n.lits[i].child.setTemplates(tmpl + templateOut(n.lits[i].seg))
	}
	if n.ph != nil {
		name := n.ph.name
		if name == "" {
			name = redacted[1 : len(redacted)-1]
		}
		if len(name) > maxTemplateSegment-2 {
			name = name[:maxTemplateSegment-2] // braces kept
		}
		n.ph.setTemplates(tmpl + templateOut("{"+name+"}"))
	}
}

// wordSet is a set of ASCII words looked up by a path segment, percent-decoded when it holds valid
// escapes: an open-addressing hash table, which does not allocate.
type wordSet struct {
	words  []string
	outs   []string    // templateOut of each word
	slots  []uint32    // index+1 into words; 0 = empty
	firsts [][2]uint64 // by word length: a bit for the first byte of each word that long
}

func newWordSet(words []string) wordSet {
	if len(words) == 0 {
		return wordSet{}
	}
	size := 16
	for size < 4*len(words) {
		size *= 2
	}
	s := wordSet{words: words, outs: make([]string, len(words)), slots: make([]uint32, size)}
	mask := uint32(size - 1)
	for i, w := range words {
		s.outs[i] = templateOut(w)
		for len(s.firsts) <= len(w) {
			s.firsts = append(s.firsts, [2]uint64{})
		}
		if w == "" {
			continue // never looked up: a path segment is never empty
		}
		s.firsts[len(w)][w[0]>>6&1] |= 1 << (w[0] & 63)
		h := wordHash(len(w), w[0], w[len(w)/2], w[len(w)-1]) & mask
		for s.slots[h] != 0 {
			h = (h + 1) & mask
		}
		s.slots[h] = uint32(i + 1)
	}
	return s
}

// wordHash hashes a word by its length and its first, middle and last bytes: cheap, and enough to
// spread the vocabulary, since the table compares whole words anyway.
func wordHash(n int, first, mid, last byte) uint32 {
	const prime = 16777619 // FNV's
	h := (uint32(n) ^ 2166136261) * prime
	h = (h ^ uint32(first)) * prime
	h = (h ^ uint32(mid)) * prime
	return (h ^ uint32(last)) * prime
}

// lookup returns the index in s.words of the word the path segment seg is, once percent-decoded
// (pct says seg holds a %), or -1. A segment with an invalid escape is compared raw, as
// node.literal compares it, and so is never a word (no word holds a %).
func (s *wordSet) lookup(seg string, pct bool) int {
	n := len(seg)
	var first, mid, last byte
	if pct {
		if n >= 3*len(s.firsts) || !validEscapes(seg) {
			return -1
		}
		n -= 2 * strings.Count(seg, "%")
		if n == 0 {
			return -1
		}
		first, mid, last = decodedByte(seg, 0), decodedByte(seg, n/2), decodedByte(seg, n-1)
	} else if n > 0 {
		first, mid, last = seg[0], seg[n/2], seg[n-1]
	}
	if n == 0 || n >= len(s.firsts) || first >= 128 || s.firsts[n][first>>6]&(1<<(first&63)) == 0 {
		return -1
	}
	mask := uint32(len(s.slots) - 1)
	for h := wordHash(n, first, mid, last) & mask; ; h = (h + 1) & mask {
		k := int(s.slots[h]) - 1
		if k < 0 {
			return -1
		}
		if w := s.words[k]; pct && unescapedEqual(seg, w) || !pct && w == seg {
			return k
		}
	}
}

// decodedByte returns byte i of seg percent-decoded; seg's escapes must be valid, and i below its
// decoded length.
func decodedByte(seg string, i int) byte {
	for j := 0; ; j++ {
		b := seg[j]
		if b == '%' {
			b = unhex(seg[j+1])<<4 | unhex(seg[j+2])
			j += 2
		}
		if i == 0 {
			return b
		}
		i--
	}
}

// vocabulary is the set of known words of templateWords.
var vocabulary = newWordSet(templateWords)

// templateWords are the literal path segments of Okta's Management, Authentication, OAuth 2.0 /
// OpenID Connect, Identity Engine and sign-in endpoints, including every literal segment of the
// built-in catalogs (classify/catalog/*.tsv): resource names, actions and fixed names, never
// anything that identifies an org, a user or an object. Sorted, unique, case-sensitive (Okta paths
// are), letters, digits and ._- only. me (the current user or session) and default (the default
// authorization server) are words too, but only where no rule has a placeholder.
var templateWords = []string{
	".well-known",
	"activate",
	"active",
	"agentPools",
	"answer",
	"api",
	"api-tokens",
	"app",
	"appLinks",
	"apps",
	"assignees",
	"associatedServers",
	"authenticators",
	"authn",
	"authorizationServers",
	"authorize",
	"background-image",
	"bc",
	"behaviors",
	"bindings",
	"blocks",
	"bounces",
	"brands",
	"callback",
	"cancel",
	"captchas",
	"catalog",
	"certificate",
	"certificateAuthorities",
	"challenge",
	"change_password",
	"change_recovery_question",
	"claims",
	"classification",
	"clients",
	"clone",
	"configuration",
	"connections",
	"contacts",
	"credential",
	"credentials",
	"csrs",
	"customized",
	"deactivate",
	"default",
	"dependencies",
	"dependents",
	"device",
	"device-assurances",
	"devices",
	"do-login",
	"domains",
	"email",
	"email-domains",
	"emails",
	"enroll",
	"error",
	"eventHooks",
	"events",
	"execute",
	"expire_password",
	"expire_password_with_temp_password",
	"factors",
	"favicon",
	"favicon.ico",
	"features",
	"fileStoreRecord",
	"forgot_password",
	"generate",
	"global-token-revocation",
	"globalFileStoreRecord",
	"grants",
	"group",
	"groups",
	"home",
	"hook-keys",
	"iam",
	"identify",
	"idp",
	"idps",
	"idx",
	"image",
	"inlineHooks",
	"interact",
	"introspect",
	"keyRotate",
	"keys",
	"lifecycle",
	"linkedObjects",
	"log-streams",
	"login",
	"login.htm",
	"logo",
	"logout",
	"logs",
	"mappings",
	"me",
	"members",
	"meta",
	"metadata",
	"methods",
	"myaccount",
	"nonce",
	"oauth-authorization-server",
	"oauth2",
	"office365",
	"oktaCommunication",
	"oktaSupport",
	"oob-authenticate",
	"openid-configuration",
	"org",
	"orgs",
	"owners",
	"pages",
	"par",
	"passive",
	"password",
	"permissions",
	"phones",
	"policies",
	"poll",
	"preferences",
	"preview",
	"previous",
	"principal-rate-limits",
	"privacy",
	"profile",
	"publish",
	"push",
	"push-providers",
	"questions",
	"radius",
	"rate-limit-settings",
	"reactivate",
	"realms",
	"recover",
	"recovery",
	"redirect",
	"refresh",
	"remove-list",
	"resend",
	"reset_factors",
	"reset_password",
	"resource-sets",
	"resources",
	"revoke",
	"roles",
	"rotate",
	"rules",
	"saml",
	"schemas",
	"scopes",
	"secrets",
	"sessions",
	"settings",
	"sign-in",
	"signout",
	"skip",
	"slo",
	"sms",
	"sso",
	"sso_iwa_auth",
	"subscriptions",
	"suspend",
	"targets",
	"template_saml_2_0",
	"templates",
	"themes",
	"threats",
	"token",
	"tokens",
	"transactions",
	"trustedOrigins",
	"types",
	"uischemas",
	"unlock",
	"unlock-account",
	"unsuspend",
	"updates",
	"user",
	"userinfo",
	"users",
	"v1",
	"verify",
	"webfinger",
	"wsfed",
	"zones",
}

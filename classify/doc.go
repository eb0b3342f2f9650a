// Package classify maps an HTTP request (method, request target) to its Okta rate-limit bucket, and
// holds the per-tier limits of every bucket.
//
// A [Catalog] is a set of rules compiled from a data file; [Seed] is the embedded default catalog
// (classify/catalog/seed.tsv), built from the two Okta tables the project started from: the bucket
// ids and limits of design.md's "Contracts" table. [Load] also knows "okta-2025" (see "Catalogs"
// below), and [Catalog.WithOverrides] applies an org's own limits file (see "Overrides"). [Catalog.Classify] returns a [Class]: an index into
// [Catalog.Buckets], or one of the two classes that are never flagged, [PublicMetadata] (Okta's public
// metadata endpoints, which it does not rate-limit) and [OutsideCatalog] (anything no rule covers,
// such as /login/login.htm in the seed catalog). [Catalog.ClassifyAmong] classifies a request whose
// method is one of several, not knowing which (an Okta System Log event records none): the bucket
// they all share, or the class [MethodUnknown] with the buckets it could belong to. Each [Bucket] carries its limit on every [Tier], [NA] where the tier does
// not offer the endpoint.
//
// # The request target
//
// The target is taken as logged: a path, possibly with a query string, or an absolute URL
// (https://acme.okta.com/api/v1/users?limit=200). A leading scheme:// and authority are removed; the
// query string (from the first ?) and fragment (from the first #) are ignored.
//
// The path is split on /. Empty segments are ignored, so a leading, trailing or doubled slash makes no
// difference (/api/v1/users/ is /api/v1/users), and neither does a missing leading slash. Each segment
// is percent-decoded before it is compared with a literal segment of a rule, so /api/v1/%75sers is
// /api/v1/users; splitting happens before decoding, so %2F stays inside its segment
// (/api/v1/users/jane%40acme.com and /api/v1/users/a%2Fb each end in one segment). A segment with an
// invalid escape (a % not followed by two hex digits) is compared as it is, undecoded. Dot segments
// (. and ..) are not resolved: they are segments like any other. Comparison is case-sensitive, as Okta
// paths are: /API/v1/users is outside the catalog.
//
// The method is compared exactly with the methods of a rule. Access logs record methods in upper case;
// a lower-case "get" is not GET and is taken only by rules for any method.
//
// # Matching
//
// Each rule has a pattern whose segments are literals or {placeholders} (one whole segment each, any
// value), a method set (any, or a list), and a kind: exact (the path is the pattern, nothing more) or
// prefix (the path is the pattern or anything below it, segment-wise: /api/v1/authnx is not under
// /api/v1/authn). The rules are compiled into a trie of segments, which a path is walked down:
//
//   - at each node the literal child is tried before the placeholder child, and the placeholder
//     child is tried only if the literal subtree yields no match; so a literal always wins over a
//     placeholder, and /oauth2/v1/... is never taken for a custom authorization server called v1;
//   - where the path ends, an exact rule of that node taking the method matches, else a prefix rule
//     of that node taking the method;
//   - a prefix rule matches its node and everything below it; the deepest match along the chosen path
//     wins, and when nothing below a node matches, the node's own prefix rule does.
//
// This is how Okta itself picks a bucket: the most specific rule wins, exact before longest prefix,
// with method-specific rules. In the seed catalog, for example:
//
//	GET    /api/v1/users                             users           (only GET or POST)
//	PUT    /api/v1/users                             api-other
//	GET    /api/v1/users/jane%40acme.com             users-get       (only GET)
//	DELETE /api/v1/users/00u1a2b3c4d5e6f7g8h9        users-update    (only POST, PUT or DELETE)
//	PATCH  /api/v1/users/00u1a2b3c4d5e6f7g8h9        api-other
//	GET    /api/v1/users/00u1a2b3c4d5e6f7g8h9/groups api-other
//	GET    /api/v1/apps/0oa1a2b3c4d5e6f7g8h9         apps-by-id      (exactly /api/v1/apps/{id})
//	GET    /api/v1/apps/0oa1a2b3c4d5e6f7g8h9/users   apps
//	POST   /api/v1/authn/factors/sms/verify          authn-verify
//	POST   /api/v1/authn/factors/sms/verify/extra    authn
//	GET    /api/v1/authnx                            api-other       (segments, not string prefixes)
//	POST   /oauth2/default/v1/token                  oauth2-custom
//	POST   /oauth2/v1/token                          oauth2-org      (never a custom server called v1)
//	GET    /oauth2/v1/clients/0oa1a2b3c4d5e6f7g8h9   oauth2-clients
//	GET    /oauth2/default/foo                       oauth2-other
//	GET    /oauth2/v1/keys                           public-metadata
//	GET    /api/v1/policies?type=OKTA_SIGN_ON        api-other
//	GET    /api/v2/x, /login/login.htm, /            outside-catalog
//
// Classify does not allocate, and a Catalog is safe for concurrent use.
//
// # Catalog files
//
// A catalog data file is tab-separated text, one rule per line, with a header line naming the
// columns (id, methods, match, pattern, one column per tier id, source, and optionally eligible) and
// # comment lines; the header comment of classify/catalog/seed.tsv describes it. Rows with the id
// public-metadata mark public metadata endpoints; every other id is a bucket, and a bucket id may
// have several rows, which must agree on limits and eligibility. See [Parse] for what is validated.
// The source column cites where each row comes from.
//
// The eligible column says what can raise a bucket's limit: burst ([Bucket.BurstEligible]),
// dynamicscale ([Bucket.DynamicScaleEligible]) and workforce-multiplier
// ([Bucket.WorkforceMultiplierEligible]). In both built-in catalogs these come from the fact sheet
// (shared/okta-rate-limits.md): DynamicScale and Workforce-multiplier eligibility from its §2 marks
// and §15 lists (S-DS, S-ADD25, S-INC), and burst from §9 (S-BURST: "org-scoped buckets containing
// authentication/authorization endpoints"), read as every bucket of Okta's authentication /
// end-user table and none of its management table. Okta lists apps-by-id, groups-by-id and
// users-get as eligible for GET reads; ratecard counts a bucket as one, so a multiplier raises the
// whole bucket's limit.
//
// # Catalogs
//
// [Catalogs] lists the built-in catalogs, [DefaultCatalog] first:
//
//   - seed (classify/catalog/seed.tsv): the project's seed tables, exactly design.md's "Contracts"
//     table: 18 buckets, public metadata, and everything else (/login/login.htm, /idp/idx/...,
//     /app/...) outside the catalog.
//   - okta-2025 (classify/catalog/okta-2025.tsv): the last per-endpoint tables Okta published
//     (April to December 2025, removed from its docs in December 2025), fact sheet §2, §2a, §3 and
//     §4, each row citing the fact sheet section, the source key and the okta-developer-docs
//     commit. It keeps the seed's bucket ids and rules (all but orgs, which the 2025 tables no
//     longer list, so /api/v1/orgs is api-other there) with the 2025 limits, and adds the buckets
//     those tables list: oauth2-custom-authorize, oauth2-custom-token, oauth2-org-authorize,
//     oauth2-org-token (the separate /authorize and /token buckets), saml-sso, saml-template,
//     wsfed-active, wsfed-passive (Office 365 WS-Fed), login-page (/login/login.htm), login-iwa,
//     login-token-redirect, radius, idx, idx-identify, idx-introspect (Identity Engine),
//     login-do-login, bc-file-store, bc-global-file-store (the home-page endpoints of the Additional
//     limits page), email-bounces, certificate-authorities and devices. The Identity Engine "App
//     intent" bucket is left out: a request's path cannot tell it from saml-sso.
//
// Tier ids are a contract (flags, summary.json, overrides files), so every catalog has the same five
// tier columns. In okta-2025 the developer-free column holds the Integrator Free Plan, which
// replaced Developer (free) in May 2025 with the same numbers, and developer-paid holds the last
// Developer (paid) values (April 2025, when that column was dropped; they equal One App).
// [Catalog.TierTitle] gives the catalog's own title for a column: "Integrator Free Plan" and
// "Developer (paid, until April 2025)" for okta-2025, [Tier.Title] otherwise.
//
// # Overrides
//
// Okta's tables are defaults: an org can have its own limits (temporary or permanent increases),
// DynamicScale, or the Workforce license multiplier, and the rate-limit dashboard shows the
// effective limit of every bucket. [ParseOverrides] reads an org's limits file and
// [Catalog.WithOverrides] applies it, giving a catalog named, e.g., "seed+limits.yaml":
//
//	# limits.yaml
//	authn: 3000            # an absolute limit on every tier
//	users-get:             # absolute limits on some tiers only
//	  enterprise: 2500
//	  workforce: 4000
//	dynamicscale: 5x       # DynamicScale: One App and Enterprise, eligible buckets
//	workforce-multiplier: 10x
//
// Keys are bucket ids of the catalog, dynamicscale, or workforce-multiplier, each at most once. A
// bucket takes a whole number of requests per minute, for every tier, or, with no value, indented
// tier-id: N lines. dynamicscale is 1x (none) or 5x to 1000x, and applies to the DynamicScale-eligible
// buckets on the tiers that can buy it ([DynamicScaleTiers]); workforce-multiplier is 1x, 5x or 10x
// (under 10,000, up to 100,000, over 100,000 licenses) and applies to the eligible buckets on the
// workforce tier ([WorkforceMultiplierTiers]). An absolute limit is the effective limit: it replaces
// a multiplied one. Errors name the file and line, e.g.
//
//	limits.yaml:3: unknown bucket "authnn" in catalog seed (did you mean "authn"?)
//
// The file is YAML, as the examples are, but only a strict subset of it: flat key: value
// lines, one level of indented tier lines, # comments, an optional leading ---. ParseOverrides
// reads it itself, line by line, rather than through a YAML library, because (1) it adds no
// dependency to a module others are editing, and keeps the binary's dependency set as it is; (2)
// every error, including a duplicate key, carries its exact line, which a generic decoder into a
// map would lose (a duplicate key is silently the last one in most); and (3) what the subset
// rejects is exactly what would be read differently by different YAML readers or is likely a
// mistake: quoted or octal-looking numbers (0600), 3,000 or 1_000, tabs in indentation, flow
// collections, lists, anchors, several documents. Every file it accepts is valid YAML that any
// YAML library reads to the same mapping, so a real YAML parser can replace it later without
// changing a valid file's meaning (bucket ids are plain lower-case words, limits plain decimal
// integers, multipliers plain strings).
//
// # Burst and per-principal limits
//
// [BurstStatus] judges a minute's count against a limit as Okta's burst rules do: over 100 % and up
// to [BurstFactor] (5) × the limit is "burst" on a burst-eligible bucket, past that (or past 100 %
// on any other bucket) "violation"; [Bucket.BurstLimit] is the count at which requests are refused.
// The near/over verdict of design.md (warn %) is separate. [DefaultPrincipalShare] (50 %) is the
// share of each bucket one API token or OAuth app may use by default, and [PrincipalLimit] computes
// a principal's cap from it.
package classify

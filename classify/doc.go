// Package classify maps an HTTP request (method, request target) to its Okta rate-limit bucket, and
// holds the per-tier limits of every bucket.
//
// A [Catalog] is a set of rules compiled from a data file; [Seed] is the embedded default catalog
// (classify/catalog/seed.tsv), built from the two Okta tables the project started from: the bucket
// ids and limits of design.md's "Contracts" table. [Catalog.Classify] returns a [Class]: an index into
// [Catalog.Buckets], or one of the two classes that are never flagged, [PublicMetadata] (Okta's public
// metadata endpoints, which it does not rate-limit) and [OutsideCatalog] (anything no rule covers,
// such as /login/login.htm). Each [Bucket] carries its limit on every [Tier], [NA] where the tier does
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
// columns (id, methods, match, pattern, one column per tier id, source) and # comment lines; the
// header comment of classify/catalog/seed.tsv describes it. Rows with the id public-metadata mark
// public metadata endpoints; every other id is a bucket, and a bucket id may have several rows. See
// [Parse] for what is validated.
package classify

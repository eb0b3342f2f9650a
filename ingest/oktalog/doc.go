// Package oktalog fetches an Okta org's System Log (GET /api/v1/logs) into a directory of gzip
// NDJSON segments that package ingest reads as okta-ndjson, as a careful client of the org's
// rate limits. It is input acquisition: it imports neither the catalog nor the report.
//
// # Paging
//
// The first request carries since, until (ISO 8601 UTC with milliseconds), limit=1000 and
// sortOrder=ASCENDING; every later request is exactly the URL of the previous response's
// Link rel="next", which must stay on the org's origin and on /api/v1/logs (a link elsewhere is
// an error, and no request is sent there). The fetch ends on a page without a next link or on an
// empty page; pages may be shorter than the limit. Each event is written as Okta sent it,
// compacted to one line (only whitespace between tokens is removed). An event whose uuid was
// already written with the same published time (a page boundary repeating an event) is dropped
// and counted.
//
// # Rate limits
//
// A rate-limit window is identified by the X-Rate-Limit-Reset value (UTC epoch seconds) its
// responses carry and ends at that instant by Okta's clock; no window length is assumed. Within
// a window the fetcher sends at most max(1, floor(X-Rate-Limit-Limit × share / 100)) requests
// (share defaults to 50), and none once X-Rate-Limit-Remaining reaches 0; then it waits until the
// Reset instant, computed from the response's Date header (Okta's clock) rather than the local
// clock. See governor for the exact accounting. A 429 waits until its Reset plus up to a second
// of jitter; a 5xx, a timeout, a dropped connection or a truncated or malformed body is retried
// after an exponential backoff (1 s doubling to 60 s, drawn from the upper half); after
// MaxTries requests for one page the fetch stops with an error, keeping what it wrote. Requests
// that net/http resends by itself on a closed connection are counted too.
//
// # Credentials
//
// An API token ([APIToken]) is sent as "SSWS token". An OAuth 2.0 service app ([ServiceApp])
// gets an access token from the org authorization server with the client credentials grant and
// a private_key_jwt client assertion (RS256 or ES256, 5-minute exp, unique jti), asking for
// okta.logs.read and okta.rateLimits.read (the latter dropped when the app is not granted it),
// and renews it before it expires (5 minutes before, or at half its life when that is shorter).
// Apps that require DPoP (RFC 9449; Okta enables it by default on new API Services apps) are
// detected from Okta's "DPoP proof JWT header is missing" answer: the fetcher then signs a proof
// with an ephemeral P-256 key on every token and API request (typ dpop+jwt, jwk, htm, htu without
// query, iat, jti; ath on API requests), retries with the DPoP-Nonce Okta asks for, and sends
// "Authorization: DPoP token". No secret is ever written to a file, a progress line or an
// error: the token types print as "[redacted]", errors quote Okta's answer, never a request's
// headers, and redirects are refused so that no credential follows one.
//
// # Directory and resume
//
// The directory holds SegmentName(1) … SegmentName(n) and the fetcher's own files, whose names
// start with "." (analyze skips them): the checkpoint ManifestName, the org's rate-limit settings
// SettingsName, and temporary files. A segment collects PagesPerSegment pages, then is closed,
// synced and renamed into place; only then is the checkpoint (the next-page URL, the counts, the
// last event's published time and uuid) written to a temporary file and renamed over the old
// one. A run that dies between the two renames leaves a segment the checkpoint does not count:
// the next run deletes it and fetches its pages again from the checkpoint's URL, so every event
// of the range is in the directory exactly once. A cancelled context (Ctrl-C) commits the pages
// already read before returning; a completed fetch run again does nothing.
//
// # Why not the Okta Go SDK
//
// okta-sdk-golang v5.0.2 was read and measured: it follows a next link by keeping only its path
// and merging the first request's query into it (not the exact URL, and a link to another host
// is quietly sent to the org), caches GET responses by default, decodes events into typed models
// (the raw event survives only in the buffered body), retries only 429s (up to a fixed backoff)
// and EOFs, never a 5xx, and has no notion of a share of the limit. Its service-app path sends the
// client assertion in the token request's URL query, signs DPoP proofs only with an RSA key it
// generates per token, and drops the token endpoint's error. Linked into ratecard it added 27.6 MB
// to the binary and 2 min 29 s of compilation. This package uses net/http and
// github.com/go-jose/go-jose/v4 (JWS signing and JWK parsing, no dependencies of its own); the
// README gives the figures.
package oktalog

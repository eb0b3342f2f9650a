package main

// The buckets the generated requests count against, with their enterprise limits, and the
// sliding-window limiter that answers 429 when a bucket's limit is reached.

type bucket uint8

const (
	bAuthn bucket = iota
	bAuthnVerify
	bSessions
	bOAuth2Custom
	bOAuth2Org
	bOAuth2Clients
	bApps
	bAppsByID
	bGroups
	bGroupsByID
	bUsers
	bUsersGet
	bUsersUpdate
	bLogs
	bAPIOther
	bPublicMetadata
	bOutsideCatalog
	numBuckets
)

var bucketIDs = [numBuckets]string{
	"authn", "authn-verify", "sessions", "oauth2-custom", "oauth2-org", "oauth2-clients", "apps",
	"apps-by-id", "groups", "groups-by-id", "users", "users-get", "users-update", "logs", "api-other",
	"public-metadata", "outside-catalog",
}

// enterpriseLimit is the enterprise tier's per-minute limit; 0 for the two never-flagged classes.
var enterpriseLimit = [numBuckets]int{600, 600, 600, 1200, 1200, 100, 100, 600, 600, 600, 600, 1000, 600, 50, 600, 0, 0}

const warnPercent = 60

// throttle answers 429 where Okta's limiter would have: when the requests of the same bucket let
// through in the trailing 60 seconds (both proxies together) already reach the enterprise limit.
func (g *gen) throttle() {
	var by [numBuckets][]int
	for i := range g.recs {
		r := &g.recs[i]
		if r.kind.isRequest() && enterpriseLimit[r.bucket] > 0 {
			by[r.bucket] = append(by[r.bucket], i)
		}
	}
	for b, idx := range by {
		lim := enterpriseLimit[b]
		var accepted []int64 // times of the requests let through, ascending
		lo := 0
		for _, i := range idx {
			r := &g.recs[i]
			for lo < len(accepted) && accepted[lo] <= r.t-60 {
				lo++
			}
			if len(accepted)-lo >= lim {
				r.status, r.bytes, r.ms = 429, 185, int32(g.between(3, 12))
				continue
			}
			accepted = append(accepted, r.t)
		}
	}
}

package main

// The buckets the generated requests count against, with their enterprise limits, and the
// sliding-window limiter that answers 429 when a bucket's limit is reached.

import (
	"fmt"

	"github.com/ratecard/ratecard/classify"
)

// catalog is the rate-limit catalog the generator's buckets, their ids and their limits come from:
// classify's seed catalog, the default of ratecard analyze.
var catalog = classify.Seed()

// The classes the generator's endpoints count against: the seed catalog's buckets it sends
// requests to, looked up by id when the program starts, and the two classes that are never flagged.
var (
	bAuthn          = catalogBucket("authn")
	bAuthnVerify    = catalogBucket("authn-verify")
	bSessions       = catalogBucket("sessions")
	bOAuth2Custom   = catalogBucket("oauth2-custom")
	bOAuth2Org      = catalogBucket("oauth2-org")
	bOAuth2Clients  = catalogBucket("oauth2-clients")
	bApps           = catalogBucket("apps")
	bAppsByID       = catalogBucket("apps-by-id")
	bGroups         = catalogBucket("groups")
	bGroupsByID     = catalogBucket("groups-by-id")
	bUsers          = catalogBucket("users")
	bUsersGet       = catalogBucket("users-get")
	bUsersUpdate    = catalogBucket("users-update")
	bLogs           = catalogBucket("logs")
	bAPIOther       = catalogBucket("api-other")
	bPublicMetadata = classify.PublicMetadata
	bOutsideCatalog = classify.OutsideCatalog
)

// numClasses is the number of values a classify.Class holds, the length of arrays indexed by class.
const numClasses = int(classify.OutsideCatalog) + 1

// catalogBucket returns the class of the catalog's bucket id. It panics when the catalog has no
// such bucket, or when the bucket has no enterprise limit: the generator throttles by that limit.
func catalogBucket(id string) classify.Class {
	b, cl, ok := catalog.BucketByID(id)
	if !ok {
		panic(fmt.Sprintf("gen: the %s catalog has no bucket %q", catalog.Name, id))
	}
	if b.Limit(classify.Enterprise) == classify.NA {
		panic(fmt.Sprintf("gen: bucket %q of the %s catalog has no %s limit", id, catalog.Name, classify.Enterprise))
	}
	return cl
}

// enterpriseLimit returns the catalog's per-minute limit of class b on the enterprise tier, the
// tier the generator throttles by and the manifest judges by; 0 for the two never-flagged classes.
func enterpriseLimit(b classify.Class) int {
	if bk, ok := catalog.Bucket(b); ok {
		return bk.Limit(classify.Enterprise)
	}
	return 0
}

// warnPercent is the warning threshold, in percent of a limit, from which the manifest calls a
// count near: Okta's default, and the default of ratecard analyze --warn.
const warnPercent = 60

// throttle answers 429 where Okta's limiter would have: when the requests of the same bucket let
// through in the trailing 60 seconds (both proxies together) already reach the enterprise limit.
func (g *gen) throttle() {
	var by [numClasses][]int
	for i := range g.recs {
		r := &g.recs[i]
		if r.kind.isRequest() && enterpriseLimit(r.bucket) > 0 {
			by[r.bucket] = append(by[r.bucket], i)
		}
	}
	for b, idx := range by {
		lim := enterpriseLimit(classify.Class(b))
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

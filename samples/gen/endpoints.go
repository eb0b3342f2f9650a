package main

// The endpoints the clients call: each one's request line, bucket and a plausible response.

import (
	"math"
	"time"
)

// endpoint is one kind of call a client makes; fill turns it into a request line and a response.
type endpoint uint8

const (
	epAuthorize endpoint = iota
	epLoginPage
	epFavicon
	epSessionsMe
	epAuthn
	epVerify
	epTokenCustom  // authorization-code exchange (id_token in the response)
	epTokenService // client_credentials on the custom authorization server
	epTokenOrg
	epUserinfo
	epKeysOrg
	epKeysCustom
	epWellKnown
	epUsersList
	epUserGetID
	epUserGetLogin
	epUserUpdate
	epUserGroups
	epGroups
	epGroupByID
	epApps
	epAppByID
	epAppUsers
	epAppGroups
	epLogs
	epClients
	epPolicies
)

// fill sets method, target, bucket, status, bytes and request time of r for endpoint ep.
func (g *gen) fill(r *rec, ep endpoint) {
	r.method = "GET"
	status, size, lat := 200, 0, 0.05
	ok := func(lo, hi int) { size = g.between(lo, hi) }
	switch ep {
	case epAuthorize:
		r.bucket = bOAuth2Custom
		r.target = "/oauth2/default/v1/authorize?client_id=" + g.pick(g.oidc) +
			"&response_type=code&scope=openid%20profile%20email&redirect_uri=https%3A%2F%2Fportal.example.com%2Fauthorization-code%2Fcallback&state=" +
			g.randStr(12) + "&nonce=" + g.randStr(12)
		if g.chance(0.85) {
			status, size = 302, 0
		} else {
			ok(15412, 15440)
		}
		lat = 0.09
	case epLoginPage:
		r.bucket = bOutsideCatalog
		r.target = "/login/login.htm?fromURI=%2Fapp%2FUserHome"
		ok(15412, 15440)
		lat = 0.06
	case epFavicon:
		r.bucket = bOutsideCatalog
		r.target = "/favicon.ico"
		if g.chance(0.3) {
			status = 304
		} else {
			size = 1150
		}
		lat = 0.004
	case epSessionsMe:
		r.bucket = bSessions
		r.target = "/api/v1/sessions/me"
		if g.chance(0.25) {
			status, size = 404, 178
		} else {
			ok(1180, 1240)
		}
		lat = 0.04
	case epAuthn:
		r.method = "POST"
		r.bucket = bAuthn
		r.target = "/api/v1/authn"
		if g.chance(0.13) {
			status, size = 401, 142
		} else if g.chance(0.5) {
			ok(1402, 1431) // SUCCESS
		} else {
			ok(2398, 2446) // MFA_REQUIRED
		}
		lat = 0.16
	case epVerify:
		r.method = "POST"
		r.bucket = bAuthnVerify
		r.target = "/api/v1/authn/factors/" + g.factors[g.hotPick(&g.hotFactors, len(g.factors))] + "/verify"
		if g.chance(0.2) {
			r.target += "?rememberDevice=true"
		}
		if g.chance(0.08) {
			status, size = 403, 166
		} else {
			ok(1254, 1290)
		}
		lat = 0.21
	case epTokenCustom, epTokenService:
		r.method = "POST"
		r.bucket = bOAuth2Custom
		r.target = "/oauth2/default/v1/token"
		switch {
		case g.chance(0.04):
			status, size = 400, 98
		case ep == epTokenService:
			ok(905, 915)
		default:
			ok(1610, 1660)
		}
		lat = 0.07
	case epTokenOrg:
		r.method = "POST"
		r.bucket = bOAuth2Org
		r.target = "/oauth2/v1/token"
		if g.chance(0.02) {
			status, size = 401, 103
		} else {
			ok(950, 990)
		}
		lat = 0.06
	case epUserinfo:
		r.bucket = bOAuth2Org
		r.target = "/oauth2/v1/userinfo"
		if g.chance(0.04) {
			status = 401
		} else {
			ok(410, 460)
		}
		lat = 0.03
	case epKeysOrg:
		r.bucket = bPublicMetadata
		r.target = "/oauth2/v1/keys"
		size, lat = 1452, 0.012
	case epKeysCustom:
		r.bucket = bPublicMetadata
		r.target = "/oauth2/default/v1/keys"
		size, lat = 1398, 0.012
	case epWellKnown:
		r.bucket = bPublicMetadata
		if g.chance(0.5) {
			r.target, size = "/.well-known/openid-configuration", 4212
		} else {
			r.target, size = "/oauth2/default/.well-known/openid-configuration", 4310
		}
		lat = 0.01
	case epUsersList:
		r.bucket = bUsers
		r.target = "/api/v1/users?limit=200"
		if g.chance(0.8) {
			r.target += "&after=" + g.pick(g.users)
		}
		ok(180000, 320000)
		lat = 0.85
	case epUserGetID, epUserGetLogin:
		r.bucket = bUsersGet
		i := g.hotPick(&g.hotUsers, len(g.users))
		if ep == epUserGetID {
			r.target = "/api/v1/users/" + g.users[i]
		} else {
			r.target = "/api/v1/users/" + g.logins[i]
		}
		if g.chance(0.03) {
			status, size = 404, 178
		} else {
			size = g.userSize[i]
		}
		lat = 0.05
	case epUserUpdate:
		r.method = "POST"
		r.bucket = bUsersUpdate
		i := g.hotPick(&g.hotUsers, len(g.users))
		r.target = "/api/v1/users/" + g.users[i]
		if g.chance(0.05) {
			status, size = 400, 262
		} else {
			size = g.userSize[i]
		}
		lat = 0.12
	case epUserGroups:
		r.bucket = bAPIOther
		i := g.hotPick(&g.hotUsers, len(g.users))
		r.target = "/api/v1/users/" + g.users[i] + "/groups"
		size = 900 + g.userSize[i]*7%5300 // the same user has the same groups
		lat = 0.07
	case epGroups:
		r.bucket = bGroups
		r.target = g.pick([]string{"/api/v1/groups?limit=200", "/api/v1/groups?q=eng-&limit=20",
			"/api/v1/groups?search=type+eq+%22OKTA_GROUP%22&limit=200"})
		ok(4800, 62000)
		lat = 0.18
	case epGroupByID:
		r.bucket = bGroupsByID
		i := g.hotPick(&g.hotGroups, len(g.groups))
		r.target = "/api/v1/groups/" + g.groups[i]
		if g.chance(0.02) {
			status, size = 404, 178
		} else {
			size = g.groupSize[i]
		}
		lat = 0.04
	case epApps:
		r.bucket = bApps
		r.target = "/api/v1/apps?limit=20&filter=status%20eq%20%22ACTIVE%22"
		ok(30000, 61000)
		lat = 0.25
	case epAppByID:
		r.bucket = bAppsByID
		i := g.hotPick(&g.hotApps, len(g.apps))
		r.target = "/api/v1/apps/" + g.apps[i]
		if g.chance(0.02) {
			status, size = 404, 178
		} else {
			size = g.appSize[i]
		}
		lat = 0.05
	case epAppUsers:
		r.bucket = bApps
		r.target = "/api/v1/apps/" + g.apps[g.hotPick(&g.hotApps, len(g.apps))] + "/users?limit=500"
		ok(2000, 240000)
		lat = 0.4
	case epAppGroups:
		r.bucket = bApps
		r.target = "/api/v1/apps/" + g.apps[g.hotPick(&g.hotApps, len(g.apps))] + "/groups"
		ok(300, 4100)
		lat = 0.06
	case epLogs:
		r.bucket = bLogs
		r.target = "/api/v1/logs?since=" + time.Unix(r.t-60, 0).UTC().Format("2006-01-02T15:04:05.000Z") +
			"&limit=1000&sortOrder=ASCENDING"
		ok(18000, 125000)
		lat = 0.45
	case epClients:
		r.bucket = bOAuth2Clients
		if g.chance(0.5) {
			r.target = "/oauth2/v1/clients?limit=200"
			ok(9000, 26000)
		} else {
			r.target = "/oauth2/v1/clients/" + g.apps[g.hotPick(&g.hotApps, len(g.apps))]
			ok(1100, 1900)
		}
		lat = 0.08
	case epPolicies:
		r.bucket = bAPIOther
		r.target = "/api/v1/policies?type=OKTA_SIGN_ON"
		ok(3000, 9200)
		lat = 0.09
	default:
		panic("unknown endpoint")
	}
	r.status, r.bytes = int16(status), int32(size)
	r.ms = g.latency(lat)
}

// latency draws a log-normal request time around base seconds, in milliseconds (at least 1).
func (g *gen) latency(base float64) int32 {
	ms := int32(math.Round(base * 1000 * math.Exp(0.3*g.rng.NormFloat64())))
	return max(ms, 1)
}

// add appends a record for endpoint ep at second t on proxy p from client c.
func (g *gen) add(p *proxy, t int64, ep endpoint, c *client, event int8) *rec {
	g.recs = append(g.recs, rec{
		t: t, key: g.rng.Uint32(), seq: int32(len(g.recs)), proxy: p.idx, event: event,
		ip: g.pick(c.ips), ua: g.pick(c.uas), xff: "-", ref: "-",
	})
	r := &g.recs[len(g.recs)-1]
	if c.browser {
		if a := g.public[g.hotPick(&g.hotIPs, len(g.public))]; p.trailer {
			r.xff = a
		} else {
			r.ip = a
		}
		r.ref = "https://portal.example.com/"
	}
	g.fill(r, ep)
	return r
}

package main

// The two proxies, the pools of identifiers (users, groups, apps, factors, addresses) and the
// clients behind each proxy with their traffic mix.

import (
	"strconv"
	"strings"
	"time"
)

// proxy is one egress proxy: its log file and time zone, and the clients and traffic mix behind it.
type proxy struct {
	idx      uint8
	name     string
	file     string
	offset   int // seconds east of UTC
	zone     *time.Location
	trailer  bool    // X-Forwarded-For and request time after the user agent
	human    float64 // requests per minute of human-driven traffic at the diurnal peak
	machine  float64 // scale of the flat machine traffic
	clients  clients
	sources  []source // human-driven mix
	msources []source // flat machine traffic, weight = requests per minute
	wsum     float64  // sum of the weights of sources
}

// client is one kind of caller: the addresses it calls from and the user agents it sends.
type client struct {
	ips     []string
	uas     []string
	browser bool // behind a load balancer on the US proxy (XFF = public address), sends a referer
}

// clients are the callers behind one proxy.
type clients struct {
	browser, portal, apigw, jwt, svc, adminPy, adminCurl, terraform, sync, siem, laptop *client
}

// source is one part of a proxy's traffic mix: an endpoint, its weight and the clients that call it
// (one picked at random per request).
type source struct {
	w  float64
	ep endpoint
	c  []*client
}

// base62 is the alphabet of Okta ids and random strings.
const base62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// oktaID returns a 20-character Okta-style id with the given prefix (00u user, 00g group, 0oa app).
func (g *gen) oktaID(prefix string) string {
	b := make([]byte, 20)
	copy(b, prefix)
	for i := len(prefix); i < 20; i++ {
		b[i] = base62[g.rng.IntN(len(base62))]
	}
	return string(b)
}

// randStr returns n random base62 characters.
func (g *gen) randStr(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = base62[g.rng.IntN(len(base62))]
	}
	return string(b)
}

// firstNames and lastNames make the users' logins, first.last@example.com.
var firstNames = strings.Fields(`jane john maria li ahmed sofia lucas emma noah olivia liam ava mateo
mia leon hanna arjun priya yuki kenji fatima omar elena ivan chloe hugo amelie felix lena jonas
sara david laura paul anna marco giulia pierre camille tom lucy ben grace sam nina alex kim chris
pat rosa diego ana carlos lea max julia tim eva`)

// lastNames: see firstNames.
var lastNames = strings.Fields(`doe smith garcia muller rossi dubois kowalski novak silva santos
tanaka sato kim lee chen wang nguyen patel shah khan ali hansen berg johansson nielsen virtanen
schmidt weber fischer meyer wagner becker schulz hoffmann martin bernard thomas petit moreau
lefebvre brown jones miller davis wilson moore taylor anderson jackson white harris clark lewis
walker young king wright scott green baker adams`)

// pools draws the ids of users, groups, apps and factors, the users' logins, the objects' response
// sizes and the browsers' public addresses.
func (g *gen) pools() {
	for i := range 3600 {
		g.users = append(g.users, g.oktaID("00u"))
		f := firstNames[i%len(firstNames)]
		l := lastNames[(i/len(firstNames))%len(lastNames)]
		g.logins = append(g.logins, f+"."+l+"%40example.com")
	}
	for range 300 {
		g.groups = append(g.groups, g.oktaID("00g"))
	}
	for range 150 {
		g.apps = append(g.apps, g.oktaID("0oa"))
	}
	g.oidc = g.apps[:6]
	for i := range 1500 {
		g.factors = append(g.factors, g.oktaID([]string{"opf", "sms", "uft", "ost", "mbl"}[i%5]))
	}
	sizes := func(n, lo, hi int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = g.between(lo, hi)
		}
		return out
	}
	g.userSize, g.groupSize, g.appSize = sizes(len(g.users), 1350, 1660), sizes(len(g.groups), 640, 820), sizes(len(g.apps), 2500, 6100)
	g.hotUsers, g.hotGroups, g.hotApps, g.hotFactors, g.hotIPs = hot{size: 12, reuse: 0.5}, hot{size: 12, reuse: 0.5}, hot{size: 12, reuse: 0.5}, hot{size: 12, reuse: 0.5}, hot{size: 12, reuse: 0.5}
	for _, net := range []string{"198.51.100.", "203.0.113.", "192.0.2."} {
		for range 60 {
			g.public = append(g.public, net+strconv.Itoa(1+g.rng.IntN(254)))
		}
	}
}

// The user agents of the clients.
var (
	uaGoSDK     = "okta-sdk-golang/2.20.0 golang/go1.22.5 linux/amd64"
	uaPySDK     = "okta-sdk-python/2.9.8 python/3.11.9 Linux/5.15.0-1064-aws"
	uaLaptop    = "okta-sdk-python/2.9.8 python/3.12.4 Darwin/23.6.0"
	uaTerraform = "Terraform/1.9.5 (+https://www.terraform.io) Terraform-Plugin-SDK/2.10.1 terraform-provider-okta/4.11.0 okta-sdk-golang/2.20.0 golang/go1.22.5 linux/amd64"
	uaCurl      = "curl/8.5.0"
	uaRequests  = "python-requests/2.32.3"
	uaJWT       = "okta-jwt-verifier-golang/2.0.4 golang/go1.22.5 linux/amd64"
	uaSync      = "hr-sync/3.1.0 (SCIM bridge) okta-sdk-golang/2.20.0 golang/go1.22.5 linux/amd64"
	uaSIEM      = "siem-poller/2.4.1 (okta-system-log-connector; +https://siem.example.com)"
	uaBrowsers  = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
	}
)

// ips returns prefix followed by each host number, e.g. ips("10.20.1.", 11, 12).
func ips(prefix string, hosts ...int) []string {
	out := make([]string, len(hosts))
	for i, h := range hosts {
		out[i] = prefix + strconv.Itoa(h)
	}
	return out
}

// setupClients gives proxy p its clients (in its own address range) and its traffic mix: the
// human-driven sources, which follow the diurnal curve, and the flat machine sources.
func (g *gen) setupClients(p *proxy) {
	net := "10.20." // EU
	if p.name == "us" {
		net = "10.40."
	}
	var browserIPs []string
	if p.trailer {
		browserIPs = []string{"10.0.0.5", "10.0.0.6"} // the load balancer; the client is in X-Forwarded-For
	} else {
		browserIPs = g.public
	}
	p.clients = clients{
		browser:   &client{ips: browserIPs, uas: uaBrowsers, browser: true},
		portal:    &client{ips: ips(net+"1.", 11, 12, 13, 14), uas: []string{uaGoSDK}},
		apigw:     &client{ips: ips(net+"2.", 21, 22), uas: []string{uaRequests}},
		jwt:       &client{ips: ips(net+"1.", 11, 12, 13, 14, 31, 32), uas: []string{uaJWT}},
		svc:       &client{ips: ips(net+"6.", 40, 41, 42), uas: []string{uaRequests, uaGoSDK}},
		adminPy:   &client{ips: ips(net+"3.", 5), uas: []string{uaPySDK}},
		adminCurl: &client{ips: ips(net+"3.", 5, 6), uas: []string{uaCurl}},
		terraform: &client{ips: ips(net+"5.", 9), uas: []string{uaTerraform}},
		sync:      &client{ips: ips(net+"4.", 7), uas: []string{uaSync}},
		siem:      &client{ips: ips(net+"8.", 20), uas: []string{uaSIEM}},
		laptop:    &client{ips: ips(net+"3.", 17), uas: []string{uaLaptop}},
	}
	c := p.clients
	admin := []*client{c.adminPy, c.adminPy, c.adminCurl}
	p.sources = []source{
		{0.10, epAuthorize, []*client{c.browser}},
		{0.05, epLoginPage, []*client{c.browser}},
		{0.03, epFavicon, []*client{c.browser}},
		{0.08, epSessionsMe, []*client{c.browser}},
		{0.14, epAuthn, []*client{c.portal}},
		{0.07, epVerify, []*client{c.portal}},
		{0.10, epTokenCustom, []*client{c.portal}},
		{0.06, epUserGetID, []*client{c.portal}},
		{0.03, epUserGetLogin, []*client{c.portal}},
		{0.04, epUserGroups, []*client{c.portal}},
		{0.06, epTokenOrg, []*client{c.apigw}},
		{0.08, epUserinfo, []*client{c.apigw}},
		{0.01, epUsersList, admin},
		{0.03, epUserUpdate, admin},
		{0.02, epGroups, admin},
		{0.03, epGroupByID, admin},
		{0.01, epApps, admin},
		{0.02, epAppByID, admin},
		{0.01, epAppUsers, admin},
		{0.005, epClients, admin},
		{0.005, epPolicies, admin},
	}
	for _, s := range p.sources {
		p.wsum += s.w
	}
	p.msources = []source{
		{0.6, epKeysOrg, []*client{c.jwt}},
		{0.5, epKeysCustom, []*client{c.jwt}},
		{0.4, epWellKnown, []*client{c.jwt}},
		{1.2, epTokenService, []*client{c.svc}},
		{0.5, epTokenOrg, []*client{c.svc}},
	}
}

package main

// System Log bench mode (-bench-systemlog N): N Okta System Log events, one JSON object a line, in
// -out/systemlog.ndjson, for make bench's System Log rows.
//
// The events have the shape and size (about 1.6 KB) of what Okta's /api/v1/logs API and its log
// streams deliver: actor, client with user agent and geography, authenticationContext, outcome,
// securityContext, debugContext.debugData, transaction, request.ipChain and target, keys in the API's
// order. The traffic:
//
//   - requests, most of them: one API or browser call to Okta writes one or two events that share
//     debugContext.debugData.requestId and transaction.id (a sign-in writes user.session.start and
//     policy.evaluate_sign_on) with the call's requestUri; the calls classify into several of the seed
//     catalog's buckets (authn, authn-verify, oauth2, users, groups, apps, sessions, saml-sso) and
//     outside it (/idp/idx/identify);
//   - background job events (transaction type JOB, no requestUri): not requests;
//   - rate-limit events, about one in 2,000: system.org.rate_limit.warning and .violation name the
//     request URI that crossed the threshold, system.org.rate_limit.burst names none;
//   - re-deliveries, about three in 1,000: an event written again a line later, byte for byte (log
//     streams deliver at least once).
//
// Events are in published order over -days days from -start, with the bench access log's diurnal
// curve. The output depends only on the flags; sysLogWrite returns what it wrote, which the test
// checks against what ratecard's ingest reads.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// sysLogConfig holds the flags of System Log bench mode.
type sysLogConfig struct {
	path   string
	events int64
	days   int
	start  time.Time
	seed   uint64
}

// sysLogStats counts what sysLogWrite wrote, by how ratecard's ingest should read it.
type sysLogStats struct {
	Events         int64 // lines written, re-deliveries included
	Bytes          int64
	Requests       int64 // events with a requestUri (re-deliveries included)
	Calls          int64 // distinct requests (requestId): what the analysis counts after removing duplicates
	NotARequest    int64 // job events
	RateLimit      int64 // rate-limit events (with or without a requestUri)
	RateLimitNoURI int64 // rate-limit events without a requestUri (skipped as rate-limit-event)
	Redelivered    int64 // events written twice
}

// sysCall is one kind of call to Okta and the events it writes.
type sysCall struct {
	weight  int
	method  string
	uri     func(g *sysGen) string
	events  []string // eventTypes, in the order they are written (one or two)
	message []string // their displayMessages
	actor   string   // "User" or "PublicClientApp"
}

var sysCalls = []sysCall{
	{20, "POST", func(*sysGen) string { return "/api/v1/authn" },
		[]string{"user.session.start", "policy.evaluate_sign_on"}, []string{"User login to Okta", "Evaluation of sign-on policy"}, "User"},
	{25, "POST", func(*sysGen) string { return "/oauth2/default/v1/token" },
		[]string{"app.oauth2.as.token.grant.access_token"}, []string{"OAuth2 access token is granted"}, "PublicClientApp"},
	{8, "POST", func(*sysGen) string { return "/oauth2/v1/token" },
		[]string{"app.oauth2.token.grant.access_token", "app.oauth2.token.grant.id_token"}, []string{"OAuth2 access token is granted", "OAuth2 id token is granted"}, "PublicClientApp"},
	{15, "GET", func(*sysGen) string { return "/oauth2/v1/authorize" },
		[]string{"app.oauth2.authorize.code", "user.authentication.sso"}, []string{"OAuth2 authorization code request", "User single sign on to app"}, "User"},
	{10, "POST", func(g *sysGen) string { return "/api/v1/authn/factors/" + g.pick(g.factors) + "/verify" },
		[]string{"user.authentication.auth_via_mfa"}, []string{"Authentication of user via MFA"}, "User"},
	{5, "POST", func(g *sysGen) string { return "/api/v1/users/" + g.pick(g.userIDs) },
		[]string{"user.account.update_profile"}, []string{"Update user profile for Okta"}, "User"},
	{2, "POST", func(g *sysGen) string { return "/api/v1/users/" + g.pick(g.userIDs) + "/lifecycle/deactivate" },
		[]string{"user.lifecycle.deactivate", "application.user_membership.remove"}, []string{"Deactivate Okta user", "Remove user from application membership"}, "User"},
	{5, "PUT", func(g *sysGen) string { return "/api/v1/groups/" + g.pick(g.groupIDs) + "/users/" + g.pick(g.userIDs) },
		[]string{"group.user_membership.add"}, []string{"Add user to group membership"}, "User"},
	{1, "POST", func(g *sysGen) string { return "/api/v1/apps/" + g.pick(g.appIDs) + "/lifecycle/activate" },
		[]string{"application.lifecycle.activate"}, []string{"Activate application"}, "User"},
	{5, "DELETE", func(*sysGen) string { return "/api/v1/sessions/me" },
		[]string{"user.session.end"}, []string{"User logout from Okta"}, "User"},
	{8, "POST", func(*sysGen) string { return "/idp/idx/identify" },
		[]string{"user.authentication.verify"}, []string{"Verify user identity"}, "User"},
	{4, "POST", func(g *sysGen) string { return "/app/" + g.pick(sysApps) + "/" + g.pick(g.appIDs) + "/sso/saml" },
		[]string{"user.authentication.sso"}, []string{"User single sign on to app"}, "User"},
}

// sysJobWeight is the weight of a background job event among sysCalls' weights.
const sysJobWeight = 3

var (
	sysApps     = []string{"salesforce", "slack", "github", "zoom", "workday", "atlassian"}
	sysFirst    = []string{"jane", "john", "maria", "wei", "amir", "olga", "kofi", "lena", "raj", "sofia", "tom", "yuki"}
	sysLast     = []string{"doe", "smith", "garcia", "chen", "khan", "ivanova", "mensah", "berg", "patel", "rossi", "brown", "sato"}
	sysCities   = [][4]string{{"Seattle", "Washington", "98101", "47.6062,-122.3321"}, {"Austin", "Texas", "73301", "30.2672,-97.7431"}, {"Chicago", "Illinois", "60601", "41.8781,-87.6298"}, {"Denver", "Colorado", "80202", "39.7392,-104.9903"}}
	sysASOrgs   = [][3]string{{"7922", "comcast", "comcast.net"}, {"701", "verizon", "verizon.net"}, {"16509", "amazon", "amazonaws.com"}, {"7018", "at&t", "att.net"}}
	sysBrowsers = [][3]string{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36", "Windows 10", "CHROME"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Mac OS X", "SAFARI"},
		{"okta-sdk-golang/2.20.0 golang/go1.22.5 linux/amd64", "Linux", "UNKNOWN"},
		{"okta-auth-js/7.7.0 okta-signin-widget-7.24.0", "Mac OS X", "CHROME"},
	}
)

// sysGen holds the random source and identifier pools of one run.
type sysGen struct {
	rng      *rand.Rand
	userIDs  []string
	groupIDs []string
	appIDs   []string
	factors  []string
	buf      []byte
}

func (g *sysGen) pick(pool []string) string { return pool[g.rng.IntN(len(pool))] }

// id returns prefix followed by n base-62 characters.
func (g *sysGen) id(prefix string, n int) string {
	const b62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := []byte(prefix)
	for range n {
		b = append(b, b62[g.rng.IntN(len(b62))])
	}
	return string(b)
}

func (g *sysGen) pool(prefix string, n int) []string {
	p := make([]string, n)
	for i := range p {
		p[i] = g.id(prefix, 17)
	}
	return p
}

// appendUUID appends a random version-4 UUID.
func (g *sysGen) appendUUID(b []byte) []byte {
	const hex = "0123456789abcdef"
	x, y := g.rng.Uint64(), g.rng.Uint64()
	for i := range 32 {
		switch i {
		case 8, 12, 16, 20:
			b = append(b, '-')
		}
		var d uint64
		if i < 16 {
			d = x >> (4 * i) & 15
		} else {
			d = y >> (4 * (i - 16)) & 15
		}
		switch i {
		case 12:
			d = 4
		case 16:
			d = 8 | d&3
		}
		b = append(b, hex[d])
	}
	return b
}

// sysEventFields are the parts of one event that vary.
type sysEventFields struct {
	t                  time.Time
	eventType, message string
	method, uri        string
	requestID          string
	txType             string
	actorType          string
	user               int // index into the user pool
	browser, city, as  int
	ip                 string
	outcome            string
	debugExtra         string // more debugData members, each `,"k":"v"`
	target             string // the target array
}

// sysLogWrite writes cfg.events events to cfg.path.
func sysLogWrite(cfg sysLogConfig) (sysLogStats, error) {
	var st sysLogStats
	f, err := os.Create(cfg.path)
	if err != nil {
		return st, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	g := &sysGen{rng: rand.New(rand.NewPCG(cfg.seed, 0x7379736c6f67))} // "syslog"
	g.userIDs, g.groupIDs, g.appIDs, g.factors = g.pool("00u", 5000), g.pool("00g", 300), g.pool("0oa", 80), g.pool("mbl", 2000)
	var cum []int
	sum := 0
	for _, c := range sysCalls {
		sum += c.weight
		cum = append(cum, sum)
	}
	sum += sysJobWeight

	// Events per second follow the access log's diurnal curve; the last second takes what is left.
	seconds := int64(cfg.days) * 86400
	var total float64
	for s := range int64(86400) {
		total += benchDiurnal(s)
	}
	perUnit := float64(cfg.events) / (total * float64(cfg.days))
	var acc float64
	var pending []byte // a re-delivery, written after the next event
	emit := func(b []byte) error {
		_, err := w.Write(b)
		st.Events++
		st.Bytes += int64(len(b))
		return err
	}
	for s := int64(0); s < seconds && st.Events < cfg.events; s++ {
		acc += benchDiurnal(s%86400) * perUnit
		if s == seconds-1 {
			acc = float64(cfg.events - st.Events)
		}
		base := cfg.start.Add(time.Duration(s) * time.Second)
		for acc >= 1 && st.Events < cfg.events {
			left := cfg.events - st.Events
			t := base.Add(time.Duration(g.rng.IntN(1000)) * time.Millisecond)
			x := g.rng.IntN(sum)
			var evs [][]byte
			if x >= cum[len(cum)-1] {
				evs = append(evs, g.jobEvent(t))
				st.NotARequest++
			} else if g.rng.IntN(2000) == 0 {
				b, uri := g.rateLimitEvent(t)
				evs = append(evs, b)
				st.RateLimit++
				if uri {
					st.Requests++
					st.Calls++
				} else {
					st.RateLimitNoURI++
				}
			} else {
				ci := 0
				for j, c := range cum {
					if x < c {
						ci = j
						break
					}
				}
				c := &sysCalls[ci]
				n := len(c.events)
				if int64(n) > left {
					n = int(left)
				}
				evs = g.call(c, t, n)
				st.Requests += int64(n)
				st.Calls++
			}
			for _, b := range evs {
				if err := emit(b); err != nil {
					f.Close()
					return st, err
				}
				acc--
				if pending != nil && st.Events < cfg.events {
					if err := emit(pending); err != nil {
						f.Close()
						return st, err
					}
					acc--
					st.Redelivered++
					if isRequestEvent(pending) {
						st.Requests++
					} else if isJobEvent(pending) {
						st.NotARequest++
					}
					pending = nil
				} else if g.rng.IntN(1000) < 3 && !isRateLimitEvent(b) {
					pending = append([]byte(nil), b...)
				}
			}
		}
	}
	if st.Events != cfg.events {
		f.Close()
		return st, fmt.Errorf("system log generator wrote %d events, want %d", st.Events, cfg.events)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return st, err
	}
	return st, f.Close()
}

// The kind of a written event, from the markers only the generator writes in that position.
func isRequestEvent(b []byte) bool { return bytes.Contains(b, []byte(`"requestUri":"`)) }
func isJobEvent(b []byte) bool     { return bytes.Contains(b, []byte(`"type":"JOB"`)) }
func isRateLimitEvent(b []byte) bool {
	return bytes.Contains(b, []byte(`"eventType":"system.org.rate_limit.`))
}

// call returns the first n events of one call of kind c at t.
func (g *sysGen) call(c *sysCall, t time.Time, n int) [][]byte {
	f := sysEventFields{method: c.method, uri: c.uri(g), requestID: g.requestID(), txType: "WEB",
		actorType: c.actor, user: g.rng.IntN(len(g.userIDs)), browser: g.rng.IntN(len(sysBrowsers)),
		city: g.rng.IntN(len(sysCities)), as: g.rng.IntN(len(sysASOrgs)), ip: g.ip(), outcome: "SUCCESS"}
	if g.rng.IntN(50) == 0 {
		f.outcome = "FAILURE"
	}
	f.target = g.userTarget(f.user)
	out := make([][]byte, 0, n)
	for i := range n {
		f.t, f.eventType, f.message = t.Add(time.Duration(i*(1+g.rng.IntN(4)))*time.Millisecond), c.events[i], c.message[i]
		out = append(out, g.event(&f))
	}
	return out
}

// jobEvent is an event of a background provisioning job: no requestUri, so not a request.
func (g *sysGen) jobEvent(t time.Time) []byte {
	f := sysEventFields{t: t, eventType: "application.provision.user.push_profile", message: "Push user profile to application",
		requestID: "", txType: "JOB", actorType: "User", user: g.rng.IntN(len(g.userIDs)), browser: 2,
		city: 0, as: 2, ip: g.ip(), outcome: "SUCCESS", debugExtra: `,"pushProfileFlowId":"` + g.id("flw", 17) + `"`}
	f.target = g.userTarget(f.user)
	return g.event(&f)
}

// rateLimitEvent is a rate-limit warning or violation naming the request URI that crossed the
// threshold, or a burst event naming none; uri says which.
func (g *sysGen) rateLimitEvent(t time.Time) (b []byte, uri bool) {
	f := sysEventFields{t: t, txType: "WEB", actorType: "User", user: g.rng.IntN(len(g.userIDs)), browser: 2,
		city: 0, as: 2, ip: g.ip(), outcome: "SUCCESS", requestID: g.requestID()}
	bucket := g.id("", 8)
	switch g.rng.IntN(3) {
	case 0:
		f.eventType, f.message, f.method, f.uri = "system.org.rate_limit.warning", "Rate limit warning", "GET", "/api/v1/users"
		f.debugExtra = `,"threshold":"600","timeSpan":"1","timeUnit":"MINUTES","warningPercent":"60","rateLimitScopeType":"ORG","rateLimitBucketUuid":"` + bucket + `"`
	case 1:
		f.eventType, f.message, f.method, f.uri = "system.org.rate_limit.violation", "Rate limit violation", "POST", "/api/v1/authn"
		f.debugExtra = `,"threshold":"600","timeSpan":"1","timeUnit":"MINUTES","rateLimitScopeType":"ORG","rateLimitBucketUuid":"` + bucket + `"`
	default:
		f.eventType, f.message = "system.org.rate_limit.burst", "Rate limit burst"
		f.debugExtra = `,"burstRateLimitBucketUuid":"` + bucket + `","burstRateLimitUrlPattern":"/api/v1/users/{id}","baseThreshold":"600","burstThreshold":"3000","timeSpan":"1","timeUnit":"MINUTES"`
	}
	pattern := f.uri
	if pattern == "" {
		pattern = "/api/v1/users/{id}"
	}
	f.target = `[{"id":"` + pattern + `","type":"URL Pattern","alternateId":"unknown","displayName":"unknown","detailEntry":null},{"id":"` + bucket + `","type":"Bucket Uuid","alternateId":"unknown","displayName":"unknown","detailEntry":null}]`
	return g.event(&f), f.uri != ""
}

// requestID returns an id shaped like Okta's request ids (27 characters, "X6hzz7TDy8EEslV80dmzRgAAApw").
func (g *sysGen) requestID() string { return g.id("", 22) + "AAA" + g.id("", 2) }

func (g *sysGen) ip() string {
	return "10." + strconv.Itoa(g.rng.IntN(4)) + "." + strconv.Itoa(g.rng.IntN(256)) + "." + strconv.Itoa(1+g.rng.IntN(254))
}

func (g *sysGen) login(u int) string {
	return sysFirst[u%len(sysFirst)] + "." + sysLast[u/len(sysFirst)%len(sysLast)] + strconv.Itoa(u) + "@example.com"
}

func (g *sysGen) userTarget(u int) string {
	return `[{"id":"` + g.userIDs[u] + `","type":"User","alternateId":"` + g.login(u) + `","displayName":"` +
		sysFirst[u%len(sysFirst)] + " " + sysLast[u/len(sysFirst)%len(sysLast)] + `","detailEntry":null}]`
}

// event renders one event as a JSON line, keys in the order Okta's API writes them.
func (g *sysGen) event(f *sysEventFields) []byte {
	b := g.buf[:0]
	u := f.user
	city, as, br := sysCities[f.city], sysASOrgs[f.as], sysBrowsers[f.browser]
	b = append(b, `{"actor":{"id":"`...)
	b = append(b, g.userIDs[u]...)
	b = append(b, `","type":"`...)
	b = append(b, f.actorType...)
	b = append(b, `","alternateId":"`...)
	b = append(b, g.login(u)...)
	b = append(b, `","displayName":"`...)
	b = append(b, sysFirst[u%len(sysFirst)]...)
	b = append(b, ' ')
	b = append(b, sysLast[u/len(sysFirst)%len(sysLast)]...)
	b = append(b, `","detailEntry":null},"client":{"userAgent":{"rawUserAgent":"`...)
	b = append(b, br[0]...)
	b = append(b, `","os":"`...)
	b = append(b, br[1]...)
	b = append(b, `","browser":"`...)
	b = append(b, br[2]...)
	b = append(b, `"},"zone":"null","device":"Computer","id":null,"ipAddress":"`...)
	b = append(b, f.ip...)
	b = append(b, `","geographicalContext":{"city":"`...)
	b = append(b, city[0]...)
	b = append(b, `","state":"`...)
	b = append(b, city[1]...)
	b = append(b, `","country":"United States","postalCode":"`...)
	b = append(b, city[2]...)
	lat, lon, _ := strings.Cut(city[3], ",")
	b = append(b, `","geolocation":{"lat":`...)
	b = append(b, lat...)
	b = append(b, `,"lon":`...)
	b = append(b, lon...)
	b = append(b, `}}},"device":null,"authenticationContext":{"authenticationProvider":null,"credentialProvider":null,"credentialType":null,"issuer":null,"interface":null,"authenticationStep":0,"externalSessionId":"`...)
	b = append(b, g.id("102", 22)...)
	b = append(b, `"},"displayMessage":"`...)
	b = append(b, f.message...)
	b = append(b, `","eventType":"`...)
	b = append(b, f.eventType...)
	b = append(b, `","outcome":{"result":"`...)
	b = append(b, f.outcome...)
	b = append(b, `","reason":null},"published":"`...)
	b = f.t.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
	b = append(b, `","securityContext":{"asNumber":`...)
	b = append(b, as[0]...)
	b = append(b, `,"asOrg":"`...)
	b = append(b, as[1]...)
	b = append(b, `","isp":"`...)
	b = append(b, as[1]...)
	b = append(b, `","domain":"`...)
	b = append(b, as[2]...)
	b = append(b, `","isProxy":false},"severity":"`...)
	if f.eventType != "" && f.eventType[0] == 's' {
		b = append(b, "WARN"...)
	} else {
		b = append(b, "INFO"...)
	}
	b = append(b, `","debugContext":{"debugData":{`...)
	if f.requestID != "" {
		b = append(b, `"requestId":"`...)
		b = append(b, f.requestID...)
		b = append(b, `","dtHash":"`...)
		b = append(b, g.id("", 32)...)
		b = append(b, '"')
	} else {
		b = append(b, `"dtHash":"`...)
		b = append(b, g.id("", 32)...)
		b = append(b, '"')
	}
	if f.uri != "" {
		b = append(b, `,"requestUri":"`...)
		b = append(b, f.uri...)
		b = append(b, `","url":"`...)
		b = append(b, f.uri...)
		b = append(b, `?","requestMethod":"`...)
		b = append(b, f.method...)
		b = append(b, '"')
	}
	b = append(b, f.debugExtra...)
	b = append(b, `}},"legacyEventType":null,"transaction":{"type":"`...)
	b = append(b, f.txType...)
	b = append(b, `","id":"`...)
	if f.requestID != "" {
		b = append(b, f.requestID...)
	} else {
		b = append(b, g.id("tx", 20)...)
	}
	b = append(b, `","detail":{}},"uuid":"`...)
	b = g.appendUUID(b)
	b = append(b, `","version":"0","request":{"ipChain":[{"ip":"`...)
	b = append(b, f.ip...)
	b = append(b, `","geographicalContext":null,"version":"V4","source":null}]},"target":`...)
	b = append(b, f.target...)
	b = append(b, "}\n"...)
	g.buf = b
	return append([]byte(nil), b...)
}

// runSysLogBench writes the System Log bench input and reports what it wrote to stderr.
func runSysLogBench(cfg sysLogConfig, stderr io.Writer) error {
	if err := os.MkdirAll(filepath.Dir(cfg.path), 0o755); err != nil {
		return err
	}
	st, err := sysLogWrite(cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "system log bench input: %d events (%d of requests, %d calls; %d job, %d rate-limit, %d re-delivered), %d bytes (%.0f per event), in %s\n",
		st.Events, st.Requests, st.Calls, st.NotARequest, st.RateLimit, st.Redelivered, st.Bytes, float64(st.Bytes)/float64(max(st.Events, 1)), cfg.path)
	return nil
}

// Command gen writes ratecard's bundled sample logs: synthetic nginx access logs of calls to an Okta
// org, as two egress proxies in different UTC offsets would have written them, with a few rate-limit
// events planted at known minutes and a few malformed lines sprinkled in.
//
// Run it from the repository root to regenerate the committed files:
//
//	go run ./samples/gen -out samples
//
// It writes, into the -out directory:
//
//   - okta-egress-eu.log.gz: the European proxy, timestamps in +0200, nginx "combined" format.
//   - okta-egress-us.log.gz: the US proxy, timestamps in -0700, "combined" plus two trailing fields
//     (an X-Forwarded-For in quotes and the request time in seconds), which ratecard must ignore.
//   - manifest.json: what was generated and what a correct analysis must find: line counts per file
//     and per malformed-line kind, per-bucket totals, fixed-minute and rolling-60-s peaks and minutes
//     near/over on the enterprise tier, and every planted event with its per-minute counts. The same
//     summary is printed to stderr. samples/README.md quotes these numbers.
//
// Flags: -out DIR (default: the samples directory this generator lives in), -days N (3), -start
// YYYY-MM-DD (the first UTC day, 2026-10-12), -seed N (1), -markdown (also print the README's tables
// to stdout). -bench-lines N switches to bench mode, which writes a month-sized input for make bench
// instead (see bench.go; -split K sets its number of parts). The output depends only on the flags (and the pinned klauspost/compress version): the
// random source is a PCG seeded with -seed, nothing reads the clock, and the gzip streams carry no
// name or modification time, so the same flags always give byte-identical files. The planted events
// are placed relative to -start (event times are "day D, hh:mm UTC"); events on days beyond -days are
// left out. After changing the generator, regenerate and refresh samples/README.md's tables from
// -markdown; go test ./samples/... fails until both are current.
//
// Traffic model, in short: each proxy carries a diurnal baseline (busiest in its own business hours)
// of browser sign-ins, an SSO portal backend (okta-sdk-golang), an API gateway (python-requests),
// JWT verifiers fetching public keys, service-to-service token requests, admin scripts (okta-sdk-python,
// curl) and a daily Terraform run. The US proxy also carries a SIEM poller of the System Log. On top of
// that come the planted events (see events below and samples/README.md). A request is logged with a
// 429 status when the requests of its bucket let through in the trailing 60 seconds (both proxies
// together) already reach the enterprise limit, as a sliding-window limiter would have answered.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// config holds the flags.
type config struct {
	out   string
	days  int
	start time.Time // a UTC midnight
	seed  uint64
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", defaultOut(), "directory to write the .log.gz files and manifest.json into")
	days := fs.Int("days", 3, "number of UTC days to generate (1-31)")
	start := fs.String("start", "2026-10-12", "first UTC day, YYYY-MM-DD")
	seed := fs.Uint64("seed", 1, "random seed")
	md := fs.Bool("markdown", false, "also print the manifest as the Markdown tables samples/README.md quotes, to stdout")
	benchLines := fs.Int64("bench-lines", 0, "bench mode: write N lines of month-sized input for make bench instead of the samples (see bench.go)")
	split := fs.Int("split", 8, "bench mode: number of parts the input is also cut into")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if *days < 1 || *days > 31 {
		return fmt.Errorf("%w: -days must be 1-31, got %d", errUsage, *days)
	}
	st, err := time.Parse("2006-01-02", *start)
	if err != nil {
		return fmt.Errorf("%w: -start: %v", errUsage, err)
	}
	if *benchLines > 0 {
		if *split < 1 {
			return fmt.Errorf("%w: -split must be at least 1", errUsage)
		}
		return runBench(benchConfig{out: *out, lines: *benchLines, days: *days, split: *split, start: st.UTC(), seed: *seed}, stderr)
	}
	cfg := config{out: *out, days: *days, start: st.UTC(), seed: *seed}

	g := newGen(cfg)
	g.generate()
	man := g.manifest()
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return err
	}
	for i, p := range g.proxies {
		n, err := g.writeFile(p, filepath.Join(cfg.out, p.file))
		if err != nil {
			return err
		}
		man.Files[i].GzipBytes = n
	}
	js, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	js = append(js, '\n')
	if err := os.WriteFile(filepath.Join(cfg.out, "manifest.json"), js, 0o644); err != nil {
		return err
	}
	printSummary(stderr, man)
	if *md {
		printMarkdown(stdout, man)
	}
	return nil
}

// defaultOut is the samples directory (the parent of this generator's source directory) when the
// source path is known, as it is under "go run"; otherwise "samples" below the working directory.
func defaultOut() string {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		dir := filepath.Dir(filepath.Dir(file))
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir
		}
	}
	return "samples"
}

// ---------------------------------------------------------------------------------------------
// Buckets (ids and enterprise limits from /work/shared/design.md; the limits only feed the manifest).

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

// ---------------------------------------------------------------------------------------------
// Line kinds.

type kind uint8

const (
	kRequest   kind = iota // an ordinary request
	kXSSAgent              // valid request with a script-injection user agent
	kXSSPath               // valid request with a script-injection path
	kBlank                 // empty line
	kTLS                   // TLS ClientHello sent to the plain-HTTP port, logged as escaped bytes, 400
	kDash408               // "-" request line, 408 (client opened a connection and sent nothing)
	kTruncated             // a line cut off inside its request line (as after a crash)
	kBadTime               // otherwise valid line with an impossible date (31/Sep)
	numKinds
)

var kindNames = [numKinds]string{
	"request", "xss-user-agent", "xss-path", "blank", "tls-handshake", "dash-request-408",
	"truncated", "impossible-timestamp",
}

var kindDesc = [numKinds]string{
	"ordinary request",
	`valid request whose user agent is "<script>alert(1)</script>"`,
	`valid request whose path holds </script><img src=x onerror=alert(1)> (percent-encoded once, raw once)`,
	"empty line",
	`TLS ClientHello on the plain-HTTP port: request "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", status 400`,
	`request line "-", status 408`,
	"line cut off in the middle of its request line (no closing quote, nothing after)",
	"otherwise valid line dated 31/Sep (no such day)",
}

// plantedKinds: how many of each special line kind to sprinkle in, over both files.
var plantedKinds = []struct {
	k kind
	n int
}{{kBlank, 3}, {kTLS, 4}, {kDash408, 3}, {kTruncated, 2}, {kBadTime, 2}, {kXSSAgent, 3}, {kXSSPath, 2}}

func (k kind) isRequest() bool { return k <= kXSSPath }

// ---------------------------------------------------------------------------------------------
// Records.

type rec struct {
	t      int64  // UTC unix seconds
	key    uint32 // random order within a second
	seq    int32  // creation order, the final tie-break
	proxy  uint8
	kind   kind
	bucket bucket
	event  int8 // index into gen.events, -1 for background traffic
	status int16
	bytes  int32
	ms     int32 // request time in milliseconds (US proxy only)
	ip     string
	xff    string
	method string
	target string
	ref    string
	ua     string
}

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
	wsum     float64
}

type client struct {
	ips     []string
	uas     []string
	browser bool // behind a load balancer on the US proxy (XFF = public address), sends a referer
}

type clients struct {
	browser, portal, apigw, jwt, svc, adminPy, adminCurl, terraform, sync, siem, laptop *client
}

type source struct {
	w  float64
	ep endpoint
	c  []*client
}

type gen struct {
	cfg        config
	rng        *rand.Rand
	start, end int64
	proxies    []*proxy
	recs       []rec
	events     []*event

	users   []string // Okta user ids
	logins  []string // percent-encoded logins, same index as users
	groups  []string
	apps    []string
	oidc    []string // OIDC client ids used in authorize requests
	factors []string
	public  []string // browser public addresses

	syncCursor int

	// Recently used users, groups, apps, factors and browser addresses: a user who signs in causes
	// several calls within minutes, so identifiers recur close together as in real logs.
	hotUsers, hotGroups, hotApps, hotFactors, hotIPs hot
	userSize, groupSize, appSize                     []int // response size of each object
}

// hot picks an index in [0, n): with probability reuse one of the last size picks, otherwise a
// fresh uniform one, which then joins the ring.
type hot struct {
	ring  []int
	next  int
	size  int
	reuse float64
}

func (g *gen) hotPick(h *hot, n int) int {
	if len(h.ring) > 0 && g.chance(h.reuse) {
		return h.ring[g.rng.IntN(len(h.ring))]
	}
	i := g.rng.IntN(n)
	if len(h.ring) < h.size {
		h.ring = append(h.ring, i)
	} else {
		h.ring[h.next] = i
		h.next = (h.next + 1) % len(h.ring)
	}
	return i
}

func newGen(cfg config) *gen {
	g := &gen{
		cfg:   cfg,
		rng:   rand.New(rand.NewPCG(cfg.seed, 0x7261746563617264)), // "ratecard"
		start: cfg.start.Unix(),
	}
	g.end = g.start + int64(cfg.days)*86400
	g.pools()
	g.proxies = []*proxy{
		{idx: 0, name: "eu", file: "okta-egress-eu.log.gz", offset: 2 * 3600, human: 40, machine: 1},
		{idx: 1, name: "us", file: "okta-egress-us.log.gz", offset: -7 * 3600, human: 33, machine: 0.8, trailer: true},
	}
	for _, p := range g.proxies {
		p.zone = time.FixedZone(p.name, p.offset)
		g.setupClients(p)
	}
	return g
}

// ---------------------------------------------------------------------------------------------
// Pools of identifiers and clients.

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

func (g *gen) randStr(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = base62[g.rng.IntN(len(base62))]
	}
	return string(b)
}

var firstNames = strings.Fields(`jane john maria li ahmed sofia lucas emma noah olivia liam ava mateo
mia leon hanna arjun priya yuki kenji fatima omar elena ivan chloe hugo amelie felix lena jonas
sara david laura paul anna marco giulia pierre camille tom lucy ben grace sam nina alex kim chris
pat rosa diego ana carlos lea max julia tim eva`)

var lastNames = strings.Fields(`doe smith garcia muller rossi dubois kowalski novak silva santos
tanaka sato kim lee chen wang nguyen patel shah khan ali hansen berg johansson nielsen virtanen
schmidt weber fischer meyer wagner becker schulz hoffmann martin bernard thomas petit moreau
lefebvre brown jones miller davis wilson moore taylor anderson jackson white harris clark lewis
walker young king wright scott green baker adams`)

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

func ips(prefix string, hosts ...int) []string {
	out := make([]string, len(hosts))
	for i, h := range hosts {
		out[i] = prefix + strconv.Itoa(h)
	}
	return out
}

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

// ---------------------------------------------------------------------------------------------
// Endpoints: request line, bucket and a plausible response.

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

func (g *gen) pick(s []string) string { return s[g.rng.IntN(len(s))] }
func (g *gen) chance(p float64) bool  { return g.rng.Float64() < p }
func (g *gen) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

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

// ---------------------------------------------------------------------------------------------
// Background traffic.

// diurnal is the share of the peak rate at a fractional local hour: a night floor of 0.10, a
// morning and an afternoon hump with a shallow lunch dip between.
func diurnal(h float64) float64 {
	sq := func(x float64) float64 { return x * x }
	v := math.Exp(-sq((h-10)/2.5)) + 0.9*math.Exp(-sq((h-15)/2.5))
	return 0.10 + 0.90*math.Min(1, v)
}

func (g *gen) poisson(lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 40 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*g.rng.NormFloat64())))
	}
	l, k, prod := math.Exp(-lambda), 0, g.rng.Float64()
	for prod > l {
		k++
		prod *= g.rng.Float64()
	}
	return k
}

func (g *gen) background() {
	for _, p := range g.proxies {
		for m := g.start; m < g.end; m += 60 {
			local := time.Unix(m, 0).In(p.zone)
			h := float64(local.Hour()) + float64(local.Minute())/60
			lam := p.human * diurnal(h)
			if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
				lam *= 0.3
			}
			for range g.poisson(lam) {
				x := g.rng.Float64() * p.wsum
				s := p.sources[len(p.sources)-1]
				for _, c := range p.sources {
					if x < c.w {
						s = c
						break
					}
					x -= c.w
				}
				g.add(p, m+g.rng.Int64N(60), s.ep, g.pickClient(s.c), -1)
			}
			for _, s := range p.msources {
				for range g.poisson(s.w * p.machine) {
					g.add(p, m+g.rng.Int64N(60), s.ep, g.pickClient(s.c), -1)
				}
			}
		}
	}
	g.terraformRuns()
	g.siemPolls()
}

func (g *gen) pickClient(cs []*client) *client { return cs[g.rng.IntN(len(cs))] }

// terraformRuns: a scheduled "terraform plan" at 05:30 UTC every day through the EU proxy, reading
// groups, apps and policies for about 90 seconds.
func (g *gen) terraformRuns() {
	p := g.proxies[0]
	c := p.clients.terraform
	plan := []struct {
		ep endpoint
		n  int
	}{{epGroups, 6}, {epGroupByID, 45}, {epApps, 3}, {epAppByID, 35}, {epAppGroups, 20}, {epPolicies, 8}, {epClients, 6}}
	for d := g.start; d < g.end; d += 86400 {
		t0 := d + 5*3600 + 30*60 + int64(g.between(0, 20))
		for _, s := range plan {
			for range s.n {
				g.add(p, t0+g.rng.Int64N(90), s.ep, c, -1)
			}
		}
	}
}

// siemPolls: the SIEM poller on the US proxy asks for new System Log events once a minute, except
// while the collector was down (see the siem-catch-up event, which replaces its polls).
func (g *gen) siemPolls() {
	p := g.proxies[1]
	var down []*event
	for _, e := range g.events {
		if e.bucket == bLogs {
			down = append(down, e)
		}
	}
	for m := g.start; m < g.end; m += 60 {
		skip := false
		for _, e := range down {
			if m >= e.outageFrom && m < e.to {
				skip = true
			}
		}
		if skip {
			continue
		}
		g.add(p, m+7+g.rng.Int64N(3), epLogs, p.clients.siem, -1)
	}
}

// ---------------------------------------------------------------------------------------------
// Planted events.

type event struct {
	ID, Title, What string
	bucket          bucket
	proxies         []int     // indexes into gen.proxies
	share           []float64 // probability of each proxy
	from, to        int64     // active span [from, to)
	outageFrom      int64     // siem only: the poller is silent from here until to
	targets         []target  // per-minute total counts of the bucket, both proxies together
	emit            func(g *gen, p *proxy, t int64, i int) *rec
	planted         []int // per target minute: records added
}

type target struct {
	minute int64
	total  int
}

// day returns the unix second of day d at hh:mm UTC.
func (g *gen) day(d int, hh, mm int) int64 { return g.start + int64(d)*86400 + int64(hh*3600+mm*60) }

func (g *gen) defineEvents() {
	add := func(e *event) {
		if e.from >= g.start && e.to <= g.end {
			g.events = append(g.events, e)
		}
	}
	tgt := func(from int64, ranges ...[2]int) []target {
		out := make([]target, len(ranges))
		for i, r := range ranges {
			out[i] = target{minute: from/60*60 + int64(i)*60, total: g.between(r[0], r[1])}
		}
		return out
	}
	syncEmit := func(g *gen, p *proxy, t int64, i int) *rec {
		u := g.syncCursor % len(g.users)
		g.syncCursor++
		ep := epUserGetLogin
		if g.chance(0.3) {
			ep = epUserGetID
		}
		r := g.add(p, t, ep, p.clients.sync, -1)
		// The sync walks the directory in order rather than picking users at random.
		if ep == epUserGetLogin {
			r.target = "/api/v1/users/" + g.logins[u]
		} else {
			r.target = "/api/v1/users/" + g.users[u]
		}
		if r.status == 200 {
			r.bytes = int32(g.userSize[u])
		}
		return r
	}

	// a. Nightly HR sync at 01:10 UTC. Night 0: five minutes near the users-get limit, EU worker only.
	// Night 1: the sync is sharded over a second worker behind the US proxy and, together, goes over
	// for two minutes (each proxy alone stays under 600). Later nights: an ordinary small run.
	for d := range g.cfg.days {
		e := &event{bucket: bUsersGet, emit: syncEmit}
		switch d {
		case 0:
			e.ID = "a-users-sync-near"
			e.Title = "Nightly HR sync near the users-get limit"
			e.What = "hr-sync (GET /api/v1/users/{idOrLogin}) from the EU worker 10.20.4.7, ~700/min for 5 minutes"
			e.proxies, e.share = []int{0}, []float64{1}
			e.from, e.to = g.day(d, 1, 10), g.day(d, 1, 15)
			e.targets = tgt(e.from, [2]int{690, 720}, [2]int{690, 720}, [2]int{690, 720}, [2]int{690, 720}, [2]int{690, 720})
		case 1:
			e.ID = "a-users-sync-over"
			e.Title = "Nightly HR sync over the users-get limit, split across both proxies"
			e.What = "hr-sync sharded over two workers, 10.20.4.7 (EU proxy) and 10.40.4.7 (US proxy), about half each: " +
				"ramp-up from 01:10:20, two minutes at ~1,050-1,100, done at 01:13:20; only the merged files are over"
			e.proxies, e.share = []int{0, 1}, []float64{0.5, 0.5}
			e.from, e.to = g.day(d, 1, 10)+20, g.day(d, 1, 13)+20
			e.targets = tgt(e.from, [2]int{440, 480}, [2]int{1055, 1095}, [2]int{1055, 1095}, [2]int{330, 370})
		default:
			e.ID = fmt.Sprintf("users-sync-day%d", d)
			e.Title = "Ordinary nightly HR sync (background, ok)"
			e.What = "hr-sync from the EU worker, ~250/min for 3 minutes"
			e.proxies, e.share = []int{0}, []float64{1}
			e.from, e.to = g.day(d, 1, 10), g.day(d, 1, 13)
			e.targets = tgt(e.from, [2]int{230, 270}, [2]int{230, 270}, [2]int{230, 270})
		}
		add(e)
	}

	// b. Login storm on day 1 at 09:00 local in Europe: every browser session was revoked overnight
	// and the SSO portal's PKCE token exchanges pile up.
	add(&event{
		ID: "b-login-storm", Title: "Morning login storm on the custom authorization server's token endpoint",
		What:   "POST /oauth2/default/v1/token from browsers through the EU proxy (09:00 local, sessions revoked overnight); ~800-900/min for 4 minutes",
		bucket: bOAuth2Custom, proxies: []int{0}, share: []float64{1},
		from: g.day(1, 7, 0), to: g.day(1, 7, 6),
		targets: tgt(g.day(1, 7, 0), [2]int{540, 580}, [2]int{800, 830}, [2]int{860, 890}, [2]int{840, 870},
			[2]int{790, 810}, [2]int{500, 540}),
		emit: func(g *gen, p *proxy, t int64, i int) *rec {
			return g.add(p, t, epTokenCustom, p.clients.browser, -1)
		},
	})

	// c. An admin's script lists the users of every app, 16:59:30-17:00:30 UTC on day 2 (09:59 in the
	// US), straddling the minute boundary.
	c := &event{
		ID: "c-apps-straddle", Title: "Apps burst straddling a minute boundary",
		What:   "okta-sdk-python from an admin laptop (10.40.3.17) through the US proxy: GET /api/v1/apps/{id}/users for every app, ~70 in the last 30 s of 16:59 and ~70 in the first 30 s of 17:00",
		bucket: bApps, proxies: []int{1}, share: []float64{1},
		from: g.day(2, 16, 59) + 30, to: g.day(2, 17, 0) + 30,
		targets: tgt(g.day(2, 16, 59), [2]int{70, 74}, [2]int{70, 74}),
	}
	c.emit = func(g *gen, p *proxy, t int64, i int) *rec {
		r := g.add(p, t, epAppUsers, p.clients.laptop, -1)
		r.target = "/api/v1/apps/" + g.apps[i%len(g.apps)] + "/users?limit=500"
		return r
	}
	add(c)

	// d. The SIEM collector was down from 13:40 to 15:00 UTC on day 0 and catches up, paging through
	// the System Log at ~40 requests a minute for 45 minutes.
	siem := &event{
		ID: "d-siem-catch-up", Title: "SIEM poller catching up on the System Log",
		What:   "siem-poller (10.40.8.20) through the US proxy: silent 13:40-15:00 UTC, then pages GET /api/v1/logs?after=... at ~40/min for 45 minutes",
		bucket: bLogs, proxies: []int{1}, share: []float64{1},
		outageFrom: g.day(0, 13, 40), from: g.day(0, 15, 0), to: g.day(0, 15, 45),
	}
	for i := range 45 {
		siem.targets = append(siem.targets, target{minute: siem.from + int64(i)*60, total: g.between(37, 42)})
	}
	cursor := (g.day(0, 13, 39) + 7) * 1000
	siem.emit = func(g *gen, p *proxy, t int64, i int) *rec {
		r := g.add(p, t, epLogs, p.clients.siem, -1)
		cursor += int64(g.between(3600, 4600)) // a page of 1,000 events covers a few seconds
		r.target = "/api/v1/logs?after=" + strconv.FormatInt(cursor, 10) + "_1&limit=1000&sortOrder=ASCENDING"
		r.bytes = int32(g.between(610000, 905000))
		r.ms = g.latency(0.9)
		return r
	}
	add(siem)
}

// plant adds each event's requests, after the background, so that each target minute's bucket total
// (background included, both proxies) is exactly the target. Requests are spread evenly (stratified)
// over the part of the minute the event is active.
func (g *gen) plant() {
	for ei, e := range g.events {
		base := map[int64]int{}
		for i := range g.recs {
			r := &g.recs[i]
			if r.kind.isRequest() && r.bucket == e.bucket {
				base[r.t/60*60]++
			}
		}
		k := 0
		for _, tg := range e.targets {
			lo, hi := max(tg.minute, e.from), min(tg.minute+60, e.to)
			n := max(0, tg.total-base[tg.minute])
			e.planted = append(e.planted, n)
			for i := range n {
				t := lo + int64((float64(i)+g.rng.Float64())*float64(hi-lo)/float64(n))
				pi := e.proxies[0]
				if len(e.proxies) > 1 {
					x := g.rng.Float64()
					for j, s := range e.share {
						if x < s || j == len(e.share)-1 {
							pi = e.proxies[j]
							break
						}
						x -= s
					}
				}
				r := e.emit(g, g.proxies[pi], t, k)
				r.event = int8(ei)
				k++
			}
		}
	}
}

// special sprinkles the malformed and hostile lines over the range, alternating proxies.
func (g *gen) special() {
	for ki, pk := range plantedKinds {
		for i := range pk.n {
			p := g.proxies[(ki+i)%2]
			t := g.start + g.rng.Int64N(g.end-g.start)
			var r *rec
			switch pk.k {
			case kXSSAgent:
				ep := []endpoint{epGroups, epLoginPage}[i%2]
				r = g.add(p, t, ep, p.clients.adminCurl, -1)
				r.ua = "<script>alert(1)</script>"
			case kXSSPath:
				r = g.add(p, t, epLoginPage, p.clients.browser, -1)
				if i%2 == 0 {
					r.target = "/login/%3C%2Fscript%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"
				} else {
					r.target = "/login/</script><img%20src=x%20onerror=alert(1)>"
				}
				r.status, r.bytes = 404, 4120
			case kTruncated:
				r = g.add(p, t, epAuthorize, p.clients.browser, -1)
			case kBadTime:
				r = g.add(p, t, epSessionsMe, p.clients.browser, -1)
			default:
				r = g.add(p, t, epFavicon, p.clients.browser, -1)
				r.xff = "-"
				r.method, r.target, r.ua, r.ref, r.bytes = "", "", "-", "-", 0
				r.ms = int32(g.between(1, 3))
				if pk.k == kDash408 {
					r.status, r.ms = 408, 60000
				} else {
					r.status, r.bytes = 400, 157
				}
			}
			r.kind = pk.k
		}
	}
}

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

func (g *gen) generate() {
	g.defineEvents()
	g.background()
	g.plant()
	g.special()
	slices.SortFunc(g.recs, func(a, b rec) int {
		switch {
		case a.t != b.t:
			return cmp64(a.t, b.t)
		case a.key != b.key:
			return cmp64(int64(a.key), int64(b.key))
		}
		return cmp64(int64(a.seq), int64(b.seq))
	})
	g.throttle()
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ---------------------------------------------------------------------------------------------
// Output.

const clfLayout = "02/Jan/2006:15:04:05 -0700"

func (g *gen) render(buf []byte, p *proxy, r *rec) []byte {
	if r.kind == kBlank {
		return append(buf, '\n')
	}
	start := len(buf)
	ts := time.Unix(r.t, 0).In(p.zone).Format(clfLayout)
	if r.kind == kBadTime {
		ts = "31/Sep/" + ts[7:]
	}
	buf = append(buf, r.ip...)
	buf = append(buf, " - - ["...)
	buf = append(buf, ts...)
	buf = append(buf, "] \""...)
	reqStart := len(buf)
	switch r.kind {
	case kTLS:
		buf = append(buf, `\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03`...)
	case kDash408:
		buf = append(buf, '-')
	default:
		buf = append(buf, r.method...)
		buf = append(buf, ' ')
		buf = append(buf, r.target...)
		buf = append(buf, " HTTP/1.1"...)
	}
	reqEnd := len(buf)
	buf = append(buf, "\" "...)
	buf = strconv.AppendInt(buf, int64(r.status), 10)
	buf = append(buf, ' ')
	buf = strconv.AppendInt(buf, int64(r.bytes), 10)
	buf = append(buf, " \""...)
	buf = append(buf, r.ref...)
	buf = append(buf, "\" \""...)
	buf = append(buf, r.ua...)
	buf = append(buf, '"')
	if p.trailer {
		buf = append(buf, " \""...)
		buf = append(buf, r.xff...)
		buf = append(buf, "\" "...)
		buf = strconv.AppendInt(buf, int64(r.ms/1000), 10)
		buf = append(buf, '.')
		buf = append(buf, byte('0'+r.ms/100%10), byte('0'+r.ms/10%10), byte('0'+r.ms%10))
	}
	if r.kind == kTruncated {
		// Cut the line in half, or in the middle of the request line if half falls outside it, so
		// the quote around the request is never closed.
		cut := start + (len(buf)-start)/2
		if cut <= reqStart || cut >= reqEnd {
			cut = reqStart + (reqEnd-reqStart)/2
		}
		buf = buf[:cut]
	}
	return append(buf, '\n')
}

// writeFile writes proxy p's lines, gzipped, and returns the compressed size.
func (g *gen) writeFile(p *proxy, path string) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	cw := &countWriter{w: f}
	bw := bufio.NewWriterSize(cw, 1<<16)
	zw, err := gzip.NewWriterLevel(bw, gzip.BestCompression)
	if err != nil {
		f.Close()
		return 0, err
	}
	// No file name and a modification time of 0 ("none"), so the bytes are reproducible. The field
	// must be set: klauspost's writer stores a zero time.Time as a bogus date.
	zw.ModTime = time.Unix(0, 0)
	var buf []byte
	for i := range g.recs {
		r := &g.recs[i]
		if r.proxy != p.idx {
			continue
		}
		buf = g.render(buf, p, r)
		if len(buf) >= 1<<16 {
			if _, err := zw.Write(buf); err != nil {
				f.Close()
				return 0, err
			}
			buf = buf[:0]
		}
	}
	if _, err := zw.Write(buf); err != nil {
		f.Close()
		return 0, err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	return cw.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// ---------------------------------------------------------------------------------------------
// Manifest: the expected results, computed from the generated records.

type Manifest struct {
	Generator  string         `json:"generator"`
	Command    string         `json:"command"`
	Seed       uint64         `json:"seed"`
	Start      string         `json:"start"`
	Days       int            `json:"days"`
	Window     Window         `json:"window"`
	Tier       string         `json:"tier"`
	Warn       int            `json:"warn_percent"`
	Files      []FileInfo     `json:"files"`
	Totals     Totals         `json:"totals"`
	LineKinds  []KindInfo     `json:"line_kinds"`
	Buckets    []BucketStats  `json:"buckets"`
	Events     []EventInfo    `json:"events"`
	Status429  map[string]int `json:"status_429_by_bucket"`
	OverOrNear []string       `json:"enterprise_near_or_over"`
}

type Window struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type FileInfo struct {
	Name      string         `json:"name"`
	Proxy     string         `json:"proxy"`
	Offset    string         `json:"utc_offset"`
	Format    string         `json:"format"`
	Lines     int            `json:"lines"`
	Requests  int            `json:"requests"`
	Skipped   int            `json:"not_requests"`
	Kinds     map[string]int `json:"kinds"`
	First     string         `json:"first_request_utc"`
	Last      string         `json:"last_request_utc"`
	GzipBytes int64          `json:"gzip_bytes"`
}

type Totals struct {
	Lines          int `json:"lines"`
	Requests       int `json:"requests"`
	NotRequests    int `json:"not_requests"`
	PublicMetadata int `json:"public_metadata"`
	OutsideCatalog int `json:"outside_catalog"`
}

type KindInfo struct {
	Kind        string `json:"kind"`
	Description string `json:"description"`
	Request     bool   `json:"is_request"`
	EU          int    `json:"eu"`
	US          int    `json:"us"`
}

type Peak struct {
	Count  int    `json:"count"`
	Minute string `json:"minute,omitempty"`
	Start  string `json:"start,omitempty"`
}

type BucketStats struct {
	ID          string `json:"id"`
	Limit       int    `json:"enterprise_limit,omitempty"`
	Requests    int    `json:"requests"`
	Peak        Peak   `json:"peak"`
	Rolling     Peak   `json:"rolling_peak"`
	MinutesNear int    `json:"minutes_near"`
	MinutesOver int    `json:"minutes_over"`
	Status      string `json:"status,omitempty"`
	RollStatus  string `json:"rolling_status,omitempty"`
}

type EventInfo struct {
	ID       string       `json:"id"`
	Title    string       `json:"title"`
	What     string       `json:"what"`
	Bucket   string       `json:"bucket"`
	Limit    int          `json:"enterprise_limit"`
	Proxies  []string     `json:"proxies"`
	From     string       `json:"from"`
	To       string       `json:"to"`
	Minutes  []MinuteInfo `json:"minutes"`
	Rolling  Peak         `json:"rolling_peak"`
	Verdict  string       `json:"minute_verdict"`
	RVerdict string       `json:"rolling_verdict"`
}

type MinuteInfo struct {
	Minute  string `json:"minute"`
	Count   int    `json:"count"`
	EU      int    `json:"eu"`
	US      int    `json:"us"`
	Planted int    `json:"planted"`
	Status  string `json:"status"`
	S429    int    `json:"status_429"`
}

func utc(t int64) string { return time.Unix(t, 0).UTC().Format(time.RFC3339) }

func verdict(n, lim int) string {
	switch {
	case lim == 0:
		return ""
	case n > lim:
		return "over"
	case n*100 >= warnPercent*lim:
		return "near"
	}
	return "ok"
}

// rollingPeak returns the largest number of times in any [t, t+60) with t one of the times (sorted
// ascending), restricted to starts in [from, to); ties go to the earliest start.
func rollingPeak(ts []int64, from, to int64) (int, int64) {
	best, bestT, hi := 0, int64(0), 0
	for lo := 0; lo < len(ts); lo++ {
		if lo > 0 && ts[lo] == ts[lo-1] {
			continue
		}
		if ts[lo] < from || ts[lo] >= to {
			continue
		}
		hi = max(hi, lo)
		for hi < len(ts) && ts[hi] < ts[lo]+60 {
			hi++
		}
		if hi-lo > best {
			best, bestT = hi-lo, ts[lo]
		}
	}
	return best, bestT
}

func (g *gen) manifest() *Manifest {
	m := &Manifest{
		Generator: "samples/gen", Command: "go run ./samples/gen -out samples",
		Seed: g.cfg.seed, Start: g.cfg.start.Format("2006-01-02"), Days: g.cfg.days,
		Window: Window{From: utc(g.start), To: utc(g.end)}, Tier: "enterprise", Warn: warnPercent,
		Status429: map[string]int{},
	}
	if g.cfg.seed != 1 || g.cfg.days != 3 || m.Start != "2026-10-12" {
		m.Command = fmt.Sprintf("go run ./samples/gen -out samples -days %d -start %s -seed %d", g.cfg.days, m.Start, g.cfg.seed)
	}
	var kinds [2][numKinds]int
	var times [numBuckets][]int64
	perMinute := make([]map[int64][3]int, numBuckets) // minute → total, eu, us
	for b := range perMinute {
		perMinute[b] = map[int64][3]int{}
	}
	first, last := [2]int64{-1, -1}, [2]int64{}
	for i := range g.recs {
		r := &g.recs[i]
		kinds[r.proxy][r.kind]++
		if !r.kind.isRequest() {
			continue
		}
		if first[r.proxy] < 0 {
			first[r.proxy] = r.t
		}
		last[r.proxy] = r.t
		times[r.bucket] = append(times[r.bucket], r.t)
		c := perMinute[r.bucket][r.t/60*60]
		c[0]++
		c[1+r.proxy]++
		perMinute[r.bucket][r.t/60*60] = c
		if r.status == 429 {
			m.Status429[bucketIDs[r.bucket]]++
		}
	}
	for pi, p := range g.proxies {
		fi := FileInfo{Name: p.file, Proxy: p.name, Offset: time.Unix(g.start, 0).In(p.zone).Format("-0700"),
			Format: "combined", Kinds: map[string]int{}, First: utc(first[pi]), Last: utc(last[pi])}
		if p.trailer {
			fi.Format = `combined + "X-Forwarded-For" + request time`
		}
		for k := range numKinds {
			n := kinds[pi][k]
			fi.Lines += n
			if kind(k).isRequest() {
				fi.Requests += n
			} else {
				fi.Skipped += n
			}
			if k != kRequest {
				fi.Kinds[kindNames[k]] = n
			}
		}
		m.Files = append(m.Files, fi)
		m.Totals.Lines += fi.Lines
		m.Totals.Requests += fi.Requests
		m.Totals.NotRequests += fi.Skipped
	}
	for k := kXSSAgent; k < numKinds; k++ {
		m.LineKinds = append(m.LineKinds, KindInfo{Kind: kindNames[k], Description: kindDesc[k],
			Request: k.isRequest(), EU: kinds[0][k], US: kinds[1][k]})
	}
	m.Totals.PublicMetadata = len(times[bPublicMetadata])
	m.Totals.OutsideCatalog = len(times[bOutsideCatalog])
	for b := range numBuckets {
		ts := times[b]
		if len(ts) == 0 || b >= bPublicMetadata {
			continue
		}
		lim := enterpriseLimit[b]
		bs := BucketStats{ID: bucketIDs[b], Limit: lim, Requests: len(ts)}
		minutes := make([]int64, 0, len(perMinute[b]))
		for mm := range perMinute[b] {
			minutes = append(minutes, mm)
		}
		slices.Sort(minutes)
		for _, mm := range minutes {
			n := perMinute[b][mm][0]
			if n > bs.Peak.Count {
				bs.Peak = Peak{Count: n, Minute: utc(mm)}
			}
			switch verdict(n, lim) {
			case "over":
				bs.MinutesOver++
			case "near":
				bs.MinutesNear++
			}
		}
		n, at := rollingPeak(ts, math.MinInt64, math.MaxInt64)
		bs.Rolling = Peak{Count: n, Start: utc(at)}
		bs.Status, bs.RollStatus = verdict(bs.Peak.Count, lim), verdict(n, lim)
		if bs.Status != "ok" || bs.RollStatus != "ok" {
			m.OverOrNear = append(m.OverOrNear, bs.ID)
		}
		m.Buckets = append(m.Buckets, bs)
	}
	for ei, e := range g.events {
		lim := enterpriseLimit[e.bucket]
		ev := EventInfo{ID: e.ID, Title: e.Title, What: e.What, Bucket: bucketIDs[e.bucket], Limit: lim,
			From: utc(e.from), To: utc(e.to)}
		for _, pi := range e.proxies {
			ev.Proxies = append(ev.Proxies, g.proxies[pi].name)
		}
		s429 := map[int64]int{}
		for i := range g.recs {
			if r := &g.recs[i]; int(r.event) == ei && r.status == 429 {
				s429[r.t/60*60]++
			}
		}
		peak := 0
		for i, tg := range e.targets {
			c := perMinute[e.bucket][tg.minute]
			ev.Minutes = append(ev.Minutes, MinuteInfo{Minute: utc(tg.minute), Count: c[0], EU: c[1], US: c[2],
				Planted: e.planted[i], Status: verdict(c[0], lim), S429: s429[tg.minute]})
			peak = max(peak, c[0])
		}
		n, at := rollingPeak(times[e.bucket], e.from-60, e.to)
		ev.Rolling = Peak{Count: n, Start: utc(at)}
		ev.Verdict, ev.RVerdict = verdict(peak, lim), verdict(n, lim)
		m.Events = append(m.Events, ev)
	}
	return m
}

func printSummary(w io.Writer, m *Manifest) {
	fmt.Fprintf(w, "ratecard samples: %s .. %s (UTC), seed %d\n", m.Window.From, m.Window.To, m.Seed)
	for _, f := range m.Files {
		fmt.Fprintf(w, "  %-24s %s  %7d lines  %7d requests  %3d not requests  %8d bytes gzip\n",
			f.Name, f.Offset, f.Lines, f.Requests, f.Skipped, f.GzipBytes)
	}
	fmt.Fprintf(w, "  total %d lines, %d requests (%d public metadata, %d outside catalog), %d not requests\n",
		m.Totals.Lines, m.Totals.Requests, m.Totals.PublicMetadata, m.Totals.OutsideCatalog, m.Totals.NotRequests)
	fmt.Fprintln(w, "line kinds (eu/us):")
	for _, k := range m.LineKinds {
		fmt.Fprintf(w, "  %-22s %d/%d\n", k.Kind, k.EU, k.US)
	}
	fmt.Fprintln(w, "buckets (enterprise):")
	for _, b := range m.Buckets {
		fmt.Fprintf(w, "  %-15s limit %4d  requests %6d  peak %4d @ %s  rolling %4d @ %s  near %d over %d  %s/%s\n",
			b.ID, b.Limit, b.Requests, b.Peak.Count, b.Peak.Minute, b.Rolling.Count, b.Rolling.Start,
			b.MinutesNear, b.MinutesOver, b.Status, b.RollStatus)
	}
	fmt.Fprintln(w, "events:")
	for _, e := range m.Events {
		fmt.Fprintf(w, "  %s [%s, limit %d, %s] %s .. %s  rolling %d @ %s  (%s/%s)\n", e.ID, e.Bucket, e.Limit,
			strings.Join(e.Proxies, "+"), e.From, e.To, e.Rolling.Count, e.Rolling.Start, e.Verdict, e.RVerdict)
		for _, mi := range e.Minutes {
			fmt.Fprintf(w, "    %s  %5d (eu %d, us %d; planted %d; 429s %d)  %s\n",
				mi.Minute, mi.Count, mi.EU, mi.US, mi.Planted, mi.S429, mi.Status)
		}
	}
	fmt.Fprintf(w, "429 responses: %s\n", format429(m.Status429))
}

// printMarkdown writes the tables samples/README.md quotes.
func printMarkdown(w io.Writer, m *Manifest) {
	fmt.Fprintln(w, "| file | UTC offset | lines | requests | not requests | gzip bytes |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|")
	var gz int64
	for _, f := range m.Files {
		fmt.Fprintf(w, "| `%s` | %s | %d | %d | %d | %d |\n", f.Name, f.Offset, f.Lines, f.Requests, f.Skipped, f.GzipBytes)
		gz += f.GzipBytes
	}
	fmt.Fprintf(w, "| both | | %d | %d | %d | %d |\n\n", m.Totals.Lines, m.Totals.Requests, m.Totals.NotRequests, gz)

	fmt.Fprintln(w, "| kind | eu | us | a request? | what |")
	fmt.Fprintln(w, "|---|---:|---:|---|---|")
	for _, k := range m.LineKinds {
		yes := "no"
		if k.Request {
			yes = "yes"
		}
		fmt.Fprintf(w, "| `%s` | %d | %d | %s | %s |\n", k.Kind, k.EU, k.US, yes,
			strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;").Replace(k.Description))
	}
	fmt.Fprintln(w)

	for _, e := range m.Events {
		fmt.Fprintf(w, "#### `%s`: %s\n\n", e.ID, e.Title)
		fmt.Fprintf(w, "Bucket `%s` (enterprise limit %d), proxies %s, active %s to %s. %s.\n\n",
			e.Bucket, e.Limit, strings.Join(e.Proxies, " + "), e.From, e.To, e.What)
		fmt.Fprintf(w, "| minute (UTC, %s) | count | eu | us | planted | 429s | verdict |\n", e.Minutes[0].Minute[:10])
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---|")
		for _, mi := range e.Minutes {
			fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %d | %s |\n", strings.TrimSuffix(mi.Minute[11:], ":00Z"),
				mi.Count, mi.EU, mi.US, mi.Planted, mi.S429, mi.Status)
		}
		fmt.Fprintf(w, "\nBy the minute: %s; rolling peak %d from %s: %s.\n\n", e.Verdict, e.Rolling.Count, e.Rolling.Start, e.RVerdict)
	}

	fmt.Fprintln(w, "| bucket | limit | requests | peak | peak minute | rolling peak | rolling from | minutes near | minutes over | status | rolling status |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|---:|---|---:|---:|---|---|")
	for _, b := range m.Buckets {
		fmt.Fprintf(w, "| `%s` | %d | %d | %d | %s | %d | %s | %d | %d | %s | %s |\n", b.ID, b.Limit, b.Requests,
			b.Peak.Count, b.Peak.Minute, b.Rolling.Count, b.Rolling.Start, b.MinutesNear, b.MinutesOver, b.Status, b.RollStatus)
	}
	fmt.Fprintf(w, "\nPublic metadata: %d requests; outside the catalog: %d requests. 429 responses: %s.\n",
		m.Totals.PublicMetadata, m.Totals.OutsideCatalog, format429(m.Status429))
}

func format429(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d in `%s`", m[k], k)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

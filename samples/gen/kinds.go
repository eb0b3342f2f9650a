package main

// The kinds of line the logs hold besides ordinary requests, and the malformed and hostile lines
// sprinkled over both files.

// kind is the kind of a log line: an ordinary request, or one of the special lines.
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

// kindNames are the kinds' names, as the manifest spells them.
var kindNames = [numKinds]string{
	"request", "xss-user-agent", "xss-path", "blank", "tls-handshake", "dash-request-408",
	"truncated", "impossible-timestamp",
}

// kindDesc describes what a line of each kind looks like, for the manifest.
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

// isRequest reports whether a line of kind k is a well-formed request that an analysis counts.
func (k kind) isRequest() bool { return k <= kXSSPath }

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

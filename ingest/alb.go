package ingest

import "bytes"

// The alb format: AWS Application Load Balancer access logs (one entry per line, as stored in S3):
//
//	https 2026-10-14T08:00:00.123456Z app/my-lb/50dc6c495c0c9188 192.0.2.1:46532 10.0.0.5:443 0.000 0.001 0.000 200 200 34 366 "GET https://acme.okta.com:443/api/v1/users HTTP/1.1" "okta-sdk-go/2.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:… "Root=1-…" "acme.okta.com" "arn:…" 0 2026-10-14T08:00:00.122000Z …
//
// The first field is the request type (http, https, h2, grpcs, ws, wss). The request is placed at
// request_creation_time (the 22nd field: when the load balancer received it); a line that ends
// before it, or has "-" or an impossible time there, is placed by the second field, the time the
// load balancer sent its response (see below; skipped as bad-timestamp when that is impossible too). The status is elb_status_code ("-" is 0); the client's port is
// dropped. The target is the request's URL as logged, usually absolute
// ("https://host:443/path?query"). Other fields are ignored.
//
// The request was in flight from request_creation_time to the second field (when the load
// balancer sent its response): its [Record.Duration] is their difference. A line placed at the
// second field has as its duration the sum of request_processing_time, target_processing_time and
// response_processing_time (a -1 among them counts 0; all three -1 is no duration), and is placed
// at that field minus the duration.
//
// The load balancers' connection records are well-formed lines that record no HTTP request, and are
// skipped as not-a-request: an ALB connection log line ("2026-10-14T08:00:00.123456Z 192.0.2.1 46532
// 443 TLSv1.2 ECDHE-… 4 …", which starts with its time) and a Network Load Balancer TLS access log
// line ("tls 2.0 2026-10-14T08:00:00 net/my-nlb/… …"). They sniff as alb, so a file of them alone
// reads as alb with no request.

var albTypes = [][]byte{[]byte("http"), []byte("https"), []byte("h2"), []byte("grpcs"), []byte("ws"), []byte("wss")}

func sniffALB(line []byte) bool {
	var rec Record
	reason := parseALB(line, &rec)
	return shapeOK(reason) || reason == ReasonNotARequest
}

// albFields is the number of fields of an ALB line read: up to request_creation_time.
const albFields = 22

func parseALB(line []byte, rec *Record) string {
	var f [albFields][]byte
	n := 0
	for i := 0; n < albFields; n++ {
		v, next, ok := nextField(line, i)
		if !ok && n < 14 {
			return ReasonMalformed
		}
		if !ok || next < 0 {
			break // the fields after the user agent are read only for request_creation_time
		}
		f[n], i = v, next
	}
	known := false
	for _, t := range albTypes {
		if bytes.Equal(f[0], t) {
			known = true
			break
		}
	}
	if !known || n < 14 || bytes.IndexByte(f[2], '/') < 0 {
		if isELBConnectionRecord(f[:n]) {
			return ReasonNotARequest
		}
		return ReasonMalformed
	}
	status, ok := parseStatus(f[8])
	if !ok {
		return ReasonMalformed
	}
	var t int64
	ok = false
	if n == albFields {
		t, ok = parseISOTime(f[21]) // request_creation_time
	}
	end, endOK := parseISOTime(f[1])
	dur := int64(-1)
	switch {
	case ok && endOK && end >= t:
		dur = end - t
	case !ok:
		if !endOK {
			return ReasonBadTimestamp
		}
		t, dur = end, albProcessing(f[5:8])
		if dur > 0 {
			t -= dur
		}
	}
	method, target, ok := splitRequestFast(f[12])
	if !ok {
		return ReasonBadRequest
	}
	client := f[3]
	if c := bytes.LastIndexByte(client, ':'); c > 0 {
		client = client[:c]
	}
	rec.setRequest(t, method, target, status, aliasString(client), f[13])
	rec.setDuration(dur)
	return ""
}

// albProcessing returns the sum of an ALB line's request_processing_time, target_processing_time
// and response_processing_time (seconds, "-1" when the load balancer could not dispatch the request
// or the connection closed: such a value counts 0), in microseconds; -1 when none of them is a
// duration.
func albProcessing(f [][]byte) int64 {
	sum := int64(-1)
	for _, v := range f {
		if d, ok := parseSeconds(v); ok {
			sum = max(sum, 0) + d
		}
	}
	return sum
}

// isELBConnectionRecord reports whether the fields are those of an ALB connection log line (time,
// client address, client port, listener port, TLS protocol…, at least 11 fields) or of a Network
// Load Balancer TLS access log line ("tls", a version such as "2.0", the time, …).
func isELBConnectionRecord(f [][]byte) bool {
	switch {
	case len(f) >= 11 && isDigits(f[2]) && isDigits(f[3]):
		_, ok := parseISOTime(f[0])
		return ok
	case len(f) >= 12 && string(f[0]) == "tls" && len(f[1]) == 3 && isDigit(f[1][0]) && f[1][1] == '.' && isDigit(f[1][2]):
		_, ok := parseISOTime(f[2])
		return ok
	}
	return false
}

// isDigits reports whether b is one or more ASCII digits.
func isDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return len(b) > 0
}

package ingest

import "bytes"

// The alb format: AWS Application Load Balancer access logs (one entry per line, as stored in S3):
//
//	https 2026-10-14T08:00:00.123456Z app/my-lb/50dc6c495c0c9188 192.0.2.1:46532 10.0.0.5:443 0.000 0.001 0.000 200 200 34 366 "GET https://acme.okta.com:443/api/v1/users HTTP/1.1" "okta-sdk-go/2.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:… "Root=1-…" "acme.okta.com" …
//
// The first field is the request type (http, https, h2, grpcs, ws, wss); the time is the response
// time in ISO 8601 UTC; the status is elb_status_code ("-" is 0); the client's port is dropped. The
// target is the request's URL as logged, usually absolute ("https://host:443/path?query"). Fields
// after the user agent are ignored.

var albTypes = [][]byte{[]byte("http"), []byte("https"), []byte("h2"), []byte("grpcs"), []byte("ws"), []byte("wss")}

func sniffALB(line []byte) bool {
	var rec Record
	return parseALB(line, &rec) == ""
}

func parseALB(line []byte, rec *Record) string {
	var f [14][]byte
	i := 0
	for k := range f {
		v, next, ok := nextField(line, i)
		if !ok || next < 0 {
			return ReasonMalformed
		}
		f[k], i = v, next
	}
	known := false
	for _, t := range albTypes {
		if bytes.Equal(f[0], t) {
			known = true
			break
		}
	}
	if !known || bytes.IndexByte(f[2], '/') < 0 {
		return ReasonMalformed
	}
	status, ok := parseStatus(f[8])
	if !ok {
		return ReasonMalformed
	}
	t, ok := parseISOTime(f[1])
	if !ok {
		return ReasonBadTimestamp
	}
	method, target, ok := splitRequestFast(f[12])
	if !ok {
		return ReasonBadRequest
	}
	client := f[3]
	if c := bytes.LastIndexByte(client, ':'); c > 0 {
		client = client[:c]
	}
	ua := f[13]
	if isDash(ua) {
		ua = nil
	}
	*rec = Record{
		Time:      t,
		Method:    aliasString(method),
		Target:    aliasString(target),
		Status:    status,
		Client:    aliasString(client),
		UserAgent: aliasString(ua),
		Line:      rec.Line,
	}
	return ""
}

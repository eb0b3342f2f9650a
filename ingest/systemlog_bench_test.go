package ingest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// sysLogBenchEvents returns n Okta System Log events of about 1.7 KB, one a line, shaped as Okta
// writes them (actor, client with its geography, authenticationContext, securityContext,
// request.ipChain, target…): two events per request (sharing requestId and transaction.id), with
// API token ids on a third of them, and every sixteenth event delivered twice.
func sysLogBenchEvents(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	hex := func(k int) string {
		const h = "0123456789abcdef"
		b := make([]byte, k)
		for i := range b {
			b[i] = h[rng.IntN(16)]
		}
		return string(b)
	}
	type ep struct{ uri, evA, evB, method string }
	eps := []ep{
		{"/api/v1/users/00u%07dabcdXYZ", "user.lifecycle.update", "user.account.update_profile", ""},
		{"/oauth2/v1/token", "app.oauth2.as.token.grant.access_token", "app.oauth2.token.grant.access_token", ""},
		{"/api/v1/groups/00g%07dabcdXYZ/users", "group.user_membership.add", "user.lifecycle.update", "PUT"},
		{"/api/v1/authn", "user.session.start", "policy.evaluate_sign_on", ""},
		{"/idp/idx/identify", "user.authentication.auth_via_mfa", "policy.evaluate_sign_on", ""},
	}
	uas := []string{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36",
		"okta-sdk-java/8.2.1 java/17.0.2 Linux/5.15.0", "Terraform/1.5.7 terraform-provider-okta/4.6.1"}
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var b bytes.Buffer
	var last string
	for i := 0; i < n; {
		e := eps[rng.IntN(len(eps))]
		id := rng.IntN(9_000_000)
		uri := e.uri
		if bytes.Contains([]byte(uri), []byte("%")) {
			uri = fmt.Sprintf(uri, id)
		}
		reqID := "X" + hex(26)
		ip := fmt.Sprintf("%d.%d.%d.%d", 11+rng.IntN(200), rng.IntN(256), rng.IntN(256), rng.IntN(256))
		tok := ""
		if rng.IntN(3) == 0 {
			tok = fmt.Sprintf(`"requestApiTokenId":"00T%07dabcdXYZ"`, rng.IntN(20))
		}
		method := ""
		if e.method != "" {
			method = `,"requestMethod":"` + e.method + `"`
		}
		at := base.Add(time.Duration(i) * 250 * time.Millisecond)
		for k, typ := range []string{e.evA, e.evB} {
			if i == n {
				break
			}
			line := fmt.Sprintf(`{"actor":{"id":"00u%07dabcdXYZ","type":"User","alternateId":"user%d@example.com","displayName":"User %d","detailEntry":null},`+
				`"client":{"userAgent":{"rawUserAgent":"%s","os":"Mac OS X","browser":"CHROME"},"zone":"null","device":"Computer","id":null,"ipAddress":"%s",`+
				`"geographicalContext":{"city":"Winnipeg","country":"Canada","state":"Manitoba","postalCode":"R2C","geolocation":{"lat":49.922,"lon":-96.965}}},`+
				`"device":null,"authenticationContext":{"authenticationProvider":null,"credentialProvider":null,"credentialType":null,"issuer":null,"interface":null,"authenticationStep":0,"externalSessionId":"idx%s"},`+
				`"displayMessage":"Event %s","eventType":"%s","outcome":{"result":"SUCCESS","reason":null},"published":"%s",`+
				`"securityContext":{"asNumber":13335,"asOrg":"cloudflare","isp":"cloudflare","domain":"example.net","isProxy":false},"severity":"INFO",`+
				`"debugContext":{"debugData":{"requestId":"%s","dtHash":"%s","requestUri":"%s","threatSuspected":"false","url":"%s?"%s}},`+
				`"legacyEventType":"core.%s","transaction":{"type":"WEB","id":"%s","detail":{%s}},"uuid":"%s-%s-11ef-%s-%s","version":"0",`+
				`"request":{"ipChain":[{"ip":"%s","geographicalContext":{"city":"Winnipeg","country":"Canada","state":"Manitoba","postalCode":"R2C","geolocation":{"lat":49.922,"lon":-96.965}},"version":"V4","source":null}]},`+
				`"target":[{"id":"00u%07dabcdXYZ","type":"User","alternateId":"user%d@example.com","displayName":"User %d","detailEntry":null}]}`,
				id, id, id, uas[rng.IntN(len(uas))], ip, hex(20), typ, typ, at.Add(time.Duration(k)*time.Millisecond).Format("2006-01-02T15:04:05.000Z"),
				reqID, hex(64), uri, uri, method, typ, reqID, tok, hex(8), hex(4), hex(4), hex(12), ip, id, id, id)
			b.WriteString(line + "\n")
			i++
			if rng.IntN(16) == 0 && last != "" && i < n {
				b.WriteString(last + "\n")
				i++
			}
			last = line
		}
	}
	return b.Bytes()
}

// BenchmarkSystemLogNDJSON reads Okta System Log NDJSON events of about 1.7 KB (sysLogBenchEvents)
// through a Reader, as one part of a file is read: bytes/s, events/s and allocations per event.
func BenchmarkSystemLogNDJSON(b *testing.B) {
	data := sysLogBenchEvents(20_000)
	lines := bytes.Count(data, []byte{'\n'})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r, err := NewReader(bytes.NewReader(data), "bench", Options{Format: "okta-ndjson"})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for r.Next() {
			n++
		}
		if st := r.Stats(); n != lines || st.Requests != int64(lines) {
			b.Fatalf("%d requests of %d lines: %+v", n, lines, st)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(0, "ns/op")
}

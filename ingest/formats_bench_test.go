package ingest

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
)

// benchFormat generates n lines of one format, request i at second i/40 after 2026-10-14 00:00 UTC.
func benchFormat(format string, n int) []byte {
	var b bytes.Buffer
	paths := []string{"/api/v1/users/00u%08x", "/oauth2/v1/token", "/api/v1/groups/00g%08x/users?limit=200", "/api/v1/authn", "/api/v1/logs?after=%d"}
	if format == "okta-array" {
		b.WriteString("[\n")
	}
	for i := range n {
		path := paths[i%len(paths)]
		if bytes.Contains([]byte(path), []byte("%")) {
			path = fmt.Sprintf(path, i*2654435761%1000003)
		}
		sec := i / 40
		h, m, s := sec/3600%24, sec/60%60, sec%60
		switch format {
		case "combined":
			fmt.Fprintf(&b, `10.0.%d.%d - - [14/Oct/2026:%02d:%02d:%02d +0000] "GET %s HTTP/1.1" 200 512 "-" "okta-sdk-go/2.0.3 golang/go1.22" "203.0.113.%d, 10.0.0.1" 0.041`+"\n",
				i%7, i%251, h, m, s, path, i%251)
		case "common":
			fmt.Fprintf(&b, `10.0.%d.%d - - [14/Oct/2026:%02d:%02d:%02d +0000] "GET %s HTTP/1.1" 200 512`+"\n", i%7, i%251, h, m, s, path)
		case "cloudflare":
			fmt.Fprintf(&b, `{"ClientIP":"10.0.%d.%d","ClientRequestHost":"acme.okta.com","ClientRequestMethod":"GET","ClientRequestURI":"%s","ClientRequestUserAgent":"okta-sdk-go/2.0.3","EdgeResponseStatus":200,"EdgeStartTimestamp":"2026-10-14T%02d:%02d:%02dZ","RayID":"7c5a1b2c3d4e5f60"}`+"\n",
				i%7, i%251, path, h, m, s)
		case "envoy":
			fmt.Fprintf(&b, `{"start_time":"2026-10-14T%02d:%02d:%02d.000Z","method":"GET","path":"%s","protocol":"HTTP/1.1","response_code":200,"response_flags":"-","bytes_received":0,"bytes_sent":512,"duration":41,"x_forwarded_for":"203.0.113.%d","user_agent":"okta-sdk-go/2.0.3","request_id":"r%d","authority":"acme.okta.com","upstream_host":"10.0.0.5:443","downstream_remote_address":"10.0.%d.%d:5000"}`+"\n",
				h, m, s, path, i%251, i, i%7, i%251)
		case "json":
			fmt.Fprintf(&b, `{"time":"2026-10-14T%02d:%02d:%02dZ","level":"info","method":"GET","path":"%s","status":200,"client":"10.0.%d.%d","user_agent":"okta-sdk-go/2.0.3","rate_limit_remaining":%d}`+"\n",
				h, m, s, path, i%7, i%251, 600-i%600)
		case "okta-csv":
			if i == 0 {
				b.WriteString("uuid,published,eventType,severity,client.ipAddress,client.userAgent.rawUserAgent,debugContext.debugData.requestId,debugContext.debugData.requestUri,transaction.type,transaction.id\n")
			}
			fmt.Fprintf(&b, "u%d,2026-10-14T%02d:%02d:%02d.000Z,user.session.start,INFO,10.0.%d.%d,okta-sdk-go/2.0.3,r%d,\"%s\",WEB,r%d\n",
				i, h, m, s, i%7, i%251, i, path, i)
		case "nginx":
			fmt.Fprintf(&b, `10.0.%d.%d - - [14/Oct/2026:%02d:%02d:%02d +0000] "GET %s HTTP/1.1" 200 512 "okta-sdk-go/2.0.3 golang/go1.22" 0.041 600 %d 1791936060`+"\n",
				i%7, i%251, h, m, s, path, 600-i%600)
		case "vhost_combined":
			fmt.Fprintf(&b, `acme.okta.com:443 10.0.%d.%d - - [14/Oct/2026:%02d:%02d:%02d +0000] "GET %s HTTP/1.1" 200 512 "-" "okta-sdk-go/2.0.3 golang/go1.22" 1234`+"\n",
				i%7, i%251, h, m, s, path)
		case "okta-ndjson", "okta-array":
			if format == "okta-array" && i > 0 {
				b.WriteString(",\n")
			}
			fmt.Fprintf(&b, `{"uuid":"u%d","published":"2026-10-14T%02d:%02d:%02d.000Z","eventType":"user.session.start","severity":"INFO","client":{"ipAddress":"10.0.%d.%d","userAgent":{"rawUserAgent":"okta-sdk-go/2.0.3","browser":"UNKNOWN","os":"Unknown"},"zone":"null"},"debugContext":{"debugData":{"requestId":"r%d","requestUri":"%s","url":"%s","dtHash":"53dd1a7513e0256eb13b9a47bb07ed61e8ca3d35fbdc36c909567a21a65a2b19"}},"transaction":{"type":"WEB","id":"r%d","detail":{}},"outcome":{"result":"SUCCESS"},"target":[]}`,
				i, h, m, s, i%7, i%251, i, path, path, i)
			if format == "okta-ndjson" {
				b.WriteByte('\n')
			}
		case "w3c":
			if i == 0 {
				b.WriteString("#Fields: " + w3cDefaultFields + "\n")
			}
			fmt.Fprintf(&b, "2026-10-14 %02d:%02d:%02d 10.0.0.5 GET %s - 443 - 10.0.%d.%d okta-sdk-go/2.0.3+golang/go1.22 - 200 0 0 41\n", h, m, s, path, i%7, i%251)
		case "alb":
			fmt.Fprintf(&b, `https 2026-10-14T%02d:%02d:%02d.123456Z app/okta-egress/50dc6c495c0c9188 10.0.%d.%d:46532 10.0.0.5:443 0.000 0.048 0.000 200 200 34 366 "GET https://acme.okta.com:443%s HTTP/1.1" "okta-sdk-go/2.0.3" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/t/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "acme.okta.com" "-" 0 2026-10-14T%02d:%02d:%02d.075000Z "forward" "-" "-" "10.0.0.5:443" "200" "-" "-"`+"\n",
				h, m, s, i%7, i%251, path, h, m, s)
		case "envoy-text":
			fmt.Fprintf(&b, `[2026-10-14T%02d:%02d:%02d.123Z] "GET %s HTTP/1.1" 200 - 0 512 41 40 "203.0.113.%d, 10.0.0.1" "okta-sdk-go/2.0.3" "6c5a1b2c-0000-4000-8000-%012d" "acme.okta.com" "10.0.0.5:443"`+"\n",
				h, m, s, path, i%251, i)
		case "haproxy":
			fmt.Fprintf(&b, `Oct 14 %02d:%02d:%02d lb1 haproxy[7]: 10.0.%d.%d:53332 [14/Oct/2026:%02d:%02d:%02d.143] okta_out~ okta/acme 0/0/7/145/152 200 1394 - - ---- 2/1/0/0/0 0/0 "GET %s HTTP/1.1"`+"\n",
				h, m, s, i%7, i%251, h, m, s, path)
		case "caddy":
			fmt.Fprintf(&b, `{"level":"info","ts":%d.5,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"10.0.%d.%d","proto":"HTTP/1.1","method":"GET","host":"acme.okta.com","uri":"%s","headers":{"User-Agent":["okta-sdk-go/2.0.3"]}},"status":200,"resp_headers":{"X-Rate-Limit-Remaining":["%d"]}}`+"\n",
				1791936000+sec, i%7, i%251, path, 600-i%600)
		}
	}
	if format == "okta-array" {
		b.WriteString("\n]\n")
	}
	return b.Bytes()
}

// benchOptions are the Options a format's benchmark input is read with.
func benchOptions(format string) Options {
	opt := Options{}
	if format == "nginx" {
		opt.LogFormat = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_user_agent" $request_time $upstream_http_x_rate_limit_limit $upstream_http_x_rate_limit_remaining $upstream_http_x_rate_limit_reset`
	}
	return opt
}

// TestBenchFormats: benchFormat writes input for every format of the table, which reads (sniffed,
// or selected by its options) as that format, one request per line.
func TestBenchFormats(t *testing.T) {
	const n = 200
	for _, format := range Formats() {
		data := benchFormat(format, n)
		got := readAll(t, newReader(t, data, benchOptions(format)))
		if got.format != format || len(got.recs) != n {
			t.Errorf("%s: benchmark input reads as %s, %d requests (want %d); stats %+v", format, got.format, len(got.recs), n, got.stats)
		}
	}
}

// BenchmarkReadFormats reads 100k lines of each format of the table from memory (plain), sniffed
// (or selected by LogFormat), and reports lines/s and allocs/line besides the usual figures; the
// combined one again with Options.ForwardedFor (combined+xff). BenchmarkReadCombined has the
// compressed variants of combined.
func BenchmarkReadFormats(b *testing.B) {
	const n = 100_000
	for _, format := range append(Formats(), "combined+xff") {
		name := format
		opt := benchOptions(format)
		if format == "combined+xff" {
			format, opt.ForwardedFor = "combined", true
		}
		data := benchFormat(format, n)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			var src bytes.Reader
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			for b.Loop() {
				src.Reset(data)
				r, err := NewReader(&src, "bench.log", opt)
				if err != nil {
					b.Fatal(err)
				}
				count := 0
				for r.Next() {
					count++
				}
				if count != n || r.Err() != nil || r.Format() != format {
					b.Fatalf("%s: %d records, err %v, stats %+v", r.Format(), count, r.Err(), r.Stats())
				}
				r.Close()
			}
			runtime.ReadMemStats(&ms1)
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/(float64(n)*float64(b.N)), "allocs/line")
		})
	}
}

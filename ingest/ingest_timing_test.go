package ingest

import (
	"bytes"
	"fmt"
	"testing"
)

// benchLines generates n realistic combined lines of traffic to an Okta org: a few clients and
// user agents, a mix of endpoints and ids, statuses, offsets and trailing X-Forwarded-For fields.
func benchLines(n int) []byte {
	paths := []string{
		"/api/v1/users/00u%08x", "/api/v1/users?search=profile.department%%20eq%%20%%22E%d%%22&limit=200",
		"/oauth2/v1/token", "/oauth2/aus%08x/v1/authorize?client_id=0oa1&response_type=code&state=%d",
		"/api/v1/groups/00g%08x/users?limit=200", "/api/v1/apps/0oa%08x", "/api/v1/logs?since=2026-10-14T00:00:00Z&after=%d",
		"/api/v1/authn", "/api/v1/sessions/me", "/.well-known/openid-configuration",
	}
	methods := []string{"GET", "GET", "POST", "GET", "GET", "GET", "GET", "POST", "DELETE", "GET"}
	agents := []string{
		"okta-sdk-java/8.2.1 java/17.0.9 Linux/5.15",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36",
		"okta-sdk-go/2.0.3 golang/go1.22 linux/amd64",
		"Terraform/1.9.5 (+https://www.terraform.io) okta/4.11.0",
	}
	var b bytes.Buffer
	for i := range n {
		k := i % len(paths)
		path := paths[k]
		if bytes.Contains([]byte(path), []byte("%")) {
			path = fmt.Sprintf(path, i*2654435761%1000003)
		}
		sec := i / 40 // ~40 requests per second
		fmt.Fprintf(&b, `10.%d.%d.%d - - [14/Oct/2026:%02d:%02d:%02d +0200] "%s %s HTTP/1.1" %d %d "-" "%s" "198.51.100.%d"`+"\n",
			i%7, i%13, i%251, 2+sec/3600%22, sec/60%60, sec%60, methods[k], path,
			[]int{200, 200, 200, 201, 204, 404, 429}[i%7], 100+i%9000, agents[i%len(agents)], i%200)
	}
	return b.Bytes()
}

// BenchmarkReadCombined reads ~100k combined lines from memory, plain, gzip- and zstd-compressed; lines/s
// is the figure to watch (the design asks for at least 2 M lines/s plain on one core).
func BenchmarkReadCombined(b *testing.B) {
	const n = 100_000
	plain := benchLines(n)
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"plain", plain},
		{"gzip", gzipMembers(b, plain)},
		{"zstd", zstdFrames(b, plain)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(plain))) // throughput of log text, decompressed
			var src bytes.Reader
			for b.Loop() {
				src.Reset(bc.data)
				r, err := NewReader(&src, "bench.log", Options{})
				if err != nil {
					b.Fatal(err)
				}
				count := 0
				for r.Next() {
					count++
				}
				if count != n || r.Err() != nil {
					b.Fatalf("%d records, err %v", count, r.Err())
				}
				r.Close()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

// BenchmarkParseLine measures the line parser alone.
func BenchmarkParseLine(b *testing.B) {
	lines := bytes.Split(bytes.TrimSuffix(benchLines(1000), []byte("\n")), []byte("\n"))
	var rec Record
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := parseLine("combined", lines[i%len(lines)], &rec); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

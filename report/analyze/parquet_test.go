package analyze

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
)

// TestParquetRequests checks that a Parquet file of requests, with nested columns mapped by --field,
// gives the analysis of the same requests as JSON lines: every row a line, the same buckets, peaks,
// callers, requests in flight and accounting (but the file's name and format).
func TestParquetRequests(t *testing.T) {
	dir := t.TempDir()
	ndjson, pq := filepath.Join(dir, "requests.ndjson"), filepath.Join(dir, "requests.parquet")
	rng := rand.New(rand.NewPCG(2, 7))
	var sb strings.Builder
	base := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	targets := []string{"/api/v1/users/00u1", "/api/v1/users", "/oauth2/default/v1/token", "/api/v1/apps", "/api/v1/logs?since=x"}
	for i := range 5000 {
		ts := base.Add(time.Duration(rng.IntN(1800_000)) * time.Millisecond)
		status := []int{200, 200, 429}[rng.IntN(3)]
		fmt.Fprintf(&sb, `{"ts":"%s","request":{"method":"%s","uri":"%s"},"status":%d,"client":{"ip":"10.0.0.%d"},"ua":"okta-sdk-java/8.%d","ms":%d}`+"\n",
			ts.Format("2006-01-02T15:04:05.000Z"), []string{"GET", "POST"}[i%2], targets[rng.IntN(len(targets))], status, rng.IntN(20), rng.IntN(3), rng.IntN(3000))
	}
	if err := os.WriteFile(ndjson, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := openDuckDB("")
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	if err := d.exec(context.Background(), `COPY (SELECT * FROM read_json('`+ndjson+`')) TO '`+pq+`' (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	opt := Options{Catalog: classify.Seed(), Tier: classify.DeveloperFree, WarnPercent: 60,
		Fields: map[string]string{"time": "ts", "method": "request.method", "target": "request.uri", "status": "status", "client": "client.ip", "user_agent": "ua", "duration_ms": "ms"}}
	want, err := Files(context.Background(), []string{ndjson}, opt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Files(context.Background(), []string{pq}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if f := got.Input.Files[0]; f.Format != "parquet" || f.Lines != 5000 || f.Requests != 5000 {
		t.Fatalf("parquet file read as %q: %d lines, %d requests", f.Format, f.Lines, f.Requests)
	}
	got.Input.Files[0].Path, got.Input.Files[0].Format = want.Input.Files[0].Path, want.Input.Files[0].Format
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the Parquet file's analysis differs from the JSON lines':\nparquet %+v %+v\njson    %+v %+v", got.Concurrency, got.ClientLimits, want.Concurrency, want.ClientLimits)
	}
	callers := 0
	for _, b := range want.Buckets {
		callers += len(b.Clients)
	}
	if len(want.Buckets) < 4 || callers == 0 || want.Input.Requests != 5000 || !want.Concurrency.Available || want.Concurrency.Requests != 5000 {
		t.Fatalf("the traffic missed a case: %d buckets, %d callers, %d requests, concurrency %+v", len(want.Buckets), callers, want.Input.Requests, want.Concurrency)
	}
	if DurationHint("parquet") == "" {
		t.Error("no hint of what to log for durations in Parquet logs")
	}
}

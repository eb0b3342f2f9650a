package analyze

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
)

// TestOktaEvents reads an access log and a System Log export side by side and checks that Okta's
// rate-limit events land on the right buckets with the logs' count for their minute.
func TestOktaEvents(t *testing.T) {
	dir := t.TempDir()
	var access strings.Builder
	for i := range 42 { // 42 GET /api/v1/logs in 08:00 UTC
		fmt.Fprintf(&access, "10.0.0.1 - - [14/Oct/2026:08:00:%02d +0000] \"GET /api/v1/logs?since=x HTTP/1.1\" 200 1 \"-\" \"siem/1\"\n", i)
	}
	accessPath := filepath.Join(dir, "access.log")
	if err := os.WriteFile(accessPath, []byte(access.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	events := `{"uuid":"e4","published":"2026-10-14T10:00:30.000+02:00","eventType":"system.org.rate_limit.warning","debugContext":{"debugData":{"requestUri":"/api/v1/logs","threshold":"50","timeSpan":"1","timeUnit":"MINUTES","warningPercent":"60"}},"target":[{"id":"/api/v1/logs","type":"URL Pattern"}],"transaction":{"type":"WEB","id":"234cf34e0081e025e1fe14224464bbd6"}}
{"uuid":"e5","published":"2026-10-14T08:05:03Z","eventType":"system.org.rate_limit.violation","debugContext":{"debugData":{"threshold":"1000","urlPattern":"/api/v1/users/{id}","requestUri":"/api/v1/users/00u1"}},"transaction":{"type":"WEB","id":"234cf34e0081e025e1fe14224464bbd7"}}
{"uuid":"e6","published":"2026-10-14T08:06:00Z","eventType":"system.org.rate_limit.warning","debugContext":{"debugData":{"threshold":"7","urlPattern":"/something/unknown"}},"transaction":{"type":"WEB","id":"234cf34e0081e025e1fe14224464bbd8"}}
`
	eventsPath := filepath.Join(dir, "systemlog.json")
	if err := os.WriteFile(eventsPath, []byte(events), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Files(context.Background(), []string{accessPath, eventsPath},
		Options{Catalog: classify.Seed(), Tier: classify.Enterprise, WarnPercent: 60})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != 3 {
		t.Fatalf("%d events, want 3: %+v", len(res.Events), res.Events)
	}
	w := res.Events[0]
	if w.Bucket != "logs" || w.Kind != "warning" || w.Threshold != 50 || w.Count != 43 || w.Limit != 50 ||
		!w.Time.Equal(time.Date(2026, 10, 14, 8, 0, 30, 0, time.UTC)) || w.File != eventsPath {
		t.Errorf("warning event %+v", w)
	}
	// (43: the 42 access-log requests and the request the warning event itself records.)
	// /api/v1/users/{id} is both users-get and users-update: the request URI decides, as a GET.
	if v := res.Events[1]; v.Bucket != "users-get" || v.Kind != "violation" || v.Count != 0 {
		t.Errorf("violation event %+v", v)
	}
	if u := res.Events[2]; u.Bucket != "" || u.Threshold != 7 {
		t.Errorf("unmatched event %+v", u)
	}
}

func TestPatternKey(t *testing.T) {
	for in, want := range map[string]string{
		"/api/v1/users/{idOrLogin}":          "/api/v1/users/*",
		"/api/v1/users/{id}/":                "/api/v1/users/*",
		"/api/v1/logs":                       "/api/v1/logs",
		"/api/v1/apps/*":                     "/api/v1/apps",
		"/oauth2/{authorizationServerId}/v1": "/oauth2/*/v1",
	} {
		if got := patternKey(in); got != want {
			t.Errorf("patternKey(%q) = %q, want %q", in, got, want)
		}
	}
	cat := classify.Seed()
	if b := bucketForEvent(cat, ingest.RateLimitEvent{URLPattern: "/api/v1/apps/{appId}"}); b == nil || b.ID != "apps-by-id" {
		t.Errorf("apps/{appId} -> %v", b)
	}
}

// TestEventThreshold checks that Okta's org events give a bucket its reported limit, and that
// operation and client events do not.
func TestEventThreshold(t *testing.T) {
	cat := classify.Seed()
	logs, _, _ := cat.BucketByID("logs")
	buckets := []report.BucketResult{{Bucket: logs}}
	events := []ingest.RateLimitEvent{
		{Type: "system.org.rate_limit.warning", URLPattern: "/api/v1/logs", Threshold: 50},
		{Type: "system.org.rate_limit.violation", URLPattern: "/api/v1/logs", Threshold: 120},
		{Type: "system.operation.rate_limit.violation", URLPattern: "/api/v1/logs", Threshold: 9999},
	}
	res := &report.Result{Buckets: buckets, Events: matchEvents(cat, classify.Enterprise, events, buckets)}
	setEventThresholds(res)
	if got := res.Buckets[0].EventThreshold; got != 120 {
		t.Errorf("event threshold %d, want 120", got)
	}
}

package analyze

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
	"github.com/ratecard/ratecard/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite report/testdata/*.result.json from the analyses here")

// TestFixtures analyses the traffic behind the Results that package report's golden tests render
// (report/testdata/*.result.json, read with package reporttest) and checks that the engine still
// computes exactly those Results; with -update it writes them.
func TestFixtures(t *testing.T) {
	testdata, err := filepath.Abs(filepath.Join("..", "testdata")) // systemLogTraffic changes directory
	if err != nil {
		t.Fatal(err)
	}
	for name, res := range map[string]*report.Result{
		"golden.result.json":    goldenTraffic(t),
		"request.result.json":   requestTraffic(t),
		"systemlog.result.json": systemLogTraffic(t),
	} {
		got, err := reporttest.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(testdata, name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("the analysis behind %s gives another Result; if the change is intended, run go test ./report/analyze -run TestFixtures -update, then go test ./report", path)
		}
		back, err := reporttest.Unmarshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := reporttest.Marshal(back); !bytes.Equal(again, want) {
			t.Errorf("%s does not survive a round trip through reporttest", path)
		}
	}
}

// goldenTraffic analyses a small fixed traffic pattern on Enterprise, with hostile strings in every
// place the input can put one (file name, skipped-line excerpt): users-get over its limit in one
// minute (1,096 at 08:23), apps near by the minute and over by the rolling peak (70 in each of the
// 30 seconds around 08:11), one orgs request, and one each to public metadata and outside the
// catalog.
func goldenTraffic(t *testing.T) *report.Result {
	t.Helper()
	cat := classify.Seed()
	id := func(s string) classify.Class {
		_, c, ok := cat.BucketByID(s)
		if !ok {
			t.Fatalf("no bucket %s", s)
		}
		return c
	}
	base := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC).UnixMicro()
	sec := int64(time.Second / time.Microsecond)
	var rq requestsOf
	for m := int64(0); m < 30; m++ {
		n := 10 + m
		if m == 23 {
			n = 1096
		}
		for i := int64(0); i < n; i++ {
			rq.add(base+m*60*sec+i*60*sec/n, id("users-get"))
		}
	}
	for i := int64(0); i < 70; i++ {
		rq.add(base+10*60*sec+30*sec+i*sec*4/10, id("apps"))
		rq.add(base+11*60*sec+i*sec*4/10, id("apps"))
	}
	rq.add(base+5*sec, id("orgs"))
	rq.add(base+6*sec, classify.PublicMetadata)
	rq.add(base+7*sec, classify.OutsideCatalog)
	requests := int64(len(rq.ts))
	file := `proxy-<script>alert("f")</script>.log`
	in := report.Input{
		Lines: requests + 2, Requests: requests, Skipped: 2,
		SkippedReasons: map[string]int64{ingest.ReasonMalformed: 1, ingest.ReasonBadRequest: 1},
		Files: []report.FileInput{{Path: file, Format: "combined", Lines: requests + 2, Requests: requests, Skipped: 2,
			SkippedReasons: map[string]int64{ingest.ReasonMalformed: 1, ingest.ReasonBadRequest: 1},
			First:          time.UnixMicro(base).UTC(), Last: time.UnixMicro(base + 30*60*sec - 1).UTC()}},
		Examples: []ingest.Skip{
			{File: file, Line: 7, Reason: ingest.ReasonMalformed, Excerpt: `10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "GET /api/v1/users/jane%40acme.com</script><img src=x onerror=alert(1)>`},
			{File: file, Line: 9, Reason: ingest.ReasonBadRequest, Excerpt: `10.0.0.1 - - [14/Oct/2026:10:00:00 +0200] "\x16\x03\x01" 400 0 "-" "<script>alert(2)</script>"`},
		},
	}
	src := newTestLive(t, false)
	rows := rq.rows()
	mustAdd(t, src, rows)
	res, err := analyze(context.Background(), src, cat, params{tier: classify.Enterprise, warn: 60}, in)
	if err != nil {
		t.Fatal(err)
	}
	withOther(t, res, cat, rows)
	return res
}

// withOther sets res.Other as a run of the same requests would: each request counted in the bucket of
// okta-2025 that its seed bucket's endpoint falls in there (its pattern, with its first method).
func withOther(t *testing.T, res *report.Result, cat *classify.Catalog, rows *rowBatch) {
	t.Helper()
	okta, err := classify.Load(classify.Other(cat.Name))
	if err != nil {
		t.Fatal(err)
	}
	counts := newOtherCounts()
	for i, cl := range rows.class[0] {
		other := uint8(cl)
		if b, ok := cat.Bucket(classify.Class(cl)); ok {
			method := "GET"
			if len(b.Methods) > 0 {
				method = b.Methods[0]
			}
			other = uint8(okta.Classify(method, b.Pattern))
		}
		counts.add(rows.ts[i], other)
	}
	res.Other = counts.result(okta)
}

// requestTraffic analyses generated traffic with known peaks on Enterprise (warning 60 %), for the
// evidence pack's tests:
//   - users-get (limit 1,000): 100 requests in each minute 08:00–08:29 except 1,200 at 08:23 (over);
//     the 08:23 minute comes 900 from client 10.0.0.7 with agent hr-sync (on okta-sdk-java), whose
//     OAuth app is principal 0oa1hrsyncapp0000000, 150 of them answered 429, and 300 from 192.0.2.9
//     with curl/8.0.1 under API token 00T1migrationtoken00, 50 answered 429; Okta's System Log has a warning
//     and a violation event for the bucket in that minute.
//   - authn (limit 600): 400 requests at 08:10 only (near by minute and rolling peak).
//   - groups (limit 600, not DynamicScale-eligible): 100 at 08:05 (ok; near only under a ×4 event).
//   - apps-by-id: 10 at 08:00 (ok under every scenario, so left out of the pack).
func requestTraffic(t *testing.T) *report.Result {
	t.Helper()
	cat := classify.Seed()
	paths := []string{"", "(other)"} // path template ids: one per bucket, its endpoint
	pathID := map[string]uint32{}
	base := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC).UnixMicro()
	r := &rowBatch{class: [][]uint8{nil}}
	// status429 of the next requests add makes are answered 429 (with X-Rate-Limit-Limit: 0 when
	// conc429); principal is their principal id; dur their duration, and flags their client-limited
	// endpoint.
	var status429 int64
	var principal uint32
	var conc429 bool
	dur, flags := int64(200_000), uint8(0)
	add := func(id string, minute, n int64, client uint64, agent uint32) {
		_, cl, ok := cat.BucketByID(id)
		if !ok {
			t.Fatalf("no bucket %s", id)
		}
		if _, ok := pathID[id]; !ok {
			b, _ := cat.Bucket(cl)
			pathID[id] = uint32(len(paths))
			paths = append(paths, b.Pattern)
		}
		for i := range n {
			r.ts = append(r.ts, base+minute*60_000_000+i*60_000_000/n)
			r.class[0] = append(r.class[0], uint8(cl))
			status := uint16(200)
			if i < status429 {
				status = 429
			}
			r.status, r.src, r.rl = append(r.status, status), append(r.src, 0), append(r.rl, 0)
			f := flags
			if status == 429 && conc429 {
				f |= flagConc429
			}
			r.dur, r.flags = append(r.dur, dur), append(r.flags, f)
			r.client, r.agent = append(r.client, client), append(r.agent, agent)
			r.principal, r.path = append(r.principal, principal), append(r.path, pathID[id])
		}
		status429 = 0
	}
	var total int64
	for m := int64(0); m < 30; m++ {
		principal = 2 // hr-sync's OAuth app
		if m == 23 {
			// 20 requests a second, each taking 5 s: about 100 in flight, over every tier's
			// concurrency limit; the token's 429s say so (X-Rate-Limit-Limit: 0).
			dur = 5_000_000
			status429 = 150
			add("users-get", m, 900, 1, 2)
			principal = 3 // an API token
			status429, conc429 = 50, true
			add("users-get", m, 300, 2, 3)
			total += 1200
			dur, conc429 = 200_000, false
			continue
		}
		add("users-get", m, 100, 1, 2)
		total += 100
	}
	principal = 0
	add("authn", 10, 400, 2, 3)
	add("groups", 5, 100, 1, 3)
	add("apps-by-id", 0, 10, 1, 2)
	// A browser signing in again and again: 70 /oauth2/v1/authorize requests in a minute of 6 s
	// each, over the client-based limits (60 a minute, 5 at once).
	dur, flags = 6_000_000, 2
	add("oauth2-org", 12, 70, 2, 3)
	total += 580
	src := newTestLive(t, false)
	mustAdd(t, src, r)
	if err := src.setNames(names{clients: []string{"", "10.0.0.7", "192.0.2.9"}, agents: []string{"", "(other)", "hr-sync/2.1.4 okta-sdk-java/8.2.1", "curl/8.0.1 (x86_64-pc-linux-gnu)"},
		principals: []string{"", "(other)", "0oa1hrsyncapp0000000", "00T1migrationtoken00"}, paths: paths}); err != nil {
		t.Fatal(err)
	}
	in := report.Input{Lines: total + 1, Requests: total, Skipped: 1,
		SkippedReasons: map[string]int64{ingest.ReasonMalformed: 1},
		Files: []report.FileInput{{Path: "access.log", Format: "combined", Lines: total + 1, Requests: total, Skipped: 1,
			SkippedReasons: map[string]int64{ingest.ReasonMalformed: 1}}},
		Examples: []ingest.Skip{{File: "access.log", Line: 3, Reason: ingest.ReasonMalformed,
			Excerpt: `10.0.0.7 - - "GET /api/v1/users/jane%40example.com`}},
		Events: []ingest.RateLimitEvent{
			{Time: base + 23*60_000_000 + 20_000_000, Type: "system.org.rate_limit.warning", URLPattern: "/api/v1/users/{idOrLogin}", Threshold: 1000, File: "syslog.json", Line: 1},
			{Time: base + 23*60_000_000 + 50_000_000, Type: "system.org.rate_limit.violation", URLPattern: "/api/v1/users/{idOrLogin}", Threshold: 1000, File: "syslog.json", Line: 2},
		},
	}
	res, err := analyze(context.Background(), src, cat, params{tier: classify.Enterprise, warn: 60}, in)
	if err != nil {
		t.Fatal(err)
	}
	withOther(t, res, cat, r)
	return res
}

// systemLogTraffic analyses Okta System Log exports through Files, on Enterprise (warning 60 %), in
// files named relative to a temporary directory:
//   - okta-users.ndjson: 700 user creations in 08:00 (users: over its 600), one of them with Okta's
//     warning for the users bucket (at 08:00:30); 30 profile updates at 08:05 (POST or PUT:
//     users-update); 12 application.user_membership.update events on /api/v1/users/{id} at 08:06
//     (any of GET, POST, PUT, DELETE: method unknown, users-get or users-update);
//   - okta-groups.json: the /api/v1/logs pages of the group-membership events of the first 100
//     creations (another event of each request: duplicate-request), with a 429 error body saved
//     between them;
//   - okta-stream.ndjson: an EventBridge log stream delivering the warning and 5 creations again
//     (duplicate-event).
func systemLogTraffic(t *testing.T) *report.Result {
	t.Helper()
	t.Chdir(t.TempDir())
	base := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	var users, groups []sysEv
	for i := range 700 {
		at := base.Add(time.Duration(i) * time.Minute / 700)
		ev := sysEv{testUUID(10, i), "user.lifecycle.create", fmt.Sprintf("reqfixture%010d", i), "/api/v1/users", at, ""}
		users = append(users, ev)
		if i < 100 {
			groups = append(groups, sysEv{testUUID(11, i), "group.user_membership.add", ev.reqID, ev.uri, at.Add(5 * time.Millisecond), ""})
		}
	}
	warning := sysEv{testUUID(12, 0), "system.org.rate_limit.warning", users[350].reqID, "/api/v1/users", base.Add(30*time.Second + time.Millisecond),
		`,"threshold":"600","warningPercent":"60","urlPattern":"/api/v1/users"`}
	users = append(users, warning)
	for i := range 30 {
		users = append(users, sysEv{testUUID(13, i), "user.account.update_profile", fmt.Sprintf("requpdate%011d", i), fmt.Sprintf("/api/v1/users/00u%017d", i),
			base.Add(5*time.Minute + time.Duration(i)*time.Second), ""})
	}
	for i := range 12 {
		users = append(users, sysEv{testUUID(14, i), "application.user_membership.update", fmt.Sprintf("reqappuser%010d", i), fmt.Sprintf("/api/v1/users/00u%017d", i),
			base.Add(6*time.Minute + time.Duration(i)*time.Second), ""})
	}
	writeEvents(t, ".", "okta-users.ndjson", users)
	var page strings.Builder
	page.WriteString("[\n")
	for i, e := range groups {
		if i == 50 {
			page.WriteString("\n]{\"errorCode\":\"E0000047\",\"errorSummary\":\"API call exceeded rate limit due to too many requests.\",\"errorLink\":\"E0000047\",\"errorId\":\"oaefixture\",\"errorCauses\":[]}[\n")
		} else if i > 0 {
			page.WriteString(",\n")
		}
		page.WriteString(e.json())
	}
	page.WriteString("\n]\n")
	if err := os.WriteFile("okta-groups.json", []byte(page.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var stream strings.Builder
	for _, e := range append([]sysEv{warning}, users[:5]...) {
		fmt.Fprintf(&stream, `{"version":"0","id":"eb-%s","detail-type":"SystemLog","source":"aws.partner/okta.com/example/okta-log-stream","detail":%s}`+"\n", e.uuid, e.json())
	}
	if err := os.WriteFile("okta-stream.ndjson", []byte(stream.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Files(context.Background(), []string{"okta-users.ndjson", "okta-groups.json", "okta-stream.ndjson"},
		Options{Catalog: classify.Seed(), Tier: classify.Enterprise, WarnPercent: 60})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

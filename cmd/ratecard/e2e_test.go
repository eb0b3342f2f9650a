package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// This end-to-end test plants known peaks in two generated access logs, runs the CLI, and checks
// summary.json field by field against expectations the test computes itself from the planted
// requests: it never calls the code under test to compute what to expect. The bucket of each planted
// path and the tier limits below are copied from design.md, not looked up in package classify.

var testTiers = []string{"developer-free", "developer-paid", "one-app", "enterprise", "workforce"}

// testLimits: design.md's table for the buckets this test uses; -1 is N/A.
var testLimits = map[string][5]int{
	"users-get":     {100, 300, 300, 1000, 2000},
	"apps":          {20, 25, 25, 100, 100},
	"oauth2-custom": {300, 600, 600, 1200, 2000},
	"logs":          {20, 25, 25, 50, 120},
	"orgs":          {-1, -1, -1, 50, 50},
	"authn-verify":  {100, 300, 300, 600, 500},
	"api-other":     {100, 300, 300, 600, 1200},
	"users-update":  {100, 300, 300, 600, 600},
}

// plantedRequest is one request the generator writes, with the bucket the test expects for it.
type plantedRequest struct {
	at     time.Time // UTC instant
	method string
	path   string
	bucket string // "" for the never-flagged classes
	class  string // "public-metadata" or "outside-catalog" when bucket is ""
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.000", s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// plant returns the planted traffic. Every count below is deliberate:
//   - users-get: 1096 requests in 08:23 (over 1000 on enterprise: 109.6 %), plus 10 per minute around it.
//   - apps: 70 requests in 08:59:31–08:59:59.9 and 70 in 09:00:00–09:00:29: each wall-clock minute
//     holds 70 (near: ≥ 60 % of 100), but the 60 s from 08:59:31 hold 140 (over in a rolling window).
//   - oauth2-custom: 800 in 10:05 (near on enterprise, 66.7 %), spread over the minute.
//   - logs: 20 per minute for 30 minutes (ok on enterprise, over on developer-free? 20 > 20 is false: near).
//   - orgs: 3 requests (N/A on developer-free/paid/one-app: unavailable there).
//   - authn-verify, users-update, api-other: a few requests each for the exact/method rules.
//   - public metadata and outside-catalog paths, never flagged.
func plant() []plantedRequest {
	var out []plantedRequest
	add := func(at time.Time, method, path, bucket string) {
		out = append(out, plantedRequest{at: at, method: method, path: path, bucket: bucket})
	}
	// users-get: background of 10/min from 08:15 to 08:34, plus a burst of 1086 in 08:23 (total 1096 there).
	for m := 15; m < 35; m++ {
		for i := 0; i < 10; i++ {
			add(utc(fmt.Sprintf("2026-10-14T08:%02d:%02d.000", m, i*6)), "GET", "/api/v1/users/00u1a2b3c4d5e6f7g8h9", "users-get")
		}
	}
	for i := 0; i < 1086; i++ {
		ms := i * 55 // 0 .. 59.7 s
		add(utc("2026-10-14T08:23:00.000").Add(time.Duration(ms)*time.Millisecond), "GET",
			fmt.Sprintf("/api/v1/users/user%d%%40example.com?expand=groups", i%37), "users-get")
	}
	// apps: straddling burst.
	for i := 0; i < 70; i++ {
		add(utc("2026-10-14T08:59:31.000").Add(time.Duration(i*400)*time.Millisecond), "GET", "/api/v1/apps/0oa1a2b3c4d5e6f7g8h9/users", "apps")
		add(utc("2026-10-14T09:00:00.000").Add(time.Duration(i*400)*time.Millisecond), "GET", "/api/v1/apps", "apps")
	}
	// oauth2-custom: 800 in 10:05.
	for i := 0; i < 800; i++ {
		add(utc("2026-10-14T10:05:00.000").Add(time.Duration(i*74)*time.Millisecond), "POST", "/oauth2/default/v1/token", "oauth2-custom")
	}
	// logs: 20 per minute for 30 minutes from 11:00.
	for m := 0; m < 30; m++ {
		for i := 0; i < 20; i++ {
			add(utc(fmt.Sprintf("2026-10-14T11:%02d:%02d.000", m, i*3)), "GET", "/api/v1/logs?since=2026-10-14T00:00:00Z", "logs")
		}
	}
	// orgs, and the exact / method-specific rules.
	for i := 0; i < 3; i++ {
		add(utc(fmt.Sprintf("2026-10-14T12:00:%02d.000", i)), "POST", "/api/v1/orgs", "orgs")
	}
	add(utc("2026-10-14T12:01:00.000"), "POST", "/api/v1/authn/factors/sms/verify", "authn-verify")
	add(utc("2026-10-14T12:01:01.000"), "POST", "/api/v1/users/00u1a2b3c4d5e6f7g8h9", "users-update")
	add(utc("2026-10-14T12:01:02.000"), "PATCH", "/api/v1/users/00u1a2b3c4d5e6f7g8h9", "api-other")
	add(utc("2026-10-14T12:01:03.000"), "GET", "/api/v1/users/00u1a2b3c4d5e6f7g8h9/groups", "api-other")
	for i := 0; i < 5; i++ {
		out = append(out, plantedRequest{at: utc(fmt.Sprintf("2026-10-14T12:02:%02d.000", i)), method: "GET", path: "/oauth2/v1/keys", class: "public-metadata"})
		out = append(out, plantedRequest{at: utc(fmt.Sprintf("2026-10-14T12:03:%02d.000", i)), method: "GET", path: "/login/login.htm", class: "outside-catalog"})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

// clfLine renders r as an nginx combined line in the given UTC offset. Sub-second instants are
// written with milliseconds, as Apache's %{msec_frac}t does.
func clfLine(r plantedRequest, loc *time.Location) string {
	t := r.at.In(loc)
	ts := t.Format("02/Jan/2006:15:04:05")
	if t.Nanosecond() != 0 {
		ts += fmt.Sprintf(".%03d", t.Nanosecond()/1e6)
	}
	ts += t.Format(" -0700")
	return fmt.Sprintf(`10.1.2.3 - - [%s] "%s %s HTTP/1.1" 200 512 "-" "okta-sdk-golang/5.0.0"`, ts, r.method, r.path)
}

// malformed lines, one of each kind, with the reason the accounting must show.
var malformed = []struct{ line, reason string }{
	{"", "blank"},
	{`10.9.9.9 - - [14/Oct/2026:10:00:00 +0200] "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" 400 157 "-" "-"`, "bad-request-line"},
	{`10.9.9.9 - - [14/Oct/2026:10:00:01 +0200] "-" 408 0 "-" "-"`, "bad-request-line"},
	{`10.9.9.9 - - [31/Sep/2026:10:00:02 +0200] "GET /api/v1/users HTTP/1.1" 200 1 "-" "-"`, "bad-timestamp"},
	{`10.9.9.9 - - [14/Oct/2026:10:00:03 +0200] "GET /api/v1/us`, "malformed"},
}

type fileSpec struct {
	path      string
	loc       *time.Location
	lines     int64
	requests  int64
	skipped   map[string]int64
	gz        bool
	firstUTC  time.Time
	lastUTC   time.Time
	requestsV []plantedRequest
}

// writeInputs splits the planted requests over two proxies: even ones to a plain file logged in
// -0700, odd ones to a gzip file logged in +0200 with the malformed lines mixed in.
func writeInputs(t *testing.T, dir string, reqs []plantedRequest) []*fileSpec {
	t.Helper()
	us := &fileSpec{path: filepath.Join(dir, "proxy-us.log"), loc: time.FixedZone("", -7*3600), skipped: map[string]int64{}}
	eu := &fileSpec{path: filepath.Join(dir, "proxy-eu.log.gz"), loc: time.FixedZone("", 2*3600), skipped: map[string]int64{}, gz: true}
	var bufUS, bufEU bytes.Buffer
	for i, r := range reqs {
		f, buf := us, &bufUS
		if i%2 == 1 {
			f, buf = eu, &bufEU
		}
		buf.WriteString(clfLine(r, f.loc) + "\n")
		f.lines++
		f.requests++
		f.requestsV = append(f.requestsV, r)
		if i == len(reqs)/2 {
			for _, m := range malformed {
				bufEU.WriteString(m.line + "\n")
				eu.lines++
				eu.skipped[m.reason]++
			}
		}
	}
	for _, f := range []*fileSpec{us, eu} {
		f.firstUTC, f.lastUTC = f.requestsV[0].at, f.requestsV[len(f.requestsV)-1].at
	}
	if err := os.WriteFile(us.path, bufUS.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var gzBuf bytes.Buffer
	zw := gzip.NewWriter(&gzBuf)
	zw.Write(bufEU.Bytes())
	zw.Close()
	if err := os.WriteFile(eu.path, gzBuf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return []*fileSpec{us, eu}
}

// Expected values, computed by brute force from the planted requests.
type expBucket struct {
	requests     int64
	peak         int64
	peakMinute   time.Time
	rolling      int64
	rollingStart time.Time
	minutes      map[int64]int64 // minute index → count
}

func expectBuckets(reqs []plantedRequest) map[string]*expBucket {
	byBucket := map[string][]time.Time{}
	for _, r := range reqs {
		if r.bucket != "" {
			byBucket[r.bucket] = append(byBucket[r.bucket], r.at)
		}
	}
	out := map[string]*expBucket{}
	for id, ts := range byBucket {
		sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
		e := &expBucket{requests: int64(len(ts)), minutes: map[int64]int64{}}
		for _, t := range ts {
			e.minutes[t.Unix()/60]++
		}
		var mins []int64
		for m := range e.minutes {
			mins = append(mins, m)
		}
		sort.Slice(mins, func(i, j int) bool { return mins[i] < mins[j] })
		for _, m := range mins {
			if e.minutes[m] > e.peak {
				e.peak, e.peakMinute = e.minutes[m], time.Unix(m*60, 0).UTC()
			}
		}
		for i := range ts {
			j := i
			for j < len(ts) && ts[j].Sub(ts[i]) < time.Minute {
				j++
			}
			if n := int64(j - i); n > e.rolling {
				e.rolling, e.rollingStart = n, ts[i]
			}
		}
		out[id] = e
	}
	return out
}

func status(count int64, limit, warn int) string {
	switch {
	case limit < 0:
		return "unavailable"
	case count > int64(limit):
		return "over"
	case count*100 >= int64(warn)*int64(limit):
		return "near"
	}
	return "ok"
}

// summary mirrors the summary.json contract of design.md (plus the fields ratecard adds).
type summary struct {
	Tier        string `json:"tier"`
	Catalog     string `json:"catalog"`
	WarnPercent int    `json:"warn_percent"`
	Window      struct {
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"window"`
	Input struct {
		Lines          int64            `json:"lines"`
		Requests       int64            `json:"requests"`
		Skipped        int64            `json:"skipped"`
		SkippedReasons map[string]int64 `json:"skipped_reasons"`
		Files          []struct {
			Path     string `json:"path"`
			Format   string `json:"format"`
			Lines    int64  `json:"lines"`
			Requests int64  `json:"requests"`
			Skipped  int64  `json:"skipped"`
		} `json:"files"`
	} `json:"input"`
	Buckets []struct {
		ID       string `json:"id"`
		Limit    *int   `json:"limit"`
		Requests int64  `json:"requests"`
		Peak     struct {
			Count  int64  `json:"count"`
			Minute string `json:"minute"`
		} `json:"peak"`
		RollingPeak struct {
			Count int64  `json:"count"`
			Start string `json:"start"`
		} `json:"rolling_peak"`
		Utilization   *float64 `json:"utilization"`
		MinutesNear   int64    `json:"minutes_near"`
		MinutesOver   int64    `json:"minutes_over"`
		Status        string   `json:"status"`
		RollingStatus string   `json:"rolling_status"`
		ByTier        map[string]struct {
			Limit         *int   `json:"limit"`
			MinutesNear   int64  `json:"minutes_near"`
			MinutesOver   int64  `json:"minutes_over"`
			Status        string `json:"status"`
			RollingStatus string `json:"rolling_status"`
		} `json:"by_tier"`
	} `json:"buckets"`
	PublicMetadata struct {
		Requests int64 `json:"requests"`
	} `json:"public_metadata"`
	OutsideCatalog struct {
		Requests int64 `json:"requests"`
	} `json:"outside_catalog"`
	Tiers []struct {
		Tier        string   `json:"tier"`
		BucketsOver []string `json:"buckets_over"`
		BucketsNear []string `json:"buckets_near"`
		MinutesOver int64    `json:"minutes_over"`
	} `json:"tiers"`
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func readSummary(t *testing.T, dir string) *summary {
	t.Helper()
	var s summary
	decodeSummary(t, dir, &s)
	return &s
}

func TestAnalyzeEndToEnd(t *testing.T) {
	dir := t.TempDir()
	reqs := plant()
	files := writeInputs(t, dir, reqs)
	out := filepath.Join(dir, "out")
	const warn = 60
	code, stdout, stderr := runCLI(t, "analyze", "--tier", "enterprise", "--out", out, files[0].path, files[1].path)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	s := readSummary(t, out)

	if s.Tier != "enterprise" || s.Catalog != "seed" || s.WarnPercent != warn {
		t.Errorf("tier/catalog/warn = %q/%q/%d", s.Tier, s.Catalog, s.WarnPercent)
	}
	// Window: from the first request's minute to the minute after the last.
	first, last := reqs[0].at, reqs[len(reqs)-1].at
	if want := first.Truncate(time.Minute).Format(time.RFC3339); s.Window.From != want {
		t.Errorf("window.from = %s, want %s", s.Window.From, want)
	}
	if want := last.Truncate(time.Minute).Add(time.Minute).Format(time.RFC3339); s.Window.To != want {
		t.Errorf("window.to = %s, want %s", s.Window.To, want)
	}

	// Input accounting.
	var wantLines, wantReq, wantSkip int64
	wantReasons := map[string]int64{}
	for i, f := range files {
		got := s.Input.Files[i]
		var skipped int64
		for r, n := range f.skipped {
			skipped += n
			wantReasons[r] += n
		}
		if got.Path != f.path || got.Format != "combined" || got.Lines != f.lines || got.Requests != f.requests || got.Skipped != skipped {
			t.Errorf("file %d = %+v, want path %s combined lines %d requests %d skipped %d", i, got, f.path, f.lines, f.requests, skipped)
		}
		wantLines += f.lines
		wantReq += f.requests
		wantSkip += skipped
	}
	if s.Input.Lines != wantLines || s.Input.Requests != wantReq || s.Input.Skipped != wantSkip {
		t.Errorf("input lines/requests/skipped = %d/%d/%d, want %d/%d/%d", s.Input.Lines, s.Input.Requests, s.Input.Skipped, wantLines, wantReq, wantSkip)
	}
	if s.Input.Lines != s.Input.Requests+s.Input.Skipped {
		t.Errorf("lines %d != requests %d + skipped %d", s.Input.Lines, s.Input.Requests, s.Input.Skipped)
	}
	for r, n := range wantReasons {
		if s.Input.SkippedReasons[r] != n {
			t.Errorf("skipped_reasons[%s] = %d, want %d", r, s.Input.SkippedReasons[r], n)
		}
	}

	// Never-flagged classes.
	var wantPM, wantOC int64
	for _, r := range reqs {
		switch r.class {
		case "public-metadata":
			wantPM++
		case "outside-catalog":
			wantOC++
		}
	}
	if s.PublicMetadata.Requests != wantPM || s.OutsideCatalog.Requests != wantOC {
		t.Errorf("public_metadata/outside_catalog = %d/%d, want %d/%d", s.PublicMetadata.Requests, s.OutsideCatalog.Requests, wantPM, wantOC)
	}

	// Buckets, field by field.
	exp := expectBuckets(reqs)
	var gotIDs []string
	for _, b := range s.Buckets {
		gotIDs = append(gotIDs, b.ID)
	}
	if len(s.Buckets) != len(exp) {
		t.Fatalf("buckets = %v, want the %d planted ones", gotIDs, len(exp))
	}
	tierOver := map[string][]string{}
	tierNear := map[string][]string{}
	tierMinutesOver := map[string]map[int64]bool{}
	for _, b := range s.Buckets {
		e, ok := exp[b.ID]
		if !ok {
			t.Errorf("unexpected bucket %s", b.ID)
			continue
		}
		lim := testLimits[b.ID][3] // enterprise
		if b.Limit == nil || *b.Limit != lim {
			t.Errorf("%s: limit = %v, want %d", b.ID, b.Limit, lim)
		}
		if b.Requests != e.requests {
			t.Errorf("%s: requests = %d, want %d", b.ID, b.Requests, e.requests)
		}
		if b.Peak.Count != e.peak || b.Peak.Minute != e.peakMinute.Format(time.RFC3339) {
			t.Errorf("%s: peak = %+v, want %d at %s", b.ID, b.Peak, e.peak, e.peakMinute.Format(time.RFC3339))
		}
		if b.RollingPeak.Count != e.rolling || b.RollingPeak.Start != e.rollingStart.Format(time.RFC3339Nano) {
			t.Errorf("%s: rolling_peak = %+v, want %d at %s", b.ID, b.RollingPeak, e.rolling, e.rollingStart.Format(time.RFC3339Nano))
		}
		wantUtil := math.Round(float64(e.peak)/float64(lim)*1000) / 1000
		if b.Utilization == nil || *b.Utilization != wantUtil {
			t.Errorf("%s: utilization = %v, want %v", b.ID, b.Utilization, wantUtil)
		}
		for ti, tier := range testTiers {
			l := testLimits[b.ID][ti]
			var near, over int64
			for m, n := range e.minutes {
				if l < 0 {
					continue
				}
				if n > int64(l) {
					over++
					if tierMinutesOver[tier] == nil {
						tierMinutesOver[tier] = map[int64]bool{}
					}
					tierMinutesOver[tier][m] = true
				} else if n*100 >= int64(warn)*int64(l) {
					near++
				}
			}
			st, rst := status(e.peak, l, warn), status(e.rolling, l, warn)
			bt := b.ByTier[tier]
			if bt.Status != st || bt.RollingStatus != rst || bt.MinutesNear != near || bt.MinutesOver != over {
				t.Errorf("%s on %s: status %s/%s near %d over %d, want %s/%s near %d over %d",
					b.ID, tier, bt.Status, bt.RollingStatus, bt.MinutesNear, bt.MinutesOver, st, rst, near, over)
			}
			if (l < 0) != (bt.Limit == nil) || (bt.Limit != nil && *bt.Limit != l) {
				t.Errorf("%s on %s: limit %v, want %d", b.ID, tier, bt.Limit, l)
			}
			if tier == "enterprise" && (b.Status != st || b.RollingStatus != rst || b.MinutesNear != near || b.MinutesOver != over) {
				t.Errorf("%s: status %s/%s near %d over %d, want %s/%s near %d over %d",
					b.ID, b.Status, b.RollingStatus, b.MinutesNear, b.MinutesOver, st, rst, near, over)
			}
			switch st {
			case "over":
				tierOver[tier] = append(tierOver[tier], b.ID)
			case "near":
				tierNear[tier] = append(tierNear[tier], b.ID)
			}
		}
	}
	for i, tr := range s.Tiers {
		if tr.Tier != testTiers[i] {
			t.Errorf("tiers[%d] = %s, want %s", i, tr.Tier, testTiers[i])
			continue
		}
		if !sameSet(tr.BucketsOver, tierOver[tr.Tier]) || !sameSet(tr.BucketsNear, tierNear[tr.Tier]) {
			t.Errorf("%s: over %v near %v, want over %v near %v", tr.Tier, tr.BucketsOver, tr.BucketsNear, tierOver[tr.Tier], tierNear[tr.Tier])
		}
		if tr.MinutesOver != int64(len(tierMinutesOver[tr.Tier])) {
			t.Errorf("%s: minutes_over %d, want %d", tr.Tier, tr.MinutesOver, len(tierMinutesOver[tr.Tier]))
		}
	}

	// The straddling burst is the case the rolling window exists for: near on both minutes, over rolling.
	for _, b := range s.Buckets {
		if b.ID == "apps" && (b.Status != "near" || b.RollingStatus != "over" || b.RollingPeak.Count != 140 || b.Peak.Count != 70) {
			t.Errorf("apps straddling burst: status %s rolling %s peak %d rolling %d; want near/over 70/140", b.Status, b.RollingStatus, b.Peak.Count, b.RollingPeak.Count)
		}
		if b.ID == "users-get" && (b.Utilization == nil || *b.Utilization != 1.096) {
			t.Errorf("users-get utilization %v, want 1.096", b.Utilization)
		}
	}

	// The report and the terminal table exist and say the same.
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"users-get", "109.6 %", `id="chart_apps"`, "echarts"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if bytes.Contains(html, []byte("http://")) && bytes.Contains(html, []byte("<script src=")) {
		t.Errorf("report.html loads a script from the network")
	}
	for _, want := range []string{"users-get", "1,096", "over", "report:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}

	// Same input, same bytes out.
	out2 := filepath.Join(dir, "out2")
	if code, _, stderr := runCLI(t, "analyze", "--out", out2, files[0].path, files[1].path); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	for _, name := range []string{"summary.json", "report.html", "summary.md", "minutes.csv"} {
		a, _ := os.ReadFile(filepath.Join(out, name))
		b, _ := os.ReadFile(filepath.Join(out2, name))
		if len(a) == 0 {
			t.Errorf("%s is missing or empty", name)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs on the same input", name)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

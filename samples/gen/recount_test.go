package main

// An independent recount of the generated lines: its own line regexp, bucket table and rolling
// peaks, checked against the manifest.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

var lineRE = regexp.MustCompile(`^(\S+) - \S+ \[([^\]]+)\] "(\S+) (\S+) HTTP/1\.1" (\d{3}) (\d+) "([^"]*)" "([^"]*)"( "([^"]*)" (\d+\.\d{3}))?$`)

const clfTime = "02/Jan/2006:15:04:05 -0700"

// testLimits: enterprise limits from the design's bucket table.
var testLimits = map[string]int{
	"authn": 600, "authn-verify": 600, "sessions": 600, "oauth2-custom": 1200, "oauth2-org": 1200,
	"oauth2-other": 600, "oauth2-clients": 100, "apps": 100, "apps-by-id": 600, "groups": 600,
	"groups-by-id": 600, "users": 600, "users-get": 1000, "users-update": 600, "logs": 50, "events": 50,
	"orgs": 50, "api-other": 600,
}

var (
	reVerify   = regexp.MustCompile(`^/api/v1/authn/factors/[^/]+/verify$`)
	reOne      = func(prefix string) *regexp.Regexp { return regexp.MustCompile("^" + prefix + "/[^/]+$") }
	reAppByID  = reOne("/api/v1/apps")
	reGroupID  = reOne("/api/v1/groups")
	reUserID   = reOne("/api/v1/users")
	reCustomAS = regexp.MustCompile(`^/oauth2/[^/]+/v1/`)
	rePublic   = regexp.MustCompile(`^(/oauth2/v1/keys|/\.well-known/(openid-configuration|oauth-authorization-server)|/oauth2/[^/]+/v1/keys|/oauth2/[^/]+/\.well-known/(openid-configuration|oauth-authorization-server))$`)
)

func under(path, prefix string) bool { return path == prefix || strings.HasPrefix(path, prefix+"/") }

// bucketOf follows the design's bucket table for the paths the generator writes.
func bucketOf(method, target string) string {
	path, _, _ := strings.Cut(target, "?")
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	switch {
	case rePublic.MatchString(path):
		return "public-metadata"
	case reVerify.MatchString(path):
		return "authn-verify"
	case under(path, "/api/v1/authn"):
		return "authn"
	case under(path, "/api/v1/sessions"):
		return "sessions"
	case under(path, "/oauth2/v1/clients"):
		return "oauth2-clients"
	case strings.HasPrefix(path, "/oauth2/v1/"):
		return "oauth2-org"
	case reCustomAS.MatchString(path):
		return "oauth2-custom"
	case under(path, "/oauth2"):
		return "oauth2-other"
	case reAppByID.MatchString(path):
		return "apps-by-id"
	case under(path, "/api/v1/apps"):
		return "apps"
	case reGroupID.MatchString(path):
		return "groups-by-id"
	case under(path, "/api/v1/groups"):
		return "groups"
	case path == "/api/v1/users" && (method == "GET" || method == "POST"):
		return "users"
	case reUserID.MatchString(path) && method == "GET":
		return "users-get"
	case reUserID.MatchString(path) && (method == "POST" || method == "PUT" || method == "DELETE"):
		return "users-update"
	case under(path, "/api/v1/logs"):
		return "logs"
	case under(path, "/api/v1/events"):
		return "events"
	case under(path, "/api/v1/orgs"):
		return "orgs"
	case under(path, "/api/v1"):
		return "api-other"
	}
	return "outside-catalog"
}

type request struct {
	t      int64
	proxy  string
	bucket string
	status string
}

type recount struct {
	lines, requests map[string]int            // per proxy
	kinds           map[string]map[string]int // proxy → kind → n
	reqs            []request
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || zr.ModTime.Unix() != 0 || len(zr.Extra) != 0 || zr.Comment != "" {
		t.Errorf("%s: gzip header has name %q, mtime %v", path, zr.Name, zr.ModTime)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 || data[len(data)-1] != '\n' {
		t.Fatalf("%s: does not end in a newline", path)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func recountFiles(t *testing.T, dir string, m *Manifest) *recount {
	rc := &recount{lines: map[string]int{}, requests: map[string]int{}, kinds: map[string]map[string]int{}}
	for _, fi := range m.Files {
		rc.kinds[fi.Proxy] = map[string]int{}
		wantOffset := map[string]string{"eu": "+0200", "us": "-0700"}[fi.Proxy]
		trailer := fi.Proxy == "us"
		last := int64(0)
		for n, line := range readLines(t, filepath.Join(dir, fi.Name)) {
			rc.lines[fi.Proxy]++
			where := fmt.Sprintf("%s:%d", fi.Name, n+1)
			var k string
			sm := lineRE.FindStringSubmatch(line)
			switch {
			case line == "":
				k = "blank"
			case strings.Contains(line, `] "\x16\x03\x01`) && strings.Contains(line, `" 400 `):
				k = "tls-handshake"
			case strings.Contains(line, `] "-" 408 `):
				k = "dash-request-408"
			case sm == nil:
				if strings.Count(line, `"`) != 1 {
					t.Fatalf("%s: unexpected line %q", where, line)
				}
				k = "truncated"
			}
			if k != "" {
				rc.kinds[fi.Proxy][k]++
				continue
			}
			if (sm[9] != "") != trailer {
				t.Errorf("%s: trailing XFF/request-time fields present=%v, want %v", where, sm[9] != "", trailer)
			}
			if !strings.HasSuffix(sm[2], " "+wantOffset) {
				t.Errorf("%s: timestamp %q is not in %s", where, sm[2], wantOffset)
			}
			ts, err := time.Parse(clfTime, sm[2])
			if err != nil {
				if !strings.HasPrefix(sm[2], "31/Sep/") {
					t.Errorf("%s: unexpected bad timestamp %q", where, sm[2])
				}
				rc.kinds[fi.Proxy]["impossible-timestamp"]++
				continue
			}
			switch {
			case sm[8] == "<script>alert(1)</script>":
				rc.kinds[fi.Proxy]["xss-user-agent"]++
			case strings.Contains(sm[4], "script"):
				rc.kinds[fi.Proxy]["xss-path"]++
			}
			if ts.Unix() < last {
				t.Errorf("%s: out of time order", where)
			}
			last = ts.Unix()
			rc.requests[fi.Proxy]++
			rc.reqs = append(rc.reqs, request{t: ts.Unix(), proxy: fi.Proxy, bucket: bucketOf(sm[3], sm[4]), status: sm[5]})
		}
	}
	return rc
}

func utcString(t int64) string { return time.Unix(t, 0).UTC().Format(time.RFC3339) }

// rolling computes, by brute force over per-second counts, the largest count in [s, s+60) for s a
// request second in [from, to), the earliest such s on ties.
func rolling(times []int64, from, to int64) (int, int64) {
	perSec := map[int64]int{}
	for _, t := range times {
		perSec[t]++
	}
	best, at := 0, int64(0)
	secs := make([]int64, 0, len(perSec))
	for s := range perSec {
		secs = append(secs, s)
	}
	slices.Sort(secs)
	for _, s := range secs {
		if s < from || s >= to {
			continue
		}
		n := 0
		for d := range int64(60) {
			n += perSec[s+d]
		}
		if n > best {
			best, at = n, s
		}
	}
	return best, at
}

func TestManifestMatchesRecount(t *testing.T) {
	dir := defaultOutput(t)
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	rc := recountFiles(t, dir, &m)

	// Lines, requests and line kinds per file.
	total := 0
	for _, fi := range m.Files {
		if got := rc.lines[fi.Proxy]; got != fi.Lines {
			t.Errorf("%s: %d lines, manifest says %d", fi.Name, got, fi.Lines)
		}
		if got := rc.requests[fi.Proxy]; got != fi.Requests {
			t.Errorf("%s: %d requests, manifest says %d", fi.Name, got, fi.Requests)
		}
		if fi.Lines != fi.Requests+fi.Skipped {
			t.Errorf("%s: lines %d != requests %d + not requests %d", fi.Name, fi.Lines, fi.Requests, fi.Skipped)
		}
		for k, n := range fi.Kinds {
			if got := rc.kinds[fi.Proxy][k]; got != n {
				t.Errorf("%s: %d lines of kind %s, manifest says %d", fi.Name, got, k, n)
			}
		}
		total += fi.Lines
	}
	if total != m.Totals.Lines || total < 150000 || total > 300000 {
		t.Errorf("total lines %d (manifest %d), want 150k-300k", total, m.Totals.Lines)
	}
	for _, pk := range plantedKinds {
		if got := rc.kinds["eu"][kindNames[pk.k]] + rc.kinds["us"][kindNames[pk.k]]; got != pk.n {
			t.Errorf("%d lines of kind %s, want %d", got, kindNames[pk.k], pk.n)
		}
	}

	// Per-bucket totals, peaks and verdicts.
	times := map[string][]int64{}
	perMin := map[string]map[int64]map[string]int{} // bucket → minute → proxy ("" = both) → n
	s429 := map[string]int{}
	for _, r := range rc.reqs {
		times[r.bucket] = append(times[r.bucket], r.t)
		if perMin[r.bucket] == nil {
			perMin[r.bucket] = map[int64]map[string]int{}
		}
		mm := r.t / 60 * 60
		if perMin[r.bucket][mm] == nil {
			perMin[r.bucket][mm] = map[string]int{}
		}
		perMin[r.bucket][mm][""]++
		perMin[r.bucket][mm][r.proxy]++
		if r.status == "429" {
			s429[r.bucket]++
		}
	}
	for b := range times {
		slices.Sort(times[b])
	}
	if got := len(times["public-metadata"]); got != m.Totals.PublicMetadata {
		t.Errorf("public metadata: %d, manifest says %d", got, m.Totals.PublicMetadata)
	}
	if got := len(times["outside-catalog"]); got != m.Totals.OutsideCatalog {
		t.Errorf("outside catalog: %d, manifest says %d", got, m.Totals.OutsideCatalog)
	}
	if !maps429Equal(s429, m.Status429) {
		t.Errorf("429s by bucket: %v, manifest says %v", s429, m.Status429)
	}
	var seen, flagged []string
	for _, b := range m.Buckets {
		seen = append(seen, b.ID)
		lim := testLimits[b.ID]
		if b.Limit != lim {
			t.Errorf("%s: manifest limit %d, design says %d", b.ID, b.Limit, lim)
		}
		if got := len(times[b.ID]); got != b.Requests {
			t.Errorf("%s: %d requests, manifest says %d", b.ID, got, b.Requests)
		}
		var minutes []int64
		for mm := range perMin[b.ID] {
			minutes = append(minutes, mm)
		}
		slices.Sort(minutes)
		peak, peakAt, near, over := 0, int64(0), 0, 0
		for _, mm := range minutes {
			n := perMin[b.ID][mm][""]
			if n > peak {
				peak, peakAt = n, mm
			}
			if n > lim {
				over++
			} else if n*100 >= 60*lim {
				near++
			}
		}
		if want := (Peak{Count: peak, Minute: utcString(peakAt)}); b.Peak != want {
			t.Errorf("%s: peak %+v, manifest says %+v", b.ID, want, b.Peak)
		}
		n, at := rolling(times[b.ID], -1<<62, 1<<62)
		if want := (Peak{Count: n, Start: utcString(at)}); b.Rolling != want {
			t.Errorf("%s: rolling peak %+v, manifest says %+v", b.ID, want, b.Rolling)
		}
		if near != b.MinutesNear || over != b.MinutesOver {
			t.Errorf("%s: minutes near/over %d/%d, manifest says %d/%d", b.ID, near, over, b.MinutesNear, b.MinutesOver)
		}
		if peak*100 >= 60*lim || n*100 >= 60*lim {
			flagged = append(flagged, b.ID)
		}
	}
	for b := range times {
		if b != "public-metadata" && b != "outside-catalog" && !slices.Contains(seen, b) {
			t.Errorf("bucket %s has traffic but is missing from the manifest", b)
		}
	}
	// On enterprise, only the planted events' buckets are near or over.
	slices.Sort(flagged)
	if want := []string{"apps", "logs", "oauth2-custom", "users-get"}; !slices.Equal(flagged, want) {
		t.Errorf("near or over on enterprise: %v, want %v", flagged, want)
	}

	// Planted events: per-minute counts (both proxies and each), the rolling peak, and the shapes
	// the brief asks for.
	ids := map[string]EventInfo{}
	for _, e := range m.Events {
		ids[e.ID] = e
		from, _ := time.Parse(time.RFC3339, e.From)
		to, _ := time.Parse(time.RFC3339, e.To)
		for _, mi := range e.Minutes {
			mt, _ := time.Parse(time.RFC3339, mi.Minute)
			c := perMin[e.Bucket][mt.Unix()]
			if c[""] != mi.Count || c["eu"] != mi.EU || c["us"] != mi.US {
				t.Errorf("%s %s: counted %d (eu %d, us %d), manifest says %d (eu %d, us %d)",
					e.ID, mi.Minute, c[""], c["eu"], c["us"], mi.Count, mi.EU, mi.US)
			}
		}
		n, at := rolling(times[e.Bucket], from.Unix()-60, to.Unix())
		if want := (Peak{Count: n, Start: utcString(at)}); e.Rolling != want {
			t.Errorf("%s: rolling peak %+v, manifest says %+v", e.ID, want, e.Rolling)
		}
	}
	counts := func(id string) []int {
		var out []int
		for _, mi := range ids[id].Minutes {
			out = append(out, mi.Count)
		}
		return out
	}
	check := func(id string, ok bool) {
		if !ok {
			t.Errorf("%s: shape not as planned: minutes %v, rolling %+v", id, counts(id), ids[id].Rolling)
		}
	}
	if len(m.Events) != 6 {
		t.Fatalf("%d events, want 6", len(m.Events))
	}
	c := counts("a-users-sync-over")
	check("a-users-sync-over", len(c) == 4 && c[0] < 600 && c[3] < 600 &&
		c[1] >= 1050 && c[1] <= 1100 && c[2] >= 1050 && c[2] <= 1100)
	for _, mi := range ids["a-users-sync-over"].Minutes {
		if mi.EU >= 600 || mi.US >= 600 {
			t.Errorf("a-users-sync-over %s: one proxy alone is near (eu %d, us %d)", mi.Minute, mi.EU, mi.US)
		}
	}
	c = counts("a-users-sync-near")
	check("a-users-sync-near", len(c) == 5 && slices.Min(c) >= 600 && slices.Max(c) <= 1000)
	c = counts("b-login-storm")
	check("b-login-storm", len(c) == 6 && c[1] >= 800 && c[2] >= 800 && c[3] >= 800 && slices.Max(c) <= 900)
	c = counts("c-apps-straddle")
	check("c-apps-straddle", len(c) == 2 && c[0] >= 60 && c[0] <= 100 && c[1] >= 60 && c[1] <= 100 &&
		ids["c-apps-straddle"].Rolling.Count > 100)
	c = counts("d-siem-catch-up")
	check("d-siem-catch-up", len(c) >= 30 && slices.Min(c) >= 30 && slices.Max(c) <= 50 &&
		ids["d-siem-catch-up"].Rolling.Count <= 50)
}

func maps429Equal(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

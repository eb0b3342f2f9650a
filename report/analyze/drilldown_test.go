package analyze

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// TestDrillDown checks the callers of a bucket's hot minutes, the 429 counts, and that quiet minutes
// and quiet buckets stay out of the drill-down. The expectations are counted by hand from the log the
// test writes.
func TestDrillDown(t *testing.T) {
	var sb strings.Builder
	line := func(sec int, min int, client, agent string, status int, path string) {
		fmt.Fprintf(&sb, "%s - - [14/Oct/2026:08:%02d:%02d +0000] \"GET %s HTTP/1.1\" %d 12 \"-\" \"%s\"\n", client, min, sec, path, status, agent)
	}
	// 08:10, users-get: 700 requests (near the enterprise limit of 1000 at 60 %): 500 from the sync
	// job, 20 of them answered 429; 150 from the portal; 50 without a user agent.
	for i := range 700 {
		switch {
		case i < 500:
			status := 200
			if i < 20 {
				status = 429
			}
			line(i%60, 10, "10.0.0.1", "sync-job/1.0", status, "/api/v1/users/00u1")
		case i < 650:
			line(i%60, 10, "10.0.0.2", "portal/2.0", 200, "/api/v1/users/00u2")
		default:
			line(i%60, 10, "10.0.0.3", "-", 200, "/api/v1/users/00u3")
		}
	}
	// 08:20, users-get: a quiet minute from someone else, outside the drill-down.
	for i := range 30 {
		line(i, 20, "10.9.9.9", "quiet/1.0", 200, "/api/v1/users/00u9")
	}
	// apps: quiet all along.
	for i := range 10 {
		line(i, 11, "10.0.0.4", "admin/1.0", 200, "/api/v1/apps")
	}
	path := filepath.Join(t.TempDir(), "a.log")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Files(context.Background(), []string{path}, Options{Catalog: classify.Seed(), Tier: classify.Enterprise, WarnPercent: 60})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*report.BucketResult{}
	for i := range res.Buckets {
		got[res.Buckets[i].Bucket.ID] = &res.Buckets[i]
	}
	u := got["users-get"]
	if u == nil || got["apps"] == nil {
		t.Fatalf("buckets %v", res.Buckets)
	}
	if u.HotMinutes != 1 || u.HotRequests != 700 {
		t.Errorf("hot minutes %d requests %d, want 1 and 700", u.HotMinutes, u.HotRequests)
	}
	wantClients := []report.Share{{Name: "10.0.0.1", Count: 500}, {Name: "10.0.0.2", Count: 150}, {Name: "10.0.0.3", Count: 50}}
	if !reflect.DeepEqual(u.Clients, wantClients) {
		t.Errorf("clients %v, want %v", u.Clients, wantClients)
	}
	wantAgents := []report.Share{{Name: "sync-job/1.0", Count: 500}, {Name: "portal/2.0", Count: 150}, {Name: "", Count: 50}}
	if !reflect.DeepEqual(u.Agents, wantAgents) {
		t.Errorf("agents %v, want %v", u.Agents, wantAgents)
	}
	wantPaths := []report.Share{{Name: "/api/v1/users/{idOrLogin}", Count: 700}}
	if !reflect.DeepEqual(u.Paths, wantPaths) {
		t.Errorf("paths %v, want %v", u.Paths, wantPaths)
	}
	if u.Throttled != 20 || u.ThrottledMinutes != 1 {
		t.Errorf("throttled %d in %d minutes, want 20 in 1", u.Throttled, u.ThrottledMinutes)
	}
	at := func(min int) time.Time { return time.Date(2026, 10, 14, 8, min, 0, 0, time.UTC) }
	wantMinutes := []report.MinuteCount{{Minute: at(10), Count: 700, Throttled: 20}, {Minute: at(20), Count: 30}}
	if !reflect.DeepEqual(u.Minutes, wantMinutes) {
		t.Errorf("minutes %+v, want %+v", u.Minutes, wantMinutes)
	}
	if a := got["apps"]; a.HotMinutes != 0 || a.Clients != nil || a.Throttled != 0 {
		t.Errorf("quiet bucket has a drill-down: %+v", a)
	}
	if f := u.Clients[0].Fraction(u.HotRequests); f < 0.714 || f > 0.715 {
		t.Errorf("share %v, want 500/700", f)
	}
}

func TestDictBound(t *testing.T) {
	d := newDict()
	var added []string
	if d.id("", &added) != idNone {
		t.Error("empty name is not idNone")
	}
	for i := range maxDictNames + 10 {
		d.id(fmt.Sprint("10.0.", i), &added)
	}
	if len(added) != maxDictNames {
		t.Errorf("dictionary grew to %d names, bound %d", len(added), maxDictNames)
	}
	if id := d.id("a name never seen", &added); id != idOther {
		t.Errorf("id past the bound %d, want idOther", id)
	}
	if id := d.id("10.0.0", &added); id != 2 {
		t.Errorf("first name's id %d, want 2", id)
	}
}

func TestParseIPv4(t *testing.T) {
	for s, want := range map[string]bool{
		"10.0.0.1": true, "255.255.255.255": true, "0.0.0.0": true, "192.0.2.10": true,
		"256.0.0.1": false, "10.0.0": false, "10.0.0.1.2": false, "010.0.0.1": false, "10..0.1": false,
		"": false, "10.0.0.1 ": false, "::1": false, "2001:db8::1": false, "proxy.example.com": false, "1.2.3.4a": false,
	} {
		ip, ok := parseIPv4(s)
		if ok != want {
			t.Errorf("parseIPv4(%q) ok = %v, want %v", s, ok, want)
		}
		if ok && ipv4Name(ipv4Flag|uint64(ip)) != s {
			t.Errorf("parseIPv4(%q) round trip gives %q", s, ipv4Name(ipv4Flag|uint64(ip)))
		}
	}
}

// TestRouteCache checks that the route cache gives what classifying and templating each request
// gives, for targets that share a path but differ in query string, fragment or method, and once the
// cache is full.
func TestRouteCache(t *testing.T) {
	cat := classify.Seed()
	okta, err := classify.Load("okta-2025")
	if err != nil {
		t.Fatal(err)
	}
	targets := []string{
		"/api/v1/users/00u1", "/api/v1/users/00u1?expand=groups", "/api/v1/users/00u1#x", "/api/v1/users/jane%40example.com",
		"/api/v1/users", "/api/v1/users?q=a#b", "/api/v1/apps/0oa1/users/00u2?limit=200", "/oauth2/default/v1/token",
		"/oauth2/v1/authorize?client_id=x&state=y", "https://acme.okta.com/api/v1/logs?since=2026", "https://acme.okta.com?x=/api/v1/users",
		"https://acme.okta.com#/api/v1/users", "/api/v1/authn/factors/sms/verify?x", "/", "", "*", "/api/v1/groups/00g1/users",
	}
	for _, c := range []struct {
		name            string
		class, template *classify.Catalog
		maxFill         int
	}{{"seed", cat, cat, 0}, {"store: okta-2025 classes, seed templates", okta, cat, 0}, {"full map", cat, cat, maxRoutes}} {
		paths := newDict()
		other, err := classify.Load(classify.Other(c.class.Name))
		if err != nil {
			t.Fatal(err)
		}
		rc := newRouteCache(c.class, other, c.template, paths)
		for i := range c.maxFill { // fill the cache so nothing more is added
			rc.insert([2]uint64{uint64(2*i + 1), uint64(i)}, route{})
		}
		for _, target := range targets { // decoys with the first half of real request lines' keys
			path, _, _ := strings.Cut(target, "?")
			path, _, _ = strings.Cut(path, "#")
			k := rc.key("GET", path)
			rc.insert([2]uint64{k[0], k[1] ^ 1}, route{class: 99, path: 99})
		}
		var added []string
		for round := range 2 { // the second round is answered from the cache
			for _, target := range targets {
				for _, method := range []string{"GET", "POST", "DELETE"} {
					rt := rc.route(method, target, &added)
					cl, id := rt.class, rt.path
					want, wantOther := uint8(c.class.Classify(method, target)), uint8(other.Classify(method, target))
					tmpl := string(c.template.AppendTemplate(nil, target))
					if cl != want || rt.other != wantOther || int(id) >= len(added)+2 || added[id-2] != tmpl {
						t.Fatalf("%s round %d: %s %s: class %d (other %d) path %d; want class %d (other %d), template %q", c.name, round, method, target, cl, rt.other, id, want, wantOther, tmpl)
					}
				}
			}
		}
		if c.maxFill > 0 && rc.n != maxRoutes {
			t.Errorf("%s: the cache grew past its bound: %d", c.name, rc.n)
		}
	}
}

// TestPackedColumns checks that a store's requests view gives back every fact add stored packed, at
// the extremes of each field.
func TestPackedColumns(t *testing.T) {
	cat := classify.Seed()
	type row struct {
		status           uint16
		client           uint64
		agent, prin, pth uint32
		rl               int32
		src              uint8
	}
	want := []row{
		{0, 0, 0, 0, 0, 0, 0},
		{65535, ipv4Flag | 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 1<<31 - 1, 1},
		{429, 7, 2, 3, 4, 600, 1},
		{200, ipv4Flag | 0x0a000001, 1, 0, 0xfffffffe, 1, 0},
	}
	r := &rowBatch{class: [][]uint8{nil}}
	for i, w := range want {
		r.ts = append(r.ts, int64(i))
		r.class[0] = append(r.class[0], 0)
		r.status, r.client, r.agent = append(r.status, w.status), append(r.client, w.client), append(r.agent, w.agent)
		r.principal, r.path, r.rl, r.src = append(r.principal, w.prin), append(r.path, w.pth), append(r.rl, w.rl), append(r.src, w.src)
		r.dur, r.flags = append(r.dur, -1), append(r.flags, 0)
	}
	st := newTestStore(t, cat, r)
	rows, err := st.db.conn.QueryContext(context.Background(), `SELECT status, client, agent, principal, path, rl, src FROM requests ORDER BY ts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []row
	for rows.Next() {
		var g row
		if err := rows.Scan(&g.status, &g.client, &g.agent, &g.prin, &g.pth, &g.rl, &g.src); err != nil {
			t.Fatal(err)
		}
		got = append(got, g)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("unpacked %+v\nwant %+v", got, want)
	}
}

// TestDrillDownTiesByName checks that callers with the same count are ranked by name whatever ids
// their names got: ids follow the order in which the parsers' batches reach the loader, which differs
// from run to run, and the report must not.
func TestDrillDownTiesByName(t *testing.T) {
	cat := classify.Seed()
	_, users, ok := cat.BucketByID("users-get")
	if !ok {
		t.Fatal("no users-get bucket")
	}
	var agents [][]string
	for _, order := range [][]string{{"b", "a", "d", "c", "f", "e"}, {"f", "e", "d", "c", "b", "a"}} {
		var rq requestsOf
		for i := range 900 { // 150 requests from each of six agents in one minute: over the developer-free limit
			rq.add(1_790_000_000_000_000+int64(i)*10_000, users)
		}
		r := rq.rows()
		for i := range r.agent {
			r.agent[i] = uint32(2 + i%6)
		}
		src := newTestLive(t, false)
		mustAdd(t, src, r)
		if err := src.setNames(names{agents: append([]string{"", "(other)"}, order...)}); err != nil {
			t.Fatal(err)
		}
		res := mustAnalyze(t, src, cat, classify.DeveloperFree, 60)
		var top []string
		for _, s := range res.Buckets[0].Agents {
			top = append(top, s.Name)
		}
		agents = append(agents, top)
	}
	want := []string{"a", "b", "c", "d", "e"}
	for i, got := range agents {
		if !reflect.DeepEqual(got, want) {
			t.Errorf("id order %d: top agents %v, want %v", i, got, want)
		}
	}
}

// TestTopSharesMatchesSort: topShares keeps what sorting every count and taking the first
// drillDownTop gives, with many ties on counts and on names, ids without a name, and fewer counts
// than the top.
func TestTopSharesMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 9))
	names := []string{"", "b", "a", "a", "c", "b", "d"}
	for round := range 500 {
		counts := map[uint64]int64{}
		for range rng.IntN(40) {
			counts[uint64(rng.IntN(12))] = int64(1 + rng.IntN(1+round%6))
		}
		var all []idShare
		for id, n := range counts {
			all = append(all, idShare{Share: report.Share{Name: nameOf(names, id), Count: n}, id: id})
		}
		slices.SortFunc(all, func(a, b idShare) int {
			if a.Count != b.Count {
				return int(b.Count - a.Count)
			}
			if a.Name != b.Name {
				return strings.Compare(a.Name, b.Name)
			}
			return int(a.id) - int(b.id)
		})
		want := all[:min(len(all), drillDownTop)]
		if got := topShares(counts, names); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("round %d: topShares %+v, sorted %+v", round, got, want)
		}
	}
}

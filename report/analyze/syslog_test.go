package analyze

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
)

// sysEv is an Okta System Log event for a test file.
type sysEv struct {
	uuid, typ, reqID, uri string
	at                    time.Time
	extra                 string // more debugData, e.g. `,"threshold":"600"`
}

func (e sysEv) json() string {
	return fmt.Sprintf(`{"uuid":%q,"published":%q,"eventType":%q,"debugContext":{"debugData":{"requestId":%q,"requestUri":%q%s}},"transaction":{"type":"WEB","id":%q}}`,
		e.uuid, e.at.UTC().Format("2006-01-02T15:04:05.000Z"), e.typ, e.reqID, e.uri, e.extra, e.reqID)
}

// testUUID is the i-th test uuid of a series s (a UUID's shape, so that it identifies an event).
func testUUID(s, i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", s, i) }

// writeEvents writes the events one a line to dir/name and returns the path.
func writeEvents(t testing.TB, dir, name string, evs []sysEv) string {
	t.Helper()
	var b strings.Builder
	for _, e := range evs {
		b.WriteString(e.json())
		b.WriteByte('\n')
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runFiles(t testing.TB, paths []string, opt Options) *report.Result {
	t.Helper()
	if opt.Catalog == nil {
		opt.Catalog = classify.Seed()
	}
	if opt.WarnPercent == 0 {
		opt.Tier, opt.WarnPercent = classify.Enterprise, 60
	}
	res, err := Files(context.Background(), paths, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// filesByPath indexes a result's file accounting by path.
func filesByPath(res *report.Result) map[string]report.FileInput {
	m := map[string]report.FileInput{}
	for _, f := range res.Input.Files {
		m[f.Path] = f
	}
	return m
}

// TestSystemLogRequestsCountOnce: 66,000 requests of two events each, exported into per-event-type
// files, count 66,000 times (a Reader's window of recent request ids once lost them past 32-65
// thousand), each at its earliest event, whichever file holds it; the other event is a
// duplicate-request line of its file. Brute force over the generated events gives every figure; and
// the result is the same with one or two workers and with the files in either order.
func TestSystemLogRequestsCountOnce(t *testing.T) {
	dir := t.TempDir()
	const n = 66_000
	base := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	var creates, groups []sysEv
	perMinute := map[int64]int64{} // users requests per minute, by their earliest event
	wantCanon := map[string]int64{"creates.json": 0, "groups.json": 0}
	for i := range n {
		at := base.Add(time.Duration(i) * 60 * time.Second / 1000) // 1,000 a minute: over users' 600
		other := at.Add(time.Millisecond)
		if i%10 == 3 { // the membership event written first
			other = at.Add(-time.Millisecond)
		}
		id := fmt.Sprintf("req%020d", i)
		creates = append(creates, sysEv{testUUID(1, i), "user.lifecycle.create", id, "/api/v1/users", at, ""})
		groups = append(groups, sysEv{testUUID(2, i), "group.user_membership.add", id, "/api/v1/users", other, ""})
		first, file := at, "creates.json"
		if other.Before(at) {
			first, file = other, "groups.json"
		}
		perMinute[first.Unix()/60]++
		wantCanon[file]++
	}
	a, b := writeEvents(t, dir, "creates.json", creates), writeEvents(t, dir, "groups.json", groups)
	res := runFiles(t, []string{a, b}, Options{Workers: 2})
	users := bucketsByID(res)["users"]
	if users == nil || users.Requests != n || users.SystemLog != n || len(res.Buckets) != 1 {
		t.Fatalf("buckets %+v", res.Buckets)
	}
	for _, m := range users.Minutes {
		if m.Count != perMinute[m.Minute.Unix()/60] {
			t.Fatalf("minute %s: %d requests, brute force %d", m.Minute, m.Count, perMinute[m.Minute.Unix()/60])
		}
	}
	if len(users.Minutes) != len(perMinute) || users.ByTier[classify.Enterprise].Status != report.StatusOver {
		t.Errorf("%d minutes (want %d), status %s", len(users.Minutes), len(perMinute), users.ByTier[classify.Enterprise].Status)
	}
	files := filesByPath(res)
	for path, name := range map[string]string{a: "creates.json", b: "groups.json"} {
		f := files[path]
		if f.Lines != n || f.Requests != wantCanon[name] || f.Skipped != n-wantCanon[name] ||
			f.SkippedReasons[ingest.ReasonDuplicate] != n-wantCanon[name] || len(f.SkippedReasons) != 1 {
			t.Errorf("%s: %+v, want %d requests", name, f, wantCanon[name])
		}
	}
	if res.Input.Requests != n || res.Input.Skipped != n || res.Input.Lines != 2*n {
		t.Errorf("input %d lines, %d requests, %d skipped", res.Input.Lines, res.Input.Requests, res.Input.Skipped)
	}
	// The first skipped line of groups.json is event 0's, whose create event is counted.
	var ex *ingest.Skip
	for i := range res.Input.Examples {
		if e := &res.Input.Examples[i]; e.File == b && ex == nil {
			ex = e
		}
	}
	if ex == nil || ex.Line != 1 || ex.Reason != ingest.ReasonDuplicate || ex.Excerpt != "another event of the request counted at "+a+":1" {
		t.Errorf("first example of groups.json: %+v", ex)
	}
	// The same result with one worker, and with the files given the other way round.
	if one := runFiles(t, []string{a, b}, Options{Workers: 1}); !reflect.DeepEqual(one, res) {
		t.Error("one worker gives another result than two")
	}
	rev := runFiles(t, []string{b, a}, Options{Workers: 2})
	if !reflect.DeepEqual(rev.Buckets, res.Buckets) || !reflect.DeepEqual(filesByPath(rev), files) {
		t.Error("the files in the other order give other counts")
	}
}

// TestSystemLogEventsOnce: a log stream delivers events more than once, and exports overlap: the
// same uuid counts once, as a request and as an Okta rate-limit event, and its other copies are
// duplicate-event lines; Result.Events lists a repeated warning once.
func TestSystemLogEventsOnce(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 10, 14, 8, 0, 30, 0, time.UTC)
	warning := sysEv{testUUID(3, 1), "system.org.rate_limit.warning", "reqwarning000000001", "/api/v1/users", at,
		`,"threshold":"600","urlPattern":"/api/v1/users"`}
	burst := sysEv{testUUID(3, 2), "system.org.rate_limit.burst", "", "", at.Add(time.Second),
		`,"threshold":"600","urlPattern":"/api/v1/users"`}
	create := sysEv{testUUID(3, 3), "user.lifecycle.create", "reqcreate0000000001", "/api/v1/users", at.Add(2 * time.Second), ""}
	noUUID := sysEv{"redacted", "user.lifecycle.create", "", "/api/v1/users", at.Add(3 * time.Second), ""}
	noKey := sysEv{testUUID(3, 4), "user.lifecycle.create", "", "/api/v1/users", at.Add(4 * time.Second), ""} // only its uuid identifies it
	a := writeEvents(t, dir, "stream-1.json", []sysEv{warning, burst, create, noUUID, noKey})
	b := writeEvents(t, dir, "stream-2.json", []sysEv{noKey, create, warning, burst, warning, noUUID})
	res := runFiles(t, []string{a, b}, Options{})
	users := bucketsByID(res)["users"]
	// warning (a request too), create, noKey, and the two uuid-less creations, which nothing
	// identifies.
	if users == nil || users.Requests != 5 {
		t.Fatalf("buckets %+v", res.Buckets)
	}
	if len(res.Events) != 2 || res.Events[0].Type != warning.typ || res.Events[0].File != a || res.Events[0].Count != 5 ||
		res.Events[1].Type != burst.typ || res.Events[1].File != a {
		t.Errorf("events %+v", res.Events)
	}
	fa, fb := filesByPath(res)[a], filesByPath(res)[b]
	if fa.Requests != 4 || fa.Skipped != 1 || fa.SkippedReasons[ingest.ReasonRateLimitEvent] != 1 {
		t.Errorf("%s: %+v", a, fa)
	}
	// In the second file: noKey and create (their copies in the first file are as early, and first
	// by path), the warning twice, the burst: duplicates of events; the uuid-less creation counts.
	if fb.Requests != 1 || fb.Skipped != 5 || fb.SkippedReasons[ingest.ReasonDuplicateEvent] != 5 || len(fb.SkippedReasons) != 1 {
		t.Errorf("%s: %+v", b, fb)
	}
	// --dedupe then drops the uuid-less creation repeated at the same instant.
	if dd := runFiles(t, []string{a, b}, Options{Dedupe: true}); bucketsByID(dd)["users"].Requests != 4 || dd.Input.Duplicates != 1 {
		t.Errorf("--dedupe: %+v, %d dropped", dd.Buckets, dd.Input.Duplicates)
	}
}

// TestSystemLogMethods: the method of a System Log request from its event type where that is
// certain, the bucket every candidate method shares, and method-unknown otherwise, in a run and in a
// store analysed again.
func TestSystemLogMethods(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC)
	var evs []sysEv
	add := func(n int, typ, uri string, minute int) {
		for i := range n {
			k := len(evs)
			evs = append(evs, sysEv{testUUID(4, k), typ, fmt.Sprintf("reqmethods%010d", k), uri,
				base.Add(time.Duration(minute)*time.Minute + time.Duration(i)*time.Second*60/time.Duration(n)), ""})
		}
	}
	add(700, "user.lifecycle.create", "/api/v1/users", 0)                  // users, over its 600
	add(30, "user.account.update_profile", "/api/v1/users/00u1", 5)        // POST or PUT: users-update
	add(12, "application.user_membership.update", "/api/v1/users/00u2", 6) // any of four: unknown
	add(3, "user.session.start", "/api/v1/users/00u3/groups", 7)           // api-other whatever the method
	// A request with an event of each kind: its method is one both allow, so users-update.
	evs = append(evs, sysEv{testUUID(4, 9000), "application.user_membership.update", "reqboth00000000001", "/api/v1/users/00u4", base.Add(8 * time.Minute), ""},
		sysEv{testUUID(4, 9001), "user.account.update_profile", "reqboth00000000001", "/api/v1/users/00u4", base.Add(8*time.Minute + time.Millisecond), ""})
	path := writeEvents(t, dir, "events.json", evs)
	check := func(name string, res *report.Result) {
		t.Helper()
		got := map[string]int64{}
		for _, b := range res.Buckets {
			got[b.Bucket.ID] = b.Requests
		}
		if want := map[string]int64{"users": 700, "users-update": 31, "api-other": 3}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: buckets %v, want %v", name, got, want)
		}
		want := []report.MethodUnknown{{Buckets: []string{"users-get", "users-update"}, Requests: 12, Paths: []string{"/api/v1/users/{idOrLogin}"}}}
		if !reflect.DeepEqual(res.MethodUnknown, want) {
			t.Errorf("%s: method unknown %+v", name, res.MethodUnknown)
		}
		if v := bucketsByID(res)["users"].ByTier[classify.Enterprise]; v.Status != report.StatusOver {
			t.Errorf("%s: users %s", name, v.Status)
		}
	}
	check("run", runFiles(t, []string{path}, Options{}))
	db := filepath.Join(dir, "store.duckdb")
	check("ingest into a store", runFiles(t, []string{path}, Options{DB: db}))
	res, err := Store(context.Background(), db, Options{Catalog: classify.Seed(), Tier: classify.Enterprise, WarnPercent: 60})
	if err != nil {
		t.Fatal(err)
	}
	check("store", res)
	c25, _ := classify.Load("okta-2025")
	res, err = Store(context.Background(), db, Options{Catalog: c25, Tier: classify.Enterprise, WarnPercent: 60})
	if err != nil || len(res.MethodUnknown) != 1 || res.MethodUnknown[0].Requests != 12 || res.Catalog != "okta-2025" {
		t.Errorf("store, okta-2025: %v %+v", err, res)
	}
}

// TestFNV128 checks fnv128 against the standard library's FNV-1a.
func TestFNV128(t *testing.T) {
	for _, ss := range [][]string{{}, {""}, {"a"}, {"reqabc", "/api/v1/users"}, {"\xff\x00", strings.Repeat("x", 300)}} {
		h := fnv.New128a()
		for _, s := range ss {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
		sum := h.Sum(nil)
		want := hash128{binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:])}
		if got := fnv128(ss...); got != want {
			t.Errorf("fnv128(%q) = %x, want %x", ss, got, want)
		}
	}
}

// TestRequestKey: a request's key depends on its id and URI alone (not on what its scratch buffer
// held), is never zero, and tells apart pairs whose bytes run together ("ab", "c" and "a", "bc").
func TestRequestKey(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	seen := map[hash128][2]string{}
	var buf []byte
	word := func() string {
		b := make([]byte, rng.Intn(6))
		for i := range b {
			b[i] = "ab\x00/"[rng.Intn(4)]
		}
		return string(b)
	}
	for range 20_000 {
		id, uri := word(), word()
		got := requestKey(&buf, id, uri)
		var fresh []byte
		if again := requestKey(&fresh, id, uri); again != got {
			t.Fatalf("requestKey(%q, %q) = %x with a used buffer, %x with a fresh one", id, uri, got, again)
		}
		if got == (hash128{}) {
			t.Fatalf("requestKey(%q, %q) is zero", id, uri)
		}
		if p, ok := seen[got]; ok && p != [2]string{id, uri} {
			t.Fatalf("requestKey(%q, %q) = requestKey(%q, %q)", id, uri, p[0], p[1])
		}
		seen[got] = [2]string{id, uri}
	}
	if len(seen) < 1000 {
		t.Fatalf("only %d distinct pairs drawn", len(seen))
	}
}

// BenchmarkRequestKey and BenchmarkUUIDBits: the two hashes of every held System Log event, on the
// bench generator's shapes (samples/gen).
func BenchmarkRequestKey(b *testing.B) {
	var buf []byte
	for b.Loop() {
		requestKey(&buf, "paXVngTDsxMWE1RG9HSoxcAAAZK", "/api/v1/authn/factors/mblYiV8HXEMMI36arQUe/verify")
	}
}

func BenchmarkUUIDBits(b *testing.B) {
	for b.Loop() {
		uuidBits("0efd9d53-ec5c-41d4-a482-b851dc00b144")
	}
}

// TestGroupEvents checks the grouping of held events by request key and uuid against a brute force
// over random links, on one worker and, partitioned (equalNeighbours), on several.
func TestGroupEvents(t *testing.T) {
	defer func(m int) { hiPartMin = m }(hiPartMin)
	hiPartMin = 64
	s := &sysRows{}
	const n = 3000
	for i := range n {
		var key, uuid hash128
		switch {
		case i%7 == 0: // one first half, several whole hashes
			key = hash128{42, uint64(i % 11)}
		case i%3 != 0:
			key = hash128{uint64(i % 700), 1}
		}
		if i%5 != 0 && i%7 != 0 {
			uuid = hash128{uint64(i % 1100), 2}
		}
		s.key, s.uuid = append(s.key, key), append(s.uuid, uuid)
		s.ts = append(s.ts, int64(i))
	}
	// Brute force: repeat the links until nothing changes.
	want := make([]int, n)
	for i := range want {
		want[i] = i
	}
	for changed := true; changed; {
		changed = false
		for i := range n {
			for j := range n {
				linked := s.key[i] != (hash128{}) && s.key[i] == s.key[j] || s.uuid[i] != (hash128{}) && s.uuid[i] == s.uuid[j]
				if linked && want[j] > want[i] {
					want[j], changed = want[i], true
				}
			}
		}
	}
	for _, workers := range []int{1, 2, 4, 7, 16} {
		order, starts := groupEvents(s, workers)
		root := make([]int32, n)
		for g := 0; g+1 < len(starts); g++ {
			members := order[starts[g]:starts[g+1]]
			if !slices.IsSorted(members) {
				t.Fatalf("%d workers: group %d not in held order: %v", workers, g, members)
			}
			for _, i := range members {
				root[i] = members[0]
			}
		}
		for i := range n {
			if int(root[i]) != want[i] {
				t.Fatalf("%d workers: event %d in group %d, want %d", workers, i, root[i], want[i])
			}
		}
		if slices.Max(root) == 0 {
			t.Errorf("%d workers: everything in one group", workers)
		}
	}
}

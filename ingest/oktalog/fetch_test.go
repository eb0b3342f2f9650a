package oktalog

import (
	"bufio"
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/ratecard/ratecard/ingest/oktalog/oktatest"
)

// The tests run the fetcher against oktatest's in-process Okta on a simulated clock, and check
// what it wrote against the server's own event list: every event of [since, until) exactly once,
// in order, byte for byte (the server pretty-prints its pages; the segments hold each event
// compact on one line).

const testToken = "00SSWS-test-token-Zq8vX2"

var (
	testNow   = time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)
	testSince = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	testUntil = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
)

// testEvents spans from before since to after until, so the bounds matter.
func testEvents(n int) []oktatest.Event {
	return oktatest.Events(testSince.Add(-10*time.Minute), 37*time.Second, n)
}

// env is a server and the options that fetch from it.
type env struct {
	srv   *oktatest.Server
	clock *oktatest.Clock
	opt   Options
}

// newEnv starts a server for cfg (its clock and token filled in) and returns options for it.
func newEnv(t *testing.T, cfg oktatest.Config) *env {
	t.Helper()
	clock := oktatest.NewClock(testNow)
	cfg.Clock = clock
	if cfg.Token == "" && cfg.App == nil {
		cfg.Token = testToken
	}
	srv := oktatest.NewServer(cfg)
	t.Cleanup(srv.Close)
	org, err := ParseOrg(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	return &env{srv: srv, clock: clock, opt: Options{Org: org, Since: testSince, Until: testUntil, Dir: filepath.Join(t.TempDir(), "logs"),
		Credential: APIToken(testToken), Clock: clock, Rand: r.Float64, Timeout: 5 * time.Second}}
}

// expected is the server's events in [since, until), compact, in order.
func expected(evs []oktatest.Event, since, until time.Time) []string {
	var out []string
	for _, e := range evs {
		if !e.Published.Before(since) && e.Published.Before(until) {
			out = append(out, string(e.JSON))
		}
	}
	return out
}

// readSegments returns the lines of dir's segments in name order, and fails on a leftover
// temporary file or a segment the checkpoint does not count.
func readSegments(t *testing.T, dir string) []string {
	t.Helper()
	m, err := ReadManifest(dir)
	if err != nil || m == nil {
		t.Fatalf("manifest: %v %v", m, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	segs := 0
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".tmp") {
			t.Errorf("leftover temporary file %s", name)
		}
		if strings.HasPrefix(name, ".") {
			continue
		}
		segs++
		if name != SegmentName(segs) {
			t.Errorf("segment %d is named %s", segs, name)
		}
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	if segs != m.Segments {
		t.Errorf("%d segment files, checkpoint counts %d", segs, m.Segments)
	}
	if int64(len(lines)) != m.Events {
		t.Errorf("%d events in the segments, checkpoint counts %d", len(lines), m.Events)
	}
	return lines
}

// checkExactlyOnce compares the directory with the expected events.
func checkExactlyOnce(t *testing.T, dir string, want []string) {
	t.Helper()
	got := readSegments(t, dir)
	if len(got) != len(want) {
		t.Fatalf("%d events written, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("event %d:\n got %s\nwant %s", i+1, got[i], want[i])
		}
	}
}

// checkShare asserts that no rate-limit window saw more of the fetcher's requests than its budget.
func checkShare(t *testing.T, srv *oktatest.Server, limit, share int) {
	t.Helper()
	b := max(1, limit*share/100)
	for w, n := range srv.PerWindow() {
		if n > b {
			t.Errorf("window ending %s: %d requests, budget %d (limit %d, share %d %%)", time.Unix(w, 0).UTC().Format(time.RFC3339), n, b, limit, share)
		}
	}
}

// checkProblems fails on any protocol violation the server recorded.
func checkProblems(t *testing.T, srv *oktatest.Server) {
	t.Helper()
	for _, p := range srv.Problems {
		t.Error("server:", p)
	}
}

func TestFetchPagingAndBounds(t *testing.T) {
	evs := testEvents(3000)
	for _, tc := range []struct {
		name  string
		cfg   oktatest.Config
		pages int // pages per segment
	}{
		{"short pages", oktatest.Config{MaxPage: 97}, 10},
		{"full pages", oktatest.Config{}, 3},
		{"empty last page", oktatest.Config{MaxPage: 250, EmptyLastPage: true}, 2},
		{"one page per segment", oktatest.Config{MaxPage: 400}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Events, tc.cfg.Limit = evs, 1000
			e := newEnv(t, tc.cfg)
			e.opt.PagesPerSegment = tc.pages
			res, err := Fetch(context.Background(), e.opt)
			if err != nil {
				t.Fatal(err)
			}
			want := expected(evs, testSince, testUntil)
			if len(want) < 1000 || len(want) == len(evs) {
				t.Fatalf("the test's range holds %d of %d events: it must cut", len(want), len(evs))
			}
			checkExactlyOnce(t, e.opt.Dir, want)
			checkProblems(t, e.srv)
			q := e.srv.FirstQuery
			if q.Get("since") != "2026-11-01T00:00:00.000Z" || q.Get("until") != "2026-11-02T00:00:00.000Z" || q.Get("limit") != "1000" || q.Get("sortOrder") != "ASCENDING" {
				t.Errorf("first request's query: %v", q)
			}
			if !res.Manifest.Complete() || res.Manifest.Next != "" || res.Manifest.Events != int64(len(want)) {
				t.Errorf("manifest: %+v", res.Manifest)
			}
			if got := e.srv.LogRequests(); len(got) != int(res.PagesRun) {
				t.Errorf("%d requests for %d pages", len(got), res.PagesRun)
			}
		})
	}
}

func TestFetchShare(t *testing.T) {
	evs := testEvents(3000)
	for _, tc := range []struct {
		name                   string
		window                 time.Duration
		limit, share, otherUse int
		faults                 map[int]oktatest.Fault
		skew                   time.Duration // Okta's clock ahead of the local one
	}{
		{"3 s window, half", 3 * time.Second, 6, 50, 0, nil, 0},
		{"5 s window, 30 %", 5 * time.Second, 10, 30, 0, nil, 0},
		{"share 1 % rounds up to one request", 2 * time.Second, 20, 1, 0, nil, 0},
		{"whole limit", 4 * time.Second, 5, 100, 0, nil, 0},
		{"others use most of each window", 3 * time.Second, 8, 50, 6, nil, 0},
		{"odd limit floors", 3 * time.Second, 7, 50, 0, nil, 0},
		// A connection closed before any answer makes net/http resend the request by itself: Okta
		// counts both, and so must the fetcher.
		{"connections reset", 10 * time.Second, 20, 50, 0, map[int]oktatest.Fault{4: oktatest.FaultReset, 6: oktatest.FaultReset, 7: oktatest.FaultReset, 9: oktatest.FaultReset}, 0},
		// Waits are timed by Okta's Date header, not the local clock.
		{"Okta's clock 20 s behind", 3 * time.Second, 6, 50, 0, nil, -20 * time.Second},
		{"Okta's clock 7.5 s ahead", 5 * time.Second, 8, 50, 0, nil, 7500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, oktatest.Config{Events: evs, MaxPage: 50, Window: tc.window, Limit: tc.limit, OtherUse: tc.otherUse, Faults: tc.faults, Skew: tc.skew})
			e.opt.Share = tc.share
			var waits int
			e.opt.OnProgress = func(p Progress) {
				if p.Waiting > 0 {
					waits++
				}
			}
			start := e.clock.Now()
			res, err := Fetch(context.Background(), e.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkExactlyOnce(t, e.opt.Dir, expected(evs, testSince, testUntil))
			checkShare(t, e.srv, tc.limit, tc.share)
			checkProblems(t, e.srv)
			for _, r := range e.srv.LogRequests() {
				if r.Status == http.StatusTooManyRequests {
					t.Errorf("a request at %s got a 429: the fetcher should have waited", r.At.Format(time.RFC3339))
				}
			}
			budget := max(1, tc.limit*tc.share/100)
			if tc.otherUse > 0 {
				budget = min(budget, tc.limit-tc.otherUse)
			}
			windows := (int(res.PagesRun) + budget - 1) / budget
			if elapsed := e.clock.Now().Sub(start); elapsed > time.Duration(windows+2)*tc.window {
				t.Errorf("%d pages took %s: more than %d windows of %s (the budget of %d a window is not used)", res.PagesRun, elapsed, windows+2, tc.window, budget)
			}
			if waits == 0 {
				t.Error("the fetcher never waited for a window")
			}
		})
	}
}

func TestFetchRetries(t *testing.T) {
	evs := testEvents(600)
	// One fault per page, two on page 7: request n is page n/2+1 (the odd ones succeed).
	faults := map[int]oktatest.Fault{2: oktatest.Fault429, 4: oktatest.Fault500, 6: oktatest.FaultDrop, 8: oktatest.FaultTruncate,
		10: oktatest.FaultReset, 12: oktatest.Fault500, 13: oktatest.Fault500, 15: oktatest.FaultSlow}
	e := newEnv(t, oktatest.Config{Events: evs, MaxPage: 60, Window: 10 * time.Second, Limit: 60, Faults: faults})
	e.opt.Timeout = 100 * time.Millisecond
	res, err := Fetch(context.Background(), e.opt)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Close() // waits for the late answer of the slow request
	checkExactlyOnce(t, e.opt.Dir, expected(evs, testSince, testUntil))
	checkShare(t, e.srv, 60, 50)
	checkProblems(t, e.srv)
	reqs := e.srv.LogRequests()
	if len(reqs) != int(res.PagesRun)+len(faults) {
		t.Errorf("%d requests for %d pages and %d faults", len(reqs), res.PagesRun, len(faults))
	}
	// After the 429, the next request waits for the window's Reset.
	if reqs[2].At.Unix() < reqs[1].Window {
		t.Errorf("retry after the 429 at %s, before the window's reset %s", reqs[2].At, time.Unix(reqs[1].Window, 0))
	}
	// After the two 500s of page 7, exponential backoff: 0.5-1 s, then 1-2 s.
	if d := reqs[12].At.Sub(reqs[11].At); d < 500*time.Millisecond || d > 1100*time.Millisecond {
		t.Errorf("first backoff %s", d)
	}
	if d := reqs[13].At.Sub(reqs[12].At); d < time.Second || d > 2100*time.Millisecond {
		t.Errorf("second backoff %s", d)
	}
}

func TestFetchGivesUpAndResumes(t *testing.T) {
	evs := testEvents(600)
	faults := map[int]oktatest.Fault{}
	for i := 6; i < 6+DefaultMaxTries; i++ {
		faults[i] = oktatest.Fault500
	}
	e := newEnv(t, oktatest.Config{Events: evs, MaxPage: 60, Faults: faults})
	e.opt.PagesPerSegment = 2
	res, err := Fetch(context.Background(), e.opt)
	if err == nil || !strings.Contains(err.Error(), "gave up after 8 tries") || !strings.Contains(err.Error(), "500") {
		t.Fatalf("err = %v", err)
	}
	if res == nil || res.Manifest.Events != 5*60 || res.Manifest.Complete() {
		t.Fatalf("kept %+v", res)
	}
	// The same command again continues from page 6.
	before := len(e.srv.LogRequests())
	res, err = Fetch(context.Background(), e.opt)
	if err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, e.opt.Dir, expected(evs, testSince, testUntil))
	if !res.Resumed || e.srv.LogRequests()[before].URL != e.srv.LogRequests()[before-1].URL {
		t.Errorf("the resumed fetch did not start with the page that failed")
	}
}

func TestFetchIdempotent(t *testing.T) {
	evs := testEvents(300)
	e := newEnv(t, oktatest.Config{Events: evs, MaxPage: 50})
	if _, err := Fetch(context.Background(), e.opt); err != nil {
		t.Fatal(err)
	}
	n := len(e.srv.Requests)
	res, err := Fetch(context.Background(), e.opt)
	if err != nil || !res.NothingToDo {
		t.Fatalf("second run: %+v %v", res, err)
	}
	if len(e.srv.Requests) != n {
		t.Errorf("a completed fetch sent %d more requests", len(e.srv.Requests)-n)
	}
	checkExactlyOnce(t, e.opt.Dir, expected(evs, testSince, testUntil))
}

func TestFetchAuthErrors(t *testing.T) {
	e := newEnv(t, oktatest.Config{Events: testEvents(100)})
	e.opt.Credential = APIToken("00wrong-token-value-77")
	_, err := Fetch(context.Background(), e.opt)
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"OKTA_API_TOKEN", "/api/v1/logs", "E0000011", "Read-Only Administrator"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "00wrong") {
		t.Errorf("the error shows the token: %v", err)
	}
	// A token revoked mid-fetch: 401 on the third page, no retry, what was read is kept.
	e = newEnv(t, oktatest.Config{Events: testEvents(600), MaxPage: 60, Faults: map[int]oktatest.Fault{3: oktatest.Fault401}})
	res, err := Fetch(context.Background(), e.opt)
	if !errors.As(err, &ae) || res.Manifest.Events != 120 || len(e.srv.LogRequests()) != 3 {
		t.Fatalf("revoked: %v, %+v, %d requests", err, res.Manifest, len(e.srv.LogRequests()))
	}
}

func TestFetchForeignLink(t *testing.T) {
	var foreign int
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { foreign++ }))
	defer other.Close()
	e := newEnv(t, oktatest.Config{Events: testEvents(300), MaxPage: 50, ForeignNext: other.URL + "/api/v1/logs?after=x"})
	_, err := Fetch(context.Background(), e.opt)
	if err == nil || !strings.Contains(err.Error(), "refusing to send the credential") {
		t.Fatalf("err = %v", err)
	}
	if foreign != 0 {
		t.Errorf("the other host got %d requests", foreign)
	}
}

// TestFetchInterruptedAtEveryPage cancels the fetch after each page in turn (as Ctrl-C does), runs
// it again, and checks that the directory then holds every event exactly once.
func TestFetchInterruptedAtEveryPage(t *testing.T) {
	evs := testEvents(400)
	want := expected(evs, testSince, testUntil)
	for stopAt := 1; stopAt <= 8; stopAt++ {
		e := newEnv(t, oktatest.Config{Events: evs, MaxPage: 30})
		e.opt.PagesPerSegment = 3
		ctx, cancel := context.WithCancel(context.Background())
		e.opt.OnProgress = func(p Progress) {
			if p.Pages == int64(stopAt) && p.Waiting == 0 {
				cancel()
			}
		}
		_, err := Fetch(ctx, e.opt)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stop at %d: err = %v", stopAt, err)
		}
		m, _ := ReadManifest(e.opt.Dir)
		if m.Events != int64(stopAt*30) {
			t.Errorf("stop at %d: the checkpoint counts %d events, want every page read (%d)", stopAt, m.Events, stopAt*30)
		}
		e.opt.OnProgress = nil
		if _, err := Fetch(context.Background(), e.opt); err != nil {
			t.Fatal(err)
		}
		checkExactlyOnce(t, e.opt.Dir, want)
	}
}

// TestFetchCrashBetweenRenames makes the fetch die (an injected failure) before and after each
// segment rename in turn, runs it again, and checks exactly-once.
func TestFetchCrashBetweenRenames(t *testing.T) {
	evs := testEvents(400)
	want := expected(evs, testSince, testUntil)
	for _, where := range []string{"before", "after"} {
		for crashAt := 1; crashAt <= 5; crashAt++ {
			e := newEnv(t, oktatest.Config{Events: evs, MaxPage: 30})
			e.opt.PagesPerSegment = 2
			commits := 0
			crash := func() error {
				if commits++; commits == crashAt {
					return errors.New("killed")
				}
				return nil
			}
			hook := func(st *store) {
				if where == "before" {
					st.beforeRename = crash
				} else {
					st.afterRename = crash
				}
			}
			if _, err := fetchWithHook(e.opt, hook); err == nil || !strings.Contains(err.Error(), "killed") {
				t.Fatalf("%s rename %d: err = %v", where, crashAt, err)
			}
			if _, err := Fetch(context.Background(), e.opt); err != nil {
				t.Fatal(err)
			}
			checkExactlyOnce(t, e.opt.Dir, want)
		}
	}
}

// fetchWithHook runs Fetch with a store hook installed.
func fetchWithHook(opt Options, hook func(*store)) (*Result, error) {
	testStoreHook = hook
	defer func() { testStoreHook = nil }()
	return Fetch(context.Background(), opt)
}

func TestFetchBoundaryDuplicate(t *testing.T) {
	evs := testEvents(200)
	// The server repeats, at the start of a page, the last event of the page before (same
	// uuid and published time), as a cursor that is not strictly after would.
	var dup []oktatest.Event
	for i, ev := range evs {
		dup = append(dup, ev)
		if i%25 == 24 {
			dup = append(dup, ev)
		}
	}
	e := newEnv(t, oktatest.Config{Events: dup, MaxPage: 25})
	res, err := Fetch(context.Background(), e.opt)
	if err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, e.opt.Dir, expected(evs, testSince, testUntil))
	if res.Manifest.Duplicates == 0 {
		t.Error("no duplicate counted")
	}
}

func TestFetchEmptyRange(t *testing.T) {
	e := newEnv(t, oktatest.Config{Events: testEvents(50)})
	e.opt.Since, e.opt.Until = testUntil.Add(24*time.Hour), testUntil.Add(48*time.Hour)
	res, err := Fetch(context.Background(), e.opt)
	if err != nil || !res.Manifest.Complete() || res.Manifest.Events != 0 || res.Manifest.Segments != 0 {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestDirectoryRefused(t *testing.T) {
	e := newEnv(t, oktatest.Config{Events: testEvents(50)})
	os.MkdirAll(e.opt.Dir, 0o755)
	os.WriteFile(filepath.Join(e.opt.Dir, "notes.txt"), []byte("mine"), 0o644)
	if _, err := Fetch(context.Background(), e.opt); err == nil || !strings.Contains(err.Error(), "no fetch checkpoint") {
		t.Fatalf("err = %v", err)
	}
	e = newEnv(t, oktatest.Config{Events: testEvents(50)})
	if _, err := Fetch(context.Background(), e.opt); err != nil {
		t.Fatal(err)
	}
	e.opt.Until = e.opt.Until.Add(time.Hour)
	var me *MismatchError
	if _, err := Fetch(context.Background(), e.opt); !errors.As(err, &me) {
		t.Fatalf("err = %v", err)
	}
}

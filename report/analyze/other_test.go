package analyze

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// TestOtherCounts counts random requests in the other catalog's classes as three workers would, with
// the pages bounded or not, sums them, and holds every class's requests and busiest minute to a brute
// force count; and holds a store's SQL count of the same requests to it.
func TestOtherCounts(t *testing.T) {
	seed := classify.Seed()
	okta, err := classify.Load("okta-2025")
	if err != nil {
		t.Fatal(err)
	}
	defer func(n int) { maxPages = n }(maxPages)
	rng := rand.New(rand.NewPCG(17, 2))
	const minute = 60_000_000
	for round := range 8 {
		maxPages = 1 << 14
		if round%2 == 1 {
			maxPages = 1 + round/2 // most minutes are counted one by one
		}
		n := 3000 + rng.IntN(5000)
		ts := make([]int64, n)
		cls := [][]uint8{make([]uint8, n), make([]uint8, n)}
		base := int64(rng.IntN(4000)-2000) * minute // around 1970: negative instants too
		type key struct {
			cl uint8
			m  int64
		}
		brute := map[key]int64{}
		workers := []*otherCounts{newOtherCounts(), newOtherCounts(), newOtherCounts()}
		for i := range n {
			ts[i] = base + rng.Int64N(3*1440*minute)
			if rng.IntN(3) == 0 { // a busy hour
				ts[i] = base + rng.Int64N(60*minute)
			}
			cl := uint8(rng.IntN(len(okta.Buckets)))
			switch i % 11 {
			case 0:
				cl = uint8(classify.PublicMetadata)
			case 1:
				cl = uint8(classify.OutsideCatalog)
			}
			cls[1][i] = cl
			cls[0][i] = uint8(rng.IntN(len(seed.Buckets)))
			workers[rng.IntN(len(workers))].add(ts[i], cl)
			if cl < uint8(classify.PublicMetadata) {
				brute[key{cl, floorDiv(ts[i], minute)}]++
			}
		}
		want := map[uint8]otherPeak{}
		for k, c := range brute {
			p, ok := want[k.cl]
			p.requests += c
			if !ok || c > p.peak || c == p.peak && k.m < p.minute {
				p.peak, p.minute = c, k.m
			}
			want[k.cl] = p
		}
		sum := newOtherCounts()
		for _, w := range workers {
			sum.merge(w)
		}
		if got := sum.peaks(); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: counted %v, want %v", round, got, want)
		}
		if len(want) < len(okta.Buckets)/2 {
			t.Fatalf("round %d: only %d classes had traffic", round, len(want))
		}

		st := newTestStoreOf(t, []*classify.Catalog{seed, okta}, seed, plainRows(ts, cls...))
		got, err := st.otherCatalog(context.Background(), "okta-2025")
		if err != nil {
			t.Fatal(err)
		}
		if w := otherResult(okta, want); !reflect.DeepEqual(got, w) {
			t.Fatalf("round %d: the store's SQL count %+v differs from %+v", round, got, w)
		}
	}
}

// TestOtherCatalogMatchesItsOwnRun holds the comparison with the other built-in catalog to an
// independent run in that catalog, on the bundled samples together with Okta System Log events whose
// methods are certain, narrowed to two, or unknown: every bucket of Result.Other has the requests,
// minute peak and peak minute that bucket has when the same files are analysed with that catalog,
// and no other bucket has traffic there. Both ways (seed against okta-2025 and the reverse).
func TestOtherCatalogMatchesItsOwnRun(t *testing.T) {
	samples, err := filepath.Glob(filepath.Join("..", "..", "samples", "okta-egress-*.log.gz"))
	if err != nil || len(samples) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	kinds := []struct{ typ, uri string }{
		{"user.lifecycle.create", "/api/v1/users"},                            // POST only
		{"user.account.update_profile", "/api/v1/users/00u%d"},                // POST or PUT
		{"user.lifecycle.activate", "/api/v1/users/00u%d/lifecycle/activate"}, // POST only
		{"group.user_membership.add", "/api/v1/groups/00g%d/users/00u1"},
		{"app.oauth2.as.token.grant", "/oauth2/aus%d/v1/token"},
		{"user.session.start", "/api/v1/authn"},
		{"application.lifecycle.update", "/api/v1/apps/0oa%d"},
		{"policy.lifecycle.update", "/api/v1/policies/00p%d"},
		{"system.org.rate_limit.warning", "/api/v1/logs"},
		{"user.session.access_admin_app", "/.well-known/openid-configuration"},
		{"user.authentication.sso", "/app/salesforce/exk%d/sso/saml"},
		{"user.account.privilege.grant", "/api/v1/users/00u%d"}, // GET, POST, PUT or DELETE: method unknown
		{"group.profile.update", "/api/v1/groups/00g%d"},
	}
	rng := rand.New(rand.NewPCG(5, 21))
	base := time.Date(2026, 10, 13, 0, 55, 0, 0, time.UTC) // overlapping the samples' busiest hour
	var evs []sysEv
	for i := range 20_000 {
		k := kinds[rng.IntN(len(kinds))]
		uri := k.uri
		if strings.Contains(uri, "%d") {
			uri = fmt.Sprintf(uri, rng.IntN(50))
		}
		at := base.Add(time.Duration(rng.Int64N(int64(40 * time.Minute))))
		evs = append(evs, sysEv{testUUID(7, i), k.typ, fmt.Sprintf("req%08d", i), uri, at, ""})
	}
	paths := append(samples, writeEvents(t, t.TempDir(), "systemlog.json", evs))
	for _, pair := range [][2]string{{"seed", "okta-2025"}, {"okta-2025", "seed"}} {
		cat, err := classify.Load(pair[0])
		if err != nil {
			t.Fatal(err)
		}
		other, err := classify.Load(pair[1])
		if err != nil {
			t.Fatal(err)
		}
		res := runFiles(t, paths, Options{Catalog: cat, Workers: 2})
		own := runFiles(t, paths, Options{Catalog: other, Workers: 2})
		if res.Other == nil || res.Other.Catalog != pair[1] {
			t.Fatalf("%s: Other = %+v", pair[0], res.Other)
		}
		if own.Input.Requests != res.Input.Requests {
			t.Fatalf("%s: %d requests, %s run %d", pair[0], res.Input.Requests, pair[1], own.Input.Requests)
		}
		got := map[string]report.OtherBucket{}
		for _, b := range res.Other.Buckets {
			got[b.Bucket.ID] = b
		}
		var sys int64
		for _, b := range own.Buckets {
			sys += b.SystemLog
			g, ok := got[b.Bucket.ID]
			if !ok || g.Requests != b.Requests || g.Peak != b.Peak || !g.PeakMinute.Equal(b.PeakMinute) {
				t.Errorf("%s, bucket %s of %s: comparison %d requests, peak %d at %s; its own run %d, %d at %s",
					pair[0], b.Bucket.ID, pair[1], g.Requests, g.Peak, g.PeakMinute, b.Requests, b.Peak, b.PeakMinute)
			}
			delete(got, b.Bucket.ID)
		}
		for id, b := range got {
			t.Errorf("%s: the comparison has %d requests in %s, which has none in a %s run", pair[0], b.Requests, id, pair[1])
		}
		if sys < 10_000 || own.MethodUnknownRequests() == 0 {
			t.Errorf("%s run: only %d System Log requests in buckets, %d of unknown method", pair[1], sys, own.MethodUnknownRequests())
		}
	}
}

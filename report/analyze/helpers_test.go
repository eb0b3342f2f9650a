package analyze

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// newTestLive makes a live source (kept for a second analysis with keep), closed when the test ends.
func newTestLive(t testing.TB, keep bool) *live {
	t.Helper()
	l, err := newLive(keep)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.close() })
	return l
}

// plainRows is a batch of requests with nothing but their instants and classes (cls[k] in the k-th
// catalog).
func plainRows(ts []int64, cls ...[]uint8) *rowBatch {
	n := len(ts)
	dur := make([]int64, n)
	for i := range dur {
		dur[i] = -1
	}
	return &rowBatch{ts: ts, class: cls, status: make([]uint16, n), src: make([]uint8, n), rl: make([]int32, n),
		client: make([]uint64, n), agent: make([]uint32, n), principal: make([]uint32, n), path: make([]uint32, n),
		dur: dur, flags: make([]uint8, n)}
}

// requestsOf collects requests with nothing but an instant and a class, for plainRows.
type requestsOf struct {
	ts  []int64
	cls []uint8
}

func (r *requestsOf) add(ts int64, cl classify.Class) {
	r.ts, r.cls = append(r.ts, ts), append(r.cls, uint8(cl))
}

func (r *requestsOf) rows() *rowBatch { return plainRows(r.ts, r.cls) }

// mustAdd adds rows to dst, failing the test on error.
func mustAdd(t testing.TB, dst sink, rows *rowBatch) {
	t.Helper()
	if err := dst.add(rows); err != nil {
		t.Fatal(err)
	}
}

// mustAnalyze analyses src against cat on tier with the warning threshold warn.
func mustAnalyze(t testing.TB, src source, cat *classify.Catalog, tier classify.Tier, warn int) *report.Result {
	t.Helper()
	res, err := analyze(context.Background(), src, cat, params{tier: tier, warn: warn}, report.Input{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// bucketsByID indexes res's buckets by id.
func bucketsByID(res *report.Result) map[string]*report.BucketResult {
	m := map[string]*report.BucketResult{}
	for i := range res.Buckets {
		m[res.Buckets[i].Bucket.ID] = &res.Buckets[i]
	}
	return m
}

// newTestStore makes a store of rows classified by cat (its only catalog), closes it, and opens it
// again, so that its analysis counts the minutes in SQL; it is closed when the test ends.
func newTestStore(t testing.TB, cat *classify.Catalog, rows *rowBatch) *store {
	t.Helper()
	return newTestStoreOf(t, []*classify.Catalog{cat}, cat, rows)
}

// newTestStoreOf is newTestStore for rows classified by each of cats (one class column each),
// analysed against cat.
func newTestStoreOf(t testing.TB, cats []*classify.Catalog, cat *classify.Catalog, rows *rowBatch) *store {
	t.Helper()
	return newTestStoreNamed(t, cats, cat, rows, nil)
}

// newTestStoreNamed is newTestStoreOf with the names behind the rows' ids, when nm is not nil.
func newTestStoreNamed(t testing.TB, cats []*classify.Catalog, cat *classify.Catalog, rows *rowBatch, nm *names) *store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "store.duckdb")
	st, err := createStore(path, cats, cat)
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, st, rows)
	if nm != nil {
		if err := st.setNames(*nm); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.saveInput(report.Input{}, nil); err != nil {
		t.Fatal(err)
	}
	st.close()
	st, _, err = openStore(path, cat)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.close() })
	return st
}

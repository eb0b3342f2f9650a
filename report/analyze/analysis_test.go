package analyze

import (
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// TestAnalyzer loads hand-placed rows into DuckDB and checks every computed figure.
func TestAnalyzer(t *testing.T) {
	cat := classify.Seed()
	_, apps, _ := cat.BucketByID("apps")
	_, logs, _ := cat.BucketByID("logs")
	_, orgs, _ := cat.BucketByID("orgs")
	base := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC).UnixMicro()
	sec := int64(time.Second / time.Microsecond)
	var rq requestsOf
	add := rq.add
	// apps: 70 in the last 30 s of 08:00 and 70 in the first 30 s of 08:01; then 70 again in 08:05
	// (a tie with 08:00's count, which must lose to the earlier minute).
	for i := int64(0); i < 70; i++ {
		add(base+30*sec+i*sec*4/10, apps)
		add(base+60*sec+i*sec*4/10, apps)
		add(base+300*sec+i*sec/2, apps)
	}
	// logs: 25 requests at the very same microsecond, and one 60 s later (outside the window).
	for i := 0; i < 25; i++ {
		add(base+7200*sec+123, logs)
	}
	add(base+7260*sec+123, logs)
	// orgs: traffic the developer tiers do not offer. Before 1970, to check minute flooring.
	add(-90*sec, orgs)
	add(-31*sec, orgs)
	add(base, classify.PublicMetadata)
	add(base, classify.OutsideCatalog)
	add(base, classify.OutsideCatalog)

	src := newTestLive(t, false)
	mustAdd(t, src, rq.rows())
	res := mustAnalyze(t, src, cat, classify.Enterprise, 60)
	if res.PublicMetadata != 1 || res.OutsideCatalog != 2 {
		t.Errorf("public %d outside %d", res.PublicMetadata, res.OutsideCatalog)
	}
	if want := time.Unix(-120, 0).UTC(); !res.From.Equal(want) {
		t.Errorf("from %v, want %v", res.From, want)
	}
	if want := time.UnixMicro(base + 7260*sec).Add(time.Minute); !res.To.Equal(want) { // the minute after the last request
		t.Errorf("to %v, want %v", res.To, want)
	}
	got := bucketsByID(res)
	var order []string
	for i := range res.Buckets {
		order = append(order, res.Buckets[i].Bucket.ID)
	}
	if strings.Join(order, ",") != "apps,logs,orgs" {
		t.Fatalf("buckets %v, want catalog order apps,logs,orgs", order)
	}
	a := got["apps"]
	if a.Requests != 210 || a.Peak != 70 || !a.PeakMinute.Equal(time.UnixMicro(base).UTC()) {
		t.Errorf("apps peak %d at %v (requests %d)", a.Peak, a.PeakMinute, a.Requests)
	}
	if a.Rolling != 140 || !a.RollingFrom.Equal(time.UnixMicro(base+30*sec).UTC()) {
		t.Errorf("apps rolling %d from %v", a.Rolling, a.RollingFrom)
	}
	e := a.ByTier[classify.Enterprise]
	if e.Status != report.StatusNear || e.RollingStatus != report.StatusOver || e.MinutesNear != 3 || e.MinutesOver != 0 || e.Utilization != 0.7 || e.RollingUtil != 1.4 {
		t.Errorf("apps enterprise %+v", e)
	}
	if f := a.ByTier[classify.DeveloperFree]; f.Status != report.StatusOver || f.MinutesOver != 3 || f.Limit != 20 {
		t.Errorf("apps developer-free %+v", f)
	}
	l := got["logs"]
	if l.Peak != 25 || l.Rolling != 25 || !l.RollingFrom.Equal(time.UnixMicro(base+7200*sec+123).UTC()) {
		t.Errorf("logs peak %d rolling %d from %v", l.Peak, l.Rolling, l.RollingFrom)
	}
	o := got["orgs"]
	if o.Peak != 1 || !o.PeakMinute.Equal(time.Unix(-120, 0).UTC()) || o.Rolling != 2 {
		t.Errorf("orgs peak %d at %v rolling %d", o.Peak, o.PeakMinute, o.Rolling)
	}
	if v := o.ByTier[classify.OneApp]; v.Status != report.StatusUnavailable || v.Limit != classify.NA {
		t.Errorf("orgs one-app %+v", v)
	}
	var ent, free *report.TierResult
	for i := range res.Tiers {
		switch res.Tiers[i].Tier {
		case classify.Enterprise:
			ent = &res.Tiers[i]
		case classify.DeveloperFree:
			free = &res.Tiers[i]
		}
	}
	if strings.Join(ent.BucketsNear, ",") != "apps" || len(ent.BucketsOver) != 0 || strings.Join(ent.BucketsRollingOver, ",") != "apps" || ent.MinutesOver != 0 {
		t.Errorf("enterprise %+v", ent)
	}
	if strings.Join(free.BucketsOver, ",") != "apps,logs" || strings.Join(free.BucketsUnavailable, ",") != "orgs" || free.MinutesOver != 4 {
		t.Errorf("developer-free %+v", free)
	}
}

// TestAnalyzerManyBatches crosses several Arrow batch boundaries.
func TestAnalyzerManyBatches(t *testing.T) {
	cat := classify.Seed()
	_, users, _ := cat.BucketByID("users-get")
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	const n = 3*batchRows + 17
	var rq requestsOf
	for i := int64(0); i < n; i++ {
		rq.add(base+i*1000, users) // one per millisecond
	}
	src := newTestLive(t, false)
	mustAdd(t, src, rq.rows())
	res := mustAnalyze(t, src, cat, classify.Enterprise, 60)
	b := res.Buckets[0]
	if b.Requests != n || b.Peak != 60000 || b.Rolling != 60000 {
		t.Errorf("requests %d peak %d rolling %d", b.Requests, b.Peak, b.Rolling)
	}
}

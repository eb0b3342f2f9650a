package analyze

import (
	"testing"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

func TestLearnedOverrides(t *testing.T) {
	cat := classify.Seed()
	b := func(id string, learned, event int) report.BucketResult {
		bk, _, ok := cat.BucketByID(id)
		if !ok {
			t.Fatalf("no bucket %s", id)
		}
		return report.BucketResult{Bucket: bk, LearnedLimit: learned, EventThreshold: event}
	}
	// users-get: the header (600) wins over an event's 999; logs: only events (80); apps: nothing.
	res := &report.Result{Tier: classify.Enterprise,
		Buckets: []report.BucketResult{b("users-get", 600, 999), b("logs", 0, 80), b("apps", 0, 0)}}
	ov := learnedOverrides(res)
	if ov == nil || ov.Name != learnedName || len(ov.Limits) != 2 {
		t.Fatalf("overrides %+v", ov)
	}
	want := map[string]int{"users-get": 600, "logs": 80}
	for _, l := range ov.Limits {
		if l.Limit != want[l.Bucket] || l.Tier != classify.Enterprise || l.AllTiers {
			t.Errorf("override %+v, want %s=%d on enterprise", l, l.Bucket, want[l.Bucket])
		}
	}
	cat2, err := cat.WithOverrides(ov)
	if err != nil {
		t.Fatal(err)
	}
	if bk, _, _ := cat2.BucketByID("logs"); bk.Limit(classify.Enterprise) != 80 || bk.LimitOrigin(classify.Enterprise) != learnedName ||
		bk.Limit(classify.Workforce) != 120 {
		t.Errorf("logs after learned overrides: %d (%s), workforce %d", bk.Limit(classify.Enterprise), bk.LimitOrigin(classify.Enterprise), bk.Limit(classify.Workforce))
	}
	if learnedOverrides(&report.Result{Buckets: []report.BucketResult{b("apps", 0, 0)}}) != nil {
		t.Error("nothing learned, yet overrides")
	}
}

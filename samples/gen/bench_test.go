package main

import (
	"strings"
	"testing"

	"github.com/ratecard/ratecard/classify"
)

// TestBenchSyncOverLimit checks that the bench input's nightly sync job goes over the enterprise
// limit of the bucket its requests count against, so make bench has peaks over the limit to find.
func TestBenchSyncOverLimit(t *testing.T) {
	r := benchRoutes[benchSyncRoute]
	target := r.prefix + strings.Repeat("x", 20) + r.suffix
	cl := catalog.Classify(r.method, target)
	b, ok := catalog.Bucket(cl)
	if !ok {
		t.Fatalf("%s %s: class %s, want a bucket of the %s catalog", r.method, target, catalog.ClassID(cl), catalog.Name)
	}
	if lim := b.Limit(classify.Enterprise); lim == classify.NA || benchSyncPerMinute <= lim {
		t.Errorf("%s %s: bucket %s, enterprise limit %d; the sync job's %d a minute is not over it",
			r.method, target, b.ID, lim, benchSyncPerMinute)
	}
}

// TestBenchLatency checks that every bench route has a typical duration.
func TestBenchLatency(t *testing.T) {
	if len(benchLatency) != len(benchRoutes) {
		t.Fatalf("%d latencies for %d routes", len(benchLatency), len(benchRoutes))
	}
}

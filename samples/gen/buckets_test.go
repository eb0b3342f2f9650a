package main

import (
	"testing"
	"time"
)

// TestBucketsAgreeWithCatalog checks that every generated request counts against the bucket the
// seed catalog classifies it into, so the manifest's per-bucket numbers are what ratecard finds.
func TestBucketsAgreeWithCatalog(t *testing.T) {
	g := newGen(config{days: 3, start: time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC), seed: 1})
	g.generate()
	wrong := 0
	for i := range g.recs {
		r := &g.recs[i]
		if !r.kind.isRequest() {
			continue
		}
		if got := catalog.Classify(r.method, r.target); got != r.bucket {
			if wrong++; wrong <= 10 {
				t.Errorf("%s %s: generated as %s, the %s catalog says %s", r.method, r.target,
					catalog.ClassID(r.bucket), catalog.Name, catalog.ClassID(got))
			}
		}
	}
	if wrong > 10 {
		t.Errorf("... and %d more", wrong-10)
	}
}

package classify

import "testing"

// BenchmarkClassify classifies a mix of 20 typical targets (typicalTargets) per iteration; paths/s
// is the figure to watch, and allocs/op must stay 0.
func BenchmarkClassify(b *testing.B) {
	c := Seed()
	b.ReportAllocs()
	var sink Class
	n := 0
	for b.Loop() {
		for _, r := range typicalTargets {
			sink ^= c.Classify(r.method, r.target)
		}
		n += len(typicalTargets)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "paths/s")
	_ = sink
}

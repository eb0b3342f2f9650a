package report

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestHeatmapColumnsByUnixSeconds checks the heatmaps' day and hour of a minute, computed on Unix
// seconds, against time.Time's Truncate and Hour, before and after 1970; a minute before the first day
// has no day column.
func TestHeatmapColumnsByUnixSeconds(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for range 100_000 {
		first := time.Unix(rng.Int64N(4e9)-2e9, 0).UTC().Truncate(24 * time.Hour)
		m := first.Add(time.Duration(rng.Int64N(200*24*60)-100*24*60) * time.Minute)
		wantDay := max(-1, int(m.UTC().Truncate(24*time.Hour).Sub(first)/(24*time.Hour)))
		if got := dayColumn(m.Unix(), first.Unix()); got != wantDay {
			t.Fatalf("day of %s from %s: %d, want %d", m, first, got, wantDay)
		}
		if got := hourColumn(m.Unix()); got != m.UTC().Hour() {
			t.Fatalf("hour of %s: %d, want %d", m, got, m.UTC().Hour())
		}
	}
}

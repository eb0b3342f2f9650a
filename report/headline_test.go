package report

import (
	"testing"

	"github.com/ratecard/ratecard/classify"
)

// The headline says the worst verdict and counts the buckets by minute and by rolling peak as the
// statuses say, and says so in a sentence when every bucket is below the warning threshold.
func TestHeadline(t *testing.T) {
	for _, c := range []struct {
		tier  classify.Tier
		peaks map[string][2]int64
		word  string
		says  string
	}{
		{classify.Enterprise, map[string][2]int64{"users-get": {1062, 1062}, "apps": {73, 145}, "logs": {42, 43}, "authn": {15, 16}},
			"over", "1 bucket over and 2 near by minute peak, 2 over and 1 near by rolling 60 s peak"},
		{classify.Enterprise, map[string][2]int64{"apps": {59, 61}}, "near", "no bucket over or near by minute peak, 1 near by rolling 60 s peak"},
		{classify.Enterprise, map[string][2]int64{"authn": {15, 16}, "users": {4, 5}}, "ok",
			"every bucket below the 60 % warning threshold, by minute and by rolling 60 s peak"},
		{classify.DeveloperFree, map[string][2]int64{"orgs": {1, 1}, "authn": {5, 5}}, "not offered",
			"1 bucket with traffic the tier does not offer; every other bucket below the 60 % warning threshold"},
	} {
		res := syntheticResult(t, c.tier, 60, c.peaks)
		res.Buckets[0].Throttled = 0
		h := headlineOf(res)
		if h.Word() != c.word || h.Counts() != c.says {
			t.Errorf("%v: %q, %q\nwant %q, %q", c.peaks, h.Word(), h.Counts(), c.word, c.says)
		}
	}
	res := syntheticResult(t, classify.Enterprise, 60, map[string][2]int64{"users-get": {1062, 1062}, "apps": {10, 10}})
	res.Buckets[0].Throttled, res.Buckets[1].Throttled = 100, 63
	if h := headlineOf(res); h.Throttled != 163 || h.ThrottledBuckets != 2 || h.Counts() != "1 bucket over by minute peak, 1 over by rolling 60 s peak; 163 requests answered HTTP 429" {
		t.Errorf("%+v: %s", h, h.Counts())
	}
	if h := headlineOf(&Result{}); h.Word() != "no traffic" {
		t.Errorf("no traffic: %q", h.Word())
	}
}

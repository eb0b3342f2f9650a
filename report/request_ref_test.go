package report_test

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/report"
)

// refFigures is what a row of the pack must hold, recomputed here from the Result's minute series
// with plain code: the scenario's profile written out minute by minute (an event's worst day
// repeated once per event day), then each figure by its definition.
type refFigures struct {
	peak, rolling, p95, p99  int64
	status, rollingStatus    string
	near, over               int64
	worst                    []report.MinuteCount
	needed                   int64
	multiplierHundredths     int64
	dynamicScaleStepOrNone   int
	ask                      report.Ask
	profileDay               time.Time
	profileMinutesPerOneDay  int
	profileMinutesWrittenOut int
}

// ceilScale is ceil(n × factor / 10000) in plain integer arithmetic (the test's counts are small).
func ceilScale(n, factor int64) int64 { return (n*factor + 9999) / 10000 }

// refVerdict judges a count against a limit by the definitions: over above the limit, near from the
// warning threshold, unavailable where the tier has no limit.
func refVerdict(n int64, limit, warn int) string {
	switch {
	case limit == classify.NA:
		return report.StatusUnavailable
	case n > int64(limit):
		return report.StatusOver
	case 100*n >= int64(warn)*int64(limit):
		return report.StatusNear
	}
	return report.StatusOK
}

// refQuantile is quantile_disc over a written-out list: sorted ascending, the element at index
// max(1, N − ⌊N·(100 − q)/100⌋) − 1.
func refQuantile(all []int64, q int64) int64 {
	if len(all) == 0 {
		return 0
	}
	s := slices.Clone(all)
	slices.Sort(s)
	n := int64(len(s))
	return s[max(1, n-n*(100-q)/100)-1]
}

func reference(b *report.BucketResult, limit int, tier classify.Tier, warn int, sc *report.Scenario) refFigures {
	var r refFigures
	minutes := b.Minutes
	days := 1
	if sc.Surge != nil {
		r.profileDay = time.Date(b.PeakMinute.Year(), b.PeakMinute.Month(), b.PeakMinute.Day(), 0, 0, 0, 0, time.UTC)
		minutes = nil
		for _, m := range b.Minutes {
			if !m.Minute.Before(r.profileDay) && m.Minute.Before(r.profileDay.AddDate(0, 0, 1)) {
				minutes = append(minutes, m)
			}
		}
		days = int(sc.Surge.To.Sub(sc.Surge.From).Hours()/24) + 1
	}
	r.profileMinutesPerOneDay = len(minutes)
	var all []int64
	for d := 0; d < days; d++ { // the profile, written out
		for _, m := range minutes {
			n := ceilScale(m.Count, sc.Factor)
			all = append(all, n)
			r.peak = max(r.peak, n)
			switch refVerdict(n, limit, warn) {
			case report.StatusNear:
				r.near++
			case report.StatusOver:
				r.over++
			}
		}
	}
	r.profileMinutesWrittenOut = len(all)
	r.p95, r.p99 = refQuantile(all, 95), refQuantile(all, 99)
	r.rolling = max(ceilScale(max(b.Rolling, b.Peak), sc.Factor), r.peak)
	r.status, r.rollingStatus = refVerdict(r.peak, limit, warn), refVerdict(r.rolling, limit, warn)
	ws := make([]report.MinuteCount, len(minutes))
	for i, m := range minutes {
		ws[i] = report.MinuteCount{Minute: m.Minute, Count: ceilScale(m.Count, sc.Factor)}
	}
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].Count > ws[j].Count })
	r.worst = ws[:min(5, len(ws))]
	if limit != classify.NA && refVerdict(r.rolling, limit, warn) == report.StatusOK {
		return r
	}
	// The smallest limit L with the rolling peak below warn % of L, by search.
	for r.needed = 1; 100*r.rolling >= int64(warn)*r.needed; r.needed++ {
	}
	if limit == classify.NA {
		return r
	}
	for r.multiplierHundredths = 1; 10000*r.rolling >= int64(warn)*r.multiplierHundredths*int64(limit); r.multiplierHundredths++ {
	}
	mult := float64(r.multiplierHundredths) / 100
	switch {
	case mult < 5:
		r.ask = report.AskTemporary
	case b.Bucket.DynamicScaleEligible() && (tier == classify.OneApp || tier == classify.Enterprise):
		r.ask = report.AskDynamicScale
		for _, s := range []int{5, 10, 25, 50, 100, 250, 500, 1000} {
			if mult <= float64(s) {
				r.dynamicScaleStepOrNone = s
				break
			}
		}
	case b.Bucket.WorkforceMultiplierEligible() && tier == classify.Workforce:
		r.ask = report.AskWorkforceMultiplier
	default:
		r.ask = report.AskSupportCase
	}
	return r
}

// checkPack holds every row of the pack of res to the reference, and the observed row to the
// analysis's own figures.
func checkPack(t *testing.T, res *report.Result, opt report.RequestOptions) {
	t.Helper()
	rq := report.BuildRequest(res, opt)
	inPack := map[string]bool{}
	for _, rb := range rq.Buckets {
		inPack[rb.B.Bucket.ID] = true
		v := rb.B.Chosen(res.Tier)
		for i := range rb.Figures {
			f := &rb.Figures[i]
			want := reference(rb.B, rb.Limit, res.Tier, res.WarnPercent, f.Scenario)
			got := refFigures{peak: f.Peak, rolling: f.Rolling, p95: f.P95, p99: f.P99, status: f.Status, rollingStatus: f.RollingStatus,
				near: f.MinutesNear, over: f.MinutesOver, worst: f.Worst, needed: f.NeededLimit, multiplierHundredths: int64(f.Multiplier*100 + 0.5),
				dynamicScaleStepOrNone: f.Step, ask: f.Ask, profileDay: f.Day,
				profileMinutesPerOneDay: want.profileMinutesPerOneDay, profileMinutesWrittenOut: want.profileMinutesWrittenOut}
			for j := range got.worst {
				got.worst[j].Throttled = 0
			}
			if !equalRef(got, want) {
				t.Errorf("%s, %s:\n got %+v\nwant %+v", rb.B.Bucket.ID, f.Scenario.Name, got, want)
			}
		}
		obs := &rb.Figures[0]
		if obs.Peak != rb.B.Peak || obs.P95 != rb.B.P95 || obs.P99 != rb.B.P99 || obs.Status != v.Status || obs.RollingStatus != v.RollingStatus ||
			obs.MinutesNear != v.MinutesNear || obs.MinutesOver != v.MinutesOver {
			t.Errorf("%s: observed row %+v differs from the analysis (%+v, peak %d p95 %d p99 %d)", rb.B.Bucket.ID, obs, v, rb.B.Peak, rb.B.P95, rb.B.P99)
		}
	}
	// A bucket is left out only when no scenario brings it near or over.
	for i := range res.Buckets {
		b := &res.Buckets[i]
		if inPack[b.Bucket.ID] {
			continue
		}
		for _, sc := range rq.Scenarios {
			if r := reference(b, b.Chosen(res.Tier).Limit, res.Tier, res.WarnPercent, &sc); r.status != report.StatusOK || r.rollingStatus != report.StatusOK {
				t.Errorf("%s is left out of the pack but is %s/%s under %s", b.Bucket.ID, r.status, r.rollingStatus, sc.Name)
			}
		}
	}
}

func equalRef(a, b refFigures) bool {
	if len(a.worst) != len(b.worst) {
		return false
	}
	for i := range a.worst {
		if !a.worst[i].Minute.Equal(b.worst[i].Minute) || a.worst[i].Count != b.worst[i].Count {
			return false
		}
	}
	a.worst, b.worst = nil, nil
	return a.peak == b.peak && a.rolling == b.rolling && a.p95 == b.p95 && a.p99 == b.p99 && a.status == b.status &&
		a.rollingStatus == b.rollingStatus && a.near == b.near && a.over == b.over && a.needed == b.needed &&
		a.multiplierHundredths == b.multiplierHundredths && a.dynamicScaleStepOrNone == b.dynamicScaleStepOrNone && a.ask == b.ask &&
		a.profileDay.Equal(b.profileDay)
}

// TestRequestRowsRecomputed checks every row of the pack against the reference, on the engine's
// fixture and on random multi-day traffic judged on every tier.
func TestRequestRowsRecomputed(t *testing.T) {
	g, _ := report.ParseGrowth("30%")
	e1, _ := report.ParseSurge("2026-12-01:2026-12-03x4")
	e2, _ := report.ParseSurge("2026-11-27x2.5")
	opts := []report.RequestOptions{{}, {Growth: &g}, {Surges: []report.Surge{e1, e2}}, {Growth: &g, Surges: []report.Surge{e1}}}
	for _, opt := range opts {
		checkPack(t, requestResult(t), opt)
	}
	rng := rand.New(rand.NewPCG(17, 1))
	for round := range 20 {
		res := randomResult(rng, classify.Tiers[round%classify.NumTiers])
		for _, opt := range opts {
			checkPack(t, res, opt)
		}
	}
}

// randomResult makes a Result of a few seed buckets with random traffic over three days (some
// minutes empty, bursts here and there), with the figures the analysis would give it.
func randomResult(rng *rand.Rand, tier classify.Tier) *report.Result {
	cat := classify.Seed()
	res := &report.Result{Catalog: cat.Name, Tier: tier, WarnPercent: 30 + rng.IntN(61)}
	start := time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC)
	for _, id := range []string{"users-get", "apps", "logs", "authn", "orgs", "groups"} {
		bk, _, _ := cat.BucketByID(id)
		b := report.BucketResult{Bucket: bk}
		base := int64(rng.IntN(40))
		for m := 0; m < 3*1440; m += 1 + rng.IntN(7) {
			n := base + int64(rng.IntN(20))
			if rng.IntN(500) == 0 {
				n += int64(rng.IntN(3000))
			}
			if n == 0 {
				continue
			}
			b.Minutes = append(b.Minutes, report.MinuteCount{Minute: start.Add(time.Duration(m) * time.Minute), Count: n})
			b.Requests += n
			if n > b.Peak {
				b.Peak, b.PeakMinute = n, start.Add(time.Duration(m)*time.Minute)
			}
		}
		b.Rolling, b.RollingFrom = b.Peak+int64(rng.IntN(int(b.Peak/4+1))), b.PeakMinute
		var counts []int64
		for _, m := range b.Minutes {
			counts = append(counts, m.Count)
		}
		b.P95, b.P99 = refQuantile(counts, 95), refQuantile(counts, 99)
		for _, tr := range classify.Tiers {
			v := &b.ByTier[tr]
			v.Limit = bk.Limit(tr)
			v.Status, v.RollingStatus = refVerdict(b.Peak, v.Limit, res.WarnPercent), refVerdict(b.Rolling, v.Limit, res.WarnPercent)
			for _, m := range b.Minutes {
				switch refVerdict(m.Count, v.Limit, res.WarnPercent) {
				case report.StatusNear:
					v.MinutesNear++
				case report.StatusOver:
					v.MinutesOver++
				}
			}
		}
		res.Buckets = append(res.Buckets, b)
	}
	return res
}

package classify

import "testing"

func TestBurstStatus(t *testing.T) {
	for _, tc := range []struct {
		count    int64
		limit    int
		eligible bool
		want     string
	}{
		// Burst-eligible, limit 600 (the fact sheet's /api/v1/authn example: burst at 601, violation past 3,000).
		{0, 600, true, BurstNone},
		{360, 600, true, BurstNone},
		{600, 600, true, BurstNone},       // exactly 100 %
		{601, 600, true, BurstZone},       // 100 % + 1
		{3000, 600, true, BurstZone},      // exactly 500 %
		{3001, 600, true, BurstViolation}, // 500 % + 1
		{1 << 40, 600, true, BurstViolation},
		// Not eligible: over 100 % is a violation at once.
		{600, 600, false, BurstNone},
		{601, 600, false, BurstViolation},
		{3000, 600, false, BurstViolation},
		// Limit 1 and odd limits: exact integer boundaries.
		{1, 1, true, BurstNone},
		{2, 1, true, BurstZone},
		{5, 1, true, BurstZone},
		{6, 1, true, BurstViolation},
		{35, 7, true, BurstZone},
		{36, 7, true, BurstViolation},
		// The largest limit a catalog allows does not overflow.
		{5 * maxLimit, maxLimit, true, BurstZone},
		{5*maxLimit + 1, maxLimit, true, BurstViolation},
		// N/A: any traffic is a finding; none is nothing.
		{1, NA, true, BurstUnavailable},
		{1, NA, false, BurstUnavailable},
		{0, NA, true, BurstNone},
		{5, 0, false, BurstUnavailable},
		{-3, 600, true, BurstNone},
	} {
		if got := BurstStatus(tc.count, tc.limit, tc.eligible); got != tc.want {
			t.Errorf("BurstStatus(%d, %d, %v) = %q, want %q", tc.count, tc.limit, tc.eligible, got, tc.want)
		}
	}
}

func TestBurstLimit(t *testing.T) {
	c := Seed()
	authn, _, _ := c.BucketByID("authn")
	logs, _, _ := c.BucketByID("logs")
	orgs, _, _ := c.BucketByID("orgs")
	for _, tc := range []struct {
		b    *Bucket
		tier Tier
		want int
	}{
		{authn, Enterprise, 3000},
		{authn, DeveloperFree, 500},
		{logs, Enterprise, 50},
		{orgs, DeveloperFree, NA},
		{orgs, Enterprise, 50},
		{authn, Tier(9), NA},
	} {
		if got := tc.b.BurstLimit(tc.tier); got != tc.want {
			t.Errorf("%s.BurstLimit(%s) = %d, want %d", tc.b.ID, tc.tier, got, tc.want)
		}
	}
}

func TestPrincipalLimit(t *testing.T) {
	if DefaultPrincipalShare != 50 {
		t.Errorf("DefaultPrincipalShare = %d", DefaultPrincipalShare)
	}
	for _, tc := range []struct{ limit, percent, want int }{
		{120, DefaultPrincipalShare, 60}, // the fact sheet's /api/v1/logs example
		{25, 50, 12},
		{1, 50, 1},
		{600, 5, 30},
		{600, 100, 600},
		{600, 150, 600},
		{600, 0, 0},
		{600, -5, 0},
		{NA, 50, NA},
		{maxLimit, 100, maxLimit},
	} {
		if got := PrincipalLimit(tc.limit, tc.percent); got != tc.want {
			t.Errorf("PrincipalLimit(%d, %d) = %d, want %d", tc.limit, tc.percent, got, tc.want)
		}
	}
}

func TestEligibilityString(t *testing.T) {
	for in, want := range map[string]string{
		"-": "-", "": "-", "burst": "burst",
		"workforce-multiplier,burst":              "burst,workforce-multiplier",
		"dynamicscale, burst":                     "burst,dynamicscale",
		"burst,dynamicscale,workforce-multiplier": "burst,dynamicscale,workforce-multiplier",
	} {
		e, err := parseEligibility(in)
		if err != nil || e.String() != want {
			t.Errorf("parseEligibility(%q) = %s, %v; want %s", in, e, err, want)
		}
	}
	for _, in := range []string{"Burst", "burst,", "ds", "burst,burst"} {
		if _, err := parseEligibility(in); err == nil {
			t.Errorf("parseEligibility(%q): no error", in)
		}
	}
}

package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/classify"
)

func TestVerdict(t *testing.T) {
	tests := []struct {
		count int64
		limit int
		warn  int
		want  string
	}{
		{0, 100, 60, StatusOK},
		{59, 100, 60, StatusOK},
		{60, 100, 60, StatusNear},
		{100, 100, 60, StatusNear},
		{101, 100, 60, StatusOver},
		{14, 25, 60, StatusOK}, // 60 % of 25 is 15
		{15, 25, 60, StatusNear},
		{899, 1000, 90, StatusOK},
		{900, 1000, 90, StatusNear},
		{1, classify.NA, 60, StatusUnavailable},
		{0, 0, 60, StatusNear}, // a zero limit: 0 ≤ 0
		{1, 0, 60, StatusOver},
	}
	for _, tt := range tests {
		if got := Verdict(tt.count, tt.limit, tt.warn); got != tt.want {
			t.Errorf("Verdict(%d, %d, %d) = %s, want %s", tt.count, tt.limit, tt.warn, got, tt.want)
		}
	}
}

func TestMinuteSeriesKeepsPeaks(t *testing.T) {
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(30 * 24 * time.Hour) // 43,200 minutes
	minutes := []MinuteCount{
		{Minute: from.Add(5 * time.Minute), Count: 3},
		{Minute: from.Add(17*time.Hour + 31*time.Minute), Count: 999}, // a lone peak inside a step
		{Minute: from.Add(17*time.Hour + 32*time.Minute), Count: 5},
		{Minute: to.Add(-time.Minute), Count: 7},
	}
	pts, step := minuteSeries(minutes, from, to)
	if step != 15 || len(pts) != 2880 {
		t.Fatalf("step %d, %d points; want 15, 2880", step, len(pts))
	}
	var max int64
	var sum int64
	for _, p := range pts {
		if p[1] > max {
			max = p[1]
		}
		sum += p[1]
	}
	if max != 999 || sum != 3+999+7 {
		t.Errorf("max %d sum %d; want the 999 peak kept and the 5 folded into its step", max, sum)
	}
	if last := pts[len(pts)-1]; last[1] != 7 {
		t.Errorf("last point %v, want the last minute's 7", last)
	}
	// Short ranges are drawn at full resolution, empty minutes as zero.
	pts, step = minuteSeries(minutes[:1], from, from.Add(10*time.Minute))
	if step != 1 || len(pts) != 10 || pts[5][1] != 3 || pts[4][1] != 0 {
		t.Errorf("short range: step %d points %v", step, pts)
	}
}

func TestSafeScript(t *testing.T) {
	in := `<script type="text/javascript">let a = "</script><script>alert(1)</script>"; // <!-- x</script>`
	got := safeScript(in)
	if strings.Count(got, "</script") != 1 || !strings.HasSuffix(got, "</script>") || strings.Contains(got, "<!--") {
		t.Errorf("safeScript = %s", got)
	}
	if safeScript("alert(1)") != "" {
		t.Error("safeScript accepted something that is not a script element")
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{`GET /api/v1/users/jane%40acme.com HTTP/1.1`, `GET /api/v1/users/{idOrLogin} HTTP/1.1`},
		{`GET /api/v1/users/00u1a2b3c4d5e6f7g8h9/groups`, `GET /api/v1/users/{idOrLogin}/groups`},
		{`"jane.doe@example.com" logged in`, `"{login}" logged in`},
		{`GET /api/v1/groups?q=bob%2540corp.example`, `GET /api/v1/groups?q={login}`},
		{`GET /api/v1/apps HTTP/1.1`, `GET /api/v1/apps HTTP/1.1`},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEChartsPinned(t *testing.T) {
	sum := sha256.Sum256([]byte(EChartsJS))
	if got := hex.EncodeToString(sum[:]); got != EChartsSHA256 {
		t.Fatalf("echarts.min.js sha256 %s, pinned %s", got, EChartsSHA256)
	}
	if strings.Contains(strings.ToLower(EChartsJS), "</script") {
		t.Fatal("echarts.min.js contains </script and cannot be inlined")
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %s, want %s", n, got, want)
		}
	}
}

// TestAnalyzer loads hand-placed rows into DuckDB and checks every computed figure.
func TestAnalyzer(t *testing.T) {
	cat := classify.Seed()
	_, apps, _ := cat.BucketByID("apps")
	_, logs, _ := cat.BucketByID("logs")
	_, orgs, _ := cat.BucketByID("orgs")
	an, err := NewAnalyzer(cat)
	if err != nil {
		t.Fatal(err)
	}
	defer an.Close()
	base := time.Date(2026, 10, 14, 8, 0, 0, 0, time.UTC).UnixMicro()
	sec := int64(time.Second / time.Microsecond)
	add := func(ts int64, cl classify.Class) {
		t.Helper()
		if err := an.Add(ts, cl); err != nil {
			t.Fatal(err)
		}
	}
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

	res, err := an.Analyze(Params{Tier: classify.Enterprise, WarnPercent: 60}, Input{})
	if err != nil {
		t.Fatal(err)
	}
	if res.PublicMetadata != 1 || res.OutsideCatalog != 2 {
		t.Errorf("public %d outside %d", res.PublicMetadata, res.OutsideCatalog)
	}
	if want := time.Unix(-120, 0).UTC(); !res.From.Equal(want) {
		t.Errorf("from %v, want %v", res.From, want)
	}
	if want := time.UnixMicro(base + 7260*sec).Add(time.Minute); !res.To.Equal(want) { // the minute after the last request
		t.Errorf("to %v, want %v", res.To, want)
	}
	got := map[string]*BucketResult{}
	var order []string
	for i := range res.Buckets {
		got[res.Buckets[i].Bucket.ID] = &res.Buckets[i]
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
	if e.Status != StatusNear || e.RollingStatus != StatusOver || e.MinutesNear != 3 || e.MinutesOver != 0 || e.Utilization != 0.7 || e.RollingUtil != 1.4 {
		t.Errorf("apps enterprise %+v", e)
	}
	if f := a.ByTier[classify.DeveloperFree]; f.Status != StatusOver || f.MinutesOver != 3 || f.Limit != 20 {
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
	if v := o.ByTier[classify.OneApp]; v.Status != StatusUnavailable || v.Limit != classify.NA {
		t.Errorf("orgs one-app %+v", v)
	}
	var ent, free *TierResult
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

	var buf bytes.Buffer
	if err := RenderHTML(&buf, res, HTMLOptions{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := WriteSummary(&buf, res); err != nil {
		t.Fatal(err)
	}
}

// TestAnalyzerManyBatches crosses several Arrow batch boundaries.
func TestAnalyzerManyBatches(t *testing.T) {
	cat := classify.Seed()
	_, users, _ := cat.BucketByID("users-get")
	an, err := NewAnalyzer(cat)
	if err != nil {
		t.Fatal(err)
	}
	defer an.Close()
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	const n = 3*batchRows + 17
	for i := int64(0); i < n; i++ {
		if err := an.Add(base+i*1000, users); err != nil { // one per millisecond
			t.Fatal(err)
		}
	}
	res, err := an.Analyze(Params{Tier: classify.Enterprise, WarnPercent: 60}, Input{})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Buckets[0]
	if b.Requests != n || b.Peak != 60000 || b.Rolling != 60000 {
		t.Errorf("requests %d peak %d rolling %d", b.Requests, b.Peak, b.Rolling)
	}
}

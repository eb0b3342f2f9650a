package report

import (
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

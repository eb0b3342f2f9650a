package report

import (
	"testing"
	"time"
)

func TestDynamicScaleStep(t *testing.T) {
	for _, tt := range []struct {
		mult float64
		want int
	}{
		{0, 0}, {-1, 0}, {0.5, 5}, {1.01, 5}, {5, 5}, {5.01, 10}, {10, 10}, {10.01, 25}, {25, 25},
		{26, 50}, {50.5, 100}, {100, 100}, {101, 250}, {250, 250}, {400, 500}, {999.99, 1000}, {1000, 1000},
		{1000.01, 0}, {5000, 0},
	} {
		if got := DynamicScaleStep(tt.mult); got != tt.want {
			t.Errorf("DynamicScaleStep(%v) = %d, want %d", tt.mult, got, tt.want)
		}
	}
}

func TestParseGrowth(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64 // hundredths of a percent; -1: error
		str  string
	}{
		{"30%", 3000, "+30 %"}, {"30", 3000, "+30 %"}, {" 12.5% ", 1250, "+12.5 %"}, {"0%", 0, "+0 %"},
		{"0.25%", 25, "+0.25 %"}, {"10000%", 1_000_000, "+10000 %"},
		{"", -1, ""}, {"%", -1, ""}, {"-5%", -1, ""}, {"1.234%", -1, ""}, {"abc", -1, ""}, {"30%%", -1, ""},
		{"10001%", -1, ""}, {"1e3", -1, ""}, {"9999999999999", -1, ""},
	} {
		g, err := ParseGrowth(tt.in)
		if tt.want < 0 {
			if err == nil {
				t.Errorf("ParseGrowth(%q) = %v, want an error", tt.in, g)
			}
			continue
		}
		if err != nil || g.Hundredths != tt.want || g.String() != tt.str {
			t.Errorf("ParseGrowth(%q) = %d %q, %v; want %d %q", tt.in, g.Hundredths, g.String(), err, tt.want, tt.str)
		}
	}
}

func TestParseSurge(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	for _, tt := range []struct {
		in       string
		ok       bool
		from, to string
		factor   int64
		str      string
	}{
		{"2026-12-01:2026-12-03x4", true, "2026-12-01", "2026-12-03", 40000, "2026-12-01 to 2026-12-03 ×4"},
		{"2026-11-27x2.5", true, "2026-11-27", "2026-11-27", 25000, "2026-11-27 ×2.5"},
		{"2026-11-27:2026-11-27X1.25", true, "2026-11-27", "2026-11-27", 12500, "2026-11-27 ×1.25"},
		{"2026-12-01:2026-12-03×1000", true, "2026-12-01", "2026-12-03", 10_000_000, "2026-12-01 to 2026-12-03 ×1000"},
		{"2026-12-01:2026-12-03", false, "", "", 0, ""},
		{"2026-12-03:2026-12-01x4", false, "", "", 0, ""},
		{"2026-12-01:2026-12-03x0", false, "", "", 0, ""},
		{"2026-12-01:2026-12-03x-2", false, "", "", 0, ""},
		{"2026-12-01:2026-12-03x1001", false, "", "", 0, ""},
		{"2026-12-01:2026-12-03x", false, "", "", 0, ""},
		{"2026-13-01x4", false, "", "", 0, ""},
		{"tomorrow x4", false, "", "", 0, ""},
		{"x4", false, "", "", 0, ""},
		{"2026-12-01:x4", false, "", "", 0, ""},
	} {
		e, err := ParseSurge(tt.in)
		if !tt.ok {
			if err == nil {
				t.Errorf("ParseSurge(%q) = %v, want an error", tt.in, e)
			}
			continue
		}
		if err != nil || !e.From.Equal(day(tt.from)) || !e.To.Equal(day(tt.to)) || e.Factor != tt.factor || e.String() != tt.str {
			t.Errorf("ParseSurge(%q) = %+v %q, %v", tt.in, e, e.String(), err)
		}
	}
}

func TestCaseDeadline(t *testing.T) {
	// 15 business days before Tuesday 1 December 2026 is Tuesday 10 November 2026; before Monday 30
	// November it is Monday 9 November.
	for start, want := range map[string]string{"2026-12-01": "2026-11-10", "2026-11-30": "2026-11-09", "2026-12-05": "2026-11-16"} {
		s, _ := time.Parse("2006-01-02", start)
		if got := caseDeadline(s, 15).Format("2006-01-02"); got != want {
			t.Errorf("caseDeadline(%s) = %s, want %s", start, got, want)
		}
	}
}

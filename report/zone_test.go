package report

import (
	"math/rand/v2"
	"testing"
	"time"
)

// loadZone loads an IANA zone or fails the test.
func loadZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestLocalClock holds the wall clock zone.localClock computes, with its cursor over the offset
// segments, to time.Time's own In for every zone shape: UTC, a fixed offset, daylight saving in
// either hemisphere, a half-hour change (Lord Howe); instants in order, and at random.
func TestLocalClock(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(1, 0, 0)
	rng := rand.New(rand.NewPCG(1, 9))
	for _, name := range []string{"UTC", "Asia/Kolkata", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe"} {
		z := zone{loc: loadZone(t, name)}
		local := z.localClock(from, to)
		check := func(u int64) {
			_, off := time.Unix(u, 0).In(z.loc).Zone()
			if got, want := local(u), u+int64(off); got != want {
				t.Fatalf("%s: wall clock of %s is %d, want %d", name, time.Unix(u, 0).UTC(), got, want)
			}
		}
		for u := from.Unix(); u < to.Unix(); u += 60 {
			check(u)
		}
		for range 100_000 {
			check(from.Unix() - 86400*40 + rng.Int64N(to.Unix()-from.Unix()+86400*80))
		}
	}
}

// TestZoneFormats checks how times name their zone: bare cells in UTC (the header names it), the
// abbreviation after each time elsewhere, a number where the zone database has no letters.
func TestZoneFormats(t *testing.T) {
	ts := time.Date(2026, 10, 13, 1, 11, 0, 0, time.UTC)
	winter := time.Date(2026, 11, 13, 1, 11, 0, 0, time.UTC)
	berlin := zone{loc: loadZone(t, "Europe/Berlin")}
	kolkata := zone{loc: loadZone(t, "Asia/Kolkata")}
	saoPaulo := zone{loc: loadZone(t, "America/Sao_Paulo")}
	for _, tt := range []struct{ got, want string }{
		{zone{}.cell(ts, "2006-01-02 15:04"), "2026-10-13 01:11"},
		{zone{}.at(ts, "2006-01-02 15:04"), "2026-10-13 01:11 UTC"},
		{zone{}.span(ts, winter, "2 Jan 15:04"), "13 Oct 01:11 to 13 Nov 01:11 UTC"},
		{berlin.cell(ts, "2006-01-02 15:04"), "2026-10-13 03:11 CEST"},
		{berlin.at(winter, "2006-01-02 15:04"), "2026-11-13 02:11 CET"},
		{berlin.span(ts, winter, "2 Jan 15:04"), "13 Oct 03:11 CEST to 13 Nov 02:11 CET"},
		{kolkata.at(ts, "15:04"), "06:41 IST"},
		{saoPaulo.at(ts, "15:04"), "22:11 UTC-03:00"},
		{zone{}.Name() + " " + berlin.Name(), "UTC Europe/Berlin"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	if z := (&Result{Zone: time.UTC}).zone(); !z.utc() {
		t.Error("--tz UTC is not the default zone")
	}
}

// TestHeatmapDaysAcrossDST checks the day heatmap in a zone with daylight saving: the day the clocks
// go back holds 25 hours of minutes and the day they go forward 23, each minute in the column of
// its local date, and the hour heatmap puts each minute in its local hour.
func TestHeatmapDaysAcrossDST(t *testing.T) {
	berlin := loadZone(t, "Europe/Berlin")
	for _, c := range []struct {
		day   time.Time // the local day of the change
		hours int
	}{
		{time.Date(2026, 10, 25, 0, 0, 0, 0, berlin), 25},
		{time.Date(2026, 3, 29, 0, 0, 0, 0, berlin), 23},
	} {
		res := &Result{Zone: berlin}
		res.ChartFrom = c.day.AddDate(0, 0, -1).Add(90 * time.Minute) // 01:30 local, the day before
		res.ChartTo = c.day.AddDate(0, 0, 2)                          // midnight after the next day
		cols, colOf, _, title := heatColumns(res, heatByDay)
		if title != "day (Europe/Berlin)" || len(cols) != 3 {
			t.Fatalf("%s: title %q, columns %q", c.day, title, cols)
		}
		perCol := make([]int, len(cols))
		for m := res.ChartFrom; m.Before(res.ChartTo); m = m.Add(time.Minute) {
			col := colOf(m.Unix())
			lt := m.In(berlin)
			if want := lt.Format("Mon 2 Jan"); col < 0 || col >= len(cols) || cols[col] != want {
				t.Fatalf("%s (%s): column %d of %q, want %s", m.UTC(), lt, col, cols, want)
			}
			perCol[col]++
		}
		if perCol[1] != c.hours*60 {
			t.Errorf("%s: %d minutes in the day of the change, want %d", c.day.Format("2 Jan"), perCol[1], c.hours*60)
		}
		hcols, hourOf, _, _ := heatColumns(res, heatByHour)
		for m := res.ChartFrom; m.Before(res.ChartTo); m = m.Add(time.Minute) {
			if got, want := hcols[hourOf(m.Unix())], m.In(berlin).Format("15")+":00"; got != want {
				t.Fatalf("%s: hour column %s, want %s", m.In(berlin), got, want)
			}
		}
	}
}

package oktalog

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Clock is the time source and the sleeper the fetcher uses; tests inject a simulated one so that
// rate-limit windows of a few seconds pass instantly and deterministically.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, whichever comes first, and returns ctx's error then.
	Sleep(ctx context.Context, d time.Duration) error
}

// WallClock is the real clock: time.Now, and a timer that ctx can cut short.
type WallClock struct{}

// Now returns time.Now().
func (WallClock) Now() time.Time { return time.Now() }

// Sleep waits on a timer or ctx.
func (WallClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// rateHeaders are Okta's rate-limit response headers; ok is false when a response lacks any of
// them (or holds a value that does not parse).
type rateHeaders struct {
	limit, remaining int
	reset            int64 // the window's end, UTC epoch seconds
	ok               bool
}

// readRateHeaders reads X-Rate-Limit-Limit, -Remaining and -Reset.
func readRateHeaders(h http.Header) rateHeaders {
	l, err1 := strconv.Atoi(h.Get("X-Rate-Limit-Limit"))
	r, err2 := strconv.Atoi(h.Get("X-Rate-Limit-Remaining"))
	z, err3 := strconv.ParseInt(h.Get("X-Rate-Limit-Reset"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || l <= 0 || r < 0 || z <= 0 {
		return rateHeaders{}
	}
	return rateHeaders{limit: l, remaining: r, reset: z, ok: true}
}

// governor keeps the fetcher within its share of the logs bucket.
//
// A rate-limit window is identified by the X-Rate-Limit-Reset value the responses carry: every
// response with the same Reset belongs to the same window, which ends at that instant (Okta's
// clock). The budget of a window is max(1, floor(limit × share / 100)) requests, with the limit
// from X-Rate-Limit-Limit. Before each request the governor waits until the window's Reset
// instant when the fetcher's own requests in the window have reached the budget, or when Okta
// reports no request remaining in it (another client used them). "Now" on Okta's side is the
// latest response's Date header plus the local time elapsed since that response: Date has whole
// seconds, so this estimate trails Okta's clock by less than a second and a wait computed from it
// ends at or after Reset, never before. A request whose response carries no rate-limit headers
// (a 5xx, a dropped connection) is counted in the current window while it is open and also in
// the next window learned, since it may have counted in either.
type governor struct {
	share int
	clock Clock

	offset time.Duration // Okta's clock minus the local clock, from the latest Date header

	window    int64 // Reset of the current window (epoch seconds); 0 before the first response
	limit     int
	remaining int
	used      int // the fetcher's requests counted in window
	pending   int // requests whose window is unknown, carried into the next window learned
}

// budget is the number of requests the fetcher may make in a window of the given limit.
func budget(limit, share int) int {
	return max(1, limit*share/100)
}

// serverNow estimates Okta's clock.
func (g *governor) serverNow() time.Time {
	return g.clock.Now().Add(g.offset)
}

// resetAt is the instant the current window ends.
func (g *governor) resetAt() time.Time { return time.Unix(g.window, 0) }

// wait returns how long to wait before the next request, and why; 0 when it may go now.
func (g *governor) wait() (time.Duration, string) {
	if g.window == 0 {
		return 0, ""
	}
	left := g.resetAt().Sub(g.serverNow())
	if left <= 0 {
		return 0, ""
	}
	b := budget(g.limit, g.share)
	switch {
	case g.used >= b:
		return left, fmt.Sprintf("share spent: %d of %d requests in this window (%d %% of Okta's limit of %d)", g.used, b, g.share, g.limit)
	case g.remaining <= 0:
		return left, fmt.Sprintf("Okta reports none of the %d requests of this window left (other clients used them)", g.limit)
	}
	return 0, ""
}

// observe accounts for one request's response headers (h may be nil for a request that got no
// response at all).
func (g *governor) observe(h http.Header) {
	if h != nil {
		if d, err := http.ParseTime(h.Get("Date")); err == nil {
			g.offset = d.Sub(g.clock.Now())
		}
	}
	rh := rateHeaders{}
	if h != nil {
		rh = readRateHeaders(h)
	}
	if !rh.ok {
		if g.window != 0 && g.serverNow().Before(g.resetAt()) {
			g.used++
		}
		g.pending++
		return
	}
	if rh.reset != g.window {
		g.window, g.used = rh.reset, g.pending+1
	} else {
		g.used += 1
	}
	g.pending = 0
	g.limit, g.remaining = rh.limit, rh.remaining
}

// untilReset is how long until the window a response names ends, by Okta's clock, or 0 when the
// response names none or it has passed.
func (g *governor) untilReset(h http.Header) time.Duration {
	rh := readRateHeaders(h)
	if !rh.ok {
		return 0
	}
	return max(0, time.Unix(rh.reset, 0).Sub(g.serverNow()))
}

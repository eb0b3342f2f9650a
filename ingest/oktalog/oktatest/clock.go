// Package oktatest is an in-process Okta for the fetcher's tests: a System Log API that pages
// with Link headers and enforces rate-limit windows, an org authorization server that checks
// private_key_jwt client assertions and DPoP proofs as Okta does (with the standard library's
// crypto, independently of the JOSE library the fetcher signs with), injectable faults, and a
// simulated clock shared by the server and the fetcher so that windows of a few seconds pass
// instantly. It records every request, so that tests can assert the rate-limit share per window
// and what each request carried.
package oktatest

import (
	"context"
	"sync"
	"time"
)

// Clock is a simulated clock: Now moves only when Sleep or Advance is called.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock set to t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the simulated time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Sleep advances the clock by d at once, unless ctx is done.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		c.Advance(d)
	}
	return nil
}

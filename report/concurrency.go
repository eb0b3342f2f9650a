package report

import (
	"fmt"
	"slices"
	"time"

	"github.com/ratecard/ratecard/classify"
)

// Concurrency is the org's requests in flight at once, computed from the requests whose log line
// gave a duration: each was in flight on [start, start+duration), and the count at an instant is the
// number of those intervals that hold it (an interval that ends at an instant and one that starts
// there do not overlap). Okta answers the request over its org's concurrency limit with 429 and
// X-Rate-Limit-Limit: 0, whatever the per-minute counts.
type Concurrency struct {
	// Available tells that some request had a duration; without, the other figures are zero and
	// Hints say what to log.
	Available bool
	// Requests counts the requests with a duration, of Total requests read from access logs (System
	// Log requests carry none). Requests below Total means the peak is a lower bound.
	Requests, Total int64
	// Hints say, for each input format that logged no duration, what to log to get one (e.g. the
	// nginx log_format line), in input order, one per format.
	Hints []string

	Peak int       // the most requests in flight at any instant
	At   time.Time // the first instant with Peak in flight
	// Limit and SecondsOver are the analysed tier's (Tiers has every tier's).
	Limit       int
	SecondsOver int64
	Tiers       []ConcurrencyTier // every tier, in classify.Tiers order

	// Series is the most in flight in each UTC second around the peak (SeriesFrom, and the seconds
	// after it), for the chart.
	SeriesFrom time.Time
	Series     []int
	// Busiest are the busiest seconds (the most in flight at an instant of them, the earliest
	// first among equals), with what was in flight then.
	Busiest []BusySecond

	// Throttled is the 429s answered with X-Rate-Limit-Limit: 0 (Okta's concurrency signal), and
	// Violations the core.concurrency.org.limit.violation events of System Log input, set beside the
	// computed counts.
	Throttled  ConcurrencySignal
	Violations ConcurrencySignal
}

// ConcurrencyTier is one tier's concurrency limit and the seconds the org spent over it: the UTC
// seconds in which, at some instant, more requests than the limit were in flight.
type ConcurrencyTier struct {
	Tier        classify.Tier
	Limit       int // 0: the catalog's edition gives none for the tier
	Source      classify.DocSource
	SecondsOver int64
	// Current is the current page's limit where it differs from Limit (0 otherwise), and
	// SecondsOverCurrent the seconds over it.
	Current            int
	CurrentSource      classify.DocSource
	SecondsOverCurrent int64
}

// BusySecond is one of the busiest seconds: the most requests in flight at an instant of it, and
// the requests in flight during it by bucket and path template and by caller (client address, user
// agent) — rate-limited buckets only; Other counts the rest (public metadata, outside the catalog,
// method unknown).
type BusySecond struct {
	Second    time.Time
	Max       int
	InFlight  int64 // requests in flight at some instant of the second
	Endpoints []BusyEndpoint
	Callers   []BusyCaller
	Other     int64
}

// BusyEndpoint is a bucket and path template with its requests in flight during a busy second.
type BusyEndpoint struct {
	Bucket   string
	Path     string
	Requests int64
}

// BusyCaller is a client address and user agent with its requests in flight during a busy second.
type BusyCaller struct {
	Client    string
	UserAgent string
	Requests  int64
}

// ConcurrencySignal is a concurrency signal in the input, set beside the computed counts: how many,
// and the instants (at most maxSignalMoments, the first ones).
type ConcurrencySignal struct {
	Count   int64
	Moments []SignalMoment
}

// SignalMoment is one second with a concurrency signal: how many there, and the computed most in
// flight in that second (InFlight -1 when no request had a duration); Below tells that it was not
// over the analysed tier's limit, so the log is missing traffic or the org's limit differs.
type SignalMoment struct {
	Second   time.Time
	Count    int64
	InFlight int
	Below    bool
}

// ClientLimits is the traffic of the endpoints under Okta's client-based rate limits, per client.
// The client key is the client address and the user agent: Okta tells clients by IP address and
// device (its device cookie, which no access log holds), so the user agent stands in for the
// device; Okta also keys OAuth /authorize requests by the app's client id, so a key here may merge
// several apps' requests from one browser (an upper bound).
type ClientLimits struct {
	PerMinute, Concurrent int
	Endpoints             []string
	Source                classify.DocSource

	Requests int64 // requests to the endpoints
	Clients  int64 // distinct client keys
	// ConcurrencyAvailable tells that some of those requests had a duration.
	ConcurrencyAvailable bool
	// MinutePeak is the most requests of one client in any 60 s span [start, start+60 s), and
	// ConcurrentPeak the most in flight at once for one client.
	MinutePeak       int
	MinutePeakAt     time.Time
	ConcurrentPeak   int
	ConcurrentPeakAt time.Time
	// Over lists the clients over either limit (at most MaxClientsOver, the most requests in a
	// minute first); OverCount counts them all.
	Over      []ClientOver
	OverCount int64
}

// MaxClientsOver bounds ClientLimits.Over.
const MaxClientsOver = 50

// ClientOver is one client over a client-based limit.
type ClientOver struct {
	Client, UserAgent string
	Requests          int64 // its requests to the endpoints
	Minute            int   // the most in a 60 s span, from MinuteAt
	MinuteAt          time.Time
	Concurrent        int // the most in flight at once, at ConcurrentAt (0 without durations)
	ConcurrentAt      time.Time
}

// anonymizeConcurrency returns copies of c and cl with the callers of the busiest seconds and the
// clients over the client-based limits named as Anonymize names them ("client 3", "user agent 2"):
// with the numbers clients and agents give, and the next numbers, in order of appearance, for the
// others. Unlogged names ("") stay empty.
func anonymizeConcurrency(c *Concurrency, cl *ClientLimits, clients, agents map[string]int) (*Concurrency, *ClientLimits) {
	name := func(m map[string]int, word, s string) string {
		if s == "" {
			return ""
		}
		n, ok := m[s]
		if !ok {
			n = len(m) + 1
			m[s] = n
		}
		return fmt.Sprintf("%s %d", word, n)
	}
	if c != nil {
		cc := *c
		cc.Busiest = make([]BusySecond, len(c.Busiest))
		for i, b := range c.Busiest {
			b.Callers = slices.Clone(b.Callers)
			for k := range b.Callers {
				b.Callers[k].Client = name(clients, "client", b.Callers[k].Client)
				b.Callers[k].UserAgent = name(agents, "user agent", b.Callers[k].UserAgent)
			}
			cc.Busiest[i] = b
		}
		c = &cc
	}
	if cl != nil {
		cc := *cl
		cc.Over = slices.Clone(cl.Over)
		for i := range cc.Over {
			cc.Over[i].Client = name(clients, "client", cc.Over[i].Client)
			cc.Over[i].UserAgent = name(agents, "user agent", cc.Over[i].UserAgent)
		}
		cl = &cc
	}
	return c, cl
}

// ConcurrencyText is the one-line summary of res's requests in flight at once and client-based
// limits, for the terminal and summary.md ("" when res has none).
func ConcurrencyText(res *Result) string {
	c := res.Concurrency
	if c == nil {
		return ""
	}
	var s string
	if !c.Available {
		s = "not known: no request of the input carries a duration (the report says what to log)"
	} else {
		s = fmt.Sprintf("at most %s at %s", thousands(int64(c.Peak)), res.zone().at(c.At, "2006-01-02 15:04:05.000"))
		if c.Limit > 0 {
			s += fmt.Sprintf("; %s limit %d, %s over it", res.TierTitle(res.Tier), c.Limit, count(c.SecondsOver, "second"))
		}
		if c.Requests < c.Total {
			s += fmt.Sprintf(" (%s of %s requests had a duration: a lower bound)", thousands(c.Requests), thousands(c.Total))
		}
	}
	if c.Throttled.Count > 0 {
		s += fmt.Sprintf("; %s answered 429 with X-Rate-Limit-Limit: 0", thousands(c.Throttled.Count))
	}
	if c.Violations.Count > 0 {
		s += fmt.Sprintf("; %s concurrency violation event(s)", thousands(c.Violations.Count))
	}
	if cl := res.ClientLimits; cl != nil && cl.Requests > 0 {
		s += fmt.Sprintf("; client-based limits (%d/min, %d at once): %s over", cl.PerMinute, cl.Concurrent, count(cl.OverCount, "client"))
	}
	return s
}

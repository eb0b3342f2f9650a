package oktalog

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Retention is how long Okta keeps System Log events: 90 days.
const Retention = 90 * 24 * time.Hour

// logsPath is the System Log API.
const logsPath = "/api/v1/logs"

// Defaults of [Options].
const (
	DefaultShare           = 50
	DefaultPageLimit       = 1000 // the most Okta returns in one page
	DefaultPagesPerSegment = 10
	DefaultMaxTries        = 8
	DefaultTimeout         = 2 * time.Minute
)

// Options configure a [Fetch].
type Options struct {
	Org          *url.URL  // the org's origin, from [ParseOrg]
	Since, Until time.Time // the range [Since, Until) of published times, UTC
	Dir          string    // the fetch directory
	Credential   Credential

	// Share is the percentage of each rate-limit window's limit the fetch may use, 1-100
	// (default DefaultShare).
	Share int
	// PageLimit is the limit parameter of the first request (default DefaultPageLimit).
	PageLimit int
	// PagesPerSegment is how many pages go into one segment before it is committed with a
	// checkpoint (default DefaultPagesPerSegment): a killed fetch fetches at most that many pages
	// again.
	PagesPerSegment int
	// MaxTries bounds the requests for one page, retries included (default DefaultMaxTries).
	MaxTries int
	// Timeout bounds one request, its body included (default DefaultTimeout).
	Timeout time.Duration
	// Settings asks for the org's rate-limit settings too (three requests outside the logs
	// bucket), saved as SettingsName when the credential may read them.
	Settings bool

	UserAgent  string         // default "ratecard"
	HTTPClient *http.Client   // default: a client of its own; redirects are always refused
	Clock      Clock          // default: the wall clock
	Rand       func() float64 // jitter source in [0, 1) (default math/rand/v2)
	// OnProgress, when set, is called after every page and before every wait.
	OnProgress func(Progress)
}

// ParseOrg checks an org URL: https://ORG.okta.com (any host), or http only for a loopback host
// (127.0.0.1, ::1, localhost) as local proxies and tests use. It returns the origin alone.
func ParseOrg(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" || !u.IsAbs() {
		return nil, fmt.Errorf("--org %q: want the org's URL, e.g. https://example.okta.com", s)
	}
	if u.User != nil {
		return nil, fmt.Errorf("--org: the URL must not hold a user or password")
	}
	if u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("--org %q: give the org's origin only (https://example.okta.com), no path or query", s)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("--org %q: https is required (http is accepted only for 127.0.0.1, ::1 or localhost)", s)
		}
	default:
		return nil, fmt.Errorf("--org %q: https is required", s)
	}
	return &url.URL{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host)}, nil
}

// isLoopback reports whether host is 127.0.0.1, ::1 or localhost.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.Equal(net.IPv4(127, 0, 0, 1)) || ip.Equal(net.IPv6loopback))
}

// LastFullMonth returns the last full UTC calendar month before now, [first day, first day of the
// next month).
func LastFullMonth(now time.Time) (since, until time.Time) {
	now = now.UTC()
	until = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	return until.AddDate(0, -1, 0), until
}

// ErrRetention is wrapped by the error for a range that starts before Okta's retention.
var ErrRetention = errors.New("Okta keeps the System Log for 90 days")

// ValidateRange checks [since, until) against now: since before until, until not in the future,
// and since within Okta's 90-day retention.
func ValidateRange(since, until, now time.Time) error {
	if !since.Before(until) {
		return fmt.Errorf("--since %s is not before --until %s", stamp(since), stamp(until))
	}
	if until.After(now) {
		return fmt.Errorf("--until %s is in the future (now is %s): events published after the fetch would be missed", stamp(until), stamp(now))
	}
	if oldest := now.Add(-Retention); since.Before(oldest) {
		return fmt.Errorf("--since %s is older than the System Log keeps: %w; the oldest events are from about %s", stamp(since), ErrRetention, stamp(oldest.Truncate(time.Minute)))
	}
	return nil
}

// stamp formats an instant for messages and queries, UTC with milliseconds when it has them.
func stamp(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond() == 0 {
		return t.Format(time.RFC3339)
	}
	return t.Format("2006-01-02T15:04:05.000Z07:00")
}

// queryTime formats since/until as the System Log API takes them (ISO 8601, UTC, milliseconds).
func queryTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// firstURL is the first page's request: since, until, limit and sortOrder=ASCENDING.
func firstURL(org *url.URL, since, until time.Time, limit int) string {
	q := url.Values{}
	q.Set("since", queryTime(since))
	q.Set("until", queryTime(until))
	q.Set("limit", fmt.Sprint(limit))
	q.Set("sortOrder", "ASCENDING")
	u := *org
	u.Path, u.RawQuery = logsPath, q.Encode()
	return u.String()
}

// defaults fills in the zero options.
func (o *Options) defaults() {
	if o.Share == 0 {
		o.Share = DefaultShare
	}
	if o.PageLimit == 0 {
		o.PageLimit = DefaultPageLimit
	}
	if o.PagesPerSegment == 0 {
		o.PagesPerSegment = DefaultPagesPerSegment
	}
	if o.MaxTries == 0 {
		o.MaxTries = DefaultMaxTries
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.UserAgent == "" {
		o.UserAgent = "ratecard"
	}
	if o.Clock == nil {
		o.Clock = WallClock{}
	}
}

// noRedirects is a copy of c (or a new client) that refuses every redirect.
func noRedirects(c *http.Client) *http.Client {
	var n http.Client
	if c != nil {
		n = *c
	}
	n.CheckRedirect = func(*http.Request, []*http.Request) error { return errNoRedirect }
	return &n
}

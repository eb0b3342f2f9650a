package analyze

import (
	"slices"
	"strings"
	"time"

	"github.com/ratecard/ratecard/classify"
	"github.com/ratecard/ratecard/ingest"
	"github.com/ratecard/ratecard/report"
)

// maxEvents bounds the events kept in a result: a flood of identical violations adds nothing.
const maxEvents = 1000

// matchEvents maps Okta's events to catalog buckets and our per-minute counts, in time order.
func matchEvents(cat *classify.Catalog, tier classify.Tier, events []ingest.RateLimitEvent, buckets []report.BucketResult) []report.RateLimitEvent {
	byID := map[string]*report.BucketResult{}
	for i := range buckets {
		byID[buckets[i].Bucket.ID] = &buckets[i]
	}
	out := make([]report.RateLimitEvent, 0, min(len(events), maxEvents))
	for _, e := range events {
		if len(out) == maxEvents {
			break
		}
		o := report.RateLimitEvent{Type: e.Type, Kind: eventKind(e.Type), URLPattern: e.URLPattern, Threshold: e.Threshold,
			File: e.File, Line: e.Line, Limit: classify.NA}
		if e.Time != 0 {
			o.Time = time.UnixMicro(e.Time).UTC()
		}
		// Only org bucket events speak of a catalog bucket: operation, client and concurrency limits
		// are other limits (per user, per OAuth client, concurrent requests) and keep no bucket.
		if !strings.HasPrefix(strings.ToLower(e.Type), "system.org.rate_limit.") {
			out = append(out, o)
			continue
		}
		if b := bucketForEvent(cat, e); b != nil {
			o.Bucket = b.ID
			o.Limit = b.Limit(tier)
			if r := byID[b.ID]; r != nil && !o.Time.IsZero() {
				o.Count = minuteCount(r.Minutes, o.Time.Truncate(time.Minute))
			}
		}
		out = append(out, o)
	}
	slices.SortStableFunc(out, func(a, b report.RateLimitEvent) int { return a.Time.Compare(b.Time) })
	return out
}

// eventKind sorts an event type into warning, burst, violation or other.
func eventKind(t string) string {
	t = strings.ToLower(t)
	switch {
	case strings.Contains(t, "warning"):
		return "warning"
	case strings.Contains(t, "burst"):
		return "burst"
	case strings.Contains(t, "violation") || strings.Contains(t, "exceeded"):
		return "violation"
	}
	return "other"
}

// bucketForEvent finds the catalog bucket of an event. Okta names the bucket by its URL pattern
// ("/api/v1/users/{id}", "/api/v1/logs"): placeholders and "*" segments are compared as
// placeholders with the catalog's patterns. A pattern several buckets share (users-get and
// users-update are both /api/v1/users/{id}) or none has falls back to classifying the request URI
// the event names, then the pattern itself, as a GET.
func bucketForEvent(cat *classify.Catalog, e ingest.RateLimitEvent) *classify.Bucket {
	if e.URLPattern != "" {
		want := patternKey(e.URLPattern)
		var found *classify.Bucket
		n := 0
		for i := range cat.Buckets {
			if patternKey(cat.Buckets[i].Pattern) == want {
				found = &cat.Buckets[i]
				n++
			}
		}
		if n == 1 {
			return found
		}
	}
	for _, target := range []string{e.RequestURI, e.URLPattern} {
		if target == "" {
			continue
		}
		if b, ok := cat.Bucket(cat.Classify("GET", strings.NewReplacer("{", "x", "}", "x", "*", "x").Replace(target))); ok {
			return b
		}
	}
	return nil
}

// patternKey normalises a URL pattern: placeholders ({id}, {idOrLogin}, *) become "*", a trailing
// slash and a trailing "/*" are dropped.
func patternKey(p string) string {
	segs := strings.Split(strings.TrimRight(p, "/"), "/")
	for i, s := range segs {
		if s == "*" || strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = "*"
		}
	}
	for len(segs) > 1 && segs[len(segs)-1] == "*" && strings.HasSuffix(p, "*") {
		segs = segs[:len(segs)-1]
	}
	return strings.ToLower(strings.Join(segs, "/"))
}

// minuteCount is the count of minute m in a sorted series, 0 when absent.
func minuteCount(ms []report.MinuteCount, m time.Time) int64 {
	i, ok := slices.BinarySearchFunc(ms, m, func(x report.MinuteCount, t time.Time) int { return x.Minute.Compare(t) })
	if ok {
		return ms[i].Count
	}
	return 0
}

// setEventThresholds gives each bucket the largest limit Okta's org events reported for it.
func setEventThresholds(res *report.Result) {
	for _, e := range res.Events {
		for i := range res.Buckets {
			if b := &res.Buckets[i]; e.Bucket == b.Bucket.ID && e.Kind != "other" {
				b.EventThreshold = max(b.EventThreshold, e.Threshold)
			}
		}
	}
}

package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/ratecard/ratecard/classify"
)

// The strongest evidence the pack can hand an Okta support engineer for a bucket, beyond its peaks:
// the requests Okta refused (HTTP 429 in the logs), Okta's own warning, burst and violation events,
// the principals (API tokens, OAuth apps) against their share of the bucket, and the integrations
// behind the traffic by their user-agent product tokens (no personal data, so shown by default).

// throttleEvidence is a bucket's HTTP 429s per the logs: how many, in how many minutes, the first and
// last minute with any, and the minute with the most (the earliest on ties).
type throttleEvidence struct {
	Requests, Minutes  int64
	First, Last, Worst time.Time
	WorstCount         int64
}

// throttleOf sums a bucket's 429s from its minute series.
func throttleOf(b *BucketResult) throttleEvidence {
	var e throttleEvidence
	for _, m := range b.Minutes {
		if m.Throttled == 0 {
			continue
		}
		e.Requests += m.Throttled
		e.Minutes++
		if e.First.IsZero() {
			e.First = m.Minute
		}
		e.Last = m.Minute
		if m.Throttled > e.WorstCount {
			e.Worst, e.WorstCount = m.Minute, m.Throttled
		}
	}
	return e
}

// throttleText says a bucket's 429s in a sentence.
func throttleText(z zone, b *BucketResult) string {
	e := throttleOf(b)
	if e.Requests == 0 {
		return "none in the logs (or the logs do not record status codes)"
	}
	s := fmt.Sprintf("%s answered HTTP 429 in %s", count(e.Requests, "request"), count(e.Minutes, "minute"))
	if e.Minutes == 1 {
		return s + ", " + z.at(e.First, "2006-01-02 15:04")
	}
	return s + fmt.Sprintf(", the first at %s; the most, %s, at %s", z.pair(e.First, e.Last, "2006-01-02 15:04", " and the last at "),
		thousands(e.WorstCount), z.at(e.Worst, "2006-01-02 15:04"))
}

// bucketEvents are Okta's rate-limit events for bucket id, in time order.
func bucketEvents(res *Result, id string) []RateLimitEvent {
	var out []RateLimitEvent
	for _, e := range res.Events {
		if e.Bucket == id {
			out = append(out, e)
		}
	}
	return out
}

// eventsShown bounds the events listed per bucket.
const eventsShown = 5

// eventsText says Okta's own rate-limit events for a bucket in a sentence: how many of each kind,
// and the first few with Okta's threshold and the logs' count in that minute.
func eventsText(res *Result, id string) string {
	evs := bucketEvents(res, id)
	if len(evs) == 0 {
		return "none in the input (Okta writes them to the System Log; give a System Log export to set them beside the counts)"
	}
	kinds := map[string]int{}
	for _, e := range evs {
		kinds[e.Kind]++
	}
	var parts []string
	for _, k := range []string{"warning", "burst", "violation", "other"} {
		if n := kinds[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	s := strings.Join(parts, ", ")
	var shown []string
	for _, e := range evs[:min(len(evs), eventsShown)] {
		when := "at an unknown time"
		if !e.Time.IsZero() {
			when = res.zone().at(e.Time, "2006-01-02 15:04:05")
		}
		t := fmt.Sprintf("%s %s", e.Kind, when)
		if e.Threshold > 0 {
			t += fmt.Sprintf(", Okta's threshold %s", thousands(int64(e.Threshold)))
		}
		t += fmt.Sprintf(", %s in that minute per the logs", thousands(e.Count))
		shown = append(shown, t)
	}
	s += ": " + strings.Join(shown, "; ")
	if len(evs) > eventsShown {
		s += fmt.Sprintf("; %d more in report.html", len(evs)-eventsShown)
	}
	return s + ". Okta's page " + oktaBurst.Cite() + " describes its warning, burst and violation events"
}

// principalsShown bounds the principals listed per bucket.
const principalsShown = 5

// principalsText says the principals' busiest minutes against their share of the bucket, the most
// loaded first ("" when the input names no principal for the bucket).
func principalsText(z zone, b *BucketResult) string {
	if len(b.Principals) == 0 {
		return ""
	}
	var parts []string
	for _, p := range b.Principals[:min(len(b.Principals), principalsShown)] {
		t := fmt.Sprintf("%s peaked at %s/min (%s) against its %d %% share", p.Name, thousands(p.Peak), z.at(p.Minute, "2006-01-02 15:04"), p.Share)
		if p.Limit != classify.NA {
			t += fmt.Sprintf(" of %s/min", FormatLimit(p.Limit))
		}
		switch {
		case p.Over && !p.BucketOver:
			t += ": over its share while the bucket was not"
		case p.Over:
			t += ": over its share"
		default:
			t += ": within it"
		}
		parts = append(parts, t)
	}
	s := strings.Join(parts, "; ")
	if len(b.Principals) > principalsShown {
		s += fmt.Sprintf("; %d more in report.html", len(b.Principals)-principalsShown)
	}
	return s + ". Okta caps each API token and OAuth 2.0 app at a share of the bucket, 50 % by default (" + oktaTokenShare.Cite() + ")"
}

// productsText lists the integrations of a bucket's hot minutes by user-agent product.
func productsText(b *BucketResult) string {
	if len(b.Products) == 0 {
		return "none recorded"
	}
	parts := make([]string, len(b.Products))
	for i, p := range b.Products {
		name := p.Name
		if name == "" {
			name = "(not logged)"
		}
		parts[i] = fmt.Sprintf("%s %.1f %%", name, p.Fraction(b.HotRequests)*100)
	}
	return strings.Join(parts, ", ")
}

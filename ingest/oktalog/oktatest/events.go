package oktatest

import (
	"encoding/json"
	"fmt"
	"time"
)

// Event is one System Log event the server holds: its published time, uuid and the compact JSON
// the API returns.
type Event struct {
	Published time.Time
	UUID      string
	JSON      []byte
}

// eventTypes cycles through a few real event types, some with a request URI (which ingest counts
// as requests) and one rate-limit warning.
var eventTypes = []struct{ typ, uri string }{
	{"user.session.start", "/api/v1/authn"},
	{"user.authentication.sso", "/app/okta_org2org/exk1/sso/saml"},
	{"app.oauth2.as.token.grant.access_token", "/oauth2/v1/token"},
	{"user.lifecycle.create", "/api/v1/users"},
	{"group.user_membership.add", ""},
	{"system.org.rate_limit.warning", "/api/v1/users"},
}

// Events makes n events from start, step apart; every seventh shares the previous one's
// published time (Okta's times have milliseconds, and busy orgs log several events in one).
func Events(start time.Time, step time.Duration, n int) []Event {
	out := make([]Event, 0, n)
	at := start.UTC().Truncate(time.Millisecond)
	for i := 0; i < n; i++ {
		if i > 0 && i%7 != 0 {
			at = at.Add(step)
		}
		et := eventTypes[i%len(eventTypes)]
		uuid := fmt.Sprintf("%08x-%04x-11ee-8000-%012x", i+1, i%65536, i*7919)
		ev := map[string]any{
			"uuid":           uuid,
			"published":      at.Format("2006-01-02T15:04:05.000Z"),
			"eventType":      et.typ,
			"version":        "0",
			"severity":       "INFO",
			"displayMessage": fmt.Sprintf("event %d — ünïcode ✓ \"quoted\"", i+1),
			"actor":          map[string]any{"id": "00u1", "type": "User", "alternateId": "jane@example.com"},
			"client":         map[string]any{"ipAddress": fmt.Sprintf("10.0.%d.%d", i/250%250, i%250+1), "userAgent": map[string]any{"rawUserAgent": "okta-sdk-java/8.2.0"}},
			"outcome":        map[string]any{"result": "SUCCESS"},
			"transaction":    map[string]any{"type": "WEB", "id": fmt.Sprintf("tx%d", i+1)},
		}
		if et.uri != "" {
			dd := map[string]any{"requestUri": et.uri, "requestId": fmt.Sprintf("req%d", i+1)}
			if et.typ == "system.org.rate_limit.warning" {
				dd["threshold"] = "600"
				dd["urlPattern"] = "/api/v1/users"
			}
			ev["debugContext"] = map[string]any{"debugData": dd}
		}
		b, err := json.Marshal(ev)
		if err != nil {
			panic(err)
		}
		out = append(out, Event{Published: at, UUID: uuid, JSON: b})
	}
	return out
}

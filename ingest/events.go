package ingest

import (
	"strings"
	"unicode/utf8"
)

// RateLimitEvent is an Okta System Log rate-limit event: a warning, burst or violation of an org, operation or
// client rate limit, or a concurrency violation (see [IsRateLimitEventType]). Its strings are copies,
// valid for as long as the RateLimitEvent is kept.
//
// Key names follow Okta's debugData, read case-insensitively; Okta says debugData keys are not a
// stable contract, so every field may be empty or 0.
type RateLimitEvent struct {
	Time       int64  // UTC instant of "published", Unix microseconds; 0 when absent or unreadable
	Type       string // eventType, e.g. "system.org.rate_limit.warning"
	URLPattern string // the bucket: target[] of type "URL Pattern", else debugData urlPattern, burstRateLimitUrlPattern or rateLimitBucket
	Threshold  int    // the limit the event reports: debugData threshold, operationRateLimitThreshold or baseThreshold; 0 when absent
	File       string // the file it was read from: the name given to Open, OpenParts or NewReader
	Line       int    // line of the event in its file (for the okta-array format, its 1-based event index)

	BurstThreshold int    // burst events: burstThreshold; 0 otherwise
	WarningPercent int    // warning events: warningPercent (e.g. 60); 0 otherwise
	TimeSpan       int    // the limit's window, in TimeUnit: timeSpan or operationRateLimitTimeSpan (e.g. 1, 10); 0 when absent
	TimeUnit       string // "MINUTES", "SECONDS"…; "" when absent
	Scope          string // rateLimitScopeType or operationRateLimitScopeType: "ORG", "User", "token"…
	Subtype        string // operation events: operationRateLimitType and operationRateLimitSubtype joined by "/", e.g. "Web request/Authenticated user"
	BucketUUID     string // rateLimitBucketUuid, burstRateLimitBucketUuid or the target[] of type "Bucket Uuid"
	RequestURI     string // debugData requestUri: the path of the request that crossed the line
	Client         string // client.ipAddress
	TokenID        string // transaction.detail.requestApiTokenId: the API token used, when Okta logged it
	// UUID is the event's uuid when it has the shape of a UUID, else "": events with the same UUID
	// are one event, delivered or exported twice.
	UUID string
}

// rateLimitEventTypes are the exact eventType values, beyond the prefix rules, that are rate-limit events.
var rateLimitEventTypes = map[string]bool{
	"system.org.rate_limit.warning":           true,
	"system.org.rate_limit.burst":             true,
	"system.org.rate_limit.violation":         true,
	"core.concurrency.org.limit.violation":    true,
	"app.oauth2.client_id_rate_limit_warning": true,
}

// IsRateLimitEventType reports whether eventType is an Okta rate-limit event kept as an [RateLimitEvent]:
// system.org.rate_limit.warning, .burst and .violation; every system.operation.rate_limit.* and
// system.operation.concurrency_limit.*; every system.client.* whose name holds "rate_limit";
// core.concurrency.org.limit.violation; and app.oauth2.client_id_rate_limit_warning. It is
// case-insensitive. Not included: system.org.rate_limit.expiration.warning (an override expiring) and
// application.integration.rate_limit_exceeded (a third-party API's limit, not Okta's).
func IsRateLimitEventType(eventType string) bool {
	if !mayBeRateLimitEventType(eventType) {
		return false
	}
	t := strings.ToLower(eventType)
	switch {
	case rateLimitEventTypes[t]:
		return true
	case strings.HasPrefix(t, "system.operation.rate_limit.") || strings.HasPrefix(t, "system.operation.concurrency_limit."):
		return true
	case strings.HasPrefix(t, "system.client.") && strings.Contains(t, "rate_limit"):
		return true
	}
	return false
}

// clone returns e with its strings copied.
func (e RateLimitEvent) clone() RateLimitEvent {
	e.Type, e.URLPattern, e.TimeUnit = strings.Clone(e.Type), strings.Clone(e.URLPattern), strings.Clone(e.TimeUnit)
	e.Scope, e.Subtype, e.BucketUUID = strings.Clone(e.Scope), strings.Clone(e.Subtype), strings.Clone(e.BucketUUID)
	e.RequestURI, e.Client, e.TokenID = strings.Clone(e.RequestURI), strings.Clone(e.Client), strings.Clone(e.TokenID)
	e.UUID = strings.Clone(e.UUID)
	return e
}

// mayBeRateLimitEventType is a quick test before IsRateLimitEventType's: every rate-limit event
// type has "limit" in it. An ASCII type without "limit" (in any case) is not one; a type with
// other bytes may be one once lower-cased ("L\u0130MIT" is "limit").
func mayBeRateLimitEventType(t string) bool {
	for i := 0; i < len(t); i++ {
		if t[i] >= utf8.RuneSelf {
			return true
		}
		if t[i]|0x20 == 'l' && i+5 <= len(t) && equalFoldASCII(t[i:i+5], "limit") {
			return true
		}
	}
	return false
}

// eventSink collects the rate-limit events of one Reader.
type eventSink struct {
	events []RateLimitEvent
	total  int64
	file   string // the Reader's name
	line   *int64 // the Reader's line count: the line of the event being parsed
}

// add keeps ev (up to MaxEvents) and counts it. A nil sink (parseLine) drops it.
func (s *eventSink) add(ev RateLimitEvent) {
	if s == nil {
		return
	}
	s.total++
	ev.File = s.file
	if s.line != nil {
		ev.Line = int(*s.line)
	}
	if len(s.events) < MaxEvents {
		s.events = append(s.events, ev)
	}
}

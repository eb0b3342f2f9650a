package ingest

import "bytes"

// The envoy-text format: Envoy's default text access log format,
//
//	[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS%
//	%BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%"
//	"%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"
//
// and Istio's, which adds %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS%
// "%UPSTREAM_TRANSPORT_FAILURE_REASON%" after the response flags and %UPSTREAM_CLUSTER%
// %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS%
// %REQUESTED_SERVER_NAME% %ROUTE_NAME% at the end, e.g.
//
//	[2024-01-01T00:00:00.123Z] "GET /api/v1/users HTTP/1.1" 200 - 0 512 41 40 "203.0.113.7" "okta-sdk-go/2.0" "a1b2…" "acme.okta.com" "10.0.0.5:443"
//
// The time is START_TIME, when the request started (ISO 8601, UTC unless it says otherwise), and
// DURATION (milliseconds, "-" when not known) is how long it took: it was in flight on
// [START_TIME, START_TIME + DURATION). The
// status is RESPONSE_CODE (0 when no response was sent). The client is Istio's
// DOWNSTREAM_REMOTE_ADDRESS without its port; Envoy's default format logs no peer address, so there
// the client is the first X-Forwarded-For hop (as for the envoy JSON format), "" when none. Fields
// after those of the two layouts are ignored. Envoy's own messages in the same stream
// ("[2024-01-01 00:00:00.000][12][info][main] …", as a container's log mixes them in) are skipped
// as not-a-request.

// envoyField is one field of an envoy-text line: its value (without quotes) and whether it was
// quoted.
type envoyField struct {
	v      []byte
	quoted bool
}

// maxEnvoyFields is the most fields of an envoy-text line that are read (Istio's layout has 22).
const maxEnvoyFields = 22

func sniffEnvoyText(line []byte) bool {
	var rec Record
	return shapeOK(scanEnvoyText(line, &rec, false))
}

func parseEnvoyText(line []byte, rec *Record) string { return scanEnvoyText(line, rec, false) }

// parseEnvoyTextXFF is parseEnvoyText for Options.ForwardedFor: the client is the first
// X-Forwarded-For hop when the line has one.
func parseEnvoyTextXFF(line []byte, rec *Record) string { return scanEnvoyText(line, rec, true) }

// isEnvoyMessage reports whether line is one of Envoy's own log messages: "[date time][thread][level]…".
func isEnvoyMessage(line []byte) bool {
	end := bytes.IndexByte(line, ']')
	if end < 0 || end+1 >= len(line) || line[end+1] != '[' {
		return false
	}
	_, ok := parseISOTime(line[1:end])
	return ok
}

func scanEnvoyText(line []byte, rec *Record, xff bool) string {
	if len(line) < 2 || line[0] != '[' {
		return ReasonMalformed
	}
	if isEnvoyMessage(line) {
		return ReasonNotARequest
	}
	var buf [maxEnvoyFields]envoyField
	f := buf[:0]
	for i := 0; len(f) < maxEnvoyFields; {
		i = skipBlanks(line, i)
		if i >= len(line) {
			break
		}
		quoted := line[i] == '"'
		v, next, ok := nextField(line, i)
		if !ok {
			return ReasonMalformed
		}
		f = append(f, envoyField{v: v, quoted: quoted})
		i = next
	}
	// [time] "request" status flags, then the default layout (4 numbers, then the quoted
	// X-Forwarded-For and user agent) or Istio's (2 bare fields, a quoted one, 4 numbers, the same).
	if len(f) < 10 || f[0].quoted || !f[1].quoted || f[2].quoted || f[3].quoted {
		return ReasonMalformed
	}
	k := 0
	switch {
	case envoyNumbers(f[4:8]) && f[8].quoted && f[9].quoted:
		k = 8
	case len(f) >= 13 && !f[4].quoted && !f[5].quoted && f[6].quoted && envoyNumbers(f[7:11]) && f[11].quoted && f[12].quoted:
		k = 11
	default:
		return ReasonMalformed
	}
	status, ok := envoyStatus(f[2].v)
	if !ok {
		return ReasonMalformed
	}
	ts := f[0].v
	if len(ts) < 2 || ts[len(ts)-1] != ']' {
		return ReasonMalformed
	}
	t, ok := parseISOTime(ts[1 : len(ts)-1])
	if !ok {
		return ReasonBadTimestamp
	}
	method, target, ok := splitRequestFast(f[1].v)
	if !ok {
		return ReasonBadRequest
	}
	hop := aliasString(firstHop(f[k].v))
	client := hop
	if peer := k + 8; k == 11 && len(f) > peer && !f[peer].quoted && !isDash(f[peer].v) && !(xff && hop != "") {
		client = stripPort(aliasString(f[peer].v))
	}
	rec.setRequest(t, method, target, status, client, f[k+1].v)
	if d, ok := parseMillis(f[k-2].v); ok { // %DURATION%, the third of the four numbers
		rec.setDuration(d)
	}
	return ""
}

// skipBlanks returns the index of the first byte at or after i that is neither a space nor a tab.
func skipBlanks(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}

// envoyNumbers reports whether every field is a bare number or "-" (byte counts and durations).
func envoyNumbers(f []envoyField) bool {
	for _, x := range f {
		if x.quoted || !isBytesField(x.v) {
			return false
		}
	}
	return true
}

// envoyStatus parses RESPONSE_CODE: 0 (no response sent) or a three-digit status; "-" is 0.
func envoyStatus(b []byte) (int, bool) {
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	return parseStatus(b)
}

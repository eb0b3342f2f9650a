package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The encoding/json-based reference implementations of the JSON formats, as they were before the
// tape (jsonscan.go) took over: the tape-based parsers are tested against them
// (jsonscan_test.go). What the tape-based code still uses of the old code (decodeObject and
// lookupPath for sniffing, decodeLogEvent as the System Log fallback, anyString, lookupFold)
// stays in the package.

// parseReference is jsonMapping.parse as it was before the tape (and as the sniffers still read
// lines): encoding/json decodes the line into a map (decodeObject), which the mapping's paths are
// looked up in (lookupPath).
func (m *jsonMapping) parseReference(line []byte, rec *Record) string {
	b := jsonObject(line)
	if b == nil {
		return ReasonMalformed
	}
	obj, ok := decodeObject(b)
	if !ok {
		return ReasonMalformed
	}
	target := m.str(obj, m.target)
	if target == "" {
		return ReasonNotARequest
	}
	t, ok := jsonTime(m.first(obj, m.time))
	if !ok {
		return ReasonBadTimestamp
	}
	dur := int64(-1)
	switch v := m.first(obj, m.duration).(type) {
	case json.Number, string:
		if d, ok := parseDurationUnit([]byte(anyString(v)), m.durUnit); ok {
			dur = d
			if m.durEnd {
				t -= d
			}
		}
	}
	method := strings.ToUpper(m.str(obj, m.method))
	if (method != "" || m.needMethod) && !isMethod(method) {
		return ReasonBadRequest
	}
	status := 0
	if v := m.first(obj, m.status); v != nil {
		n, ok := headerInt([]byte(anyString(v)))
		if !ok || n > 999 {
			return ReasonMalformed
		}
		status = int(n)
	}
	client := m.str(obj, m.client)
	if c := strings.IndexByte(client, ','); c >= 0 { // an X-Forwarded-For list
		client = strings.TrimSpace(client[:c])
	}
	if m.stripPort {
		client = stripPort(client)
	}
	if m.useXFF {
		if hop := firstHop([]byte(m.str(obj, m.xff))); len(hop) > 0 {
			client = stripPort(string(hop))
		}
	}
	*rec = Record{
		Time:      t,
		Method:    method,
		Target:    target,
		Status:    status,
		Client:    client,
		UserAgent: m.str(obj, m.ua),
		Line:      rec.Line,
	}
	rec.setDuration(dur)
	for k, ps := range m.rl {
		n, ok := headerInt([]byte(anyString(m.first(obj, ps))))
		if !ok {
			continue
		}
		rec.setRateLimit(k, n)
	}
	return ""
}

// finishReference is sysLogParser.finish as it was before the tape, on an event decoded by
// decodeLogEvent.
func (p *sysLogParser) finishReference(ev *sysEvent, rec *Record) string {
	if ev.eventType == "" {
		if ev.errorCode != "" {
			return ReasonErrorBody
		}
		return ReasonMalformed // not a LogEvent
	}
	uuid := ""
	if isUUID(ev.uuid) {
		uuid = ev.uuid
	}
	dstr := func(keys ...string) string {
		for _, k := range keys {
			if s := anyString(lookupFold(ev.debug, k)); s != "" {
				return s
			}
		}
		return ""
	}
	t, timeOK := parseISOTime(ev.published)
	if !timeOK {
		t, timeOK = parseEpoch(ev.published)
	}
	uri := dstr("requestUri")
	if IsRateLimitEventType(ev.eventType) {
		e := RateLimitEvent{
			Type:           ev.eventType,
			URLPattern:     dstr("urlPattern", "burstRateLimitUrlPattern", "url_pattern", "rateLimitBucket"),
			Threshold:      anyIntReference(lookupFold(ev.debug, "threshold")),
			BurstThreshold: anyIntReference(lookupFold(ev.debug, "burstThreshold")),
			WarningPercent: anyIntReference(lookupFold(ev.debug, "warningPercent")),
			TimeSpan:       anyIntReference(lookupFold(ev.debug, "timeSpan")),
			TimeUnit:       dstr("timeUnit", "operationRateLimitTimeUnit"),
			Scope:          dstr("rateLimitScopeType", "operationRateLimitScopeType"),
			BucketUUID:     dstr("rateLimitBucketUuid", "burstRateLimitBucketUuid"),
			RequestURI:     uri,
			Client:         ev.ip,
			TokenID:        ev.tokenID,
			UUID:           uuid,
		}
		if timeOK {
			e.Time = t
		}
		if e.Threshold == 0 {
			e.Threshold = anyIntReference(lookupFold(ev.debug, "operationRateLimitThreshold"))
		}
		if e.Threshold == 0 {
			e.Threshold = anyIntReference(lookupFold(ev.debug, "baseThreshold"))
		}
		if e.TimeSpan == 0 {
			e.TimeSpan = anyIntReference(lookupFold(ev.debug, "operationRateLimitTimeSpan"))
		}
		if typ, sub := dstr("operationRateLimitType"), dstr("operationRateLimitSubtype"); typ != "" || sub != "" {
			e.Subtype = typ + "/" + sub
		}
		for _, tg := range ev.targets {
			switch {
			case strings.EqualFold(tg.Type, "URL Pattern") && tg.ID != "":
				e.URLPattern = tg.ID
			case strings.EqualFold(tg.Type, "Bucket Uuid") && tg.ID != "" && e.BucketUUID == "":
				e.BucketUUID = tg.ID
			}
		}
		p.sink.add(e)
		if uri == "" {
			return ReasonRateLimitEvent
		}
	} else if uri == "" {
		return ReasonNotARequest
	}
	if !timeOK {
		return ReasonBadTimestamp
	}
	key := dstr("requestId")
	if key == "" && (ev.txType == "" || strings.EqualFold(ev.txType, "WEB")) {
		key = ev.txID
	}
	if len(key) < minRequestIDLen {
		key = ""
	}
	method := strings.ToUpper(dstr("requestMethod", "method", "httpMethod"))
	methods := MethodSetOf(method)
	if methods == 0 {
		method, methods = "", sysMethods(ev.eventType, uri)
		if methods.Len() == 1 {
			method = methods.Methods()[0]
		}
	}
	status := anyIntReference(lookupFold(ev.debug, "statusCode"))
	if status == 0 {
		status = anyIntReference(lookupFold(ev.debug, "httpStatusCode"))
	}
	if status > 999 {
		status = 0
	}
	*rec = Record{
		Time:      t,
		Method:    method,
		Target:    uri,
		Status:    status,
		Client:    ev.ip,
		UserAgent: ev.ua,
		Line:      rec.Line,
		Source:    SourceSystemLog,
		Principal: ev.tokenID,
		Methods:   methods,
		RequestID: key,
		EventID:   uuid,
	}
	return ""
}

// parseJSONReference is sysLogParser.parseJSON as it was before the tape.
func (p *sysLogParser) parseJSONReference(line []byte, rec *Record) string {
	var ev sysEvent
	if !decodeLogEvent(line, &ev) {
		return ReasonMalformed
	}
	return p.finishReference(&ev, rec)
}

// anyIntReference is anyInt as it was.
func anyIntReference(v any) int {
	s := strings.TrimSpace(anyString(v))
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// refArrayStream is the okta-array stream as it was before the tape: a json.Decoder.
type refArrayStream struct {
	dec      *json.Decoder
	lim      *budgetReader
	inPage   bool
	raw      json.RawMessage
	maxEvent int64
}

func newRefArrayStream(r *Reader) *refArrayStream {
	lim := &budgetReader{r: r.br}
	return &refArrayStream{
		dec:      json.NewDecoder(lim),
		lim:      lim,
		maxEvent: int64(max(r.maxLine, minMaxEventBytes)),
	}
}

// refNextArray is Reader.nextArray as it was before the tape.
func refNextArray(r *Reader, a *refArrayStream) bool {
	for !r.done {
		// The decoder buffers what it has read but not used; allow the next element maxEvent bytes.
		a.lim.limit = a.dec.InputOffset() + a.maxEvent + 4096
		object := a.dec.More() && bytes.HasPrefix(bytes.TrimLeft(bufferedBytes(a.dec), " \t\r\n"), []byte{'{'})
		if !a.inPage && !object { // not an object at the top level: a page
			tok, err := a.dec.Token()
			if err == io.EOF {
				r.done = true
				return false
			}
			if err != nil {
				refFailArray(r, a, err, false)
				return false
			}
			if d, ok := tok.(json.Delim); !ok || d != '[' {
				r.done = true
				r.err = fmt.Errorf("%s: event %d: malformed JSON array: expected '[', found %v", r.name, r.stats.Lines+1, tok)
				return false
			}
			a.inPage = true
			continue
		}
		if a.inPage && !a.dec.More() {
			if _, err := a.dec.Token(); err != nil { // the closing ']'
				refFailArray(r, a, err, false)
				return false
			}
			a.inPage = false
			continue
		}
		if err := a.dec.Decode(&a.raw); err != nil {
			refFailArray(r, a, err, true)
			return false
		}
		r.stats.Lines++
		if r.parseTrimmed(a.raw, a.raw) {
			return true
		}
	}
	return false
}

// bufferedBytes returns what dec has read but not decoded yet.
func bufferedBytes(dec *json.Decoder) []byte {
	b, _ := io.ReadAll(dec.Buffered())
	return b
}

// refFailArray is Reader.failArray as it was before the tape: it stops the Reader on a decoding
// error. inEvent: the error struck inside an element, which is then counted as a skipped line
// (truncated, too long or malformed) so that no event goes uncounted.
func refFailArray(r *Reader, a *refArrayStream, err error, inEvent bool) {
	r.done = true
	reason := ReasonMalformed
	switch {
	case a.lim.err != nil:
		reason = ReasonTruncated
		r.err = r.readError(a.lim.err, int(r.stats.Lines)+1)
	case a.lim.over:
		reason = ReasonTooLong
		r.err = fmt.Errorf("%s: event %d: longer than %d bytes", r.name, r.stats.Lines+1, a.maxEvent)
	case errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF:
		reason = ReasonTruncated
		r.err = fmt.Errorf("%s: event %d: truncated JSON array: %w", r.name, r.stats.Lines+1, io.ErrUnexpectedEOF)
	default:
		r.err = fmt.Errorf("%s: event %d: malformed JSON array: %w", r.name, r.stats.Lines+1, err)
	}
	if inEvent {
		r.stats.Lines++
		r.skip(reason, nil)
	}
}

// isRateLimitEventTypeReference is IsRateLimitEventType as it was (without its quick test).
func isRateLimitEventTypeReference(eventType string) bool {
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

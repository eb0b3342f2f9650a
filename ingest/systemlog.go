package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Okta System Log exports, three shapes of the same LogEvent:
//
//   - okta-ndjson: one JSON event per line, as collectors and SIEMs write them;
//   - okta-array: the /api/v1/logs response, a JSON array of events, or several pages
//     concatenated ("[…][…]"), pretty-printed or not, and JSON objects between or instead of
//     arrays: a single pretty-printed event, a saved error body (see arraystream.go);
//   - okta-csv: a CSV export with a header row naming the columns (see systemlog_csv.go).
//
// Keys are matched case-insensitively ("eventtype", "debugcontext", "debugdata", "requesturi" as
// some SIEMs write them). An object without an eventType whose "detail" is an object is an
// EventBridge envelope, as Okta's Amazon EventBridge log stream delivers events
// ({"version":"0","detail-type":…,"source":…,"detail":{…the LogEvent…}}): its detail is the
// event. An object without an eventType whose errorCode is set is an Okta error body, as a
// /api/v1/logs call answered with HTTP 429 and saved between pages (ReasonErrorBody). An event
// whose debugContext.debugData.requestUri is set is a request (Record.Source "system-log"); a
// rate-limit event is also kept as a RateLimitEvent.

// sysEvent is the part of a LogEvent ingest reads, whatever the export shape.
type sysEvent struct {
	published []byte         // as written: a JSON string's content, or a number
	eventType string         // eventType
	debug     map[string]any // debugContext.debugData (decodeLogEvent, the CSV export)
	// tape, when set, holds debugContext.debugData instead of debug, as the object at tape index
	// debugTok (-1: none), for decodeLogEventTape.
	tape     *jsonTape
	debugTok int
	// known holds, with tape, the tape index of debugData's value of each of sysDebugKeys (-1: none).
	known   [7]int
	ip, ua  string // client.ipAddress, client.userAgent.rawUserAgent
	targets []sysTarget
	txID    string // transaction.id
	txType  string // transaction.type
	tokenID string // transaction.detail.requestApiTokenId
	uuid    string // uuid
	// errorCode is the errorCode of an object that is not a LogEvent (no eventType): an Okta error
	// body.
	errorCode string
}

// debugStr returns anyString(lookupFold(debugData, key)).
func (ev *sysEvent) debugStr(key string) string {
	if ev.tape != nil {
		return ev.tape.floatString(ev.debugValue(key))
	}
	return anyString(lookupFold(ev.debug, key))
}

// debugInt returns anyInt(lookupFold(debugData, key)).
func (ev *sysEvent) debugInt(key string) int {
	if ev.tape != nil {
		return atoiNonNegative(ev.tape.floatString(ev.debugValue(key)))
	}
	return anyInt(lookupFold(ev.debug, key))
}

// debugValue returns the tape index of debugData's value of key (lookupFold), from ev.known for
// the keys every request reads (sysDebugKeys, looked up together by decodeAt).
func (ev *sysEvent) debugValue(key string) int {
	if i := sysDebugKey(key); i >= 0 {
		return ev.known[i]
	}
	return ev.tape.lookupFold(ev.debugTok, key, true)
}

// sysDebugKeys are the debugData keys finish reads for every request: ev.known holds their values.
var sysDebugKeys = []string{"requestUri", "requestId", "requestMethod", "method", "httpMethod", "statusCode", "httpStatusCode"}

// sysDebugKey returns the index of key in sysDebugKeys, or -1.
func sysDebugKey(key string) int {
	switch key {
	case "requestUri":
		return 0
	case "requestId":
		return 1
	case "requestMethod":
		return 2
	case "method":
		return 3
	case "httpMethod":
		return 4
	case "statusCode":
		return 5
	case "httpStatusCode":
		return 6
	}
	return -1
}

type sysTarget struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// jsonLogEvent decodes a LogEvent. encoding/json matches keys case-insensitively, so
// "debugcontext" and "eventtype" fill these fields too; a field of an unexpected JSON type is left
// empty (decodeLogEvent ignores json.UnmarshalTypeError). Detail is an EventBridge envelope's event.
type jsonLogEvent struct {
	Published json.RawMessage `json:"published"`
	EventType string          `json:"eventType"`
	UUID      string          `json:"uuid"`
	Detail    json.RawMessage `json:"detail"`
	Client    struct {
		IPAddress string `json:"ipAddress"`
		UserAgent struct {
			RawUserAgent string `json:"rawUserAgent"`
		} `json:"userAgent"`
	} `json:"client"`
	DebugContext struct {
		DebugData map[string]any `json:"debugData"`
	} `json:"debugContext"`
	Target      []sysTarget `json:"target"`
	Transaction struct {
		ID     string         `json:"id"`
		Type   string         `json:"type"`
		Detail map[string]any `json:"detail"`
	} `json:"transaction"`
}

// decodeLogEvent decodes one JSON object into ev: a LogEvent, the event of an EventBridge envelope,
// or an error body (ev.errorCode). It reports false when b is not a JSON object.
func decodeLogEvent(b []byte, ev *sysEvent) bool {
	return decodeLogEventIn(b, ev, true)
}

// decodeLogEventIn is decodeLogEvent; envelope tells whether b may be an EventBridge envelope (the
// top level of a line or element) rather than its event.
func decodeLogEventIn(b []byte, ev *sysEvent, envelope bool) bool {
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	var j jsonLogEvent
	if err := json.Unmarshal(b, &j); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return false
		}
	}
	if j.EventType == "" {
		if d := bytes.TrimSpace(j.Detail); envelope && len(d) > 0 && d[0] == '{' {
			return decodeLogEventIn(d, ev, false)
		}
		var m map[string]any
		_ = json.Unmarshal(b, &m) // valid: the first Unmarshal got this far
		*ev = sysEvent{errorCode: anyString(lookupFold(m, "errorCode"))}
		return true
	}
	*ev = sysEvent{
		uuid:      j.UUID,
		eventType: j.EventType,
		debug:     j.DebugContext.DebugData,
		ip:        j.Client.IPAddress,
		ua:        j.Client.UserAgent.RawUserAgent,
		targets:   j.Target,
		txID:      j.Transaction.ID,
		txType:    j.Transaction.Type,
		tokenID:   anyString(lookupFold(j.Transaction.Detail, "requestApiTokenId")),
	}
	if p := bytes.TrimSpace(j.Published); len(p) > 0 && p[0] == '"' {
		var s string
		if json.Unmarshal(p, &s) == nil {
			ev.published = []byte(s)
		}
	} else if !bytes.Equal(p, []byte("null")) {
		ev.published = p
	}
	return true
}

// anyInt parses a decoded JSON scalar as a non-negative integer (Okta writes numbers as strings);
// 0 when it is not one.
func anyInt(v any) int { return atoiNonNegative(anyString(v)) }

// atoiNonNegative parses s, trimmed, as a non-negative decimal integer (strconv.Atoi); 0 when it
// is not one.
func atoiNonNegative(s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0 // without strconv.Atoi's error, which allocates
	}
	if len(s) <= 18 {
		n := 0
		for i := 0; i < len(s); i++ {
			if !isDigit(s[i]) {
				goto atoi
			}
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
atoi:
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// sysLogParser is the per-file state of the System Log formats.
type sysLogParser struct {
	sink *eventSink

	// The JSON formats: events are decoded on tape (decodeLogEventTape), reused from event to
	// event with targets. prebuilt, when set, is the event that tape already holds (okta-array
	// scans each event onto it as it reads the array).
	tape     jsonTape
	targets  []sysTarget
	prebuilt []byte
}

func newSysLogJSONParser(_ *Options, sink *eventSink) (func([]byte, *Record) string, error) {
	p := &sysLogParser{sink: sink}
	return p.parseJSON, nil
}

// parseJSON parses one event (a line of okta-ndjson, an element of okta-array): on the tape, or,
// for an event that repeats a key of the LogEvent, with encoding/json (decodeLogEvent).
func (p *sysLogParser) parseJSON(line []byte, rec *Record) string {
	var ev sysEvent
	ok, fallback := p.decodeLogEventTape(line, &ev)
	if fallback {
		ev = sysEvent{}
		ok = decodeLogEvent(line, &ev)
	}
	if !ok {
		return ReasonMalformed
	}
	return p.finish(&ev, rec)
}

// The LogEvent fields decodeLogEventTape reads, by struct (see jsonLogEvent).
var (
	logEventFields     = newFieldSet("published", "eventType", "client", "debugContext", "target", "transaction", "uuid", "detail")
	clientFields       = newFieldSet("ipAddress", "userAgent")
	userAgentFields    = newFieldSet("rawUserAgent")
	debugContextFields = newFieldSet("debugData")
	transactionFields  = newFieldSet("id", "type", "detail")
	targetFields       = newFieldSet("id", "type")
)

// logEventSpec is what decodeAt reads of a LogEvent, for jsonTape.parseShallow: client's ipAddress
// and userAgent, debugContext's debugData, and target, transaction and an EventBridge envelope's
// detail in full. (Every key of these objects is laid out, so that a repeated field is seen.)
var logEventSpec = &shallowSpec{
	fields: logEventFields,
	full:   1<<4 | 1<<5 | 1<<7, // target, transaction, detail
	sub: [8]*shallowSpec{
		2: {fields: clientFields, full: 1 << 1},       // client: userAgent
		3: {fields: debugContextFields, full: 1 << 0}, // debugContext: debugData
	},
}

// decodeLogEventTape is decodeLogEvent on p.tape: ok reports whether b is a JSON object (then ev
// holds what decodeLogEvent would put there, its strings aliasing b or the tape). fallback reports
// an object in which a field of jsonLogEvent (at any level) occurs twice: encoding/json merges
// repeated keys in ways this does not follow, so such an event is left to decodeLogEvent.
func (p *sysLogParser) decodeLogEventTape(b []byte, ev *sysEvent) (ok, fallback bool) {
	if len(b) == 0 || b[0] != '{' {
		return false, false
	}
	t := &p.tape
	prebuilt := p.prebuilt
	p.prebuilt = nil
	if len(prebuilt) != len(b) || len(t.toks) == 0 || &prebuilt[0] != &b[0] {
		if !t.parseShallow(b, logEventSpec) {
			return false, false
		}
	}
	return true, p.decodeAt(0, ev, true)
}

// decodeAt is decodeLogEventTape for the object at tape index obj; envelope tells whether it may
// be an EventBridge envelope (see decodeLogEventIn). It reports whether the event needs the
// fallback.
func (p *sysLogParser) decodeAt(obj int, ev *sysEvent, envelope bool) (fallback bool) {
	t := &p.tape
	*ev = sysEvent{tape: t, debugTok: -1, targets: p.targets[:0]}
	var top [8]int
	if !t.structFields(obj, logEventFields, top[:]) {
		return true
	}
	if v := top[0]; v >= 0 { // published: a json.RawMessage
		switch t.toks[v].kind {
		case kindString:
			ev.published = t.strBytes(v)
		case kindNull:
		default:
			ev.published = t.raw(v)
		}
	}
	ev.eventType = t.stringField(top[1])
	if ev.eventType == "" {
		if envelope && t.isObject(top[7]) {
			return p.decodeAt(top[7], ev, false)
		}
		*ev = sysEvent{errorCode: t.floatString(t.lookupFold(obj, "errorCode", true))}
		return false
	}
	ev.uuid = t.stringField(top[6])
	if v := top[2]; t.isObject(v) { // client
		var c [2]int
		if !t.structFields(v, clientFields, c[:]) {
			return true
		}
		ev.ip = t.stringField(c[0])
		if t.isObject(c[1]) {
			var ua [1]int
			if !t.structFields(c[1], userAgentFields, ua[:]) {
				return true
			}
			ev.ua = t.stringField(ua[0])
		}
	}
	if v := top[3]; t.isObject(v) { // debugContext
		var d [1]int
		if !t.structFields(v, debugContextFields, d[:]) {
			return true
		}
		if t.isObject(d[0]) {
			ev.debugTok = d[0]
		}
	}
	t.lookupFoldAll(ev.debugTok, sysDebugKeys, ev.known[:])
	if v := top[4]; v >= 0 && t.toks[v].kind == kindArray { // target
		for e := v + 1; e < t.toks[v].next; e = t.toks[e].next {
			var tg sysTarget
			if t.isObject(e) {
				var f [2]int
				if !t.structFields(e, targetFields, f[:]) {
					return true
				}
				tg = sysTarget{ID: t.stringField(f[0]), Type: t.stringField(f[1])}
			}
			ev.targets = append(ev.targets, tg)
		}
		p.targets = ev.targets
	}
	if v := top[5]; t.isObject(v) { // transaction
		var x [3]int
		if !t.structFields(v, transactionFields, x[:]) {
			return true
		}
		ev.txID, ev.txType = t.stringField(x[0]), t.stringField(x[1])
		ev.tokenID = t.floatString(t.lookupFold(x[2], "requestApiTokenId", true))
	}
	return false
}

// sniffSysLogJSON reports whether line is a JSON object with an eventType.
func sniffSysLogJSON(line []byte) bool {
	if len(line) == 0 || line[0] != '{' || !containsFold(line, []byte(`"eventtype"`)) {
		return false
	}
	var ev sysEvent
	return decodeLogEvent(line, &ev) && ev.eventType != ""
}

// finish turns a decoded event into a request or a skip reason, and keeps it when it is a
// rate-limit event. rec is only written on success.
func (p *sysLogParser) finish(ev *sysEvent, rec *Record) string {
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
			if s := ev.debugStr(k); s != "" {
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
			Threshold:      ev.debugInt("threshold"),
			BurstThreshold: ev.debugInt("burstThreshold"),
			WarningPercent: ev.debugInt("warningPercent"),
			TimeSpan:       ev.debugInt("timeSpan"),
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
			e.Threshold = ev.debugInt("operationRateLimitThreshold")
		}
		if e.Threshold == 0 {
			e.Threshold = ev.debugInt("baseThreshold")
		}
		if e.TimeSpan == 0 {
			e.TimeSpan = ev.debugInt("operationRateLimitTimeSpan")
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
		if ev.tape != nil {
			e = e.clone() // a RateLimitEvent outlives the line its strings alias
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
	// Okta request ids are 20+ characters; a short one ("redacted", "abc123" in sanitised samples)
	// would merge distinct requests, so it is not used.
	if len(key) < minRequestIDLen {
		key = ""
	}
	method := upperMethod(dstr("requestMethod", "method", "httpMethod"))
	methods := MethodSetOf(method)
	if methods == 0 {
		method, methods = "", sysMethods(ev.eventType, uri)
		if methods.Len() == 1 {
			method = methods.Methods()[0]
		}
	}
	status := ev.debugInt("statusCode")
	if status == 0 {
		status = ev.debugInt("httpStatusCode")
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

// minRequestIDLen is the shortest request id used to find duplicate events.
const minRequestIDLen = 12

// isUUID reports whether s has the shape of a UUID (8-4-4-4-12 hexadecimal digits), as Okta's event
// uuids do: placeholders of sanitised samples ("redacted", "AbC-123-XyZ") do not identify an event.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !hexDigit[c] {
				return false
			}
		}
	}
	return true
}

// hexDigit tells the hexadecimal digits, either case.
var hexDigit = func() (t [256]bool) {
	for _, c := range "0123456789abcdefABCDEF" {
		t[c] = true
	}
	return t
}()

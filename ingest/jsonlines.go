package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// JSON-lines access logs, one JSON object per line, read through a mapping from record fields to
// (dotted) key paths:
//
//   - caddy: Caddy's access log (logger "http.log.access…"): ts, request.method, request.uri,
//     status, request.client_ip/remote_ip, request.headers.User-Agent, resp_headers.X-Rate-Limit-*.
//     Caddy writes an entry when the request has been handled: the request is placed at ts minus
//     duration (seconds, as Caddy writes it by default; a duration in another form, e.g. a string
//     of duration_format "string", leaves ts as it is, and the request has no duration), and was
//     in flight on [ts − duration, ts).
//     Caddy's other log lines (same file) are skipped as not-a-request. A "name | " prefix (docker
//     compose) before the object is ignored, in every JSON-lines format.
//   - cloudflare: Cloudflare Logpush HTTP requests: EdgeStartTimestamp (RFC 3339, or Unix seconds,
//     ms or ns), ClientRequestMethod, ClientRequestURI, EdgeResponseStatus, ClientIP,
//     ClientRequestUserAgent.
//   - envoy: Envoy / Istio JSON access logs with the default field names: start_time, method,
//     path (or x_envoy_original_path), response_code, downstream_remote_address, user_agent, and
//     duration (milliseconds): the request was in flight on [start_time, start_time + duration).
//   - json: any JSON-lines log, mapped by Options.Fields (see [Options]); without Fields (parseLine),
//     the keys time/timestamp/ts/@timestamp, method, path/uri/url, status, client/remote_addr,
//     user_agent, and no duration. A duration is read through Fields only, its unit told by the key
//     mapped: "duration" (seconds), "duration_ms", "duration_us" or "duration_ns"; the time mapped
//     as "time" is the request's start, as "end_time" its end (the request is placed at end_time
//     minus the duration).
//   - cloudflare reads no duration.
//
// Key lookups are case-insensitive; a header value logged as an array takes its first element; a
// time is an ISO 8601 string (no zone = UTC), a CLF timestamp, or a Unix number (seconds, with or
// without fraction, ms, µs or ns, told by size).

// jsonMapping lists, for each record field, the key paths to try in order.
type jsonMapping struct {
	time, method, target, status, client, ua []keyPath
	rl                                       [3][]keyPath // X-Rate-Limit-Limit, -Remaining, -Reset
	xff                                      []keyPath    // X-Forwarded-For, for Options.ForwardedFor
	// duration, when set, is how long the request took, in durUnit (microseconds per unit; 0 for
	// nanoseconds), a JSON number or a number in a string. With durEnd the time read is when the
	// request ended, and the request is placed at that time minus the duration (its start);
	// otherwise the time read is its start.
	duration   []keyPath
	durUnit    int64
	durEnd     bool
	useXFF     bool // Options.ForwardedFor: client is xff's first hop when set
	stripPort  bool // client is "ip:port"
	needMethod bool // a line without a method is a bad request
}

// keyPath is one dotted key path of a mapping, e.g. "request.headers.User-Agent", with what looking
// it up on a jsonTape needs prepared.
type keyPath struct {
	keys []string // the keys, e.g. "request", "headers", "User-Agent"
	// joined[i] is keys[i:] joined by dots ("headers.User-Agent"), tried as one key before keys[i]
	// (see lookupPath) when i < len(keys)-1.
	joined []string
	// ascii[i] and joinedASCII[i] tell that keys[i] and joined[i] are plain ASCII.
	ascii, joinedASCII []bool
}

// paths returns the keyPaths of dotted key paths.
func paths(ps ...string) []keyPath {
	out := make([]keyPath, len(ps))
	for i, p := range ps {
		keys := strings.Split(p, ".")
		kp := keyPath{keys: keys, joined: make([]string, len(keys)), ascii: make([]bool, len(keys)), joinedASCII: make([]bool, len(keys))}
		for j := range keys {
			kp.joined[j] = strings.Join(keys[j:], ".")
			kp.ascii[j], kp.joinedASCII[j] = isASCII(keys[j]), isASCII(kp.joined[j])
		}
		out[i] = kp
	}
	return out
}

var caddyMapping = &jsonMapping{
	needMethod: true,
	time:       paths("ts"),
	method:     paths("request.method"),
	target:     paths("request.uri"),
	status:     paths("status"),
	client:     paths("request.client_ip", "request.remote_ip"),
	ua:         paths("request.headers.User-Agent"),
	xff:        paths("request.headers.X-Forwarded-For"),
	duration:   paths("duration"),
	durUnit:    1_000_000,
	durEnd:     true,
	rl: [3][]keyPath{paths("resp_headers.X-Rate-Limit-Limit"), paths("resp_headers.X-Rate-Limit-Remaining"),
		paths("resp_headers.X-Rate-Limit-Reset")},
}

var cloudflareMapping = &jsonMapping{
	needMethod: true,
	time:       paths("EdgeStartTimestamp", "EdgeEndTimestamp"),
	method:     paths("ClientRequestMethod"),
	target:     paths("ClientRequestURI", "ClientRequestPath"),
	status:     paths("EdgeResponseStatus"),
	client:     paths("ClientIP"),
	ua:         paths("ClientRequestUserAgent"),
}

var envoyMapping = &jsonMapping{
	time:       paths("start_time", "timestamp"),
	method:     paths("method"),
	target:     paths("x_envoy_original_path", "path"),
	status:     paths("response_code"),
	client:     paths("downstream_remote_address", "x_forwarded_for"),
	ua:         paths("user_agent"),
	xff:        paths("x_forwarded_for"),
	duration:   paths("duration"),
	durUnit:    1000,
	stripPort:  true,
	needMethod: true,
}

var defaultJSONMapping = &jsonMapping{
	time:   paths("time", "timestamp", "ts", "@timestamp"),
	method: paths("method", "request_method"),
	target: paths("path", "uri", "url", "request_uri"),
	status: paths("status", "status_code", "response_code"),
	client: paths("client", "client_ip", "remote_addr", "remote_ip"),
	ua:     paths("user_agent", "http_user_agent"),
	xff:    paths("x_forwarded_for", "http_x_forwarded_for"),
	rl:     [3][]keyPath{paths("rate_limit_limit"), paths("rate_limit_remaining"), paths("rate_limit_reset")},
}

// fieldNames are the keys of Options.Fields.
var fieldNames = []string{"time", "end_time", "method", "path", "target", "status", "client", "user_agent", "forwarded_for",
	"rate_limit_limit", "rate_limit_remaining", "rate_limit_reset", "duration", "duration_ms", "duration_us", "duration_ns"}

// mappingFromFields builds the mapping of the json format from Options.Fields.
func mappingFromFields(fields map[string]string) (*jsonMapping, error) {
	if len(fields) == 0 {
		return defaultJSONMapping, nil
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := &jsonMapping{}
	for _, k := range keys {
		v := strings.TrimSpace(fields[k])
		if v == "" || strings.Contains(v, "..") || strings.HasPrefix(v, ".") || strings.HasSuffix(v, ".") {
			return nil, fmt.Errorf("field %s: bad key path %q", k, fields[k])
		}
		p := paths(v)
		lk := strings.ToLower(k)
		if unit, ok := durationUnits[lk]; ok {
			if m.duration != nil {
				return nil, errors.New(`Fields may map one duration ("duration", "duration_ms", "duration_us" or "duration_ns")`)
			}
			m.duration, m.durUnit = p, unit
			continue
		}
		switch lk {
		case "time":
			if m.time != nil {
				return nil, errors.New(`Fields may map "time" or "end_time", not both`)
			}
			m.time = p
		case "end_time":
			if m.time != nil {
				return nil, errors.New(`Fields may map "time" or "end_time", not both`)
			}
			m.time, m.durEnd = p, true
		case "method":
			m.method = p
		case "path", "target":
			m.target = append(m.target, p...)
		case "status":
			m.status = p
		case "client":
			m.client = p
		case "user_agent":
			m.ua = p
		case "forwarded_for", "x_forwarded_for":
			m.xff = p
		case "rate_limit_limit":
			m.rl[0] = p
		case "rate_limit_remaining":
			m.rl[1] = p
		case "rate_limit_reset":
			m.rl[2] = p
		default:
			return nil, fmt.Errorf("unknown field %q in Fields (known: %s)", k, strings.Join(fieldNames, ", "))
		}
	}
	if m.time == nil || m.target == nil {
		return nil, errors.New(`Fields must map "time" (or "end_time") and "path"`)
	}
	return m, nil
}

func newJSONParser(opt *Options, _ *eventSink) (func([]byte, *Record) string, error) {
	m, err := mappingFromFields(opt.Fields)
	if err != nil {
		return nil, err
	}
	return m.newFileParser(opt), nil
}

// withXFF returns a copy of m for Options.ForwardedFor.
func (m *jsonMapping) withXFF() *jsonMapping {
	c := *m
	c.useXFF = true
	return &c
}

// jsonObject returns the JSON object of a line: from its first byte, or after a "name | " prefix.
func jsonObject(line []byte) []byte {
	if len(line) > 0 && line[0] == '{' {
		return line
	}
	if i := bytes.Index(line, []byte("| {")); i >= 0 {
		return line[i+2:]
	}
	return nil
}

// decodeObject decodes a JSON object keeping numbers as json.Number.
func decodeObject(b []byte) (map[string]any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, false
	}
	if dec.More() { // trailing data after the object
		return nil, false
	}
	return m, true
}

// lookupPath follows a key path through nested objects, matching keys case-insensitively. An array
// met on the way (or at the end) is replaced by its first element.
//
// A key that itself holds dots ("http.request.method", as flattened exports write) is found too: at
// each level the rest of the path, joined by dots, is tried as one key first.
func lookupPath(m map[string]any, path []string) any {
	var v any = m
	for i := 0; i < len(path); i++ {
		if a, ok := v.([]any); ok && len(a) > 0 {
			v = a[0]
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		if i < len(path)-1 {
			if w := lookupFold(obj, strings.Join(path[i:], ".")); w != nil {
				v = w
				break
			}
		}
		if v = lookupFold(obj, path[i]); v == nil {
			return nil
		}
	}
	if a, ok := v.([]any); ok {
		if len(a) == 0 {
			return nil
		}
		v = a[0]
	}
	return v
}

func (m *jsonMapping) first(obj map[string]any, ps []keyPath) any {
	for _, p := range ps {
		if v := lookupPath(obj, p.keys); v != nil {
			if s, ok := v.(string); ok && (s == "" || s == "-") {
				continue
			}
			return v
		}
	}
	return nil
}

func (m *jsonMapping) str(obj map[string]any, ps []keyPath) string {
	s := anyString(m.first(obj, ps))
	if s == "-" {
		return ""
	}
	return s
}

// jsonLineParser parses JSON lines through a mapping on a jsonTape, which it reuses from line to
// line: one per Reader (the newFileParser of cloudflare, caddy and envoy, the newParser of json).
// Its records' strings alias the line, or the tape's buffer of unquoted strings: both are valid
// until the next line.
type jsonLineParser struct {
	m *jsonMapping
	t jsonTape
}

// newFileParser returns the parse function of a Reader for the mapping m, with Options.ForwardedFor
// when m has X-Forwarded-For paths (without, the option changes nothing).
func (m *jsonMapping) newFileParser(opt *Options) func([]byte, *Record) string {
	if opt.ForwardedFor && m.xff != nil {
		m = m.withXFF()
	}
	return (&jsonLineParser{m: m}).parse
}

// parse parses one JSON line through the mapping, for parseLine (the formatSpec.parse of cloudflare,
// caddy and envoy): with a tape of its own, so its strings stay valid with the line.
func (m *jsonMapping) parse(line []byte, rec *Record) string {
	p := jsonLineParser{m: m}
	return p.parse(line, rec)
}

// parse parses one JSON line through the mapping. It gives what parseReference, on the map that
// encoding/json decodes, gives (jsonscan_test.go checks it); see lookupPath for how keys are found.
func (p *jsonLineParser) parse(line []byte, rec *Record) string {
	b := jsonObject(line)
	if b == nil {
		return ReasonMalformed
	}
	t := &p.t
	t.reset()
	if t.scan(b, true) != jsonDone {
		return ReasonMalformed
	}
	// decodeObject's json.Decoder reads the object, then More: any byte after it but ']' or '}'
	// (and JSON spaces) is trailing data.
	if j := skipJSONSpace(b, t.end); j < len(b) && b[j] != ']' && b[j] != '}' {
		return ReasonMalformed
	}
	m := p.m
	target := p.str(m.target)
	if target == "" {
		return ReasonNotARequest
	}
	ts, ok := p.time(p.first(m.time))
	if !ok {
		return ReasonBadTimestamp
	}
	dur := int64(-1)
	if m.duration != nil {
		if v := p.first(m.duration); v >= 0 && (p.t.toks[v].kind == kindNumber || p.t.toks[v].kind == kindString) {
			if d, ok := parseDurationUnit(p.bytes(v), m.durUnit); ok {
				dur = d
				if m.durEnd {
					ts -= d
				}
			}
		}
	}
	method := upperMethod(p.str(m.method))
	if (method != "" || m.needMethod) && !isMethod(method) {
		return ReasonBadRequest
	}
	status := 0
	if v := p.first(m.status); v >= 0 {
		n, ok := headerInt(p.bytes(v))
		if !ok || n > 999 {
			return ReasonMalformed
		}
		status = int(n)
	}
	client := p.str(m.client)
	if c := strings.IndexByte(client, ','); c >= 0 { // an X-Forwarded-For list
		client = strings.TrimSpace(client[:c])
	}
	if m.stripPort {
		client = stripPort(client)
	}
	if m.useXFF {
		if hop := firstHop(p.bytes(p.first(m.xff))); len(hop) > 0 {
			client = stripPort(aliasString(hop))
		}
	}
	*rec = Record{
		Time:      ts,
		Method:    method,
		Target:    target,
		Status:    status,
		Client:    client,
		UserAgent: p.str(m.ua),
		Line:      rec.Line,
	}
	rec.setDuration(dur)
	for k, ps := range m.rl {
		n, ok := headerInt(p.bytes(p.first(ps)))
		if !ok {
			continue
		}
		rec.setRateLimit(k, n)
	}
	return ""
}

// first is jsonMapping.first on the tape: the tape index of the value of the first path that has
// one (not null, not "" or "-"), or -1.
func (p *jsonLineParser) first(ps []keyPath) int {
	t := &p.t
	for i := range ps {
		v := t.lookupPath(&ps[i])
		if v < 0 {
			continue
		}
		if t.toks[v].kind == kindString {
			if s := t.strBytes(v); len(s) == 0 || isDash(s) {
				continue
			}
		}
		return v
	}
	return -1
}

// str is jsonMapping.str on the tape: the first value of ps as a string, "" for "-".
func (p *jsonLineParser) str(ps []keyPath) string {
	s := p.t.numberString(p.first(ps))
	if s == "-" {
		return ""
	}
	return s
}

// bytes returns the value at tape index v as anyString renders it (see jsonTape.numberString), for
// functions that read bytes; they must not modify them.
func (p *jsonLineParser) bytes(v int) []byte {
	if v < 0 {
		return nil
	}
	switch p.t.toks[v].kind {
	case kindString:
		return p.t.strBytes(v)
	case kindNumber:
		return p.t.raw(v)
	case kindTrue:
		return trueBytes
	case kindFalse:
		return falseBytes
	}
	return nil
}

var trueBytes, falseBytes = []byte("true"), []byte("false")

// time is jsonTime on the tape.
func (p *jsonLineParser) time(v int) (int64, bool) {
	if v < 0 {
		return 0, false
	}
	switch p.t.toks[v].kind {
	case kindString:
		return parseAnyTime(p.t.strBytes(v))
	case kindNumber:
		return parseEpoch(p.t.raw(v))
	}
	return 0, false
}

// lookupPath is lookupPath on the tape, from its top-level object: the tape index of the value, or
// -1 for none (or null).
func (t *jsonTape) lookupPath(path *keyPath) int {
	v := 0
	keys := path.keys
	for i := 0; i < len(keys); i++ {
		if t.toks[v].kind == kindArray && t.toks[v].next > v+1 {
			v++ // the first element
		}
		if t.toks[v].kind != kindObject {
			return -1
		}
		if i < len(keys)-1 {
			if w := t.lookupFold(v, path.joined[i], path.joinedASCII[i]); w >= 0 && t.toks[w].kind != kindNull {
				v = w
				break
			}
		}
		if v = t.lookupFold(v, keys[i], path.ascii[i]); v < 0 || t.toks[v].kind == kindNull {
			return -1
		}
	}
	if t.toks[v].kind == kindArray {
		if t.toks[v].next == v+1 {
			return -1
		}
		v++
	}
	if t.toks[v].kind == kindNull {
		return -1
	}
	return v
}

// jsonTime reads a time value: a string (ISO 8601, CLF or a number in a string) or a JSON number.
func jsonTime(v any) (int64, bool) {
	switch v := v.(type) {
	case string:
		return parseAnyTime([]byte(v))
	case json.Number:
		return parseEpoch([]byte(v))
	}
	return 0, false
}

// stripPort removes a ":port" from "1.2.3.4:5678" or "[2001:db8::1]:5678".
func stripPort(s string) string {
	if strings.HasPrefix(s, "[") {
		if e := strings.Index(s, "]"); e > 0 {
			return s[1:e]
		}
		return s
	}
	if c := strings.LastIndexByte(s, ':'); c > 0 && strings.IndexByte(s, ':') == c {
		return s[:c]
	}
	return s
}

// sniffJSONWith reports whether line is a JSON object holding every one of the keys (paths).
func sniffJSONWith(line []byte, quick string, keys ...string) bool {
	b := jsonObject(line)
	if b == nil || !containsFold(b, []byte(quick)) {
		return false
	}
	obj, ok := decodeObject(b)
	if !ok {
		return false
	}
	for _, k := range keys {
		if lookupPath(obj, strings.Split(k, ".")) == nil {
			return false
		}
	}
	return true
}

func sniffCaddy(line []byte) bool {
	return sniffJSONWith(line, `"request"`, "ts", "request.uri", "request.method")
}

func sniffCloudflare(line []byte) bool {
	return sniffJSONWith(line, `"clientrequesturi"`, "ClientRequestURI", "ClientRequestMethod")
}

func sniffEnvoy(line []byte) bool {
	return sniffJSONWith(line, `"response_code"`, "start_time", "method", "path", "response_code")
}

// sniffGenericJSON reports whether line is a JSON object with the default keys of the json format:
// a time, a method and a path (e.g. {"time":…,"method":"GET","path":"/…"}).
func sniffGenericJSON(line []byte) bool {
	b := jsonObject(line)
	if b == nil {
		return false
	}
	obj, ok := decodeObject(b)
	if !ok {
		return false
	}
	m := defaultJSONMapping
	_, timeOK := jsonTime(m.first(obj, m.time))
	return timeOK && m.str(obj, m.target) != "" && isMethod(strings.ToUpper(m.str(obj, m.method)))
}

package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"unsafe"
)

// The tape-based JSON parsers (jsonscan.go and its users) are checked against encoding/json and
// against the encoding/json-based parsers they replaced (jsonref_test.go), on the JSON lines of the
// test cases, the fuzz seeds, the benchmark inputs and the corpus, and on many random mutations of
// them (bytes flipped, inserted, deleted; values replaced by others of every type; keys re-cased,
// escaped, folded, repeated; values nested deeper; strings given escapes, surrogates and invalid
// UTF-8; inputs truncated):
//
//   - checkTape: the tape accepts exactly what encoding/json accepts, rejects at the byte
//     encoding/json's scanner reports, holds the same value (strings unquoted the same way), and
//     scanning in pieces (as okta-array does) gives what scanning at once gives;
//   - checkJSONLine: every JSON-lines mapping (cloudflare, caddy, envoy, json with its defaults and
//     with the test cases' Fields, each with and without ForwardedFor) and the System Log parser
//     give the same skip reason, record and rate-limit events as the reference;
//   - compareReaders: a Reader gives the same records, events, accounting, skip examples and error
//     as a Reader with the reference parser, and for okta-array with the reference json.Decoder
//     stream (also reading the input a byte at a time, and with read errors).
//
// A line on which encoding/json's result depends on map iteration order (an object without the key
// looked up but with two keys equal to it under strings.EqualFold) is only checked for not
// panicking: the tape picks the last such key, one of the answers encoding/json may give.

// jsonFormats are the formats read by the tape.
var jsonFormats = []string{"okta-array", "okta-ndjson", "cloudflare", "caddy", "envoy", "json"}

// jsonEdgeLines are hand-written lines for the corners of encoding/json's behaviour.
var jsonEdgeLines = []string{
	`{"version":"0","detail-type":"SystemLog","detail":{"uuid":"4c1e8d73-9e5f-11f1-b2c3-000000000001","eventType":"user.lifecycle.create","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/api/v1/users"}}}}`,
	`{"detail":{"detail":{"eventType":"x","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/a"}}}}}`,
	`{"detail":{"eventType":"x"},"detail":{"eventType":"y","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/a"}}}}`,
	`{"eventType":"","DETAIL":{"eventType":"x","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/a"}}},"errorCode":"E1"}`,
	`{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.","errorCauses":[]}`,
	`{"errorcode":429,"ERRORCODE":"","errorCode":null}`,
	`{"eventType":"x","uuid":"5D2F9E84-AF60-11F1-83D4-00000000000A","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/api/v1/users/00u1","requestId":"abcdefghijkl"}},"transaction":{"type":"JOB","id":"abcdefghijklmnop"}}`,
	`{"eventType":"user.session.start","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"\/api\/v1\u002fusers","requestMethod":"get","requestId":"abcdefghijklmnop"}}}`,
	`{"EVENTTYPE":"x","Published":"2026-10-14 08:00:00","DebugContext":{"DEBUGDATA":{"REQUESTURI":"/a","requesturi":"/b"}}}`,
	`{"eventType":"x","eventType":"y","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/a"}}}`,
	`{"eventType":"x","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/a"}},"debugContext":{"debugData":{"statusCode":"429"}}}`,
	`{"eventType":"x","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/a","requestUri":null}}}`,
	// Exact and folded keys, escaped or not, before and after each other: the exact key's value wins.
	`{"eventType":"x","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"request\u0055ri":"/a","requesturi":"/b","REQUESTID":"abcdefghijklmno","requestId":"abcdefghijklmnx","statusCode":"429"}}}`,
	`{"eventType":"x","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requesturi":"/b","request\u0055ri":"/a","m\u0065thod":"put","METHOD":"get","httpstatuscode":"503"}}}`,
	`{"eventType":"x","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requ\u0065sturi":"/b","REQUESTURI":"/c","requestmethod":"delete","HttpMethod":"post"}}}`,
	`{"eventType":"x","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"REQUESTURI":"/b","requestUri":null,"StatusCode":"201","statusCode":[]}}}`,
	`{"eventType":"x","published":1791964800,"debugContext":{"debugData":{"requestUri":"/a","statusCode":429,"threshold":1e3}}}`,
	`{"eventType":"x","published":"1791964800123","debugContext":{"debugData":{"requestUri":5,"statusCode":1e400}}}`,
	`{"eventType":5,"published":"2026-10-14T08:00:00Z"}`,
	`{"eventType":"system.org.rate_limit.warning","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":1e3,"statusCode":4.29e2,"threshold":6E2,"timeSpan":1.0,"warningPercent":60.5,"requestId":123456789012345678901234,"urlPattern":-0,"timeUnit":true}},"transaction":{"detail":{"requestApiTokenId":1E-7}}}`,
	`{"eventType":"x","published":{"a":1},"debugContext":{"debugData":{"requestUri":"/a"}}}`,
	`{"eventType":"x","published":null,"debugContext":{"debugData":{"requestUri":"/a"}}}`,
	`{"eventType":"x","published":"2026-10-14T08:00:00Z","client":null,"debugContext":null,"transaction":[],"target":{}}`,
	`{"eventType":"x","published":"2026-10-14T08:00:00Z","client":{"ipAddress":7,"userAgent":"x"},"debugContext":{"debugData":[1]}}`,
	`{"eventType":"system.org.rate_limit.violation","published":"2026-10-14T08:00:00Z","target":[null,1,{"id":5,"type":"URL Pattern"},{"id":"/api/v1/users","type":"url pattern"},{"id":"b","type":"Bucket Uuid"}],"debugContext":{"debugData":{"threshold":" 600 ","timeSpan":"-1","warningPercent":"60.0"}}}`,
	`{"eventType":"system.org.rate_limit.violation","target":[{"id":"a","ID":"b","type":"URL Pattern"}]}`,
	`{"eventType":"x","transaction":{"id":"abcdefghijklmn","type":"web","detail":{"requestApiTokenId":"00T1","REQUESTAPITOKENID":"00T2"}},"published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/a"}}}`,
	`{"eventType":"x","transaction":{"detail":{"requestApiTokenId":12345678901234567890}},"published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/a"}}}`,
	"{\"\u017FEVERITY\":1,\"eventType\":\"x\",\"publi\u017Fhed\":\"2026-10-14T08:00:00Z\",\"debugContext\":{\"debugData\":{\"requestUri\":\"/a\"}}}",
	"{\"eventType\":\"x\xff\",\"published\":\"2026-10-14T08:00:00Z\",\"client\":{\"ipAddress\":\"\xc3\x28\"},\"debugContext\":{\"debugData\":{\"requestUri\":\"/\xed\xa0\x80\"}}}",
	`{"eventType":"x","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/\ud83d\ude00\ud800\udc00x\ud800","requestMethod":"\u0070ost"}}}`,
	`{"eventType":"x","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/a"}}} `,
	`{"eventType":"x","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/a"}}}}`,
	`{"eventType":"x"} {"a":1}`,
	`{"ts":1.5,"request":{"method":"get","uri":"/a","headers":{"User-Agent":[],"X-Forwarded-For":["203.0.113.9, 10.0.0.1"]}},"status":"200","resp_headers":{"X-Rate-Limit-Limit":["600"],"x-rate-limit-remaining":"0, 5","X-Rate-Limit-Reset":[null]}}`,
	`{"ts":"2026-10-14T08:00:00Z","request":[{"method":"POST","uri":"/b","client_ip":"10.0.0.1"}],"status":200.0}`,
	`{"ts":1,"request.method":"GET","request":{"uri":"/c","method":"PUT"},"request.uri":null,"status":999}`,
	`{"ts":1,"request":{"method":"GET","uri":"/c"},"status":1000}`,
	`{"ts":true,"request":{"method":"GET","uri":"/c"}}`,
	`{"time":"2026-10-14T08:00:00Z","method":"","path":"-","uri":"/u","status":null,"client":"-","client_ip":"10.0.0.1:5, 1.2.3.4","user_agent":"-"}`,
	`{"time":"2026-10-14T08:00:00Z","Method":"PUT","method":null,"PATH":"/b","path":null,"uri":"/u","STATUS":"200","status":{}}`,
	`{"time":"2026-10-14T08:00:00Z","METHOD":"get","Path":"/p","Status":"404","x_forwarded_for":" - ","rate_limit_limit":true}`,
	`{"time":"2026-10-14T08:00:00Z","method":"GET","path":["/first","/second"],"status":[200],"client":{"ip":"x"}}`,
	`{"@timestamp":"14/Oct/2026:08:00:00 +0000","method":"options","url":"*"}`,
	`{"start_time":"2026-10-14T08:00:00Z","method":"GET","path":"/e","x_envoy_original_path":"/orig","response_code":"-1","downstream_remote_address":"[2001:db8::1]:443","x_forwarded_for":"198.51.100.1:80"}`,
	`{"ClientRequestMethod":"HEAD","ClientRequestURI":"/","EdgeStartTimestamp":"1712790000.5","EdgeResponseStatus":301,"ClientIP":"1.2.3.4"}`,
	`caddy-1  | {"ts":1.5,"request":{"method":"GET","uri":"/x"}}`,
	`x | {"ts":1.5,"request":{"method":"GET","uri":"/x"}}]`,
	`{"time":"2026-10-14T08:00:00Z","method":"GET","path":"/p","\u0073tatus":201,"st\u0061tus":202}`,
	"{\"time\":\"2026-10-14T08:00:00Z\",\"method\":\"GET\",\"path\":\"/p\",\"\u212Aey\":1,\"client\":\"a\",\"cli\u0117nt\":\"b\"}",
	`{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"time":"2026-10-14T08:00:00Z","method":"GET","path":"/deep"}`,
	`{"time":"2026-10-14T08:00:00Z","method":"GET","path":"/n","n":[-0,0.5e-3,1E+2,123456789012345678901234567890]}`,
	`{"time":"2026-10-14T08:00:00Z","method":"GET","path":"/n","n":01}`,
	`{"time":"2026-10-14T08:00:00Z","method":"GET","path":"/n","n":1.}`,
	`{"time":"2026-10-14T08:00:00Z","method":"GET","path":"/n","n":-}`,
	`{"time":"2026-10-14T08:00:00Z","method":"GET","path":"/n","n":tru}`,
	`{"time":"2026-10-14T08:00:00Z","method":"GET","path":"/n","s":"a` + "\x01" + `"}`,
	`{"time":"2026-10-14T08:00:00Z","method":"GET","path":"/n","s":"\x"}`,
	`{"time":"2026-10-14T08:00:00Z","method":"GET","path":"/n","s":"\u12g4"}`,
	`{"time":"2026-10-14T08:00:00Z","method":"GET","path":"/n",}`,
	`{"time":"2026-10-14T08:00:00Z" "method":"GET"}`,
	`{}`, `[]`, `{"a":{}}`, `null`, `"x"`, `{"a"}`, `{"a":}`, `{,}`, `{"a":1,,"b":2}`, `{"a":[1,]}`, `{"a":[,1]}`,
}

// jsonSeedLines returns the JSON lines the tests start from: the edge lines, the lines of every JSON
// format's test cases (okta-array's split into its events), the fuzz seed lines, the benchmark
// inputs, and the lines of the JSON corpus files when present (read in place, never copied).
func jsonSeedLines(t testing.TB) [][]byte {
	t.Helper()
	var lines [][]byte
	add := func(data []byte) { lines = appendTrimmedLines(lines, data) }
	for _, s := range jsonEdgeLines {
		add([]byte(s))
	}
	for _, s := range fuzzSeedLines {
		if strings.Contains(s, "{") {
			add([]byte(s))
		}
	}
	for _, c := range caseDirs(t) {
		if slices.Contains(jsonFormats, c.format) {
			data := c.input(t)
			if c.format == "okta-array" {
				for _, ev := range arrayElements(data) {
					lines = append(lines, ev)
				}
				continue
			}
			add(data)
		}
	}
	for _, f := range jsonFormats[1:] {
		add(benchFormat(f, 10))
	}
	for _, p := range jsonCorpusFiles() {
		if data, err := os.ReadFile(p); err == nil {
			add(data)
		}
	}
	return lines
}

// jsonCorpusFiles lists the corpus files in a JSON format (the tests skip what is absent).
func jsonCorpusFiles() []string {
	var paths []string
	for _, g := range []string{filepath.Join(oktaCorpusDir, "*.jsonl"), filepath.Join(corpusDir, "logfile_caddy_log.*"),
		filepath.Join(corpusDir, "logfile_cloudflare*")} {
		m, _ := filepath.Glob(g)
		paths = append(paths, m...)
	}
	return paths
}

// arrayElements returns the elements of the JSON arrays in data, as json.Decoder reads them.
func arrayElements(data []byte) [][]byte {
	var out [][]byte
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		if dec.More() && bytes.HasPrefix(bytes.TrimLeft(bufferedBytes(dec), " \t\r\n"), []byte{'{'}) {
			var raw json.RawMessage // an object at the top level
			if dec.Decode(&raw) != nil {
				return out
			}
			out = append(out, raw)
			continue
		}
		if _, err := dec.Token(); err != nil {
			return out
		}
		for dec.More() {
			var raw json.RawMessage
			if dec.Decode(&raw) != nil {
				return out
			}
			out = append(out, raw)
		}
		if _, err := dec.Token(); err != nil {
			return out
		}
	}
}

// jsonMutationBytes are the bytes mutateJSON inserts and substitutes.
var jsonMutationBytes = []byte("{}[]\":,\\ \t\r\n0123456789.eE+-tfnulrsaxAZ/_\x00\x1f\x7f\x80\xbf\xc3\xc5\xe2\xed\xf0\xff")

// jsonValues are the values mutateJSON puts in place of others.
var jsonValues = []string{`null`, `true`, `false`, `0`, `-0`, `200`, `"200"`, `" 200 "`, `200.0`, `2e2`, `4.29E2`, `1e400`, `-1e-400`, `-1`,
	`12345678901234567890`, `"9223372036854775807"`, `"9223372036854775808"`, `"9999999999999999999"`, `1712790000.5`, `1712790000123`, `1791964800000000000`, `""`, `"-"`, `" - "`, `"GET"`, `"get"`,
	`"p\u017Fst"`, `"\u0131"`, `"\u0047ET"`, `"\ud83d\ude00"`, `"\ud800"`, `"\udc00x"`, `"\ud800\u0041"`, `"a\"b"`, `"\/api\/v1"`,
	`"\u0000"`, "\"\xff\xfe\"", "\"\xc3\xa9\"", "\"\xed\xa0\x80\"", `[]`, `[null]`, `["x","y"]`, `[[1]]`, `[{"a":"b"}]`, `{}`,
	`{"a":1}`, `"2026-10-14T08:00:00Z"`, `"2026-10-14 08:00:00.123"`, `"14/Oct/2026:08:00:00 +0000"`, `"10.0.0.1:80, 10.0.0.2"`,
	`"[::1]:8080"`, `"/oauth2/v1/token?client_id=0oa1"`, `"600, 599"`, `"system.org.rate_limit.warning"`,
	`"system.operation.rate_limit.violation"`, `"URL Pattern"`, `"Bucket Uuid"`, `"WEB"`, `"abcdefghijklmnopqrst"`}

// jsonKeys are keys mutateJSON gives members (the ones the formats read, and variants).
var jsonKeys = []string{"eventType", "published", "client", "ipAddress", "userAgent", "rawUserAgent", "debugContext",
	"debugData", "requestUri", "requestId", "requestMethod", "method", "statusCode", "threshold", "urlPattern", "target", "id",
	"type", "transaction", "detail", "requestApiTokenId", "ts", "request", "uri", "headers", "User-Agent", "X-Forwarded-For",
	"status", "time", "path", "client_ip", "x_forwarded_for", "start_time", "response_code", "ClientRequestURI",
	"EdgeStartTimestamp", "rate_limit_remaining", "resp_headers", "X-Rate-Limit-Limit", "request.uri", "a"}

// mutateBytes returns b with one to three random byte edits.
func mutateBytes(rng *rand.Rand, b []byte) []byte {
	b = bytes.Clone(b)
	for range 1 + rng.IntN(3) {
		if len(b) == 0 {
			return append(b, jsonMutationBytes[rng.IntN(len(jsonMutationBytes))])
		}
		i := rng.IntN(len(b))
		c := jsonMutationBytes[rng.IntN(len(jsonMutationBytes))]
		switch rng.IntN(6) {
		case 0:
			b[i] = c
		case 1:
			b = slices.Insert(b, i, c)
		case 2:
			b = slices.Delete(b, i, i+1)
		case 3:
			b = slices.Delete(b, i, min(len(b), i+1+rng.IntN(8)))
		case 4:
			j := min(len(b), i+1+rng.IntN(8))
			b = slices.Insert(b, j, bytes.Clone(b[i:j])...)
		case 5:
			b = b[:i]
		}
	}
	return b
}

// mutateJSON returns a mutation of b: byte edits, or, when b is JSON, an edit of its structure.
func mutateJSON(rng *rand.Rand, b []byte) []byte {
	var tp jsonTape
	if rng.IntN(4) == 0 || !tp.parse(b) || len(tp.toks) < 2 {
		return mutateBytes(rng, b)
	}
	// Tell keys from values, and find each key's object.
	parent := make([]int, len(tp.toks))
	isKey := make([]bool, len(tp.toks))
	for o := range tp.toks {
		if tp.toks[o].kind == kindObject {
			for k := o + 1; k < tp.toks[o].next; k = tp.toks[k+1].next {
				isKey[k], parent[k] = true, o
			}
		}
	}
	span := func(k int) (int, int) { // the bytes of token k
		tok := tp.toks[k]
		if tok.kind == kindString {
			return tok.start - 1, tok.end + 1
		}
		return tok.start, tok.end
	}
	replace := func(i, j int, s string) []byte {
		return slices.Concat(b[:i], []byte(s), b[j:])
	}
	var keys, values, strs []int
	for k, tok := range tp.toks {
		switch {
		case isKey[k]:
			keys = append(keys, k)
		default:
			values = append(values, k)
		}
		if tok.kind == kindString {
			strs = append(strs, k)
		}
	}
	pick := func(ks []int) int { return ks[rng.IntN(len(ks))] }
	switch op := rng.IntN(9); {
	case op == 0 || op == 1: // a value replaced
		k := pick(values)
		i, j := span(k)
		v := jsonValues[rng.IntN(len(jsonValues))]
		if rng.IntN(4) == 0 {
			i2, j2 := span(pick(values))
			v = string(b[i2:j2])
		}
		return replace(i, j, v)
	case op == 2 && len(keys) > 0: // a key re-cased, escaped or folded, or renamed
		k := pick(keys)
		key := []byte(tp.strValue(k))
		switch rng.IntN(5) {
		case 0:
			for x := range key {
				if c := key[x] | 0x20; c >= 'a' && c <= 'z' && rng.IntN(2) == 0 {
					key[x] ^= 0x20 // the other case
				}
			}
		case 1:
			if len(key) > 0 {
				x := rng.IntN(len(key))
				key = slices.Concat(key[:x], []byte(fmt.Sprintf(`\u%04x`, key[x])), key[x+1:])
			}
		case 2:
			key = bytes.ReplaceAll(key, []byte("s"), []byte("\u017F"))
			key = bytes.ReplaceAll(key, []byte("k"), []byte("\u212A"))
		case 3:
			key = bytes.ReplaceAll(key, []byte("i"), []byte("\u0131"))
		case 4:
			key = []byte(jsonKeys[rng.IntN(len(jsonKeys))])
		}
		i, j := span(k)
		return replace(i, j, `"`+string(key)+`"`)
	case op == 3 && len(keys) > 0: // a member repeated, at the end of its object or right after itself
		k := pick(keys)
		i, _ := span(k)
		_, j := span(tp.toks[k+1].next - 1)
		if vt := tp.toks[k+1]; vt.kind == kindObject || vt.kind == kindArray {
			j = vt.end
		}
		member := string(b[i:j])
		if rng.IntN(2) == 0 {
			key := string(b[i : tp.toks[k].end+1])
			if rng.IntN(2) == 0 {
				key = strings.ToUpper(key)
			}
			member = key + ":" + jsonValues[rng.IntN(len(jsonValues))]
		}
		at := tp.toks[parent[k]].end - 1
		if rng.IntN(2) == 0 {
			at = j
		}
		return replace(at, at, ","+member)
	case op == 4: // a value nested deeper
		k := pick(values)
		i, j := span(k)
		if rng.IntN(2) == 0 {
			return replace(i, j, "["+string(b[i:j])+"]")
		}
		return replace(i, j, `{"`+jsonKeys[rng.IntN(len(jsonKeys))]+`":`+string(b[i:j])+"}")
	case op == 5 && len(strs) > 0: // a string given an escape, a surrogate or invalid UTF-8
		k := pick(strs)
		tok := tp.toks[k]
		x := tok.start + rng.IntN(tok.end-tok.start+1)
		ins := []string{`\n`, `\"`, `\\`, `\/`, `\t`, `\u0041`, `\u00e9`, `\u20ac`, `\ud83d\ude00`, `\ud800`, `\udfff`, `\u0000`,
			"\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc3\xa9", "\u017F", `\`, "\x01", `"`}[rng.IntN(21)]
		return replace(x, x, ins)
	case op == 6 && len(keys) > 0: // a member deleted
		k := pick(keys)
		i, _ := span(k)
		j := tp.toks[k+1].end
		if tp.toks[k+1].kind == kindString {
			j++
		}
		if j < len(b) && b[j] == ',' {
			j++
		} else if i > 0 && b[i-1] == ',' {
			i--
		}
		return replace(i, j, "")
	case op == 7: // spaces
		x := rng.IntN(len(b) + 1)
		return replace(x, x, []string{" ", "\t", "\r\n", "  \n "}[rng.IntN(4)])
	}
	return b[:rng.IntN(len(b)+1)] // truncated
}

// checkTape compares the tape with encoding/json on b: the same inputs accepted; a rejected input
// rejected at the byte encoding/json's scanner reports; the same value (structure, strings
// unquoted, numbers as written); and scanned in pieces, as okta-array does, the same results.
func checkTape(t testing.TB, b []byte) {
	t.Helper()
	var tp jsonTape
	ok := tp.parse(b)
	var raw json.RawMessage
	err := json.Unmarshal(b, &raw)
	if ok != (err == nil) {
		t.Fatalf("jsonTape.parse(%q) = %v; json.Unmarshal: %v", b, ok, err)
	}
	tp.reset()
	st := tp.scan(b, true)
	var se *json.SyntaxError
	if !ok && !errors.As(err, &se) {
		t.Fatalf("json.Unmarshal(%q): %v, not a SyntaxError", b, err)
	}
	switch st {
	case jsonSyntaxErr:
		if ok || se.Offset != int64(tp.errPos+1) {
			t.Fatalf("jsonTape.scan(%q): syntax error at %d; json.Unmarshal: %v at offset %d", b, tp.errPos, err, se.Offset)
		}
	case jsonIncomplete:
		if ok || se.Offset != int64(len(b)) {
			t.Fatalf("jsonTape.scan(%q): incomplete; json.Unmarshal: %v at offset %d", b, err, se.Offset)
		}
	case jsonDone:
		if j := skipJSONSpace(b, tp.end); j < len(b) && (ok || se.Offset != int64(j+1) || !strings.Contains(se.Error(), "after top-level value")) {
			t.Fatalf("jsonTape.scan(%q): value ends at %d; json.Unmarshal: %v", b, tp.end, err)
		}
	default:
		t.Fatalf("jsonTape.scan(%q, true) = %d", b, st)
	}
	if st == jsonDone {
		// The value, rebuilt from the tape, is what encoding/json decodes (with UseNumber).
		want, err := decodeUseNumber(b[:tp.end])
		if err != nil {
			t.Fatalf("decoding %q: %v", b[:tp.end], err)
		}
		k, got := tapeValue(&tp, 0)
		if k != len(tp.toks) || !reflect.DeepEqual(got, want) {
			t.Fatalf("tape of %q holds %#v (%d of %d tokens); encoding/json: %#v", b, got, k, len(tp.toks), want)
		}
		for k, tok := range tp.toks {
			if tok.kind == kindString {
				want := string(b[tok.start:tok.end])
				json.Unmarshal(b[tok.start-1:tok.end+1], &want)
				if got := tp.strValue(k); got != want || tok.ascii != (isASCII(want) && want == string(b[tok.start:tok.end])) {
					t.Fatalf("string %q of %q: %q (ascii %v), want %q", b[tok.start-1:tok.end+1], b, got, tok.ascii, want)
				}
			}
		}
	}
	checkTapePieces(t, b)
	checkShallow(t, b, ok, &tp)
}

// checkShallow checks skipValue and the System Log's shallow tape (parseShallow) on b, which
// encoding/json finds valid when ok (then tp is its full tape): both accept exactly what
// encoding/json accepts, and every token the shallow tape lays out is the full tape's.
func checkShallow(t testing.TB, b []byte, ok bool, tp *jsonTape) {
	t.Helper()
	// A space after the value: skipValue wants the byte after a number, as inside a line.
	if i := skipJSONSpace(b, 0); i < len(b) {
		var stack []int
		sb := append(slices.Clip(b), ' ')
		end, sok := skipValue(sb, i, 0, &stack)
		if sok = sok && skipJSONSpace(sb, end) == len(sb); sok != ok {
			t.Fatalf("skipValue(%q) = %v; json.Unmarshal ok: %v", b, sok, ok)
		}
		if sok && end != tp.end {
			t.Fatalf("skipValue(%q) ends at %d; the tape at %d", b, end, tp.end)
		}
	}
	if len(b) == 0 || b[0] != '{' {
		return
	}
	var sp jsonTape
	if got := sp.parseShallow(b, logEventSpec); got != ok {
		t.Fatalf("parseShallow(%q) = %v; json.Unmarshal ok: %v", b, got, ok)
	}
	if !ok {
		return
	}
	// Walk both tapes: an opaque token stands for the full tape's value and all inside it.
	var walk func(s, f int) (int, int)
	walk = func(s, f int) (int, int) {
		st, ft := sp.toks[s], tp.toks[f]
		if st.kind != ft.kind || st.start != ft.start || st.end != ft.end || st.esc != ft.esc || st.ascii != ft.ascii {
			t.Fatalf("parseShallow(%q): token %d %+v; the full tape's %d: %+v", b, s, st, f, ft)
		}
		if st.kind != kindObject && st.kind != kindArray || st.next == s+1 {
			return st.next, ft.next
		}
		if st.next-s != ft.next-f && st.kind == kindArray {
			t.Fatalf("parseShallow(%q): array %d has %d tokens; the full tape's %d", b, s, st.next-s, ft.next-f)
		}
		s, f = s+1, f+1
		for s < st.next {
			if f >= ft.next {
				t.Fatalf("parseShallow(%q): object ends later than the full tape's", b)
			}
			s, f = walk(s, f)
		}
		if f != ft.next {
			t.Fatalf("parseShallow(%q): object %d ends early", b, s)
		}
		return s, f
	}
	if s, f := walk(0, 0); s != len(sp.toks) || f != len(tp.toks) {
		t.Fatalf("parseShallow(%q): %d of %d tokens, the full tape's %d of %d", b, s, len(sp.toks), f, len(tp.toks))
	}
}

// checkTapePieces scans b in pieces, as okta-array does, at every cut, and at random cuts: after
// each piece the tape must stand where scanning that much at once leaves it.
func checkTapePieces(t testing.TB, b []byte) {
	t.Helper()
	cuts := []int{}
	if len(b) <= 64 {
		for c := range len(b) {
			cuts = append(cuts, c)
		}
	} else {
		rng := rand.New(rand.NewPCG(uint64(len(b)), 1))
		for range 12 {
			cuts = append(cuts, rng.IntN(len(b)))
		}
		sort.Ints(cuts)
	}
	var inc, once jsonTape
	for _, c := range append(cuts, len(b)) {
		st := inc.scan(b[:c], false)
		once.reset()
		want := once.scan(b[:c], false)
		if st != want || inc.end != once.end || (st == jsonSyntaxErr && inc.errPos != once.errPos) ||
			(st != jsonSyntaxErr && !reflect.DeepEqual(inc.toks, once.toks)) {
			t.Fatalf("scanning %q in pieces: after %d bytes: %d, end %d, error at %d, tokens %v; at once: %d, %d, %d, %v",
				b, c, st, inc.end, inc.errPos, inc.toks, want, once.end, once.errPos, once.toks)
		}
		if st == jsonDone || st == jsonSyntaxErr {
			return
		}
	}
}

// decodeUseNumber decodes b as decodeObject does (numbers as json.Number).
func decodeUseNumber(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// tapeValue rebuilds the value at tape index k as encoding/json decodes it into an interface with
// UseNumber (a repeated key's last value wins), and returns the index after it.
func tapeValue(tp *jsonTape, k int) (int, any) {
	tok := tp.toks[k]
	switch tok.kind {
	case kindNull:
		return k + 1, nil
	case kindTrue:
		return k + 1, true
	case kindFalse:
		return k + 1, false
	case kindNumber:
		return k + 1, json.Number(tp.raw(k))
	case kindString:
		return k + 1, strings.Clone(tp.strValue(k))
	case kindArray:
		a := []any{}
		i := k + 1
		for i < tok.next {
			var v any
			i, v = tapeValue(tp, i)
			a = append(a, v)
		}
		if i != tok.next {
			panic("bad tape")
		}
		return i, a
	}
	m := map[string]any{}
	i := k + 1
	for i < tok.next {
		key := strings.Clone(tp.strValue(i))
		var v any
		i, v = tapeValue(tp, i+1)
		m[key] = v
	}
	if i != tok.next {
		panic("bad tape")
	}
	return i, m
}

// foldAmbiguous reports whether b (a JSON-lines line) holds an object in which a key of keys is
// absent but two other keys equal it under strings.EqualFold: what lookupFold, on the map
// encoding/json decodes, finds for it depends on map iteration order.
func foldAmbiguous(b []byte, keys map[string]bool) bool {
	if o := jsonObject(b); o != nil {
		b = o
	}
	v, err := decodeUseNumber(b)
	if err != nil {
		return false
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		case map[string]any:
			if mapAmbiguous(v, keys) {
				return true
			}
			for _, e := range v {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// mapAmbiguous reports whether a key of keys is absent from m but equal under strings.EqualFold
// to two keys of m.
func mapAmbiguous(m map[string]any, keys map[string]bool) bool {
	if len(m) < 2 {
		return false
	}
	var byFold map[string]int // the keys of m by foldKey, for the folds of keys
	for mk := range m {
		f := foldKey(mk)
		if !foldKeys(keys)[f] {
			continue
		}
		if byFold == nil {
			byFold = map[string]int{}
		}
		if byFold[f]++; byFold[f] > 1 {
			for k := range keys {
				if foldKey(k) == f {
					if _, ok := m[k]; !ok {
						return true
					}
				}
			}
		}
	}
	return false
}

// foldKey maps s to a key that two strings share exactly when they are equal under
// strings.EqualFold: each rune replaced by the smallest of its unicode.SimpleFold orbit.
func foldKey(s string) string {
	return string(appendFoldedName(nil, []byte(s)))
}

// foldKeys returns the foldKey of each of keys (memoized).
func foldKeys(keys map[string]bool) map[string]bool {
	foldKeysMu.Lock()
	defer foldKeysMu.Unlock()
	p := reflect.ValueOf(keys).UnsafePointer()
	if f, ok := foldKeysMemo[p]; ok {
		return f
	}
	f := map[string]bool{}
	for k := range keys {
		f[foldKey(k)] = true
	}
	foldKeysMemo[p] = f
	return f
}

var (
	foldKeysMu   sync.Mutex
	foldKeysMemo = map[unsafe.Pointer]map[string]bool{}
)

// sysLookupKeys are the keys the System Log parser looks up in debugData and transaction.detail.
var sysLookupKeys = map[string]bool{"requestUri": true, "urlPattern": true, "burstRateLimitUrlPattern": true, "url_pattern": true,
	"rateLimitBucket": true, "threshold": true, "burstThreshold": true, "warningPercent": true, "timeSpan": true, "timeUnit": true,
	"operationRateLimitTimeUnit": true, "rateLimitScopeType": true, "operationRateLimitScopeType": true, "rateLimitBucketUuid": true,
	"burstRateLimitBucketUuid": true, "operationRateLimitThreshold": true, "baseThreshold": true, "operationRateLimitTimeSpan": true,
	"operationRateLimitType": true, "operationRateLimitSubtype": true, "requestId": true, "requestMethod": true, "method": true,
	"httpMethod": true, "statusCode": true, "httpStatusCode": true, "requestApiTokenId": true}

// sysAmbiguous reports whether, in the LogEvent that encoding/json decodes from b (merging repeated
// keys), debugData or transaction.detail is mapAmbiguous for the keys the parser looks up.
func sysAmbiguous(b []byte) bool {
	var j jsonLogEvent
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	json.Unmarshal(b, &j)
	if j.EventType == "" {
		if d := bytes.TrimSpace(j.Detail); len(d) > 0 && d[0] == '{' { // an EventBridge envelope
			j = jsonLogEvent{}
			json.Unmarshal(d, &j)
		} else { // an error body, or not an event
			var m map[string]any
			json.Unmarshal(b, &m)
			return mapAmbiguous(m, map[string]bool{"errorCode": true})
		}
	}
	return mapAmbiguous(j.DebugContext.DebugData, sysLookupKeys) || mapAmbiguous(j.Transaction.Detail, sysLookupKeys)
}

// testMappingKeys is mappingKeys(testMappings(t)), made once.
func testMappingKeys(t testing.TB) map[string]bool {
	testMappingKeysOnce.Do(func() { testMappingKeysSet = mappingKeys(testMappings(t)) })
	return testMappingKeysSet
}

var (
	testMappingKeysOnce sync.Once
	testMappingKeysSet  map[string]bool
)

// mappingKeys returns every key the mappings look up (the keys of their paths, and their dotted
// suffixes).
func mappingKeys(ms []*jsonMapping) map[string]bool {
	keys := map[string]bool{}
	for _, m := range ms {
		for _, ps := range [][]keyPath{m.time, m.method, m.target, m.status, m.client, m.ua, m.xff, m.rl[0], m.rl[1], m.rl[2]} {
			for _, p := range ps {
				for i := range p.keys {
					keys[p.keys[i]], keys[p.joined[i]] = true, true
				}
			}
		}
	}
	return keys
}

// testMappings returns the mappings checkJSONLine compares: the formats', the json defaults, the
// Fields of every json test case and a few more (dotted keys, arrays, non-ASCII keys), each also with
// ForwardedFor.
func testMappings(t testing.TB) []*jsonMapping {
	t.Helper()
	ms := []*jsonMapping{cloudflareMapping, caddyMapping, envoyMapping, defaultJSONMapping}
	fields := []map[string]string{
		{"time": "ts", "path": "request.headers.User-Agent", "method": "request.method", "status": "resp_headers.X-Rate-Limit-Limit"},
		{"time": "a.b.c", "path": "a.b", "client": "\u017Ftatus", "user_agent": "k\u0131nd", "forwarded_for": "request.uri"},
		{"time": "published", "path": "debugContext.debugData.requestUri", "method": "debugContext.debugData.requestMethod",
			"client": "client.ipAddress", "rate_limit_reset": "transaction.detail.requestApiTokenId"},
	}
	for _, c := range caseDirs(t) {
		if opt := c.options(t); opt.Fields != nil {
			fields = append(fields, opt.Fields)
		}
	}
	for _, f := range fields {
		m, err := mappingFromFields(f)
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		ms = append(ms, m)
	}
	for _, m := range ms[:len(ms):len(ms)] {
		ms = append(ms, m.withXFF())
	}
	return ms
}

// lineChecker holds, for checkJSONLine, a tape-based parser per mapping and a System Log parser,
// each with its reference, reused from line to line as a Reader reuses them.
type lineChecker struct {
	mappings       []*jsonMapping
	keys           map[string]bool // mappingKeys(mappings)
	parsers        []*jsonLineParser
	sys, sysRef    *sysLogParser
	sink, sinkRef  eventSink
	ambiguous, all int
}

func newLineChecker(t testing.TB) *lineChecker {
	c := &lineChecker{mappings: testMappings(t)}
	c.keys = mappingKeys(c.mappings)
	for _, m := range c.mappings {
		c.parsers = append(c.parsers, &jsonLineParser{m: m})
	}
	c.sys, c.sysRef = &sysLogParser{sink: &c.sink}, &sysLogParser{sink: &c.sinkRef}
	return c
}

// checkJSONLine parses a trimmed line with every mapping and with the System Log parser, and
// compares each with its reference: skip reason, record (untouched on failure) and events.
func (c *lineChecker) checkJSONLine(t testing.TB, line []byte) {
	t.Helper()
	c.all++
	ambiguous := foldAmbiguous(line, c.keys)
	if ambiguous || sysAmbiguous(line) {
		c.ambiguous++
	}
	sentinel := Record{Method: "sentinel", Time: -1, Line: 7, Principal: "p", Source: "s", HasRateLimit: true, RateLimitReset: 9}
	for i, m := range c.mappings {
		want, got, once := sentinel, sentinel, sentinel
		wr := m.parseReference(line, &want)
		gr := c.parsers[i].parse(line, &got)
		or := m.parse(line, &once)
		if !ambiguous && (gr != wr || got != want) || or != gr || once != got || (gr != "" && got != sentinel) {
			t.Fatalf("mapping %d (%+v): line %q:\n tape      %q %+v\n parseLine %q %+v\n reference %q %+v", i, *m, line, gr, got, or, once, wr, want)
		}
	}
	// The System Log parsers see the same lines, so their memory of request ids stays the same
	// (an ambiguous line goes to parsers of its own).
	sys, sysRef := c.sys, c.sysRef
	if ambiguous = sysAmbiguous(line); ambiguous {
		sys, sysRef = &sysLogParser{}, &sysLogParser{}
	}
	want, got := sentinel, sentinel
	nw, ng := len(c.sinkRef.events), len(c.sink.events)
	wr := sysRef.parseJSONReference(line, &want)
	gr := sys.parseJSON(line, &got)
	if !ambiguous && (gr != wr || got != want) || (gr != "" && got != sentinel) {
		t.Fatalf("System Log: line %q:\n tape      %q %+v\n reference %q %+v", line, gr, got, wr, want)
	}
	if !reflect.DeepEqual(c.sink.events[ng:], c.sinkRef.events[nw:]) {
		t.Fatalf("System Log: line %q: events %+v, reference %+v", line, c.sink.events[ng:], c.sinkRef.events[nw:])
	}
}

// readerSource is how a test feeds a Reader its input.
type readerSource struct {
	name string
	wrap func(io.Reader) io.Reader
}

// readerSources feed the input as is, a byte at a time (so that okta-array reads every event in
// pieces), and in halves.
var readerSources = []readerSource{
	{"plain", func(r io.Reader) io.Reader { return r }},
	{"one-byte", iotest.OneByteReader},
	{"half", iotest.HalfReader},
}

// errAfter is a source that fails with errReadFailed after n bytes.
func errAfter(n int) readerSource {
	return readerSource{fmt.Sprintf("error-after-%d", n), func(r io.Reader) io.Reader { return &errAfterReader{r: r, n: n} }}
}

var errReadFailed = errors.New("read failed")

type errAfterReader struct {
	r io.Reader
	n int
}

func (e *errAfterReader) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, errReadFailed
	}
	if len(p) > e.n {
		p = p[:e.n]
	}
	n, err := e.r.Read(p)
	e.n -= n
	return n, err
}

// collect drains a Reader through next (its Next, or the reference array stream), like readAll.
func collect(r *Reader, next func() bool) result {
	res := result{format: r.Format()}
	for next() {
		rec := *r.Record()
		rec.Method, rec.Target = strings.Clone(rec.Method), strings.Clone(rec.Target)
		rec.Client, rec.UserAgent = strings.Clone(rec.Client), strings.Clone(rec.UserAgent)
		rec.Source, rec.Principal = strings.Clone(rec.Source), strings.Clone(rec.Principal)
		rec.RequestID, rec.EventID = strings.Clone(rec.RequestID), strings.Clone(rec.EventID)
		res.recs = append(res.recs, rec)
	}
	res.stats, res.err, res.events = r.Stats(), r.Err(), r.Events()
	return res
}

// referenceNext returns, for a Reader just made with opt, its Next as it was before the tape: the
// format's reference parser, and for okta-array the json.Decoder stream.
func referenceNext(r *Reader, opt Options) func() bool {
	switch f := r.Format(); f {
	case "okta-array", "okta-ndjson":
		r.parseFn = (&sysLogParser{sink: &r.sink}).parseJSONReference
		if f == "okta-array" {
			a := newRefArrayStream(r)
			return func() bool { return refNextArray(r, a) }
		}
	case "cloudflare":
		r.parseFn = cloudflareMapping.parseReference
	case "caddy", "envoy":
		m := map[string]*jsonMapping{"caddy": caddyMapping, "envoy": envoyMapping}[f]
		if opt.ForwardedFor {
			m = m.withXFF()
		}
		r.parseFn = m.parseReference
	case "json":
		m, err := mappingFromFields(opt.Fields)
		if err != nil {
			panic(err)
		}
		if opt.ForwardedFor {
			m = m.withXFF()
		}
		r.parseFn = m.parseReference
	}
	return r.Next
}

// compareReaders reads data with opt from src with a Reader and with the reference, and compares
// everything they give: records, events, accounting, skip examples, and the error (its message, and
// the SyntaxError offset or the cause errors.Is finds).
func compareReaders(t testing.TB, data []byte, opt Options, src readerSource) {
	t.Helper()
	opt.MaxExamples = 1 << 20
	r1, err1 := NewReader(src.wrap(bytes.NewReader(data)), "x.json", opt)
	r2, err2 := NewReader(src.wrap(bytes.NewReader(data)), "x.json", opt)
	if err1 != nil || err2 != nil {
		if fmt.Sprint(err1) != fmt.Sprint(err2) {
			t.Fatalf("NewReader: %v, then %v", err1, err2)
		}
		return
	}
	if inputAmbiguous(data, r1.Format(), testMappingKeys(t)) {
		return // encoding/json's answer depends on map iteration order
	}
	got := collect(r1, r1.Next)
	want := collect(r2, referenceNext(r2, opt))
	diff := ""
	switch {
	case !reflect.DeepEqual(got.recs, want.recs):
		diff = fmt.Sprintf("records\n%+v\nwant\n%+v", got.recs, want.recs)
	case !reflect.DeepEqual(got.events, want.events):
		diff = fmt.Sprintf("events\n%+v\nwant\n%+v", got.events, want.events)
	case !reflect.DeepEqual(got.stats, want.stats):
		diff = fmt.Sprintf("stats\n%+v\nwant\n%+v", got.stats, want.stats)
	case fmt.Sprint(got.err) != fmt.Sprint(want.err) || errors.Is(got.err, io.ErrUnexpectedEOF) != errors.Is(want.err, io.ErrUnexpectedEOF) ||
		errors.Is(got.err, errReadFailed) != errors.Is(want.err, errReadFailed):
		diff = fmt.Sprintf("error %v, want %v", got.err, want.err)
	}
	var se1, se2 *json.SyntaxError
	if errors.As(got.err, &se1) != errors.As(want.err, &se2) || se1 != nil && se1.Offset != se2.Offset {
		diff = fmt.Sprintf("error %v (%#v), want %v (%#v)", got.err, se1, want.err, se2)
	}
	var te1, te2 *json.UnmarshalTypeError
	if errors.As(got.err, &te1) != errors.As(want.err, &te2) || te1 != nil && *te1 != *te2 {
		diff = fmt.Sprintf("error %v (%#v), want %v (%#v)", got.err, te1, want.err, te2)
	}
	if diff != "" {
		shown := data
		if len(shown) > 2000 {
			shown = append(shown[:2000:2000], "…"...)
		}
		t.Fatalf("%s (%+v), source %s: input %q:\n%s", r1.Format(), opt, src.name, shown, diff)
	}
}

// inputAmbiguous reports whether a line of data (an event, for okta-array) is foldAmbiguous or
// sysAmbiguous.
func inputAmbiguous(data []byte, format string, keys map[string]bool) bool {
	lines := bytes.Split(data, []byte("\n"))
	if format == "okta-array" {
		lines = arrayElements(data)
	}
	for _, l := range lines {
		if l = trimLine(l); foldAmbiguous(l, keys) || sysAmbiguous(l) {
			return true
		}
	}
	return false
}

// randomArray returns an okta-array input made of events: one to three pages, spaces here and
// there, some events pretty-printed, and now and then its structure broken.
func randomArray(rng *rand.Rand, events [][]byte) []byte {
	var b bytes.Buffer
	ws := func() { b.WriteString([]string{"", "", " ", "\n", "\n  ", "\t", "\r\n"}[rng.IntN(7)]) }
	for range 1 + rng.IntN(3) {
		ws()
		b.WriteByte('[')
		ws()
		for i := range rng.IntN(6) {
			if i > 0 {
				ws()
				b.WriteByte(',')
				ws()
			}
			ev := events[rng.IntN(len(events))]
			if rng.IntN(3) == 0 {
				var ind bytes.Buffer
				if json.Indent(&ind, ev, "  ", "  ") == nil {
					ev = ind.Bytes()
				}
			}
			b.Write(ev)
		}
		ws()
		b.WriteByte(']')
		ws()
	}
	out := b.Bytes()
	switch rng.IntN(8) {
	case 0:
		out = mutateBytes(rng, out)
	case 1:
		out = append(out, []string{"{", `"x"`, "1e400", "tru", "]", "}", ",", ":", "7", "null", "[", "[1,", "[{}]x", "\"\\"}[rng.IntN(14)]...)
	}
	return out
}

// arrayEvents returns the events randomArray is given: the seed lines that are JSON, and valid
// mutations of them (and a few invalid ones).
func arrayEvents(t testing.TB, rng *rand.Rand, seeds [][]byte) [][]byte {
	var evs [][]byte
	for _, l := range seeds {
		if json.Valid(l) {
			evs = append(evs, l)
		}
	}
	for range 2000 {
		m := mutateJSON(rng, seeds[rng.IntN(len(seeds))])
		if json.Valid(m) || rng.IntN(20) == 0 {
			evs = append(evs, m)
		}
	}
	return evs
}

// TestJSONTape runs checkTape on the seed lines, on many mutations of them, and on nesting around
// encoding/json's depth limit.
func TestJSONTape(t *testing.T) {
	seeds := jsonSeedLines(t)
	rng := rand.New(rand.NewPCG(11, 12))
	for _, l := range seeds {
		checkTape(t, l)
	}
	n := 60_000
	if testing.Short() {
		n = 10_000
	}
	for range n {
		b := mutateJSON(rng, seeds[rng.IntN(len(seeds))])
		if rng.IntN(3) == 0 {
			b = mutateJSON(rng, b)
		}
		checkTape(t, b)
	}
	for _, d := range []int{maxJSONDepth - 1, maxJSONDepth, maxJSONDepth + 1} {
		for _, open := range []string{"[", `{"a":`} {
			close := map[string]string{"[": "]", `{"a":`: "}"}[open]
			// Inside a value the System Log's shallow tape skips, lays out in full, and in an
			// object it lays out itself.
			for _, in := range [][2]string{{`{"x":`, "}"}, {`{"client":{"x":`, "}}"}, {`{"client":{"userAgent":`, "}}"},
				{`{"target":`, "}"}, {`{"debugContext":{"debugData":`, "}}"}} {
				e := d - strings.Count(in[0], "{") + 1
				b := []byte(in[0] + strings.Repeat(open, e-1) + "1" + strings.Repeat(close, e-1) + in[1])
				checkTape(t, b)
				checkTape(t, b[:len(b)-d/2])
			}
		}
	}
}

// TestJSONLinesMatchReference runs checkJSONLine on the seed lines and on many mutations of them.
func TestJSONLinesMatchReference(t *testing.T) {
	seeds := jsonSeedLines(t)
	c := newLineChecker(t)
	rng := rand.New(rand.NewPCG(13, 14))
	for _, l := range seeds {
		c.checkJSONLine(t, l)
	}
	n := 25_000
	if testing.Short() {
		n = 4_000
	}
	for range n {
		b := mutateJSON(rng, seeds[rng.IntN(len(seeds))])
		if rng.IntN(3) == 0 {
			b = mutateJSON(rng, b)
		}
		if b = trimLine(b); len(b) > 0 {
			c.checkJSONLine(t, b)
		}
	}
	t.Logf("%d lines, %d with keys equal under case folding", c.all, c.ambiguous)
}

// TestJSONReadersMatchReference reads the JSON formats' test case inputs, benchmark inputs and
// corpus files, and files of mutated lines, with every option of the format's cases (and
// ForwardedFor, and a small MaxLineBytes), from every reader source, and compares the Reader with
// the reference.
func TestJSONReadersMatchReference(t *testing.T) {
	seeds := jsonSeedLines(t)
	rng := rand.New(rand.NewPCG(15, 16))
	for _, format := range jsonFormats {
		if format == "okta-array" {
			continue // TestOktaArrayMatchesDecoder
		}
		inputs := [][]byte{benchFormat(format, 50)}
		var opts []Options
		for _, c := range caseDirs(t) {
			if c.format == format {
				inputs = append(inputs, c.input(t))
				opt := c.options(t)
				opt.Format = format
				opts = append(opts, opt)
			}
		}
		for _, p := range jsonCorpusFiles() {
			if data, err := os.ReadFile(p); err == nil {
				inputs = append(inputs, data)
			}
		}
		for range 30 {
			var b bytes.Buffer
			for range 40 {
				l := seeds[rng.IntN(len(seeds))]
				if rng.IntN(2) == 0 {
					l = mutateJSON(rng, l)
				}
				b.Write(bytes.ReplaceAll(l, []byte("\n"), nil))
				b.WriteString([]string{"\n", "\r\n", "\n\n"}[rng.IntN(3)])
			}
			inputs = append(inputs, b.Bytes())
		}
		for _, o := range slices.Clone(opts) {
			o.ForwardedFor = !o.ForwardedFor
			opts = append(opts, o)
			o.MaxLineBytes = 300
			opts = append(opts, o)
		}
		for _, data := range inputs {
			for _, opt := range opts {
				for _, src := range readerSources {
					compareReaders(t, data, opt, src)
				}
			}
		}
	}
}

// TestOktaArrayMatchesDecoder reads okta-array inputs (the test case, the benchmark input, random
// arrays of seed events and of mutated ones, broken arrays, top-level values that are not arrays,
// events around the size limit) from every reader source and with read errors, and compares the
// Reader with the reference json.Decoder stream.
func TestOktaArrayMatchesDecoder(t *testing.T) {
	seeds := jsonSeedLines(t)
	rng := rand.New(rand.NewPCG(17, 18))
	events := arrayEvents(t, rng, seeds)
	inputs := [][]byte{benchFormat("okta-array", 200)}
	for _, c := range caseDirs(t) {
		if c.format == "okta-array" {
			inputs = append(inputs, c.input(t))
		}
	}
	for _, s := range []string{"", " ", "[", "[]", "[ ]", "[]]", "[][]", "[{}", "[{},]", "[,{}]", "[{} {}]", "[{}:]", "[{}}", "[}",
		"{}", `"x"`, "1", "1e400", "-", "tru", "null", "]", "}", ",", ":", "[1,2,\"x\",null,true,[],{}]", "[1", "[1 ", "[\"x",
		`[{"eventType":"x"}]` + "\n[", "[" + strings.Repeat("[", maxJSONDepth) + "]"} {
		inputs = append(inputs, []byte(s))
	}
	n := 3000
	if testing.Short() {
		n = 300
	}
	for range n {
		inputs = append(inputs, randomArray(rng, events))
	}
	for i, data := range inputs {
		for _, opt := range []Options{{Format: "okta-array"}, {Format: "okta-array", MaxLineBytes: 100}} {
			compareReaders(t, data, opt, readerSources[0])
			if i%4 == 0 || len(data) < 2000 {
				compareReaders(t, data, opt, readerSources[1+i%2])
			}
		}
		if len(data) > 0 {
			compareReaders(t, data, Options{Format: "okta-array"}, errAfter(rng.IntN(len(data))))
		}
	}
}

// TestOktaArrayEventSizeLimit compares the Reader with the reference json.Decoder stream on events
// around the size limit (where the Decoder's buffering decides which event is too long).
func TestOktaArrayEventSizeLimit(t *testing.T) {
	ev := func(i int) string {
		return fmt.Sprintf(`{"published":"2026-10-14T08:00:%02dZ","eventType":"x","debugContext":{"debugData":{"requestUri":"/a"}}}`, i%60)
	}
	sizes := []int{minMaxEventBytes - 5000, minMaxEventBytes - 30, minMaxEventBytes, minMaxEventBytes + 2000, minMaxEventBytes + 4096,
		minMaxEventBytes + 4200, minMaxEventBytes + 9000, 2 * minMaxEventBytes}
	if testing.Short() {
		sizes = sizes[2:5]
	}
	for _, size := range sizes {
		for _, before := range []int{1, 7} {
			var b strings.Builder
			b.WriteString("[")
			for i := range before {
				b.WriteString(ev(i) + ",\n")
			}
			pad := size - len(`{"eventType":"x","pad":""}`)
			b.WriteString(`{"eventType":"x","pad":"` + strings.Repeat("y", pad) + `"},` + ev(99) + "]")
			data := []byte(b.String())
			for _, src := range readerSources[:1] {
				compareReaders(t, data, Options{Format: "okta-array"}, src)
			}
			compareReaders(t, data, Options{Format: "okta-array"}, readerSources[2])
		}
	}
}

// FuzzJSONLine runs checkTape and checkJSONLine on a fuzzed line. Run it with
// `go test ./ingest -run '^$' -fuzz '^FuzzJSONLine$'`.
func FuzzJSONLine(f *testing.F) {
	for _, l := range jsonSeedLines(f) {
		f.Add(l)
	}
	c := newLineChecker(f)
	f.Fuzz(func(t *testing.T, line []byte) {
		checkTape(t, line)
		if line = trimLine(line); len(line) > 0 {
			c.checkJSONLine(t, line)
		}
	})
}

// FuzzOktaArray compares the okta-array Reader with the reference json.Decoder stream on a fuzzed
// input, read at once, a byte at a time, and cut by a read error. Run it with
// `go test ./ingest -run '^$' -fuzz '^FuzzOktaArray$'`.
func FuzzOktaArray(f *testing.F) {
	rng := rand.New(rand.NewPCG(19, 20))
	seeds := jsonSeedLines(f)
	events := arrayEvents(f, rng, seeds)
	f.Add(benchFormat("okta-array", 5))
	for range 200 {
		f.Add(randomArray(rng, events))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opt := Options{Format: "okta-array"}
		compareReaders(t, data, opt, readerSources[0])
		compareReaders(t, data, opt, readerSources[1])
		if len(data) > 0 {
			compareReaders(t, data, opt, errAfter(len(data)/2))
		}
	})
}

// FuzzJSONReader compares the Reader of each JSON-lines format with its reference on a fuzzed
// input. Run it with `go test ./ingest -run '^$' -fuzz '^FuzzJSONReader$'`.
func FuzzJSONReader(f *testing.F) {
	rng := rand.New(rand.NewPCG(21, 22))
	seeds := jsonSeedLines(f)
	for range 300 {
		var b bytes.Buffer
		for range 1 + rng.IntN(5) {
			b.Write(mutateJSON(rng, seeds[rng.IntN(len(seeds))]))
			b.WriteByte('\n')
		}
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range jsonFormats[1:] {
			for _, xff := range []bool{false, true} {
				compareReaders(t, data, Options{Format: format, ForwardedFor: xff}, readerSources[0])
			}
		}
	})
}

// TestAtoiNonNegative compares atoiNonNegative, which anyInt and the tape's debugInt use, with
// anyInt as it was (strconv.Atoi on the trimmed string).
func TestAtoiNonNegative(t *testing.T) {
	in := []string{"", " ", "0", "00", "-0", "+0", "+5", "-5", " 42 ", "\u00a042", "4 2", "1.0", "1e3", "0x10", "٣",
		"999999999999999999", "9223372036854775807", "9223372036854775808", "9999999999999999999", "18446744073709551616",
		"000000000000000000000001", "12345678901234567890"}
	rng := rand.New(rand.NewPCG(23, 24))
	for range 20000 {
		b := make([]byte, rng.IntN(22))
		for i := range b {
			b[i] = "0123456789 +-.x"[rng.IntN(15)]
			if rng.IntN(4) > 0 {
				b[i] = '0' + byte(rng.IntN(10))
			}
		}
		in = append(in, string(b))
	}
	for _, s := range in {
		if got, want := atoiNonNegative(s), anyIntReference(s); got != want {
			t.Fatalf("atoiNonNegative(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestIsRateLimitEventTypeQuick compares IsRateLimitEventType, with its quick test, with the
// function as it was, on event types and random mutations of them (case, Unicode letters that
// lower-case to ASCII).
func TestIsRateLimitEventTypeQuick(t *testing.T) {
	types := []string{"system.org.rate_limit.warning", "system.org.rate_limit.burst", "system.org.rate_limit.violation",
		"core.concurrency.org.limit.violation", "app.oauth2.client_id_rate_limit_warning", "system.operation.rate_limit.x",
		"system.operation.concurrency_limit.x", "system.client.rate_limit.x", "system.client.other", "user.session.start",
		"SYSTEM.ORG.RATE_LIMIT.WARNING", "system.org.rate_l\u0130mit.warning", "system.org.rate_\u212Aimit.warning", "",
		"limit", "LIMIT", "lim", "system.org.rate_limit.expiration.warning"}
	rng := rand.New(rand.NewPCG(25, 26))
	for range 50000 {
		b := []byte(types[rng.IntN(len(types))])
		for range rng.IntN(3) {
			if len(b) == 0 {
				break
			}
			i := rng.IntN(len(b))
			switch rng.IntN(4) {
			case 0:
				b[i] ^= 0x20
			case 1:
				b = slices.Concat(b[:i], []byte([]string{"\u0130", "\u0131", "\u212A", "\u017F", "l", "L", "i"}[rng.IntN(7)]), b[i+1:])
			case 2:
				b = slices.Delete(b, i, i+1)
			case 3:
				b = slices.Insert(b, i, "limitLIMIT."[rng.IntN(11)])
			}
		}
		types = append(types, string(b))
	}
	for _, typ := range types {
		if got, want := IsRateLimitEventType(typ), isRateLimitEventTypeReference(typ); got != want {
			t.Fatalf("IsRateLimitEventType(%q) = %v, want %v", typ, got, want)
		}
	}
}

// TestJSONNextDoesNotAllocate: reading the benchmark input of each JSON format allocates nothing
// per line once warmed up (System Log events with request ids of 12 characters or more allocate the
// key remembered for duplicates; the benchmark's ids are shorter).
func TestJSONNextDoesNotAllocate(t *testing.T) {
	for _, format := range jsonFormats {
		for _, xff := range []bool{false, true} {
			r := newReader(t, benchFormat(format, 3000), Options{Format: format, ForwardedFor: xff})
			for range 100 {
				r.Next()
			}
			if allocs := testing.AllocsPerRun(2000, func() {
				if !r.Next() {
					t.Fatal("ran out of lines")
				}
			}); allocs != 0 {
				t.Errorf("%s (ForwardedFor %v): Next allocates %.2f times per line", format, xff, allocs)
			}
		}
	}
}

// TestSysLogTapeTakesUsualEvents: the tape, not the encoding/json fallback, decodes the events of
// the test cases, the benchmark and the corpus (none repeats a key).
func TestSysLogTapeTakesUsualEvents(t *testing.T) {
	var lines [][]byte
	for _, c := range caseDirs(t) {
		switch c.format {
		case "okta-ndjson":
			lines = append(lines, bytes.Split(c.input(t), []byte("\n"))...)
		case "okta-array":
			lines = append(lines, arrayElements(c.input(t))...)
		}
	}
	lines = append(lines, bytes.Split(benchFormat("okta-ndjson", 100), []byte("\n"))...)
	if paths, _ := filepath.Glob(filepath.Join(oktaCorpusDir, "*.jsonl")); len(paths) > 0 {
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, bytes.Split(data, []byte("\n"))...)
		}
	}
	p := &sysLogParser{}
	n := 0
	for _, l := range lines {
		if l = trimLine(l); len(l) == 0 || l[0] != '{' {
			continue
		}
		var ev sysEvent
		if ok, fallback := p.decodeLogEventTape(l, &ev); !ok || fallback {
			t.Errorf("decodeLogEventTape(%q) = %v, fallback %v", l, ok, fallback)
		}
		n++
	}
	if n < 100 {
		t.Errorf("only %d events", n)
	}
}

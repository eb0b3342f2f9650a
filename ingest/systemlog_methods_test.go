package ingest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
)

// TestSysMethods: the methods of a System Log request by event type and path, the issue's
// examples first.
func TestSysMethods(t *testing.T) {
	cases := []struct {
		eventType, uri string
		want           MethodSet
	}{
		{"user.lifecycle.create", "/api/v1/users", MethodPOST},
		{"user.lifecycle.create", "/api/v1/users?activate=true", MethodPOST},
		{"user.lifecycle.create", "https://acme.okta.com/api/v1/users/", MethodPOST},
		{"USER.LIFECYCLE.CREATE", "/api/v1/users", MethodPOST},
		{"user.account.update_profile", "/api/v1/users/00u1", MethodPOST | MethodPUT},
		{"user.account.update_profile", "/api/v1/users/jane%40example.com", MethodPOST | MethodPUT},
		{"user.account.update_user_type", "/api/v1/users/00u1", MethodPUT},
		{"group.user_membership.add", "/api/v1/groups/00g1/users/00u1", MethodPUT},
		{"group.user_membership.remove", "/api/v1/groups/00g1/users/00u1", MethodDELETE},
		{"user.lifecycle.deactivate", "/api/v1/users/00u1", MethodDELETE},
		{"user.lifecycle.deactivate", "/api/v1/users/00u1/lifecycle/deactivate", MethodPOST},
		// An event type whose row is for another path: the path's row, else every API method.
		{"group.user_membership.add", "/api/v1/users", MethodGET | MethodPOST},
		{"user.lifecycle.create", "/api/v1/users/00u1", MethodGET | MethodPOST | MethodPUT | MethodDELETE},
		{"application.user_membership.update", "/api/v1/users/00u1", MethodGET | MethodPOST | MethodPUT | MethodDELETE},
		{"user.session.start", "/api/v1/authn", APIMethods},
		{"user.lifecycle.create", "/api/v1/users/00u1/extra", APIMethods},
		{"user.lifecycle.create", "/admin/users", APIMethods},
		{"", "", APIMethods},
		// Segments compare as written: no match, so every API method.
		{"user.lifecycle.create", "/API/v1/users", APIMethods},
		{"user.lifecycle.create", "//api//v1/users", MethodPOST},
	}
	for _, c := range cases {
		if got := sysMethods(c.eventType, c.uri); got != c.want {
			t.Errorf("sysMethods(%q, %q) = %s, want %s", c.eventType, c.uri, got, c.want)
		}
	}
}

// TestSysMethodTable: every row of the embedded table parses, has a source, and a bad table is an
// error naming its line.
func TestSysMethodTable(t *testing.T) {
	rows := 0
	for typ, rs := range sysMethodTable {
		for _, r := range rs {
			rows++
			if r.methods == 0 || r.methods&^APIMethods != 0 {
				t.Errorf("%s %v: methods %s", typ, r.segs, r.methods)
			}
		}
	}
	if rows < 30 || len(sysMethodTable["*"]) != 2 {
		t.Errorf("%d rows, %d for every event type", rows, len(sysMethodTable["*"]))
	}
	const header = "event_type\tpath\tmethods\tsource\n"
	for _, c := range []struct{ data, err string }{
		{"# no header\n", "no header"},
		{"a\tb\n", "line 1: 2 columns, want 4"},
		{"event type\tpath\tmethods\tsource\n", "line 1: header"},
		{header + "x\t/api/v1/x\tGET\t\n", "line 2: want a lower-case event type"},
		{header + "X\t/api/v1/x\tGET\ts\n", "line 2: want a lower-case event type"},
		{header + "x\t/v1/x\tGET\ts\n", "line 2: want a lower-case event type"},
		{header + "x\t/api//x\tGET\ts\n", "line 2: empty segment"},
		{header + "x\t/api/v1/a%2Fb\tGET\ts\n", "line 2: bad segment"},
		{header + "x\t/api/v1/x\tGET,FETCH\ts\n", `line 2: bad or repeated method "FETCH"`},
		{header + "x\t/api/v1/x\tGET,GET\ts\n", `line 2: bad or repeated method "GET"`},
		{header + "x\t/api/v1/{a}\tGET\ts\nx\t/api/v1/{b}\tPUT\ts\n", "line 3: x /api/v1/{b} repeats an earlier row"},
	} {
		if _, err := parseSysMethods(c.data); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("parseSysMethods(%q) = %v, want %q", c.data, err, c.err)
		}
	}
}

func TestMethodSet(t *testing.T) {
	if s := MethodGET | MethodPUT | MethodOPTIONS; s.String() != "GET,PUT,OPTIONS" || s.Len() != 3 || !reflect.DeepEqual(s.Methods(), []string{"GET", "PUT", "OPTIONS"}) {
		t.Errorf("%v: %q, %d", s.Methods(), s, s.Len())
	}
	for _, m := range []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"} {
		if s := MethodSetOf(m); s.String() != m {
			t.Errorf("MethodSetOf(%s) = %s", m, s)
		}
	}
	for _, m := range []string{"", "get", "PROPFIND"} {
		if s := MethodSetOf(m); s != 0 {
			t.Errorf("MethodSetOf(%q) = %s", m, s)
		}
	}
	if APIMethods.String() != "GET,POST,PUT,DELETE,PATCH" || MethodSet(0).String() != "" {
		t.Errorf("APIMethods = %s", APIMethods)
	}
}

// encodeUTF16 returns s in UTF-16 with a byte order mark.
func encodeUTF16(s string, le bool) []byte {
	var order binary.AppendByteOrder = binary.BigEndian
	b := []byte{0xFE, 0xFF}
	if le {
		order, b = binary.LittleEndian, []byte{0xFF, 0xFE}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return b
}

// TestUTF16: a UTF-16 input with a byte order mark reads as its UTF-8 transcoding, in any format,
// whichever way its bytes arrive; its line numbers are the file's.
func TestUTF16(t *testing.T) {
	combined := string(goodLines(3)) + "bad line\r\n" + `10.0.0.9 - - [14/Oct/2026:08:00:00 +0000] "GET /api/v1/users/j\u00e9r\u00f4me HTTP/1.1" 200 1 "-" "agent \U0001F600"` + "\n"
	for _, le := range []bool{true, false} {
		for _, src := range readerSources {
			data := encodeUTF16(combined, le)
			r, err := NewReader(src.wrap(bytes.NewReader(data)), "test.log", Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := readAll(t, r)
			r.Close()
			want := readAll(t, newReader(t, []byte(combined), Options{}))
			if got.format != "combined" || !reflect.DeepEqual(got.recs, want.recs) || !reflect.DeepEqual(got.stats, want.stats) {
				t.Errorf("le %v, %s: %s %+v %+v\nwant %+v %+v", le, src.name, got.format, got.recs, got.stats, want.recs, want.stats)
			}
		}
	}
	// A lone surrogate, a high surrogate at the end and an odd last byte become U+FFFD.
	for _, c := range []struct {
		units []uint16
		tail  []byte
		want  string
	}{
		{[]uint16{'a', 0xD800, 'b'}, nil, "a\uFFFDb"},
		{[]uint16{'a', 0xDC00, 'b'}, nil, "a\uFFFDb"},
		{[]uint16{'a', 0xD83D, 0xDE00}, nil, "a\U0001F600"},
		{[]uint16{'a', 0xD83D}, nil, "a\uFFFD"},
		{[]uint16{'a'}, []byte{'b'}, "a\uFFFD"},
	} {
		b := []byte{0xFF, 0xFE}
		for _, u := range c.units {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
		b = append(b, c.tail...)
		r := &Reader{br: bufio.NewReader(bytes.NewReader(b))}
		r.openUTF16(64)
		var out bytes.Buffer
		if _, err := out.ReadFrom(iotest.OneByteReader(r.br)); err != nil || out.String() != c.want || r.utf16 != "UTF-16LE" {
			t.Errorf("%x: %q, %v, want %q", b, out.String(), err, c.want)
		}
	}
	// An NDJSON System Log export from PowerShell (UTF-16LE, CRLF) reads as its UTF-8 form.
	ndjson := `{"uuid":"5d2f9e84-af60-11f1-83d4-000000000001","published":"2026-10-14T09:00:00.000Z","eventType":"user.lifecycle.create","debugContext":{"debugData":{"requestUri":"/api/v1/users"}}}` + "\r\n"
	got := readAll(t, newReader(t, encodeUTF16(ndjson+ndjson, true), Options{}))
	if got.format != "okta-ndjson" || got.stats.Lines != 2 || got.stats.Requests != 2 || got.recs[1].Line != 2 || got.recs[0].Method != "POST" {
		t.Errorf("ndjson: %s %+v %+v", got.format, got.stats, got.recs)
	}
}

// TestUTF16NotCut: a large plain UTF-16 file is read whole, never cut into parts.
func TestUTF16NotCut(t *testing.T) {
	setSplitMin(t, 1<<10)
	path := writeFile(t, "big16.log", encodeUTF16(string(goodLines(500)), true))
	rs, err := OpenParts(path, Options{}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("%d parts", len(rs))
	}
	got := readAll(t, rs[0])
	if got.stats.Lines != 500 || got.stats.Requests != 500 {
		t.Errorf("stats %+v", got.stats)
	}
}

// TestCSVTargets: the target columns of a CSV export, whatever the flattening's spelling, give a
// rate-limit event its URL pattern and bucket uuid.
func TestCSVTargets(t *testing.T) {
	row := func(header, targets string) string {
		return "published,eventType,uuid," + header + "\n" +
			"2026-10-14T10:00:00Z,system.org.rate_limit.warning,6e3a0f95-b071-11f1-94e5-000000000001," + targets + "\n"
	}
	for _, c := range []struct{ name, input string }{
		{"dotted", row("target.0.id,target.0.type,target.1.id,target.1.type", "/api/v1/users,URL Pattern,9c8d,Bucket Uuid")},
		{"brackets", row("target[1].type,target[1].id,target[0].type,target[0].id", "Bucket Uuid,9c8d,URL Pattern,/api/v1/users")},
		{"no dot", row("target0.id,target0.type,target1.id,target1.type", "/api/v1/users,URL Pattern,9c8d,Bucket Uuid")},
		{"underscores", row("targets_0_id,targets_0_type,targets_1_id,targets_1_type", "/api/v1/users,URL Pattern,9c8d,Bucket Uuid")},
		{"alternate id", row("target.0.alternateId,target.0.type,target.1.displayName,target.1.type", "/api/v1/users,URL Pattern,9c8d,Bucket Uuid")},
		{"titles", row("Target ID,Target Type,Target Display Name", "/api/v1/users,URL Pattern,x")},
		{"json", row("target", `"[{""id"":""/api/v1/users"",""type"":""URL Pattern""},{""id"":""9c8d"",""type"":""Bucket Uuid""}]"`)},
		{"text", row("Targets", `"/api/v1/users (URL Pattern), 9c8d (Bucket Uuid)"`)},
	} {
		got := readAll(t, newReader(t, []byte(c.input), Options{}))
		if got.format != "okta-csv" || len(got.events) != 1 {
			t.Fatalf("%s: format %s, events %+v", c.name, got.format, got.events)
		}
		e := got.events[0]
		wantBucket := "9c8d"
		if c.name == "titles" {
			wantBucket = ""
		}
		if e.URLPattern != "/api/v1/users" || e.BucketUUID != wantBucket || e.UUID != "6e3a0f95-b071-11f1-94e5-000000000001" {
			t.Errorf("%s: event %+v", c.name, e)
		}
	}
	if got := targetsText(nil, "a (URL Pattern); b (Bucket Uuid),c (X"); fmt.Sprint(got) != "[{a URL Pattern} {b Bucket Uuid}]" {
		t.Errorf("targetsText = %v", got)
	}
}

// TestSniffPrettyObject: a window that starts with a pretty-printed object mentioning an eventType
// is okta-array; one object a line is okta-ndjson.
func TestSniffPrettyObject(t *testing.T) {
	ev := `{"eventType":"user.session.start","published":"2026-10-14T08:00:00Z","debugContext":{"debugData":{"requestUri":"/api/v1/authn"}}}`
	for _, c := range []struct{ input, want string }{
		{"{\n  \"eventType\": \"user.session.start\",\n  \"published\": \"2026-10-14T08:00:00Z\"\n}\n", "okta-array"},
		{"  \n{\"errorCode\":\"E0000047\",\n\"x\":1}\n" + ev + "\n", "okta-array"},
		{ev + "\n" + ev + "\n", "okta-ndjson"},
		{"{\"errorCode\":\"E0000047\"}\n" + ev + "\n", "okta-ndjson"},
	} {
		r, err := NewReader(strings.NewReader(c.input), "x", Options{})
		if err != nil || r.Format() != c.want {
			t.Errorf("%q: %v, %v, want %s", c.input, r, err, c.want)
		}
	}
	if sniffOktaArray([]byte("{\n \"a\": 1\n}")) {
		t.Error("a pretty-printed object without an eventType is okta-array")
	}
}

// TestREADMEMethodTable: the README's method table lists exactly the rows of systemlog_methods.tsv,
// in order, then the default.
func TestREADMEMethodTable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Skipf("no README: %v", err)
	}
	var want []string
	for _, line := range strings.Split(sysMethodsTSV, "\n") {
		f := strings.Split(line, "\t")
		if line == "" || strings.HasPrefix(line, "#") || f[0] == "event_type" {
			continue
		}
		typ := "`" + f[0] + "`"
		if f[0] == "*" {
			typ = "any other"
		}
		want = append(want, fmt.Sprintf("| %s | `%s` | %s |", typ, f[1], strings.ReplaceAll(f[2], ",", ", ")))
	}
	want = append(want, "| any other | any other | "+strings.ReplaceAll(APIMethods.String(), ",", ", ")+" |")
	_, table, ok := strings.Cut(string(readme), "| event type | path | methods |\n|---|---|---|\n")
	if !ok {
		t.Fatal("README.md has no method table")
	}
	table, _, _ = strings.Cut(table, "\n\n")
	if got := strings.Split(table, "\n"); !reflect.DeepEqual(got, want) {
		t.Errorf("README.md's method table:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

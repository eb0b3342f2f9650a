package oktalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/ingest/oktalog/oktatest"
)

func TestBudget(t *testing.T) {
	for _, tc := range []struct{ limit, share, want int }{
		{50, 50, 25}, {50, 100, 50}, {50, 1, 1}, {7, 50, 3}, {1, 50, 1}, {120, 33, 39}, {1000, 10, 100},
	} {
		if got := budget(tc.limit, tc.share); got != tc.want {
			t.Errorf("budget(%d, %d) = %d, want %d", tc.limit, tc.share, got, tc.want)
		}
	}
}

// TestGovernor walks the governor through responses of two windows, a header-less failure and a
// window that others emptied.
func TestGovernor(t *testing.T) {
	clock := oktatest.NewClock(time.Unix(1_800_000_000, 300e6))
	g := &governor{share: 50, clock: clock}
	resp := func(limit, remaining int, reset int64) http.Header {
		h := http.Header{}
		h.Set("Date", clock.Now().UTC().Format(http.TimeFormat))
		h.Set("X-Rate-Limit-Limit", itoa(limit))
		h.Set("X-Rate-Limit-Remaining", itoa(remaining))
		h.Set("X-Rate-Limit-Reset", itoa(int(reset)))
		return h
	}
	if d, _ := g.wait(); d != 0 {
		t.Fatalf("first request waits %s", d)
	}
	g.observe(resp(4, 3, 1_800_000_005))
	if d, _ := g.wait(); d != 0 {
		t.Fatalf("second request (1 of 2) waits %s", d)
	}
	g.observe(resp(4, 2, 1_800_000_005))
	d, why := g.wait()
	// Date says ...000 (the .3 s are cut), so the wait runs to Reset by that clock: 5 s.
	if d != 5*time.Second || !strings.Contains(why, "2 of 2") {
		t.Fatalf("after the budget: wait %s (%s)", d, why)
	}
	clock.Advance(d)
	if d, _ := g.wait(); d != 0 {
		t.Fatalf("after the reset: wait %s", d)
	}
	// A request without an answer in no known window counts in the next window learned.
	g.observe(nil)
	g.observe(resp(4, 0, 1_800_000_010))
	if g.used != 2 {
		t.Fatalf("used %d, want 2 (the lost request and this one)", g.used)
	}
	if d, why := g.wait(); d <= 0 || !strings.Contains(why, "none of the 4") && !strings.Contains(why, "2 of 2") {
		t.Fatalf("window spent: wait %s (%s)", d, why)
	}
	// Others emptied the window: wait although the fetcher used 1 of its 2.
	clock.Advance(6 * time.Second)
	g.observe(resp(4, 0, 1_800_000_015))
	if d, why := g.wait(); d <= 0 || !strings.Contains(why, "other clients") {
		t.Fatalf("emptied window: wait %s (%s)", d, why)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestParseOrg(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"https://acme.okta.com", "https://acme.okta.com", ""},
		{"https://ACME.okta.com/", "https://acme.okta.com", ""},
		{"https://acme.oktapreview.com:443", "https://acme.oktapreview.com:443", ""},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", ""},
		{"http://[::1]:9000", "http://[::1]:9000", ""},
		{"http://localhost:3000", "http://localhost:3000", ""},
		{"http://acme.okta.com", "", "https is required"},
		{"http://10.0.0.1", "", "https is required"},
		{"http://127.0.0.2", "", "https is required"},
		{"ftp://acme.okta.com", "", "https is required"},
		{"acme.okta.com", "", "want the org's URL"},
		{"https://acme.okta.com/api/v1/logs", "", "origin only"},
		{"https://acme.okta.com/?x=1", "", "origin only"},
		{"https://user:pw@acme.okta.com", "", "user or password"},
	} {
		u, err := ParseOrg(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: err = %v, want %q", tc.in, err, tc.err)
		case tc.err == "" && (err != nil || u.String() != tc.want):
			t.Errorf("%s: %v %v, want %s", tc.in, u, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("%s: the error shows the password", tc.in)
		}
	}
}

func TestValidateRange(t *testing.T) {
	now := time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)
	since, until := LastFullMonth(now)
	if since != time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) || until != time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("last full month: %s %s", since, until)
	}
	if s, u := LastFullMonth(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)); s.Month() != 12 || s.Year() != 2026 || u.Year() != 2027 {
		t.Errorf("January's last full month: %s %s", s, u)
	}
	for _, tc := range []struct {
		since, until time.Time
		err          string
	}{
		{since, until, ""},
		{now.Add(-Retention + time.Minute), now, ""},
		{now.Add(-Retention - time.Minute), now, "90 days"},
		{time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), until, "90 days"},
		{until, since, "not before"},
		{since, now.Add(time.Hour), "in the future"},
	} {
		err := ValidateRange(tc.since, tc.until, now)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("[%s, %s): %v, want %q", tc.since, tc.until, err, tc.err)
		}
		if tc.err == "90 days" && !errors.Is(err, ErrRetention) {
			t.Errorf("retention error does not wrap ErrRetention")
		}
	}
}

func TestNextLink(t *testing.T) {
	const next = "https://acme.okta.com/api/v1/logs?after=1&since=2026-11-01T00%3A00%3A00.000Z"
	for _, tc := range []struct {
		name string
		h    []string
		want string
	}{
		{"Okta's two headers", []string{`<https://acme.okta.com/api/v1/logs?limit=1000>; rel="self"`, `<` + next + `>; rel="next"`}, next},
		{"one header, comma list", []string{`<https://acme.okta.com/api/v1/logs>; rel="self", <` + next + `>; rel="next"`}, next},
		{"unquoted rel", []string{`<` + next + `>; rel=next`}, next},
		{"rel list", []string{`<` + next + `>; rel="prev next"`}, next},
		{"case", []string{`<` + next + `>; REL="Next"`}, next},
		{"other params with commas", []string{`<https://x/a>; title="a, b"; rel="self", <` + next + `>; rel="next"`}, next},
		{"self only", []string{`<https://acme.okta.com/api/v1/logs>; rel="self"`}, ""},
		{"none", nil, ""},
		{"garbage", []string{`rel="next"`}, ""},
	} {
		h := http.Header{}
		for _, v := range tc.h {
			h.Add("Link", v)
		}
		if got := nextLink(h); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	org, _ := url.Parse("https://acme.okta.com")
	for _, tc := range []struct {
		link string
		ok   bool
	}{
		{"https://acme.okta.com/api/v1/logs?after=x", true},
		{"https://ACME.okta.com/api/v1/logs?after=x", true},
		{"/api/v1/logs?after=x", true},
		{"https://evil.example/api/v1/logs?after=x", false},
		{"http://acme.okta.com/api/v1/logs?after=x", false},
		{"https://acme.okta.com:8443/api/v1/logs", false},
		{"https://acme.okta.com.evil.example/api/v1/logs", false},
		{"//evil.example/api/v1/logs", false},
		{"https://u:p@acme.okta.com/api/v1/logs", false},
		{"https://acme.okta.com/api/v1/users", false},
	} {
		_, err := sameOrigin(org, tc.link)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.link, err)
		}
	}
}

func TestSplitPage(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{`[]`, nil, false},
		{" [\n {\"a\": 1,\n \"b\": [1, 2]} ,{\"c\":\"x y\\n\"}\n]\n", []string{`{"a":1,"b":[1,2]}`, `{"c":"x y\n"}`}, false},
		{`[{"a":1}`, nil, true},
		{`[{"a":1},`, nil, true},
		{`[{"a":1}] [`, nil, true},
		{`{"errorCode":"E0000047"}`, nil, true},
		{`[1]`, nil, true},
		{``, nil, true},
	} {
		got, err := splitPage([]byte(tc.in))
		if (err != nil) != tc.err {
			t.Errorf("%q: err = %v", tc.in, err)
			continue
		}
		var s []string
		for _, g := range got {
			s = append(s, string(g))
		}
		if strings.Join(s, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q: %q", tc.in, s)
		}
	}
}

func FuzzNextLink(f *testing.F) {
	f.Add(`<https://acme.okta.com/api/v1/logs?after=1>; rel="next"`)
	f.Add(`<a>; rel="self", <b>; title="x,\"y"; rel=next`)
	f.Add(`<<>>;;,,rel=`)
	f.Fuzz(func(t *testing.T, v string) {
		h := http.Header{}
		h.Add("Link", v)
		if got := nextLink(h); got != "" && !strings.Contains(v, "<"+got+">") {
			t.Errorf("%q gave %q, not one of its targets", v, got)
		}
	})
}

func FuzzSplitPage(f *testing.F) {
	f.Add([]byte(`[{"uuid":"a","published":"2026-11-01T00:00:00.000Z"},{"b":[1,{"c":null}]}]`))
	f.Add([]byte("[\n  {\n    \"x\": \"\\u2028\"\n  }\n]"))
	f.Add([]byte(`[{"a":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		evs, err := splitPage(b)
		if err != nil {
			return
		}
		for _, e := range evs {
			if bytes.ContainsAny(e, "\n\r") || !json.Valid(e) || e[0] != '{' {
				t.Errorf("event %q is not one line of a JSON object", e)
			}
		}
	})
}

func FuzzParsePrivateKey(f *testing.F) {
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"}`))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","d":"AQAB"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := ParsePrivateKey(b, "")
		if err == nil && k.signer == nil {
			t.Error("a key without a signer")
		}
		if err != nil && len(b) >= 12 && strings.Contains(err.Error(), string(b)) {
			t.Errorf("the error quotes the input: %v", err)
		}
	})
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"tool":"ratecard fetch","format":1,"org":"https://a.okta.com","segments":2,"events":5}`))
	f.Add([]byte(`{"tool":"ratecard fetch","format":1,"org":"","segments":-1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseManifest(b, "x")
		if err == nil && (m.Segments < 0 || m.Events < 0 || m.Org == "") {
			t.Errorf("accepted an inconsistent checkpoint %+v", m)
		}
	})
}

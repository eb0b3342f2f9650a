package ingest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// micros returns the Unix microseconds of a UTC date, for expectations.
func micros(year int, month time.Month, day, hour, min, sec, usec int) int64 {
	return time.Date(year, month, day, hour, min, sec, usec*1000, time.UTC).UnixMicro()
}

func TestParseLine(t *testing.T) {
	const ua = `"-" "okta-sdk-go/2.0"`
	tests := []struct {
		name   string
		format string
		line   string
		want   Record // when reason is ""
		reason string
	}{
		{
			name: "combined", format: "combined",
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 -0700] "GET /api/v1/users/me HTTP/1.1" 200 2326 "-" "okta-sdk-go/2.0"`,
			want: Record{Time: micros(2026, 10, 10, 20, 55, 36, 0), Method: "GET", Target: "/api/v1/users/me", Status: 200, Client: "10.0.0.1", UserAgent: "okta-sdk-go/2.0"},
		},
		{
			name: "common", format: "common",
			line: `10.0.0.1 - frank [10/Oct/2026:13:55:36 +0000] "POST /oauth2/v1/token HTTP/1.0" 401 -`,
			want: Record{Time: micros(2026, 10, 10, 13, 55, 36, 0), Method: "POST", Target: "/oauth2/v1/token", Status: 401, Client: "10.0.0.1"},
		},
		{
			name: "common line in a combined file", format: "combined",
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/apps HTTP/1.1" 200 5`,
			want: Record{Time: micros(2026, 10, 10, 13, 55, 36, 0), Method: "GET", Target: "/api/v1/apps", Status: 200, Client: "10.0.0.1"},
		},
		{
			name: "combined line in a common file", format: "common",
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/apps HTTP/1.1" 200 5 ` + ua,
			want: Record{Time: micros(2026, 10, 10, 13, 55, 36, 0), Method: "GET", Target: "/api/v1/apps", Status: 200, Client: "10.0.0.1", UserAgent: "okta-sdk-go/2.0"},
		},
		{
			name: "IPv6 client", format: "combined",
			line: `2001:db8:85a3::8a2e:370:7334 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/groups HTTP/2.0" 200 1 ` + ua,
			want: Record{Time: micros(2026, 10, 10, 13, 55, 36, 0), Method: "GET", Target: "/api/v1/groups", Status: 200, Client: "2001:db8:85a3::8a2e:370:7334", UserAgent: "okta-sdk-go/2.0"},
		},
		{
			name: "hostname client", format: "combined",
			line: `egress-2.corp.example.com - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/groups HTTP/2.0" 200 1 ` + ua,
			want: Record{Time: micros(2026, 10, 10, 13, 55, 36, 0), Method: "GET", Target: "/api/v1/groups", Status: 200, Client: "egress-2.corp.example.com", UserAgent: "okta-sdk-go/2.0"},
		},
		{
			name: "trailing extra fields", format: "combined",
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/logs?since=2026-10-01 HTTP/1.1" 200 9 "-" "curl/8" "-" "198.51.100.7, 10.0.0.9" 0.012 rt="1 2"`,
			want: Record{Time: micros(2026, 10, 10, 13, 55, 36, 0), Method: "GET", Target: "/api/v1/logs?since=2026-10-01", Status: 200, Client: "10.0.0.1", UserAgent: "curl/8"},
		},
		{
			name: "Apache escaped quotes in user agent", format: "combined",
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 9 "-" "agent \"x\" \\" "-"`,
			want: Record{Time: micros(2026, 10, 10, 13, 55, 36, 0), Method: "GET", Target: "/", Status: 200, Client: "10.0.0.1", UserAgent: `agent \"x\" \\`},
		},
		{
			name: "escaped quotes in request", format: "combined",
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /search?q=\"okta\" HTTP/1.1" 200 9 "-" "nginx \x22quoted\x22"`,
			want: Record{Time: micros(2026, 10, 10, 13, 55, 36, 0), Method: "GET", Target: `/search?q=\"okta\"`, Status: 200, Client: "10.0.0.1", UserAgent: `nginx \x22quoted\x22`},
		},
		{
			name: "fractional seconds", format: "combined",
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36.123 +0200] "GET /api/v1/users HTTP/1.1" 200 9 ` + ua,
			want: Record{Time: micros(2026, 10, 10, 11, 55, 36, 123000), Method: "GET", Target: "/api/v1/users", Status: 200, Client: "10.0.0.1", UserAgent: "okta-sdk-go/2.0"},
		},
		{
			name: "nanoseconds truncated to micros", format: "common",
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36.123456789 +0000] "GET / HTTP/1.1" 200 9`,
			want: Record{Time: micros(2026, 10, 10, 13, 55, 36, 123456), Method: "GET", Target: "/", Status: 200, Client: "10.0.0.1"},
		},
		{
			name: "offset +0530", format: "common",
			line: `10.0.0.1 - - [10/Oct/2026:05:00:00 +0530] "GET / HTTP/1.1" 200 9`,
			want: Record{Time: micros(2026, 10, 9, 23, 30, 0, 0), Method: "GET", Target: "/", Status: 200, Client: "10.0.0.1"},
		},
		{
			name: "offset -0700 crosses midnight", format: "common",
			line: `10.0.0.1 - - [31/Dec/2026:20:00:00 -0700] "GET / HTTP/1.1" 200 9`,
			want: Record{Time: micros(2027, 1, 1, 3, 0, 0, 0), Method: "GET", Target: "/", Status: 200, Client: "10.0.0.1"},
		},
		{
			name: "offset +0000 and status -", format: "common",
			line: `10.0.0.1 - - [10/Oct/2026:05:00:00 +0000] "GET / HTTP/1.1" - -`,
			want: Record{Time: micros(2026, 10, 10, 5, 0, 0, 0), Method: "GET", Target: "/", Status: 0, Client: "10.0.0.1"},
		},
		{
			name: "29 Feb in a leap year", format: "common",
			line: `10.0.0.1 - - [29/Feb/2028:00:00:00 +0000] "GET / HTTP/1.1" 200 9`,
			want: Record{Time: micros(2028, 2, 29, 0, 0, 0, 0), Method: "GET", Target: "/", Status: 200, Client: "10.0.0.1"},
		},
		{
			name: "target with spaces, no protocol, M-SEARCH", format: "common",
			line: `10.0.0.1 - - [10/Oct/2026:05:00:00 +0000] "M-SEARCH /a b" 200 9`,
			want: Record{Time: micros(2026, 10, 10, 5, 0, 0, 0), Method: "M-SEARCH", Target: "/a b", Status: 200, Client: "10.0.0.1"},
		},
		{
			name: "absolute URL target", format: "combined",
			line: `10.0.0.1 - - [10/Oct/2026:05:00:00 +0000] "GET https://acme.okta.com/api/v1/users HTTP/1.1" 200 9 ` + ua,
			want: Record{Time: micros(2026, 10, 10, 5, 0, 0, 0), Method: "GET", Target: "https://acme.okta.com/api/v1/users", Status: 200, Client: "10.0.0.1", UserAgent: "okta-sdk-go/2.0"},
		},
		{
			name: "CRLF and surrounding blanks", format: "combined",
			line: " \t10.0.0.1 - - [10/Oct/2026:05:00:00 +0000] \"GET / HTTP/1.1\" 200 9 \"-\" \"-\" \r\n",
			want: Record{Time: micros(2026, 10, 10, 5, 0, 0, 0), Method: "GET", Target: "/", Status: 200, Client: "10.0.0.1"},
		},

		{name: "31 Feb", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [31/Feb/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "31 Sep", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [31/Sep/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "29 Feb in a common year", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [29/Feb/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "29 Feb 2100 (not leap)", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [29/Feb/2100:00:00:00 +0000] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "day 00", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [00/Oct/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "hour 24", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [10/Oct/2026:24:00:00 +0000] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "hour 25", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [10/Oct/2026:25:00:00 +0000] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "minute 60", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [10/Oct/2026:23:60:00 +0000] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "second 60", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [10/Oct/2026:23:59:60 +0000] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "bad month Foo", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [10/Foo/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "lowercase month", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [10/oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "offset +2500", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +2500] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "offset +1500", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +1500] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "offset minutes 60", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0160] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "no offset", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "ISO timestamp", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [2026-10-10T13:55:36Z] "GET / HTTP/1.1" 200 9 ` + ua},
		{name: "empty fraction", format: "combined", reason: ReasonBadTimestamp,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36. +0000] "GET / HTTP/1.1" 200 9 ` + ua},

		{name: `"-" request`, format: "combined", reason: ReasonBadRequest,
			line: `10.112.81.15 - - [15/Feb/2013:06:00:31 +0000] "-" 400 0 "-" "-"`},
		{name: "TLS bytes, nginx-escaped", format: "combined", reason: ReasonBadRequest,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "\x16\x03\x01\x00\xa5\x01\x00" 400 157 "-" "-"`},
		{name: "TLS bytes, raw", format: "combined", reason: ReasonBadRequest,
			line: "10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] \"\x16\x03\x01\x00\xa5\" 400 157 \"-\" \"-\""},
		{name: "method only", format: "combined", reason: ReasonBadRequest,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET" 400 0 "-" "-"`},
		{name: "protocol but no target", format: "combined", reason: ReasonBadRequest,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET  HTTP/1.1" 400 0 "-" "-"`},
		{name: "lowercase method", format: "combined", reason: ReasonBadRequest,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "get / HTTP/1.1" 400 0 "-" "-"`},
		{name: "method too long", format: "combined", reason: ReasonBadRequest,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "ABCDEFGHIJKLMNOPQRSTU / HTTP/1.1" 400 0 "-" "-"`},
		{name: "empty request", format: "combined", reason: ReasonBadRequest,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "" 400 0 "-" "-"`},

		{name: "missing closing quote of request", format: "combined", reason: ReasonMalformed,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1 200 9 "-" "curl"`},
		{name: "missing closing quote of user agent", format: "combined", reason: ReasonMalformed,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 9 "-" "curl/8`},
		{name: "missing opening quote of request", format: "combined", reason: ReasonMalformed,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] GET / HTTP/1.1" 200 9 "-" "curl"`},
		{name: "missing closing bracket", format: "combined", reason: ReasonMalformed,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000 "GET / HTTP/1.1" 200 9 "-" "curl"`},
		{name: "missing opening bracket", format: "combined", reason: ReasonMalformed,
			line: `10.0.0.1 - - 10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 9 "-" "curl"`},
		{name: "non-numeric status", format: "combined", reason: ReasonMalformed,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" OK 9 "-" "curl"`},
		{name: "four-digit status", format: "combined", reason: ReasonMalformed,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 2000 9 "-" "curl"`},
		{name: "non-numeric bytes", format: "combined", reason: ReasonMalformed,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 9k "-" "curl"`},
		{name: "missing bytes", format: "common", reason: ReasonMalformed,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200`},
		{name: "missing ident and user", format: "combined", reason: ReasonMalformed,
			line: `192.168.202.254 [20/Jul/2009:22:59:29 +0000] "GET /vmw HTTP/1.0" 404 46210 "-" "gPXE/0.9.7"`},
		{name: "vhost prefix (an extra leading field)", format: "combined", reason: ReasonMalformed,
			line: `localhost:443 178.20.184.42 - jsmith [26/Jul/2023:00:01:26 -0700] "GET / HTTP/2.0" 200 1 "-" "x"`},
		{name: "no space after request", format: "combined", reason: ReasonMalformed,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1"200 9 "-" "curl"`},
		{name: "unescaped quote inside user agent", format: "combined", reason: ReasonMalformed,
			line: `10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 9 "-" "a "b" c"`},
		{name: "JSON line", format: "combined", reason: ReasonMalformed,
			line: `{"ts":"2026-10-10T13:55:36Z","method":"GET","uri":"/api/v1/users"}`},
		{name: "malformed wins over bad timestamp", format: "combined", reason: ReasonMalformed,
			line: `10.0.0.1 - - [31/Feb/2026:13:55:36 +0000] "GET / HTTP/1.1" x 9 "-" "curl"`},
		{name: "blank", format: "combined", reason: ReasonBlank, line: " \t\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sentinel := Record{Method: "untouched", Line: 42}
			rec := sentinel
			err := parseLine(tt.format, []byte(tt.line), &rec)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("parseLine: %v", err)
				}
				want := tt.want
				want.Line = 42 // parseLine leaves Line alone
				if rec != want {
					t.Errorf("record\n got %+v\nwant %+v", rec, want)
				}
				return
			}
			var pe *parseError
			if !errors.As(err, &pe) {
				t.Fatalf("parseLine = %v (record %+v), want a *parseError with reason %s", err, rec, tt.reason)
			}
			if pe.Reason != tt.reason || pe.Format != tt.format {
				t.Errorf("reason %q format %q, want %q %q", pe.Reason, pe.Format, tt.reason, tt.format)
			}
			if rec != sentinel {
				t.Errorf("record touched on error: %+v", rec)
			}
		})
	}
}

func TestParseLineUnknownFormat(t *testing.T) {
	var rec Record
	err := parseLine("xml", []byte("x"), &rec)
	if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), "combined, common") {
		t.Errorf("parseLine(xml) = %v, want ErrUnknownFormat listing the formats", err)
	}
}

func TestParseErrorMessage(t *testing.T) {
	long := strings.Repeat("é", 150) // 300 bytes: the 200-byte cut falls on a rune boundary
	tests := []struct {
		err  parseError
		want string
	}{
		{parseError{Format: "combined", File: "access.log", Line: 17, Reason: ReasonBadTimestamp, Excerpt: "x [31/Feb/2026]"},
			`access.log:17: combined: bad-timestamp: "x [31/Feb/2026]"`},
		{parseError{Format: "common", Reason: ReasonMalformed, Excerpt: "\x16\x03"},
			`common: malformed: "\x16\x03"`},
		{parseError{Format: "common", Line: 3, Reason: ReasonBlank},
			`line 3: common: blank: ""`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %s, want %s", got, tt.want)
		}
	}

	var rec Record
	err := parseLine("common", []byte(long+"\xff\n"), &rec)
	var pe *parseError
	if !errors.As(err, &pe) {
		t.Fatal(err)
	}
	if pe.Excerpt != strings.Repeat("é", 100) {
		t.Errorf("excerpt = %q (%d bytes), want the first 100 runes", pe.Excerpt, len(pe.Excerpt))
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"bad \xff\xfe bytes", "bad \uFFFD bytes"},
		{strings.Repeat("a", 199) + "é" + "zzz", strings.Repeat("a", 199)}, // é would be cut in half: dropped
		{strings.Repeat("a", 300), strings.Repeat("a", 200)},
		{strings.Repeat("\x80", 300), "\uFFFD"},
	}
	for _, tt := range tests {
		if got := excerpt([]byte(tt.in)); got != tt.want {
			t.Errorf("excerpt(%.20q…) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// clfLayout is the timestamp layout of the combined and common formats for time.Parse, which also
// accepts fractional seconds after the seconds when the layout has none.
const clfLayout = "02/Jan/2006:15:04:05 -0700"

// TestParseCLFTimeMatchesTimeParse compares the hand-written timestamp parser with time.Parse on
// formatted random instants (which must parse to the same microsecond) and on random, often
// impossible, field values (which must be accepted and rejected alike, except where ingest is
// deliberately stricter than time.Parse).
func TestParseCLFTimeMatchesTimeParse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))

	// Valid instants, each formatted in a random zone, with 0–9 fractional digits.
	for range 20000 {
		sec := rng.Int64N(253402300800) // 0001-01-01 … 9999-12-31 around the epoch
		if rng.IntN(2) == 0 {
			sec -= 62135596800 // years 1..1969
		}
		nsec := rng.Int64N(1e9)
		off := (rng.IntN(29*60) - 14*60) * 60 // -14:00 … +14:59 (hours stay <= 14)
		tm := time.Unix(sec, nsec).In(time.FixedZone("", off))
		if tm.Year() < 0 || tm.Year() > 9999 {
			continue
		}
		layout := "02/Jan/2006:15:04:05"
		if d := rng.IntN(10); d > 0 {
			layout += "." + strings.Repeat("0", d)
		}
		s := tm.Format(layout + " -0700")
		got, ok := parseCLFTime([]byte(s))
		want, err := time.Parse(clfLayout, s)
		if err != nil {
			t.Fatalf("time.Parse(%q): %v", s, err)
		}
		if !ok || got != want.UnixMicro() {
			t.Fatalf("parseCLFTime(%q) = %d, %v; time.Parse says %d", s, got, ok, want.UnixMicro())
		}
	}

	// Random field values, many impossible.
	months := []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Foo", "oct", "JAN"}
	for range 50000 {
		day, mon, year := rng.IntN(33), months[rng.IntN(len(months))], []int{1900, 2000, 2024, 2026, 2028, 2100, rng.IntN(10000)}[rng.IntN(7)]
		hh, mm, ss := rng.IntN(26), rng.IntN(62), rng.IntN(62)
		oh, om := rng.IntN(27), rng.IntN(62)
		sign := "+-"[rng.IntN(2):][:1]
		frac := ""
		if rng.IntN(3) == 0 {
			frac = fmt.Sprintf(".%d", rng.IntN(1000000))
		}
		s := fmt.Sprintf("%02d/%s/%04d:%02d:%02d:%02d%s %s%02d%02d", day, mon, year, hh, mm, ss, frac, sign, oh, om)
		got, ok := parseCLFTime([]byte(s))
		want, err := time.Parse(clfLayout, s)
		// ingest is stricter than time.Parse about month case and offsets (time.Parse takes up to +24:60).
		stricter := mon != strings.ToUpper(mon[:1])+strings.ToLower(mon[1:]) || oh > 14 || om > 59
		switch {
		case ok && (err != nil || got != want.UnixMicro()):
			t.Fatalf("parseCLFTime(%q) = %d; time.Parse = %v, %v", s, got, want.UnixMicro(), err)
		case !ok && err == nil && !stricter:
			t.Fatalf("parseCLFTime(%q) rejected a timestamp time.Parse accepts (%v)", s, want)
		}
	}
}

func TestDaysFromCivil(t *testing.T) {
	for _, d := range []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(0, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		if got := daysFromCivil(d.Year(), int(d.Month()), d.Day()); got*86400 != d.Unix() {
			t.Errorf("daysFromCivil(%s) = %d, want %d", d.Format(time.DateOnly), got, d.Unix()/86400)
		}
	}
}

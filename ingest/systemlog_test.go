package ingest

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestIsRateLimitEventType(t *testing.T) {
	for typ, want := range map[string]bool{
		"system.org.rate_limit.warning":                  true,
		"system.org.rate_limit.burst":                    true,
		"system.org.rate_limit.violation":                true,
		"SYSTEM.ORG.RATE_LIMIT.VIOLATION":                true,
		"system.operation.rate_limit.violation":          true,
		"system.operation.rate_limit.notification":       true,
		"system.operation.concurrency_limit.violation":   true,
		"system.client.rate_limit.violation":             true,
		"system.client.concurrency_rate_limit.violation": true,
		"core.concurrency.org.limit.violation":           true,
		"app.oauth2.client_id_rate_limit_warning":        true,
		"system.org.rate_limit.expiration.warning":       false,
		"application.integration.rate_limit_exceeded":    false,
		"system.client.other":                            false,
		"user.session.start":                             false,
		"":                                               false,
	} {
		if got := IsRateLimitEventType(typ); got != want {
			t.Errorf("IsRateLimitEventType(%q) = %v", typ, got)
		}
	}
}

func TestParseISOTime(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64 // -1: rejected
	}{
		{"2026-10-14T08:00:00Z", micros(2026, 10, 14, 8, 0, 0, 0)},
		{"2026-10-14T08:00:00.123Z", micros(2026, 10, 14, 8, 0, 0, 123000)},
		{"2026-10-14 08:00:00.123456789", micros(2026, 10, 14, 8, 0, 0, 123456)},
		{"2026-10-14T10:00:00+02:00", micros(2026, 10, 14, 8, 0, 0, 0)},
		{"2026-10-14T01:00:00-0700", micros(2026, 10, 14, 8, 0, 0, 0)},
		{"2026-10-14T13:30:00+0530", micros(2026, 10, 14, 8, 0, 0, 0)},
		{"2026-10-14T09:00:00+01", micros(2026, 10, 14, 8, 0, 0, 0)},
		{"2026-10-14 08:00:00 UTC", micros(2026, 10, 14, 8, 0, 0, 0)},
		{"2028-02-29T00:00:00Z", micros(2028, 2, 29, 0, 0, 0, 0)},
		{"2026-02-29T00:00:00Z", -1},
		{"2026-13-01T00:00:00Z", -1},
		{"2026-10-14T24:00:00Z", -1},
		{"2026-10-14T08:00:00.Z", -1},
		{"2026-10-14T08:00:00+15:00", -1},
		{"2026-10-14X08:00:00Z", -1},
		{"2026-10-14T08:00:00Zjunk", -1},
		{"redacted", -1},
		{"", -1},
	} {
		got, ok := parseISOTime([]byte(tt.in))
		if !ok {
			got = -1
		}
		if got != tt.want {
			t.Errorf("parseISOTime(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseEpoch(t *testing.T) {
	base := micros(2024, 4, 10, 23, 0, 0, 0) // 1712790000
	for _, tt := range []struct {
		in   string
		want int64
	}{
		{"1712790000", base},
		{"1712790000.5", base + 500000},
		{"1712790000.1234567", base + 123456},
		{"1712790000123", base + 123000},
		{"1712790000123456", base + 123456},
		{"1712790000123456789", base + 123456},
		{"-1", -1},
		{"1e9", -1},
		{"", -1},
		{"1712790000.", -1},
		{"17127900001234567890", -1},
		{"9223372036854775807", 9223372036854775},
		{"9223372036854775808", -1},
	} {
		got, ok := parseEpoch([]byte(tt.in))
		if !ok {
			got = -1
		}
		if got != tt.want {
			t.Errorf("parseEpoch(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestOktaArrayErrors: a broken array stops the Reader with an error naming the file and the event,
// and the event it struck in is counted.
func TestOktaArrayErrors(t *testing.T) {
	ev := func(i int) string {
		return fmt.Sprintf(`{"published":"2026-10-14T08:00:%02dZ","eventType":"user.session.start","debugContext":{"debugData":{"requestUri":"/api/v1/authn","requestId":"okta-request-%06d"}}}`, i, i)
	}
	big := `{"eventType":"x","pad":"` + strings.Repeat("x", 2<<20) + `"}`
	for _, tt := range []struct {
		name, data string
		requests   int64
		reason     string
		err        string
		is         error
	}{
		{"cut inside an event", "[" + ev(1) + "," + ev(2)[:40], 1, ReasonTruncated, "test.log: event 2: truncated JSON array", io.ErrUnexpectedEOF},
		{"no closing bracket", "[" + ev(1) + "," + ev(2), 2, "", "test.log: event 3: truncated JSON array", io.ErrUnexpectedEOF},
		{"syntax error", "[" + ev(1) + ",{\"a\" 1}]", 1, ReasonMalformed, "test.log: event 2: malformed JSON array", nil},
		{"not an array after the first page", "[" + ev(1) + "]\n1", 1, "", "test.log: event 2: malformed JSON array", nil},
		{"an object cut short after the first page", "[" + ev(1) + "]\n{", 1, ReasonTruncated, "test.log: event 2: truncated JSON array", io.ErrUnexpectedEOF},
		{"event too long", "[" + ev(1) + "," + big + "," + ev(3) + "]", 1, ReasonTooLong, "test.log: event 2: longer than 1048576 bytes", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := readAll(t, newReader(t, []byte(tt.data), Options{Format: "okta-array"}))
			if got.err == nil || !strings.HasPrefix(got.err.Error(), tt.err) {
				t.Fatalf("Err = %v, want %q…", got.err, tt.err)
			}
			if tt.is != nil && !errors.Is(got.err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", got.err, tt.is)
			}
			if got.stats.Requests != tt.requests || (tt.reason != "" && got.stats.Reasons[tt.reason] != 1) {
				t.Errorf("stats %+v", got.stats)
			}
		})
	}
	// Many pages, gzip: the sniffed format, every event counted across pages.
	var b strings.Builder
	n := 0
	for page := range 30 {
		b.WriteString("[\n")
		for i := range 100 {
			if i > 0 {
				b.WriteString(",\n")
			}
			b.WriteString(ev(n % 60))
			n++
		}
		b.WriteString("\n]")
		if page%2 == 0 {
			b.WriteString("\n")
		}
	}
	path := writeFile(t, "logs.json.gz", gzipMembers(t, []byte(b.String())))
	got := readAll(t, openFile(t, path, Options{}))
	// requestIds repeat every 60 events: a Reader gives every event, with its request id (the
	// analysis of a run counts each request once).
	if got.err != nil || got.format != "okta-array" || got.stats.Lines != 3000 || got.stats.Requests != 3000 {
		t.Fatalf("format %s, err %v, stats %+v", got.format, got.err, got.stats)
	}
	if last := got.recs[len(got.recs)-1]; last.Line != 3000 || last.RequestID != fmt.Sprintf("okta-request-%06d", 2999%60) {
		t.Errorf("last record %+v", last)
	}
}

// TestEventsCap: Events keeps MaxEvents, Stats.Events counts them all.
func TestEventsCap(t *testing.T) {
	var b strings.Builder
	const n = MaxEvents + 5
	for i := range n {
		fmt.Fprintf(&b, `{"published":"2026-10-14T08:00:00Z","eventType":"system.org.rate_limit.warning","debugContext":{"debugData":{"threshold":"%d"}}}`+"\n", i)
	}
	r := newReader(t, []byte(b.String()), Options{})
	got := readAll(t, r)
	if got.format != "okta-ndjson" || got.stats.Events != n || len(got.events) != MaxEvents || got.stats.Reasons[ReasonRateLimitEvent] != n {
		t.Fatalf("format %s, %d events kept, stats %+v", got.format, len(got.events), got.stats)
	}
	if e := got.events[MaxEvents-1]; e.Threshold != MaxEvents-1 || e.Line != MaxEvents {
		t.Errorf("last kept event %+v", e)
	}
}

// oktaCorpusDir holds Okta System Log events from panther-labs/panther-analysis (Apache-2.0; see
// shared/corpus/SOURCES.md), one JSON object per line, read in place.
var oktaCorpusDir = filepath.Join(filepath.Dir(corpusDir), "okta-systemlog")

// TestCorpusSystemLog reads every .jsonl of the Okta corpus: all sniffed as okta-ndjson, no error,
// exact accounting; and, over all files, the known counts of rate-limit events and lowercase-key
// requests.
func TestCorpusSystemLog(t *testing.T) {
	var paths []string
	filepath.WalkDir(oktaCorpusDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".jsonl") {
			paths = append(paths, p)
		}
		return nil
	})
	if len(paths) == 0 {
		t.Skipf("corpus not found at %s: skipping the Okta System Log corpus test", oktaCorpusDir)
	}
	var lines, requests, events int64
	types := map[string]int{}
	for _, p := range paths {
		got := readAll(t, openFile(t, p, Options{}))
		if got.err != nil || got.format != "okta-ndjson" {
			t.Errorf("%s: format %s, err %v", p, got.format, got.err)
		}
		if got.stats.Reasons[ReasonMalformed] != 0 {
			t.Errorf("%s: %v", p, got.stats.Reasons)
		}
		lines += got.stats.Lines
		requests += got.stats.Requests
		events += got.stats.Events
		for _, e := range got.events {
			types[e.Type]++
			if e.Threshold == 0 || e.URLPattern == "" || e.Time == 0 {
				t.Errorf("%s: event %+v", p, e)
			}
		}
		for _, r := range got.recs {
			if r.Source != SourceSystemLog || !strings.HasPrefix(r.Target, "/") {
				t.Errorf("%s: record %+v", p, r)
			}
		}
	}
	if lines != 106 || events != 6 || types["system.org.rate_limit.warning"] != 4 || types["system.operation.rate_limit.violation"] != 2 {
		t.Errorf("%d lines, %d requests, %d events %v", lines, requests, events, types)
	}
	t.Logf("%d files, %d events, %d requests, %d rate-limit events", len(paths), lines, requests, events)
}

// TestCSVSplitReused checks that the csv.Reader the okta-csv parser keeps from line to line splits
// every line as a fresh one does (splitCSV), whatever came before: quotes left open, lines holding
// two records, bare quotes, empty lines and fields.
func TestCSVSplitReused(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	pieces := []string{"a", "b c", `"q"`, `"q,q"`, `"q""q"`, `"open`, `x"y`, `""`, "", " ", `"a"b`, "\r", `"` + "\n" + `"`, "é"}
	var p csvParser
	for range 20_000 {
		var sb strings.Builder
		for k := range rng.IntN(6) {
			if k > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		line := []byte(sb.String())
		want, wantOK := splitCSV(line)
		got, gotOK := p.split(line)
		if gotOK != wantOK || gotOK && !slices.Equal(got, want) {
			t.Fatalf("%q: split %q %v, want %q %v", line, got, gotOK, want, wantOK)
		}
	}
}

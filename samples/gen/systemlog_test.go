package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ratecard/ratecard/ingest"
)

// TestSysLogBenchIngest writes a small System Log bench input and checks that ratecard's ingest
// reads every event the generator says it wrote, as what it is: each request event as a request,
// each job event as not-a-request, each burst event as a rate-limit event, nothing malformed. An
// independent decode with encoding/json recounts the calls (distinct request ids), the
// re-deliveries (repeated uuids) and the event shape.
func TestSysLogBenchIngest(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	const n = 12000
	st, err := sysLogWrite(sysLogConfig{path: filepath.Join(dir, "systemlog.ndjson"), events: n, days: 1, start: start, seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != n {
		t.Fatalf("wrote %d events, want %d", st.Events, n)
	}
	if st.NotARequest == 0 || st.RateLimit == 0 || st.RateLimitNoURI == 0 || st.Redelivered == 0 || st.Calls >= st.Requests {
		t.Fatalf("the input lacks a kind of event: %+v", st)
	}
	if per := st.Bytes / st.Events; per < 1400 || per > 1900 {
		t.Errorf("%d bytes per event, want about 1.6 KB", per)
	}

	r, err := ingest.Open(filepath.Join(dir, "systemlog.ndjson"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Format() != "okta-ndjson" {
		t.Errorf("format %q, want okta-ndjson", r.Format())
	}
	targets := map[string]int{}
	seen := map[string]bool{}
	var last int64
	for r.Next() {
		rec := r.Record()
		// Events come in published order, to the second; a re-delivery comes after the next event.
		if !seen[rec.EventID] && rec.Time < last-1e6 || rec.Time < start.UnixMicro() || rec.Time >= start.Add(24*time.Hour).UnixMicro() {
			t.Fatalf("line %d: time %d out of order or outside the day", rec.Line, rec.Time)
		}
		seen[strings.Clone(rec.EventID)] = true // it aliases the line
		last = max(last, rec.Time)
		if rec.RequestID == "" || rec.EventID == "" || rec.Method == "" {
			t.Fatalf("line %d: request id %q, event id %q, method %q", rec.Line, rec.RequestID, rec.EventID, rec.Method)
		}
		targets[catalog.ClassID(catalog.Classify(rec.Method, rec.Target))]++
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	got := r.Stats()
	if got.Lines != st.Events || got.Requests != st.Requests || got.Skipped != st.NotARequest+st.RateLimitNoURI {
		t.Errorf("ingest read %d lines = %d requests + %d skipped %v; generator wrote %d events, %d requests, %d job, %d burst",
			got.Lines, got.Requests, got.Skipped, got.Reasons, st.Events, st.Requests, st.NotARequest, st.RateLimitNoURI)
	}
	want := map[string]int64{ingest.ReasonNotARequest: st.NotARequest, ingest.ReasonRateLimitEvent: st.RateLimitNoURI}
	for k, v := range got.Reasons {
		if want[k] != v {
			t.Errorf("skip reason %s: %d, want %d", k, v, want[k])
		}
	}
	if got.Events != st.RateLimit {
		t.Errorf("%d rate-limit events read, %d written", got.Events, st.RateLimit)
	}
	if len(targets) < 6 {
		t.Errorf("the requests fall in %d classes, want several: %v", len(targets), targets)
	}

	// The independent recount.
	f, err := os.Open(filepath.Join(dir, "systemlog.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	calls, uuids := map[string]bool{}, map[string]bool{}
	var events, redelivered, requests int64
	br := bufio.NewReaderSize(f, 1<<16)
	for {
		line, err := br.ReadBytes('\n')
		if err == io.EOF && len(line) == 0 {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		events++
		var ev struct {
			UUID         string
			Published    string
			EventType    string
			DebugContext struct{ DebugData map[string]string }
			Transaction  struct{ Type, ID string }
		}
		if err := json.Unmarshal(line, &ev); err != nil {
			t.Fatalf("event %d: %v", events, err)
		}
		if uuids[ev.UUID] {
			redelivered++
			if uri := ev.DebugContext.DebugData["requestUri"]; uri != "" {
				requests++
			}
			continue
		}
		uuids[ev.UUID] = true
		if uri := ev.DebugContext.DebugData["requestUri"]; uri != "" {
			requests++
			id := ev.DebugContext.DebugData["requestId"]
			if id != ev.Transaction.ID || len(id) != 27 {
				t.Fatalf("event %d: request id %q, transaction id %q", events, id, ev.Transaction.ID)
			}
			calls[id] = true
		}
	}
	if events != st.Events || redelivered != st.Redelivered || requests != st.Requests || int64(len(calls)) != st.Calls {
		t.Errorf("recount: %d events, %d re-delivered, %d requests, %d calls; generator said %+v", events, redelivered, requests, len(calls), st)
	}
}

// TestSysLogBenchDeterministic checks that the same flags give the same bytes and another seed
// other bytes.
func TestSysLogBenchDeterministic(t *testing.T) {
	gen := func(seed uint64) []byte {
		p := filepath.Join(t.TempDir(), "s.ndjson")
		if _, err := sysLogWrite(sysLogConfig{path: p, events: 2000, days: 2, start: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), seed: seed}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := gen(1), gen(1), gen(2)
	if !bytes.Equal(a, b) {
		t.Error("two runs with the same seed differ")
	}
	if bytes.Equal(a, c) {
		t.Error("seed 2 gave the same bytes as seed 1")
	}
}

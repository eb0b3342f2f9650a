package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ratecard/ratecard/report"
)

// section returns the report's "Requests in flight at once" section.
func section(t *testing.T, html []byte) string {
	t.Helper()
	s := string(html)
	i, j := strings.Index(s, `<h2 id="concurrency">`), strings.Index(s, `<h2 id="patterns">`)
	if i < 0 || j < i {
		t.Fatal("no concurrency section before the patterns")
	}
	return s[i:j]
}

// TestConcurrencySection renders the request fixture (100 requests in flight at 08:23:04, one
// browser client over the client-based limits) and checks what the section and summary.json say,
// with callers named and numbered.
func TestConcurrencySection(t *testing.T) {
	res := fixture(t, "request.result.json")
	var html bytes.Buffer
	if err := report.RenderHTML(&html, res, report.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	sec := section(t, html.Bytes())
	for _, want := range []string{
		`At most <strong>100</strong> requests were in flight at once, first at`,
		`<strong class="s-over">59 seconds over it</strong>`,
		`https://developer.okta.com/docs/reference/rl2-concurrency/`,
		`id="chart_concurrency"`,
		`10.0.0.7`, `192.0.2.9`, // a caller of the busiest second, the client over the limits
		`<strong class="s-over">1 client over a limit.</strong>`,
		`not over the limit`, // 429s at seconds the logs count under 75
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("the section lacks %q", want)
		}
	}
	html.Reset()
	if err := report.RenderHTML(&html, res, report.HTMLOptions{Request: &report.RequestOptions{}}); err != nil {
		t.Fatal(err)
	}
	sec = section(t, html.Bytes())
	if strings.Contains(sec, "10.0.0.7") || strings.Contains(sec, "192.0.2.9") || !strings.Contains(sec, "client 1 · user agent 1") {
		t.Errorf("the pack's section does not number the callers:\n%s", sec)
	}
	var got struct {
		Concurrency struct {
			Available   bool   `json:"available"`
			Peak        int    `json:"peak"`
			At          string `json:"at"`
			Limit       int    `json:"limit"`
			SecondsOver int64  `json:"seconds_over"`
			Tiers       []struct {
				Tier        string `json:"tier"`
				Limit       *int   `json:"limit"`
				SecondsOver int64  `json:"seconds_over"`
				Current     *int   `json:"current_limit"`
			} `json:"tiers"`
			Throttled struct {
				Count int64 `json:"count"`
			} `json:"throttled_429"`
		} `json:"concurrency"`
		ClientLimits struct {
			ClientsOver int64 `json:"clients_over"`
			Over        []struct {
				Client     string `json:"client"`
				MinutePeak int    `json:"minute_peak"`
				Concurrent int    `json:"concurrent_peak"`
			} `json:"over"`
		} `json:"client_limits"`
	}
	decodeSummary(t, res, &got)
	c := got.Concurrency
	if !c.Available || c.Peak != 100 || c.At != "2026-10-14T08:23:04.933333Z" || c.Limit != 75 || c.SecondsOver != 59 ||
		len(c.Tiers) != 5 || *c.Tiers[0].Limit != 15 || *c.Tiers[0].Current != 35 || c.Tiers[3].Current != nil || c.Throttled.Count != 50 {
		t.Errorf("summary.json concurrency: %+v", c)
	}
	cl := got.ClientLimits
	if cl.ClientsOver != 1 || len(cl.Over) != 1 || cl.Over[0].Client != "192.0.2.9" || cl.Over[0].MinutePeak != 70 || cl.Over[0].Concurrent != 7 {
		t.Errorf("summary.json client_limits: %+v", cl)
	}
}

// TestConcurrencyWhatToLog: without durations the section and summary.json say what to log.
func TestConcurrencyWhatToLog(t *testing.T) {
	res := fixture(t, "golden.result.json")
	var got struct {
		Concurrency struct {
			Available bool     `json:"available"`
			At        *string  `json:"at"`
			WhatToLog []string `json:"what_to_log"`
		} `json:"concurrency"`
	}
	decodeSummary(t, res, &got)
	if got.Concurrency.Available || got.Concurrency.At != nil || len(got.Concurrency.WhatToLog) != 1 ||
		!strings.Contains(got.Concurrency.WhatToLog[0], `log_format okta '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'`) {
		t.Errorf("summary.json concurrency: %+v", got.Concurrency)
	}
}

// decodeSummary decodes res's summary.json into v.
func decodeSummary(t *testing.T, res *report.Result, v any) {
	t.Helper()
	var sum bytes.Buffer
	if err := report.WriteSummary(&sum, res); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(sum.Bytes(), v); err != nil {
		t.Fatal(err)
	}
}

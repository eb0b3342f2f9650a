package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// jwtWithEmail is a JSON Web Token whose payload holds an e-mail address ({"sub":"00u1",
// "email":"jane@example.com"}).
const jwtWithEmail = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiIwMHUxIiwiZW1haWwiOiJqYW5lQGV4YW1wbGUuY29tIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"

// secrets are the secrets and logins hostileLog hides in requests, user agents and skipped lines;
// none may reach any output.
var secrets = []string{
	"SESSIONTOKEN20111", jwtWithEmail, "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0", "ACCESSTOKENya29", "SSWS00QCjAl4MlVWPXM8ZZUr1sMHnBFxwVDAyEMwlzTO",
	"00QCjAl4MlVWPXM8ZZUr1sMHnBFxwVDAyEMwlzTO", "BEARERSECRETabc123", "AUTHCODEP5I7mdxxdv13", "STATEVALUEST4t3", "CLIENTSECRETs3cr3t",
	"hunter2pass", "REFRESHTOKEN8xLOxBtZp8", "SIDCOOKIE102abcDEF", "JSESSIONIDF00BAR", "STATETOKEN00abcDEF", "IDTOKENabcdefgh",
	"jane@example.com", "jane%40example.com", "jane.doe",
}

// hostileLog is a combined-format log whose request lines, user agents and malformed lines carry
// secrets of every shape: 700 users-get requests in the minute of 08:23 UTC (near Enterprise's limit,
// so their user agents are in the drill-down), requests to Okta's session and OAuth endpoints with
// tokens in their query strings, and malformed lines with tokens, cookies and JWTs.
func hostileLog() string {
	var b strings.Builder
	agents := []string{
		"hr-sync/2.1.4 (contact jane@example.com) okta-sdk-java/8.2.1",
		"curl/8.4.0 Authorization: Bearer BEARERSECRETabc123",
		"job/1.0 token=SESSIONTOKEN20111",
	}
	for i := range 700 {
		fmt.Fprintf(&b, `10.1.2.%d - jane@example.com [14/Oct/2026:10:23:%02d +0200] "GET /api/v1/users/jane%%40example.com?access_token=ACCESSTOKENya29 HTTP/1.1" 200 512 "https://app.example.com/cb?code=AUTHCODEP5I7mdxxdv13&state=STATEVALUEST4t3" "%s"`+"\n",
			i%3, i%60, agents[i%3])
	}
	for _, target := range []string{
		"/login/sessionCookieRedirect?token=SESSIONTOKEN20111&redirectUrl=https%3A%2F%2Fapp",
		"/oauth2/v1/logout?id_token_hint=" + jwtWithEmail + "&post_logout_redirect_uri=https://app",
		"/oauth2/default/v1/authorize?client_id=0oa1&code=AUTHCODEP5I7mdxxdv13&state=STATEVALUEST4t3",
		"/oauth2/default/v1/token?client_secret=CLIENTSECRETs3cr3t&refresh_token=REFRESHTOKEN8xLOxBtZp8",
		"/api/v1/authn?password=hunter2pass&stateToken=STATETOKEN00abcDEF",
	} {
		fmt.Fprintf(&b, `10.1.2.9 - - [14/Oct/2026:10:24:00 +0200] "GET %s HTTP/1.1" 200 10 "-" "%s"`+"\n", target, agents[2])
	}
	for _, bad := range []string{
		`10.1.2.3 - - [14/Oct/2026:10:24:00 +0200] "GET /login/sessionCookieRedirect?token=SESSIONTOKEN20111&redirectUrl=/`,
		`10.1.2.3 - - [14/Oct/2026:10:24:00 +0200] "GET /oauth2/v1/logout?id_token_hint=` + jwtWithEmail,
		`10.1.2.3 - - [14/Oct/2026:10:24:00 +0200] "GET /cb#access_token=ACCESSTOKENya29&id_token=IDTOKENabcdefgh`,
		`Authorization: SSWS 00QCjAl4MlVWPXM8ZZUr1sMHnBFxwVDAyEMwlzTO`,
		`"Cookie: sid=SIDCOOKIE102abcDEF; JSESSIONID=JSESSIONIDF00BAR" jane.doe@example.com`,
		`{"client_secret": "CLIENTSECRETs3cr3t", "password": "hunter2pass"}`,
	} {
		b.WriteString(bad + "\n")
	}
	return b.String()
}

// TestSecretsNeverReachOutputs runs every command that writes outputs on hostileLog (analyze,
// request with and without --show-clients, analyze --db and its re-analysis) and searches every file
// written (the --db store's bytes too), and the terminal, for each secret.
func TestSecretsNeverReachOutputs(t *testing.T) {
	dir := t.TempDir()
	logPath := writeInput(t, dir, "access.log", hostileLog())
	// The same log gzipped: its lines are read in chunks (on two cores or more), whose examples are
	// masked only when kept (ingest's Skip.FillExcerpt).
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(hostileLog()))
	zw.Close()
	gzPath := writeInput(t, dir, "access.log.gz", gz.String())
	db := filepath.Join(dir, "kept.duckdb")
	runs := [][]string{
		{"analyze", "--out", filepath.Join(dir, "analyze"), logPath},
		{"analyze", "--out", filepath.Join(dir, "gzipped"), gzPath},
		{"request", "--out", filepath.Join(dir, "request"), "--growth", "30%", "--event", "2026-12-01x3", logPath},
		{"request", "--show-clients", "--out", filepath.Join(dir, "shown"), logPath},
		{"analyze", "--db", db, "--out", filepath.Join(dir, "dbin"), logPath},
		{"request", "--db", db, "--show-clients", "--out", filepath.Join(dir, "dbreq")},
	}
	for _, args := range runs {
		code, stdout, stderr := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, stdout, stderr)
		}
		for _, s := range secrets {
			if strings.Contains(stdout+stderr, s) {
				t.Errorf("%v: the terminal shows %q", args, s)
			}
		}
	}
	checked := 0
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || path == logPath || path == gzPath {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for _, s := range secrets {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds %q", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked != 4+4+6+6+4+6+1 {
		t.Errorf("checked %d files, want 31 (30 outputs and the store)", checked)
	}
	// The excerpts keep their shape, so the skip reason stays readable; the integrations are named.
	for _, run := range []string{"analyze", "gzipped"} {
		html, _ := os.ReadFile(filepath.Join(dir, run, "report.html"))
		for _, want := range []string{"token=[redacted]", "id_token_hint=[redacted]", "access_token=[redacted]", "SSWS [redacted]", "Cookie: [redacted]"} {
			if !strings.Contains(string(html), want) {
				t.Errorf("%s/report.html lacks %q", run, want)
			}
		}
	}
	md, _ := os.ReadFile(filepath.Join(dir, "request", "request.md"))
	for _, want := range []string{"`hr-sync/2.1`", "`curl/8.4`", "`job/1.0`"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("request.md lacks the integration %s", want)
		}
	}
}

// TestNoOktaTraffic checks that an empty file, a log without a request to a rate-limited Okta
// endpoint, and a kept store of one get no recommendation: the verdict says how many lines were read
// and asks whether this is the right log, the report is written, and the exit status is 1.
func TestNoOktaTraffic(t *testing.T) {
	dir := t.TempDir()
	empty := writeInput(t, dir, "empty.log", "")
	var b strings.Builder // a web server's own log: favicon, the sign-in page, JWKS keys
	for i := range 3 {
		for _, p := range []string{"/favicon.ico", "/index.html", "/oauth2/v1/keys"} {
			fmt.Fprintf(&b, `10.1.2.3 - - [14/Oct/2026:10:2%d:00 +0200] "GET %s HTTP/1.1" 200 10 "-" "Mozilla/5.0"`+"\n", i, p)
		}
	}
	other := writeInput(t, dir, "web.log", b.String())
	db := filepath.Join(dir, "kept.duckdb")
	for _, tt := range []struct {
		name string
		args []string
		text string
	}{
		{"empty file", []string{"analyze", "--out", filepath.Join(dir, "e"), empty}, "found in 0 lines of 1 file"},
		{"no Okta traffic", []string{"analyze", "--out", filepath.Join(dir, "w"), other}, "found in 9 lines of 1 file (3 requests to public metadata endpoints and 6 to paths outside the catalog)"},
		{"request", []string{"request", "--out", filepath.Join(dir, "r"), other}, "found in 9 lines of 1 file"},
		{"kept store", []string{"analyze", "--db", db, "--out", filepath.Join(dir, "d"), other}, "found in 9 lines"},
		{"kept store again", []string{"analyze", "--db", db, "--tier", "one-app", "--out", filepath.Join(dir, "d2")}, "found in 9 lines"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != 1 || !strings.Contains(stderr, "No request to a rate-limited Okta endpoint was "+tt.text) || !strings.Contains(stderr, "Is this the log of your org's calls to Okta?") {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			if strings.Contains(stdout, "smallest tier") {
				t.Errorf("a tier is recommended:\n%s", stdout)
			}
			out := tt.args[slicesIndex(tt.args, "--out")+1]
			var s struct {
				Recommendation struct {
					Tier *string `json:"tier"`
				} `json:"recommendation"`
				NoOktaTraffic bool `json:"no_okta_traffic"`
			}
			decodeSummary(t, out, &s)
			if s.Recommendation.Tier != nil || !s.NoOktaTraffic {
				t.Errorf("summary.json recommends %v, no_okta_traffic %v", s.Recommendation.Tier, s.NoOktaTraffic)
			}
			html, err := os.ReadFile(filepath.Join(out, "report.html"))
			if err != nil || !strings.Contains(string(html), "No request to a rate-limited Okta endpoint was found") || !strings.Contains(string(html), "No tier is recommended") {
				t.Errorf("report.html lacks the verdict (%v)", err)
			}
			for _, want := range []string{`<span class="big">no Okta traffic</span>`, "recommended: the input held no request", "there is nothing to draw"} {
				if !strings.Contains(string(html), want) {
					t.Errorf("report.html's headline or charts lack %q", want)
				}
			}
		})
	}
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// TestSkippedShareWarning checks --max-skipped: a file of which 1,000 of 1,001 lines were skipped is
// named with its main reason in the terminal, at the top of report.html, in summary.md and
// summary.json, without changing the exit status; a file under the share is not, nor one whose
// skipped lines are blank; 100 % turns it off.
func TestSkippedShareWarning(t *testing.T) {
	dir := t.TempDir()
	bad := writeInput(t, dir, "garbled.log", goodLine+strings.Repeat("this is not an access log line\n", 1000))
	good := writeInput(t, dir, "good.log", strings.Repeat(goodLine, 95)+strings.Repeat("garbage\n", 5))
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "analyze", "--out", out, bad, good)
	want := bad + ": 1,000 of 1,001 lines skipped as unreadable (99.9 %), more than 10 %; mostly malformed (1,000 lines)"
	if code != 0 || !strings.Contains(stderr, "ratecard: warning: "+want) || strings.Contains(stderr, good+":") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	if i := strings.Index(string(html), want); i < 0 || i > strings.Index(string(html), `id="finding"`) {
		t.Error("report.html does not warn at its top")
	}
	md, _ := os.ReadFile(filepath.Join(out, "summary.md"))
	if !strings.Contains(string(md), "**Warning, skipped lines:** "+strings.ReplaceAll(want, "_", `\_`)) {
		t.Errorf("summary.md lacks the warning:\n%s", md)
	}
	var s struct {
		Input struct {
			Warnings []map[string]any `json:"skipped_warnings"`
		} `json:"input"`
	}
	decodeSummary(t, out, &s)
	want1 := map[string]any{"file": bad, "lines": 1001.0, "skipped": 1000.0, "main_reason": "malformed", "main_reason_lines": 1000.0, "max_skipped_percent": 10.0}
	if w := s.Input.Warnings; len(w) != 1 || !reflect.DeepEqual(w[0], want1) {
		t.Errorf("summary.json skipped_warnings %v, want [%v]", w, want1)
	}
	// 5 % of good.log is skipped: a share of 4.5 % warns about it too; 100 % warns about nothing.
	if _, _, stderr := runCLI(t, "analyze", "--max-skipped", "4.5%", "--out", out, good); !strings.Contains(stderr, "good.log: 5 of 100 lines skipped as unreadable (5.0 %), more than 4.5 %") {
		t.Errorf("--max-skipped 4.5%%: %s", stderr)
	}
	if _, _, stderr := runCLI(t, "analyze", "--max-skipped", "100", "--out", out, bad); strings.Contains(stderr, "warning") {
		t.Errorf("--max-skipped 100: %s", stderr)
	}
	// Blank lines lose no request: a file of which half is blank gets no warning.
	blank := writeInput(t, dir, "blank.log", strings.Repeat(goodLine+"\n", 50))
	if _, _, stderr := runCLI(t, "analyze", "--out", out, blank); strings.Contains(stderr, "warning") {
		t.Errorf("blank lines: %s", stderr)
	}
	if code, _, stderr := runCLI(t, "analyze", "--max-skipped", "lots", "--out", out, bad); code != 2 || !strings.Contains(stderr, "--max-skipped") {
		t.Errorf("--max-skipped lots: exit %d, %s", code, stderr)
	}
}

// TestOrg checks that --org names the org in the report's title, summary.json and the draft case,
// with no placeholder for it left, and that a bad value is a usage error.
func TestOrg(t *testing.T) {
	dir := t.TempDir()
	logPath := writeInput(t, dir, "access.log", requestLog())
	out := filepath.Join(dir, "out")
	if code, stdout, stderr := runCLI(t, "request", "--org", "Acme.Okta.com/", "--out", out, logPath); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	if !strings.Contains(string(html), "<title>Okta rate-limit report · https://acme.okta.com · Enterprise</title>") ||
		!strings.Contains(string(html), "<h1>Okta rate-limit report · https://acme.okta.com</h1>") || strings.Contains(string(html), "[org URL]") {
		t.Error("report.html does not name the org in its title, or keeps a placeholder for it")
	}
	md, _ := os.ReadFile(filepath.Join(out, "request.md"))
	if !strings.Contains(string(md), "Subject: Rate-limit increase request for https://acme.okta.com:") ||
		!strings.Contains(string(md), "for our org https://acme.okta.com (tier: Enterprise)") || strings.Contains(string(md), "[org URL]") {
		t.Errorf("the draft case does not name the org:\n%s", md)
	}
	var s struct {
		Org string `json:"org"`
	}
	decodeSummary(t, out, &s)
	if s.Org != "https://acme.okta.com" {
		t.Errorf("summary.json org %q", s.Org)
	}
	for _, bad := range []string{"http://acme.okta.com", "https://acme.okta.com/api/v1/users", "<b>acme</b>", " "} {
		if code, _, stderr := runCLI(t, "analyze", "--org="+bad, "--out", out, logPath); code != 2 || !strings.Contains(stderr, "--org") {
			t.Errorf("--org %q: exit %d, %s", bad, code, stderr)
		}
	}
}

// comparisonSummary is what TestCatalogComparison reads of summary.json.
type comparisonSummary struct {
	Catalog string `json:"catalog"`
	Buckets []struct {
		ID     string `json:"id"`
		Limit  *int   `json:"limit"`
		Status string `json:"status"`
		ByTier map[string]struct {
			Status string `json:"status"`
		} `json:"by_tier"`
	} `json:"buckets"`
	Comparison *struct {
		Catalog       string  `json:"catalog"`
		TierByMinute  *string `json:"tier_by_minute_peak"`
		OtherByMinute *string `json:"other_tier_by_minute_peak"`
		Changes       []struct {
			Bucket      string  `json:"bucket"`
			Status      *string `json:"status"`
			OtherStatus *string `json:"other_status"`
			Limit       *int    `json:"limit"`
			OtherLimit  *int    `json:"other_limit"`
		} `json:"changes"`
	} `json:"catalog_comparison"`
}

// smallestByMinute is the smallest tier on which every bucket's minute-peak status is ok (nil for
// none), from a run's own by_tier verdicts.
func (s *comparisonSummary) smallestByMinute() *string {
	for _, t := range testTiers {
		ok := len(s.Buckets) > 0
		for _, b := range s.Buckets {
			ok = ok && b.ByTier[t].Status == "ok"
		}
		if ok {
			return &t
		}
	}
	return nil
}

// TestCatalogComparison holds what a run says the other built-in catalog would change to an
// independent run with --catalog set to that catalog, on the bundled samples, both ways and on two
// tiers; and a kept store's comparison to the run's.
func TestCatalogComparison(t *testing.T) {
	samples, _ := filepath.Glob(filepath.Join("..", "..", "samples", "*.log.gz"))
	if len(samples) < 2 {
		t.Fatal("no bundled samples")
	}
	dir := t.TempDir()
	str := func(p *string) string {
		if p == nil {
			return "none"
		}
		return *p
	}
	sawChange := false
	for _, tc := range []struct{ catalog, other, tier string }{
		{"seed", "okta-2025", "one-app"}, {"seed", "okta-2025", "enterprise"}, {"okta-2025", "seed", "one-app"},
	} {
		run := func(catalog, name string, extra ...string) *comparisonSummary {
			out := filepath.Join(dir, name)
			args := append([]string{"analyze", "--catalog", catalog, "--tier", tc.tier, "--out", out}, extra...)
			if code, stdout, stderr := runCLI(t, args...); code != 0 {
				t.Fatalf("%v: exit %d\n%s%s", args, code, stdout, stderr)
			}
			var s comparisonSummary
			decodeSummary(t, out, &s)
			return &s
		}
		name := tc.catalog + "-" + tc.tier
		this := run(tc.catalog, name, samples...)
		other := run(tc.other, name+"-other", samples...)
		c := this.Comparison
		if c == nil || c.Catalog != tc.other {
			t.Fatalf("%s: no comparison with %s", name, tc.other)
		}
		if str(c.OtherByMinute) != str(other.smallestByMinute()) || str(c.TierByMinute) != str(this.smallestByMinute()) {
			t.Errorf("%s: smallest tiers by minute peak %s / %s, the runs say %s / %s", name, str(c.TierByMinute), str(c.OtherByMinute),
				str(this.smallestByMinute()), str(other.smallestByMinute()))
		}
		// The changes are exactly the buckets whose verdicts differ between the two runs.
		type verdict struct {
			status string
			limit  *int
		}
		thisV, otherV := map[string]verdict{}, map[string]verdict{}
		for _, b := range this.Buckets {
			thisV[b.ID] = verdict{b.Status, b.Limit}
		}
		for _, b := range other.Buckets {
			otherV[b.ID] = verdict{b.Status, b.Limit}
		}
		want := map[string]bool{}
		for id, v := range thisV {
			if o, ok := otherV[id]; !ok && v.status != "ok" || ok && o.status != v.status {
				want[id] = true
			}
		}
		for id, o := range otherV {
			if _, ok := thisV[id]; !ok && o.status != "ok" {
				want[id] = true
			}
		}
		for _, ch := range c.Changes {
			if !want[ch.Bucket] {
				t.Errorf("%s: change %s, but both runs agree on it", name, ch.Bucket)
			}
			delete(want, ch.Bucket)
			if o, ok := otherV[ch.Bucket]; ok && (ch.OtherStatus == nil || *ch.OtherStatus != o.status || fmt.Sprint(deref(ch.OtherLimit)) != fmt.Sprint(deref(o.limit))) {
				t.Errorf("%s: %s would be %s at %v in %s, but that run says %s at %v", name, ch.Bucket, str(ch.OtherStatus), deref(ch.OtherLimit), tc.other, o.status, deref(o.limit))
			}
			if v, ok := thisV[ch.Bucket]; ok && (ch.Status == nil || *ch.Status != v.status) {
				t.Errorf("%s: %s is %s here, but the change says %s", name, ch.Bucket, v.status, str(ch.Status))
			}
			sawChange = true
		}
		for id := range want {
			t.Errorf("%s: the runs differ on %s (%v, %v), but the comparison does not say so", name, id, thisV[id], otherV[id])
		}
		if tc.catalog == "seed" && tc.tier == "one-app" {
			db := filepath.Join(dir, "kept.duckdb")
			run("seed", "db-in", append([]string{"--db", db}, samples...)...)
			again := run("seed", "db-again", "--db", db)
			if !reflect.DeepEqual(again.Comparison, c) {
				t.Errorf("a kept store compares otherwise: %+v, the run %+v", *again.Comparison, *c)
			}
		}
	}
	if !sawChange {
		t.Error("the samples show no difference between the catalogs: the test proves nothing")
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// writeInput writes content to dir/name and returns the path.
func writeInput(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSQLCommand checks ratecard sql's flags: the query on stdout for a good command line, and a
// usage error (exit 2) naming what is wrong for each bad one.
func TestSQLCommand(t *testing.T) {
	cols := []string{"--column", "time=request_time", "--column", "method=request_verb", "--column", "path=request_url"}
	with := func(args ...string) []string { return append(append([]string{"sql"}, args...), cols...) }
	runCases(t, []cliCase{
		{"athena", with("--engine", "athena", "--table", "alb_logs", "--column", "status=elb_status_code"), 0, "count_if(status = 429) AS throttled", ""},
		{"duckdb, okta-2025, window", with("--engine", "duckdb", "--table", "t", "--catalog", "okta-2025", "--from", "2026-10-01", "--to", "2026-11-01"), 0, "second >= 1790812800 AND second < 1793491200", ""},
		{"no engine", with("--table", "t"), 2, "", "--engine and --table"},
		{"unknown engine", with("--engine", "oracle", "--table", "t"), 2, "", `unknown SQL engine "oracle"`},
		{"missing path", []string{"sql", "--engine", "duckdb", "--table", "t", "--column", "time=t", "--column", "method=m"}, 2, "", "--column path=EXPR"},
		{"unknown column", with("--engine", "duckdb", "--table", "t", "--column", "agent=ua"), 2, "", "--column agent"},
		{"column twice", with("--engine", "duckdb", "--table", "t", "--column", "time=x"), 2, "", "time given twice"},
		{"bad window", with("--engine", "duckdb", "--table", "t", "--from", "2026-11-01", "--to", "2026-10-01"), 2, "", "is not before"},
		{"learned", with("--engine", "duckdb", "--table", "t", "--limits", "learned"), 2, "", "--limits learned"},
		{"argument", append(with("--engine", "duckdb", "--table", "t"), "extra"), 2, "", "no arguments"},
	})
}

// TestSQLToCounts runs the worked example of the README's warehouse section: ratecard sql runs its
// DuckDB query over the bundled samples into a counts file, and analyze --counts reads it.
func TestSQLToCounts(t *testing.T) {
	dir := t.TempDir()
	samples, err := filepath.Abs(filepath.Join("..", "..", "samples", "okta-egress-*.log.gz"))
	if err != nil {
		t.Fatal(err)
	}
	counts := filepath.Join(dir, "counts.csv")
	table := `(SELECT * FROM (SELECT regexp_extract(line, '\[([^]]+)\] "(\S+) (\S+)[^"]*" (\d{3})', ['t', 'method', 'target', 'status']) AS r FROM read_csv('` +
		samples + `', columns = {'line': 'VARCHAR'}, delim = E'\x01', quote = '', escape = '', header = false)) WHERE r.t <> '') AS logs`
	timeExpr := `time=try_strptime(left(r.t, 20), '%d/%b/%Y:%H:%M:%S') - to_minutes((CASE WHEN substr(r.t, 22, 1) = '-' THEN -1 ELSE 1 END) * (substr(r.t, 23, 2)::INT * 60 + substr(r.t, 25, 2)::INT))`
	code, stdout, stderr := runCLI(t, "sql", "--engine", "duckdb", "--out", counts, "--table", table, "--column", timeExpr,
		"--column", "method=r.method", "--column", "path=r.target", "--column", "status=r.status::INTEGER")
	if code != 0 || !strings.Contains(stdout, "rows; read them with: ratecard analyze --counts") {
		t.Fatalf("sql --out: exit %d\n%s\n%s", code, stdout, stderr)
	}
	out := filepath.Join(dir, "report")
	code, stdout, stderr = runCLI(t, "analyze", "--counts", "--out", out, counts)
	if code != 0 || !strings.Contains(stdout, "users-get") {
		t.Fatalf("analyze --counts: exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Input struct {
			Counts   bool  `json:"counts"`
			Requests int64 `json:"requests"`
		} `json:"input"`
	}
	if err := json.Unmarshal(b, &s); err != nil || !s.Input.Counts || s.Input.Requests != 172196 {
		t.Errorf("summary.json input: %+v (%v); want counts true and the samples' 172,196 requests", s.Input, err)
	}
	runCases(t, []cliCase{
		{"counts with db", []string{"analyze", "--counts", "--db", filepath.Join(dir, "x.duckdb"), counts}, 2, "", "--db reads single requests"},
		{"counts with field", []string{"request", "--counts", "--field", "time=ts", counts}, 2, "", "--field reads single requests"},
		{"out needs duckdb", []string{"sql", "--engine", "trino", "--table", "t", "--out", counts, "--column", "time=t", "--column", "method=m", "--column", "path=p"}, 2, "", "needs --engine duckdb"},
	})
}

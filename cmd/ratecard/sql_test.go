package main

import "testing"

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

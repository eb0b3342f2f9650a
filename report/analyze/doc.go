// Package analyze is ratecard's engine: it reads logs, classifies every request into its Okta
// rate-limit bucket and computes the analysis, a [report.Result]. It is the one package that uses
// DuckDB and Apache Arrow (and so cgo).
//
// [Files] runs the whole way, from log files to a Result:
//
//	files ─ ingest.OpenParts ─▶ parts (and chunks of compressed files) ─ parse and classify,
//	one goroutine per core ─▶ rows
//	rows ─▶ a source: live (each worker counts and holds its own rows, merged after the parse) or
//	store (a DuckDB file, Options.DB)
//	source ─ minute counts ─▶ Go: series, peaks, percentiles, minutes near and over, rolling-peak starts
//	starts and flagged minutes, with the requests of their minutes ─▶ rolling peak, drill-down,
//	principals' peaks, busiest seconds' callers (in Go for live, in DuckDB for a store) ─▶ report.Result
//
// [Store] analyses a kept store again, for another tier, warning threshold, catalog or limits file,
// without the logs. The two sources differ in where the minute counts come from (counted in Go as a
// run's rows come, or in SQL from a store's rows) and where the figures of single requests are
// computed (in Go from the rows a live run picks, with no DuckDB at all; in SQL over a store); tests
// hold the two ways to each other, and the analysis itself (analysis.go) is one code path.
//
// The rolling peak is exact and computed only where it can be (rolling.go explains the bounds, and
// TestRollingMatchesBruteForce holds it to the definition). SQL lives in the .sql files beside the Go
// that runs it. Setting the environment variable RATECARD_TRACE prints when each stage ends, with the
// process's CPU time so far, on stderr: a developer's hook for performance work.
package analyze

// Package report turns classified requests into the analysis an Okta admin acts on, and writes it.
//
// The pipeline is: [AnalyzeFiles] reads the inputs with package ingest, classifies every request with
// a [classify.Catalog] and streams (instant, class) rows as Arrow record batches into an embedded,
// in-process DuckDB database ([Analyzer]). DuckDB computes, per bucket, the total, the per-minute
// counts over UTC wall-clock minutes, the fixed-minute peak, the rolling 60-second peak and the minutes
// near and over the limit on every tier. The result is plain data ([Result]) that [WriteSummary]
// (summary.json), [RenderHTML] (report.html, one offline file with inlined ECharts) and [WriteText]
// (the terminal table) render.
//
// [BuildRequest] turns a Result into the evidence pack for a rate-limit increase or DynamicScale
// request (ratecard request): [WriteRequestMarkdown] (request.md, with a draft case text),
// [WriteRequestCSV] (request.csv) and a section of report.html; [WriteDir] writes it beside the other
// files, all from [Anonymize] unless the caller asked to name the callers.
//
// DuckDB, and with it cgo, is confined to duckdb.go.
//
// # Windows
//
// A minute's count is the number of requests whose UTC instant falls in [hh:mm:00, hh:mm+1:00).
// The rolling peak is the largest number of requests in any span [t, t+60 s); its start is reported
// as the instant of the first request in the earliest such span. "Over" is count > limit; "near" is
// warn% × limit ≤ count ≤ limit. Ties go to the earliest minute or instant.
package report

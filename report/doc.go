// Package report is the analysis an Okta admin acts on, as plain data, and everything that writes it.
//
// A [Result] holds, for one analysed period, every bucket's per-minute series, its minute and
// rolling 60-second peaks and its verdict on every tier ([BucketResult], [TierVerdict]), the tier
// comparison ([TierResult], [Recommend]), who made the peaks (the drill-down [Share]s and
// [PrincipalPeak]s), Okta's own rate-limit events set beside the counts ([RateLimitEvent]), and the input
// accounting ([Input]). The engine, package report/analyze, computes it from the logs; nothing here
// reads a log or needs a database, so this package builds without cgo.
//
// The writers render a Result: [WriteSummary] (summary.json, the machine-readable contract),
// [RenderHTML] (report.html, one offline file with ECharts inlined), [WriteMarkdown] (summary.md),
// [WriteMinutesCSV] (minutes.csv) and [WriteText] (the terminal table). [BuildRequest] turns a Result
// into the evidence pack for a rate-limit increase or DynamicScale request: [WriteRequestMarkdown]
// (request.md, with a draft case text), [WriteRequestCSV] (request.csv) and a section of report.html.
// [WriteDir] writes them all into a directory, from [Anonymize] unless the caller asked to name the
// callers.
//
// # Windows
//
// A minute's count is the number of requests whose UTC instant falls in [hh:mm:00, hh:mm+1:00).
// The rolling peak is the largest number of requests in any span [t, t+60 s); its start is reported
// as the instant of the first request in the earliest such span. "Over" is count > limit; "near" is
// warn% × limit ≤ count ≤ limit ([Verdict]). Ties go to the earliest minute or instant.
package report

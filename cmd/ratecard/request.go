package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/ratecard/ratecard/report"
)

// eventFlags collects repeated --event flags, each an expected surge of traffic.
type eventFlags struct{ surges []report.Surge }

// String returns "", so that --help shows no default.
func (e *eventFlags) String() string { return "" }

// Set parses one START[:END]xFACTOR surge and adds it.
func (e *eventFlags) Set(v string) error {
	ev, err := report.ParseSurge(v)
	if err != nil {
		return err
	}
	e.surges = append(e.surges, ev)
	return nil
}

// cmdRequest is analyze plus the evidence pack for a rate-limit increase or DynamicScale request:
// request.md, request.csv and a section in report.html, free of personal data unless --show-clients.
func cmdRequest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("request", analyzeSynopsis+" [--growth PCT] [--event START[:END]xFACTOR] [--show-clients] FILE|DIR...", stderr)
	af := addAnalyzeFlags(fs, "ratecard-request")
	growthS := fs.String("growth", "", "project the observed per-minute profile grown by this percentage, e.g. 30%")
	var events eventFlags
	fs.Var(&events, "event", "project an expected event on these UTC days multiplying traffic, e.g. 2026-12-01:2026-12-03x4 (repeatable)")
	showClients := fs.Bool("show-clients", false, "name callers by client address and user agent (default: numbered, so the pack holds no personal data)")
	files, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	ropt := &report.RequestOptions{ShowClients: *showClients, Surges: events.surges}
	if *growthS != "" {
		g, err := report.ParseGrowth(*growthS)
		if err != nil {
			return usagef("--growth: %v", err)
		}
		ropt.Growth = &g
	}
	res, readErr, err := af.analyze(ctx, fs, "request", files, stderr)
	if err != nil {
		return err
	}
	if err := report.WriteDir(*af.out, res, report.HTMLOptions{Version: versionString(), Request: ropt}); err != nil {
		return err
	}
	if err := report.WriteTextOptions(stdout, res, af.textOptions(stdout)); err != nil {
		return err
	}
	printFetched(stdout, res)
	fmt.Fprintf(stdout, "request: %s (also request.csv; the draft case text is in request.md)\nreport:  %s\nsummary: %s (also summary.md, minutes.csv)\n",
		filepath.Join(*af.out, "request.md"), filepath.Join(*af.out, "report.html"), filepath.Join(*af.out, "summary.json"))
	if *af.db != "" && len(files) > 0 {
		fmt.Fprintf(stdout, "kept:    %s (re-analyse with: ratecard request --db %s --tier T)\n", *af.db, *af.db)
	}
	return af.finish(res, readErr)
}

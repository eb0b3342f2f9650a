package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/ratecard/ratecard/ingest/oktalog"
	"github.com/ratecard/ratecard/report"
)

// fetchEnv is what cmdFetch takes from its surroundings, replaceable in tests: the token's
// environment variable, the clock and the HTTP client.
var fetchEnv = struct {
	getenv func(string) string
	clock  oktalog.Clock // nil: the wall clock
	client *http.Client  // nil: a client of the fetcher's own
}{getenv: os.Getenv}

// tokenEnv is the environment variable holding an Okta API token.
const tokenEnv = "OKTA_API_TOKEN"

// fetchSynopsis is the flag part of fetch's usage line.
const fetchSynopsis = "--org https://ORG.okta.com [--since D] [--until D] [--out DIR] [--share PCT] [--client-id ID --private-key FILE [--key-id KID]]"

// interruptedError is an interruption with its own message (exit code 130).
type interruptedError struct{ msg string }

// Error returns the message.
func (e interruptedError) Error() string { return e.msg }

// Unwrap makes it a context.Canceled.
func (e interruptedError) Unwrap() error { return context.Canceled }

// cmdFetch runs fetch: it reads the org's System Log for [since, until) into --out as gzip NDJSON
// segments (package oktalog), resuming an earlier run into the same directory, and prints what it
// did. The credential is an API token from OKTA_API_TOKEN or an OAuth service app's client id and
// private key file: a secret is never a flag value.
func cmdFetch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("fetch", fetchSynopsis, stderr)
	org := fs.String("org", "", "the org's URL, e.g. https://acme.okta.com (https; http only for 127.0.0.1, ::1 or localhost)")
	sinceS := fs.String("since", "", "fetch events published at or after this UTC date or RFC 3339 time (default: the first day of last month)")
	untilS := fs.String("until", "", "fetch events published before this UTC date or time (default: the first day of this month; with --since alone: now)")
	out := fs.String("out", "okta-logs", "directory for the segments and the checkpoint (an earlier fetch there is continued)")
	share := percentFlag(fs, "share", oktalog.DefaultShare, "`PCT` percent of each rate-limit window's limit the fetch may use, 1-100, as 50 or 50% (the logs bucket is shared with your SIEM)")
	clientID := fs.String("client-id", "", "OAuth 2.0 service app client id (with --private-key); without it the API token in "+tokenEnv+" is used")
	keyFile := fs.String("private-key", "", "file holding the service app's private key, PEM or JWK")
	keyID := fs.String("key-id", "", "the key id (kid) to name in the client assertion, when the key file has none and the app has several keys")
	settings := fs.Bool("settings", true, "also read the org's rate-limit settings (three requests outside the logs bucket) and save them beside the segments")
	progress := fs.String("progress", "auto", "progress on stderr: auto (when stderr is a terminal), always or never")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("fetch takes no arguments (got %q); the output directory is --out", rest[0])
	}
	if *progress != "auto" && *progress != "always" && *progress != "never" {
		return unknownValue("--progress", *progress, []string{"auto", "always", "never"})
	}
	if *org == "" {
		fs.Usage()
		return usagef("fetch needs --org, the org's URL (https://ORG.okta.com)")
	}
	orgURL, err := oktalog.ParseOrg(*org)
	if err != nil {
		return usageError{err.Error()}
	}
	if *share < 1 || *share > 100 {
		return usagef("--share %d: want 1-100", *share)
	}
	clock := fetchEnv.clock
	if clock == nil {
		clock = oktalog.WallClock{}
	}
	since, until, err := fetchRange(*sinceS, *untilS, *out, orgURL.String(), clock.Now())
	if err != nil {
		return err
	}
	cred, err := fetchCredential(*clientID, *keyFile, *keyID)
	if err != nil {
		return err
	}
	opt := oktalog.Options{Org: orgURL, Since: since, Until: until, Dir: *out, Credential: cred, Share: *share, Settings: *settings,
		UserAgent: "ratecard/" + versionString(), HTTPClient: fetchEnv.client, Clock: fetchEnv.clock}
	stop := startFetchProgress(stderr, *progress, &opt)
	res, err := oktalog.Fetch(ctx, opt)
	stop()
	if res == nil {
		return err // nothing was started: a bad directory, a mismatched earlier fetch
	}
	m := &res.Manifest
	kept := fmt.Sprintf("%s in %s are kept: run the same command again to continue", report.Count(m.Events, "event"), *out)
	switch {
	case errors.Is(err, context.Canceled):
		return interruptedError{"interrupted; " + kept}
	case err != nil:
		return fmt.Errorf("%w\n%s", err, kept)
	}
	rng := fmt.Sprintf("[%s, %s)", m.Since.Format(time.RFC3339), m.Until.Format(time.RFC3339))
	if res.NothingToDo {
		fmt.Fprintf(stdout, "%s already holds the System Log of %s for %s: %s, fetched %s; nothing to do\n",
			*out, m.Org, rng, report.Count(m.Events, "event"), m.Done.Format(time.RFC3339))
	} else {
		fmt.Fprintf(stdout, "fetched %s (%s, %s) of %s from %s into %s",
			report.Count(res.EventsRun, "event"), report.Count(res.PagesRun, "page"), report.Count(int64(res.Requests), "request"), rng, m.Org, *out)
		if res.Resumed {
			fmt.Fprintf(stdout, " (continued: %s in all)", report.Count(m.Events, "event"))
		}
		fmt.Fprintf(stdout, "\n%s", report.Count(int64(m.Segments), "segment"))
		if m.Duplicates > 0 {
			fmt.Fprintf(stdout, ", %s repeated at page boundaries dropped", report.Count(m.Duplicates, "event"))
		}
		if res.Waited > 0 {
			fmt.Fprintf(stdout, "; waited %s for the rate limit and retries (--share %d)", res.Waited.Round(time.Second), *share)
		}
		fmt.Fprintln(stdout)
	}
	if s := res.Settings; s != nil {
		if s.WarningThreshold > 0 {
			fmt.Fprintf(stdout, "rate-limit settings: warning threshold %d %% (saved as %s)\n", s.WarningThreshold, filepath.Join(*out, oktalog.SettingsName))
		}
		for _, u := range s.Unreadable {
			fmt.Fprintf(stdout, "rate-limit settings not read: %s\n", u)
		}
	}
	fmt.Fprintf(stdout, "next:    ratecard analyze %s\n", *out)
	return nil
}

// fetchRange resolves --since and --until: both given; neither (the last full calendar month);
// or --since alone, which ends now (to the minute) for a new fetch, or where the fetch in dir
// from the same org and since ends, so that the same command resumes it. It refuses a range
// before Okta's 90-day retention, one ending in the future, and --until alone.
func fetchRange(sinceS, untilS, dir, org string, now time.Time) (since, until time.Time, err error) {
	if since, err = parseUTC("--since", sinceS); err != nil {
		return
	}
	if until, err = parseUTC("--until", untilS); err != nil {
		return
	}
	switch {
	case sinceS == "" && untilS == "":
		since, until = oktalog.LastFullMonth(now)
	case sinceS == "":
		return since, until, usagef("--until needs --since")
	case untilS == "":
		until = now.UTC().Truncate(time.Minute)
		if m, _ := oktalog.ReadManifest(dir); m != nil && m.Org == org && m.Since.Equal(since) {
			until = m.Until
		}
	}
	if err := oktalog.ValidateRange(since, until, now); err != nil {
		// A range once valid stays fetchable from its checkpoint's next URL only while Okta
		// keeps the events; a new or resumed fetch is refused the same way.
		return since, until, usageError{err.Error()}
	}
	return since, until, nil
}

// fetchCredential builds the credential: a service app when --client-id is given, else the API
// token in OKTA_API_TOKEN.
func fetchCredential(clientID, keyFile, keyID string) (oktalog.Credential, error) {
	if clientID == "" {
		if keyFile != "" || keyID != "" {
			return nil, usagef("--private-key and --key-id go with --client-id")
		}
		tok := fetchEnv.getenv(tokenEnv)
		if tok == "" {
			return nil, usagef("no credential: set %s to an API token, or give --client-id and --private-key of an OAuth service app", tokenEnv)
		}
		return oktalog.APIToken(tok), nil
	}
	if keyFile == "" {
		return nil, usagef("--client-id needs --private-key FILE (the key is never given as a flag value)")
	}
	data, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("--private-key: %w", err)
	}
	key, err := oktalog.ParsePrivateKey(data, keyID)
	clear(data)
	if err != nil {
		return nil, fmt.Errorf("--private-key %s: %w", keyFile, err)
	}
	return oktalog.ServiceApp(clientID, key), nil
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ratecard/ratecard/classify"
)

// newFlagSet returns a flag set that reports errors as usage errors and prints usage to stderr.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("ratecard "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: ratecard %s %s\n\nOptions:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseArgs parses flags anywhere among the positional arguments (ratecard analyze a.log --tier x b.log),
// as users expect; "--" ends the flags.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if i := len(args) - len(rest); i > 0 && args[i-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// tierFlag defines --tier on fs, defaulting to Enterprise, with the known tiers in its help.
func tierFlag(fs *flag.FlagSet) *string {
	ids := make([]string, 0, classify.NumTiers)
	for _, t := range classify.Tiers {
		ids = append(ids, t.String())
	}
	return fs.String("tier", classify.Enterprise.String(), "plan tier to judge against: "+strings.Join(ids, ", "))
}

// parseTier parses a tier name, making an unknown one a usage error.
func parseTier(s string) (classify.Tier, error) {
	t, err := classify.ParseTier(s)
	if err != nil {
		return 0, usageError{err.Error()}
	}
	return t, nil
}

// fieldFlags collects repeated --field NAME=PATH flags.
type fieldFlags struct{ m map[string]string }

// String returns "", so that --help shows no default.
func (f *fieldFlags) String() string { return "" }

// Set adds one NAME=PATH mapping; a malformed value or a NAME given twice is an error.
func (f *fieldFlags) Set(v string) error {
	name, path, ok := strings.Cut(v, "=")
	if !ok || name == "" || path == "" {
		return fmt.Errorf("want NAME=PATH, e.g. time=ts or path=request.uri")
	}
	if f.m == nil {
		f.m = map[string]string{}
	}
	if _, dup := f.m[name]; dup {
		return fmt.Errorf("%s given twice", name)
	}
	f.m[name] = path
	return nil
}

// parseUTC parses a --from/--to value: an RFC 3339 time, or a date meaning its UTC midnight. ""
// is the zero time (no bound).
func parseUTC(flagName, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t, nil // no offset: UTC
	}
	return time.Time{}, usagef("%s %q: want a UTC date (2026-10-01) or time (2026-10-01T08:00:00Z)", flagName, s)
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ratecard/ratecard/classify"
)

// newFlagSet returns a flag set for the subcommand name: its usage (the synopsis and every flag) goes
// to stderr when a command calls fs.Usage on a usage error, and parseArgs returns it as a helpError,
// which run prints on stdout, when the command line asks for help.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("ratecard "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: ratecard %s %s\n\nOptions:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// helpError is a command's help, asked for with -h, -help or --help: run prints Text on stdout and
// exits 0. It wraps flag.ErrHelp.
type helpError struct{ Text string }

// Error returns the help text.
func (e helpError) Error() string { return e.Text }

// Unwrap makes it a flag.ErrHelp.
func (e helpError) Unwrap() error { return flag.ErrHelp }

// parseArgs parses flags anywhere among the positional arguments (ratecard analyze a.log --tier x b.log),
// as users expect; "--" ends the flags. A request for help is a helpError holding the usage; a bad
// flag is a usage error that suggests the closest flag (--tiers: did you mean --tier?) and points at
// the help, without printing the whole usage.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	out := fs.Output()
	defer fs.SetOutput(out)
	var pos []string
	for {
		var buf strings.Builder
		fs.SetOutput(&buf) // what the flag package prints: the usage, after its own message on an error
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, helpError{buf.String()}
			}
			return nil, flagError(fs, err)
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

// flagError turns an error of fs.Parse into a usage error: an unknown flag gets the closest defined
// one as a suggestion, and every message ends by pointing at the command's help.
func flagError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		name = strings.TrimPrefix(name, "-")
		msg = "unknown flag --" + name
		if s := closest(name, names); s != "" {
			msg += " (did you mean --" + s + "?)"
		}
	}
	return usagef("%s\nRun '%s --help' for the options.", msg, fs.Name())
}

// tierFlag defines --tier on fs, defaulting to Enterprise, with the known tiers in its help.
func tierFlag(fs *flag.FlagSet) *string {
	return fs.String("tier", classify.Enterprise.String(), "plan tier to judge against: "+strings.Join(tierIDs(), ", "))
}

// tierIDs are the tier ids, smallest tier first.
func tierIDs() []string {
	ids := make([]string, 0, classify.NumTiers)
	for _, t := range classify.Tiers {
		ids = append(ids, t.String())
	}
	return ids
}

// parseTier parses a tier name, making an unknown one a usage error.
func parseTier(s string) (classify.Tier, error) {
	t, err := classify.ParseTier(s)
	if err != nil {
		return 0, unknownValue("--tier", s, tierIDs())
	}
	return t, nil
}

// percentValue is a flag of whole percents that takes "60", "60%" and "60 %" alike, as --growth and
// --max-skipped take their percentages.
type percentValue int

// percentFlag defines on fs an int flag of whole percents with a default, taking an optional "%".
func percentFlag(fs *flag.FlagSet, name string, def int, usage string) *int {
	p := new(int)
	*p = def
	fs.Var((*percentValue)(p), name, usage)
	return p
}

// String returns the value in percent, without the sign.
func (p *percentValue) String() string {
	if p == nil {
		return "0"
	}
	return strconv.Itoa(int(*p))
}

// Set parses a whole number of percent, with or without a trailing "%".
func (p *percentValue) Set(v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "%")))
	if err != nil {
		return fmt.Errorf("want a whole number of percent, such as 60 or 60%%")
	}
	*p = percentValue(n)
	return nil
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

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Help goes to stdout with exit status 0, for every command, asked for either way, so that
// "ratecard analyze --help | less" shows it; nothing goes to stderr.
func TestHelpOnStdout(t *testing.T) {
	for _, cmd := range []string{"analyze", "request", "buckets", "classify", "fetch"} {
		for _, args := range [][]string{{cmd, "--help"}, {cmd, "-h"}, {"help", cmd}} {
			code, stdout, stderr := runCLI(t, args...)
			if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "Usage: ratecard "+cmd+" ") || !strings.Contains(stdout, "Options:") {
				t.Errorf("%q: exit %d\nstdout: %.200s\nstderr: %s", args, code, stdout, stderr)
			}
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"help", "help"}} {
		if code, stdout, stderr := runCLI(t, args...); code != 0 || stderr != "" || !strings.Contains(stdout, "Commands:") {
			t.Errorf("%q: exit %d\nstdout: %.200s\nstderr: %s", args, code, stdout, stderr)
		}
	}
}

// Unknown commands, tiers, catalogs, formats, flags and flag values are usage errors (exit 2) that
// suggest the closest known name when one is close, and suggest nothing when none is.
func TestDidYouMean(t *testing.T) {
	good := filepath.Join(t.TempDir(), "good.log")
	if err := os.WriteFile(good, []byte(goodLine), 0o644); err != nil {
		t.Fatal(err)
	}
	runCases(t, []cliCase{
		{"command", []string{"analyse", good}, 2, "", `unknown command "analyse" (did you mean analyze?)`},
		{"command, swapped letters", []string{"bukcets"}, 2, "", "(did you mean buckets?)"},
		{"help for an unknown command", []string{"help", "clasify"}, 2, "", "(did you mean classify?)"},
		{"tier", []string{"analyze", "--tier", "enterprize", good}, 2, "", `unknown --tier "enterprize" (did you mean enterprise?)`},
		{"tier of buckets", []string{"buckets", "--tier", "workfroce"}, 2, "", "(did you mean workforce?)"},
		{"catalog", []string{"buckets", "--catalog", "okta2025"}, 2, "", "(did you mean okta-2025?)"},
		{"format", []string{"analyze", "--format", "combind", good}, 2, "", "(did you mean combined?)"},
		{"flag", []string{"analyze", "--tiers", "one-app", good}, 2, "", "unknown flag --tiers (did you mean --tier?)"},
		{"flag of fetch", []string{"fetch", "--sinse", "2026-10-01"}, 2, "", "(did you mean --since?)"},
		{"fail-on", []string{"analyze", "--fail-on", "ovr", good}, 2, "", "(did you mean over?)"},
		{"method", []string{"classify", "GTE", "/api/v1/users/x"}, 2, "", `unknown HTTP method "GTE" (did you mean GET?)`},
	})
	for _, args := range [][]string{{"frobnicate"}, {"analyze", "--tier", "gold", good}, {"analyze", "--zzz", good}} {
		code, _, stderr := runCLI(t, args...)
		if code != 2 || strings.Contains(stderr, "did you mean") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and no suggestion", args, code, stderr)
		}
	}
	// A bad flag points at the help instead of printing all of it.
	if _, _, stderr := runCLI(t, "analyze", "--tiers", "x", good); !strings.Contains(stderr, "Run 'ratecard analyze --help'") || strings.Contains(stderr, "Options:") {
		t.Errorf("stderr %q", stderr)
	}
}

// --warn takes 60 and 60% alike (as --growth and --max-skipped take a "%"), and refuses what is not
// a whole number of percent.
func TestWarnPercentSign(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.log")
	if err := os.WriteFile(good, []byte(goodLine), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"45", "45%", " 45 %"} {
		out := filepath.Join(dir, "out")
		if code, _, stderr := runCLI(t, "analyze", "--warn", v, "--out", out, good); code != 0 {
			t.Fatalf("--warn %q: exit %d: %s", v, code, stderr)
		}
		var s struct {
			Warn int `json:"warn_percent"`
		}
		decodeSummary(t, out, &s)
		if s.Warn != 45 {
			t.Errorf("--warn %q: warn_percent %d", v, s.Warn)
		}
	}
	runCases(t, []cliCase{
		{"fraction", []string{"analyze", "--warn", "60.5", good}, 2, "", "whole number of percent"},
		{"word", []string{"analyze", "--warn", "sixty", good}, 2, "", "whole number of percent"},
		{"out of range with a sign", []string{"analyze", "--warn", "95%", good}, 2, "", "30-90"},
		{"fetch share with a sign", []string{"fetch", "--org", "https://acme.okta.com", "--share", "150%"}, 2, "", "--share 150"},
	})
}

// classify takes methods in any case, and refuses a word that is no HTTP method instead of putting
// it in a bucket no request with it could be in.
func TestClassifyMethodCase(t *testing.T) {
	_, upper, _ := runCLI(t, "classify", "GET", "/api/v1/users/jane")
	for _, m := range []string{"get", "Get"} {
		code, stdout, stderr := runCLI(t, "classify", m, "/api/v1/users/jane")
		if code != 0 || stdout != upper || !strings.Contains(stdout, "users-get") {
			t.Errorf("classify %s: exit %d\n%s%s\nwant:\n%s", m, code, stdout, stderr, upper)
		}
	}
	for _, m := range []string{"FOO", "G ET", "", "users-get"} {
		if code, stdout, stderr := runCLI(t, "classify", m, "/api/v1/users/jane"); code != 2 || stdout != "" || !strings.Contains(stderr, "HTTP method") {
			t.Errorf("classify %q: exit %d\n%s%s", m, code, stdout, stderr)
		}
	}
}

// The terminal verdict is coloured on a terminal unless NO_COLOR is set, always with --color always,
// and never when stdout is a file or a pipe (auto) or with --color never.
func TestColorChoice(t *testing.T) {
	for _, tt := range []struct {
		mode, noColor string
		tty, want     bool
	}{
		{"auto", "", true, true}, {"auto", "1", true, false}, {"auto", "", false, false}, {"auto", "1", false, false},
		{"always", "1", false, true}, {"always", "", false, true}, {"never", "", true, false},
	} {
		if got := colorWanted(tt.mode, tt.noColor, tt.tty); got != tt.want {
			t.Errorf("colorWanted(%q, NO_COLOR=%q, tty %v) = %v", tt.mode, tt.noColor, tt.tty, got)
		}
	}
	good := filepath.Join(t.TempDir(), "good.log")
	if err := os.WriteFile(good, []byte(strings.Repeat(goodLine, 700)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	_, plain, _ := runCLI(t, "analyze", "--tier", "one-app", "--out", out, good)
	_, coloured, _ := runCLI(t, "analyze", "--tier", "one-app", "--color", "always", "--out", out, good)
	if strings.Contains(plain, "\x1b[") || !strings.Contains(coloured, "\x1b[1;31mover\x1b[0m") {
		t.Errorf("plain:\n%s\ncoloured:\n%q", plain, coloured)
	}
	if regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(coloured, "") != plain {
		t.Errorf("colour changes more than the colour:\n%s\n%s", plain, coloured)
	}
	runCases(t, []cliCase{{"bad --color", []string{"analyze", "--color", "allways", good}, 2, "", "(did you mean always?)"}})
}

// --tz shows the terminal's times in the zone, naming it, and leaves summary.json in UTC; an
// unknown zone is a usage error.
func TestTimeZoneFlag(t *testing.T) {
	good := filepath.Join(t.TempDir(), "good.log")
	if err := os.WriteFile(good, []byte(goodLine), 0o644); err != nil {
		t.Fatal(err)
	}
	utcOut, berlinOut := filepath.Join(t.TempDir(), "utc"), filepath.Join(t.TempDir(), "berlin")
	_, utc, _ := runCLI(t, "analyze", "--out", utcOut, good)
	code, berlin, stderr := runCLI(t, "analyze", "--tz", "Europe/Berlin", "--out", berlinOut, good)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// goodLine is 10:23 at +0200: 08:23 UTC, 10:23 CEST.
	if !strings.Contains(utc, "AT (UTC)") || !strings.Contains(utc, "2026-10-14 08:23 ") ||
		!strings.Contains(berlin, "AT (Europe/Berlin)") || !strings.Contains(berlin, "2026-10-14 10:23 CEST") {
		t.Errorf("utc:\n%s\nberlin:\n%s", utc, berlin)
	}
	for _, name := range []string{"summary.json", "minutes.csv"} {
		a, _ := os.ReadFile(filepath.Join(utcOut, name))
		b, _ := os.ReadFile(filepath.Join(berlinOut, name))
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s differs with --tz", name)
		}
	}
	md, _ := os.ReadFile(filepath.Join(berlinOut, "summary.md"))
	if !strings.Contains(string(md), "2026-10-14 10:23 CEST") {
		t.Errorf("summary.md does not show the period in the zone:\n%s", md)
	}
	runCases(t, []cliCase{
		{"unknown zone", []string{"analyze", "--tz", "Europe/Berln", good}, 2, "", "IANA name"},
		{"local", []string{"analyze", "--tz", "Local", good}, 2, "", "IANA name"},
	})
}

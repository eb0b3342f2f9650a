package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// generateInto runs the generator as the command line would and returns the output directory.
func generateInto(t *testing.T, dir string, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	if err := run(append([]string{"-out", dir}, args...), io.Discard, &stderr); err != nil {
		t.Fatalf("run %v: %v\n%s", args, err, stderr.String())
	}
	return dir
}

var outputNames = []string{"okta-egress-eu.log.gz", "okta-egress-us.log.gz", "manifest.json"}

func TestDeterministic(t *testing.T) {
	a := generateInto(t, t.TempDir(), "-days", "1")
	b := generateInto(t, t.TempDir(), "-days", "1")
	for _, name := range outputNames {
		x, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same flags", name)
		}
	}
	c := generateInto(t, t.TempDir(), "-days", "1", "-seed", "2")
	x, _ := os.ReadFile(filepath.Join(a, outputNames[0]))
	y, _ := os.ReadFile(filepath.Join(c, outputNames[0]))
	if bytes.Equal(x, y) {
		t.Errorf("-seed 2 gave the same bytes as -seed 1")
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"-days", "0"}, {"-start", "12/10/2026"}, {"extra"}, {"-nope"}} {
		if err := run(append([]string{"-out", t.TempDir()}, args...), io.Discard, io.Discard); err == nil {
			t.Errorf("run %v: no error", args)
		}
	}
}

// The default 3-day output is generated once and shared by the tests below.
var (
	defaultOnce sync.Once
	defaultDir  string
	defaultErr  error
)

func defaultOutput(t *testing.T) string {
	t.Helper()
	defaultOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ratecard-samples-")
		if err != nil {
			defaultErr = err
			return
		}
		defaultDir = dir
		defaultErr = run([]string{"-out", dir}, io.Discard, io.Discard)
	})
	if defaultErr != nil {
		t.Fatal(defaultErr)
	}
	return defaultDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if defaultDir != "" {
		os.RemoveAll(defaultDir)
	}
	os.Exit(code)
}

// TestCommittedSamplesUpToDate checks that the committed files are what the generator produces with
// its defaults (regenerate with "go run ./samples/gen -out samples").
func TestCommittedSamplesUpToDate(t *testing.T) {
	dir := defaultOutput(t)
	for _, name := range outputNames {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("..", name))
		if err != nil {
			t.Fatalf("committed sample: %v", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("samples/%s is stale: run go run ./samples/gen -out samples", name)
		}
	}
}

// TestReadmeQuotesManifest checks that samples/README.md quotes the numbers the generator reports.
func TestReadmeQuotesManifest(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("..", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	want := []string{fmt.Sprintf("| %d |", m.Totals.Lines)}
	for _, f := range m.Files {
		want = append(want, fmt.Sprintf("| `%s` | %s | %d | %d | %d |", f.Name, f.Offset, f.Lines, f.Requests, f.Skipped))
	}
	for _, e := range m.Events {
		for _, mi := range e.Minutes {
			want = append(want, fmt.Sprintf("| %s | %d | %d | %d |", strings.TrimSuffix(mi.Minute[11:], ":00Z"), mi.Count, mi.EU, mi.US))
		}
		want = append(want, fmt.Sprintf("rolling peak %d from %s", e.Rolling.Count, e.Rolling.Start))
		if len(e.Minutes) > 0 {
			want = append(want, "| minute (UTC, "+e.Minutes[0].Minute[:10]+")")
		}
	}
	for _, b := range m.Buckets {
		want = append(want, fmt.Sprintf("| `%s` | %d | %d | %d | %s | %d | %s |", b.ID, b.Limit, b.Requests,
			b.Peak.Count, b.Peak.Minute, b.Rolling.Count, b.Rolling.Start))
	}
	for _, k := range m.LineKinds {
		want = append(want, fmt.Sprintf("| `%s` | %d | %d |", k.Kind, k.EU, k.US))
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("README.md does not quote %q", w)
		}
	}
}

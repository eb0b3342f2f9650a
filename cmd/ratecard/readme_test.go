package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// synopsisMark is what marks a synopsis line rather than an example: an ellipsis, or an optional
// part in brackets ([flags], [--tier T], [...]); a bracket in a quoted SQL expression is none.
var synopsisMark = regexp.MustCompile(`…|\[(-|[A-Z]|\.\.\.|flags)`)

// readmeExamples returns the example command lines of README.md's sh blocks (continuation lines
// joined) that start with "ratecard ", and of those the ones that run as written on a machine with
// this repository: those that read the bundled samples, those that read no input (classify,
// buckets, version, help), and those that read the file an earlier one wrote (--out FILE, as
// analyze --counts reads the counts ratecard sql --out wrote), but no synopsis (FILE, [flags], …).
func readmeExamples(t *testing.T, readme []byte) (all, runnable []string) {
	t.Helper()
	in := false
	var cont string
	made := map[string]bool{} // what runnable examples write (--out), which later examples may read
	sc := bufio.NewScanner(bytes.NewReader(readme))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```"):
			in = strings.TrimSpace(line) == "```sh"
			continue
		case !in:
			continue
		}
		if cont != "" {
			line, cont = cont+" "+strings.TrimSpace(line), ""
		}
		if strings.HasSuffix(line, `\`) {
			cont = strings.TrimSuffix(line, `\`)
			continue
		}
		if !strings.HasPrefix(line, "ratecard ") {
			continue
		}
		all = append(all, line)
		fields := strings.Fields(line)
		cmd := fields[1]
		synopsis := synopsisMark.MatchString(line) || strings.Contains(line, "FILE") || strings.Contains(line, "ORG")
		noInput := (cmd == "classify" || cmd == "buckets" || cmd == "version" || cmd == "help") && !strings.Contains(line, "--limits")
		if !synopsis && (strings.Contains(line, "samples/") || noInput || made[fields[len(fields)-1]]) {
			runnable = append(runnable, line)
			for i, f := range fields[:len(fields)-1] {
				if f == "--out" {
					made[fields[i+1]] = true
				}
			}
		}
	}
	return all, runnable
}

// TestReadmeExamples installs ratecard as README.md says (make install, into a temporary PREFIX),
// and runs with sh, as written, every example of the README that can run on this repository alone:
// each must exit 0. Among them must be the analysis and the request pack of the bundled samples, and
// the warehouse section's worked example (ratecard sql on the samples, analyze --counts of its output).
func TestReadmeExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and installs the binary")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, []byte("make install")) {
		t.Fatal("README.md has no install step")
	}
	all, runnable := readmeExamples(t, readme)
	var analyze, request, sql, counts bool
	for _, l := range runnable {
		analyze = analyze || strings.HasPrefix(l, "ratecard analyze ") && strings.Contains(l, "samples/")
		request = request || strings.HasPrefix(l, "ratecard request ") && strings.Contains(l, "samples/")
		sql = sql || strings.HasPrefix(l, "ratecard sql ") && strings.Contains(l, "samples/")
		counts = counts || strings.HasPrefix(l, "ratecard analyze --counts ")
	}
	if !analyze || !request || !sql || !counts {
		t.Fatalf("README.md lacks a runnable ratecard analyze, request or sql example on the samples, or analyze --counts of the sql's output; examples:\n%s", strings.Join(all, "\n"))
	}
	makeBin, err := exec.LookPath("make")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("make is not installed (CI=true)")
		}
		t.Skip("make not found")
	}
	tmp := t.TempDir()
	prefix := filepath.Join(tmp, "prefix")
	inst := exec.Command(makeBin, "-C", root, "install", "PREFIX="+prefix, "BIN="+filepath.Join(tmp, "build", "ratecard"))
	if out, err := inst.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	work := filepath.Join(tmp, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "samples"), filepath.Join(work, "samples")); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "PATH="+filepath.Join(prefix, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	for _, l := range runnable {
		cmd := exec.Command("sh", "-c", l)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("%s: %v\n%s", l, err, out)
		}
	}
	for _, f := range []string{"demo-report/report.html", "demo-request/request.md"} {
		if _, err := os.Stat(filepath.Join(work, f)); err != nil {
			t.Errorf("the Try it examples did not write %s: %v", f, err)
		}
	}
	t.Logf("ran %d of the README's %d ratecard lines", len(runnable), len(all))
}

package main

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"
	"testing"
)

// TestMain lets the test binary be a launcher (launchArg) and a case that touches
// RATECARD_BENCH_TEST_TOUCH_MIB MiB and exits with RATECARD_BENCH_TEST_EXIT.
func TestMain(m *testing.M) {
	asLauncher()
	if mib := os.Getenv("RATECARD_BENCH_TEST_TOUCH_MIB"); mib != "" {
		n, _ := strconv.Atoi(mib)
		touch(n << 20)
		code, _ := strconv.Atoi(os.Getenv("RATECARD_BENCH_TEST_EXIT"))
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// touch allocates n bytes and writes each page of them.
func touch(n int) []byte {
	b := make([]byte, n)
	for i := 0; i < n; i += 4096 {
		b[i] = 1
	}
	return b
}

// TestLaunchReportsTheCase: a case run through a launcher reports its own peak RSS, not this
// process's (which is made far larger first), and its exit status.
func TestLaunchReportsTheCase(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	big := touch(400 << 20)
	defer runtime.KeepAlive(big)
	caseCmd := func(exit int) *exec.Cmd {
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), "RATECARD_BENCH_TEST_TOUCH_MIB=64", "RATECARD_BENCH_TEST_EXIT="+strconv.Itoa(exit))
		return cmd
	}
	// Started directly, the case's ru_maxrss is (on Linux) at least this process's peak.
	direct := caseCmd(0)
	if err := direct.Run(); err != nil {
		t.Fatal(err)
	}
	if ru, ok := direct.ProcessState.SysUsage().(*syscall.Rusage); ok {
		t.Logf("started directly, the case's ru_maxrss is %d MiB", ru.Maxrss>>10)
	}
	for _, exit := range []int{0, 3} {
		cmd := caseCmd(exit)
		report, err := launched(exe, cmd)
		if err != nil {
			t.Fatal(err)
		}
		runErr := cmd.Run()
		rep, err := report()
		if err != nil {
			t.Fatal(err)
		}
		var ee *exec.ExitError
		if exit == 0 && runErr != nil || exit != 0 && (!errors.As(runErr, &ee) || ee.ExitCode() != exit) || rep.Exit != exit {
			t.Fatalf("exit %d: run gave %v, the report %d", exit, runErr, rep.Exit)
		}
		if rep.MaxRSS < 64<<20 || rep.MaxRSS > 300<<20 {
			t.Fatalf("a case touching 64 MiB reported %d MiB of peak RSS", rep.MaxRSS>>20)
		}
		if rep.Wall <= 0 || rep.User+rep.Sys <= 0 {
			t.Fatalf("report %+v: no time", rep)
		}
	}
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"
)

// A case's peak RSS is its process's ru_maxrss, but a child that this process starts directly does
// not report its own: Go starts children with clone(CLONE_VM|CLONE_VFORK), and at exec Linux keeps
// the high-water mark of the memory the child shared until then, this process's (which holds the
// in-process baselines' DuckDB and buffers), as the child's. So every case runs through a launcher:
// this program started again with launchArg, a small process that starts the case, waits for it,
// and reports the case's own wall time, CPU time and peak RSS on the pipe it was given (fd 3).

// launchArg, as the first argument, makes this program a launcher (see above).
const launchArg = "-internal-launch"

// asLauncher, when this process's first argument is launchArg, runs it as a launcher: it runs the
// rest of its arguments, reports on fd 3, and exits.
func asLauncher() {
	if len(os.Args) > 1 && os.Args[1] == launchArg {
		syscall.CloseOnExec(3) // the report pipe: not the case's
		os.Exit(launch(os.Args[2:], os.NewFile(3, "launcher report")))
	}
}

// launchReport is what a launcher reports of the process it ran.
type launchReport struct {
	Wall   time.Duration `json:"wall"`
	User   time.Duration `json:"user"`
	Sys    time.Duration `json:"sys"`
	MaxRSS int64         `json:"max_rss"` // bytes
	Exit   int           `json:"exit"`
}

// launch runs args (a program and its arguments) with this process's standard streams, and writes
// its launchReport to report. It returns the exit status to leave with: the program's, or 1 when
// it could not be started.
func launch(args []string, report io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "ratecard-bench: "+launchArg+" needs a program to run")
		return 1
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		fmt.Fprintln(os.Stderr, "ratecard-bench:", err)
		return 1
	}
	r := launchReport{Wall: wall, User: cmd.ProcessState.UserTime(), Sys: cmd.ProcessState.SystemTime(), Exit: cmd.ProcessState.ExitCode()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSS = int64(ru.Maxrss) * 1024 // KiB on Linux and the BSDs
		if runtime.GOOS == "darwin" {
			r.MaxRSS = int64(ru.Maxrss) // bytes on macOS
		}
	}
	if err := json.NewEncoder(report).Encode(r); err != nil {
		fmt.Fprintln(os.Stderr, "ratecard-bench: launcher report:", err)
		return 1
	}
	return r.Exit
}

// launched makes cmd run through a launcher (this program, exe, with launchArg) and returns a
// function to call once cmd has run, which gives the launcher's report of the process cmd named.
func launched(exe string, cmd *exec.Cmd) (func() (launchReport, error), error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Args = append([]string{exe, launchArg, cmd.Path}, cmd.Args[1:]...)
	cmd.Path = exe
	cmd.ExtraFiles = append(cmd.ExtraFiles, w)
	done := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(r)
		r.Close()
		done <- b
	}()
	return func() (launchReport, error) {
		w.Close()
		var rep launchReport
		b := <-done
		if err := json.Unmarshal(b, &rep); err != nil {
			return rep, fmt.Errorf("the launcher's report %q: %w", b, err)
		}
		return rep, nil
	}, nil
}

package analyze

import (
	"fmt"
	"os"
	"time"
)

// traceStart is when the process started tracing; trace lines show the time since.
var traceStart = time.Now()

// tracing is set by the environment variable RATECARD_TRACE: a developer's hook for performance work
// that prints when each stage of an analysis ends on stderr. It is not a user-facing option.
var tracing = os.Getenv("RATECARD_TRACE") != ""

// Trace is trace for the command line: the stages after the analysis (the outputs written).
func Trace(stage string) { trace(stage) }

// trace prints the elapsed time, the process's CPU time (user and system, every thread, DuckDB's
// included) and a stage name on stderr when tracing.
func trace(stage string) {
	if tracing {
		cpu := processCPU()
		fmt.Fprintf(os.Stderr, "trace %7.3fs %7.3fs cpu %s\n", time.Since(traceStart).Seconds(), cpu.Seconds(), stage)
	}
}

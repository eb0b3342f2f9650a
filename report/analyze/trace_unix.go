//go:build unix

package analyze

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used, user and system, on every thread.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

//go:build !unix

package analyze

import "time"

// processCPU is the CPU time the process has used; 0 where it is not measured.
func processCPU() time.Duration { return 0 }

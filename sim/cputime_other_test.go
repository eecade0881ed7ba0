//go:build !unix

// This file implements the CPU-time clock of the benchmarks where there is none.

package sim

import "time"

// cpuTime is unavailable here; benchmarks then report wall-clock figures
// only.
func cpuTime() (time.Duration, bool) { return 0, false }

//go:build unix

// This file implements the CPU-time clock of the benchmarks on Unix.

package sim

import (
	"syscall"
	"time"
)

// cpuTime returns the process's user+system CPU time, so that benchmarks
// can report throughput per CPU-second, which other jobs on a shared
// machine disturb far less than wall-clock time.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}

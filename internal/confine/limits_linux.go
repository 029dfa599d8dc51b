package confine

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// executable is this program: through /proc, even when its file was replaced
// (an upgrade) after it started.
func executable() (string, error) { return "/proc/self/exe", nil }

// sysProcAttr kills the child when the parent dies. (Linux sends the signal
// when the thread that started the child ends; the Go runtime keeps its
// threads.)
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// setProcessLimits sets the child's hard ceilings. RLIMIT_DATA stops a
// single allocation far past the memory limit, which the watchdog would see
// too late: the runtime then fails with "out of memory". It counts the
// process's private writable mappings, released heap included, so it sits at
// twice the limit above what the process had mapped at start (the race
// detector maps a lot). RLIMIT_CPU is the backstop should the parent's timer
// not fire: SIGXCPU at the soft limit (which Go ignores), SIGKILL a second
// later.
func setProcessLimits(memoryBytes, cpuSeconds int64) {
	data := uint64(startDataBytes() + 2*memoryBytes)
	_ = syscall.Setrlimit(syscall.RLIMIT_DATA, &syscall.Rlimit{Cur: data, Max: data})
	if cpuSeconds > 0 {
		_ = syscall.Setrlimit(syscall.RLIMIT_CPU, &syscall.Rlimit{Cur: uint64(cpuSeconds), Max: uint64(cpuSeconds) + 1})
	}
}

// startDataBytes is the process's data segment size now (VmData), or 0.
func startDataBytes() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmData:")); ok {
			kb, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte("kB")))), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

package confine

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Environment variables that make a process a sandbox child and carry its
// limits.
const (
	envName        = "DESKMATE_CONFINED_FUNCTION"    // the registered function to run
	envMemoryBytes = "DESKMATE_SANDBOX_MEMORY_BYTES" // Limits.MemoryBytes
	envOutputBytes = "DESKMATE_SANDBOX_OUTPUT_BYTES" // Limits.OutputBytes
	envCPUSeconds  = "DESKMATE_SANDBOX_CPU_SECONDS"  // RLIMIT_CPU
)

// Exit codes of a child. A Go panic or fatal runtime error exits with 2.
const (
	exitOK      = 0
	exitFailed  = 3 // the function returned an error; standard output holds its message
	exitMemory  = 4 // the memory watchdog stopped the child
	exitOutput  = 5 // the output is larger than the limit
	exitUnknown = 6 // no function registered under the name
	exitInput   = 7 // the input could not be read or is larger than the memory limit
)

// maxErrorBytes bounds the error message a child reports.
const maxErrorBytes = 4096

// childProcs is the child's GOMAXPROCS.
const childProcs = 2

// Func is a function Run can call: it turns input into output, or fails with
// an error whose message is handed back to the parent.
type Func func(input []byte) ([]byte, error)

// registry is written by init functions only, so it needs no lock.
var registry = map[string]Func{}

// mainCalled records that Main ran and returned: this process is a parent
// whose children will run Main too.
var mainCalled atomic.Bool

// Register makes fn available to Run under name. Call it from the init
// function of the package that owns fn, so that the child, the same program,
// registers it too.
func Register(name string, fn Func) {
	if name == "" || fn == nil {
		panic("confine: Register needs a name and a function")
	}
	if _, dup := registry[name]; dup {
		panic("confine: " + name + " is registered twice")
	}
	registry[name] = fn
}

// Main runs the registered function and exits when the process was started
// by Run; otherwise it returns at once. Call it first thing in main and in the
// TestMain of every test binary that may call Run.
func Main() {
	name, ok := os.LookupEnv(envName)
	if !ok {
		mainCalled.Store(true)
		return
	}
	os.Exit(child(name))
}

// child runs in the sandboxed process and returns its exit code.
func child(name string) int {
	fn := registry[name]
	if fn == nil {
		fmt.Fprintf(os.Stdout, "no function registered as %q", name)
		return exitUnknown
	}
	memory := envInt(envMemoryBytes, defaultMemoryBytes)
	output := envInt(envOutputBytes, defaultOutputBytes)
	setProcessLimits(memory, envInt(envCPUSeconds, 0))
	// Two threads run Go code: the function and the collector's share
	// (and the watchdog) get what they need, the host keeps its other cores,
	// and CPU time stays near twice the wall time, under RLIMIT_CPU.
	runtime.GOMAXPROCS(min(runtime.GOMAXPROCS(0), childProcs))
	// The collector works hard to stay below 7/8 of the limit; the watchdog
	// stops the child when that is not enough.
	debug.SetMemoryLimit(memory / 8 * 7)
	go watchMemory(memory, 10*time.Millisecond)

	input, err := io.ReadAll(io.LimitReader(os.Stdin, memory+1))
	if err != nil || int64(len(input)) > memory {
		fmt.Fprintf(os.Stdout, "reading the input: %v", err)
		return exitInput
	}
	out, err := fn(input)
	if err != nil {
		msg := strings.ToValidUTF8(err.Error(), "\uFFFD")
		if len(msg) > maxErrorBytes {
			msg = strings.ToValidUTF8(msg[:maxErrorBytes], "")
		}
		io.WriteString(os.Stdout, msg)
		return exitFailed
	}
	if int64(len(out)) > output {
		return exitOutput
	}
	if _, err := os.Stdout.Write(out); err != nil {
		return exitOutput
	}
	return exitOK
}

// watchMemory exits the process once the memory the Go runtime holds (all it
// mapped, less what it returned to the system) passes limit.
func watchMemory(limit int64, every time.Duration) {
	samples := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		metrics.Read(samples)
		if samples[0].Value.Kind() != metrics.KindUint64 || samples[1].Value.Kind() != metrics.KindUint64 {
			return // a runtime without these metrics: SetMemoryLimit and RLIMIT_DATA remain
		}
		if used := samples[0].Value.Uint64() - samples[1].Value.Uint64(); used > uint64(limit) {
			os.Exit(exitMemory)
		}
	}
}

func envInt(key string, def int64) int64 {
	n, err := strconv.ParseInt(os.Getenv(key), 10, 64)
	if err != nil || n <= 0 {
		return def
	}
	return n
}

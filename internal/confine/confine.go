package confine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Defaults for the zero fields of Limits.
const (
	defaultTimeout     = 30 * time.Second
	defaultMemoryBytes = 512 << 20
	defaultOutputBytes = 64 << 20
)

// maxChildren is how many children run at once; Run waits for a free slot.
// With the default memory limit that bounds sandboxes to 1 GiB in all.
const maxChildren = 2

var slots = make(chan struct{}, maxChildren)

// Limits bound one run of a function in a child process.
type Limits struct {
	// Timeout is the wall-clock time the child may take (default 30s); it is
	// killed after it. Its CPU time is limited to twice as much.
	Timeout time.Duration
	// MemoryBytes is the memory the child's Go runtime may hold (default
	// 512 MiB); the input counts.
	MemoryBytes int64
	// OutputBytes is the size of the largest output accepted (default 64 MiB).
	OutputBytes int64
}

func (l Limits) withDefaults() Limits {
	if l.Timeout <= 0 {
		l.Timeout = defaultTimeout
	}
	if l.MemoryBytes <= 0 {
		l.MemoryBytes = defaultMemoryBytes
	}
	if l.OutputBytes <= 0 {
		l.OutputBytes = defaultOutputBytes
	}
	return l
}

// Errors Run wraps: errors.Is tells which limit a child hit.
var (
	ErrTimeout        = errors.New("time limit exceeded")
	ErrMemory         = errors.New("memory limit exceeded")
	ErrOutputTooLarge = errors.New("output too large")
	ErrCrashed        = errors.New("crashed")
	ErrUnknown        = errors.New("unknown function")
)

// FuncError is the error the function returned in the child. Its message is
// the function's own.
type FuncError struct{ Msg string }

func (e *FuncError) Error() string { return e.Msg }

// errTimedOut is the cause of the context Run gives the child when Timeout
// passes (a caller's own deadline has another cause).
var errTimedOut = errors.New("confined time limit")

// Run calls the function registered as name on input in a child process
// bounded by lim, and returns its output. The child is killed when ctx ends.
func Run(ctx context.Context, name string, input []byte, lim Limits) ([]byte, error) {
	lim = lim.withDefaults()
	if _, ok := registry[name]; !ok {
		return nil, fmt.Errorf("confine: no function registered as %q: %w", name, ErrUnknown)
	}
	if !mainCalled.Load() {
		// Without Main the child would be this program run from the start
		// (a test binary would run its tests again).
		return nil, errors.New("confine: Main was not called at the start of main or TestMain")
	}
	if int64(len(input)) > lim.MemoryBytes {
		return nil, fmt.Errorf("confined %s: the input (%s) is larger than the memory limit (%s)", name, size(int64(len(input))), size(lim.MemoryBytes))
	}
	exe, err := executable()
	if err != nil {
		return nil, fmt.Errorf("confined %s: %w", name, err)
	}
	select {
	case slots <- struct{}{}:
		defer func() { <-slots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("confined %s: waiting to start: %w", name, context.Cause(ctx))
	}

	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	runCtx, cancel := context.WithTimeoutCause(ctx, lim.Timeout, errTimedOut)
	defer cancel()
	stdout := &capBuffer{max: int(lim.OutputBytes), full: func() { stop(ErrOutputTooLarge) }}
	stderr := &capBuffer{max: 4096}
	cpuSeconds := int64(math.Ceil(2 * lim.Timeout.Seconds()))
	cmd := exec.CommandContext(runCtx, exe)
	cmd.Args[0] = os.Args[0]
	cmd.Env = []string{
		envName + "=" + name,
		envMemoryBytes + "=" + strconv.FormatInt(lim.MemoryBytes, 10),
		envOutputBytes + "=" + strconv.FormatInt(lim.OutputBytes, 10),
		envCPUSeconds + "=" + strconv.FormatInt(cpuSeconds, 10),
	}
	cmd.Stdin = bytes.NewReader(input)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.SysProcAttr = sysProcAttr()
	cmd.WaitDelay = time.Second
	err = cmd.Run()

	switch {
	case stdout.over:
		return nil, fmt.Errorf("confined %s wrote more than %s: %w", name, size(lim.OutputBytes), ErrOutputTooLarge)
	case err == nil:
		return stdout.buf.Bytes(), nil
	case context.Cause(runCtx) == errTimedOut:
		return nil, fmt.Errorf("confined %s took longer than %s: %w", name, lim.Timeout, ErrTimeout)
	case ctx.Err() != nil:
		return nil, fmt.Errorf("confined %s: %w", name, context.Cause(ctx))
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return nil, fmt.Errorf("confined %s: %w", name, err)
	}
	return nil, exitError(name, lim, cpuSeconds, ee, stdout.buf.String(), stderr.buf.String())
}

// exitError explains how a child that failed on its own ended.
func exitError(name string, lim Limits, cpuSeconds int64, ee *exec.ExitError, stdout, stderr string) error {
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		if ee.UserTime()+ee.SystemTime() >= time.Duration(cpuSeconds)*time.Second {
			// RLIMIT_CPU: Go ignores SIGXCPU, so the kernel's SIGKILL ends it.
			return fmt.Errorf("confined %s used more than %ds of CPU time: %w", name, cpuSeconds, ErrTimeout)
		}
		return fmt.Errorf("confined %s was killed (%v): %w", name, ws.Signal(), ErrCrashed)
	}
	firstLine, _, _ := strings.Cut(strings.TrimSpace(stderr), "\n")
	switch {
	case ee.ExitCode() == exitFailed:
		return &FuncError{Msg: stdout}
	case ee.ExitCode() == exitMemory || strings.Contains(firstLine, "out of memory") || strings.Contains(firstLine, "failed to allocate"):
		// Besides the watchdog, an allocation past RLIMIT_DATA makes the Go
		// runtime (or the race detector's) give up.
		return fmt.Errorf("confined %s used more than %s of memory: %w", name, size(lim.MemoryBytes), ErrMemory)
	case ee.ExitCode() == exitOutput:
		return fmt.Errorf("confined %s wrote more than %s: %w", name, size(lim.OutputBytes), ErrOutputTooLarge)
	case ee.ExitCode() == exitUnknown:
		return fmt.Errorf("confine: the child has no function registered as %q: %w", name, ErrUnknown)
	case ee.ExitCode() == exitInput:
		return fmt.Errorf("confined %s: %s", name, stdout)
	case firstLine != "":
		return fmt.Errorf("confined %s %w (%v): %s", name, ErrCrashed, ee, firstLine)
	}
	return fmt.Errorf("confined %s %w (%v)", name, ErrCrashed, ee)
}

// capBuffer keeps the first max bytes written to it and calls full, once,
// when more arrive. It never fails a write, so the child is not stopped by a
// broken pipe before its exit status tells what happened.
type capBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
	full func()
}

func (b *capBuffer) Write(p []byte) (int, error) {
	if b.over {
		return len(p), nil
	}
	if room := b.max - b.buf.Len(); len(p) > room {
		b.buf.Write(p[:room])
		b.over = true
		if b.full != nil {
			b.full()
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

// size formats a byte count for messages: 512 MiB, 64 KiB, 100 bytes.
func size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

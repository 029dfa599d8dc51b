// Package sandbox runs a function on untrusted input in a child process
// bounded in time, memory and output, so that input built to loop forever or
// to exhaust memory (a PDF whose page tree points to itself, a content stream
// that inflates to gigabytes) fails alone instead of stopping the server.
// Inside one Go process there is no way to stop a goroutine stuck in a loop;
// killing a process is.
//
// The child is the program itself (os.Executable, /proc/self/exe on Linux)
// started again with DESKMATE_CONFINED_FUNCTION=<name>. The package that owns a function registers it from
// init (Register), and every program that may call Run, including test
// binaries, calls Main first thing in main or TestMain. In a child, Main runs
// the function on its standard input and exits; otherwise it returns at once.
//
// The parent (Run) writes the input to the child's standard input, reads at
// most Limits.OutputBytes of its standard output, and kills it after
// Limits.Timeout. On Linux the child also dies with the parent (Pdeathsig).
// The child enforces its own memory limit: debug.SetMemoryLimit, a watchdog
// that samples runtime/metrics every 10 ms and exits when the memory the Go
// runtime holds passes the limit, and RLIMIT_DATA as a hard ceiling for a
// single huge allocation; it runs Go code on two threads at most, and
// RLIMIT_CPU (twice the timeout) is a backstop should the parent's timer not
// fire. The limits reach the child in environment variables, and the
// child gets no other environment (no database URL, no secrets).
//
// Errors say which limit was hit (ErrTimeout, ErrMemory, ErrOutputTooLarge),
// carry the function's own error message (*FuncError), or report a crash
// (ErrCrashed, with the first line the child wrote to standard error).
// Run allows maxChildren children at once and waits for a free slot.
package confine

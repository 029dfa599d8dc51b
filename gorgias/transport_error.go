package gorgias

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
)

// transportError is a request that got no HTTP answer.
type transportError struct {
	method, path string
	err          error
	timeout      bool
}

func (e *transportError) Error() string {
	return fmt.Sprintf("gorgias: %s %s: %v", e.method, e.path, e.err)
}

func (e *transportError) Unwrap() error { return e.err }

// retryable tells errors a new attempt may not have: timeouts, refused or
// reset connections, answers cut short.
func (e *transportError) retryable() bool {
	var ne net.Error
	switch {
	case e.timeout,
		errors.Is(e.err, syscall.ECONNREFUSED),
		errors.Is(e.err, syscall.ECONNRESET),
		errors.Is(e.err, syscall.EPIPE),
		errors.Is(e.err, io.ErrUnexpectedEOF),
		errors.Is(e.err, io.EOF):
		return true
	case errors.As(e.err, &ne):
		return ne.Timeout()
	}
	return false
}

// refused tells a connection that was never made, so the request was not
// sent.
func (e *transportError) refused() bool { return errors.Is(e.err, syscall.ECONNREFUSED) }

// authError is a failure to authenticate a request before sending it (the
// token source failed); it is not retried.
type authError struct{ err error }

func (e *authError) Error() string { return e.err.Error() }
func (e *authError) Unwrap() error { return e.err }

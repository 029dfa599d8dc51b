package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// retryPolicy sends a request again after a rate limit (429), a server error
// (5xx), a timeout or a dropped connection, waiting with exponential backoff
// and jitter or as long as the server's Retry-After asks.
type retryPolicy struct {
	attempts      int
	base, max     time.Duration // backoff: base, 2×base, 4×base … up to max
	maxRetryAfter time.Duration // a longer Retry-After fails the call at once
	timeout       time.Duration // per attempt
	// Tests replace these to run without waiting.
	sleep  func(ctx context.Context, d time.Duration) error
	now    func() time.Time
	jitter func(d time.Duration) time.Duration // random in [0, d]
}

func newRetryPolicy(timeout time.Duration, attempts int) retryPolicy {
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	if attempts <= 0 {
		attempts = 3
	}
	return retryPolicy{
		attempts:      attempts,
		base:          500 * time.Millisecond,
		max:           10 * time.Second,
		maxRetryAfter: 30 * time.Second,
		timeout:       timeout,
		sleep:         sleepContext,
		now:           time.Now,
		jitter: func(d time.Duration) time.Duration {
			if d <= 0 {
				return 0
			}
			return time.Duration(rand.Int64N(int64(d) + 1))
		},
	}
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// statusError is a provider's HTTP error answer.
type statusError struct {
	code       int
	msg        string // the server's message, clipped
	retryAfter string // the Retry-After header as sent
}

func (e *statusError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.code, e.msg) }

// timeoutError is an attempt that ran out of its time.
type timeoutError struct{ after time.Duration }

func (e *timeoutError) Error() string { return fmt.Sprintf("no answer within %s", e.after) }

// errIncomplete is an answer that ended before the provider said it was done.
var errIncomplete = errors.New("the answer ended before it was complete")

// run calls attempt until it succeeds, fails in a way a retry cannot fix, or
// the attempts run out, and returns how many it made. Each attempt gets a
// context bounded by the timeout; one that reports it already streamed text
// is not retried, so no text reaches the caller twice.
func (p retryPolicy) run(ctx context.Context, attempt func(ctx context.Context) (streamed bool, err error)) (int, error) {
	for n := 1; ; n++ {
		actx, cancel := context.WithTimeout(ctx, p.timeout)
		streamed, err := attempt(actx)
		timedOut := err != nil && errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		cancel()
		if err == nil {
			return n, nil
		}
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		if timedOut {
			err = &timeoutError{after: p.timeout}
		}
		wait, retry, err := p.next(n, err)
		if !retry || streamed || n >= p.attempts {
			return n, err
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return n, err
		}
		if serr := p.sleep(ctx, wait); serr != nil {
			return n, serr
		}
	}
}

// next says whether err after attempt n is worth another attempt and how long
// to wait first; err comes back with a note when the server asks for too long
// a wait.
func (p retryPolicy) next(n int, err error) (time.Duration, bool, error) {
	backoff := min(p.base<<min(n-1, 20), p.max)
	backoff = backoff/2 + p.jitter(backoff/2)
	var se *statusError
	var te *timeoutError
	switch {
	case errors.As(err, &se):
		if se.code != http.StatusTooManyRequests && se.code < 500 {
			return 0, false, err
		}
		if d, ok := p.parseRetryAfter(se.retryAfter); ok {
			if d > p.maxRetryAfter {
				return 0, false, fmt.Errorf("%w (the server asks to wait %s)", err, d.Round(time.Second))
			}
			return d, true, err
		}
		return backoff, true, err
	case errors.As(err, &te), isConnectionError(err):
		return backoff, true, err
	default:
		return 0, false, err
	}
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func (p retryPolicy) parseRetryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(min(s, 1<<20)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(p.now()), 0), true
	}
	return 0, false
}

// isConnectionError tells errors a new connection may not have: refused or
// reset connections, answers cut short, network timeouts. Refusals by the
// destination guard and malformed URLs are not among them.
func isConnectionError(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, errIncomplete),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, io.EOF):
		return true
	case errors.As(err, &ne):
		return ne.Timeout()
	}
	return false
}

// chatError names the provider and model, and the attempts when there were
// several; err stays reachable with errors.As.
func chatError(prefix string, attempts int, err error) error {
	if attempts > 1 {
		return fmt.Errorf("%s: %w (after %d attempts)", prefix, err, attempts)
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

package gorgias

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Gorgias' documented budgets: a leaky bucket per account, 40 requests per
// 20 seconds for API-key clients and 80 per 20 seconds for OAuth apps.
const (
	DefaultBasicRequests = 40
	DefaultOAuthRequests = 80
	DefaultWindow        = 20 * time.Second
)

// Limiter is a token bucket for one Gorgias account and auth kind. Every
// client of that account must share it (see Limiters): Gorgias counts the
// account's calls, not the client's. It also follows what Gorgias reports:
// the X-Gorgias-Account-Api-Call-Limit header lowers the tokens left to what
// the account has left (calls from other processes count), and a 429 pauses
// every caller until its Retry-After has passed.
type Limiter struct {
	mu          sync.Mutex
	rate        float64 // tokens per second
	burst       float64
	tokens      float64
	last        time.Time
	pausedUntil time.Time
	// Tests replace these to run without waiting.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// NewLimiter allows requests per window, in bursts of up to requests.
func NewLimiter(requests int, window time.Duration) *Limiter {
	if requests <= 0 {
		requests = 1
	}
	if window <= 0 {
		window = time.Second
	}
	return &Limiter{
		rate:   float64(requests) / window.Seconds(),
		burst:  float64(requests),
		tokens: float64(requests),
		now:    time.Now,
		sleep:  sleepContext,
	}
}

// DefaultLimiter returns a new limiter with Gorgias' budget for kind.
func DefaultLimiter(kind AuthKind) *Limiter {
	if kind == AuthOAuth {
		return NewLimiter(DefaultOAuthRequests, DefaultWindow)
	}
	return NewLimiter(DefaultBasicRequests, DefaultWindow)
}

// Wait takes a token, waiting for one if needed. It never waits past ctx's
// deadline: when the wait would end after it, Wait fails at once.
func (l *Limiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	now := l.now()
	l.refill(now)
	l.tokens--
	ready := now
	if l.tokens < 0 {
		// The bucket fills from l.last, which a pause may have moved ahead.
		ready = later(now, l.last).Add(time.Duration(-l.tokens / l.rate * float64(time.Second)))
	}
	ready = later(ready, l.pausedUntil)
	wait := ready.Sub(now)
	if dl, ok := ctx.Deadline(); ok && wait > 0 && time.Until(dl) < wait {
		l.tokens++
		l.mu.Unlock()
		return &BudgetError{Wait: wait}
	}
	l.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	if err := l.sleep(ctx, wait); err != nil {
		l.mu.Lock()
		l.tokens++
		l.mu.Unlock()
		return err
	}
	return nil
}

func (l *Limiter) refill(now time.Time) {
	if l.last.IsZero() {
		l.last = now
		return
	}
	if now.After(l.last) {
		l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
		l.last = now
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// observe follows the X-Gorgias-Account-Api-Call-Limit header ("used/limit"):
// the account has limit-used calls left, whoever made the others.
func (l *Limiter) observe(header string) {
	used, limit, ok := parseCallLimit(header)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refill(l.now())
	if left := float64(limit - used); left < l.tokens {
		l.tokens = left
	}
}

// pause makes every caller wait d (a 429's Retry-After). When it is over
// the account has room for about one call, and the bucket fills from there.
func (l *Limiter) pause(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.refill(now)
	until := now.Add(d)
	l.pausedUntil = later(l.pausedUntil, until)
	l.last = later(l.last, until)
	l.tokens = min(l.tokens, 0) + 1 // callers already waiting keep their turn
}

func parseCallLimit(h string) (used, limit int, ok bool) {
	a, b, found := strings.Cut(strings.TrimSpace(h), "/")
	if !found {
		return 0, 0, false
	}
	used, err1 := strconv.Atoi(strings.TrimSpace(a))
	limit, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || limit <= 0 {
		return 0, 0, false
	}
	return used, limit, true
}

// Limiters hands out one Limiter per account and auth kind, so all the
// clients of an account share its budget. The zero value is ready to use.
type Limiters struct {
	mu sync.Mutex
	m  map[limiterKey]*Limiter
}

type limiterKey struct {
	account string
	kind    AuthKind
}

// NewLimiters returns an empty registry.
func NewLimiters() *Limiters { return &Limiters{} }

// For returns the account's limiter for kind, with Gorgias' default budget.
func (ls *Limiters) For(account string, kind AuthKind) *Limiter {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.m == nil {
		ls.m = map[limiterKey]*Limiter{}
	}
	k := limiterKey{strings.ToLower(account), kind}
	l, ok := ls.m[k]
	if !ok {
		l = DefaultLimiter(kind)
		ls.m[k] = l
	}
	return l
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

// BudgetError says the account's request budget has no room before the
// caller's deadline: the call was not made. Wait is when there will be.
type BudgetError struct{ Wait time.Duration }

func (e *BudgetError) Error() string {
	return fmt.Sprintf("gorgias: rate limit: waiting %s would pass the deadline", e.Wait.Round(time.Millisecond))
}

// Is makes a BudgetError match ErrRateLimited and context.DeadlineExceeded.
func (e *BudgetError) Is(target error) bool {
	return target == ErrRateLimited || target == context.DeadlineExceeded
}

// RetryAfter says how long to wait before calling Gorgias again after err:
// a 429's Retry-After or the time the budget needs; ok is false for any
// other error.
func RetryAfter(err error) (d time.Duration, ok bool) {
	var be *BudgetError
	if errors.As(err, &be) {
		return be.Wait, true
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusTooManyRequests {
		return ae.RetryAfter, true
	}
	return 0, false
}

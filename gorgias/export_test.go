package gorgias

import (
	"context"
	"sync"
	"time"
)

// Clock is a virtual clock for tests: sleeping records the wait and moves
// the clock on, at once.
type Clock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

// NewClock starts a virtual clock.
func NewClock() *Clock { return &Clock{now: time.Date(2024, 2, 14, 21, 0, 0, 0, time.UTC)} }

// Now is the virtual time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep records d and advances the clock.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	return nil
}

// Waits returns the recorded waits.
func (c *Clock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// Total is the sum of the recorded waits.
func (c *Clock) Total() time.Duration {
	var sum time.Duration
	for _, w := range c.Waits() {
		sum += w
	}
	return sum
}

// UseClock makes the limiter wait on the virtual clock.
func (l *Limiter) UseClock(c *Clock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.now, l.sleep = c.Now, c.Sleep
	l.last = time.Time{}
}

// UseClock makes the client and its limiter wait on the virtual clock,
// with no jitter (backoff waits are half the nominal backoff).
func (cl *Client) UseClock(c *Clock) {
	cl.sleep = c.Sleep
	cl.jitter = func(time.Duration) time.Duration { return 0 }
	cl.limiter.UseClock(c)
}

package gorgias

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLimiterAllowsABurstThenPacesCalls(t *testing.T) {
	clock := NewClock()
	l := NewLimiter(4, 2*time.Second) // 2 per second
	l.UseClock(clock)
	ctx := context.Background()
	for range 4 {
		require.NoError(t, l.Wait(ctx))
	}
	require.Empty(t, clock.Waits(), "the burst goes through at once")
	require.NoError(t, l.Wait(ctx))
	require.NoError(t, l.Wait(ctx))
	require.Equal(t, []time.Duration{500 * time.Millisecond, 500 * time.Millisecond}, clock.Waits())
}

func TestLimiterFollowsTheAccountUsageHeader(t *testing.T) {
	clock := NewClock()
	l := NewLimiter(40, 20*time.Second)
	l.UseClock(clock)
	ctx := context.Background()
	require.NoError(t, l.Wait(ctx))
	// Other processes used the account: 39 of 40 calls are taken.
	l.observe("39/40")
	require.NoError(t, l.Wait(ctx))
	require.Empty(t, clock.Waits())
	require.NoError(t, l.Wait(ctx))
	require.Equal(t, []time.Duration{500 * time.Millisecond}, clock.Waits(), "near the limit it slows down")

	l.observe("garbage")
	l.observe("3/0")
}

func TestLimiterPauseHoldsEveryCaller(t *testing.T) {
	clock := NewClock()
	l := NewLimiter(40, 20*time.Second)
	l.UseClock(clock)
	l.pause(3 * time.Second)
	require.NoError(t, l.Wait(context.Background()))
	require.Equal(t, []time.Duration{3 * time.Second}, clock.Waits())
	require.NoError(t, l.Wait(context.Background()))
	require.Equal(t, 3*time.Second+500*time.Millisecond, clock.Total(), "then the bucket fills from empty")
}

func TestLimiterNeverWaitsPastTheDeadline(t *testing.T) {
	clock := NewClock()
	l := NewLimiter(1, time.Minute)
	l.UseClock(clock)
	require.NoError(t, l.Wait(context.Background()))
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := l.Wait(ctx)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	require.True(t, errors.Is(err, ErrRateLimited), "%v", err)
	wait, ok := RetryAfter(fmt.Errorf("read ticket 7: %w", err))
	require.True(t, ok)
	require.InDelta(t, time.Minute.Seconds(), wait.Seconds(), 1, "the budget has room again in about a minute")
	require.Empty(t, clock.Waits())
	// The refused call did not use up the token it would have waited for.
	clock.Sleep(context.Background(), time.Minute)
	require.NoError(t, l.Wait(context.Background()))
	require.Len(t, clock.Waits(), 1)
}

func TestRetryAfterNamesOnlyRateLimits(t *testing.T) {
	d, ok := RetryAfter(&APIError{Status: 429, RetryAfter: 7 * time.Second})
	require.True(t, ok)
	require.Equal(t, 7*time.Second, d)
	_, ok = RetryAfter(&APIError{Status: 503, RetryAfter: 7 * time.Second})
	require.False(t, ok)
	_, ok = RetryAfter(context.DeadlineExceeded)
	require.False(t, ok)
	_, ok = RetryAfter(nil)
	require.False(t, ok)
}

func TestLimitersSharePerAccountAndKind(t *testing.T) {
	var ls Limiters
	a := ls.For("acme", AuthBasic)
	require.Same(t, a, ls.For("ACME", AuthBasic))
	require.NotSame(t, a, ls.For("acme", AuthOAuth))
	require.NotSame(t, a, ls.For("globex", AuthBasic))
	require.Equal(t, float64(DefaultOAuthRequests), ls.For("acme", AuthOAuth).burst)
	require.Equal(t, float64(DefaultBasicRequests), a.burst)
}

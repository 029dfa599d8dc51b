package account

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword(context.Background(), "correct horse battery")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$"), h)
	require.NotContains(t, h, "correct horse")

	ok, err := VerifyPassword(context.Background(), h, "correct horse battery")
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = VerifyPassword(context.Background(), h, "correct horse batterY")
	require.NoError(t, err)
	require.False(t, ok)

	h2, err := HashPassword(context.Background(), "correct horse battery")
	require.NoError(t, err)
	require.NotEqual(t, h, h2, "salted")

	for _, bad := range []string{"", "$bcrypt$x", "$argon2id$v=18$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1,t=1,p=1$!!$AA"} {
		_, err := VerifyPassword(context.Background(), bad, "x")
		require.Error(t, err, bad)
	}
}

// A burst of password checks runs at most len(argonSlots) argon2
// computations (19 MiB each) at once; the rest wait their turn.
func TestArgonWorkIsBounded(t *testing.T) {
	h, err := HashPassword(context.Background(), "correct horse battery")
	require.NoError(t, err)
	var peak int64
	var mu sync.Mutex
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stop:
				return
			default:
			}
			n := argonRunning.Load()
			mu.Lock()
			peak = max(peak, n)
			mu.Unlock()
		}
	}()
	var wg sync.WaitGroup
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := VerifyPassword(context.Background(), h, "wrong horse battery")
			require.NoError(t, err)
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled
	require.Positive(t, peak)
	require.LessOrEqual(t, peak, int64(cap(argonSlots)))
	require.Less(t, cap(argonSlots), 24)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range cap(argonSlots) {
		argonSlots <- struct{}{}
	}
	_, err = VerifyPassword(ctx, h, "x")
	require.ErrorIs(t, err, context.Canceled, "a caller that gives up does not wait for a slot")
	for range cap(argonSlots) {
		<-argonSlots
	}
	for _, bad := range []string{"$argon2id$v=19$m=4194304,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		_, err := VerifyPassword(context.Background(), bad, "x")
		require.ErrorContains(t, err, "out of range", "a stored hash cannot ask for 4 GiB")
	}
}

func TestRoles(t *testing.T) {
	require.True(t, RoleOwner.AtLeast(RoleAdmin))
	require.True(t, RoleAdmin.AtLeast(RoleAdmin))
	require.False(t, RoleEditor.AtLeast(RoleAdmin))
	require.False(t, RoleViewer.AtLeast(RoleEditor))
	require.False(t, Role("root").AtLeast(RoleViewer))
	require.NoError(t, grantable(RoleAdmin, RoleEditor))
	require.ErrorIs(t, grantable(RoleAdmin, RoleOwner), ErrForbidden)
	require.ErrorContains(t, grantable(RoleOwner, Role("god")), "must be one of owner, admin, editor, viewer")
}

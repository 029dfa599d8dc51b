package account

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$"), h)
	require.NotContains(t, h, "correct horse")

	ok, err := VerifyPassword(h, "correct horse battery")
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = VerifyPassword(h, "correct horse batterY")
	require.NoError(t, err)
	require.False(t, ok)

	h2, err := HashPassword("correct horse battery")
	require.NoError(t, err)
	require.NotEqual(t, h, h2, "salted")

	for _, bad := range []string{"", "$bcrypt$x", "$argon2id$v=18$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1,t=1,p=1$!!$AA"} {
		_, err := VerifyPassword(bad, "x")
		require.Error(t, err, bad)
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

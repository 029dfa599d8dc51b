package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/account"
)

func TestFirstRunSetupThenLogin(t *testing.T) {
	a := newAPI(t, guards{})
	anon := a.anon()
	var setup struct{ Needed bool }
	anon.must(200, "GET", "/api/setup", nil).JSON(t, &setup)
	require.True(t, setup.Needed)
	require.Equal(t, 401, anon.call("GET", "/api/auth/me", nil).Status)

	// Validation names every bad field.
	r := anon.call("POST", "/api/setup", map[string]string{"email": "nope", "name": "", "password": "short"})
	require.Equal(t, 422, r.Status)
	require.Equal(t, map[string]string{"email": "must be an email address such as ana@example.com",
		"name": "is required", "password": "must be at least 10 characters"}, r.Fields(t))

	owner := a.anon()
	owner.host = "127.0.0.1:8080"
	r = owner.must(201, "POST", "/api/setup", map[string]string{"email": "Owner@Deskmate.test", "name": "Olivia", "password": goodPassword})
	cookie := r.Header.Get("Set-Cookie")
	require.Contains(t, cookie, "HttpOnly")
	require.Contains(t, strings.ToLower(cookie), "samesite=lax")
	require.Contains(t, cookie, "secure", "loopback is a secure context: the cookie is Secure")
	var s struct {
		User struct {
			Email        string `json:"email"`
			InstanceRole string `json:"instance_role"`
		} `json:"user"`
		CSRF string `json:"csrf_token"`
	}
	r.JSON(t, &s)
	require.Equal(t, "owner@deskmate.test", s.User.Email)
	require.Equal(t, "owner", s.User.InstanceRole)
	require.NotEmpty(t, s.CSRF)

	anon.must(200, "GET", "/api/setup", nil).JSON(t, &setup)
	require.False(t, setup.Needed)
	require.Equal(t, 409, a.anon().call("POST", "/api/setup", map[string]string{"email": "x@y.test", "name": "X", "password": goodPassword}).Status)

	owner.must(200, "GET", "/api/auth/me", nil)
	owner.must(204, "POST", "/api/auth/logout", nil)
	require.Equal(t, 401, owner.call("GET", "/api/auth/me", nil).Status)

	// Email is case-insensitive at sign-in.
	again := a.anon()
	again.must(200, "POST", "/api/auth/login", map[string]string{"email": "OWNER@deskmate.test", "password": goodPassword})
	again.must(200, "GET", "/api/auth/me", nil)
}

func TestLoginFailuresAreThrottled(t *testing.T) {
	a := newAPI(t, guards{})
	a.owner()
	u := a.anon()
	for i := 0; i < 5; i++ {
		r := u.call("POST", "/api/auth/login", map[string]string{"email": "owner@deskmate.test", "password": "wrong password!"})
		require.Equal(t, 401, r.Status)
		require.Equal(t, "invalid_credentials", r.ErrorCode(t))
	}
	r := u.call("POST", "/api/auth/login", map[string]string{"email": "owner@deskmate.test", "password": goodPassword})
	require.Equal(t, 429, r.Status, "even the right password waits once the limit is hit")
	retry, err := strconv.Atoi(r.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.InDelta(t, 900, retry, 5)

	// An unknown email fails the same way (no account enumeration) and counts too.
	r = u.call("POST", "/api/auth/login", map[string]string{"email": "ghost@deskmate.test", "password": "whatever123"})
	require.Equal(t, 401, r.Status)
	require.Equal(t, "invalid_credentials", r.ErrorCode(t))
}

func TestLogoutEverywhereAndPasswordChange(t *testing.T) {
	a := newAPI(t, guards{})
	first := a.owner()
	second := a.anon()
	second.must(200, "POST", "/api/auth/login", map[string]string{"email": "owner@deskmate.test", "password": goodPassword})
	third := a.anon()
	third.must(200, "POST", "/api/auth/login", map[string]string{"email": "owner@deskmate.test", "password": goodPassword})

	r := first.call("PUT", "/api/auth/password", map[string]string{"current_password": "not it at all", "new_password": "another good one"})
	require.Equal(t, 422, r.Status)
	require.Equal(t, "is wrong", r.Fields(t)["current_password"])
	first.must(204, "PUT", "/api/auth/password", map[string]string{"current_password": goodPassword, "new_password": "another good one"})
	first.must(200, "GET", "/api/auth/me", nil)
	require.Equal(t, 401, second.call("GET", "/api/auth/me", nil).Status, "a password change ends the other sessions")

	fourth := a.anon()
	fourth.must(200, "POST", "/api/auth/login", map[string]string{"email": "owner@deskmate.test", "password": "another good one"})
	first.must(204, "POST", "/api/auth/logout-all", nil)
	require.Equal(t, 401, first.call("GET", "/api/auth/me", nil).Status)
	require.Equal(t, 401, fourth.call("GET", "/api/auth/me", nil).Status)
	require.Equal(t, 401, third.call("GET", "/api/auth/me", nil).Status)
}

func TestCSRFProtection(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()

	r := owner.call("POST", "/api/workspaces", map[string]string{"name": "A", "slug": "a"}, "X-CSRF-Token", "")
	require.Equal(t, 403, r.Status)
	require.Equal(t, "csrf", r.ErrorCode(t))
	r = owner.call("POST", "/api/workspaces", map[string]string{"name": "A", "slug": "a"}, "X-CSRF-Token", "forged")
	require.Equal(t, 403, r.Status)
	r = owner.call("POST", "/api/workspaces", map[string]string{"name": "A", "slug": "a"}, "Origin", "https://evil.example")
	require.Equal(t, 403, r.Status)
	require.Equal(t, "csrf", r.ErrorCode(t))
	// A form post (not JSON) is refused before anything happens.
	r = owner.call("POST", "/api/workspaces", "name=A&slug=a", "Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusUnsupportedMediaType, r.Status)

	owner.must(201, "POST", "/api/workspaces", map[string]string{"name": "A", "slug": "a"})
}

func TestBootstrapOwnerFromConfig(t *testing.T) {
	a := newAPI(t, guards{})
	svc := a.srvAccounts()
	created, err := svc.Bootstrap(ctx(t), "Admin@Example.test", goodPassword)
	require.NoError(t, err)
	require.True(t, created)
	created, err = svc.Bootstrap(ctx(t), "other@example.test", goodPassword)
	require.NoError(t, err)
	require.False(t, created, "bootstrap only acts while no user exists")
	_, err = svc.Bootstrap(ctx(t), "bad", "short")
	require.ErrorContains(t, err, "DESKMATE_ADMIN_EMAIL/DESKMATE_ADMIN_PASSWORD")

	u := a.anon()
	var me struct {
		User struct {
			InstanceRole string `json:"instance_role"`
		} `json:"user"`
	}
	u.must(200, "POST", "/api/auth/login", map[string]string{"email": "admin@example.test", "password": goodPassword}).JSON(t, &me)
	require.Equal(t, "owner", me.User.InstanceRole)
}

// A burst of parallel guesses is counted before any password is checked:
// no more than the limit are ever checked.
func TestParallelLoginBurstPassesNoMoreThanTheLimit(t *testing.T) {
	a := newAPI(t, guards{})
	a.owner()
	const n = 20
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- a.anon().call("POST", "/api/auth/login", map[string]string{"email": "owner@deskmate.test", "password": "wrong password!"}).Status
		}()
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for s := range statuses {
		counts[s]++
	}
	require.LessOrEqual(t, counts[401], account.MaxFailuresEmail, "checked guesses: %v", counts)
	require.Equal(t, n, counts[401]+counts[429], "%v", counts)
	// Guesses refused unchecked do not count; checked ones do, up to the limit.
	checked := counts[401]
	for checked < account.MaxFailuresEmail {
		r := a.anon().call("POST", "/api/auth/login", map[string]string{"email": "owner@deskmate.test", "password": "wrong password!"})
		require.Equal(t, 401, r.Status)
		checked++
	}
	r := a.anon().call("POST", "/api/auth/login", map[string]string{"email": "owner@deskmate.test", "password": goodPassword})
	require.Equal(t, 429, r.Status)
}

// A workspace admin cannot brute-force an existing account's password
// through an invitation to its email: the sign-in throttle applies.
func TestInvitationPasswordChecksAreThrottled(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	var inv struct {
		URL string `json:"url"`
	}
	owner.must(201, "POST", wsPath(w.ID, "/invitations"), map[string]string{"email": "victim@deskmate.test", "role": "viewer"}).JSON(t, &inv)
	// The victim exists with a password; an admin invites them elsewhere.
	victim := a.anon()
	var created struct {
		URL string `json:"url"`
	}
	w2 := owner.createWorkspace("beta", nil)
	owner.must(201, "POST", wsPath(w2.ID, "/invitations"), map[string]string{"email": "victim@deskmate.test", "role": "viewer"}).JSON(t, &created)
	victim.must(200, "POST", "/api/invitations/"+strings.TrimPrefix(inv.URL, "/invite/")+"/accept", map[string]string{"name": "Vic", "password": goodPassword})
	token := strings.TrimPrefix(created.URL, "/invite/")
	attacker := a.anon()
	for i := range 5 {
		r := attacker.call("POST", "/api/invitations/"+token+"/accept", map[string]string{"password": "guess number " + itoa(int64(i))})
		require.Equal(t, 422, r.Status, "guess %d: %s", i+1, r.Body)
	}
	r := attacker.call("POST", "/api/invitations/"+token+"/accept", map[string]string{"password": "guess number 6"})
	require.Equal(t, 429, r.Status, "the 6th wrong guess is refused: %s", r.Body)
	retry, err := strconv.Atoi(r.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.InDelta(t, 900, retry, 5)
	r = attacker.call("POST", "/api/invitations/"+token+"/accept", map[string]string{"password": goodPassword})
	require.Equal(t, 429, r.Status, "even the right password waits")
	// The same counter guards sign-in.
	r = a.anon().call("POST", "/api/auth/login", map[string]string{"email": "victim@deskmate.test", "password": goodPassword})
	require.Equal(t, 429, r.Status)
}

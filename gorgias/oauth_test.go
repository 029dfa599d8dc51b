package gorgias

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// jwt makes an unsigned JWT-shaped token with the given payload.
func jwt(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(payload)) + ".c2ln"
}

func TestJWTClaims(t *testing.T) {
	tests := []struct {
		name   string
		token  string
		user   int64
		expiry time.Time
	}{
		{"sub as a string", jwt(`{"sub": "387654483", "exp": 1707946272, "scope": "openid"}`), 387654483, time.Unix(1707946272, 0).UTC()},
		{"sub as a number, exp as a float", jwt(`{"sub": 42, "exp": 1707946272.5}`), 42, time.Unix(1707946272, 500000000).UTC()},
		{"no claims", jwt(`{}`), 0, time.Time{}},
		{"not a JWT", "opaque-token", 0, time.Time{}},
		{"bad payload", "a.!!!.c", 0, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := parseJWTClaims(tt.token)
			require.Equal(t, tt.user, c.userID())
			require.Equal(t, tt.expiry, c.expiresAt())
		})
	}
}

var testOAuth = OAuthConfig{
	ClientID: "deskmate id", ClientSecret: "s3cr3t&more", RedirectURL: "https://dm.example/oauth/callback?account=acme",
	Scopes: []string{"openid", "offline", "tickets:write"},
}

func TestAuthorizeURL(t *testing.T) {
	u, err := url.Parse(testOAuth.AuthorizeURL("https://acme.gorgias.com/", "st4te", "n0nce"))
	require.NoError(t, err)
	require.Equal(t, "acme.gorgias.com", u.Host)
	require.Equal(t, "/oauth/authorize", u.Path)
	q := u.Query()
	require.Equal(t, "code", q.Get("response_type"))
	require.Equal(t, "deskmate id", q.Get("client_id"))
	require.Equal(t, "openid offline tickets:write", q.Get("scope"))
	require.Equal(t, testOAuth.RedirectURL, q.Get("redirect_uri"))
	require.Equal(t, "st4te", q.Get("state"))
	require.Equal(t, "n0nce", q.Get("nonce"))
}

func TestTokenEndpoint(t *testing.T) {
	exp := time.Now().Add(24 * time.Hour).Unix()
	access := jwt(`{"sub": "7", "scope": "openid offline", "exp": ` + strconv.FormatInt(exp, 10) + `}`)
	tests := []struct {
		name        string
		answer      http.HandlerFunc
		call        func(*testing.T, string) (Token, error)
		refresh     string
		expiresSoon bool
	}{
		{"exchange", answer(200, `{"access_token": "`+access+`", "refresh_token": "r1", "id_token": "i", "scope": "openid offline", "token_type": "Bearer", "expires_in": 86400}`),
			func(t *testing.T, base string) (Token, error) {
				return testOAuth.Exchange(context.Background(), nil, base, "c0de")
			}, "r1", false},
		{"refresh without a new refresh token keeps the old one", answer(200, `{"access_token": "`+access+`", "expires_in": 86400}`),
			func(t *testing.T, base string) (Token, error) {
				return testOAuth.Refresh(context.Background(), http.DefaultClient, base, "r-old")
			}, "r-old", false},
		{"refresh with a rotated refresh token", answer(200, `{"access_token": "`+access+`", "refresh_token": "r-new"}`),
			func(t *testing.T, base string) (Token, error) {
				return testOAuth.Refresh(context.Background(), http.DefaultClient, base, "r-old")
			}, "r-new", false},
		{"an opaque token expires by expires_in", answer(200, `{"access_token": "opaque", "expires_in": 60}`),
			func(t *testing.T, base string) (Token, error) {
				return testOAuth.Refresh(context.Background(), http.DefaultClient, base, "r-old")
			}, "r-old", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, srv := newScripted(t, tt.answer)
			tok, err := tt.call(t, srv.URL+"/acme")
			require.NoError(t, err)
			require.Equal(t, tt.refresh, tok.RefreshToken)
			got := s.requests()[0]
			require.Equal(t, "/acme/oauth/token", got.path)
			user, pass := basicAuthOf(t, got.auth)
			require.Equal(t, "deskmate+id", user, "client credentials are form-encoded")
			require.Equal(t, "s3cr3t%26more", pass)
			if tt.expiresSoon {
				require.WithinDuration(t, time.Now().Add(time.Minute), tok.ExpiresAt, 5*time.Second)
				return
			}
			require.Equal(t, int64(7), tok.UserID)
			require.Equal(t, time.Unix(exp, 0).UTC(), tok.ExpiresAt, "from the JWT exp claim")
			require.Equal(t, "openid offline", tok.Scope)
			require.NotContains(t, tok.String(), tok.AccessToken)
		})
	}
}

func TestRefreshAfterUninstallIsInvalidGrant(t *testing.T) {
	s, srv := newScripted(t, answer(400, `{"error": "invalid_grant", "error_description": "Token revoked"}`))
	_, err := testOAuth.Refresh(context.Background(), nil, srv.URL, "r-revoked")
	require.ErrorIs(t, err, ErrInvalidGrant)
	require.ErrorContains(t, err, "gorgias: oauth token: 400 invalid_grant: Token revoked")
	require.NotContains(t, err.Error(), "s3cr3t")
	require.NotContains(t, err.Error(), "r-revoked")
	form, _ := url.ParseQuery(s.requests()[0].body)
	require.Equal(t, "refresh_token", form.Get("grant_type"))

	_, srv = newScripted(t, answer(401, `{"error": "invalid_client"}`))
	_, err = testOAuth.Exchange(context.Background(), nil, srv.URL, "c")
	require.NotErrorIs(t, err, ErrInvalidGrant)
	require.ErrorContains(t, err, "invalid_client")
}

func basicAuthOf(t *testing.T, header string) (string, string) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(header, "Basic "))
	require.NoError(t, err)
	user, pass, _ := strings.Cut(string(raw), ":")
	return user, pass
}

package gorgias

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrInvalidGrant is a refused code or refresh token: for a refresh token
// it means the app was uninstalled (the token was revoked).
var ErrInvalidGrant = errors.New("gorgias: invalid_grant")

// maxOAuthResponse bounds a token endpoint answer.
const maxOAuthResponse = 1 << 20

// OAuthConfig is a public app's registration with Gorgias.
type OAuthConfig struct {
	ClientID     string
	ClientSecret string
	RedirectURL  string
	// Scopes, e.g. openid email profile offline tickets:read tickets:write;
	// "offline" yields a refresh token.
	Scopes []string
}

// Scopes is what Deskmate asks for: a refresh token (offline), the account,
// users and teams (the bot user, hand-over targets), customers (their
// orders), tickets (messages, tags, views, assignment) and integrations
// (its HTTP integrations and sidebar widget).
var Scopes = []string{"openid", "email", "profile", "offline", "account:read", "users:read", "users:write",
	"customers:read", "tickets:read", "tickets:write", "integrations:read", "integrations:write"}

// String leaves the secret out.
func (c OAuthConfig) String() string { return "OAuthConfig{" + c.ClientID + " [secret redacted]}" }

// GoString leaves the secret out of %#v too.
func (c OAuthConfig) GoString() string { return c.String() }

// Token is the result of a code exchange or a refresh. ExpiresAt comes from
// the access token's exp claim, or from expires_in when the token is not a
// JWT; UserID is the claim sub, the user who installed the app.
type Token struct {
	AccessToken  string
	RefreshToken string
	IDToken      string
	Scope        string
	ExpiresAt    time.Time
	UserID       int64
}

// String leaves the tokens out.
func (t Token) String() string {
	return fmt.Sprintf("Token{user %d, scope %q, expires %s [tokens redacted]}", t.UserID, t.Scope, t.ExpiresAt.Format(time.RFC3339))
}

// GoString leaves the tokens out of %#v too.
func (t Token) GoString() string { return t.String() }

// OAuthError is an error answer of the token or revoke endpoint.
type OAuthError struct {
	Status      int
	Code        string // invalid_grant, invalid_client, …
	Description string
	Endpoint    string // token, revoke
}

func (e *OAuthError) Error() string {
	s := fmt.Sprintf("gorgias: oauth %s: %d %s", e.Endpoint, e.Status, e.Code)
	if e.Description != "" {
		s += ": " + clip(e.Description, 200)
	}
	return s
}

// Is matches ErrInvalidGrant.
func (e *OAuthError) Is(target error) bool {
	return target == ErrInvalidGrant && e.Code == "invalid_grant"
}

func oauthURL(baseURL, endpoint string) string {
	base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(baseURL), "/"), "/api")
	return base + "/oauth/" + endpoint
}

// AuthorizeURL is where to send the merchant's browser to approve the app on
// the account at baseURL ("https://acme.gorgias.com"). Check state when the
// browser comes back to RedirectURL with code and state.
func (c OAuthConfig) AuthorizeURL(baseURL, state, nonce string) string {
	q := url.Values{
		"response_type": {"code"},
		"client_id":     {c.ClientID},
		"scope":         {strings.Join(c.Scopes, " ")},
		"redirect_uri":  {c.RedirectURL},
		"state":         {state},
	}
	if nonce != "" {
		q.Set("nonce", nonce)
	}
	return oauthURL(baseURL, "authorize") + "?" + q.Encode()
}

// Exchange trades an authorization code for tokens.
func (c OAuthConfig) Exchange(ctx context.Context, hc *http.Client, baseURL, code string) (Token, error) {
	return c.token(ctx, hc, baseURL, url.Values{
		"grant_type":   {"authorization_code"},
		"code":         {code},
		"redirect_uri": {c.RedirectURL},
	}, "")
}

// Refresh gets a new access token. When Gorgias returns no new refresh
// token the old one is kept. An uninstalled app gets ErrInvalidGrant.
func (c OAuthConfig) Refresh(ctx context.Context, hc *http.Client, baseURL, refreshToken string) (Token, error) {
	return c.token(ctx, hc, baseURL, url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {refreshToken},
	}, refreshToken)
}

// Revoke revokes a refresh (or access) token.
func (c OAuthConfig) Revoke(ctx context.Context, hc *http.Client, baseURL, token string) error {
	_, err := c.post(ctx, hc, baseURL, "revoke", url.Values{"token": {token}})
	return err
}

func (c OAuthConfig) token(ctx context.Context, hc *http.Client, baseURL string, form url.Values, oldRefresh string) (Token, error) {
	data, err := c.post(ctx, hc, baseURL, "token", form)
	if err != nil {
		return Token{}, err
	}
	var body struct {
		AccessToken  string      `json:"access_token"`
		RefreshToken string      `json:"refresh_token"`
		IDToken      string      `json:"id_token"`
		Scope        string      `json:"scope"`
		ExpiresIn    json.Number `json:"expires_in"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		return Token{}, fmt.Errorf("gorgias: oauth token: decode answer: %w", err)
	}
	if body.AccessToken == "" {
		return Token{}, errors.New("gorgias: oauth token: no access_token in the answer")
	}
	t := Token{
		AccessToken:  body.AccessToken,
		RefreshToken: body.RefreshToken,
		IDToken:      body.IDToken,
		Scope:        body.Scope,
	}
	if t.RefreshToken == "" {
		t.RefreshToken = oldRefresh
	}
	claims, _ := parseJWTClaims(body.AccessToken)
	t.UserID = claims.userID()
	t.ExpiresAt = claims.expiresAt()
	if t.ExpiresAt.IsZero() {
		if s, err := body.ExpiresIn.Float64(); err == nil && s > 0 {
			t.ExpiresAt = time.Now().Add(time.Duration(s * float64(time.Second)))
		}
	}
	if t.Scope == "" {
		t.Scope = claims.Scope
	}
	return t, nil
}

// post sends a client-authenticated form to an OAuth endpoint.
func (c OAuthConfig) post(ctx context.Context, hc *http.Client, baseURL, endpoint string, form url.Values) ([]byte, error) {
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, oauthURL(baseURL, endpoint), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("gorgias: oauth %s: %w", endpoint, err)
	}
	req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.ClientSecret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("gorgias: oauth %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxOAuthResponse+1))
	if err != nil {
		return nil, fmt.Errorf("gorgias: oauth %s: %w", endpoint, err)
	}
	if len(data) > maxOAuthResponse {
		return nil, fmt.Errorf("%w (oauth %s)", ErrResponseTooLarge, endpoint)
	}
	if resp.StatusCode >= 300 {
		e := &OAuthError{Status: resp.StatusCode, Endpoint: endpoint}
		var body struct {
			Error            string `json:"error"`
			ErrorDescription string `json:"error_description"`
		}
		if json.Unmarshal(data, &body) == nil {
			e.Code, e.Description = body.Error, body.ErrorDescription
		}
		if e.Code == "" {
			e.Code = http.StatusText(resp.StatusCode)
		}
		return nil, e
	}
	return data, nil
}

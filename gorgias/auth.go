package gorgias

import (
	"context"
	"fmt"
	"net/http"
)

// AuthKind is how a client authenticates; Gorgias gives each kind its own
// rate-limit budget per account.
type AuthKind string

// The two ways to call the Gorgias API.
const (
	AuthBasic AuthKind = "basic" // private app: agent e-mail and REST API key
	AuthOAuth AuthKind = "oauth" // public app: OAuth2 access token
)

// Auth authenticates a request to the Gorgias API.
type Auth interface {
	Apply(ctx context.Context, req *http.Request) error
	Kind() AuthKind
}

// BasicAuth is a private app's credentials: the e-mail of the user the key
// belongs to and the REST API key.
type BasicAuth struct {
	Email  string
	APIKey string
}

// Apply sets the Authorization header.
func (a BasicAuth) Apply(_ context.Context, req *http.Request) error {
	req.SetBasicAuth(a.Email, a.APIKey)
	return nil
}

// Kind is AuthBasic.
func (a BasicAuth) Kind() AuthKind { return AuthBasic }

// String leaves the key out, so printing the value never shows it.
func (a BasicAuth) String() string { return "BasicAuth{" + a.Email + " [key redacted]}" }

// GoString leaves the key out of %#v too.
func (a BasicAuth) GoString() string { return a.String() }

// TokenSource hands out a valid OAuth2 access token. The caller implements
// it, refreshing the token (OAuthConfig.Refresh) before it expires and
// storing the result.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// Bearer authenticates with an OAuth2 access token from Source.
type Bearer struct {
	Source TokenSource
}

// Apply sets "Authorization: Bearer <token>".
func (b Bearer) Apply(ctx context.Context, req *http.Request) error {
	if b.Source == nil {
		return fmt.Errorf("gorgias: bearer auth without a token source")
	}
	tok, err := b.Source.Token(ctx)
	if err != nil {
		return fmt.Errorf("gorgias: access token: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// Kind is AuthOAuth.
func (b Bearer) Kind() AuthKind { return AuthOAuth }

// StaticToken is a TokenSource that always returns the same token (tests,
// scripts).
type StaticToken string

// Token returns the token.
func (s StaticToken) Token(context.Context) (string, error) { return string(s), nil }

// String leaves the token out.
func (s StaticToken) String() string { return "StaticToken[redacted]" }

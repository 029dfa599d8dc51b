package connector

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// OAuth: an admin starts the install from Deskmate (or from Gorgias' App
// Store, which opens the install URL), approves in Gorgias, and Gorgias
// redirects back with a code that Deskmate exchanges for tokens. Access
// tokens last a day: they are refreshed before they expire, by the job that
// needs one or by the periodic refresh, and revoked on disconnect.

// ErrOAuthUnavailable says the operator configured no Gorgias app.
var ErrOAuthUnavailable = errors.New("installing with Gorgias needs the app's client id and secret (DESKMATE_GORGIAS_CLIENT_ID, DESKMATE_GORGIAS_CLIENT_SECRET); use an API key instead")

// ErrBadOAuthState says an OAuth callback does not match a started install.
var ErrBadOAuthState = errors.New("this Gorgias authorization was not started here or has expired: start the installation again")

// refreshBefore is how long before expiry an access token is refreshed.
const refreshBefore = 10 * time.Minute

// oauthState is kept between the start of an install and its callback.
type oauthState struct {
	State   string    `json:"state"`
	UserID  int64     `json:"user_id"`
	Expires time.Time `json:"expires"`
}

// OAuthAvailable reports whether installing with Gorgias is configured.
func (s *Service) OAuthAvailable() bool { return s.oauth != nil && s.oauth.ClientID != "" }

// StartOAuth returns the Gorgias URL an admin is sent to, to approve
// Deskmate on the workspace's account.
func (s *Service) StartOAuth(ctx context.Context, actor account.Actor) (string, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return "", err
	}
	if !s.OAuthAvailable() {
		return "", ErrOAuthUnavailable
	}
	c, _, err := s.connection(ctx, s.db.Pool, actor.WorkspaceID)
	if err != nil {
		return "", err
	}
	base, err := s.baseURL(ctx, c)
	if err != nil {
		return "", err
	}
	nonce := randomHex(16)
	st := oauthState{State: strconv.FormatInt(actor.WorkspaceID, 10) + "." + randomHex(24), UserID: actor.User.ID,
		Expires: time.Now().Add(15 * time.Minute)}
	if err := store.PutWorkspaceSetting(ctx, s.db.Pool, actor.WorkspaceID, "gorgias_oauth_state", st); err != nil {
		return "", err
	}
	return s.oauth.AuthorizeURL(base, st.State, nonce), nil
}

// StateWorkspace reads the workspace an OAuth state belongs to.
func StateWorkspace(state string) (int64, error) {
	ws, _, ok := strings.Cut(state, ".")
	id, err := strconv.ParseInt(ws, 10, 64)
	if !ok || err != nil || id <= 0 {
		return 0, ErrBadOAuthState
	}
	return id, nil
}

// FinishOAuth exchanges the code Gorgias sent back for tokens and stores
// them encrypted; the connection then uses them.
func (s *Service) FinishOAuth(ctx context.Context, actor account.Actor, state, code string) error {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return err
	}
	if !s.OAuthAvailable() {
		return ErrOAuthUnavailable
	}
	var want oauthState
	if err := store.WorkspaceSetting(ctx, s.db.Pool, actor.WorkspaceID, "gorgias_oauth_state", &want); err != nil {
		return ErrBadOAuthState
	}
	if subtle.ConstantTimeCompare([]byte(want.State), []byte(state)) != 1 || time.Now().After(want.Expires) ||
		want.UserID != actor.User.ID || code == "" {
		return ErrBadOAuthState
	}
	c, _, err := s.connection(ctx, s.db.Pool, actor.WorkspaceID)
	if err != nil {
		return err
	}
	base, err := s.baseURL(ctx, c)
	if err != nil {
		return err
	}
	tok, err := s.oauth.Exchange(ctx, s.http, base, code)
	if err != nil {
		return fmt.Errorf("the authorization was refused by Gorgias: %w", err)
	}
	return s.changeConnection(ctx, actor.WorkspaceID, func(tx pgx.Tx) error {
		c, err := store.LockGorgiasConnection(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		if err := s.storeToken(ctx, tx, actor.WorkspaceID, tok); err != nil {
			return err
		}
		c.AuthKind, c.OAuthExpiresAt = "oauth", &tok.ExpiresAt
		if err := store.SaveGorgiasConnection(ctx, tx, c); err != nil {
			return err
		}
		if err := store.PutWorkspaceSetting(ctx, tx, actor.WorkspaceID, "gorgias_oauth_state", oauthState{}); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "gorgias.oauth", "", nil)
	})
}

func (s *Service) storeToken(ctx context.Context, tx pgx.Tx, workspaceID int64, tok gorgias.Token) error {
	if err := s.workspaces.StoreSecret(ctx, tx, workspaceID, workspace.SecretGorgiasAccessToken, tok.AccessToken); err != nil {
		return err
	}
	if tok.RefreshToken == "" {
		return nil
	}
	return s.workspaces.StoreSecret(ctx, tx, workspaceID, workspace.SecretGorgiasRefreshToken, tok.RefreshToken)
}

// refreshLocks let one refresh per workspace run at a time in this process.
var refreshLocks sync.Map

// RefreshToken refreshes a workspace's access token when it expires within
// refreshBefore (or always, with force). An uninstalled app (invalid_grant)
// pauses the connection and says why on the Gorgias page.
func (s *Service) RefreshToken(ctx context.Context, workspaceID int64, force bool) error {
	_, err := s.refreshToken(ctx, workspaceID, force)
	return err
}

// refreshToken is RefreshToken; it also says until when the access token
// is valid (nil when the connection does not use OAuth).
func (s *Service) refreshToken(ctx context.Context, workspaceID int64, force bool) (*time.Time, error) {
	mu, _ := refreshLocks.LoadOrStore(workspaceID, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	c, _, err := s.connection(ctx, s.db.Pool, workspaceID)
	if err != nil {
		return nil, err
	}
	if c.AuthKind != "oauth" || c.Status == "disconnected" {
		return nil, nil
	}
	if !force && c.OAuthExpiresAt != nil && time.Until(*c.OAuthExpiresAt) > refreshBefore {
		return c.OAuthExpiresAt, nil
	}
	if !s.OAuthAvailable() {
		return nil, s.noteError(ctx, workspaceID, ErrOAuthUnavailable)
	}
	refresh, err := s.workspaces.Secret(ctx, workspaceID, workspace.SecretGorgiasRefreshToken)
	if err != nil {
		return nil, err
	}
	base, err := s.baseURL(ctx, c)
	if err != nil {
		return nil, err
	}
	tok, err := s.oauth.Refresh(ctx, s.http, base, refresh.Reveal())
	if errors.Is(err, gorgias.ErrInvalidGrant) {
		return nil, s.uninstalledInGorgias(ctx, workspaceID)
	}
	if err != nil {
		return nil, s.noteError(ctx, workspaceID, fmt.Errorf("refresh the Gorgias access token: %w", err))
	}
	return &tok.ExpiresAt, s.changeConnection(ctx, workspaceID, func(tx pgx.Tx) error {
		c, err := store.LockGorgiasConnection(ctx, tx, workspaceID)
		if err != nil {
			return err
		}
		if err := s.storeToken(ctx, tx, workspaceID, tok); err != nil {
			return err
		}
		c.OAuthExpiresAt = &tok.ExpiresAt
		return store.SaveGorgiasConnection(ctx, tx, c)
	})
}

// RefreshExpiringTokens refreshes every OAuth token that expires within an
// hour (the periodic job).
func (s *Service) RefreshExpiringTokens(ctx context.Context) error {
	ids, err := store.OAuthConnectionsExpiring(ctx, s.db.Pool, time.Now().Add(time.Hour))
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		if err := s.RefreshToken(ctx, id, true); err != nil {
			errs = append(errs, fmt.Errorf("workspace %d: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// uninstalledInGorgias pauses a connection whose app was removed in Gorgias.
func (s *Service) uninstalledInGorgias(ctx context.Context, workspaceID int64) error {
	err := s.changeConnection(ctx, workspaceID, func(tx pgx.Tx) error {
		c, err := store.LockGorgiasConnection(ctx, tx, workspaceID)
		if err != nil {
			return err
		}
		c.Status = "paused"
		if err := store.SaveGorgiasConnection(ctx, tx, c); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &workspaceID, account.System(workspaceID, "gorgias").Audit(), "gorgias.uninstalled", "", nil)
	})
	if err != nil {
		return err
	}
	return s.noteError(ctx, workspaceID, errors.New("the Gorgias app was uninstalled (its authorization was revoked): Deskmate is paused; install it again or disconnect"))
}

// tokenSource hands the Gorgias client a fresh access token.
type tokenSource struct {
	s           *Service
	workspaceID int64

	mu      sync.Mutex
	token   string
	expires time.Time
}

// Token returns the access token, refreshed first when it is about to
// expire. A client lives for one job; it keeps the token until then
// instead of reading it for every call.
func (t *tokenSource) Token(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && time.Until(t.expires) > refreshBefore {
		return t.token, nil
	}
	expires, err := t.s.refreshToken(ctx, t.workspaceID, false)
	if err != nil {
		return "", err
	}
	tok, err := t.s.workspaces.Secret(ctx, t.workspaceID, workspace.SecretGorgiasAccessToken)
	if err != nil {
		return "", err
	}
	if tok == "" {
		return "", fmt.Errorf("%w: install Deskmate with Gorgias again", ErrNotConnected)
	}
	t.token, t.expires = "", time.Time{}
	if expires != nil {
		t.token, t.expires = tok.Reveal(), *expires
	}
	return tok.Reveal(), nil
}

// revokeOAuth revokes a workspace's refresh token (disconnect); a token
// already revoked is fine.
func (s *Service) revokeOAuth(ctx context.Context, c store.GorgiasConnection) error {
	if c.AuthKind != "oauth" || !s.OAuthAvailable() {
		return nil
	}
	refresh, err := s.workspaces.Secret(ctx, c.WorkspaceID, workspace.SecretGorgiasRefreshToken)
	if err != nil || refresh == "" {
		return err
	}
	base, err := s.baseURL(ctx, c)
	if err != nil {
		return err
	}
	if err := s.oauth.Revoke(ctx, s.http, base, refresh.Reveal()); err != nil && !errors.Is(err, gorgias.ErrInvalidGrant) {
		return fmt.Errorf("revoke the Gorgias authorization: %w", err)
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

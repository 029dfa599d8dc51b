package account

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// Session lifetime: sliding, renewed on use.
const (
	SessionTTL = 14 * 24 * time.Hour
	// Throttling: failures within ThrottleWindow per email and per IP.
	ThrottleWindow   = 15 * time.Minute
	MaxFailuresEmail = 5
	MaxFailuresIP    = 20
)

// Errors callers map to HTTP answers.
var (
	ErrInvalidCredentials = errors.New("email or password is wrong")
	ErrUnauthenticated    = errors.New("not signed in")
	ErrAlreadySetUp       = errors.New("this Deskmate is already set up: sign in instead")
)

// ThrottledError says sign-in is refused for a while.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed sign-ins: try again in %d minutes", int(e.RetryAfter.Minutes()+0.999))
}

// Service implements accounts on a database. Build it with New.
type Service struct {
	db     *store.DB
	logger *slog.Logger
	clock  func() time.Time
}

// Options are what a Service needs.
type Options struct {
	DB     *store.DB
	Logger *slog.Logger
	// Now replaces the clock (tests); nil is time.Now.
	Now func() time.Time
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.DB == nil {
		return nil, errors.New("account: DB is required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{db: o.DB, logger: o.Logger, clock: o.Now}, nil
}

func (s *Service) now() time.Time { return s.clock() }

// Client describes where a request came from, kept with a session.
type Client struct {
	IP        string
	UserAgent string
}

// SignedIn is a new session: Cookie goes to the browser once.
type SignedIn struct {
	Cookie  string
	Session store.Session
	User    store.User
}

// SetupNeeded reports whether no user exists yet.
func (s *Service) SetupNeeded(ctx context.Context) (bool, error) {
	n, err := store.CountUsers(ctx, s.db.Pool)
	return n == 0, err
}

// Setup creates the instance owner when no user exists and signs them in.
func (s *Service) Setup(ctx context.Context, email, name, password string, c Client) (SignedIn, error) {
	email = normEmail(email)
	if err := checkNewUser(email, name, password); err != nil {
		return SignedIn{}, err
	}
	hash, err := HashPassword(ctx, password)
	if err != nil {
		return SignedIn{}, err
	}
	var out SignedIn
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.LockUsers(ctx, tx); err != nil {
			return err
		}
		n, err := store.CountUsers(ctx, tx)
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrAlreadySetUp
		}
		u, err := store.CreateUser(ctx, tx, email, strings.TrimSpace(name), hash, "owner")
		if err != nil {
			return err
		}
		out, err = s.startSession(ctx, tx, u, c)
		return err
	})
	return out, err
}

// Bootstrap creates the instance owner from configuration (headless installs)
// when no user exists; it reports whether it did.
func (s *Service) Bootstrap(ctx context.Context, email, password string) (bool, error) {
	email = normEmail(email)
	if err := checkNewUser(email, "Owner", password); err != nil {
		var ve *validate.Error
		if errors.As(err, &ve) {
			return false, fmt.Errorf("DESKMATE_ADMIN_EMAIL/DESKMATE_ADMIN_PASSWORD: %s", ve.Error())
		}
		return false, err
	}
	hash, err := HashPassword(ctx, password)
	if err != nil {
		return false, err
	}
	created := false
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.LockUsers(ctx, tx); err != nil {
			return err
		}
		n, err := store.CountUsers(ctx, tx)
		if err != nil || n > 0 {
			return err
		}
		u, err := store.CreateUser(ctx, tx, email, "Owner", hash, "owner")
		if err != nil {
			return err
		}
		created = true
		return store.Audit(ctx, tx, nil, store.Actor{Kind: "system", Label: "bootstrap"}, "user.create", u.Email, map[string]any{"instance_role": "owner"})
	})
	return created, err
}

// Login checks a password, with throttling per email and per IP, and starts a session.
func (s *Service) Login(ctx context.Context, email, password string, c Client) (SignedIn, error) {
	email = normEmail(email)
	if len(email) > 320 || len(password) > MaxPasswordLen {
		return SignedIn{}, ErrInvalidCredentials
	}
	u, err := store.UserByEmail(ctx, s.db.Pool, email)
	hash := dummyHash
	if err == nil {
		hash = u.PasswordHash
	} else if !errors.Is(err, store.ErrNotFound) {
		return SignedIn{}, err
	}
	ok, err := s.checkPassword(ctx, email, c.IP, hash, password)
	if err != nil {
		return SignedIn{}, err
	}
	if !ok || u.ID == 0 || u.DisabledAt != nil {
		return SignedIn{}, ErrInvalidCredentials
	}
	var out SignedIn
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		out, err = s.startSession(ctx, tx, u, c)
		return err
	})
	return out, err
}

// checkPassword checks password against hash for email, throttled per email
// and per IP. The attempt is recorded before the (costly) hash is checked, so
// parallel attempts count too and a burst cannot pass the limits; it is
// forgotten when the password is right (with the email's earlier failures)
// or when the attempt is refused unchecked. Every password check of an
// existing account goes through here: sign-in and invitations.
func (s *Service) checkPassword(ctx context.Context, email, ip, hash, password string) (bool, error) {
	id, err := store.RecordLoginAttempt(ctx, s.db.Pool, email, ip)
	if err != nil {
		return false, err
	}
	// The attempt is ours to settle whatever ctx does meanwhile.
	bg := context.WithoutCancel(ctx)
	byEmail, byIP, err := store.LoginFailures(ctx, s.db.Pool, email, ip, s.now().Add(-ThrottleWindow))
	if err != nil {
		return false, err
	}
	if byEmail.Count > MaxFailuresEmail || byIP.Count > MaxFailuresIP {
		var retry time.Duration
		if byEmail.Count > MaxFailuresEmail {
			retry = max(retry, byEmail.Oldest.Add(ThrottleWindow).Sub(s.now()))
		}
		if byIP.Count > MaxFailuresIP {
			retry = max(retry, byIP.Oldest.Add(ThrottleWindow).Sub(s.now()))
		}
		return false, errors.Join(&ThrottledError{RetryAfter: max(time.Second, retry)}, store.ForgetLoginAttempt(bg, s.db.Pool, id))
	}
	ok, err := VerifyPassword(ctx, hash, password)
	if err != nil || !ok {
		s.logger.Warn("password check failed", "email", email, "ip", ip)
		return false, err
	}
	return true, errors.Join(store.ForgetLoginAttempt(bg, s.db.Pool, id), store.ClearLoginFailures(bg, s.db.Pool, email))
}

func (s *Service) startSession(ctx context.Context, q store.Querier, u store.User, c Client) (SignedIn, error) {
	cookie, hash := newSecretToken("")
	csrf := randomString(24)
	sess, err := store.CreateSession(ctx, q, hash, u.ID, csrf, truncate(c.IP, 64), truncate(c.UserAgent, 300), s.now().Add(SessionTTL))
	return SignedIn{Cookie: cookie, Session: sess, User: u}, err
}

// Authenticate resolves a session cookie, renewing the session at most once a minute.
func (s *Service) Authenticate(ctx context.Context, cookie string) (Principal, error) {
	if cookie == "" || len(cookie) > 100 {
		return Principal{}, ErrUnauthenticated
	}
	sess, u, err := store.SessionByTokenHash(ctx, s.db.Pool, HashToken(cookie))
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, err
	}
	if s.now().Sub(sess.LastSeenAt) > time.Minute {
		if err := store.TouchSession(ctx, s.db.Pool, sess.ID, s.now().Add(SessionTTL)); err != nil {
			return Principal{}, err
		}
	}
	return Principal{User: u, SessionID: sess.ID, CSRFToken: sess.CSRFToken}, nil
}

// AuthenticateToken resolves an API token.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (Principal, error) {
	if !strings.HasPrefix(token, APITokenPrefix) || len(token) > 100 {
		return Principal{}, ErrUnauthenticated
	}
	t, err := store.APITokenByHash(ctx, s.db.Pool, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, err
	}
	if err := store.TouchAPIToken(ctx, s.db.Pool, t.ID); err != nil {
		return Principal{}, err
	}
	return Principal{Token: &t}, nil
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, p Principal) error {
	return store.DeleteSession(ctx, s.db.Pool, p.SessionID)
}

// LogoutEverywhere ends every session of the user.
func (s *Service) LogoutEverywhere(ctx context.Context, p Principal) error {
	return store.DeleteUserSessions(ctx, s.db.Pool, p.User.ID, 0)
}

// ChangePassword replaces the user's password and ends their other sessions.
func (s *Service) ChangePassword(ctx context.Context, p Principal, current, next string) error {
	ok, err := VerifyPassword(ctx, p.User.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		return validate.Field("current_password", "is wrong")
	}
	v := validate.Errors{}
	v.Length("new_password", next, MinPasswordLen, MaxPasswordLen)
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := HashPassword(ctx, next)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.SetPasswordHash(ctx, tx, p.User.ID, hash); err != nil {
			return err
		}
		return store.DeleteUserSessions(ctx, tx, p.User.ID, p.SessionID)
	})
}

// Workspaces lists what the principal may open.
func (s *Service) Workspaces(ctx context.Context, p Principal) ([]store.WorkspaceRole, error) {
	if p.Token != nil {
		w, err := store.WorkspaceByID(ctx, s.db.Pool, p.Token.WorkspaceID)
		if err != nil {
			return nil, err
		}
		return []store.WorkspaceRole{{Workspace: w, Role: p.Token.Role}}, nil
	}
	return store.ListWorkspacesForUser(ctx, s.db.Pool, p.User.ID, p.User.InstanceOwner())
}

func checkNewUser(email, name, password string) error {
	v := validate.Errors{}
	v.Email("email", email)
	v.Length("name", strings.TrimSpace(name), 1, 200)
	v.Length("password", password, MinPasswordLen, MaxPasswordLen)
	return v.Err()
}

func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("account: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

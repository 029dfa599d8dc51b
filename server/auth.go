package server

import (
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/store"
)

const (
	sessionCookie = "deskmate_session"
	csrfHeader    = "X-CSRF-Token"
	principalKey  = localsKey(100)
)

// authenticate resolves the caller (API token or session cookie) if any, and
// enforces CSRF protection on state-changing requests made with a cookie.
func (s *Server) authenticate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	unsafe := c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead && c.Method() != fiber.MethodOptions
	if auth := c.Get(fiber.HeaderAuthorization); auth != "" {
		token, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok {
			return &APIError{Status: fiber.StatusUnauthorized, Code: "unauthorized", Message: "use Authorization: Bearer dm_…"}
		}
		p, err := s.deps.Accounts.AuthenticateToken(ctx, strings.TrimSpace(token))
		if err != nil {
			return err
		}
		c.Locals(principalKey, p)
		return c.Next()
	}
	if unsafe && !sameOrigin(c) {
		return &APIError{Status: fiber.StatusForbidden, Code: "csrf", Message: "cross-site request refused"}
	}
	if cookie := c.Cookies(sessionCookie); cookie != "" {
		p, err := s.deps.Accounts.Authenticate(ctx, cookie)
		if err == nil {
			if unsafe && !csrfExempt[c.Path()] && !constantTimeEqual(c.Get(csrfHeader), p.CSRFToken) {
				return &APIError{Status: fiber.StatusForbidden, Code: "csrf",
					Message: "missing or wrong " + csrfHeader + " header: reload the page"}
			}
			c.Locals(principalKey, p)
		} else if err != account.ErrUnauthenticated {
			return err
		}
	}
	return c.Next()
}

// csrfExempt are the endpoints that start a session: they need no existing
// session's token (the Origin check and the JSON content type still apply).
var csrfExempt = map[string]bool{"/api/setup": true, "/api/auth/login": true}

// sameOrigin accepts requests without an Origin header (non-browser clients;
// browsers always send it on cross-site writes) or whose Origin is this host.
func sameOrigin(c *fiber.Ctx) bool {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, c.Hostname())
}

func constantTimeEqual(a, b string) bool {
	if len(a) != len(b) || a == "" {
		return false
	}
	var v byte
	for i := 0; i < len(a); i++ {
		v |= a[i] ^ b[i]
	}
	return v == 0
}

// principal returns the signed-in caller or 401.
func principal(c *fiber.Ctx) (account.Principal, error) {
	p, ok := c.Locals(principalKey).(account.Principal)
	if !ok {
		return account.Principal{}, account.ErrUnauthenticated
	}
	return p, nil
}

func requireAuth(c *fiber.Ctx) error {
	if _, err := principal(c); err != nil {
		return err
	}
	return c.Next()
}

// requireUser refuses API tokens on endpoints about a person's own account.
func requireUser(c *fiber.Ctx) (account.Principal, error) {
	p, err := principal(c)
	if err != nil {
		return p, err
	}
	if p.IsToken() {
		return p, &APIError{Status: fiber.StatusForbidden, Code: "forbidden", Message: "API tokens cannot do this"}
	}
	return p, nil
}

func client(c *fiber.Ctx) account.Client {
	return account.Client{IP: clientIP(c), UserAgent: string([]byte(c.Get(fiber.HeaderUserAgent)))}
}

// setSessionCookie sends the session cookie: HttpOnly, SameSite=Lax, and
// Secure unless the app is reached over plain HTTP on a non-loopback host.
func (s *Server) setSessionCookie(c *fiber.Ctx, value string, expires time.Time) {
	secure := c.Protocol() == "https" || isLoopbackHost(c.Hostname())
	if !secure {
		s.insecureOnce.Do(func() {
			s.deps.Logger.Warn("serving sign-in over plain HTTP: put Deskmate behind HTTPS; behind a TLS proxy, list it in DESKMATE_TRUSTED_PROXIES", "host", c.Hostname(), "client_ip", clientIP(c))
		})
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: value, Path: "/", Expires: expires,
		HTTPOnly: true, Secure: secure, SameSite: fiber.CookieSameSiteLaxMode})
}

func isLoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type userJSON struct {
	ID           int64  `json:"id"`
	Email        string `json:"email"`
	Name         string `json:"name"`
	InstanceRole string `json:"instance_role"`
}

type workspaceRefJSON struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
	Role string `json:"role"`
}

type sessionJSON struct {
	User       userJSON           `json:"user"`
	CSRFToken  string             `json:"csrf_token"`
	Workspaces []workspaceRefJSON `json:"workspaces"`
}

func toUserJSON(u store.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, InstanceRole: u.InstanceRole}
}

func (s *Server) sessionBody(c *fiber.Ctx, p account.Principal) (sessionJSON, error) {
	ws, err := s.deps.Accounts.Workspaces(c.UserContext(), p)
	if err != nil {
		return sessionJSON{}, err
	}
	out := sessionJSON{User: toUserJSON(p.User), CSRFToken: p.CSRFToken, Workspaces: []workspaceRefJSON{}}
	for _, w := range ws {
		out.Workspaces = append(out.Workspaces, workspaceRefJSON{ID: w.ID, Slug: w.Slug, Name: w.Name, Role: w.Role})
	}
	return out, nil
}

// signedIn sets the cookie and answers with the session.
func (s *Server) signedIn(c *fiber.Ctx, status int, in account.SignedIn) error {
	s.setSessionCookie(c, in.Cookie, in.Session.ExpiresAt)
	body, err := s.sessionBody(c, account.Principal{User: in.User, SessionID: in.Session.ID, CSRFToken: in.Session.CSRFToken})
	if err != nil {
		return err
	}
	return c.Status(status).JSON(body)
}

func (s *Server) getSetup(c *fiber.Ctx) error {
	needed, err := s.deps.Accounts.SetupNeeded(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"needed": needed})
}

type credentialsReq struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

func (s *Server) postSetup(c *fiber.Ctx) error {
	var req credentialsReq
	if err := decode(c, &req); err != nil {
		return err
	}
	in, err := s.deps.Accounts.Setup(c.UserContext(), req.Email, req.Name, req.Password, client(c))
	if err != nil {
		return err
	}
	return s.signedIn(c, fiber.StatusCreated, in)
}

func (s *Server) login(c *fiber.Ctx) error {
	var req struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	in, err := s.deps.Accounts.Login(c.UserContext(), req.Email, req.Password, client(c))
	if err != nil {
		return err
	}
	return s.signedIn(c, fiber.StatusOK, in)
}

func (s *Server) logout(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	if err := s.deps.Accounts.Logout(c.UserContext(), p); err != nil {
		return err
	}
	c.ClearCookie(sessionCookie)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) logoutAll(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	if err := s.deps.Accounts.LogoutEverywhere(c.UserContext(), p); err != nil {
		return err
	}
	c.ClearCookie(sessionCookie)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	body, err := s.sessionBody(c, p)
	if err != nil {
		return err
	}
	return c.JSON(body)
}

func (s *Server) changePassword(c *fiber.Ctx) error {
	p, err := requireUser(c)
	if err != nil {
		return err
	}
	var req struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := s.deps.Accounts.ChangePassword(c.UserContext(), p, req.Current, req.New); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

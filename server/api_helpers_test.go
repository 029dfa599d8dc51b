package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/connector"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/sandbox"
	"github.com/deskmate/deskmate/server"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// lockedBuffer collects log output from the server under test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// api is a server with accounts and workspaces on a fresh database.
type api struct {
	t        testing.TB
	accounts *account.Service
	srv      *server.Server
	db       *store.DB
	ws       *workspace.Service
	logs     *lockedBuffer
	river    *river.Client[pgx.Tx] // not started: tests that need jobs worked start it
	deps     server.Deps
}

// guards are the outbound URL guards a test server uses; nil refuses every
// internal address. A Gorgias test also names the emulator (for the
// sandbox) and the address Gorgias reaches the server at.
type guards struct {
	web, model, gorgias *netguard.Guard
	emulator            *gorgiastest.Emulator
	publicURL           string
	// db, when set, is used instead of a test database.
	db *store.DB
}

// testDeps builds the server's dependencies the way the deskmate command
// does (cmd/deskmate/wire.go): the services once, their jobs queued through
// an insert-only client, and a River client (not started) that works them.
func testDeps(t testing.TB, db *store.DB, logger *slog.Logger, g guards) server.Deps {
	t.Helper()
	key, err := secret.GenerateKey()
	require.NoError(t, err)
	queue, err := jobs.NewQueue(db)
	require.NoError(t, err)
	ws, err := workspace.New(workspace.Options{DB: db, Box: secret.NewBox(key), ModelGuard: g.model})
	require.NoError(t, err)
	kn, err := knowledge.New(knowledge.Options{DB: db, Models: ws, Queue: queue, Guard: g.web, ModelGuard: g.model,
		Logger: logger, CrawlDelay: -1})
	require.NoError(t, err)
	au, err := automation.New(automation.Options{DB: db, Queue: queue})
	require.NoError(t, err)
	accounts, err := account.New(account.Options{DB: db, Logger: logger})
	require.NoError(t, err)
	ag, err := agent.New(agent.Options{DB: db, Automations: au, Knowledge: kn, Workspaces: ws, ModelGuard: g.model, Logger: logger})
	require.NoError(t, err)
	conn, err := connector.New(connector.Options{DB: db, Workspaces: ws, Automations: au, Agent: ag, Queue: queue,
		Guard: g.gorgias, PublicURL: g.publicURL, Logger: logger})
	require.NoError(t, err)
	sb, err := sandbox.New(sandbox.Options{DB: db, Emulator: g.emulator, Workspaces: ws, Connector: conn, Logger: logger})
	require.NoError(t, err)
	client, err := jobs.NewClient(db, jobs.Options{Periodic: []*river.PeriodicJob{}, Logger: logger,
		Services: jobs.Services{Knowledge: kn, Automations: au, Connector: conn}})
	require.NoError(t, err)
	return server.Deps{Logger: logger, DB: db, River: client, Web: webApp, WebBuilt: true,
		Accounts: accounts, Workspaces: ws, Knowledge: kn, Automations: au, Agent: ag, Connector: conn, Sandbox: sb}
}

// newAPI builds the server with the guards given (none: nothing internal is
// reachable); mutate may change other dependencies first.
func newAPI(t testing.TB, g guards, mutate ...func(*server.Deps)) *api {
	t.Helper()
	db := g.db
	if db == nil {
		db = testdb.New(t)
	}
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	deps := testDeps(t, db, logger, g)
	for _, m := range mutate {
		m(&deps)
	}
	srv, err := server.New(deps)
	require.NoError(t, err)
	return &api{t: t, srv: srv, db: db, ws: deps.Workspaces, logs: logs, accounts: deps.Accounts, river: deps.River, deps: deps}
}

// user is a browser: a session cookie and its CSRF token, or an API token.
type user struct {
	a      *api
	cookie string
	csrf   string
	bearer string
	host   string
}

type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) JSON(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, v), "body: %s", r.Body)
}

func (r resp) ErrorCode(t testing.TB) string {
	t.Helper()
	var e envelope
	r.JSON(t, &e)
	return e.Error.Code
}

func (r resp) Fields(t testing.TB) map[string]string {
	t.Helper()
	var e struct {
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	r.JSON(t, &e)
	return e.Error.Fields
}

func (a *api) anon() *user { return &user{a: a} }

// call sends a request; body may be a string (sent as is) or a value (JSON).
func (u *user) call(method, path string, body any, hdr ...string) resp {
	t := u.a.t
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	if u.host != "" {
		req.Host = u.host
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if u.cookie != "" {
		req.Header.Set("Cookie", "deskmate_session="+u.cookie)
		if method != "GET" {
			req.Header.Set("X-CSRF-Token", u.csrf)
		}
	}
	if u.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+u.bearer)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	res, err := u.a.srv.Test(req)
	require.NoError(t, err)
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	// Pick up a new session from Set-Cookie, like a browser.
	for _, c := range res.Cookies() {
		if c.Name == "deskmate_session" {
			u.cookie = c.Value
		}
	}
	var s struct {
		CSRF string `json:"csrf_token"`
	}
	if json.Unmarshal(b, &s) == nil && s.CSRF != "" {
		u.csrf = s.CSRF
	}
	return resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

func (u *user) must(status int, method, path string, body any) resp {
	u.a.t.Helper()
	r := u.call(method, path, body)
	require.Equal(u.a.t, status, r.Status, "%s %s: %s", method, path, r.Body)
	return r
}

const goodPassword = "correct horse battery"

// owner runs first-run setup and returns the signed-in instance owner.
func (a *api) owner() *user {
	u := a.anon()
	u.must(201, "POST", "/api/setup", map[string]string{"email": "owner@deskmate.test", "name": "Olivia", "password": goodPassword})
	return u
}

type wsJSON struct {
	ID            int64    `json:"id"`
	Slug          string   `json:"slug"`
	Name          string   `json:"name"`
	GorgiasDomain string   `json:"gorgias_domain"`
	ManagedTags   []string `json:"managed_tags"`
	Role          string   `json:"role"`
}

func (u *user) createWorkspace(slug string, extra map[string]any) wsJSON {
	body := map[string]any{"name": strings.ToUpper(slug[:1]) + slug[1:], "slug": slug}
	for k, v := range extra {
		body[k] = v
	}
	var w wsJSON
	u.must(201, "POST", "/api/workspaces", body).JSON(u.a.t, &w)
	return w
}

// member adds a user with role to a workspace and signs them in.
func (u *user) member(wsID int64, email, role string) *user {
	u.must(201, "POST", wsPath(wsID, "/members"), map[string]string{"email": email, "name": "M " + role, "password": goodPassword, "role": role})
	m := u.a.anon()
	m.must(200, "POST", "/api/auth/login", map[string]string{"email": email, "password": goodPassword})
	return m
}

func wsPath(id int64, rest string) string {
	return "/api/workspaces/" + itoa(id) + rest
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ctx is a short-lived context for direct database checks.
func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func (a *api) srvAccounts() *account.Service { return a.accounts }

package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/server"
	"github.com/deskmate/deskmate/store"
)

var webApp = fstest.MapFS{
	"index.html":         {Data: []byte(`<!doctype html><div id="root"></div>`)},
	"assets/app-1a2b.js": {Data: []byte(`console.log("app")`)},
	"favicon.svg":        {Data: []byte(`<svg/>`)},
}

type setup struct {
	srv   *server.Server
	db    *store.DB
	river *river.Client[pgx.Tx]
}

func newSetup(t *testing.T, db *store.DB, mutate func(*server.Deps)) *setup {
	t.Helper()
	deps := testDeps(t, db, slog.New(slog.DiscardHandler), guards{})
	client := deps.River
	require.NoError(t, client.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = client.Stop(ctx)
	})
	deps.BodyLimit = 4096
	deps.Instance = store.Instance{ID: "11111111-2222-3333-4444-555555555555"}
	if mutate != nil {
		mutate(&deps)
	}
	srv, err := server.New(deps)
	require.NoError(t, err)
	return &setup{srv: srv, db: db, river: client}
}

func (s *setup) do(t *testing.T, method, path string, body io.Reader, header ...string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := s.srv.Test(req)
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

type envelope struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

func decodeError(t *testing.T, b []byte) envelope {
	t.Helper()
	var e envelope
	require.NoError(t, json.Unmarshal(b, &e), "body: %s", b)
	return e
}

func TestHealthAndReady(t *testing.T) {
	s := newSetup(t, testdb.New(t), nil)
	resp, body := s.do(t, "GET", "/healthz", nil)
	require.Equal(t, 200, resp.StatusCode)
	require.JSONEq(t, `{"status":"ok"}`, string(body))

	resp, body = s.do(t, "GET", "/readyz", nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var r struct {
		Status   string              `json:"status"`
		Instance struct{ ID string } `json:"instance"`
		Checks   map[string]struct {
			Status   string `json:"status"`
			Driver   string `json:"driver"`
			Version  string `json:"server_version"`
			Embedded *bool  `json:"embedded"`
			Mode     string `json:"mode"`
			Error    string `json:"error"`
		} `json:"checks"`
	}
	require.NoError(t, json.Unmarshal(body, &r))
	require.Equal(t, "ready", r.Status)
	require.Equal(t, "11111111-2222-3333-4444-555555555555", r.Instance.ID)
	require.Equal(t, "ok", r.Checks["database"].Status)
	require.Equal(t, "postgres", r.Checks["database"].Driver)
	require.Equal(t, s.db.Version(), r.Checks["database"].Version)
	require.Regexp(t, `^1[5-9]\.\d+$`, r.Checks["database"].Version)
	require.False(t, *r.Checks["database"].Embedded, "the test server was built without EmbeddedDB")
	require.Equal(t, "ok", r.Checks["river"].Status)
	require.Equal(t, "listen", r.Checks["river"].Mode)
}

func TestReadyzReportsADeadDatabase(t *testing.T) {
	db, err := store.Open(context.Background(), testdb.URL(t), store.Options{})
	require.NoError(t, err)
	s := newSetup(t, db, nil)
	resp, _ := s.do(t, "GET", "/readyz", nil)
	require.Equal(t, 200, resp.StatusCode)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, s.river.Stop(ctx))
	db.Close()
	resp, body := s.do(t, "GET", "/readyz", nil)
	require.Equal(t, 503, resp.StatusCode, string(body))
	require.Contains(t, string(body), `"status":"unavailable"`)
	require.Contains(t, string(body), `"status":"error"`)
	require.Contains(t, string(body), `job queue is stopped`)
}

func TestUnknownAPIPathIsJSON404(t *testing.T) {
	s := newSetup(t, testdb.New(t), nil)
	for _, method := range []string{"GET", "POST", "DELETE"} {
		resp, body := s.do(t, method, "/api/nope/deeper", nil)
		require.Equal(t, 404, resp.StatusCode)
		require.Contains(t, resp.Header.Get("Content-Type"), "application/json")
		e := decodeError(t, body)
		require.Equal(t, "not_found", e.Error.Code)
		require.Equal(t, "no API endpoint "+method+" /api/nope/deeper", e.Error.Message)
		require.Equal(t, resp.Header.Get("X-Request-ID"), e.Error.RequestID)
	}
}

func TestSPA(t *testing.T) {
	s := newSetup(t, testdb.New(t), nil)

	for _, path := range []string{"/", "/status", "/knowledge/articles/12"} {
		resp, body := s.do(t, "GET", path, nil)
		require.Equal(t, 200, resp.StatusCode, path)
		require.Contains(t, string(body), `<div id="root">`, path)
		require.Contains(t, resp.Header.Get("Content-Type"), "text/html")
		require.Equal(t, "no-cache", resp.Header.Get("Cache-Control"))
	}

	resp, body := s.do(t, "GET", "/assets/app-1a2b.js", nil)
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, `console.log("app")`, string(body))
	require.Contains(t, resp.Header.Get("Content-Type"), "javascript")
	require.Contains(t, resp.Header.Get("Cache-Control"), "immutable")

	resp, _ = s.do(t, "GET", "/assets/missing-9z.js", nil)
	require.Equal(t, 404, resp.StatusCode, "a missing asset must not get index.html")

	resp, body = s.do(t, "GET", "/../../etc/passwd", nil)
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, string(body), `<div id="root">`)
}

func TestUINotBuilt(t *testing.T) {
	s := newSetup(t, testdb.New(t), func(d *server.Deps) { d.Web, d.WebBuilt = nil, false })
	resp, body := s.do(t, "GET", "/status", nil)
	require.Equal(t, 503, resp.StatusCode)
	require.Contains(t, string(body), "UI not built: run <code>make web</code>")
	resp, _ = s.do(t, "GET", "/api/nope", nil)
	require.Equal(t, 404, resp.StatusCode)
}

func TestRequestIDs(t *testing.T) {
	s := newSetup(t, testdb.New(t), nil)
	resp, _ := s.do(t, "GET", "/healthz", nil)
	generated := resp.Header.Get("X-Request-ID")
	require.Len(t, generated, 24)

	resp, _ = s.do(t, "GET", "/healthz", nil, "X-Request-ID", "lb-abc.123_x")
	require.Equal(t, "lb-abc.123_x", resp.Header.Get("X-Request-ID"))

	resp, _ = s.do(t, "GET", "/healthz", nil, "X-Request-ID", "bad id\" <script>")
	require.NotContains(t, resp.Header.Get("X-Request-ID"), "script")
	require.Len(t, resp.Header.Get("X-Request-ID"), 24)
}

func TestBodyLimit(t *testing.T) {
	s := newSetup(t, testdb.New(t), nil)
	// Over real HTTP: the limit is enforced while reading the request.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = s.srv.Serve(ln) }()
	t.Cleanup(func() { _ = s.srv.Shutdown(5 * time.Second) })
	resp, err := http.Post("http://"+ln.Addr().String()+"/api/anything", "application/json",
		strings.NewReader(strings.Repeat("x", 10000)))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, 413, resp.StatusCode, string(body))
	e := decodeError(t, body)
	require.Equal(t, "payload_too_large", e.Error.Code)
	require.Equal(t, "request body is too large", e.Error.Message)
}

package llm

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// scripted is a fake provider that answers the n-th request with the n-th
// handler (the last one for every request after) and records the requests.
type scripted struct {
	t        *testing.T
	mu       sync.Mutex
	handlers []http.HandlerFunc
	requests []recorded
}

type recorded struct {
	path   string
	header http.Header
	body   []byte
}

func newScripted(t *testing.T, handlers ...http.HandlerFunc) (*scripted, *httptest.Server) {
	s := &scripted{t: t, handlers: handlers}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	require.NoError(s.t, err)
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, recorded{path: r.URL.Path, header: r.Header.Clone(), body: body})
	h := s.handlers[min(n, len(s.handlers)-1)]
	s.mu.Unlock()
	h(w, r)
}

func (s *scripted) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

func (s *scripted) request(i int) recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[i]
}

// last decodes the body of the last request into a generic map.
func (s *scripted) last() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var m map[string]any
	require.NoError(s.t, json.Unmarshal(s.requests[len(s.requests)-1].body, &m))
	return m
}

// waits replaces a chat's sleeping with a record of the waits, and its
// jitter with the longest wait, so tests neither sleep nor guess.
type waits struct {
	mu  sync.Mutex
	all []time.Duration
}

var testNow = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func fakeWaits(t *testing.T, c Chat) *waits {
	w := &waits{}
	var p *retryPolicy
	switch c := c.(type) {
	case *ollamaChat:
		p = &c.retry
	case *openAIChat:
		p = &c.retry
	default:
		t.Fatalf("no retry policy in %T", c)
	}
	p.sleep = func(ctx context.Context, d time.Duration) error {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.all = append(w.all, d)
		return ctx.Err()
	}
	p.jitter = func(d time.Duration) time.Duration { return d }
	p.now = func() time.Time { return testNow }
	return w
}

func (w *waits) list() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.all...)
}

// hello is the simplest conversation.
func hello() ChatRequest {
	return ChatRequest{System: "Be brief.", Messages: []ChatMessage{{Role: RoleUser, Content: "Hello?"}}}
}

// jsonEq asserts two JSON texts mean the same.
func jsonEq(t *testing.T, want string, got any) {
	t.Helper()
	raw, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, want, string(raw))
}

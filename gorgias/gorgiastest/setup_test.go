package gorgiastest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
)

type setup struct {
	emu  *gorgiastest.Emulator
	acme gorgiastest.AccountInfo
	c    *gorgias.Client
	ctx  context.Context
}

func newSetup(t *testing.T, opts gorgiastest.Options) setup {
	t.Helper()
	emu := gorgiastest.New(opts)
	require.NoError(t, emu.Start())
	t.Cleanup(emu.Close)
	acme, ok := emu.Account("acme")
	require.True(t, ok)
	c, err := acme.Client()
	require.NoError(t, err)
	return setup{emu: emu, acme: acme, c: c, ctx: context.Background()}
}

// flush waits for the emulator's background work.
func (s setup) flush(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, s.emu.Flush(ctx))
}

// hit is one request a receiver got.
type hit struct {
	Method, Path, Query string
	Header              http.Header
	Body                []byte
}

// receiver is an HTTP endpoint standing in for Deskmate: it answers each
// request with the next status of its script (the last one repeats) and
// the body, and reports every request on a channel.
type receiver struct {
	*httptest.Server
	hits     chan hit
	mu       sync.Mutex
	statuses []int
	n        int
	body     string
}

func newReceiver(t *testing.T, body string, statuses ...int) *receiver {
	t.Helper()
	if len(statuses) == 0 {
		statuses = []int{http.StatusOK}
	}
	r := &receiver{hits: make(chan hit, 1000), statuses: statuses, body: body}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		status := r.statuses[min(r.n, len(r.statuses)-1)]
		r.n++
		r.mu.Unlock()
		r.hits <- hit{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Header: req.Header.Clone(), Body: b}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, r.body)
	}))
	t.Cleanup(r.Close)
	return r
}

// next returns the next request, failing the test if none comes.
func (r *receiver) next(t *testing.T) hit {
	t.Helper()
	select {
	case h := <-r.hits:
		return h
	case <-time.After(10 * time.Second):
		t.Fatal("no request reached the receiver")
		return hit{}
	}
}

// none checks that no request is waiting.
func (r *receiver) none(t *testing.T) {
	t.Helper()
	select {
	case h := <-r.hits:
		t.Fatalf("unexpected request %s %s", h.Method, h.Path)
	default:
	}
}

func (s setup) hook(t *testing.T, url string, triggers map[string]bool, headers map[string]string) gorgias.Integration {
	t.Helper()
	i, err := s.c.CreateIntegration(s.ctx, gorgias.Integration{
		Type: gorgias.IntegrationHTTP, Name: "Deskmate",
		HTTP: &gorgias.HTTPIntegration{URL: url, Method: "POST", Headers: headers,
			RequestContentType: gorgias.ContentTypeJSON, Form: gorgias.FormContext, Triggers: triggers},
	})
	require.NoError(t, err)
	return i
}

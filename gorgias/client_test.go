package gorgias

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// scripted is a server answering request n with handlers[n] (the last one
// repeats) and remembering what it was sent.
type scripted struct {
	mu       sync.Mutex
	handlers []http.HandlerFunc
	got      []seen
}

type seen struct {
	method, path, query, auth string
	body                      string
}

func newScripted(t *testing.T, handlers ...http.HandlerFunc) (*scripted, *httptest.Server) {
	t.Helper()
	s := &scripted{handlers: handlers}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.got)
		s.got = append(s.got, seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), string(body)})
		h := s.handlers[min(n, len(s.handlers)-1)]
		s.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *scripted) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.got...)
}

func answer(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// hang answers only when the client gives up.
func hang(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

const testKey = "k3y-that-must-not-leak"

func newTestClient(t *testing.T, baseURL string, opts Options) (*Client, *Clock) {
	t.Helper()
	opts.BaseURL = baseURL
	if opts.Auth == nil {
		opts.Auth = BasicAuth{Email: "admin@acme.example", APIKey: testKey}
	}
	c, err := New(opts)
	require.NoError(t, err)
	clock := NewClock()
	c.UseClock(clock)
	return c, clock
}

func TestNewChecksTheBaseURL(t *testing.T) {
	auth := BasicAuth{Email: "a@b.c", APIKey: testKey}
	for _, u := range []string{"", "acme.gorgias.com", "ftp://acme.gorgias.com", "https://user:" + testKey + "@acme.gorgias.com"} {
		_, err := New(Options{BaseURL: u, Auth: auth})
		require.Error(t, err, u)
		require.NotContains(t, err.Error(), testKey)
	}
	_, err := New(Options{BaseURL: "https://acme.gorgias.com"})
	require.Error(t, err, "auth is required")
	c, err := New(Options{BaseURL: "https://acme.gorgias.com/api/", Auth: auth})
	require.NoError(t, err)
	require.Equal(t, "", c.base.Path, "a trailing /api is dropped")
}

func TestAuthHeaders(t *testing.T) {
	s, srv := newScripted(t, answer(200, `{"domain": "acme"}`))
	basic, _ := newTestClient(t, srv.URL+"/acme", Options{})
	a, err := basic.Account(context.Background())
	require.NoError(t, err)
	require.Equal(t, "acme", a.Domain)
	bearer, _ := newTestClient(t, srv.URL+"/acme", Options{Auth: Bearer{Source: StaticToken("tok-1")}})
	_, err = bearer.Account(context.Background())
	require.NoError(t, err)

	got := s.requests()
	require.Equal(t, "/acme/api/account", got[0].path)
	require.True(t, strings.HasPrefix(got[0].auth, "Basic "))
	require.Equal(t, "Bearer tok-1", got[1].auth)

	failing := Bearer{Source: tokenFunc(func(context.Context) (string, error) { return "", errors.New("store down") })}
	c, _ := newTestClient(t, srv.URL, Options{Auth: failing})
	_, err = c.Account(context.Background())
	require.ErrorContains(t, err, "store down")
	require.Len(t, s.requests(), 2, "nothing sent without a token")
}

type tokenFunc func(context.Context) (string, error)

func (f tokenFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

func TestErrorsAreTyped(t *testing.T) {
	tests := []struct {
		status int
		body   string
		is     error
		text   string
	}{
		{401, `{"error": {"msg": "Invalid credentials."}}`, ErrUnauthorized, "gorgias: GET /api/tickets/1: 401 Invalid credentials."},
		{403, `{"error": {"msg": "Missing scope."}}`, ErrForbidden, "403 Missing scope."},
		{404, `{"error": {"msg": "Resource not found."}}`, ErrNotFound, "404 Resource not found."},
		{409, `{"error": {"msg": "Already exists."}}`, ErrConflict, "409 Already exists."},
		{400, `{"error": {"msg": "Failed to validate request.", "data": {"channel": ["Must be one of: email, chat"]}}}`, ErrInvalid,
			`400 Failed to validate request. {"channel":["Must be one of: email, chat"]}`},
		{400, `<html>Bad Request</html>`, ErrInvalid, "400 <html>Bad Request</html>"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, srv := newScripted(t, answer(tt.status, tt.body))
			c, _ := newTestClient(t, srv.URL, Options{})
			_, err := c.Ticket(context.Background(), 1)
			require.ErrorIs(t, err, tt.is)
			require.ErrorContains(t, err, tt.text)
			require.NotContains(t, err.Error(), testKey)
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tt.status, ae.Status)
			require.Equal(t, "GET", ae.Method)
		})
	}
}

func TestRetries(t *testing.T) {
	ok := answer(200, `{"id": 1}`)
	overloaded := answer(503, `{"error": {"msg": "Service Unavailable"}}`)
	tests := []struct {
		name     string
		handlers []http.HandlerFunc
		method   string
		body     any
		safe     bool
		requests int
		waits    []time.Duration
		err      error
	}{
		{name: "429 waits Retry-After", handlers: []http.HandlerFunc{answer(429, `{}`, "Retry-After", "2"), ok},
			method: "GET", requests: 2, waits: []time.Duration{2 * time.Second}},
		{name: "429 with an HTTP date", handlers: []http.HandlerFunc{answer(429, `{}`, "Retry-After", time.Now().Add(3*time.Second).UTC().Format(http.TimeFormat)), ok},
			method: "GET", requests: 2},
		{name: "429 without Retry-After backs off", handlers: []http.HandlerFunc{answer(429, `{}`), ok},
			method: "GET", requests: 2, waits: []time.Duration{250 * time.Millisecond, time.Second}},
		{name: "a Retry-After past the cap fails at once", handlers: []http.HandlerFunc{answer(429, `{}`, "Retry-After", "600")},
			method: "GET", requests: 1, err: ErrRateLimited},
		{name: "5xx on GET backs off exponentially", handlers: []http.HandlerFunc{overloaded, overloaded, ok},
			method: "GET", requests: 3, waits: []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}},
		{name: "5xx forever gives up after the attempts", handlers: []http.HandlerFunc{overloaded},
			method: "PUT", requests: 4, err: ErrServer},
		{name: "5xx on POST is not retried", handlers: []http.HandlerFunc{answer(502, `bad gateway`), ok},
			method: "POST", body: map[string]string{"name": "x"}, requests: 1, err: ErrServer},
		{name: "5xx on a retry-safe POST is retried", handlers: []http.HandlerFunc{answer(502, `bad gateway`), ok},
			method: "POST", body: map[string]string{"name": "x"}, safe: true, requests: 2},
		{name: "429 on POST is retried: Gorgias never processed it", handlers: []http.HandlerFunc{answer(429, `{}`, "Retry-After", "1"), ok},
			method: "POST", body: map[string]string{"name": "x"}, requests: 2, waits: []time.Duration{time.Second}},
		{name: "4xx is not retried", handlers: []http.HandlerFunc{answer(400, `{"error": {"msg": "no"}}`), ok},
			method: "GET", requests: 1, err: ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, srv := newScripted(t, tt.handlers...)
			c, clock := newTestClient(t, srv.URL, Options{})
			var out map[string]any
			err := c.Do(context.Background(), Request{Method: tt.method, Path: "/api/things", Body: tt.body, RetrySafe: tt.safe}, &out)
			if tt.err == nil {
				require.NoError(t, err)
				require.Equal(t, float64(1), out["id"])
			} else {
				require.ErrorIs(t, err, tt.err)
			}
			require.Len(t, s.requests(), tt.requests)
			if tt.waits != nil {
				require.GreaterOrEqual(t, clock.Total(), tt.waits[0], "waits %v", clock.Waits())
				require.Equal(t, tt.waits[0], clock.Waits()[0])
			}
		})
	}
}

func TestRetryAfterHoldsEveryClientOfTheAccount(t *testing.T) {
	s, srv := newScripted(t, answer(429, `{"error": {"msg": "Too many requests."}}`, "Retry-After", "5"), answer(200, `{}`))
	var ls Limiters
	clock := NewClock()
	ls.For("acme", AuthBasic).UseClock(clock)
	// The first client gives up at once; the second never saw the 429.
	first, _ := newTestClient(t, srv.URL, Options{Limiter: ls.For("acme", AuthBasic), Attempts: 1})
	first.UseClock(clock)
	second, _ := newTestClient(t, srv.URL, Options{Limiter: ls.For("acme", AuthBasic)})
	second.UseClock(clock)

	_, err := first.Account(context.Background())
	require.ErrorIs(t, err, ErrRateLimited)
	require.Empty(t, clock.Waits())

	_, err = second.Account(context.Background())
	require.NoError(t, err)
	require.Equal(t, []time.Duration{5 * time.Second}, clock.Waits(), "the account's pause held the other client")
	require.Len(t, s.requests(), 2)
}

func TestRetriesNeverPassTheDeadline(t *testing.T) {
	s, srv := newScripted(t, answer(429, `{}`, "Retry-After", "30"), answer(200, `{}`))
	c, clock := newTestClient(t, srv.URL, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := c.Account(ctx)
	require.ErrorIs(t, err, ErrRateLimited)
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, 30*time.Second, ae.RetryAfter)
	require.Len(t, s.requests(), 1)
	require.Empty(t, clock.Waits())
}

func TestTimeoutIsRetried(t *testing.T) {
	s, srv := newScripted(t, hang, answer(200, `{"domain": "acme"}`))
	c, _ := newTestClient(t, srv.URL, Options{Timeout: 50 * time.Millisecond})
	a, err := c.Account(context.Background())
	require.NoError(t, err)
	require.Equal(t, "acme", a.Domain)
	require.Len(t, s.requests(), 2)

	s, srv = newScripted(t, hang)
	c, _ = newTestClient(t, srv.URL, Options{Timeout: 50 * time.Millisecond, Attempts: 2})
	_, err = c.CreateTag(context.Background(), TagInput{Name: "x"})
	require.ErrorContains(t, err, "no answer within 50ms")
	require.Len(t, s.requests(), 1, "a POST that timed out may have been processed: not sent again")
}

func TestRefusedConnectionIsRetriedEvenForPOST(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c, clock := newTestClient(t, "http://"+addr, Options{Attempts: 3})
	_, err = c.CreateTag(context.Background(), TagInput{Name: "x"})
	require.Error(t, err)
	require.ErrorContains(t, err, "after 3 attempts")
	require.Len(t, clock.Waits(), 2)
}

func TestCreateMessageRecoversALostAnswerByExternalID(t *testing.T) {
	created := `{"id": 77, "ticket_id": 5, "external_id": "deskmate:draft:1", "channel": "internal-note"}`
	list := func(items string) http.HandlerFunc {
		return answer(200, `{"object": "list", "data": [`+items+`], "meta": {"next_cursor": null}}`)
	}
	tests := []struct {
		name     string
		handlers []http.HandlerFunc
		paths    []string
	}{
		{"created before the 502: found, not sent again",
			[]http.HandlerFunc{answer(502, `bad gateway`), list(`{"id": 70, "external_id": "other"}, ` + created)},
			[]string{"POST /api/tickets/5/messages", "GET /api/messages"}},
		{"not created: sent again",
			[]http.HandlerFunc{answer(503, `{}`), list(``), answer(201, created)},
			[]string{"POST /api/tickets/5/messages", "GET /api/messages", "POST /api/tickets/5/messages"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, srv := newScripted(t, tt.handlers...)
			c, _ := newTestClient(t, srv.URL, Options{})
			m, err := c.CreateMessage(context.Background(), 5, MessageInput{
				Channel: ChannelInternalNote, FromAgent: true, Sender: &Ref{ID: 42},
				BodyText: "AI draft", ExternalID: "deskmate:draft:1",
			})
			require.NoError(t, err)
			require.Equal(t, int64(77), m.ID)
			var paths []string
			for _, r := range s.requests() {
				paths = append(paths, r.method+" "+r.path)
			}
			require.Equal(t, tt.paths, paths)
			require.Contains(t, s.requests()[0].body, `"via":"api"`, "via defaults to api")
			require.Contains(t, s.requests()[1].query, "ticket_id=5")
		})
	}
}

func TestSizeLimits(t *testing.T) {
	s, srv := newScripted(t, answer(200, `{"domain": "`+strings.Repeat("a", 2048)+`"}`))
	c, _ := newTestClient(t, srv.URL, Options{MaxResponseBytes: 1024})
	_, err := c.Account(context.Background())
	require.ErrorIs(t, err, ErrResponseTooLarge)
	require.Len(t, s.requests(), 1, "not retried")

	c, _ = newTestClient(t, srv.URL, Options{MaxRequestBytes: 100})
	_, err = c.CreateMessage(context.Background(), 1, MessageInput{Channel: "email", BodyText: strings.Repeat("x", 200)})
	require.ErrorIs(t, err, ErrRequestTooLarge)
	require.Len(t, s.requests(), 1, "not sent")
}

func TestListsFollowCursorsAndTolerateBareArrays(t *testing.T) {
	s, srv := newScripted(t,
		answer(200, `{"object": "list", "data": [{"id": 1}, {"id": 2}], "meta": {"next_cursor": "c2", "prev_cursor": null}}`),
		answer(200, `{"object": "list", "data": [{"id": 3}], "meta": {"next_cursor": null}}`),
		answer(200, `[{"id": 4, "name": "vip"}]`),
		answer(200, `{"data": [{"id": 5}], "meta": {"next_cursor": "loop"}}`),
	)
	c, _ := newTestClient(t, srv.URL, Options{})
	users, err := c.Users(context.Background())
	require.NoError(t, err)
	require.Len(t, users, 3)
	got := s.requests()
	require.Equal(t, "limit=100", got[0].query)
	require.Equal(t, "cursor=c2&limit=100", got[1].query)

	tags, err := c.Tags(context.Background())
	require.NoError(t, err)
	require.Equal(t, "vip", tags[0].Name)

	views, err := c.Views(context.Background())
	require.NoError(t, err)
	require.Len(t, views, 2, "a cursor seen twice ends the list")
}

func TestEventsQuery(t *testing.T) {
	s, srv := newScripted(t, answer(200, `{"data": [{"id": 1, "type": "ticket-created", "data": {}}], "meta": {"next_cursor": "n"}}`))
	c, _ := newTestClient(t, srv.URL, Options{})
	p, err := c.Events(context.Background(), EventListOptions{
		ListOptions: ListOptions{Limit: 500, OrderBy: "created_datetime:desc"},
		Types:       []string{"ticket-created", "action-executed"}, ObjectType: "Ticket", ObjectID: 9,
	})
	require.NoError(t, err)
	require.Equal(t, "n", p.NextCursor)
	require.Equal(t, "ticket-created", p.Data[0].Type)
	require.Equal(t, "limit=100&object_id=9&object_type=Ticket&order_by=created_datetime%3Adesc&types=ticket-created&types=action-executed", s.requests()[0].query)
}

func TestRequestBodies(t *testing.T) {
	s, srv := newScripted(t, answer(200, `{}`))
	c, _ := newTestClient(t, srv.URL, Options{})
	ctx := context.Background()
	_, err := c.UpdateTicket(ctx, 5, TicketUpdate{AssigneeUser: Null[Ref](), Status: Set(StatusClosed)})
	require.NoError(t, err)
	require.NoError(t, c.AddTicketTags(ctx, 5, "vip", "ai-drafted"))
	require.NoError(t, c.RemoveTicketTags(ctx, 5, "vip"))
	require.NoError(t, c.SetTicketTags(ctx, 5))
	_, err = c.CreateView(ctx, View{Name: "AI drafted", Filters: "containsAny(ticket.tags.name, ['ai-drafted'])"})
	require.NoError(t, err)

	got := s.requests()
	require.Equal(t, "PUT /api/tickets/5", got[0].method+" "+got[0].path)
	require.JSONEq(t, `{"assignee_user": null, "status": "closed"}`, got[0].body)
	require.JSONEq(t, `{"names": ["vip", "ai-drafted"]}`, got[1].body)
	require.Equal(t, "DELETE", got[2].method)
	require.JSONEq(t, `{"names": ["vip"]}`, got[2].body)
	require.JSONEq(t, `{"names": []}`, got[3].body)
	var view map[string]any
	require.NoError(t, json.Unmarshal([]byte(got[4].body), &view))
	require.Equal(t, "ai-drafted", view["slug"])
	require.Equal(t, "ticket-list", view["type"])
}

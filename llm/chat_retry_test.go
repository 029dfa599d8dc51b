package llm

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func status(code int, retryAfter, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

const rateLimited = `{"error":{"message":"Rate limit reached for gpt-4o-mini on tokens per min (TPM): Limit 200000, Used 199800, Requested 900.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}`

func TestChatRetries(t *testing.T) {
	overloaded := status(http.StatusServiceUnavailable, "", `{"error":{"message":"The server is overloaded.","type":"server_error"}}`)
	tests := []struct {
		name     string
		handlers []http.HandlerFunc
		stream   bool
		requests int
		waits    []time.Duration
		err      string // empty: the call succeeds
	}{
		{name: "429 honours Retry-After in seconds",
			handlers: []http.HandlerFunc{status(429, "1", rateLimited), openAICompletion("ok")},
			requests: 2, waits: []time.Duration{time.Second}},
		{name: "429 honours Retry-After as an HTTP date",
			handlers: []http.HandlerFunc{status(429, testNow.Add(7*time.Second).Format(http.TimeFormat), rateLimited), openAICompletion("ok")},
			requests: 2, waits: []time.Duration{7 * time.Second}},
		{name: "429 without Retry-After backs off",
			handlers: []http.HandlerFunc{status(429, "", rateLimited), openAICompletion("ok")},
			requests: 2, waits: []time.Duration{500 * time.Millisecond}},
		{name: "503 twice then success, backing off exponentially",
			handlers: []http.HandlerFunc{overloaded, overloaded, openAICompletion("ok")},
			requests: 3, waits: []time.Duration{500 * time.Millisecond, time.Second}},
		{name: "a stream that fails before any text is retried",
			handlers: []http.HandlerFunc{overloaded, openAIStream("ok")}, stream: true,
			requests: 2, waits: []time.Duration{500 * time.Millisecond}},
		{name: "500 forever fails after every attempt",
			handlers: []http.HandlerFunc{status(500, "", `{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}`)},
			requests: 3, waits: []time.Duration{500 * time.Millisecond, time.Second},
			err: "HTTP 500: The server had an error while processing your request. (after 3 attempts)"},
		{name: "a Retry-After past the cap fails at once",
			handlers: []http.HandlerFunc{status(429, "120", rateLimited)},
			requests: 1, err: "(the server asks to wait 2m0s)"},
		{name: "400 is not retried",
			handlers: []http.HandlerFunc{status(400, "", `{"error":{"message":"Invalid schema for response_format 'answer'.","type":"invalid_request_error","param":"response_format"}}`)},
			requests: 1, err: "HTTP 400: Invalid schema for response_format 'answer'."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newScripted(t, tt.handlers...)
			c := newTestOpenAI(t, srv.URL, testKey)
			w := fakeWaits(t, c)
			req := hello()
			if tt.stream {
				req.OnDelta = func(string) {}
			}
			resp, err := c.Chat(context.Background(), req)
			if tt.err == "" {
				require.NoError(t, err)
				require.Equal(t, "ok", resp.Content)
				require.Equal(t, tt.requests, resp.Attempts)
			} else {
				require.ErrorContains(t, err, tt.err)
			}
			require.Equal(t, tt.requests, fake.count())
			require.Equal(t, tt.waits, w.list())
		})
	}
}

// The server answers after the call's timeout: every attempt is cut short,
// and the error says so.
func TestChatTimeoutIsRetriedThenFails(t *testing.T) {
	fake, srv := newScripted(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	c, err := NewChat(ChatSettings{Provider: "openai", BaseURL: srv.URL + "/v1", Model: "gpt-4o-mini", Timeout: 50 * time.Millisecond})
	require.NoError(t, err)
	w := fakeWaits(t, c)
	_, err = c.Chat(context.Background(), hello())
	require.ErrorContains(t, err, "no answer within 50ms (after 3 attempts)")
	require.Equal(t, 3, fake.count())
	require.Len(t, w.list(), 2)
}

func TestChatConnectionRefusedIsRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	c, err := NewChat(ChatSettings{Provider: "ollama", BaseURL: "http://" + addr, Model: "llama3.1:8b"})
	require.NoError(t, err)
	w := fakeWaits(t, c)
	_, err = c.Chat(context.Background(), hello())
	require.ErrorContains(t, err, "connection refused")
	require.ErrorContains(t, err, "(after 3 attempts)")
	require.Len(t, w.list(), 2)

	_, _, err = CheckChat(context.Background(), c)
	require.ErrorContains(t, err, "the server is unreachable: ")
}

// A wait that would outlast the caller's deadline is not started.
func TestChatNeverWaitsPastTheDeadline(t *testing.T) {
	fake, srv := newScripted(t, status(429, "20", rateLimited))
	c := newTestOpenAI(t, srv.URL, "")
	w := fakeWaits(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.Chat(ctx, hello())
	require.ErrorContains(t, err, "HTTP 429: Rate limit reached")
	require.Equal(t, 1, fake.count())
	require.Empty(t, w.list())
}

func TestChatStopsWhenCancelled(t *testing.T) {
	fake, srv := newScripted(t, status(503, "", `{"error":{"message":"busy"}}`))
	c := newTestOpenAI(t, srv.URL, "")
	ctx, cancel := context.WithCancel(context.Background())
	p := &c.(*openAIChat).retry
	p.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, err := c.Chat(ctx, hello())
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 1, fake.count())
}

func TestParseRetryAfter(t *testing.T) {
	p := newRetryPolicy(0, 0)
	p.now = func() time.Time { return testNow }
	for v, want := range map[string]time.Duration{
		"0": 0, "3": 3 * time.Second, " 12 ": 12 * time.Second,
		testNow.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		testNow.Add(-time.Hour).Format(http.TimeFormat):       0,
	} {
		got, ok := p.parseRetryAfter(v)
		require.True(t, ok, v)
		require.Equal(t, want, got, v)
	}
	for _, v := range []string{"", "-1", "soon", "1.5"} {
		_, ok := p.parseRetryAfter(v)
		require.False(t, ok, v)
	}
}

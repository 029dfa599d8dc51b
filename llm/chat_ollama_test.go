package llm

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const intentSchema = `{"type":"object","properties":{"intent":{"type":"string"}},"required":["intent"],"additionalProperties":false}`

// ollamaDone is the last line of an Ollama /api/chat answer, streamed or not,
// as Ollama writes it.
func ollamaDone(content string, promptEval, eval int) string {
	return fmt.Sprintf(`{"model":"llama3.1:8b","created_at":"2025-03-01T12:00:00.123456Z","message":{"role":"assistant","content":%q},`+
		`"done_reason":"stop","done":true,"total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":%d,`+
		`"prompt_eval_duration":342546000,"eval_count":%d,"eval_duration":4535599000}`, content, promptEval, eval)
}

func ollamaAnswer(content string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprintln(w, ollamaDone(content, 26, 7))
	}
}

func ollamaStream(pieces ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		for _, p := range pieces {
			fmt.Fprintf(w, `{"model":"llama3.1:8b","created_at":"2025-03-01T12:00:00.1Z","message":{"role":"assistant","content":%q},"done":false}`+"\n", p)
			w.(http.Flusher).Flush()
		}
		fmt.Fprintln(w, ollamaDone("", 31, len(pieces)))
	}
}

func newTestOllama(t *testing.T, url string) Chat {
	c, err := NewChat(ChatSettings{Provider: "ollama", BaseURL: url + "/", Model: "llama3.1:8b"})
	require.NoError(t, err)
	return c
}

func TestOllamaChatSendsSchemaAndOptions(t *testing.T) {
	fake, srv := newScripted(t, ollamaAnswer(`{"intent":"refund"}`))
	c := newTestOllama(t, srv.URL)
	require.Equal(t, "ollama/llama3.1:8b", c.Model())

	resp, err := c.Chat(context.Background(), ChatRequest{
		System:        "Classify the message.",
		Messages:      []ChatMessage{{Role: RoleUser, Content: "Hi"}, {Role: RoleAssistant, Content: "Hello!"}, {Role: RoleUser, Content: "I want my money back"}},
		Schema:        []byte(intentSchema),
		Temperature:   0.2,
		MaxTokens:     300,
		ContextTokens: 4096,
	})
	require.NoError(t, err)
	require.Equal(t, "/api/chat", fake.request(0).path)
	body := fake.last()
	require.Equal(t, "llama3.1:8b", body["model"])
	require.Equal(t, false, body["stream"])
	jsonEq(t, intentSchema, body["format"])
	jsonEq(t, `{"temperature":0.2,"num_predict":300,"num_ctx":4096}`, body["options"])
	jsonEq(t, `[{"role":"system","content":"Classify the message."},{"role":"user","content":"Hi"},
		{"role":"assistant","content":"Hello!"},{"role":"user","content":"I want my money back"}]`, body["messages"])

	require.Equal(t, `{"intent":"refund"}`, resp.Content)
	require.Equal(t, Usage{InputTokens: 26, OutputTokens: 7}, resp.Usage)
	require.Equal(t, "ollama/llama3.1:8b", resp.Model)
	require.Equal(t, "stop", resp.FinishReason)
	require.Equal(t, 1, resp.Attempts)
	require.Zero(t, resp.Truncated)
}

func TestOllamaChatStreams(t *testing.T) {
	fake, srv := newScripted(t, ollamaStream("Your ", "refund ", "is on its way."))
	c := newTestOllama(t, srv.URL)
	var deltas []string
	req := hello()
	req.OnDelta = func(s string) { deltas = append(deltas, s) }
	resp, err := c.Chat(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, true, fake.last()["stream"])
	_, hasFormat := fake.last()["format"]
	require.False(t, hasFormat, "no schema, no format")
	require.Equal(t, []string{"Your ", "refund ", "is on its way."}, deltas)
	require.Equal(t, "Your refund is on its way.", resp.Content)
	require.Equal(t, Usage{InputTokens: 31, OutputTokens: 3}, resp.Usage)
}

// Malformed output is the agent's to repair: it comes back as written.
func TestOllamaChatReturnsMalformedOutputAsWritten(t *testing.T) {
	_, srv := newScripted(t, ollamaAnswer("{\"intent\": \"refund\"  \n"))
	req := hello()
	req.Schema = []byte(intentSchema)
	resp, err := newTestOllama(t, srv.URL).Chat(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, "{\"intent\": \"refund\"  \n", resp.Content)
}

func TestOllamaChatModelNotFoundIsNotRetried(t *testing.T) {
	fake, srv := newScripted(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":"model \"llama3.1:8b\" not found, try pulling it first"}`)
	})
	c := newTestOllama(t, srv.URL)
	_, err := c.Chat(context.Background(), hello())
	require.EqualError(t, err, `ollama chat with llama3.1:8b: HTTP 404: model "llama3.1:8b" not found, try pulling it first`)
	require.Equal(t, 1, fake.count())

	_, _, err = CheckChat(context.Background(), c)
	require.ErrorContains(t, err, "not found: check the model name")
	require.ErrorContains(t, err, "try pulling it first")
}

// Ollama's client keeps no headers; the Retry-After of a 429 still counts.
func TestOllamaChatHonoursRetryAfter(t *testing.T) {
	fake, srv := newScripted(t,
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"error":"server busy, please try again.  maximum pending requests exceeded"}`)
		},
		ollamaAnswer("ok"))
	c := newTestOllama(t, srv.URL)
	w := fakeWaits(t, c)
	resp, err := c.Chat(context.Background(), hello())
	require.NoError(t, err)
	require.Equal(t, "ok", resp.Content)
	require.Equal(t, 2, resp.Attempts)
	require.Equal(t, 2, fake.count())
	require.Equal(t, []time.Duration{time.Second}, w.list())
}

// A stream cut before "done" is an error, and one that already passed text
// on is not sent again (the caller would see the text twice).
func TestOllamaChatCutStreamIsAnError(t *testing.T) {
	fake, srv := newScripted(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		fmt.Fprintln(w, `{"model":"llama3.1:8b","created_at":"2025-03-01T12:00:00.1Z","message":{"role":"assistant","content":"Your"},"done":false}`)
	})
	c := newTestOllama(t, srv.URL)
	fakeWaits(t, c)
	var got strings.Builder
	req := hello()
	req.OnDelta = func(s string) { got.WriteString(s) }
	_, err := c.Chat(context.Background(), req)
	require.ErrorIs(t, err, errIncomplete)
	require.Equal(t, 1, fake.count())
	require.Equal(t, "Your", got.String())

	// Not streamed: nothing reached the caller, so it is tried again.
	_, err = c.Chat(context.Background(), hello())
	require.ErrorContains(t, err, "(after 3 attempts)")
	require.Equal(t, 4, fake.count())
}

func TestOllamaChatAnswersAreBounded(t *testing.T) {
	old := maxResponseBytes
	maxResponseBytes = 1 << 20
	t.Cleanup(func() { maxResponseBytes = old })
	fake, srv := newScripted(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		line := `{"model":"llama3.1:8b","created_at":"2025-03-01T12:00:00.1Z","message":{"role":"assistant","content":"` + strings.Repeat("a", 1000) + `"},"done":false}` + "\n"
		for range 4 << 10 {
			if _, err := fmt.Fprint(w, line); err != nil {
				return
			}
		}
	})
	c := newTestOllama(t, srv.URL)
	fakeWaits(t, c)
	req := hello()
	req.OnDelta = func(string) {}
	_, err := c.Chat(context.Background(), req)
	require.ErrorContains(t, err, "larger than 1 MiB")
	require.Equal(t, 1, fake.count())
}

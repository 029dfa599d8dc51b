package llm

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// openAICompletion answers as OpenAI's POST /v1/chat/completions does.
func openAICompletion(content string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,`+
			`"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":%q,"refusal":null,"annotations":[]},`+
			`"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1117,"completion_tokens":46,"total_tokens":1163,`+
			`"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}},`+
			`"service_tier":"default","system_fingerprint":"fp_fc9f1d7035"}`, content)
	}
}

// openAIStream answers with server-sent chunks as OpenAI streams them: a
// role chunk, the text, a finish chunk, a usage chunk with no choices, and
// [DONE]; with a keep-alive comment on the way, as some servers send.
func openAIStream(pieces ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		chunk := func(choices, usage string) {
			fmt.Fprintf(w, `data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18",`+
				`"system_fingerprint":"fp_44709d6fcb","choices":%s,"usage":%s}`+"\n\n", choices, usage)
			w.(http.Flusher).Flush()
		}
		chunk(`[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]`, "null")
		fmt.Fprint(w, ": keep-alive\n\n")
		for _, p := range pieces {
			chunk(fmt.Sprintf(`[{"index":0,"delta":{"content":%q},"logprobs":null,"finish_reason":null}]`, p), "null")
		}
		chunk(`[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]`, "null")
		chunk(`[]`, `{"prompt_tokens":19,"completion_tokens":3,"total_tokens":22}`)
		fmt.Fprint(w, "data: [DONE]\n\n")
	}
}

func newTestOpenAI(t *testing.T, url, key string) Chat {
	c, err := NewChat(ChatSettings{Provider: "openai", BaseURL: url + "/v1/", Model: "gpt-4o-mini", APIKey: key})
	require.NoError(t, err)
	return c
}

func TestOpenAIChatSendsJSONSchema(t *testing.T) {
	fake, srv := newScripted(t, openAICompletion(`{"intent":"refund"}`))
	c := newTestOpenAI(t, srv.URL, testKey)
	require.Equal(t, "openai/gpt-4o-mini", c.Model())
	resp, err := c.Chat(context.Background(), ChatRequest{
		System:      "Classify the message.",
		Messages:    []ChatMessage{{Role: RoleUser, Content: "I want my money back"}},
		Schema:      []byte(intentSchema),
		SchemaName:  "intent decision",
		Temperature: 0.3,
		MaxTokens:   200,
	})
	require.NoError(t, err)
	require.Equal(t, "/v1/chat/completions", fake.request(0).path)
	require.Equal(t, "Bearer "+testKey, fake.request(0).header.Get("Authorization"))
	jsonEq(t, `{"model":"gpt-4o-mini","temperature":0.3,"max_tokens":200,
		"messages":[{"role":"system","content":"Classify the message."},{"role":"user","content":"I want my money back"}],
		"response_format":{"type":"json_schema","json_schema":{"name":"intent_decision","strict":true,"schema":`+intentSchema+`}}}`, fake.last())

	require.Equal(t, `{"intent":"refund"}`, resp.Content)
	require.Equal(t, Usage{InputTokens: 1117, OutputTokens: 46}, resp.Usage)
	require.Equal(t, "openai/gpt-4o-mini-2024-07-18", resp.Model)
	require.Equal(t, "stop", resp.FinishReason)
	require.Equal(t, 1, resp.Attempts)
}

func TestOpenAIChatStreamsServerSentEvents(t *testing.T) {
	fake, srv := newScripted(t, openAIStream("Hel", "lo", " there"))
	c := newTestOpenAI(t, srv.URL, "")
	var deltas []string
	req := hello()
	req.OnDelta = func(s string) { deltas = append(deltas, s) }
	resp, err := c.Chat(context.Background(), req)
	require.NoError(t, err)
	body := fake.last()
	require.Equal(t, true, body["stream"])
	jsonEq(t, `{"include_usage":true}`, body["stream_options"])
	require.NotContains(t, body, "response_format")
	require.Equal(t, "text/event-stream", fake.request(0).header.Get("Accept"))
	require.Empty(t, fake.request(0).header.Values("Authorization"), "no key, no Authorization header")

	require.Equal(t, []string{"Hel", "lo", " there"}, deltas)
	require.Equal(t, "Hello there", resp.Content)
	require.Equal(t, Usage{InputTokens: 19, OutputTokens: 3}, resp.Usage)
	require.Equal(t, "stop", resp.FinishReason)
}

// Servers that report no usage get an estimate, marked as one.
func TestOpenAIChatEstimatesMissingUsage(t *testing.T) {
	_, srv := newScripted(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"object":"chat.completion","model":"local","choices":[{"index":0,"message":{"role":"assistant","content":"Sure, twelve characters"},"finish_reason":"stop"}]}`)
	})
	resp, err := newTestOpenAI(t, srv.URL, "").Chat(context.Background(), hello())
	require.NoError(t, err)
	require.True(t, resp.Usage.Estimated)
	require.Equal(t, EstimateTokens("Sure, twelve characters"), resp.Usage.OutputTokens)
	require.Equal(t, replyOverhead+messageTokens("Be brief.")+messageTokens("Hello?"), resp.Usage.InputTokens)
}

func TestOpenAIChatReturnsMalformedOutputAsWritten(t *testing.T) {
	_, srv := newScripted(t, openAICompletion("Sure! {\"intent\": refund"))
	req := hello()
	req.Schema = []byte(intentSchema)
	resp, err := newTestOpenAI(t, srv.URL, testKey).Chat(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, "Sure! {\"intent\": refund", resp.Content)
}

func TestOpenAIChatErrorsCarryTheServerMessage(t *testing.T) {
	wrong := "sk-wrong-key-abcdef0123456789"
	fake, srv := newScripted(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		// OpenAI echoes part of a wrong key; this fake echoes all of it.
		fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
			strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	})
	c := newTestOpenAI(t, srv.URL, wrong)
	_, err := c.Chat(context.Background(), hello())
	require.EqualError(t, err, "openai chat with gpt-4o-mini at "+srv.URL+"/v1/chat/completions: HTTP 401: Incorrect API key provided: [redacted]. "+
		"You can find your API key at https://platform.openai.com/account/api-keys.")
	require.Equal(t, 1, fake.count(), "a 401 is not retried")

	_, _, err = CheckChat(context.Background(), c)
	require.ErrorContains(t, err, "the API key was refused: ")
	require.NotContains(t, err.Error(), wrong)
}

func TestOpenAIChatRefusalIsAnError(t *testing.T) {
	_, srv := newScripted(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":6}}`)
	})
	_, err := newTestOpenAI(t, srv.URL, "").Chat(context.Background(), hello())
	require.ErrorContains(t, err, "the model refused: I can't help with that.")
}

// A stream that ends without [DONE] or a finish reason is incomplete; one
// that reports an error chunk says so.
func TestOpenAIChatBrokenStreams(t *testing.T) {
	_, srv := newScripted(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `data: {"object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"Hal"},"finish_reason":null}]}`+"\n\n")
	})
	c := newTestOpenAI(t, srv.URL, "")
	fakeWaits(t, c)
	req := hello()
	req.OnDelta = func(string) {}
	_, err := c.Chat(context.Background(), req)
	require.ErrorIs(t, err, errIncomplete)

	_, srv = newScripted(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `data: {"error":{"message":"CUDA out of memory","type":"server_error"}}`+"\n\n")
	})
	_, err = newTestOpenAI(t, srv.URL, "").Chat(context.Background(), req)
	require.ErrorContains(t, err, "the server stopped: CUDA out of memory")
}

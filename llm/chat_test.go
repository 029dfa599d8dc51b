package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewChat(t *testing.T) {
	for _, p := range []string{"builtin", ""} {
		_, err := NewChat(ChatSettings{Provider: p, Model: "x"})
		require.ErrorIs(t, err, ErrNoChatModel)
	}
	_, err := NewChat(ChatSettings{Provider: "magic", Model: "m"})
	require.ErrorContains(t, err, `unknown chat provider "magic"`)
	_, err = NewChat(ChatSettings{Provider: "ollama", BaseURL: "http://127.0.0.1:11434"})
	require.ErrorContains(t, err, "no model set")
	_, err = NewChat(ChatSettings{Provider: "openai", BaseURL: "ftp://x", Model: "m"})
	require.ErrorContains(t, err, "not an http(s) URL")
}

func TestCost(t *testing.T) {
	p := Price{InputPerMillion: 0.15, OutputPerMillion: 0.60}
	require.InDelta(t, 0.000195, Cost(Usage{InputTokens: 1000, OutputTokens: 75}, p), 1e-12)
	require.Zero(t, Cost(Usage{}, p))
}

func TestEstimateTokens(t *testing.T) {
	require.Equal(t, 0, EstimateTokens(""))
	require.Equal(t, 1, EstimateTokens("a"))
	require.Equal(t, 5, EstimateTokens("Where is my order?")) // 18 ASCII bytes: 4.5
	require.Equal(t, 3, EstimateTokens("Où est ma"))          // 8 ASCII bytes and ù: 2.5
	require.Equal(t, 5, EstimateTokens("注文はどこ"))              // 2 Han and 3 kana
}

// longConversation alternates user and assistant messages, ending with the
// user's current one.
func longConversation(n int) []ChatMessage {
	msgs := make([]ChatMessage, n)
	for i := range msgs {
		role := RoleUser
		if (n-1-i)%2 == 1 {
			role = RoleAssistant
		}
		msgs[i] = ChatMessage{Role: role, Content: fmt.Sprintf("message %d: %s", i, strings.Repeat("lorem ipsum ", 33))}
	}
	return msgs
}

func TestChatDropsTheOldestMessagesToFit(t *testing.T) {
	fake, srv := newScripted(t, openAICompletion("ok"))
	c := newTestOpenAI(t, srv.URL, "")
	msgs := longConversation(50)
	system := "You are the support agent of a shop. " + strings.Repeat("Be kind. ", 40)
	resp, err := c.Chat(context.Background(), ChatRequest{System: system, Messages: msgs, MaxTokens: 500, ContextTokens: 2000})
	require.NoError(t, err)

	var sent struct {
		Messages []ChatMessage `json:"messages"`
	}
	require.NoError(t, json.Unmarshal(fake.request(0).body, &sent))
	require.Equal(t, ChatMessage{Role: "system", Content: system}, sent.Messages[0], "the system text is kept whole")
	kept := sent.Messages[1:]
	require.Equal(t, msgs[len(msgs)-len(kept):], kept, "a suffix of the conversation, current message last")
	require.Equal(t, RoleUser, kept[0].Role, "the kept history starts with the user")
	require.Equal(t, 50-len(kept), resp.Truncated)
	require.Greater(t, resp.Truncated, 30)

	used := replyOverhead + messageTokens(system)
	for _, m := range kept {
		used += messageTokens(m.Content)
	}
	require.LessOrEqual(t, used, 2000-500)
	require.Greater(t, used+messageTokens(msgs[len(msgs)-len(kept)-1].Content), 2000-500, "nothing more would have fit")
}

func TestFitContextDropsALeadingAssistantMessage(t *testing.T) {
	msgs := []ChatMessage{
		{Role: RoleUser, Content: strings.Repeat("x", 400)},
		{Role: RoleAssistant, Content: "short"},
		{Role: RoleUser, Content: "current"},
	}
	kept, dropped, _, err := fitContext("", msgs, 100, 50)
	require.NoError(t, err)
	require.Equal(t, 2, dropped)
	require.Equal(t, msgs[2:], kept)

	kept, dropped, _, err = fitContext("", msgs, 1000, 50)
	require.NoError(t, err)
	require.Zero(t, dropped)
	require.Equal(t, msgs, kept)
}

func TestChatRefusesAnImpossibleBudget(t *testing.T) {
	fake, srv := newScripted(t, openAICompletion("ok"))
	c := newTestOpenAI(t, srv.URL, "")
	_, err := c.Chat(context.Background(), ChatRequest{System: strings.Repeat("Rules. ", 400), Messages: longConversation(3),
		MaxTokens: 500, ContextTokens: 1000})
	require.ErrorContains(t, err, "the instructions and the current message take about")
	_, err = c.Chat(context.Background(), ChatRequest{Messages: longConversation(1), MaxTokens: 2000, ContextTokens: 1000})
	require.ErrorContains(t, err, "leaves no room")
	_, err = c.Chat(context.Background(), ChatRequest{})
	require.ErrorContains(t, err, "no messages")
	_, err = c.Chat(context.Background(), ChatRequest{Messages: []ChatMessage{{Role: "system", Content: "x"}}})
	require.ErrorContains(t, err, `role "system"`)
	_, err = c.Chat(context.Background(), ChatRequest{Messages: longConversation(1), Schema: []byte(`[1]`)})
	require.ErrorContains(t, err, "not a JSON object")
	require.Zero(t, fake.count())
}

func TestCheckChat(t *testing.T) {
	fake, srv := newScripted(t, openAICompletion(`{"ok":true}`))
	model, took, err := CheckChat(context.Background(), newTestOpenAI(t, srv.URL, testKey))
	require.NoError(t, err)
	require.Equal(t, "openai/gpt-4o-mini-2024-07-18", model)
	require.Positive(t, took)
	jsonEq(t, string(checkSchema), fake.last()["response_format"].(map[string]any)["json_schema"].(map[string]any)["schema"])

	_, srv = newScripted(t, ollamaAnswer(`{"ok":true}`))
	_, _, err = CheckChat(context.Background(), newTestOllama(t, srv.URL))
	require.NoError(t, err)

	tests := []struct {
		handler http.HandlerFunc
		err     string
	}{
		{openAICompletion("Yes, I am here!"), `answered, but not with JSON matching the schema (does it support structured output?): "Yes, I am here!"`},
		{openAICompletion(`{"fine":true}`), "not with JSON matching the schema"},
		{status(400, "", `{"error":{"message":"response_format json_schema is not supported by this model","type":"invalid_request_error"}}`),
			"structured output (a JSON schema) is not supported: "},
		{status(404, "", `{"error":{"message":"The model `+"`gpt-4o-mini`"+` does not exist or you do not have access to it.","type":"invalid_request_error","code":"model_not_found"}}`),
			"not found: check the model name"},
		{func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"object":"chat.completion","model":"qwen3","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"length"}]}`)
		}, "answered nothing within 512 tokens"},
	}
	for _, tt := range tests {
		_, srv := newScripted(t, tt.handler)
		_, _, err := CheckChat(context.Background(), newTestOpenAI(t, srv.URL, ""))
		require.ErrorContains(t, err, tt.err)
	}

	var se *statusError
	_, srv = newScripted(t, status(403, "", `{"error":{"message":"Project does not have access"}}`))
	_, _, err = CheckChat(context.Background(), newTestOpenAI(t, srv.URL, ""))
	require.True(t, errors.As(err, &se))
	require.Equal(t, 403, se.code)
}

package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Chat is a language model that answers a conversation. Implementations are
// safe for concurrent use.
type Chat interface {
	// Chat sends the conversation and returns the model's answer. It retries
	// rate limits, server errors, timeouts and dropped connections (see
	// ChatSettings), drops the oldest messages that do not fit the context
	// window, and returns the answer as the model wrote it: an answer to a
	// Schema is not validated here.
	Chat(ctx context.Context, req ChatRequest) (ChatResponse, error)
	// Model names the provider and model, e.g. "ollama/llama3.1:8b" or
	// "openai/gpt-4o-mini".
	Model() string
}

// ChatRequest is one conversation to answer.
type ChatRequest struct {
	// System holds the instructions; it is never truncated.
	System string
	// Messages are oldest first; the last one is the current message and is
	// never truncated. Older ones are dropped, oldest first, when the
	// conversation does not fit ContextTokens.
	Messages []ChatMessage
	// Schema, when set, is a JSON schema (an object) the answer must match:
	// the model answers with one JSON object. OpenAI's strict mode wants
	// "additionalProperties": false and every property required.
	Schema json.RawMessage
	// SchemaName names the schema for providers that ask for one
	// (default "answer"; letters, digits, _ and - only).
	SchemaName string
	// Temperature is sent as is; 0 asks for the most likely answer.
	Temperature float64
	// MaxTokens bounds the answer (default 1024).
	MaxTokens int
	// ContextTokens is the model's context window: System, Messages and
	// MaxTokens must fit in it (default DefaultContextTokens). Ollama is
	// asked to load the model with this window (num_ctx).
	ContextTokens int
	// OnDelta, when set, streams the answer: it is called with each piece of
	// text as it arrives, on the calling goroutine. A call that already
	// streamed text is not retried.
	OnDelta func(string)
}

// ChatMessage is one turn of a conversation.
type ChatMessage struct {
	// Role is RoleUser or RoleAssistant.
	Role    string
	Content string
}

// The roles of ChatMessage.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// ChatResponse is a model's answer and what it took.
type ChatResponse struct {
	// Content is the answer exactly as the model wrote it.
	Content string
	// FinishReason is why the model stopped, as the provider said: "stop",
	// or "length" when MaxTokens cut the answer; empty when not reported.
	FinishReason string
	// Usage counts the tokens in and out.
	Usage Usage
	// Model is the model that answered as the provider named it, with the
	// provider first, e.g. "openai/gpt-4o-mini-2024-07-18".
	Model string
	// Latency is the whole call: every attempt and the waits between them.
	Latency time.Duration
	// Truncated is how many old messages were dropped to fit the context.
	Truncated int
	// Attempts is how many requests were sent (1 when the first succeeded).
	Attempts int
}

// Usage counts tokens as the provider reported them.
type Usage struct {
	InputTokens  int
	OutputTokens int
	// Estimated is true when the provider did not report the counts and
	// they come from EstimateTokens.
	Estimated bool
}

// Price is what a model costs, in US dollars per million tokens.
type Price struct {
	InputPerMillion  float64
	OutputPerMillion float64
}

// Cost returns what u costs at price p, in US dollars.
func Cost(u Usage, p Price) float64 {
	return (float64(u.InputTokens)*p.InputPerMillion + float64(u.OutputTokens)*p.OutputPerMillion) / 1e6
}

// ErrNoChatModel is returned by NewChat for the built-in provider: it has no
// chat model, and the agent composes answers from templates and knowledge
// without one.
var ErrNoChatModel = errors.New("the built-in provider has no chat model")

// DefaultContextTokens is the context window assumed when a request does not
// give one: small enough for most local models.
const DefaultContextTokens = 8192

// defaultMaxTokens is the answer budget when a request does not give one.
const defaultMaxTokens = 1024

// ChatSettings chooses and configures a chat provider. They mirror a
// workspace's model settings plus the decrypted API key.
type ChatSettings struct {
	// Provider is "ollama" or "openai" (any OpenAI-compatible API); "builtin"
	// gives ErrNoChatModel.
	Provider string
	// BaseURL of the provider: http://127.0.0.1:11434 for Ollama,
	// https://api.openai.com/v1 or http://127.0.0.1:8080/v1 (llama.cpp, vLLM,
	// LM Studio) for OpenAI-compatible servers.
	BaseURL string
	// Model is the chat model, e.g. llama3.1:8b or gpt-4o-mini.
	Model string
	// APIKey is sent as a bearer token to OpenAI-compatible APIs when set.
	APIKey string
	// HTTPClient makes the requests; nil uses a client without a timeout of
	// its own (Timeout bounds each attempt). Deskmate passes one that checks
	// every destination (netguard).
	HTTPClient *http.Client
	// Timeout bounds each attempt, streaming included (default 2 minutes).
	Timeout time.Duration
	// Attempts is how many requests one call may send (default 3).
	Attempts int
}

// NewChat returns the chat model the settings describe.
func NewChat(s ChatSettings) (Chat, error) {
	provider := strings.TrimSpace(s.Provider)
	if provider == "" || provider == "builtin" {
		return nil, ErrNoChatModel
	}
	model := strings.TrimSpace(s.Model)
	if model == "" {
		return nil, fmt.Errorf("%s chat: no model set", provider)
	}
	client := s.HTTPClient
	if client == nil {
		client = &http.Client{}
	}
	retry := newRetryPolicy(s.Timeout, s.Attempts)
	switch provider {
	case "ollama":
		return newOllamaChat(s.BaseURL, model, client, retry)
	case "openai":
		return newOpenAIChat(s.BaseURL, model, s.APIKey, client, retry)
	default:
		return nil, fmt.Errorf("unknown chat provider %q (want ollama or openai)", s.Provider)
	}
}

// prepared is a request checked, with defaults filled in and old messages
// dropped to fit the context window.
type prepared struct {
	ChatRequest
	truncated   int // old messages dropped
	inputTokens int // the estimate of System + the kept Messages
}

// prepare checks req, fills in defaults and fits it into its context window.
func prepare(req ChatRequest) (prepared, error) {
	if len(req.Messages) == 0 {
		return prepared{}, errors.New("no messages to answer")
	}
	for i, m := range req.Messages {
		if m.Role != RoleUser && m.Role != RoleAssistant {
			return prepared{}, fmt.Errorf("message %d has role %q (want user or assistant)", i, m.Role)
		}
	}
	if len(req.Schema) > 0 {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(req.Schema, &obj); err != nil {
			return prepared{}, fmt.Errorf("the schema is not a JSON object: %v", err)
		}
		req.SchemaName = schemaName(req.SchemaName)
	}
	if req.MaxTokens <= 0 {
		req.MaxTokens = defaultMaxTokens
	}
	if req.ContextTokens <= 0 {
		req.ContextTokens = DefaultContextTokens
	}
	msgs, dropped, tokens, err := fitContext(req.System, req.Messages, req.ContextTokens, req.MaxTokens)
	if err != nil {
		return prepared{}, err
	}
	req.Messages = msgs
	return prepared{ChatRequest: req, truncated: dropped, inputTokens: tokens}, nil
}

// schemaName makes name acceptable to OpenAI (^[a-zA-Z0-9_-]{1,64}$).
func schemaName(name string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" {
		return "answer"
	}
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

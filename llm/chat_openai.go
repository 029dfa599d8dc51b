package llm

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// openAIChat answers with any OpenAI-compatible API
// (POST {base}/chat/completions).
type openAIChat struct {
	endpoint string
	model    string
	key      string
	client   *http.Client
	retry    retryPolicy
}

func newOpenAIChat(baseURL, model, key string, client *http.Client, retry retryPolicy) (*openAIChat, error) {
	base := strings.TrimRight(strings.TrimSpace(baseURL), "/")
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("openai chat: base URL %q is not an http(s) URL", baseURL)
	}
	return &openAIChat{endpoint: base + "/chat/completions", model: model, key: key, client: client, retry: retry}, nil
}

// Model implements Chat: "openai/<model>".
func (o *openAIChat) Model() string { return "openai/" + o.model }

type openAIChatRequest struct {
	Model          string                `json:"model"`
	Messages       []openAIMessage       `json:"messages"`
	Temperature    float64               `json:"temperature"`
	MaxTokens      int                   `json:"max_tokens"`
	ResponseFormat *openAIResponseFormat `json:"response_format,omitempty"`
	Stream         bool                  `json:"stream,omitempty"`
	StreamOptions  *openAIStreamOptions  `json:"stream_options,omitempty"`
}

type openAIMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type openAIResponseFormat struct {
	Type       string           `json:"type"`
	JSONSchema openAIJSONSchema `json:"json_schema"`
}

type openAIJSONSchema struct {
	Name   string          `json:"name"`
	Schema json.RawMessage `json:"schema"`
	Strict bool            `json:"strict"`
}

type openAIStreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// openAIChatAnswer is a chat completion or one streamed chunk of it.
type openAIChatAnswer struct {
	Model   string `json:"model"`
	Choices []struct {
		Message      openAIText `json:"message"` // a completion
		Delta        openAIText `json:"delta"`   // a chunk
		FinishReason string     `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
	Error json.RawMessage `json:"error"` // some servers report failures mid-stream
}

type openAIText struct {
	Content string `json:"content"`
	Refusal string `json:"refusal"`
}

// openAIResult is what one successful attempt read.
type openAIResult struct {
	content, refusal, finish, model string
	usage                           Usage
}

// Chat implements Chat.
func (o *openAIChat) Chat(ctx context.Context, req ChatRequest) (ChatResponse, error) {
	start := time.Now()
	prefix := fmt.Sprintf("openai chat with %s at %s", o.model, o.endpoint)
	p, err := prepare(req)
	if err != nil {
		return ChatResponse{}, fmt.Errorf("%s: %w", prefix, err)
	}
	body := openAIChatRequest{Model: o.model, Temperature: p.Temperature, MaxTokens: p.MaxTokens}
	if p.System != "" {
		body.Messages = append(body.Messages, openAIMessage{Role: "system", Content: p.System})
	}
	for _, m := range p.Messages {
		body.Messages = append(body.Messages, openAIMessage(m))
	}
	if len(p.Schema) > 0 {
		body.ResponseFormat = &openAIResponseFormat{Type: "json_schema",
			JSONSchema: openAIJSONSchema{Name: p.SchemaName, Schema: p.Schema, Strict: true}}
	}
	if p.OnDelta != nil {
		body.Stream, body.StreamOptions = true, &openAIStreamOptions{IncludeUsage: true}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return ChatResponse{}, fmt.Errorf("%s: %w", prefix, err)
	}
	var res openAIResult
	attempts, err := o.retry.run(ctx, func(ctx context.Context) (bool, error) {
		r, streamed, err := o.attempt(ctx, raw, p.OnDelta)
		res = r
		return streamed, err
	})
	if err == nil && res.content == "" && res.refusal != "" {
		err = fmt.Errorf("the model refused: %s", clip(res.refusal, 300))
	}
	if err != nil {
		return ChatResponse{}, chatError(prefix, attempts, err)
	}
	return ChatResponse{
		Content:      res.content,
		FinishReason: res.finish,
		Usage:        estimateMissing(res.usage, p.inputTokens, res.content),
		Model:        "openai/" + cmp.Or(res.model, o.model),
		Latency:      time.Since(start),
		Truncated:    p.truncated,
		Attempts:     attempts,
	}, nil
}

// attempt sends one request and reads the answer, streamed when onDelta is
// set; it reports whether any text reached onDelta.
func (o *openAIChat) attempt(ctx context.Context, body []byte, onDelta func(string)) (openAIResult, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.endpoint, bytes.NewReader(body))
	if err != nil {
		return openAIResult{}, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	if onDelta != nil {
		req.Header.Set("Accept", "text/event-stream")
	} else {
		req.Header.Set("Accept", "application/json")
	}
	if o.key != "" {
		req.Header.Set("Authorization", "Bearer "+o.key)
	}
	resp, err := o.client.Do(req)
	if err != nil {
		return openAIResult{}, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return openAIResult{}, false, &statusError{code: resp.StatusCode,
			msg: clip(o.redact(errorMessage(raw, resp.StatusCode)), 300), retryAfter: resp.Header.Get("Retry-After")}
	}
	r := &cappedBody{rc: resp.Body, left: maxResponseBytes}
	if onDelta != nil {
		return o.readStream(r, onDelta)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return openAIResult{}, false, fmt.Errorf("reading the answer: %w", err)
	}
	var a openAIChatAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return openAIResult{}, false, fmt.Errorf("the answer is not a chat completion: %v", err)
	}
	if len(a.Choices) == 0 {
		return openAIResult{}, false, errors.New("the answer has no choices")
	}
	c := a.Choices[0]
	res := openAIResult{content: c.Message.Content, refusal: c.Message.Refusal, finish: c.FinishReason, model: a.Model}
	if a.Usage != nil {
		res.usage = Usage{InputTokens: a.Usage.PromptTokens, OutputTokens: a.Usage.CompletionTokens}
	}
	return res, false, nil
}

// readStream reads server-sent events: "data: {chunk}" lines until
// "data: [DONE]", passing each piece of text to onDelta. The usage comes in
// a last chunk with no choices.
func (o *openAIChat) readStream(r io.Reader, onDelta func(string)) (openAIResult, bool, error) {
	var res openAIResult
	var content, refusal strings.Builder
	streamed, done := false, false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), int(maxResponseBytes))
	for !done && sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data:")
		if !ok {
			continue // blank lines, ": comments", event: and id: fields
		}
		data = strings.TrimSpace(data)
		if data == "[DONE]" {
			done = true
			break
		}
		var chunk openAIChatAnswer
		if err := json.Unmarshal([]byte(data), &chunk); err != nil {
			return res, streamed, fmt.Errorf("a streamed chunk is not JSON: %v", err)
		}
		if len(chunk.Error) > 0 && string(chunk.Error) != "null" {
			return res, streamed, fmt.Errorf("the server stopped: %s", clip(o.redact(errorMessage([]byte(`{"error":`+string(chunk.Error)+`}`), 0)), 300))
		}
		res.model = cmp.Or(chunk.Model, res.model)
		if chunk.Usage != nil {
			res.usage = Usage{InputTokens: chunk.Usage.PromptTokens, OutputTokens: chunk.Usage.CompletionTokens}
		}
		if len(chunk.Choices) == 0 {
			continue
		}
		c := chunk.Choices[0]
		if c.Delta.Content != "" {
			content.WriteString(c.Delta.Content)
			streamed = true
			onDelta(c.Delta.Content)
		}
		refusal.WriteString(c.Delta.Refusal)
		res.finish = cmp.Or(c.FinishReason, res.finish)
	}
	if err := sc.Err(); err != nil {
		return res, streamed, fmt.Errorf("reading the answer: %w", err)
	}
	if !done && res.finish == "" {
		return res, streamed, errIncomplete
	}
	res.content, res.refusal = content.String(), refusal.String()
	return res, streamed, nil
}

// errorMessage finds the message in an error answer: OpenAI's
// {"error":{"message"}}, vLLM's {"message"}, {"error":"..."} or {"detail"},
// else the body itself.
func errorMessage(raw []byte, status int) string {
	var e struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Detail  json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(raw, &e) == nil {
		var nested struct {
			Message string `json:"message"`
		}
		var s string
		switch {
		case json.Unmarshal(e.Error, &nested) == nil && nested.Message != "":
			return nested.Message
		case json.Unmarshal(e.Error, &s) == nil && s != "":
			return s
		case e.Message != "":
			return e.Message
		case json.Unmarshal(e.Detail, &s) == nil && s != "":
			return s
		}
	}
	if msg := strings.TrimSpace(string(raw)); msg != "" {
		return msg
	}
	return cmp.Or(http.StatusText(status), "no message")
}

// redact keeps the API key out of error messages, even if the server echoed
// it back.
func (o *openAIChat) redact(msg string) string {
	if o.key != "" {
		msg = strings.ReplaceAll(msg, o.key, "[redacted]")
	}
	return msg
}

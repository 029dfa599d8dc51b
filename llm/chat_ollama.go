package llm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ollama/ollama/api"
)

// ollamaChat answers with a model served by Ollama (POST /api/chat).
type ollamaChat struct {
	client *api.Client
	model  string
	retry  retryPolicy
}

func newOllamaChat(baseURL, model string, client *http.Client, retry retryPolicy) (*ollamaChat, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(baseURL), "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("ollama chat: base URL %q is not an http(s) URL", baseURL)
	}
	hc := cappedClient(client, maxResponseBytes)
	hc.Transport = tapTransport{base: hc.Transport}
	return &ollamaChat{client: api.NewClient(u, hc), model: model, retry: retry}, nil
}

// Model implements Chat: "ollama/<model>".
func (o *ollamaChat) Model() string { return "ollama/" + o.model }

// Chat implements Chat.
func (o *ollamaChat) Chat(ctx context.Context, req ChatRequest) (ChatResponse, error) {
	start := time.Now()
	prefix := "ollama chat with " + o.model
	p, err := prepare(req)
	if err != nil {
		return ChatResponse{}, fmt.Errorf("%s: %w", prefix, err)
	}
	msgs := make([]api.Message, 0, len(p.Messages)+1)
	if p.System != "" {
		msgs = append(msgs, api.Message{Role: "system", Content: p.System})
	}
	for _, m := range p.Messages {
		msgs = append(msgs, api.Message{Role: m.Role, Content: m.Content})
	}
	stream := p.OnDelta != nil
	areq := &api.ChatRequest{
		Model:    o.model,
		Messages: msgs,
		Stream:   &stream,
		Format:   p.Schema,
		Options: map[string]any{
			"temperature": p.Temperature,
			"num_predict": p.MaxTokens,
			"num_ctx":     p.ContextTokens,
		},
	}
	var final api.ChatResponse
	var content string
	attempts, err := o.retry.run(ctx, func(ctx context.Context) (bool, error) {
		tap := &responseTap{}
		ctx = context.WithValue(ctx, tapKey{}, tap)
		var b strings.Builder
		streamed, done := false, false
		err := o.client.Chat(ctx, areq, func(r api.ChatResponse) error {
			if r.Message.Content != "" {
				b.WriteString(r.Message.Content)
				if stream {
					streamed = true
					p.OnDelta(r.Message.Content)
				}
			}
			if r.Done {
				done, final = true, r
			}
			return nil
		})
		// When reading the body fails, the client stops quietly or complains
		// about the partial line it was left with; the tap saw why.
		switch {
		case tap.bodyErr != nil:
			return streamed, fmt.Errorf("reading the answer: %w", tap.bodyErr)
		case err != nil:
			return streamed, ollamaError(err, tap)
		case !done:
			return streamed, errIncomplete
		}
		content = b.String()
		return streamed, nil
	})
	if err != nil {
		return ChatResponse{}, chatError(prefix, attempts, err)
	}
	out := ChatResponse{
		Content:      content,
		FinishReason: final.DoneReason,
		Usage:        Usage{InputTokens: final.PromptEvalCount, OutputTokens: final.EvalCount},
		Model:        "ollama/" + cmp.Or(final.Model, o.model),
		Latency:      time.Since(start),
		Truncated:    p.truncated,
		Attempts:     attempts,
	}
	out.Usage = estimateMissing(out.Usage, p.inputTokens, content)
	return out, nil
}

// ollamaError turns the client's errors into ones the retry policy and
// CheckChat understand.
func ollamaError(err error, tap *responseTap) error {
	var se api.StatusError
	var ae api.AuthorizationError
	switch {
	case errors.As(err, &se):
		msg := strings.TrimSpace(se.ErrorMessage)
		if msg == "" {
			msg = cmp.Or(se.Status, http.StatusText(se.StatusCode))
		}
		return &statusError{code: se.StatusCode, msg: clip(msg, 300), retryAfter: tap.retryAfter}
	case errors.As(err, &ae):
		return &statusError{code: ae.StatusCode, msg: "unauthorized"}
	default:
		return err
	}
}

// estimateMissing fills in the counts a provider did not report.
func estimateMissing(u Usage, input int, content string) Usage {
	if u.InputTokens == 0 {
		u.InputTokens, u.Estimated = input, true
	}
	if u.OutputTokens == 0 && content != "" {
		u.OutputTokens, u.Estimated = EstimateTokens(content), true
	}
	return u
}

// tapTransport records, for a request whose context carries a responseTap,
// the answer's Retry-After header and the error that ended reading its body:
// Ollama's client keeps neither.
type tapTransport struct{ base http.RoundTripper }

type tapKey struct{}

type responseTap struct {
	retryAfter string
	bodyErr    error
}

func (t tapTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if tap, ok := req.Context().Value(tapKey{}).(*responseTap); ok {
		tap.retryAfter = resp.Header.Get("Retry-After")
		resp.Body = &tappedBody{ReadCloser: resp.Body, tap: tap}
	}
	return resp, nil
}

type tappedBody struct {
	io.ReadCloser
	tap *responseTap
}

func (b *tappedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && b.tap.bodyErr == nil {
		b.tap.bodyErr = err
	}
	return n, err
}

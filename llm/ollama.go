package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ollama/ollama/api"
)

// Ollama embeds with a model served by Ollama (POST /api/embed).
type Ollama struct {
	client *api.Client
	model  string
	batch  int
	dims   atomic.Int64
}

// NewOllama returns an Ollama embedder for model at baseURL
// (e.g. http://127.0.0.1:11434), sending batch texts per request (default 32).
func NewOllama(baseURL, model string, client *http.Client, batch int) (*Ollama, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(baseURL), "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("ollama: base URL %q is not an http(s) URL", baseURL)
	}
	if batch <= 0 {
		batch = 32
	}
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Minute}
	}
	return &Ollama{client: api.NewClient(u, cappedClient(client, maxResponseBytes)), model: model, batch: batch}, nil
}

// Model implements Embedder: "ollama/<model>".
func (o *Ollama) Model() string { return "ollama/" + o.model }

// Dimensions implements Embedder; 0 until the first answer tells.
func (o *Ollama) Dimensions() int { return int(o.dims.Load()) }

// Embed implements Embedder.
func (o *Ollama) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return [][]float32{}, nil
	}
	out, dims, err := batches("ollama embed with "+o.model, texts, o.batch, func(part []string) ([][]float32, error) {
		resp, err := o.client.Embed(ctx, &api.EmbedRequest{Model: o.model, Input: part})
		if err != nil {
			return nil, o.explain(err)
		}
		return resp.Embeddings, nil
	})
	if err != nil {
		return nil, err
	}
	o.dims.Store(int64(dims))
	return out, nil
}

// explain turns the client's errors into messages that say what failed.
func (o *Ollama) explain(err error) error {
	var se api.StatusError
	var ae api.AuthorizationError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("ollama embed with %s: HTTP %d: %s", o.model, se.StatusCode, clip(se.ErrorMessage, 300))
	case errors.As(err, &ae):
		return fmt.Errorf("ollama embed with %s: HTTP %d: unauthorized", o.model, ae.StatusCode)
	default:
		return fmt.Errorf("ollama embed with %s: %w", o.model, err)
	}
}

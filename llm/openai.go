package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// OpenAI embeds with any OpenAI-compatible API (POST {base}/embeddings).
type OpenAI struct {
	endpoint string
	model    string
	key      string
	client   *http.Client
	batch    int
	dims     atomic.Int64
}

// NewOpenAI returns an embedder for model at baseURL (e.g.
// https://api.openai.com/v1), authenticating with key when it is set and
// sending batch texts per request (default 32).
func NewOpenAI(baseURL, model, key string, client *http.Client, batch int) (*OpenAI, error) {
	base := strings.TrimRight(strings.TrimSpace(baseURL), "/")
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("openai: base URL %q is not an http(s) URL", baseURL)
	}
	if batch <= 0 {
		batch = 32
	}
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Minute}
	}
	return &OpenAI{endpoint: base + "/embeddings", model: model, key: key, client: client, batch: batch}, nil
}

// Model implements Embedder: "openai/<model>".
func (o *OpenAI) Model() string { return "openai/" + o.model }

// Dimensions implements Embedder; 0 until the first answer tells.
func (o *OpenAI) Dimensions() int { return int(o.dims.Load()) }

type openAIRequest struct {
	Model          string   `json:"model"`
	Input          []string `json:"input"`
	EncodingFormat string   `json:"encoding_format"`
}

type openAIResponse struct {
	Data []struct {
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	} `json:"data"`
}

type openAIError struct {
	Error struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"error"`
}

// Embed implements Embedder.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return [][]float32{}, nil
	}
	out, dims, err := batches("openai embed with "+o.model, texts, o.batch, func(part []string) ([][]float32, error) { return o.call(ctx, part) })
	if err != nil {
		return nil, err
	}
	o.dims.Store(int64(dims))
	return out, nil
}

func (o *OpenAI) call(ctx context.Context, texts []string) ([][]float32, error) {
	body, err := json.Marshal(openAIRequest{Model: o.model, Input: texts, EncodingFormat: "float"})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, o.fail("%v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if o.key != "" {
		req.Header.Set("Authorization", "Bearer "+o.key)
	}
	resp, err := o.client.Do(req)
	if err != nil {
		return nil, o.fail("%v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, o.fail("reading the answer: %v", err)
	}
	if int64(len(raw)) > maxResponseBytes {
		return nil, o.fail("the answer is larger than %d MiB", maxResponseBytes>>20)
	}
	if resp.StatusCode/100 != 2 {
		msg := strings.TrimSpace(string(raw))
		var e openAIError
		if json.Unmarshal(raw, &e) == nil && e.Error.Message != "" {
			msg = e.Error.Message
		}
		if msg == "" {
			msg = http.StatusText(resp.StatusCode)
		}
		return nil, o.fail("HTTP %d: %s", resp.StatusCode, clip(msg, 300))
	}
	var r openAIResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, o.fail("the answer is not an embeddings list: %v", err)
	}
	if len(r.Data) != len(texts) {
		return nil, o.fail("asked for %d embeddings, got %d", len(texts), len(r.Data))
	}
	sort.SliceStable(r.Data, func(i, j int) bool { return r.Data[i].Index < r.Data[j].Index })
	out := make([][]float32, len(texts))
	for i, d := range r.Data {
		if d.Index != i {
			return nil, o.fail("the answer has no embedding for input %d", i)
		}
		out[i] = d.Embedding
	}
	return out, nil
}

// fail builds an error naming the endpoint and model; the API key never
// appears in it, even if the server echoed it back.
func (o *OpenAI) fail(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if o.key != "" {
		msg = strings.ReplaceAll(msg, o.key, "[redacted]")
	}
	return fmt.Errorf("openai embed with %s at %s: %s", o.model, o.endpoint, msg)
}

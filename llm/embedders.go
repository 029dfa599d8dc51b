package llm

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// EmbedSettings chooses and configures an embedding provider. They mirror a
// workspace's model settings plus the decrypted API key.
type EmbedSettings struct {
	// Provider is "builtin", "ollama" or "openai" (any OpenAI-compatible API).
	Provider string
	// BaseURL of the provider: http://127.0.0.1:11434 for Ollama,
	// https://api.openai.com/v1 for OpenAI.
	BaseURL string
	// Model is the embedding model; empty means the built-in embedder.
	Model string
	// APIKey is sent as a bearer token to OpenAI-compatible APIs.
	APIKey string
	// HTTPClient makes the requests; nil uses a client with a 2-minute timeout.
	// Deskmate passes one that checks every destination (netguard).
	HTTPClient *http.Client
	// BatchSize is how many texts go in one request (default 32).
	BatchSize int
}

// NewEmbedder returns the embedder the settings describe: the built-in one
// when the provider is builtin or no embedding model is set.
func NewEmbedder(s EmbedSettings) (Embedder, error) {
	model := strings.TrimSpace(s.Model)
	if s.Provider == "" || s.Provider == "builtin" || model == "" {
		return NewBuiltin(), nil
	}
	client := s.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Minute}
	}
	switch s.Provider {
	case "ollama":
		return NewOllama(s.BaseURL, model, client, s.BatchSize)
	case "openai":
		return NewOpenAI(s.BaseURL, model, s.APIKey, client, s.BatchSize)
	default:
		return nil, fmt.Errorf("unknown embedding provider %q (want builtin, ollama or openai)", s.Provider)
	}
}

// batches calls fn on consecutive slices of at most size texts and
// concatenates the vectors, checking that every vector has the same size.
// Errors from fn are returned as they are; its own start with prefix.
func batches(prefix string, texts []string, size int, fn func([]string) ([][]float32, error)) ([][]float32, int, error) {
	out := make([][]float32, 0, len(texts))
	dims := 0
	for start := 0; start < len(texts); start += size {
		end := min(start+size, len(texts))
		vs, err := fn(texts[start:end])
		if err != nil {
			return nil, 0, err
		}
		if len(vs) != end-start {
			return nil, 0, fmt.Errorf("%s: asked for %d embeddings, got %d", prefix, end-start, len(vs))
		}
		for _, v := range vs {
			if len(v) == 0 {
				return nil, 0, fmt.Errorf("%s: got an empty embedding", prefix)
			}
			if dims == 0 {
				dims = len(v)
			} else if len(v) != dims {
				return nil, 0, fmt.Errorf("%s: got embeddings of %d and %d dimensions", prefix, dims, len(v))
			}
		}
		out = append(out, vs...)
	}
	return out, dims, nil
}

// clip shortens a provider's error message for display.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n]) + "…"
	}
	return s
}

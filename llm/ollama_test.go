package llm

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ollama/ollama/api"
	"github.com/stretchr/testify/require"
)

// fakeOllama speaks Ollama's /api/embed: it answers each input with the
// built-in embedder's vector cut to dims, and records the batch sizes.
type fakeOllama struct {
	mu      sync.Mutex
	batches []int
	dims    int
}

func (f *fakeOllama) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/embed" {
		http.NotFound(w, r)
		return
	}
	var req api.EmbedRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	if req.Model != "nomic-embed-text" {
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]string{"error": `model "` + req.Model + `" not found, try pulling it first`})
		return
	}
	var inputs []string
	switch in := req.Input.(type) {
	case string:
		inputs = []string{in}
	case []any:
		for _, s := range in {
			inputs = append(inputs, s.(string))
		}
	}
	f.mu.Lock()
	f.batches = append(f.batches, len(inputs))
	f.mu.Unlock()
	resp := api.EmbedResponse{Model: req.Model}
	for _, s := range inputs {
		resp.Embeddings = append(resp.Embeddings, NewBuiltin().Vector(s)[:f.dims])
	}
	json.NewEncoder(w).Encode(resp)
}

func TestOllamaEmbedsInBatchesInOrder(t *testing.T) {
	fake := &fakeOllama{dims: 64}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	e, err := NewEmbedder(EmbedSettings{Provider: "ollama", BaseURL: srv.URL + "/", Model: "nomic-embed-text"})
	require.NoError(t, err)
	require.Equal(t, "ollama/nomic-embed-text", e.Model())
	require.Equal(t, 0, e.Dimensions(), "unknown until the first answer")

	texts := make([]string, 70)
	for i := range texts {
		texts[i] = "text number " + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	vs, err := e.Embed(context.Background(), texts)
	require.NoError(t, err)
	require.Len(t, vs, 70)
	require.Equal(t, []int{32, 32, 6}, fake.batches)
	require.Equal(t, 64, e.Dimensions())
	for i, v := range vs {
		require.Equal(t, NewBuiltin().Vector(texts[i])[:64], v, "vector %d in input order", i)
	}
}

func TestOllamaErrorsSayWhatFailed(t *testing.T) {
	srv := httptest.NewServer(&fakeOllama{dims: 8})
	defer srv.Close()
	e, err := NewOllama(srv.URL, "missing-model", nil, 0)
	require.NoError(t, err)
	_, err = e.Embed(context.Background(), []string{"hello"})
	require.EqualError(t, err, `ollama embed with missing-model: HTTP 404: model "missing-model" not found, try pulling it first`)

	// A server that answers something else than Ollama's JSON.
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream exploded", http.StatusBadGateway)
	}))
	defer plain.Close()
	e2, err := NewOllama(plain.URL, "nomic-embed-text", plain.Client(), 0)
	require.NoError(t, err)
	_, err = e2.Embed(context.Background(), []string{"hello"})
	require.EqualError(t, err, "ollama embed with nomic-embed-text: HTTP 502: upstream exploded")

	_, err = NewOllama("ftp://x", "m", nil, 0)
	require.ErrorContains(t, err, "not an http(s) URL")
}

func TestNewEmbedderFallsBackToBuiltin(t *testing.T) {
	for _, s := range []EmbedSettings{{}, {Provider: "builtin", Model: "x"}, {Provider: "ollama", BaseURL: "http://127.0.0.1:1"}} {
		e, err := NewEmbedder(s)
		require.NoError(t, err)
		require.Equal(t, BuiltinModel, e.Model())
	}
	_, err := NewEmbedder(EmbedSettings{Provider: "magic", Model: "m"})
	require.ErrorContains(t, err, `unknown embedding provider "magic"`)
}

// An endless answer is cut off at maxResponseBytes with a clear error, not
// read into memory whole.
func TestOllamaResponsesAreBounded(t *testing.T) {
	old := maxResponseBytes
	maxResponseBytes = 1 << 20
	t.Cleanup(func() { maxResponseBytes = old })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"model":"nomic-embed-text","embeddings":[[`))
		chunk := []byte(strings.Repeat("0.125,", 1024))
		for range 8 << 10 { // 48 MiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(`0]]}`))
	}))
	defer srv.Close()
	o, err := NewOllama(srv.URL, "nomic-embed-text", srv.Client(), 0)
	require.NoError(t, err)
	_, err = o.Embed(context.Background(), []string{"hello"})
	require.ErrorContains(t, err, "larger than 1 MiB")
}

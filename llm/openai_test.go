package llm

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

const testKey = "sk-test-0123456789abcdef"

// fakeOpenAI speaks OpenAI's POST /v1/embeddings. It answers the data items
// in reverse order, as the API allows, so clients must use "index".
type fakeOpenAI struct {
	mu      sync.Mutex
	batches []int
}

func (f *fakeOpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path != "/v1/embeddings" || r.Method != http.MethodPost {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"message":"Unknown request URL","type":"invalid_request_error"}}`))
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+testKey {
		w.WriteHeader(http.StatusUnauthorized)
		// OpenAI echoes part of a wrong key; this fake echoes all of it.
		w.Write([]byte(`{"error":{"message":"Incorrect API key provided: ` + r.Header.Get("Authorization")[7:] + `.","type":"invalid_request_error","code":"invalid_api_key"}}`))
		return
	}
	var req struct {
		Model          string   `json:"model"`
		Input          []string `json:"input"`
		EncodingFormat string   `json:"encoding_format"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != "text-embedding-3-small" {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":{"message":"The model does not exist","type":"invalid_request_error"}}`))
		return
	}
	f.mu.Lock()
	f.batches = append(f.batches, len(req.Input))
	f.mu.Unlock()
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	}
	resp := struct {
		Object string         `json:"object"`
		Data   []item         `json:"data"`
		Model  string         `json:"model"`
		Usage  map[string]int `json:"usage"`
	}{Object: "list", Model: req.Model, Usage: map[string]int{"prompt_tokens": 1, "total_tokens": 1}}
	for i := len(req.Input) - 1; i >= 0; i-- {
		resp.Data = append(resp.Data, item{Object: "embedding", Index: i, Embedding: NewBuiltin().Vector(req.Input[i])[:32]})
	}
	json.NewEncoder(w).Encode(resp)
}

func TestOpenAIEmbedsByIndexInBatches(t *testing.T) {
	fake := &fakeOpenAI{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	e, err := NewEmbedder(EmbedSettings{Provider: "openai", BaseURL: srv.URL + "/v1/", Model: "text-embedding-3-small",
		APIKey: testKey, BatchSize: 10})
	require.NoError(t, err)
	require.Equal(t, "openai/text-embedding-3-small", e.Model())
	texts := []string{"refund policy", "shipping times", "opening hours"}
	for i := 0; i < 20; i++ {
		texts = append(texts, "filler "+string(rune('a'+i)))
	}
	vs, err := e.Embed(context.Background(), texts)
	require.NoError(t, err)
	require.Equal(t, []int{10, 10, 3}, fake.batches)
	require.Equal(t, 32, e.Dimensions())
	for i := range texts {
		require.Equal(t, NewBuiltin().Vector(texts[i])[:32], vs[i])
	}
}

func TestOpenAIErrorsNeverShowTheKey(t *testing.T) {
	srv := httptest.NewServer(&fakeOpenAI{})
	defer srv.Close()

	wrong := "sk-wrong-key-abcdef0123456789"
	e, err := NewOpenAI(srv.URL+"/v1", "text-embedding-3-small", wrong, srv.Client(), 0)
	require.NoError(t, err)
	_, err = e.Embed(context.Background(), []string{"hi"})
	require.Error(t, err)
	require.NotContains(t, err.Error(), wrong)
	require.Equal(t, "openai embed with text-embedding-3-small at "+srv.URL+"/v1/embeddings: HTTP 401: Incorrect API key provided: [redacted].", err.Error())

	e, err = NewOpenAI(srv.URL+"/v1", "no-such-model", testKey, srv.Client(), 0)
	require.NoError(t, err)
	_, err = e.Embed(context.Background(), []string{"hi"})
	require.ErrorContains(t, err, "HTTP 400: The model does not exist")

	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":[{"index":0,"embedding":[1,2]}]}`))
	}))
	defer broken.Close()
	e, err = NewOpenAI(broken.URL, "m", "", broken.Client(), 0)
	require.NoError(t, err)
	_, err = e.Embed(context.Background(), []string{"a", "b"})
	require.ErrorContains(t, err, "asked for 2 embeddings, got 1")

	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>Bad gateway</html>", http.StatusBadGateway)
	}))
	defer down.Close()
	e, err = NewOpenAI(down.URL, "m", testKey, down.Client(), 0)
	require.NoError(t, err)
	_, err = e.Embed(context.Background(), []string{"a"})
	require.ErrorContains(t, err, "HTTP 502: <html>Bad gateway</html>")
}

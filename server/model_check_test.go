package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	ollama "github.com/ollama/ollama/api"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/netguard"
)

// ollamaEmbed answers Ollama's /api/embed for one model with vectors of 768
// dimensions, and "model not found" for the others, as Ollama does.
func ollamaEmbed(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req ollama.EmbedRequest
		if r.URL.Path != "/api/embed" || json.NewDecoder(r.Body).Decode(&req) != nil {
			http.NotFound(w, r)
			return
		}
		if req.Model != "nomic-embed-text" {
			w.WriteHeader(http.StatusNotFound)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": `model "` + req.Model + `" not found, try pulling it first`})
			return
		}
		_ = json.NewEncoder(w).Encode(ollama.EmbedResponse{Model: req.Model, Embeddings: [][]float32{make([]float32, 768)}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCheckingTheEmbeddingSettings(t *testing.T) {
	provider := ollamaEmbed(t)
	guard, err := netguard.New([]string{"127.0.0.1"})
	require.NoError(t, err)
	a := newAPI(t, guards{model: guard})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	type checkJSON struct {
		OK             bool    `json:"ok"`
		EmbeddingModel string  `json:"embedding_model"`
		Dimensions     int     `json:"dimensions"`
		TookMS         float64 `json:"took_ms"`
		Error          string  `json:"error"`
	}
	check := func() checkJSON {
		var c checkJSON
		owner.must(200, "POST", wsPath(w.ID, "/model-settings/check"), nil).JSON(t, &c)
		return c
	}

	c := check()
	require.True(t, c.OK, c.Error)
	require.Equal(t, "builtin-hash-v1", c.EmbeddingModel)
	require.Positive(t, c.Dimensions)

	owner.must(200, "PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "ollama", "base_url": provider.URL,
		"chat_model": "llama3.2", "embedding_model": "nomic-embed-text"})
	c = check()
	require.True(t, c.OK, c.Error)
	require.Equal(t, "ollama/nomic-embed-text", c.EmbeddingModel)
	require.Equal(t, 768, c.Dimensions)

	owner.must(200, "PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "ollama", "base_url": provider.URL,
		"chat_model": "llama3.2", "embedding_model": "mxbai-embed-large"})
	c = check()
	require.False(t, c.OK)
	require.Contains(t, c.Error, `model "mxbai-embed-large" not found, try pulling it first`)

	provider.Close()
	c = check()
	require.False(t, c.OK)
	require.NotEmpty(t, c.Error)

	// Admins only, like the settings themselves.
	var tok struct {
		Token string `json:"token"`
	}
	owner.must(201, "POST", wsPath(w.ID, "/tokens"), map[string]string{"name": "editor", "role": "editor"}).JSON(t, &tok)
	editor := &user{a: a, bearer: tok.Token}
	require.Equal(t, 403, editor.call("POST", wsPath(w.ID, "/model-settings/check"), nil).Status)
}

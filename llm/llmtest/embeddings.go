// Package llmtest holds stand-ins for model providers in tests: a fake
// OpenAI-compatible embeddings server and deterministic sentence vectors.
// It imports no Deskmate package, so any package's tests may use it.
package llmtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Concepts are the dimensions of a stand-in sentence model: each concept is
// a list of cues, and the words of one concept point the same way, so a
// paraphrase that shares no word with a text but names the same concepts
// lands near it, as with a real sentence model.
type Concepts [][]string

// Vector is text's vector: for each concept, how many of its cues text
// contains (case-insensitively), then a small constant so that no vector is
// zero. It has len(c)+1 dimensions.
func (c Concepts) Vector(text string) []float32 {
	text = strings.ToLower(text)
	v := make([]float32, len(c)+1)
	for k, cues := range c {
		for _, cue := range cues {
			if strings.Contains(text, cue) {
				v[k]++
			}
		}
	}
	v[len(c)] = 0.2
	return v
}

// Embeddings is a fake OpenAI-compatible embeddings server: it speaks
// POST /v1/embeddings for the models it serves, and answers the items in
// reverse order, as the API may, so clients must go by "index".
type Embeddings struct {
	srv    *httptest.Server
	vector func(string) []float32
	models map[string]bool

	mu       sync.Mutex
	down     bool
	notFound string
	batches  []int
	inputs   map[string]int
}

// StartEmbeddings serves models on 127.0.0.1 until Close, with vector
// giving each input's embedding.
func StartEmbeddings(vector func(text string) []float32, models ...string) *Embeddings {
	e := &Embeddings{vector: vector, models: map[string]bool{}, inputs: map[string]int{}}
	for _, m := range models {
		e.models[m] = true
	}
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	return e
}

// URL is the base URL to configure a client with ("http://127.0.0.1:port/v1").
func (e *Embeddings) URL() string { return e.srv.URL + "/v1" }

// Close stops the server.
func (e *Embeddings) Close() { e.srv.Close() }

// SetDown makes every request fail with HTTP 500 while down is set.
func (e *Embeddings) SetDown(down bool) {
	e.mu.Lock()
	e.down = down
	e.mu.Unlock()
}

// SetNotFound sets the message of the HTTP 404 for a model it does not serve
// (or an encoding_format other than "float"); by default it is "The model
// <name> does not exist".
func (e *Embeddings) SetNotFound(message string) {
	e.mu.Lock()
	e.notFound = message
	e.mu.Unlock()
}

// Seen is how many times text was an input of a request received while up.
func (e *Embeddings) Seen(text string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.inputs[text]
}

// Requests is how many requests were received while up.
func (e *Embeddings) Requests() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.batches)
}

// LargestBatch is the most inputs one request received while up held.
func (e *Embeddings) LargestBatch() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, b := range e.batches {
		n = max(n, b)
	}
	return n
}

type embeddingsRequest struct {
	Model          string   `json:"model"`
	Input          []string `json:"input"`
	EncodingFormat string   `json:"encoding_format"`
}

type embeddingsItem struct {
	Object    string    `json:"object"`
	Index     int       `json:"index"`
	Embedding []float32 `json:"embedding"`
}

type embeddingsResponse struct {
	Object string           `json:"object"`
	Data   []embeddingsItem `json:"data"`
	Model  string           `json:"model"`
}

func (e *Embeddings) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	var req embeddingsRequest
	if r.URL.Path != "/v1/embeddings" || r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&req) != nil {
		writeError(w, http.StatusNotFound, "Unknown request URL", "invalid_request_error")
		return
	}
	e.mu.Lock()
	down, notFound := e.down, e.notFound
	if !down {
		e.batches = append(e.batches, len(req.Input))
		for _, in := range req.Input {
			e.inputs[in]++
		}
	}
	e.mu.Unlock()
	switch {
	case down:
		writeError(w, http.StatusInternalServerError, "inference failed: out of memory", "server_error")
		return
	case !e.models[req.Model] || req.EncodingFormat != "float":
		if notFound == "" {
			notFound = "The model " + req.Model + " does not exist"
		}
		writeError(w, http.StatusNotFound, notFound, "invalid_request_error")
		return
	}
	resp := embeddingsResponse{Object: "list", Model: req.Model, Data: []embeddingsItem{}}
	for i := len(req.Input) - 1; i >= 0; i-- {
		resp.Data = append(resp.Data, embeddingsItem{Object: "embedding", Index: i, Embedding: e.vector(req.Input[i])})
	}
	json.NewEncoder(w).Encode(resp)
}

// writeError answers OpenAI's error shape: {"error":{"message","type"}}.
func writeError(w http.ResponseWriter, status int, message, typ string) {
	w.WriteHeader(status)
	var body struct {
		Error struct {
			Message string `json:"message"`
			Type    string `json:"type"`
		} `json:"error"`
	}
	body.Error.Message, body.Error.Type = message, typ
	json.NewEncoder(w).Encode(body)
}

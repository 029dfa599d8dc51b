package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func writeJSONL(t *testing.T, dir, name string, rows [][2]string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range rows {
		intent := "null"
		if r[1] != "" {
			intent = `"` + r[1] + `"`
		}
		text, err := json.Marshal(r[0])
		require.NoError(t, err)
		b.WriteString(`{"text": ` + string(text) + `, "intent": ` + intent + "}\n")
	}
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

func intentEvalFiles(t *testing.T) (train, test string) {
	dir := t.TempDir()
	phrases := map[string][]string{
		"refund": {"i want a refund", "refund my order please", "how do i get my money back",
			"can i get a refund", "money back for my purchase", "refund the item", "when is my refund coming",
			"please give me a refund", "i am still waiting for my refund"},
		"order_status": {"where is my order", "track my order", "has my order shipped", "when will my order arrive",
			"status of my order", "my order is late", "where is my package", "order tracking please",
			"i have not received my package"},
		"opening_hours": {"what are your opening hours", "when are you open", "what time do you close",
			"are you open on sunday", "business hours please", "is the store open today", "when does the shop open",
			"opening times", "what time do you open tomorrow"},
	}
	var tr [][2]string
	for _, n := range []string{"refund", "order_status", "opening_hours"} {
		for _, p := range phrases[n] {
			tr = append(tr, [2]string{p, n})
		}
	}
	tr = append(tr, [2]string{"this line has no intent and is ignored", ""})
	train = writeJSONL(t, dir, "train.jsonl", tr)
	test = writeJSONL(t, dir, "test.jsonl", [][2]string{
		{"i would like a refund for my order", "refund"},
		{"give me my money back", "refund"},
		{"where is my order right now", "order_status"},
		{"has my package shipped yet", "order_status"},
		{"are you open on saturday", "opening_hours"},
		{"what time does the store close", "opening_hours"},
		{"what is the capital of peru", ""},
		{"sing me a song about volcanoes", ""},
	})
	return train, test
}

func TestEvalIntentsJSON(t *testing.T) {
	train, test := intentEvalFiles(t)
	code, out, errOut := runCmd(t, nil, "eval", "intents", "--train", train, "--test", test, "--shots", "8", "--json")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "in-scope accuracy")
	require.Contains(t, out, "coverage at 90% precision")
	last := lastLine(out)
	var got map[string]float64
	require.NoError(t, json.Unmarshal([]byte(last), &got), last)
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	require.ElementsMatch(t, []string{"accuracy", "in_scope_accuracy", "oos_precision", "oos_recall",
		"coverage_at_90", "precision_at_threshold", "threshold", "n_test", "p50_ms", "p99_ms", "train_ms"}, keys)
	require.Equal(t, 8.0, got["n_test"])
	require.GreaterOrEqual(t, got["in_scope_accuracy"], 5.0/6, "obvious paraphrases: %v", got)
	for _, k := range []string{"accuracy", "oos_precision", "oos_recall", "coverage_at_90", "precision_at_threshold"} {
		require.GreaterOrEqual(t, got[k], 0.0, k)
		require.LessOrEqual(t, got[k], 1.0, k)
	}
	require.Greater(t, got["threshold"], 0.0)
	require.Greater(t, got["accuracy"], 0.5)
	require.Greater(t, got["p99_ms"], 0.0)
	require.GreaterOrEqual(t, got["p99_ms"], got["p50_ms"])
	require.Contains(t, out, "features: lexical (built-in, offline)")

	// Thresholds chosen on a validation file instead.
	code, out, errOut = runCmd(t, nil, "eval", "intents", "--train", train, "--test", test, "--val", test, "--json")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "thresholds chosen on "+test)
	require.NoError(t, json.Unmarshal([]byte(lastLine(out)), &got))
}

func TestEvalIntentsErrors(t *testing.T) {
	train, test := intentEvalFiles(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte("{\"text\": \"where is my order\", \"intent\": \"order_status\"}\n{\"text\": \"oops\"\n"), 0o600))
	code, _, errOut := runCmd(t, nil, "eval", "intents", "--train", bad, "--test", test)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, bad+":2: malformed line")

	one := writeJSONL(t, dir, "one.jsonl", [][2]string{{"where is my order", "order_status"}, {"track my order", "order_status"}})
	code, _, errOut = runCmd(t, nil, "eval", "intents", "--train", one, "--test", test)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "at least 2 intents")

	empty := filepath.Join(dir, "empty.jsonl")
	require.NoError(t, os.WriteFile(empty, []byte(`{"text": "where is my order", "intent": ""}`+"\n"), 0o600))
	code, _, errOut = runCmd(t, nil, "eval", "intents", "--train", empty, "--test", test)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, empty+`:1: empty "intent"`)

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--embedder", "bert"}, "--embedder must be builtin, openai or ollama, not \"bert\""},
		{[]string{"--embedder", "openai"}, "--embedder openai needs --base-url and --embedding-model"},
		{[]string{"--embedder", "ollama", "--base-url", "http://127.0.0.1:11434"}, "--embedder ollama needs --base-url and --embedding-model"},
		{[]string{"--base-url", "http://127.0.0.1:11434"}, "--base-url and --embedding-model go with --embedder openai or ollama"},
		{[]string{"--embedder", "openai", "--base-url", "http://127.0.0.1:1/v1", "--embedding-model", "a b"}, "--embedding-model \"a b\": may hold only"},
		{[]string{"--dense-weight", "1"}, "--dense-weight must be above 0 and below 1"},
	} {
		code, _, errOut = runCmd(t, nil, append([]string{"eval", "intents", "--train", train, "--test", test}, c.args...)...)
		require.Equal(t, 1, code, c.args)
		require.Contains(t, errOut, c.want, c.args)
	}

	code, _, errOut = runCmd(t, nil, "eval", "intents", "--train", train)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "--train and --test are required")
}

// concepts are the dimensions of fakeEmbeddings' model: the words of one
// concept point the same way, so a paraphrase that shares no word with the
// learning phrases lands near them, as with a real sentence model.
var concepts = [][]string{
	{"refund", "money back", "reimburs", "repay"},
	{"order", "parcel", "package", "shipment", "purchase", "deliver"},
	{"open", "hours", "close", "times", "schedule", "trading"},
	{"where", "track", "status", "arriv", "shipped", "whereabouts"},
	{"return", "send back", "unworn"},
	{"password", "passcode", "credentials", "login"},
	{"gift card", "voucher", "gift certificate"},
}

func conceptVector(text string) []float32 {
	text = strings.ToLower(text)
	v := make([]float32, len(concepts)+1)
	for k, cues := range concepts {
		for _, c := range cues {
			if strings.Contains(text, c) {
				v[k]++
			}
		}
	}
	v[len(concepts)] = 0.2
	return v
}

// fakeEmbeddings speaks OpenAI's POST /v1/embeddings for one model,
// answering the items in reverse order as the API may.
type fakeEmbeddings struct {
	model string

	mu      sync.Mutex
	batches []int
	inputs  map[string]int
}

func (f *fakeEmbeddings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	var req struct {
		Model          string   `json:"model"`
		Input          []string `json:"input"`
		EncodingFormat string   `json:"encoding_format"`
	}
	if r.URL.Path != "/v1/embeddings" || r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&req) != nil ||
		req.Model != f.model || req.EncodingFormat != "float" {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"message":"The model does not exist","type":"invalid_request_error"}}`))
		return
	}
	f.mu.Lock()
	f.batches = append(f.batches, len(req.Input))
	for _, in := range req.Input {
		f.inputs[in]++
	}
	f.mu.Unlock()
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	}
	resp := struct {
		Object string `json:"object"`
		Data   []item `json:"data"`
		Model  string `json:"model"`
	}{Object: "list", Model: req.Model}
	for i := len(req.Input) - 1; i >= 0; i-- {
		resp.Data = append(resp.Data, item{Object: "embedding", Index: i, Embedding: conceptVector(req.Input[i])})
	}
	json.NewEncoder(w).Encode(resp)
}

func (f *fakeEmbeddings) seen(text string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.inputs[text]
}

func (f *fakeEmbeddings) largestBatch() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, b := range f.batches {
		n = max(n, b)
	}
	return n
}

// startFakeEmbeddings serves model on 127.0.0.1 and returns the server, its
// /v1 base URL and the DESKMATE_MODEL_ALLOWLIST entry that lets it through.
func startFakeEmbeddings(t *testing.T, model string) (*fakeEmbeddings, string, string) {
	t.Helper()
	f := &fakeEmbeddings{model: model, inputs: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	return f, srv.URL + "/v1", u.Host
}

func TestEvalIntentsWithAnEmbeddingModel(t *testing.T) {
	train, _ := intentEvalFiles(t)
	// Paraphrases that share no word with the learning phrases.
	test := writeJSONL(t, t.TempDir(), "paraphrases.jsonl", [][2]string{
		{"could you reimburse me", "refund"},
		{"please repay me", "refund"},
		{"whereabouts of the shipment", "order_status"},
		{"what is your trading schedule", "opening_hours"},
		{"what is the capital of peru", ""},
	})
	fake, baseURL, allow := startFakeEmbeddings(t, "concepts-v1")
	score := func(env map[string]string, args ...string) (map[string]float64, string) {
		code, out, errOut := runCmd(t, env, append([]string{"eval", "intents", "--train", train, "--test", test, "--json"}, args...)...)
		require.Equal(t, 0, code, errOut)
		var got map[string]float64
		require.NoError(t, json.Unmarshal([]byte(lastLine(out)), &got), out)
		return got, out
	}
	builtin, _ := score(nil)
	real, out := score(map[string]string{"DESKMATE_MODEL_ALLOWLIST": allow},
		"--embedder", "openai", "--base-url", baseURL, "--embedding-model", "concepts-v1")
	require.Contains(t, out, "features: lexical + sentence vectors of openai/concepts-v1 (8 dimensions), weight")
	require.Equal(t, 1.0, real["in_scope_accuracy"], out)
	require.Equal(t, 1.0, real["accuracy"], out)
	require.LessOrEqual(t, builtin["accuracy"], 0.2, "the words alone answer none of these paraphrases: %v", builtin)
	require.Equal(t, 1, fake.seen("i want a refund"), "each learning phrase is embedded once")
	require.Equal(t, 1, fake.seen("could you reimburse me"), "each test message is embedded")
	require.LessOrEqual(t, fake.largestBatch(), 32)

	// The weight is the caller's to choose.
	_, out = score(map[string]string{"DESKMATE_MODEL_ALLOWLIST": allow},
		"--embedder", "openai", "--base-url", baseURL, "--embedding-model", "concepts-v1", "--dense-weight", "0.25")
	require.Contains(t, out, "weight 0.25")

	// A model server on this machine must be allowed on purpose.
	code, _, errOut := runCmd(t, nil, "eval", "intents", "--train", train, "--test", test,
		"--embedder", "openai", "--base-url", baseURL, "--embedding-model", "concepts-v1")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "eval intents: --base-url: ")
	require.Contains(t, errOut, "add "+allow+" to DESKMATE_MODEL_ALLOWLIST")

	code, _, errOut = runCmd(t, map[string]string{"DESKMATE_MODEL_ALLOWLIST": allow}, "eval", "intents", "--train", train, "--test", test,
		"--embedder", "openai", "--base-url", baseURL, "--embedding-model", "no-such-model")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "eval intents: embed the learning phrases: ")
	require.Contains(t, errOut, "HTTP 404: The model does not exist")
}

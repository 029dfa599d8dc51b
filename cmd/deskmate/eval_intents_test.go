package main

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/llm/llmtest"
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

// concepts are the dimensions of the fake embedding model: the words of one
// concept point the same way, so a paraphrase that shares no word with the
// learning phrases lands near them, as with a real sentence model.
var concepts = llmtest.Concepts{
	{"refund", "money back", "reimburs", "repay"},
	{"order", "parcel", "package", "shipment", "purchase", "deliver"},
	{"open", "hours", "close", "times", "schedule", "trading"},
	{"where", "track", "status", "arriv", "shipped", "whereabouts"},
	{"return", "send back", "unworn"},
	{"password", "passcode", "credentials", "login"},
	{"gift card", "voucher", "gift certificate"},
}

// startFakeEmbeddings serves model on 127.0.0.1 (another model gets "HTTP
// 404: The model does not exist") and returns the server, its /v1 base URL
// and the DESKMATE_MODEL_ALLOWLIST entry that lets it through.
func startFakeEmbeddings(t *testing.T, model string) (*llmtest.Embeddings, string, string) {
	t.Helper()
	f := llmtest.StartEmbeddings(concepts.Vector, model)
	t.Cleanup(f.Close)
	f.SetNotFound("The model does not exist")
	u, err := url.Parse(f.URL())
	require.NoError(t, err)
	return f, f.URL(), u.Host
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
	require.Equal(t, 1, fake.Seen("i want a refund"), "each learning phrase is embedded once")
	require.Equal(t, 1, fake.Seen("could you reimburse me"), "each test message is embedded")
	require.LessOrEqual(t, fake.LargestBatch(), 32)

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

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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
		"coverage_at_90", "precision_at_threshold", "threshold", "n_test"}, keys)
	require.Equal(t, 8.0, got["n_test"])
	require.GreaterOrEqual(t, got["in_scope_accuracy"], 5.0/6, "obvious paraphrases: %v", got)
	for _, k := range []string{"accuracy", "oos_precision", "oos_recall", "coverage_at_90", "precision_at_threshold"} {
		require.GreaterOrEqual(t, got[k], 0.0, k)
		require.LessOrEqual(t, got[k], 1.0, k)
	}
	require.Greater(t, got["threshold"], 0.0)
	require.Greater(t, got["accuracy"], 0.5)

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

	code, _, errOut = runCmd(t, nil, "eval", "intents", "--train", train, "--test", test, "--embedder", "openai")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "embedder openai is not available here: only builtin")

	code, _, errOut = runCmd(t, nil, "eval", "intents", "--train", train)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "--train and --test are required")
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/testdb"
)

// answerEvalFiles writes four help articles and a question for each, and
// returns the articles and queries files.
func answerEvalFiles(t *testing.T) (articles, queries string) {
	t.Helper()
	dir := t.TempDir()
	articles = writeLines(t, dir, "articles.jsonl",
		evalArticle{"a1", "Returns and refunds", "Unworn items can be returned within 30 days of delivery. Refunds reach your card in 5 business days."},
		evalArticle{"a2", "Shipping times", "Standard shipping takes 3 to 5 days. Express parcels arrive the next day."},
		evalArticle{"a3", "Changing your password", "Open Settings, then Security, and choose a new password of 10 characters or more."},
		evalArticle{"a4", "Gift cards", "Gift cards never expire and can be used online and in stores."},
	)
	queries = writeLines(t, dir, "queries.jsonl",
		evalQuery{"How many days do I have to return unworn items?", []string{"a1"}},
		evalQuery{"How long does standard shipping take?", []string{"a2"}},
		evalQuery{"How do I change my password?", []string{"a3"}},
		evalQuery{"Do gift cards expire?", []string{"a4"}},
	)
	return articles, queries
}

func TestEvalAnswersJSON(t *testing.T) {
	articles, queries := answerEvalFiles(t)
	details := filepath.Join(t.TempDir(), "details.jsonl")
	url := testdb.URL(t)
	before := workspaceCount(t, url)
	code, out, errOut := runCmd(t, map[string]string{"DATABASE_URL": url}, "eval", "answers",
		"--articles", articles, "--queries", queries, "--holdout", "0.25", "--seed", "3", "--details", details, "--json")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "3 in the knowledge, 1 held out (seed 3)")
	var got struct {
		Coverage  float64 `json:"answerable_coverage"`
		Precision float64 `json:"answer_precision"`
		Gap       float64 `json:"gap_handover_rate"`
		P50       float64 `json:"p50_ms"`
		P99       float64 `json:"p99_ms"`
		Queries   int     `json:"queries"`
		Answer    int     `json:"answerable"`
		Gaps      int     `json:"gaps"`
	}
	require.NoError(t, json.Unmarshal([]byte(lastLine(out)), &got), out)
	require.Equal(t, 4, got.Queries)
	require.Equal(t, 3, got.Answer)
	require.Equal(t, 1, got.Gaps)
	require.Equal(t, 1.0, got.Precision, out)
	require.Equal(t, 1.0, got.Gap, "the held-out article's question is a knowledge gap: %s", out)
	require.Greater(t, got.Coverage, 0.5, out)
	require.Greater(t, got.P99, 0.0)
	b, err := os.ReadFile(details)
	require.NoError(t, err)
	require.Contains(t, string(b), `"candidates"`)
	require.Equal(t, before, workspaceCount(t, url), "the temporary workspace is deleted")

	code, _, errOut = runCmd(t, map[string]string{"DATABASE_URL": url}, "eval", "answers", "--articles", articles, "--queries", queries, "--holdout", "1.5")
	require.NotEqual(t, 0, code)
	require.Contains(t, errOut, "holdout")
}

func TestEvalAnswersWithAnEmbeddingModel(t *testing.T) {
	articles, queries := answerEvalFiles(t)
	fake, baseURL, allow := startFakeEmbeddings(t, "concepts-v1")
	url := testdb.URL(t)
	before := workspaceCount(t, url)
	args := []string{"eval", "answers", "--articles", articles, "--queries", queries, "--holdout", "0.25", "--seed", "3", "--json",
		"--provider", "openai", "--base-url", baseURL, "--embedding-model", "concepts-v1"}
	code, out, errOut := runCmd(t, map[string]string{"DATABASE_URL": url, "DESKMATE_MODEL_ALLOWLIST": allow}, args...)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "embeddings: openai/concepts-v1 (8 dimensions)")
	var got struct {
		Queries   int     `json:"queries"`
		Replies   int     `json:"replies"`
		Precision float64 `json:"answer_precision"`
	}
	require.NoError(t, json.Unmarshal([]byte(lastLine(out)), &got), out)
	require.Equal(t, 4, got.Queries)
	require.Positive(t, got.Replies, out)
	require.Equal(t, 1.0, got.Precision, out)
	require.Positive(t, fake.Seen("Do gift cards expire?"), "the questions are searched with the workspace's embedding model")
	require.Equal(t, before, workspaceCount(t, url), "the temporary workspace is deleted")

	code, _, errOut = runCmd(t, map[string]string{"DATABASE_URL": url}, args...)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "eval answers: --base-url: ")
	require.Contains(t, errOut, "add "+allow+" to DESKMATE_MODEL_ALLOWLIST")
	code, _, errOut = runCmd(t, nil, "eval", "answers", "--articles", articles, "--queries", queries, "--provider", "openai")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "eval answers: --provider openai needs --base-url and --embedding-model")
}

func TestEvalHandoverJSON(t *testing.T) {
	dir := t.TempDir()
	type msg struct {
		Text     string `json:"text"`
		Handover bool   `json:"handover"`
	}
	path := writeLines(t, dir, "messages.jsonl",
		msg{"I want to talk to a real person", true}, msg{"Quiero hablar con un agente", true},
		msg{"where is my order", false}, msg{"how do I reset my password", false}, msg{"cancel my subscription", false})
	code, out, errOut := runCmd(t, nil, "eval", "handover", "--messages", path, "--json")
	require.Equal(t, 0, code, errOut)
	var got map[string]float64
	require.NoError(t, json.Unmarshal([]byte(lastLine(out)), &got), out)
	require.Equal(t, 1.0, got["recall"])
	require.Equal(t, 0.0, got["false_positive_rate"])
	require.Equal(t, 2.0, got["positives"])
	require.Equal(t, 3.0, got["negatives"])

	bad := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte("{\"text\": \"hi\"}\n"), 0o600))
	code, _, errOut = runCmd(t, nil, "eval", "handover", "--messages", bad)
	require.NotEqual(t, 0, code)
	require.Contains(t, errOut, "bad.jsonl")
}

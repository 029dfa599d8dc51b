package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/store"
)

func writeLines(t *testing.T, dir, name string, rows ...any) string {
	t.Helper()
	var b strings.Builder
	for _, r := range rows {
		line, err := json.Marshal(r)
		require.NoError(t, err)
		b.Write(line)
		b.WriteByte('\n')
	}
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

// workspaceCount opens its own pool on the test database (the command closed its own).
func workspaceCount(t *testing.T, url string) int {
	t.Helper()
	db, err := store.Open(context.Background(), url, store.Options{})
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM workspaces`).Scan(&n))
	return n
}

// retrievalArticles are four help articles for the retrieval evals, then more.
func retrievalArticles(more ...any) []any {
	return append([]any{
		evalArticle{"a1", "Returns and refunds", "Unworn items can be returned within 30 days. Refunds reach your card in 5 business days."},
		evalArticle{"a2", "Shipping times", "Standard shipping takes 3 to 5 days. Express parcels arrive the next day."},
		evalArticle{"a3", "Changing your password", "Open Settings, then Security, and choose a new password of 10 characters or more."},
		evalArticle{"a4", "Gift cards", "Gift cards never expire and can be used online and in stores."},
	}, more...)
}

func TestEvalRetrievalJSON(t *testing.T) {
	dir := t.TempDir()
	articles := writeLines(t, dir, "articles.jsonl",
		retrievalArticles(evalArticle{"a5", "Loyalty points", "Earn one point per euro spent; 100 points give a 5 euro discount."})...)
	queries := writeLines(t, dir, "queries.jsonl",
		evalQuery{"how do I get a refund", []string{"a1"}},
		evalQuery{"when will my parcel arrive", []string{"a2"}},
		evalQuery{"reset my password", []string{"a3"}},
		evalQuery{"do gift cards expire", []string{"a4"}},
		evalQuery{"how many points for a discount", []string{"a5"}},
		evalQuery{"return window", []string{"a1", "a2"}},
	)
	url := testdb.URL(t)
	before := workspaceCount(t, url)
	code, out, errOut := runCmd(t, map[string]string{"DATABASE_URL": url}, "eval", "retrieval",
		"--articles", articles, "--queries", queries, "--json")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "hit@1")
	require.Contains(t, out, "5 articles, 5 chunks")
	var got map[string]float64
	require.NoError(t, json.Unmarshal([]byte(lastLine(out)), &got), out)
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	require.ElementsMatch(t, []string{"hit_at_1", "recall_at_5", "mrr", "p50_ms", "p99_ms", "n_queries"}, keys)
	require.Equal(t, 6.0, got["n_queries"])
	require.Equal(t, 1.0, got["hit_at_1"], out)
	require.Equal(t, 1.0, got["recall_at_5"], "the last query has two right articles: both in the top 5")
	require.Equal(t, 1.0, got["mrr"])
	require.Greater(t, got["p99_ms"], 0.0)
	require.Equal(t, before, workspaceCount(t, url), "the temporary workspace is deleted")
}

func TestEvalRetrievalCleansUpAfterAnError(t *testing.T) {
	dir := t.TempDir()
	articles := writeLines(t, dir, "articles.jsonl",
		evalArticle{"a1", "Returns", "Unworn items can be returned within 30 days."},
		evalArticle{"a2", "", "An article without a title cannot be added."})
	queries := writeLines(t, dir, "queries.jsonl", evalQuery{"returns", []string{"a1"}})
	url := testdb.URL(t)
	before := workspaceCount(t, url)
	code, _, errOut := runCmd(t, map[string]string{"DATABASE_URL": url}, "eval", "retrieval", "--articles", articles, "--queries", queries)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "eval retrieval: article a2: title: is required")
	require.Equal(t, before, workspaceCount(t, url))

	code, _, errOut = runCmd(t, nil, "eval", "retrieval", "--articles", articles)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "--articles and --queries are required")
}

func TestEvalRetrievalWithAnEmbeddingModel(t *testing.T) {
	dir := t.TempDir()
	articles := writeLines(t, dir, "articles.jsonl", retrievalArticles()...)
	queries := writeLines(t, dir, "queries.jsonl",
		evalQuery{"could you reimburse me", []string{"a1"}},
		evalQuery{"when will my parcel arrive", []string{"a2"}},
		evalQuery{"I forgot my login credentials", []string{"a3"}},
		evalQuery{"does a voucher expire", []string{"a4"}},
	)
	fake, baseURL, allow := startFakeEmbeddings(t, "concepts-v1")
	url := testdb.URL(t)
	before := workspaceCount(t, url)
	env := map[string]string{"DATABASE_URL": url, "DESKMATE_MODEL_ALLOWLIST": allow}
	args := []string{"eval", "retrieval", "--articles", articles, "--queries", queries, "--json"}
	code, out, errOut := runCmd(t, env, append(args, "--provider", "openai", "--base-url", baseURL, "--embedding-model", "concepts-v1")...)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "embeddings: openai/concepts-v1 (8 dimensions)")
	var got map[string]float64
	require.NoError(t, json.Unmarshal([]byte(lastLine(out)), &got), out)
	require.Equal(t, 4.0, got["n_queries"])
	for _, q := range []string{"could you reimburse me", "when will my parcel arrive", "I forgot my login credentials", "does a voucher expire"} {
		require.Equal(t, 1, fake.Seen(q), "%q is searched with the workspace's embedding model", q)
	}
	require.Equal(t, 1.0, got["recall_at_5"], out)
	require.Equal(t, before, workspaceCount(t, url), "the temporary workspace is deleted")

	code, out, errOut = runCmd(t, env, args...)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "embeddings: builtin-hash-v1")

	// A model server on this machine must be allowed on purpose; nothing is
	// created before the flags are checked.
	code, _, errOut = runCmd(t, map[string]string{"DATABASE_URL": url},
		append(args, "--provider", "openai", "--base-url", baseURL, "--embedding-model", "concepts-v1")...)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "eval retrieval: --base-url: ")
	require.Contains(t, errOut, "add "+allow+" to DESKMATE_MODEL_ALLOWLIST")

	// A provider without the model stops the run before ingestion.
	code, _, errOut = runCmd(t, env, append(args, "--provider", "openai", "--base-url", baseURL, "--embedding-model", "no-such-model")...)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "eval retrieval: embedding model: ")
	require.Contains(t, errOut, "HTTP 404: The model does not exist")
	require.Equal(t, before, workspaceCount(t, url))

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--provider", "bert"}, "--provider must be builtin, openai or ollama"},
		{[]string{"--provider", "ollama", "--embedding-model", "nomic-embed-text"}, "--provider ollama needs --base-url and --embedding-model"},
		{[]string{"--embedding-model", "nomic-embed-text"}, "--base-url and --embedding-model go with --provider openai or ollama"},
	} {
		code, _, errOut = runCmd(t, nil, append(args, c.args...)...)
		require.Equal(t, 1, code, c.args)
		require.Contains(t, errOut, "eval retrieval: "+c.want, c.args)
	}
}

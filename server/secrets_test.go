package server_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/workspace"
)

func TestSecretsNeverLeaveTheServerInClear(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	v := newVictim(t, owner, "acme")
	const gorgiasKey = "gorgias-KEY-4f9a2c7e1b"
	const llmKey = "sk-live-LLM-9d8c7b6a5f"
	var responses []string
	record := func(r resp) resp { responses = append(responses, string(r.Body)); return r }

	var g struct {
		Domain     string `json:"domain"`
		APIKeySet  bool   `json:"api_key_set"`
		APIKeyHint string `json:"api_key_hint"`
	}
	record(owner.must(200, "PUT", wsPath(v.ws.ID, "/gorgias"), map[string]any{"domain": "https://acme.gorgias.com/", "api_user": "ops@acme.test", "api_key": gorgiasKey})).JSON(t, &g)
	require.Equal(t, "acme", g.Domain)
	require.True(t, g.APIKeySet)
	require.Equal(t, "••••7e1b", g.APIKeyHint)
	record(owner.must(200, "PUT", wsPath(v.ws.ID, "/model-settings"), map[string]any{"provider": "openai", "base_url": "https://api.openai.com/v1", "chat_model": "gpt-4o-mini", "api_key": llmKey}))
	// Saving without api_key keeps it.
	record(owner.must(200, "PUT", wsPath(v.ws.ID, "/gorgias"), map[string]any{"domain": "acme", "api_user": "ops2@acme.test"})).JSON(t, &g)
	require.True(t, g.APIKeySet)

	// Every read endpoint, as owner and as a viewer.
	viewer := owner.member(v.ws.ID, "vi@acme.test", "viewer")
	for _, u := range []*user{owner, viewer} {
		for _, e := range workspaceEndpoints() {
			if e.method == "GET" {
				responses = append(responses, string(u.call("GET", v.path(e), nil).Body))
			}
		}
		responses = append(responses, string(u.call("GET", "/api/workspaces", nil).Body), string(u.call("GET", "/api/auth/me", nil).Body))
	}
	for _, body := range responses {
		require.NotContains(t, body, gorgiasKey)
		require.NotContains(t, body, llmKey)
	}
	require.Contains(t, strings.Join(responses, "\n"), `"api_key":"changed"`, "the audit log says the key changed, without it")

	// No log line holds them.
	require.NotContains(t, a.logs.String(), gorgiasKey)
	require.NotContains(t, a.logs.String(), llmKey)

	// The database holds them only encrypted: scan every column of every table.
	c := ctx(t)
	rows, err := a.db.Pool.Query(c, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Contains(t, tables, "workspace_secrets")
	for _, table := range tables {
		rows, err := a.db.Pool.Query(c, `SELECT t::text FROM `+pgx.Identifier{table}.Sanitize()+` t`)
		require.NoError(t, err)
		dump, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		for _, row := range dump {
			require.NotContains(t, row, gorgiasKey, "table %s", table)
			require.NotContains(t, row, llmKey, "table %s", table)
		}
	}
	var ct string
	require.NoError(t, a.db.Pool.QueryRow(c, `SELECT ciphertext FROM workspace_secrets WHERE name = 'gorgias.api_key'`).Scan(&ct))
	require.True(t, strings.HasPrefix(ct, "v1:"), ct)

	// Deskmate itself can still read them.
	got, err := a.ws.Secret(c, v.ws.ID, workspace.SecretGorgiasAPIKey)
	require.NoError(t, err)
	require.Equal(t, gorgiasKey, got.Reveal())

	// A ciphertext moved to another workspace's row does not open there.
	other := owner.createWorkspace("other", nil)
	_, err = a.db.Pool.Exec(c, `INSERT INTO workspace_secrets (workspace_id, name, ciphertext, hint) VALUES ($1, 'gorgias.api_key', $2, '••••')`, other.ID, ct)
	require.NoError(t, err)
	_, err = a.ws.Secret(c, other.ID, workspace.SecretGorgiasAPIKey)
	require.Error(t, err)

	// An empty api_key removes the secret.
	owner.must(200, "PUT", wsPath(v.ws.ID, "/gorgias"), map[string]any{"domain": "acme", "api_user": "", "api_key": ""}).JSON(t, &g)
	require.False(t, g.APIKeySet)
	require.Empty(t, g.APIKeyHint)
}

package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/config"
	"github.com/deskmate/deskmate/internal/app"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// seedSecret stores an encrypted Gorgias key with the box the configuration yields.
func seedSecret(t *testing.T, env map[string]string, plain string) int64 {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Load(envMap(env))
	require.NoError(t, err)
	box, err := app.OpenBox(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	db, err := store.Open(ctx, env["DATABASE_URL"], store.Options{})
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Pool.Exec(ctx, `TRUNCATE workspaces CASCADE`)
	require.NoError(t, err)
	w, err := store.CreateWorkspace(ctx, db.Pool, store.Workspace{Slug: "acme", Name: "Acme", ManagedTags: []string{}})
	require.NoError(t, err)
	svc, err := workspace.New(workspace.Options{DB: db, Box: box})
	require.NoError(t, err)
	key := plain
	_, err = svc.PutGorgias(ctx, account.System(w.ID, "test"),
		workspace.GorgiasInput{Domain: "acme", APIKey: &key})
	require.NoError(t, err)
	return w.ID
}

// readSecret opens the stored key with the box the configuration yields now.
func readSecret(t *testing.T, env map[string]string, wsID int64) (string, string) {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Load(envMap(env))
	require.NoError(t, err)
	box, err := app.OpenBox(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	db, err := store.Open(ctx, env["DATABASE_URL"], store.Options{})
	require.NoError(t, err)
	defer db.Close()
	row, err := store.GetSecret(ctx, db.Pool, wsID, workspace.SecretGorgiasAPIKey)
	require.NoError(t, err)
	kid, err := secret.KeyIDOf(row.Ciphertext)
	require.NoError(t, err)
	svc, err := workspace.New(workspace.Options{DB: db, Box: box})
	require.NoError(t, err)
	got, err := svc.Secret(ctx, wsID, workspace.SecretGorgiasAPIKey)
	require.NoError(t, err)
	return got.Reveal(), kid
}

func TestRotateKeyInDataDir(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": testdb.URL(t), "DESKMATE_DATA_DIR": dir}
	wsID := seedSecret(t, env, "gorgias-secret-0001")
	oldKey, err := os.ReadFile(filepath.Join(dir, "secret.key"))
	require.NoError(t, err)
	_, oldID := readSecret(t, env, wsID)

	code, out, errOut := runCmd(t, env, "rotate-key")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "Re-encrypted 1 secrets")

	newKey, err := os.ReadFile(filepath.Join(dir, "secret.key"))
	require.NoError(t, err)
	require.NotEqual(t, oldKey, newKey)
	kept, err := os.ReadFile(filepath.Join(dir, "secret.key.old"))
	require.NoError(t, err)
	require.Equal(t, oldKey, kept)
	require.NoFileExists(t, filepath.Join(dir, "secret.key.next"))

	plain, newID := readSecret(t, env, wsID)
	require.Equal(t, "gorgias-secret-0001", plain)
	require.NotEqual(t, oldID, newID, "the secret is sealed with the new key")

	// With the old key gone the secret still opens: it no longer needs it.
	require.NoError(t, os.Remove(filepath.Join(dir, "secret.key.old")))
	plain, _ = readSecret(t, env, wsID)
	require.Equal(t, "gorgias-secret-0001", plain)
}

func TestRotateKeyFromEnvironment(t *testing.T) {
	k, err := secret.GenerateKey()
	require.NoError(t, err)
	env := map[string]string{"DATABASE_URL": testdb.URL(t), "DESKMATE_DATA_DIR": t.TempDir(), "DESKMATE_SECRET_KEY": k.String()}
	wsID := seedSecret(t, env, "gorgias-secret-0002")

	code, _, errOut := runCmd(t, env, "rotate-key")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "pass --new-key-file PATH")
	require.NotContains(t, errOut, k.String())

	next := filepath.Join(t.TempDir(), "new.key")
	code, out, errOut := runCmd(t, env, "rotate-key", "--new-key-file", next)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "set DESKMATE_SECRET_KEY_FILE="+next)

	delete(env, "DESKMATE_SECRET_KEY")
	env["DESKMATE_SECRET_KEY_FILE"] = next
	plain, _ := readSecret(t, env, wsID)
	require.Equal(t, "gorgias-secret-0002", plain)
}

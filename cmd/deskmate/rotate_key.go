package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/config"
	"github.com/deskmate/deskmate/internal/app"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// rotateKey re-encrypts every stored secret under a new key in one
// transaction. With the key in the data directory the files are switched
// over safely (new key written first, old one kept as secret.key.old); with
// DESKMATE_SECRET_KEY the new key is written to --new-key-file for the
// operator to deploy.
func rotateKey(ctx context.Context, cfg *config.Config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("rotate-key", flag.ContinueOnError)
	fset.SetOutput(stderr)
	newKeyFile := fset.String("new-key-file", "", "where to write the new key (required when DESKMATE_SECRET_KEY is set)")
	if err := fset.Parse(args); err != nil {
		return err
	}
	oldKey, source, err := app.LoadSecretKey(cfg, logger)
	if err != nil {
		return err
	}
	if source == app.KeyFromEnv && *newKeyFile == "" {
		return errors.New("rotate-key: the key comes from DESKMATE_SECRET_KEY: pass --new-key-file PATH for the new key")
	}
	oldBox, err := app.OpenBox(cfg, logger)
	if err != nil {
		return err
	}
	newKey, err := secret.GenerateKey()
	if err != nil {
		return err
	}
	next := *newKeyFile
	if source == app.KeyFromDataDir {
		next = filepath.Join(cfg.DataDir, app.KeyFileNext)
	}
	if err := secret.WriteKeyFile(next, newKey); err != nil {
		return err
	}

	rt, err := app.Open(ctx, cfg, logger, app.RequireCurrent)
	if err != nil {
		return err
	}
	defer rt.Close(context.Background())
	newBox := secret.NewBox(newKey)
	n := 0
	err = rt.DB.InTx(ctx, func(tx pgx.Tx) error {
		rows, err := store.AllSecrets(ctx, tx)
		if err != nil {
			return err
		}
		for _, r := range rows {
			aad := workspace.AAD(r.WorkspaceID, r.Name)
			plain, err := oldBox.Open(r.Ciphertext, aad)
			if err != nil {
				return fmt.Errorf("secret %s of workspace %d: %w", r.Name, r.WorkspaceID, err)
			}
			ct, err := newBox.Seal(plain, aad)
			if err != nil {
				return err
			}
			if err := store.UpdateCiphertext(ctx, tx, r.WorkspaceID, r.Name, ct); err != nil {
				return err
			}
			n++
		}
		return store.Audit(ctx, tx, nil, store.Actor{Kind: "system", Label: "deskmate rotate-key"}, "secret_key.rotate", "",
			map[string]any{"secrets": n, "old_key_id": oldKey.ID(), "new_key_id": newKey.ID()})
	})
	if err != nil {
		return fmt.Errorf("rotate-key: nothing changed: %w", err)
	}

	if source == app.KeyFromDataDir {
		dir := cfg.DataDir
		if err := os.Rename(filepath.Join(dir, app.KeyFile), filepath.Join(dir, app.KeyFileOld)); err != nil {
			return err
		}
		if err := os.Rename(next, filepath.Join(dir, app.KeyFile)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Re-encrypted %d secrets with key %s (was %s).\nThe old key is kept in %s until you delete it.\n",
			n, newKey.ID(), oldKey.ID(), filepath.Join(dir, app.KeyFileOld))
		return nil
	}
	fmt.Fprintf(stdout, "Re-encrypted %d secrets with key %s (was %s).\nThe new key is in %s: set DESKMATE_SECRET_KEY_FILE=%s (or its contents as DESKMATE_SECRET_KEY) and restart Deskmate.\n",
		n, newKey.ID(), oldKey.ID(), next, next)
	return nil
}

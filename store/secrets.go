package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// SecretRow is an encrypted credential as stored: never plaintext.
type SecretRow struct {
	WorkspaceID int64  `db:"workspace_id"`
	Name        string `db:"name"`
	Ciphertext  string `db:"ciphertext"`
	Hint        string `db:"hint"`
}

const secretColumns = `workspace_id, name, ciphertext, hint`

// PutSecret stores or replaces an encrypted secret.
func PutSecret(ctx context.Context, q Querier, s SecretRow) error {
	_, err := q.Exec(ctx, `
		INSERT INTO workspace_secrets (workspace_id, name, ciphertext, hint) VALUES ($1, $2, $3, $4)
		ON CONFLICT (workspace_id, name) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, hint = EXCLUDED.hint, updated_at = now()`,
		s.WorkspaceID, s.Name, s.Ciphertext, s.Hint)
	return wrap("put secret", err)
}

// GetSecret returns one encrypted secret, or ErrNotFound.
func GetSecret(ctx context.Context, q Querier, workspaceID int64, name string) (SecretRow, error) {
	s, err := queryOne(ctx, q, pgx.RowToStructByName[SecretRow],
		`SELECT `+secretColumns+` FROM workspace_secrets WHERE workspace_id = $1 AND name = $2`, workspaceID, name)
	return s, wrap("get secret", err)
}

// SecretHint returns the masked hint of a secret, or "" when it is not set.
func SecretHint(ctx context.Context, q Querier, workspaceID int64, name string) (string, error) {
	s, err := GetSecret(ctx, q, workspaceID, name)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	return s.Hint, err
}

// AllSecrets returns every encrypted secret, locked for update (key rotation).
func AllSecrets(ctx context.Context, q Querier) ([]SecretRow, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[SecretRow],
		`SELECT `+secretColumns+` FROM workspace_secrets ORDER BY workspace_id, name FOR UPDATE`)
	return out, wrap("all secrets", err)
}

// DeleteSecret removes a secret.
func DeleteSecret(ctx context.Context, q Querier, workspaceID int64, name string) error {
	_, err := q.Exec(ctx, `DELETE FROM workspace_secrets WHERE workspace_id = $1 AND name = $2`, workspaceID, name)
	return wrap("delete secret", err)
}

// UpdateCiphertext replaces a secret's ciphertext (key rotation).
func UpdateCiphertext(ctx context.Context, q Querier, workspaceID int64, name, ciphertext string) error {
	return wrap("update ciphertext", mustAffect(q.Exec(ctx,
		`UPDATE workspace_secrets SET ciphertext = $3 WHERE workspace_id = $1 AND name = $2`, workspaceID, name, ciphertext)))
}

package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// APIToken is a workspace-scoped credential for automation.
type APIToken struct {
	ID          int64      `db:"id"`
	WorkspaceID int64      `db:"workspace_id"`
	Name        string     `db:"name"`
	Role        string     `db:"role"`
	Prefix      string     `db:"prefix"`
	CreatedAt   time.Time  `db:"created_at"`
	LastUsedAt  *time.Time `db:"last_used_at"`
	RevokedAt   *time.Time `db:"revoked_at"`
}

const apiTokenColumns = `id, workspace_id, name, role, prefix, created_at, last_used_at, revoked_at`

// CreateAPIToken stores a token under its hash.
func CreateAPIToken(ctx context.Context, q Querier, t APIToken, tokenHash []byte, createdBy int64) (APIToken, error) {
	err := q.QueryRow(ctx, `
		INSERT INTO api_tokens (workspace_id, name, role, prefix, token_hash, created_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
		t.WorkspaceID, t.Name, t.Role, t.Prefix, tokenHash, createdBy).Scan(&t.ID, &t.CreatedAt)
	return t, wrap("create api token", err)
}

// APITokenByHash returns a live (not revoked) token.
func APITokenByHash(ctx context.Context, q Querier, tokenHash []byte) (APIToken, error) {
	t, err := queryOne(ctx, q, pgx.RowToStructByName[APIToken], `SELECT `+apiTokenColumns+`
		FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, tokenHash)
	return t, wrap("api token", err)
}

// TouchAPIToken records use, at most once a minute.
func TouchAPIToken(ctx context.Context, q Querier, id int64) error {
	_, err := q.Exec(ctx, `UPDATE api_tokens SET last_used_at = now()
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, id)
	return wrap("touch api token", err)
}

// APITokens lists a workspace's tokens, newest first.
func APITokens(ctx context.Context, q Querier, workspaceID int64) ([]APIToken, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[APIToken], `SELECT `+apiTokenColumns+`
		FROM api_tokens WHERE workspace_id = $1 ORDER BY id DESC`, workspaceID)
	return out, wrap("api tokens", err)
}

// RevokeAPIToken revokes a workspace's token.
func RevokeAPIToken(ctx context.Context, q Querier, workspaceID, id int64) (APIToken, error) {
	t, err := queryOne(ctx, q, pgx.RowToStructByName[APIToken], `UPDATE api_tokens SET revoked_at = now()
		WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING `+apiTokenColumns, workspaceID, id)
	return t, wrap("revoke api token", err)
}

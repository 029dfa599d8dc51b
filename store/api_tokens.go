package store

import (
	"context"
	"time"
)

// APIToken is a workspace-scoped credential for automation.
type APIToken struct {
	ID          int64
	WorkspaceID int64
	Name        string
	Role        string
	Prefix      string
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
}

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
	var t APIToken
	err := q.QueryRow(ctx, `
		SELECT id, workspace_id, name, role, prefix, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, tokenHash).
		Scan(&t.ID, &t.WorkspaceID, &t.Name, &t.Role, &t.Prefix, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt)
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
	rows, err := q.Query(ctx, `
		SELECT id, workspace_id, name, role, prefix, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE workspace_id = $1 ORDER BY id DESC`, workspaceID)
	if err != nil {
		return nil, wrap("api tokens", err)
	}
	defer rows.Close()
	out := []APIToken{}
	for rows.Next() {
		var t APIToken
		if err := rows.Scan(&t.ID, &t.WorkspaceID, &t.Name, &t.Role, &t.Prefix, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt); err != nil {
			return nil, wrap("api tokens", err)
		}
		out = append(out, t)
	}
	return out, wrap("api tokens", rows.Err())
}

// RevokeAPIToken revokes a workspace's token.
func RevokeAPIToken(ctx context.Context, q Querier, workspaceID, id int64) (APIToken, error) {
	var t APIToken
	err := q.QueryRow(ctx, `UPDATE api_tokens SET revoked_at = now()
		WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id, name, role`, workspaceID, id).
		Scan(&t.ID, &t.Name, &t.Role)
	return t, wrap("revoke api token", err)
}

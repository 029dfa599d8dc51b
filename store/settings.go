package store

import (
	"context"
	"encoding/json"
)

// WorkspaceSetting reads a workspace setting into v; ErrNotFound when unset.
func WorkspaceSetting(ctx context.Context, q Querier, workspaceID int64, key string, v any) error {
	var raw []byte
	err := q.QueryRow(ctx, `SELECT value FROM settings WHERE workspace_id = $1 AND key = $2`, workspaceID, key).Scan(&raw)
	if err != nil {
		return wrap("setting "+key, err)
	}
	return json.Unmarshal(raw, v)
}

// PutWorkspaceSetting stores a workspace setting.
func PutWorkspaceSetting(ctx context.Context, q Querier, workspaceID int64, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `
		INSERT INTO settings (workspace_id, key, value) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id, key) WHERE workspace_id IS NOT NULL
		DO UPDATE SET value = EXCLUDED.value, updated_at = now()`, workspaceID, key, b)
	return wrap("put setting "+key, err)
}

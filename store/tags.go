package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// TagSettings are a workspace's excluded tags and system tag names (only the
// names changed from their defaults are stored).
type TagSettings struct {
	Excluded []string          `db:"excluded"`
	System   map[string]string `db:"system"` // jsonb, decoded by pgx
}

// SmartTag is a tag the agent applies when a ticket fits its description.
type SmartTag struct {
	ID           int64     `db:"id"`
	WorkspaceID  int64     `db:"workspace_id"`
	Name         string    `db:"name"`
	Description  string    `db:"description"`
	Instructions string    `db:"instructions"`
	PostAction   string    `db:"post_action"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
}

// TagSettingsOf returns a workspace's tag settings; empty ones when never saved.
func TagSettingsOf(ctx context.Context, q Querier, workspaceID int64) (TagSettings, error) {
	ts, err := queryOne(ctx, q, pgx.RowToStructByName[TagSettings],
		`SELECT excluded, system FROM tag_settings WHERE workspace_id = $1`, workspaceID)
	if errors.Is(err, ErrNotFound) {
		err = nil // never saved
	}
	if ts.Excluded == nil {
		ts.Excluded = []string{}
	}
	if ts.System == nil {
		ts.System = map[string]string{}
	}
	return ts, wrap("tag settings", err)
}

// PutTagSettings saves a workspace's excluded tags and system tag names.
func PutTagSettings(ctx context.Context, q Querier, workspaceID int64, ts TagSettings) error {
	sys, err := json.Marshal(ts.System)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `
		INSERT INTO tag_settings (workspace_id, excluded, system) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id) DO UPDATE SET excluded = EXCLUDED.excluded, system = EXCLUDED.system, updated_at = now()`,
		workspaceID, ts.Excluded, sys)
	return wrap("put tag settings", err)
}

const smartTagColumns = `id, workspace_id, name, description, instructions, post_action, created_at, updated_at`

// CreateSmartTag inserts a smart tag; a taken name is a *ConflictError.
func CreateSmartTag(ctx context.Context, q Querier, t SmartTag) (SmartTag, error) {
	out, err := queryOne(ctx, q, pgx.RowToStructByName[SmartTag], `
		INSERT INTO smart_tags (workspace_id, name, description, instructions, post_action) VALUES ($1, $2, $3, $4, $5)
		RETURNING `+smartTagColumns, t.WorkspaceID, t.Name, t.Description, t.Instructions, t.PostAction)
	return out, wrap("create smart tag", err)
}

// UpdateSmartTag saves a smart tag of its workspace.
func UpdateSmartTag(ctx context.Context, q Querier, t SmartTag) (SmartTag, error) {
	out, err := queryOne(ctx, q, pgx.RowToStructByName[SmartTag], `
		UPDATE smart_tags SET name = $3, description = $4, instructions = $5, post_action = $6, updated_at = now()
		WHERE workspace_id = $1 AND id = $2 RETURNING `+smartTagColumns,
		t.WorkspaceID, t.ID, t.Name, t.Description, t.Instructions, t.PostAction)
	return out, wrap("update smart tag", err)
}

// SmartTagByID returns one smart tag of a workspace.
func SmartTagByID(ctx context.Context, q Querier, workspaceID, id int64) (SmartTag, error) {
	t, err := queryOne(ctx, q, pgx.RowToStructByName[SmartTag], `SELECT `+smartTagColumns+` FROM smart_tags
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
	return t, wrap("smart tag", err)
}

// SmartTags lists a workspace's smart tags by name.
func SmartTags(ctx context.Context, q Querier, workspaceID int64) ([]SmartTag, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[SmartTag], `SELECT `+smartTagColumns+` FROM smart_tags
		WHERE workspace_id = $1 ORDER BY lower(name), id`, workspaceID)
	return out, wrap("smart tags", err)
}

// DeleteSmartTag removes a smart tag of a workspace.
func DeleteSmartTag(ctx context.Context, q Querier, workspaceID, id int64) error {
	return wrap("delete smart tag", mustAffect(q.Exec(ctx,
		`DELETE FROM smart_tags WHERE workspace_id = $1 AND id = $2`, workspaceID, id)))
}

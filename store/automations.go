package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Automation is a recurring request: learning phrases that teach the matcher
// to recognise it, and the answer and actions Deskmate applies.
type Automation struct {
	ID          int64     `db:"id"`
	WorkspaceID int64     `db:"workspace_id"`
	Name        string    `db:"name"`
	Phrases     []string  `db:"phrases"`
	Response    string    `db:"response"`
	Tags        []string  `db:"tags"`
	PostAction  string    `db:"post_action"`
	Channels    []string  `db:"channels"`
	Language    string    `db:"language"`
	Guidance    string    `db:"guidance"`
	Active      bool      `db:"active"`
	CreatedAt   time.Time `db:"created_at"`
	UpdatedAt   time.Time `db:"updated_at"`
}

const automationColumns = `id, workspace_id, name, phrases, response, tags, post_action, channels, language, guidance, active, created_at, updated_at`

// rowToAutomation maps a row of automationColumns; lists are never nil.
func rowToAutomation(row pgx.CollectableRow) (Automation, error) {
	a, err := pgx.RowToStructByName[Automation](row)
	for _, s := range []*[]string{&a.Phrases, &a.Tags, &a.Channels} {
		if *s == nil {
			*s = []string{}
		}
	}
	return a, err
}

// CreateAutomation inserts an automation; a taken name is a *ConflictError.
func CreateAutomation(ctx context.Context, q Querier, a Automation) (Automation, error) {
	out, err := queryOne(ctx, q, rowToAutomation, `
		INSERT INTO automations (workspace_id, name, phrases, response, tags, post_action, channels, language, guidance, active)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING `+automationColumns,
		a.WorkspaceID, a.Name, a.Phrases, a.Response, a.Tags, a.PostAction, a.Channels, a.Language, a.Guidance, a.Active)
	return out, wrap("create automation", err)
}

// UpdateAutomation saves every field of an automation of its workspace.
func UpdateAutomation(ctx context.Context, q Querier, a Automation) (Automation, error) {
	out, err := queryOne(ctx, q, rowToAutomation, `
		UPDATE automations SET name = $3, phrases = $4, response = $5, tags = $6, post_action = $7, channels = $8,
			language = $9, guidance = $10, active = $11, updated_at = now()
		WHERE workspace_id = $1 AND id = $2 RETURNING `+automationColumns,
		a.WorkspaceID, a.ID, a.Name, a.Phrases, a.Response, a.Tags, a.PostAction, a.Channels, a.Language, a.Guidance, a.Active)
	return out, wrap("update automation", err)
}

// AutomationByID returns one automation of a workspace.
func AutomationByID(ctx context.Context, q Querier, workspaceID, id int64) (Automation, error) {
	a, err := queryOne(ctx, q, rowToAutomation, `SELECT `+automationColumns+` FROM automations
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
	return a, wrap("automation", err)
}

// Automations lists a workspace's automations by name; onlyActive keeps the active ones.
func Automations(ctx context.Context, q Querier, workspaceID int64, onlyActive bool) ([]Automation, error) {
	out, err := queryAll(ctx, q, rowToAutomation, `SELECT `+automationColumns+` FROM automations
		WHERE workspace_id = $1 AND (active OR NOT $2) ORDER BY lower(name), id`, workspaceID, onlyActive)
	return out, wrap("automations", err)
}

// DeleteAutomation removes an automation of a workspace.
func DeleteAutomation(ctx context.Context, q Querier, workspaceID, id int64) error {
	return wrap("delete automation", mustAffect(q.Exec(ctx,
		`DELETE FROM automations WHERE workspace_id = $1 AND id = $2`, workspaceID, id)))
}

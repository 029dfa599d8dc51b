package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Workspace is one Gorgias account connection with its own configuration.
type Workspace struct {
	ID            int64     `db:"id"`
	Slug          string    `db:"slug"`
	Name          string    `db:"name"`
	GorgiasDomain string    `db:"gorgias_domain"`
	ManagedTags   []string  `db:"managed_tags"`
	CreatedAt     time.Time `db:"created_at"`
	UpdatedAt     time.Time `db:"updated_at"`
}

// WorkspaceRole is a workspace seen by one user, with that user's role.
type WorkspaceRole struct {
	Workspace
	Role string `db:"role"`
}

const workspaceColumns = `w.id, w.slug, w.name, w.gorgias_domain, w.managed_tags, w.created_at, w.updated_at`

// rowToWorkspace maps a row of workspaceColumns; ManagedTags is never nil.
func rowToWorkspace(row pgx.CollectableRow) (Workspace, error) {
	w, err := pgx.RowToStructByName[Workspace](row)
	if w.ManagedTags == nil {
		w.ManagedTags = []string{}
	}
	return w, err
}

// rowToWorkspaceRole maps a row of workspaceColumns and role.
func rowToWorkspaceRole(row pgx.CollectableRow) (WorkspaceRole, error) {
	wr, err := pgx.RowToStructByName[WorkspaceRole](row)
	if wr.ManagedTags == nil {
		wr.ManagedTags = []string{}
	}
	return wr, err
}

// CreateWorkspace inserts a workspace; a taken slug is a *ConflictError.
func CreateWorkspace(ctx context.Context, q Querier, w Workspace) (Workspace, error) {
	out, err := queryOne(ctx, q, rowToWorkspace, `
		INSERT INTO workspaces AS w (slug, name, gorgias_domain, managed_tags) VALUES ($1, $2, $3, $4)
		RETURNING `+workspaceColumns, w.Slug, w.Name, w.GorgiasDomain, w.ManagedTags)
	return out, wrap("create workspace", err)
}

// UpdateWorkspace saves name, Gorgias domain and managed tags.
func UpdateWorkspace(ctx context.Context, q Querier, w Workspace) (Workspace, error) {
	out, err := queryOne(ctx, q, rowToWorkspace, `
		UPDATE workspaces AS w SET name = $2, gorgias_domain = $3, managed_tags = $4, updated_at = now()
		WHERE id = $1 RETURNING `+workspaceColumns, w.ID, w.Name, w.GorgiasDomain, w.ManagedTags)
	return out, wrap("update workspace", err)
}

// WorkspaceByID returns one workspace.
func WorkspaceByID(ctx context.Context, q Querier, id int64) (Workspace, error) {
	w, err := queryOne(ctx, q, rowToWorkspace, `SELECT `+workspaceColumns+` FROM workspaces w WHERE w.id = $1`, id)
	return w, wrap("workspace", err)
}

// LockWorkspacesForDomain serialises changes to workspaces of one Gorgias
// account inside tx, so two concurrent saves cannot both pass the tag check.
func LockWorkspacesForDomain(ctx context.Context, tx pgx.Tx, domain string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('deskmate.gorgias_domain:' || $1, 0))`, domain)
	return wrap("lock gorgias domain", err)
}

// WorkspacesOnDomain lists the workspaces connected to a Gorgias account,
// except exceptID.
func WorkspacesOnDomain(ctx context.Context, q Querier, domain string, exceptID int64) ([]Workspace, error) {
	out, err := queryAll(ctx, q, rowToWorkspace, `SELECT `+workspaceColumns+` FROM workspaces w
		WHERE w.gorgias_domain = $1 AND w.gorgias_domain <> '' AND w.id <> $2 ORDER BY w.id`, domain, exceptID)
	return out, wrap("workspaces on domain", err)
}

// ListWorkspacesForUser lists the workspaces a user may open with their role;
// with all set (the instance owner) every workspace, as owner.
func ListWorkspacesForUser(ctx context.Context, q Querier, userID int64, all bool) ([]WorkspaceRole, error) {
	out, err := queryAll(ctx, q, rowToWorkspaceRole, `
		SELECT `+workspaceColumns+`, CASE WHEN $2 THEN 'owner' ELSE m.role END AS role
		FROM workspaces w LEFT JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1
		WHERE $2 OR m.user_id IS NOT NULL
		ORDER BY lower(w.name), w.id`, userID, all)
	return out, wrap("list workspaces", err)
}

// DeleteWorkspace removes a workspace and everything that belongs to it.
func DeleteWorkspace(ctx context.Context, q Querier, id int64) error {
	return wrap("delete workspace", mustAffect(q.Exec(ctx, `DELETE FROM workspaces WHERE id = $1`, id)))
}

// LockWorkspace takes a row lock on a workspace until tx ends, serialising
// changes that must check other rows of the workspace first.
func LockWorkspace(ctx context.Context, tx pgx.Tx, workspaceID int64) error {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM workspaces WHERE id = $1 FOR UPDATE`, workspaceID).Scan(&id)
	return wrap("lock workspace", err)
}

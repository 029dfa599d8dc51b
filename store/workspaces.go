package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Workspace is one Gorgias account connection with its own configuration.
type Workspace struct {
	ID            int64
	Slug          string
	Name          string
	GorgiasDomain string
	ManagedTags   []string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// WorkspaceRole is a workspace seen by one user, with that user's role.
type WorkspaceRole struct {
	Workspace
	Role string
}

const workspaceColumns = `w.id, w.slug, w.name, w.gorgias_domain, w.managed_tags, w.created_at, w.updated_at`

func scanWorkspace(row pgx.Row, extra ...any) (Workspace, error) {
	var w Workspace
	dest := append([]any{&w.ID, &w.Slug, &w.Name, &w.GorgiasDomain, &w.ManagedTags, &w.CreatedAt, &w.UpdatedAt}, extra...)
	err := row.Scan(dest...)
	if w.ManagedTags == nil {
		w.ManagedTags = []string{}
	}
	return w, mapErr(err)
}

// CreateWorkspace inserts a workspace; a taken slug is a *ConflictError.
func CreateWorkspace(ctx context.Context, q Querier, w Workspace) (Workspace, error) {
	out, err := scanWorkspace(q.QueryRow(ctx, `
		INSERT INTO workspaces AS w (slug, name, gorgias_domain, managed_tags) VALUES ($1, $2, $3, $4)
		RETURNING `+workspaceColumns, w.Slug, w.Name, w.GorgiasDomain, w.ManagedTags))
	return out, wrap("create workspace", err)
}

// UpdateWorkspace saves name, Gorgias domain and managed tags.
func UpdateWorkspace(ctx context.Context, q Querier, w Workspace) (Workspace, error) {
	out, err := scanWorkspace(q.QueryRow(ctx, `
		UPDATE workspaces AS w SET name = $2, gorgias_domain = $3, managed_tags = $4, updated_at = now()
		WHERE id = $1 RETURNING `+workspaceColumns, w.ID, w.Name, w.GorgiasDomain, w.ManagedTags))
	return out, wrap("update workspace", err)
}

// WorkspaceByID returns one workspace.
func WorkspaceByID(ctx context.Context, q Querier, id int64) (Workspace, error) {
	w, err := scanWorkspace(q.QueryRow(ctx, `SELECT `+workspaceColumns+` FROM workspaces w WHERE w.id = $1`, id))
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
	rows, err := q.Query(ctx, `SELECT `+workspaceColumns+` FROM workspaces w
		WHERE w.gorgias_domain = $1 AND w.gorgias_domain <> '' AND w.id <> $2 ORDER BY w.id`, domain, exceptID)
	if err != nil {
		return nil, wrap("workspaces on domain", err)
	}
	defer rows.Close()
	var out []Workspace
	for rows.Next() {
		w, err := scanWorkspace(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, wrap("workspaces on domain", rows.Err())
}

// ListWorkspacesForUser lists the workspaces a user may open with their role;
// with all set (the instance owner) every workspace, as owner.
func ListWorkspacesForUser(ctx context.Context, q Querier, userID int64, all bool) ([]WorkspaceRole, error) {
	rows, err := q.Query(ctx, `
		SELECT `+workspaceColumns+`, CASE WHEN $2 THEN 'owner' ELSE m.role END
		FROM workspaces w LEFT JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $1
		WHERE $2 OR m.user_id IS NOT NULL
		ORDER BY lower(w.name), w.id`, userID, all)
	if err != nil {
		return nil, wrap("list workspaces", err)
	}
	defer rows.Close()
	out := []WorkspaceRole{}
	for rows.Next() {
		var wr WorkspaceRole
		w, err := scanWorkspace(rows, &wr.Role)
		if err != nil {
			return nil, err
		}
		wr.Workspace = w
		out = append(out, wr)
	}
	return out, wrap("list workspaces", rows.Err())
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

package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Member is a user's membership in a workspace.
type Member struct {
	UserID int64  `db:"user_id"`
	Email  string `db:"email"`
	Name   string `db:"name"`
	Role   string `db:"role"`
}

// memberColumns reads a membership m with its user u.
const memberColumns = `u.id AS user_id, u.email, u.name, m.role`

// AddMember gives a user a role in a workspace; an existing membership is a *ConflictError.
func AddMember(ctx context.Context, q Querier, workspaceID, userID int64, role string) error {
	_, err := q.Exec(ctx, `INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, $3)`, workspaceID, userID, role)
	return wrap("add member", err)
}

// MemberRole returns a user's role in a workspace, or ErrNotFound.
func MemberRole(ctx context.Context, q Querier, workspaceID, userID int64) (string, error) {
	var role string
	err := q.QueryRow(ctx, `SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID).Scan(&role)
	return role, wrap("member role", err)
}

// Members lists a workspace's members.
func Members(ctx context.Context, q Querier, workspaceID int64) ([]Member, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[Member], `SELECT `+memberColumns+`
		FROM memberships m JOIN admin_users u ON u.id = m.user_id
		WHERE m.workspace_id = $1 ORDER BY lower(u.email)`, workspaceID)
	return out, wrap("members", err)
}

// MemberOf returns one membership with the user's details.
func MemberOf(ctx context.Context, q Querier, workspaceID, userID int64) (Member, error) {
	m, err := queryOne(ctx, q, pgx.RowToStructByName[Member], `SELECT `+memberColumns+`
		FROM memberships m JOIN admin_users u ON u.id = m.user_id
		WHERE m.workspace_id = $1 AND m.user_id = $2`, workspaceID, userID)
	return m, wrap("member", err)
}

// SetMemberRole changes a member's role.
func SetMemberRole(ctx context.Context, q Querier, workspaceID, userID int64, role string) error {
	return wrap("set member role", mustAffect(q.Exec(ctx,
		`UPDATE memberships SET role = $3 WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID, role)))
}

// RemoveMember removes a user from a workspace.
func RemoveMember(ctx context.Context, q Querier, workspaceID, userID int64) error {
	return wrap("remove member", mustAffect(q.Exec(ctx,
		`DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID)))
}

// CountOwners counts a workspace's owners, locking their rows in a transaction.
func CountOwners(ctx context.Context, q Querier, workspaceID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM (
		SELECT 1 FROM memberships WHERE workspace_id = $1 AND role = 'owner' FOR UPDATE) owners`, workspaceID).Scan(&n)
	return n, wrap("count owners", err)
}

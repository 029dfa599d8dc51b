package store

import "context"

// Member is a user's membership in a workspace.
type Member struct {
	UserID int64
	Email  string
	Name   string
	Role   string
}

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
	rows, err := q.Query(ctx, `
		SELECT u.id, u.email, u.name, m.role FROM memberships m JOIN admin_users u ON u.id = m.user_id
		WHERE m.workspace_id = $1 ORDER BY lower(u.email)`, workspaceID)
	if err != nil {
		return nil, wrap("members", err)
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.UserID, &m.Email, &m.Name, &m.Role); err != nil {
			return nil, wrap("members", err)
		}
		out = append(out, m)
	}
	return out, wrap("members", rows.Err())
}

// MemberOf returns one membership with the user's details.
func MemberOf(ctx context.Context, q Querier, workspaceID, userID int64) (Member, error) {
	var m Member
	err := q.QueryRow(ctx, `
		SELECT u.id, u.email, u.name, m.role FROM memberships m JOIN admin_users u ON u.id = m.user_id
		WHERE m.workspace_id = $1 AND m.user_id = $2`, workspaceID, userID).Scan(&m.UserID, &m.Email, &m.Name, &m.Role)
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
	rows, err := q.Query(ctx, `SELECT 1 FROM memberships WHERE workspace_id = $1 AND role = 'owner' FOR UPDATE`, workspaceID)
	if err != nil {
		return 0, wrap("count owners", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, wrap("count owners", rows.Err())
}

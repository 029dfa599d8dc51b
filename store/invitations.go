package store

import (
	"context"
	"time"
)

// Invitation lets someone join a workspace with a role.
type Invitation struct {
	ID            int64
	WorkspaceID   int64
	WorkspaceName string
	Email         string
	Role          string
	CreatedAt     time.Time
	ExpiresAt     time.Time
	AcceptedAt    *time.Time
}

// CreateInvitation stores an invitation under the hash of its token.
func CreateInvitation(ctx context.Context, q Querier, inv Invitation, tokenHash []byte, createdBy int64) (Invitation, error) {
	err := q.QueryRow(ctx, `
		INSERT INTO invitations (workspace_id, email, role, token_hash, created_by, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
		inv.WorkspaceID, inv.Email, inv.Role, tokenHash, createdBy, inv.ExpiresAt).Scan(&inv.ID, &inv.CreatedAt)
	return inv, wrap("create invitation", err)
}

// PendingInvitation returns an unused, unexpired invitation by token hash.
func PendingInvitation(ctx context.Context, q Querier, tokenHash []byte) (Invitation, error) {
	var inv Invitation
	err := q.QueryRow(ctx, `
		SELECT i.id, i.workspace_id, w.name, i.email, i.role, i.created_at, i.expires_at
		FROM invitations i JOIN workspaces w ON w.id = i.workspace_id
		WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > now()`, tokenHash).
		Scan(&inv.ID, &inv.WorkspaceID, &inv.WorkspaceName, &inv.Email, &inv.Role, &inv.CreatedAt, &inv.ExpiresAt)
	return inv, wrap("invitation", err)
}

// AcceptInvitation marks an invitation used; ErrNotFound if it was used meanwhile.
func AcceptInvitation(ctx context.Context, q Querier, id, userID int64) error {
	return wrap("accept invitation", mustAffect(q.Exec(ctx,
		`UPDATE invitations SET accepted_at = now(), accepted_by = $2 WHERE id = $1 AND accepted_at IS NULL`, id, userID)))
}

// PendingInvitations lists a workspace's open invitations.
func PendingInvitations(ctx context.Context, q Querier, workspaceID int64) ([]Invitation, error) {
	rows, err := q.Query(ctx, `
		SELECT id, workspace_id, email, role, created_at, expires_at FROM invitations
		WHERE workspace_id = $1 AND accepted_at IS NULL AND expires_at > now() ORDER BY id DESC`, workspaceID)
	if err != nil {
		return nil, wrap("invitations", err)
	}
	defer rows.Close()
	out := []Invitation{}
	for rows.Next() {
		var inv Invitation
		if err := rows.Scan(&inv.ID, &inv.WorkspaceID, &inv.Email, &inv.Role, &inv.CreatedAt, &inv.ExpiresAt); err != nil {
			return nil, wrap("invitations", err)
		}
		out = append(out, inv)
	}
	return out, wrap("invitations", rows.Err())
}

// DeleteInvitation revokes a pending invitation of a workspace.
func DeleteInvitation(ctx context.Context, q Querier, workspaceID, id int64) (Invitation, error) {
	var inv Invitation
	err := q.QueryRow(ctx, `DELETE FROM invitations WHERE workspace_id = $1 AND id = $2 AND accepted_at IS NULL
		RETURNING id, workspace_id, email, role`, workspaceID, id).Scan(&inv.ID, &inv.WorkspaceID, &inv.Email, &inv.Role)
	return inv, wrap("delete invitation", err)
}

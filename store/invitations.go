package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Invitation lets someone join a workspace with a role.
type Invitation struct {
	ID            int64      `db:"id"`
	WorkspaceID   int64      `db:"workspace_id"`
	WorkspaceName string     `db:"workspace_name"`
	Email         string     `db:"email"`
	Role          string     `db:"role"`
	CreatedAt     time.Time  `db:"created_at"`
	ExpiresAt     time.Time  `db:"expires_at"`
	AcceptedAt    *time.Time `db:"accepted_at"`
}

// invitationColumns reads an invitation i with its workspace w.
const invitationColumns = `i.id, i.workspace_id, w.name AS workspace_name, i.email, i.role, i.created_at, i.expires_at,
	i.accepted_at`

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
	inv, err := queryOne(ctx, q, pgx.RowToStructByName[Invitation], `SELECT `+invitationColumns+`
		FROM invitations i JOIN workspaces w ON w.id = i.workspace_id
		WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.expires_at > now()`, tokenHash)
	return inv, wrap("invitation", err)
}

// AcceptInvitation marks an invitation used; ErrNotFound if it was used meanwhile.
func AcceptInvitation(ctx context.Context, q Querier, id, userID int64) error {
	return wrap("accept invitation", mustAffect(q.Exec(ctx,
		`UPDATE invitations SET accepted_at = now(), accepted_by = $2 WHERE id = $1 AND accepted_at IS NULL`, id, userID)))
}

// PendingInvitations lists a workspace's open invitations.
func PendingInvitations(ctx context.Context, q Querier, workspaceID int64) ([]Invitation, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[Invitation], `SELECT `+invitationColumns+`
		FROM invitations i JOIN workspaces w ON w.id = i.workspace_id
		WHERE i.workspace_id = $1 AND i.accepted_at IS NULL AND i.expires_at > now() ORDER BY i.id DESC`, workspaceID)
	return out, wrap("invitations", err)
}

// DeleteInvitation revokes a pending invitation of a workspace.
func DeleteInvitation(ctx context.Context, q Querier, workspaceID, id int64) (Invitation, error) {
	inv, err := queryOne(ctx, q, pgx.RowToStructByName[Invitation], `DELETE FROM invitations i USING workspaces w
		WHERE w.id = i.workspace_id AND i.workspace_id = $1 AND i.id = $2 AND i.accepted_at IS NULL
		RETURNING `+invitationColumns, workspaceID, id)
	return inv, wrap("delete invitation", err)
}

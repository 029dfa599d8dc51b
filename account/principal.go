package account

import (
	"context"
	"errors"

	"github.com/deskmate/deskmate/store"
)

// Principal is who is calling: a signed-in user (browser session), an API
// token, or Deskmate itself (System).
type Principal struct {
	User      store.User // zero for API tokens
	SessionID int64      // 0 for API tokens
	CSRFToken string
	Token     *store.APIToken // set for API tokens
	// System names Deskmate acting on its own (a job, the agent).
	System string
}

// IsToken reports whether the caller authenticated with an API token.
func (p Principal) IsToken() bool { return p.Token != nil }

// Actor is how the principal appears in the audit log.
func (p Principal) Actor() store.Actor {
	if p.System != "" {
		return store.Actor{Kind: "system", Label: p.System}
	}
	if p.Token != nil {
		return store.Actor{Kind: "token", ID: p.Token.ID, Label: "token " + p.Token.Name}
	}
	return store.Actor{Kind: "user", ID: p.User.ID, Label: p.User.Email}
}

// InstanceOwner reports whether the principal is a user who owns the installation.
func (p Principal) InstanceOwner() bool { return p.Token == nil && p.User.InstanceOwner() }

// RoleIn returns the principal's role in a workspace, or store.ErrNotFound when
// the workspace does not exist or the principal may not see it: callers answer
// 404 either way, so no one learns which workspaces exist.
func (p Principal) RoleIn(ctx context.Context, q store.Querier, workspaceID int64) (Role, error) {
	switch {
	case p.Token != nil:
		if p.Token.WorkspaceID != workspaceID {
			return "", store.ErrNotFound
		}
		return Role(p.Token.Role), nil
	case p.User.InstanceOwner():
		if _, err := store.WorkspaceByID(ctx, q, workspaceID); err != nil {
			return "", err
		}
		return RoleOwner, nil
	default:
		role, err := store.MemberRole(ctx, q, workspaceID, p.User.ID)
		if errors.Is(err, store.ErrNotFound) {
			return "", store.ErrNotFound
		}
		return Role(role), err
	}
}

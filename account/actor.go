package account

import (
	"context"

	"github.com/deskmate/deskmate/store"
)

// Actor is who asks, in which workspace, with which role. Every domain call
// on a workspace takes one and checks what it needs (Require): the HTTP layer
// only finds out who is calling (ActorIn), and a job or the agent acts as the
// system (System). Holding an Actor means the caller may read the workspace.
type Actor struct {
	Principal
	WorkspaceID int64
	Role        Role
}

// Require refuses with ErrForbidden unless the actor's role is at least min.
func (a Actor) Require(min Role) error {
	if !a.Role.AtLeast(min) {
		return ErrForbidden
	}
	return nil
}

// Audit is how the actor appears in the audit log.
func (a Actor) Audit() store.Actor { return a.Principal.Actor() }

// System is Deskmate itself acting in a workspace (a job, the agent, an
// evaluation), with every right; label names it in the audit log.
func System(workspaceID int64, label string) Actor {
	return Actor{Principal: Principal{System: label}, WorkspaceID: workspaceID, Role: RoleOwner}
}

// ActorIn resolves the principal's role in a workspace; store.ErrNotFound
// when the workspace does not exist or the principal may not see it (callers
// answer 404 either way, so no one learns which workspaces exist).
func (s *Service) ActorIn(ctx context.Context, p Principal, workspaceID int64) (Actor, error) {
	role, err := p.RoleIn(ctx, s.db.Pool, workspaceID)
	if err != nil {
		return Actor{}, err
	}
	return Actor{Principal: p, WorkspaceID: workspaceID, Role: role}, nil
}

package connector

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// SandboxAccount is an emulated Gorgias account a sandbox workspace
// connects to.
type SandboxAccount struct {
	Domain    string
	BaseURL   string
	Email     string
	APIKey    string
	BotUserID int64
}

// ConnectSandbox connects a workspace to an emulated Gorgias account with
// the calls a real connection makes: credentials, address, bot user,
// settings (kept when the workspace had some) and the install (admins).
// With fresh (the emulator started anew since the last install, and forgot
// it), what was installed before is not removed: its ids now name other
// things.
func (s *Service) ConnectSandbox(ctx context.Context, actor account.Actor, acc SandboxAccount, fresh bool) (Connection, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return Connection{}, err
	}
	u, err := s.guard.CheckURL(ctx, acc.BaseURL)
	if err != nil {
		return Connection{}, fmt.Errorf("sandbox address: %w", err)
	}
	if _, err := s.workspaces.PutGorgias(ctx, actor, workspace.GorgiasInput{Domain: acc.Domain, APIUser: acc.Email,
		APIKey: &acc.APIKey}); err != nil {
		return Connection{}, err
	}
	err = s.changeConnection(ctx, actor.WorkspaceID, func(tx pgx.Tx) error {
		c, err := store.LockGorgiasConnection(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		c.BaseURL, c.Sandbox = u.String(), true
		if fresh {
			// Everything kept about the old emulator's tickets would now
			// name other tickets with the same ids.
			c.Installed = []byte(`{}`)
			if err := store.PurgeGorgiasData(ctx, tx, actor.WorkspaceID); err != nil {
				return err
			}
			if err := store.DeletePendingTicketJobs(ctx, tx, actor.WorkspaceID); err != nil {
				return err
			}
		}
		if err := store.SaveGorgiasConnection(ctx, tx, c); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "gorgias.sandbox", "",
			map[string]any{"base_url": c.BaseURL})
	})
	if err != nil {
		return Connection{}, err
	}
	id := acc.BotUserID
	if _, err := s.SetBotUser(ctx, actor, BotInput{UserID: &id}); err != nil {
		return Connection{}, err
	}
	return s.Connect(ctx, actor)
}

// SandboxWorkspaces lists the workspaces connected to the sandbox.
func (s *Service) SandboxWorkspaces(ctx context.Context) ([]int64, error) {
	return store.SandboxWorkspaces(ctx, s.db.Pool)
}

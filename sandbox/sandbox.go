// Package sandbox offers a workspace connected to an in-memory Gorgias
// (gorgiastest's emulator, started inside Deskmate), and the inbox that
// plays its customers and agents. Deskmate talks to the emulator exactly as
// to Gorgias: its REST API over HTTP one way, HTTP-integration deliveries
// and widget buttons the other.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/connector"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// Domain is the emulated Gorgias account's subdomain.
const Domain = "sandbox"

// ErrUnavailable says Deskmate runs without the sandbox.
var ErrUnavailable = errors.New("the sandbox is off: start Deskmate with DESKMATE_SANDBOX=true (make run does)")

// ErrNotSandbox says the workspace is not the sandbox's.
var ErrNotSandbox = errors.New("this workspace is not connected to the sandbox")

// Options are what a Service needs; a nil Emulator makes a Service that
// says the sandbox is off.
type Options struct {
	DB         *store.DB
	Emulator   *gorgiastest.Emulator
	Workspaces *workspace.Service
	Connector  *connector.Service
	Logger     *slog.Logger
}

// Service creates the sandbox workspace and runs its inbox.
type Service struct {
	db         *store.DB
	emu        *gorgiastest.Emulator
	workspaces *workspace.Service
	connector  *connector.Service
	logger     *slog.Logger
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.DB == nil || o.Workspaces == nil || o.Connector == nil {
		return nil, errors.New("sandbox: DB, Workspaces and Connector are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{db: o.DB, emu: o.Emulator, workspaces: o.Workspaces, connector: o.Connector, logger: o.Logger}, nil
}

// Status says whether the sandbox runs and which workspace is connected to
// it (nil when none, or when the caller cannot see it).
type Status struct {
	Available   bool   `json:"available"`
	WorkspaceID *int64 `json:"workspace_id"`
	Reason      string `json:"reason"`
}

// Status reports the sandbox's state to a signed-in user.
func (s *Service) Status(ctx context.Context, p account.Principal) (Status, error) {
	if s.emu == nil {
		return Status{Reason: ErrUnavailable.Error()}, nil
	}
	id, err := s.workspaceID(ctx)
	if err != nil || id == 0 {
		return Status{Available: true}, err
	}
	if _, err := p.RoleIn(ctx, s.db.Pool, id); errors.Is(err, store.ErrNotFound) {
		return Status{Available: true, Reason: "the sandbox workspace exists; ask its owner to add you"}, nil
	} else if err != nil {
		return Status{}, err
	}
	return Status{Available: true, WorkspaceID: &id}, nil
}

// workspaceID is the sandbox workspace's id, 0 when there is none.
func (s *Service) workspaceID(ctx context.Context) (int64, error) {
	ids, err := s.connector.SandboxWorkspaces(ctx)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// Create makes the "Sandbox" workspace and connects it to the emulator
// (instance owners); when it exists it is connected again and returned.
func (s *Service) Create(ctx context.Context, p account.Principal) (int64, error) {
	if s.emu == nil {
		return 0, ErrUnavailable
	}
	if !p.InstanceOwner() {
		return 0, fmt.Errorf("%w: only the instance owner creates the sandbox workspace", account.ErrForbidden)
	}
	id, err := s.workspaceID(ctx)
	if err != nil {
		return 0, err
	}
	if id == 0 {
		if id, err = s.newWorkspace(ctx, p); err != nil {
			return 0, err
		}
	}
	actor := account.Actor{Principal: p, WorkspaceID: id, Role: account.RoleOwner}
	if err := s.connect(ctx, actor, false); err != nil {
		return 0, err
	}
	return id, nil
}

// newWorkspace creates the workspace under the first free slug.
func (s *Service) newWorkspace(ctx context.Context, p account.Principal) (int64, error) {
	name, domain := "Sandbox", Domain
	for i := 1; i <= 20; i++ {
		slug := "sandbox"
		if i > 1 {
			slug += "-" + strconv.Itoa(i)
		}
		w, err := s.workspaces.Create(ctx, p, workspace.Input{Slug: slug, Name: &name, GorgiasDomain: &domain})
		var ve *validate.Error
		if errors.As(err, &ve) && ve.Fields["slug"] != "" {
			continue // taken
		}
		if err != nil {
			return 0, err
		}
		return w.ID, nil
	}
	return 0, errors.New("no free slug for the sandbox workspace (sandbox … sandbox-20 are taken)")
}

// connect connects a workspace to the emulator's account (fresh: the
// emulator started since the workspace was last connected).
func (s *Service) connect(ctx context.Context, actor account.Actor, fresh bool) error {
	info, ok := s.emu.Account(Domain)
	if !ok {
		return errors.New("the sandbox emulator has no account " + Domain)
	}
	_, err := s.connector.ConnectSandbox(ctx, actor, connector.SandboxAccount{Domain: info.Domain, BaseURL: info.BaseURL,
		Email: info.Email, APIKey: info.APIKey, BotUserID: info.BotUserID}, fresh)
	return err
}

// Restore connects the sandbox workspace again after a start: the emulator
// began empty, on a new address, so what Deskmate installed there before
// is gone. Without the sandbox, the workspace is paused: its address leads
// nowhere.
func (s *Service) Restore(ctx context.Context) error {
	id, err := s.workspaceID(ctx)
	if err != nil || id == 0 {
		return err
	}
	actor := account.System(id, "sandbox")
	if s.emu == nil {
		c, err := s.connector.Connection(ctx, actor)
		if err != nil || c.Status != "connected" {
			return err
		}
		_, err = s.connector.Pause(ctx, actor, true)
		return err
	}
	return s.connect(ctx, actor, true)
}

package server

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

const actorKey = localsKey(101)

// workspaceAccess resolves /api/workspaces/:workspace_id for the caller: 404
// when the workspace does not exist or the caller is not in it (never 403,
// which would tell that it exists), else the caller as an account.Actor for
// the handlers, which hand it to the domain services; those check roles.
func (s *Server) workspaceAccess(c *fiber.Ctx) error {
	p, err := principal(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "workspace_id")
	if err != nil {
		return err
	}
	actor, err := s.deps.Accounts.ActorIn(c.UserContext(), p, id)
	if err != nil {
		return err
	}
	c.Locals(actorKey, actor)
	return c.Next()
}

// actorOf returns the caller set by workspaceAccess.
func actorOf(c *fiber.Ctx) (account.Actor, error) {
	actor, ok := c.Locals(actorKey).(account.Actor)
	if !ok {
		return account.Actor{}, account.ErrUnauthenticated
	}
	return actor, nil
}

type workspaceJSON struct {
	ID            int64     `json:"id"`
	Slug          string    `json:"slug"`
	Name          string    `json:"name"`
	GorgiasDomain string    `json:"gorgias_domain"`
	ManagedTags   []string  `json:"managed_tags"`
	Role          string    `json:"role"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func toWorkspaceJSON(w store.Workspace, role string) workspaceJSON {
	return workspaceJSON{ID: w.ID, Slug: w.Slug, Name: w.Name, GorgiasDomain: w.GorgiasDomain,
		ManagedTags: w.ManagedTags, Role: role, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
}

type workspaceReq struct {
	Slug          string    `json:"slug"`
	Name          *string   `json:"name"`
	GorgiasDomain *string   `json:"gorgias_domain"`
	ManagedTags   *[]string `json:"managed_tags"`
}

func (r workspaceReq) input() workspace.Input {
	return workspace.Input{Slug: r.Slug, Name: r.Name, GorgiasDomain: r.GorgiasDomain, ManagedTags: r.ManagedTags}
}

func (s *Server) listWorkspaces(c *fiber.Ctx) error {
	p, err := principal(c)
	if err != nil {
		return err
	}
	ws, err := s.deps.Accounts.Workspaces(c.UserContext(), p)
	if err != nil {
		return err
	}
	out := make([]workspaceJSON, 0, len(ws))
	for _, w := range ws {
		out = append(out, toWorkspaceJSON(w.Workspace, w.Role))
	}
	return c.JSON(out)
}

func (s *Server) createWorkspace(c *fiber.Ctx) error {
	p, err := principal(c)
	if err != nil {
		return err
	}
	var req workspaceReq
	if err := decode(c, &req); err != nil {
		return err
	}
	w, err := s.deps.Workspaces.Create(c.UserContext(), p, req.input())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toWorkspaceJSON(w, string(account.RoleOwner)))
}

func (s *Server) getWorkspace(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	w, err := s.deps.Workspaces.Get(c.UserContext(), actor)
	if err != nil {
		return err
	}
	return c.JSON(toWorkspaceJSON(w, string(actor.Role)))
}

func (s *Server) patchWorkspace(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req workspaceReq
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.Slug != "" {
		return &APIError{Status: fiber.StatusUnprocessableEntity, Code: "invalid", Message: "slug cannot be changed",
			Fields: map[string]string{"slug": "cannot be changed"}}
	}
	w, err := s.deps.Workspaces.Update(c.UserContext(), actor, req.input())
	if err != nil {
		return err
	}
	return c.JSON(toWorkspaceJSON(w, string(actor.Role)))
}

func (s *Server) deleteWorkspace(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	if err := s.deps.Workspaces.Delete(c.UserContext(), actor); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

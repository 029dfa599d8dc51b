package server

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

const (
	workspaceIDKey   = localsKey(101)
	workspaceRoleKey = localsKey(102)
)

// workspaceAccess resolves /api/workspaces/:wid for the caller: 404 when the
// workspace does not exist or the caller is not in it (never 403, which would
// tell that it exists), else the caller's role for the handlers.
func (s *Server) workspaceAccess(c *fiber.Ctx) error {
	p, err := principal(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "workspace_id")
	if err != nil {
		return err
	}
	role, err := p.RoleIn(c.UserContext(), s.deps.DB.Pool, id)
	if err != nil {
		return err
	}
	c.Locals(workspaceIDKey, id)
	c.Locals(workspaceRoleKey, role)
	return c.Next()
}

// access returns the caller, workspace id and role set by workspaceAccess,
// refusing with 403 when the role is below min.
func access(c *fiber.Ctx, min account.Role) (account.Principal, int64, account.Role, error) {
	p, err := principal(c)
	if err != nil {
		return p, 0, "", err
	}
	id, _ := c.Locals(workspaceIDKey).(int64)
	role, _ := c.Locals(workspaceRoleKey).(account.Role)
	if !role.AtLeast(min) {
		return p, id, role, account.ErrForbidden
	}
	return p, id, role, nil
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
	_, id, role, err := access(c, account.RoleViewer)
	if err != nil {
		return err
	}
	w, err := store.WorkspaceByID(c.UserContext(), s.deps.DB.Pool, id)
	if err != nil {
		return err
	}
	return c.JSON(toWorkspaceJSON(w, string(role)))
}

func (s *Server) patchWorkspace(c *fiber.Ctx) error {
	p, id, role, err := access(c, account.RoleAdmin)
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
	w, err := s.deps.Workspaces.Update(c.UserContext(), p, role, id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(toWorkspaceJSON(w, string(role)))
}

func (s *Server) deleteWorkspace(c *fiber.Ctx) error {
	p, id, role, err := access(c, account.RoleOwner)
	if err != nil {
		return err
	}
	if err := s.deps.Workspaces.Delete(c.UserContext(), p, role, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

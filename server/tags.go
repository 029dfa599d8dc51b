package server

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/store"
)

type smartTagJSON struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	Instructions string    `json:"instructions"`
	PostAction   string    `json:"post_action"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func toSmartTagJSON(t store.SmartTag) smartTagJSON {
	return smartTagJSON{ID: t.ID, Name: t.Name, Description: t.Description, Instructions: t.Instructions,
		PostAction: t.PostAction, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

type tagConfigJSON struct {
	Managed  []string               `json:"managed"`
	Excluded []string               `json:"excluded"`
	System   []automation.SystemTag `json:"system"`
	Smart    []smartTagJSON         `json:"smart"`
}

func toTagConfigJSON(c automation.TagConfig) tagConfigJSON {
	out := tagConfigJSON{Managed: c.Managed, Excluded: c.Excluded, System: c.System, Smart: make([]smartTagJSON, len(c.Smart))}
	for i, t := range c.Smart {
		out.Smart[i] = toSmartTagJSON(t)
	}
	return out
}

func (s *Server) getTags(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	cfg, err := s.deps.Automations.TagConfig(c.UserContext(), actor)
	if err != nil {
		return err
	}
	return c.JSON(toTagConfigJSON(cfg))
}

func (s *Server) putExcludedTags(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req struct {
		Tags []string `json:"tags"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	cfg, err := s.deps.Automations.SetExcludedTags(c.UserContext(), actor, req.Tags)
	if err != nil {
		return err
	}
	return c.JSON(toTagConfigJSON(cfg))
}

func (s *Server) putSystemTags(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req struct {
		Names map[string]string `json:"names"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	cfg, err := s.deps.Automations.SetSystemTagNames(c.UserContext(), actor, req.Names)
	if err != nil {
		return err
	}
	return c.JSON(toTagConfigJSON(cfg))
}

func (s *Server) listSmartTags(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	list, err := s.deps.Automations.SmartTags(c.UserContext(), actor)
	if err != nil {
		return err
	}
	out := make([]smartTagJSON, len(list))
	for i, t := range list {
		out[i] = toSmartTagJSON(t)
	}
	return c.JSON(out)
}

func (s *Server) createSmartTag(c *fiber.Ctx) error {
	return s.saveSmartTag(c, 0)
}

func (s *Server) patchSmartTag(c *fiber.Ctx) error {
	sid, err := idParam(c, "smart_tag_id")
	if err != nil {
		return err
	}
	return s.saveSmartTag(c, sid)
}

func (s *Server) saveSmartTag(c *fiber.Ctx, sid int64) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var in automation.SmartTagInput
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := s.deps.Automations.SaveSmartTag(c.UserContext(), actor, sid, in)
	if err != nil {
		return err
	}
	if sid == 0 {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(toSmartTagJSON(t))
}

func (s *Server) deleteSmartTag(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	sid, err := idParam(c, "smart_tag_id")
	if err != nil {
		return err
	}
	if err := s.deps.Automations.DeleteSmartTag(c.UserContext(), actor, sid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

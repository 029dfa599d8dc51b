package server

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/store"
)

type instructionJSON struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Text      string    `json:"text"`
	Enabled   bool      `json:"enabled"`
	Position  int       `json:"position"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toInstructionJSON(i store.Instruction) instructionJSON {
	return instructionJSON{ID: i.ID, Title: i.Title, Text: i.Text, Enabled: i.Enabled, Position: i.Position,
		Version: i.Version, CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt}
}

func toInstructionsJSON(list []store.Instruction) []instructionJSON {
	out := make([]instructionJSON, len(list))
	for i, in := range list {
		out[i] = toInstructionJSON(in)
	}
	return out
}

type ticketInstructionJSON struct {
	ID        int64     `json:"id"`
	TicketID  string    `json:"ticket_id"`
	Text      string    `json:"text"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

func toTicketInstructionJSON(t store.TicketInstruction) ticketInstructionJSON {
	return ticketInstructionJSON{ID: t.ID, TicketID: t.TicketID, Text: t.Text, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt}
}

func (s *Server) listInstructions(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	list, err := s.deps.Automations.Instructions(c.UserContext(), actor)
	if err != nil {
		return err
	}
	return c.JSON(toInstructionsJSON(list))
}

func (s *Server) createInstruction(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var in automation.InstructionInput
	if err := decode(c, &in); err != nil {
		return err
	}
	i, err := s.deps.Automations.CreateInstruction(c.UserContext(), actor, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toInstructionJSON(i))
}

func (s *Server) patchInstruction(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	nid, err := idParam(c, "instruction_id")
	if err != nil {
		return err
	}
	var in automation.InstructionInput
	if err := decode(c, &in); err != nil {
		return err
	}
	i, err := s.deps.Automations.UpdateInstruction(c.UserContext(), actor, nid, in)
	if err != nil {
		return err
	}
	return c.JSON(toInstructionJSON(i))
}

func (s *Server) deleteInstruction(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	nid, err := idParam(c, "instruction_id")
	if err != nil {
		return err
	}
	if err := s.deps.Automations.DeleteInstruction(c.UserContext(), actor, nid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) orderInstructions(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req struct {
		IDs []int64 `json:"ids"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	list, err := s.deps.Automations.ReorderInstructions(c.UserContext(), actor, req.IDs)
	if err != nil {
		return err
	}
	return c.JSON(toInstructionsJSON(list))
}

func (s *Server) instructionRevisions(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	nid, err := idParam(c, "instruction_id")
	if err != nil {
		return err
	}
	revs, err := s.deps.Automations.InstructionRevisions(c.UserContext(), actor, nid)
	if err != nil {
		return err
	}
	type revisionJSON struct {
		Version int       `json:"version"`
		Title   string    `json:"title"`
		Text    string    `json:"text"`
		Enabled bool      `json:"enabled"`
		SavedBy string    `json:"saved_by"`
		SavedAt time.Time `json:"saved_at"`
	}
	out := make([]revisionJSON, len(revs))
	for i, r := range revs {
		out[i] = revisionJSON{Version: r.Version, Title: r.Title, Text: r.Text, Enabled: r.Enabled, SavedBy: r.SavedBy, SavedAt: r.SavedAt}
	}
	return c.JSON(out)
}

func (s *Server) listTicketInstructions(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	list, err := s.deps.Automations.TicketInstructions(c.UserContext(), actor, strings.Clone(c.Params("ticket_id")))
	if err != nil {
		return err
	}
	out := make([]ticketInstructionJSON, len(list))
	for i, t := range list {
		out[i] = toTicketInstructionJSON(t)
	}
	return c.JSON(out)
}

func (s *Server) addTicketInstruction(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req struct {
		Text string `json:"text"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	t, err := s.deps.Automations.AddTicketInstruction(c.UserContext(), actor, strings.Clone(c.Params("ticket_id")), req.Text)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toTicketInstructionJSON(t))
}

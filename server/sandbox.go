package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/account"

	"github.com/deskmate/deskmate/gorgias/gorgiastest"
)

// The sandbox: a workspace connected to Deskmate's in-memory Gorgias, and
// the inbox where a person plays its customers and agents.

// ticketCall is who calls and about which sandbox ticket.
func ticketCall(c *fiber.Ctx) (account.Actor, int64, error) {
	actor, err := actorOf(c)
	if err != nil {
		return actor, 0, err
	}
	id, err := idParam(c, "ticket_id")
	return actor, id, err
}

func (s *Server) sandboxStatus(c *fiber.Ctx) error {
	p, err := principal(c)
	if err != nil {
		return err
	}
	st, err := s.deps.Sandbox.Status(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) createSandbox(c *fiber.Ctx) error {
	p, err := principal(c)
	if err != nil {
		return err
	}
	id, err := s.deps.Sandbox.Create(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"workspace_id": id})
}

func (s *Server) sandboxTickets(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	ts, err := s.deps.Sandbox.Tickets(c.UserContext(), actor)
	if err != nil {
		return err
	}
	return c.JSON(ts)
}

func (s *Server) sandboxCustomers(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	cs, err := s.deps.Sandbox.Customers(c.UserContext(), actor)
	if err != nil {
		return err
	}
	return c.JSON(cs)
}

func (s *Server) sandboxUsers(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	us, err := s.deps.Sandbox.Users(c.UserContext(), actor)
	if err != nil {
		return err
	}
	return c.JSON(us)
}

func (s *Server) sandboxWrite(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var in gorgiastest.CustomerMessage
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := s.deps.Sandbox.Write(c.UserContext(), actor, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (s *Server) sandboxReply(c *fiber.Ctx) error {
	actor, id, err := ticketCall(c)
	if err != nil {
		return err
	}
	var in struct {
		UserID   int64  `json:"user_id"`
		Body     string `json:"body"`
		Internal bool   `json:"internal"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.deps.Sandbox.Reply(c.UserContext(), actor, gorgiastest.AgentReply{TicketID: id, UserID: in.UserID,
		Body: in.Body, Internal: in.Internal})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (s *Server) sandboxTags(c *fiber.Ctx) error {
	actor, id, err := ticketCall(c)
	if err != nil {
		return err
	}
	var in struct {
		Add    []string `json:"add"`
		Remove []string `json:"remove"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.deps.Sandbox.Tag(c.UserContext(), actor, id, in.Add, in.Remove); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) sandboxAssign(c *fiber.Ctx) error {
	actor, id, err := ticketCall(c)
	if err != nil {
		return err
	}
	var in struct {
		UserID *int64 `json:"user_id"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.deps.Sandbox.Assign(c.UserContext(), actor, id, in.UserID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) sandboxClose(c *fiber.Ctx) error {
	actor, id, err := ticketCall(c)
	if err != nil {
		return err
	}
	if err := s.deps.Sandbox.Close(c.UserContext(), actor, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) sandboxWidget(c *fiber.Ctx) error {
	actor, id, err := ticketCall(c)
	if err != nil {
		return err
	}
	w, err := s.deps.Sandbox.Widget(c.UserContext(), actor, id)
	if err != nil {
		return err
	}
	return c.JSON(w)
}

func (s *Server) sandboxClick(c *fiber.Ctx) error {
	actor, id, err := ticketCall(c)
	if err != nil {
		return err
	}
	var in struct {
		Label  string            `json:"label"`
		Params map[string]string `json:"params"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	res, err := s.deps.Sandbox.Click(c.UserContext(), actor, id, in.Label, in.Params)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

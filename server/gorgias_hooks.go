package server

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/connector"
	"github.com/deskmate/deskmate/gorgias"
)

// What Gorgias calls: HTTP-integration deliveries (webhooks), the sidebar's
// data and its buttons. Each call carries the workspace's secret in the
// X-Deskmate-Secret header, set when Deskmate installed itself; there is no
// session and no CSRF token.

func workspaceParam(c *fiber.Ctx) (int64, error) { return idParam(c, "workspace_id") }

// gorgiasWebhook stores a delivery with its job and answers 200; a wrong
// secret gets 401, a body that is not a ticket context 422, a database
// that cannot store it 5xx (Gorgias then delivers it again).
func (s *Server) gorgiasWebhook(c *fiber.Ctx) error {
	ws, err := workspaceParam(c)
	if err != nil {
		return err
	}
	body := c.Body()
	if len(body) > connector.MaxWebhookBytes {
		return fiber.ErrRequestEntityTooLarge
	}
	if err := s.deps.Connector.ReceiveWebhook(c.UserContext(), ws, c.Get(gorgias.DefaultSecretHeader), c.Params("trigger"), body); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ok": true})
}

// gorgiasSidebar answers the sidebar integration's GET with the ticket's
// data.
func (s *Server) gorgiasSidebar(c *fiber.Ctx) error {
	ws, err := workspaceParam(c)
	if err != nil {
		return err
	}
	ticket, err := strconv.ParseInt(c.Query("ticket_id"), 10, 64)
	if err != nil || ticket <= 0 {
		return &APIError{Status: fiber.StatusBadRequest, Code: "bad_request", Message: "ticket_id must be a ticket id"}
	}
	data, err := s.deps.Connector.WidgetData(c.UserContext(), ws, c.Get(gorgias.DefaultSecretHeader), ticket)
	if err != nil {
		return err
	}
	return c.JSON(data)
}

// gorgiasButton takes a sidebar button press; its work runs as a job and
// posts an internal note, so the answer only says it was accepted.
func (s *Server) gorgiasButton(c *fiber.Ctx) error {
	ws, err := workspaceParam(c)
	if err != nil {
		return err
	}
	var req gorgias.ButtonRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	b := connector.Button{Action: c.Params("action"), TicketID: req.TicketID, AgentEmail: req.AgentEmail,
		Text: c.Query(gorgias.ParamInstructions), Language: c.Query(gorgias.ParamLanguage)}
	if err := s.deps.Connector.PressButton(c.UserContext(), ws, c.Get(gorgias.DefaultSecretHeader), b); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"ok": true,
		"message": "Deskmate is on it: the result arrives as an internal note on the ticket."})
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

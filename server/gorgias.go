package server

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/connector"
)

// The Gorgias page: the connection, its settings, installing and removing
// Deskmate in Gorgias, and what Deskmate did on tickets.

func (s *Server) getConnection(c *fiber.Ctx) error {
	return s.connectionCall(c, func(actor account.Actor) (connector.Connection, error) {
		return s.deps.Connector.Connection(c.UserContext(), actor)
	})
}

// connectionCall runs a call by the caller that answers with the
// connection.
func (s *Server) connectionCall(c *fiber.Ctx, call func(account.Actor) (connector.Connection, error)) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	conn, err := call(actor)
	if err != nil {
		return err
	}
	return c.JSON(conn)
}

func (s *Server) putConnectionSettings(c *fiber.Ctx) error {
	return s.connectionCall(c, func(actor account.Actor) (connector.Connection, error) {
		var in connector.Settings
		if err := decode(c, &in); err != nil {
			return connector.Connection{}, err
		}
		return s.deps.Connector.PutSettings(c.UserContext(), actor, in)
	})
}

func (s *Server) putConnectionBaseURL(c *fiber.Ctx) error {
	return s.connectionCall(c, func(actor account.Actor) (connector.Connection, error) {
		var in struct {
			BaseURL string `json:"base_url"`
		}
		if err := decode(c, &in); err != nil {
			return connector.Connection{}, err
		}
		return s.deps.Connector.SetBaseURL(c.UserContext(), actor, in.BaseURL)
	})
}

func (s *Server) testConnection(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	res, err := s.deps.Connector.Test(c.UserContext(), actor)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) putBotUser(c *fiber.Ctx) error {
	return s.connectionCall(c, func(actor account.Actor) (connector.Connection, error) {
		var in connector.BotInput
		if err := decode(c, &in); err != nil {
			return connector.Connection{}, err
		}
		return s.deps.Connector.SetBotUser(c.UserContext(), actor, in)
	})
}

func (s *Server) connectGorgias(c *fiber.Ctx) error {
	return s.connectionCall(c, func(actor account.Actor) (connector.Connection, error) {
		return s.deps.Connector.Connect(c.UserContext(), actor)
	})
}

func (s *Server) pauseGorgias(paused bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return s.connectionCall(c, func(actor account.Actor) (connector.Connection, error) {
			return s.deps.Connector.Pause(c.UserContext(), actor, paused)
		})
	}
}

func (s *Server) disconnectGorgias(c *fiber.Ctx) error {
	return s.connectionCall(c, func(actor account.Actor) (connector.Connection, error) {
		var in struct {
			Purge bool `json:"purge"`
		}
		if len(c.Body()) > 0 {
			if err := decode(c, &in); err != nil {
				return connector.Connection{}, err
			}
		}
		return s.deps.Connector.Disconnect(c.UserContext(), actor, in.Purge)
	})
}

func (s *Server) gorgiasActions(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	ticket := int64(c.QueryInt("ticket_id"))
	actions, err := s.deps.Connector.Actions(c.UserContext(), actor, ticket, c.QueryInt("limit", 100))
	if err != nil {
		return err
	}
	return c.JSON(actions)
}

func (s *Server) startOAuth(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	u, err := s.deps.Connector.StartOAuth(c.UserContext(), actor)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"url": u})
}

// oauthCallback is where Gorgias sends the admin back after the consent
// screen; the session cookie says who it is. The answer is a redirect to
// the Gorgias page, with the outcome.
func (s *Server) oauthCallback(c *fiber.Ctx) error {
	back := func(q string) error { return c.Redirect("/gorgias?"+q, fiber.StatusSeeOther) }
	if e := c.Query("error"); e != "" {
		return back("error=" + url.QueryEscape("Gorgias: "+clipText(e, 200)))
	}
	p, err := principal(c)
	if err != nil {
		return back("error=" + url.QueryEscape("sign in to Deskmate first, then install again"))
	}
	ws, err := connector.StateWorkspace(c.Query("state"))
	if err != nil {
		return back("error=" + url.QueryEscape(err.Error()))
	}
	actor, err := s.deps.Accounts.ActorIn(c.UserContext(), p, ws)
	if err == nil {
		err = s.deps.Connector.FinishOAuth(c.UserContext(), actor, c.Query("state"), c.Query("code"))
	}
	if err != nil {
		status, detail := classify(err)
		msg := detail.Message
		if status >= 500 {
			msg = "the authorization could not be completed: see the server log"
			s.deps.Logger.Error("gorgias oauth callback", "error", err)
		}
		return back("error=" + url.QueryEscape(msg))
	}
	return back("connected=1")
}

func (s *Server) gettingStarted(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	steps, err := s.deps.Connector.Checklist(c.UserContext(), actor)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"steps": steps})
}

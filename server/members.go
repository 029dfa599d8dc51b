package server

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/store"
)

type memberJSON struct {
	UserID int64  `json:"user_id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Role   string `json:"role"`
}

func toMemberJSON(m store.Member) memberJSON {
	return memberJSON{UserID: m.UserID, Email: m.Email, Name: m.Name, Role: m.Role}
}

func (s *Server) listMembers(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	ms, err := s.deps.Accounts.Members(c.UserContext(), actor)
	if err != nil {
		return err
	}
	out := make([]memberJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, toMemberJSON(m))
	}
	return c.JSON(out)
}

func (s *Server) addMember(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req struct {
		Email    string `json:"email"`
		Name     string `json:"name"`
		Password string `json:"password"`
		Role     string `json:"role"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	added, err := s.deps.Accounts.AddMember(c.UserContext(), actor,
		account.NewMember{Email: req.Email, Name: req.Name, Password: req.Password, Role: account.Role(req.Role)})
	if err != nil {
		return err
	}
	if added.Invitation != nil {
		// Their consent is needed: an invitation link to pass on.
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"invitation": toInvitationJSON(*added.Invitation, added.Token)})
	}
	return c.Status(fiber.StatusCreated).JSON(toMemberJSON(*added.Member))
}

func (s *Server) patchMember(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	uid, err := idParam(c, "user_id")
	if err != nil {
		return err
	}
	var req struct {
		Role string `json:"role"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	m, err := s.deps.Accounts.SetMemberRole(c.UserContext(), actor, uid, account.Role(req.Role))
	if err != nil {
		return err
	}
	return c.JSON(toMemberJSON(m))
}

func (s *Server) deleteMember(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	uid, err := idParam(c, "user_id")
	if err != nil {
		return err
	}
	if err := s.deps.Accounts.RemoveMember(c.UserContext(), actor, uid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type invitationJSON struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	ExpiresAt time.Time `json:"expires_at"`
	CreatedAt time.Time `json:"created_at"`
	URL       string    `json:"url,omitempty"`
}

func (s *Server) listInvitations(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	invs, err := s.deps.Accounts.Invitations(c.UserContext(), actor)
	if err != nil {
		return err
	}
	out := make([]invitationJSON, 0, len(invs))
	for _, i := range invs {
		out = append(out, toInvitationJSON(i, ""))
	}
	return c.JSON(out)
}

func (s *Server) createInvitation(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	inv, token, err := s.deps.Accounts.Invite(c.UserContext(), actor, req.Email, account.Role(req.Role))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toInvitationJSON(inv, token))
}

// toInvitationJSON shows an invitation, with its link when the token is
// given (only right after it was created).
func toInvitationJSON(inv store.Invitation, token string) invitationJSON {
	out := invitationJSON{ID: inv.ID, Email: inv.Email, Role: inv.Role, ExpiresAt: inv.ExpiresAt, CreatedAt: inv.CreatedAt}
	if token != "" {
		out.URL = "/invite/" + token
	}
	return out
}

func (s *Server) deleteInvitation(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	iid, err := idParam(c, "invitation_id")
	if err != nil {
		return err
	}
	if err := s.deps.Accounts.RevokeInvitation(c.UserContext(), actor, iid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) getInvitation(c *fiber.Ctx) error {
	info, err := s.deps.Accounts.LookupInvitation(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"email": info.Email, "workspace_name": info.WorkspaceName, "role": info.Role,
		"expires_at": info.ExpiresAt, "existing_user": info.ExistingUser})
}

func (s *Server) acceptInvitation(c *fiber.Ctx) error {
	var req struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	token := c.Params("token")
	if token == "" || len(token) > 100 {
		return store.ErrNotFound
	}
	in, err := s.deps.Accounts.AcceptInvitation(c.UserContext(), token, req.Name, req.Password, client(c))
	if err != nil {
		return err
	}
	return s.signedIn(c, fiber.StatusOK, in)
}

type tokenJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	Token      string     `json:"token,omitempty"`
}

func toTokenJSON(t store.APIToken) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Role: t.Role, Prefix: t.Prefix, CreatedAt: t.CreatedAt,
		LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

func (s *Server) listTokens(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	ts, err := s.deps.Accounts.Tokens(c.UserContext(), actor)
	if err != nil {
		return err
	}
	out := make([]tokenJSON, 0, len(ts))
	for _, t := range ts {
		out = append(out, toTokenJSON(t))
	}
	return c.JSON(out)
}

func (s *Server) createToken(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	var req struct {
		Name string `json:"name"`
		Role string `json:"role"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	t, token, err := s.deps.Accounts.CreateToken(c.UserContext(), actor, req.Name, account.Role(req.Role))
	if err != nil {
		return err
	}
	out := toTokenJSON(t)
	out.Token = token
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (s *Server) deleteToken(c *fiber.Ctx) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	tid, err := idParam(c, "token_id")
	if err != nil {
		return err
	}
	if err := s.deps.Accounts.RevokeToken(c.UserContext(), actor, tid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

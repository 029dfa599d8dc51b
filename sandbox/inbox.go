package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
	"github.com/deskmate/deskmate/internal/validate"
)

// The inbox: what a helpdesk shows of the emulated account, and what its
// customers and agents do there. Reading needs a member of the sandbox
// workspace; acting needs an editor.

// ErrNoTicket says the ticket is not in the sandbox.
var ErrNoTicket = errors.New("no such ticket in the sandbox")

// check makes sure the actor's workspace is the sandbox's and its role is
// at least min.
func (s *Service) check(ctx context.Context, actor account.Actor, min account.Role) error {
	if s.emu == nil {
		return ErrUnavailable
	}
	if err := actor.Require(min); err != nil {
		return err
	}
	id, err := s.workspaceID(ctx)
	if err != nil {
		return err
	}
	if id != actor.WorkspaceID {
		return ErrNotSandbox
	}
	return nil
}

// Tickets lists the sandbox's tickets, newest first, with their messages.
func (s *Service) Tickets(ctx context.Context, actor account.Actor) ([]gorgias.Ticket, error) {
	if err := s.check(ctx, actor, account.RoleViewer); err != nil {
		return nil, err
	}
	return s.emu.Tickets(Domain)
}

// Customer is a sample customer to write as.
type Customer struct {
	ID     int64  `json:"id"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Orders int    `json:"orders"`
}

// Customers lists the sandbox's customers.
func (s *Service) Customers(ctx context.Context, actor account.Actor) ([]Customer, error) {
	if err := s.check(ctx, actor, account.RoleViewer); err != nil {
		return nil, err
	}
	cs, err := s.emu.Customers(Domain)
	out := make([]Customer, 0, len(cs))
	for _, c := range cs {
		out = append(out, Customer{ID: c.ID, Email: c.Email, Name: c.Name, Orders: len(c.ShopifyOrders())})
	}
	return out, err
}

// Users lists the sandbox's agents, admins and bot.
func (s *Service) Users(ctx context.Context, actor account.Actor) ([]gorgias.User, error) {
	if err := s.check(ctx, actor, account.RoleViewer); err != nil {
		return nil, err
	}
	return s.emu.Users(Domain)
}

// emulatorError turns the emulator's refusals into field errors.
func emulatorError(field string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorgiastest.ErrNoTicket) {
		return ErrNoTicket
	}
	return validate.Field(field, strings.TrimPrefix(err.Error(), "gorgiastest: "))
}

// Write posts a customer's message: a new ticket, or a reply on one.
func (s *Service) Write(ctx context.Context, actor account.Actor, m gorgiastest.CustomerMessage) (gorgias.Ticket, error) {
	if err := s.check(ctx, actor, account.RoleEditor); err != nil {
		return gorgias.Ticket{}, err
	}
	v := validate.Errors{}
	v.Email("email", m.Email)
	v.Length("name", m.Name, 0, 200)
	v.Length("subject", m.Subject, 0, 500)
	v.Length("body", strings.TrimSpace(m.Body), 1, 10000)
	if err := v.Err(); err != nil {
		return gorgias.Ticket{}, err
	}
	t, err := s.emu.WriteAsCustomer(Domain, m)
	return t, emulatorError("body", err)
}

// Reply posts an agent's reply or internal note.
func (s *Service) Reply(ctx context.Context, actor account.Actor, r gorgiastest.AgentReply) (gorgias.Message, error) {
	if err := s.check(ctx, actor, account.RoleEditor); err != nil {
		return gorgias.Message{}, err
	}
	v := validate.Errors{}
	v.Length("body", strings.TrimSpace(r.Body), 1, 10000)
	if err := v.Err(); err != nil {
		return gorgias.Message{}, err
	}
	m, err := s.emu.ReplyAsAgent(Domain, r)
	return m, emulatorError("user_id", err)
}

// Tag adds and removes tags as an agent.
func (s *Service) Tag(ctx context.Context, actor account.Actor, ticketID int64, add, remove []string) error {
	if err := s.check(ctx, actor, account.RoleEditor); err != nil {
		return err
	}
	v := validate.Errors{}
	if len(add)+len(remove) == 0 || len(add)+len(remove) > 50 {
		v.Add("add", "name 1 to 50 tags to add or remove")
	}
	for i, t := range append(slices.Clone(add), remove...) {
		v.Length("tags["+strconv.Itoa(i)+"]", strings.TrimSpace(t), 1, 100)
	}
	if err := v.Err(); err != nil {
		return err
	}
	return emulatorError("add", s.emu.TagAsAgent(Domain, ticketID, add, remove))
}

// Assign assigns the ticket to a user, or unassigns it (nil).
func (s *Service) Assign(ctx context.Context, actor account.Actor, ticketID int64, userID *int64) error {
	if err := s.check(ctx, actor, account.RoleEditor); err != nil {
		return err
	}
	id := int64(0)
	if userID != nil {
		id = *userID
	}
	return emulatorError("user_id", s.emu.AssignAsAgent(Domain, ticketID, id))
}

// Close closes the ticket as an agent.
func (s *Service) Close(ctx context.Context, actor account.Actor, ticketID int64) error {
	if err := s.check(ctx, actor, account.RoleEditor); err != nil {
		return err
	}
	return emulatorError("ticket_id", s.emu.CloseAsAgent(Domain, ticketID))
}

// Widget is the sidebar as Gorgias shows it on a ticket: the data Deskmate
// returned for it, and the buttons of Deskmate's widget.
type Widget struct {
	Data    *gorgias.SidebarData `json:"data"`
	Buttons []Button             `json:"buttons"`
}

// Button is a widget button with the parameters the agent fills in.
type Button struct {
	Label  string  `json:"label"`
	Params []Param `json:"params"`
}

// Param is an editable button parameter.
type Param struct {
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	Type     string   `json:"type"`
	Options  []string `json:"options,omitempty"`
	Required bool     `json:"required"`
}

// Widget opens the ticket as an agent would: Gorgias asks Deskmate for the
// sidebar's data (an HTTP call to Deskmate), and shows Deskmate's buttons.
func (s *Service) Widget(ctx context.Context, actor account.Actor, ticketID int64) (Widget, error) {
	if err := s.check(ctx, actor, account.RoleViewer); err != nil {
		return Widget{}, err
	}
	t, err := s.emu.OpenTicket(Domain, ticketID)
	if err != nil {
		return Widget{}, emulatorError("ticket_id", err)
	}
	widgets, err := s.emu.Widgets(Domain)
	if err != nil {
		return Widget{}, err
	}
	out := Widget{Buttons: []Button{}}
	for _, w := range widgets {
		if w.IntegrationID == 0 || !w.DeactivatedDatetime.IsZero() {
			continue
		}
		if t.Customer != nil {
			if raw, ok := t.Customer.Integrations[strconv.FormatInt(w.IntegrationID, 10)]; ok {
				var d gorgias.SidebarData
				if json.Unmarshal(raw, &d) == nil {
					out.Data = &d
				}
			}
		}
		out.Buttons = append(out.Buttons, buttons(w.Template)...)
	}
	return out, nil
}

// buttons lists a template's buttons with their editable parameters.
func buttons(n gorgias.WidgetNode) []Button {
	var out []Button
	if n.Meta != nil && n.Meta.Custom != nil {
		for _, b := range n.Meta.Custom.Buttons {
			btn := Button{Label: b.Label, Params: []Param{}}
			for _, p := range append(slices.Clone(b.Action.Params), b.Action.Body.Form...) {
				if p.Editable {
					btn.Params = append(btn.Params, Param{Name: p.Key, Label: p.Label, Type: p.Type, Options: p.Options,
						Required: p.Mandatory})
				}
			}
			out = append(out, btn)
		}
	}
	for _, c := range n.Widgets {
		out = append(out, buttons(c)...)
	}
	return out
}

// Click presses a widget button as an agent: Gorgias sends the button's
// request to Deskmate and shows its answer.
func (s *Service) Click(ctx context.Context, actor account.Actor, ticketID int64, label string, params map[string]string) (gorgiastest.ActionResult, error) {
	if err := s.check(ctx, actor, account.RoleEditor); err != nil {
		return gorgiastest.ActionResult{}, err
	}
	v := validate.Errors{}
	v.Length("label", label, 1, 100)
	if len(params) > 10 {
		v.Add("params", "at most 10")
	}
	for k, val := range params {
		v.Length("params."+k, val, 0, 2000)
	}
	if err := v.Err(); err != nil {
		return gorgiastest.ActionResult{}, err
	}
	res, err := s.emu.ClickButton(ctx, gorgiastest.ButtonClick{Account: Domain, TicketID: ticketID, Label: label, Params: params})
	return res, emulatorError("label", err)
}

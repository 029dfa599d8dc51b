package gorgiastest

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/deskmate/deskmate/gorgias"
)

// CustomerMessage is a message a customer writes.
type CustomerMessage struct {
	Email   string `json:"email"` // finds the customer, or creates one
	Name    string `json:"name"`
	Channel string `json:"channel"` // email (default), chat or sms
	// TicketID is the ticket to reply on; 0 starts a new ticket.
	TicketID int64  `json:"ticket_id"`
	Subject  string `json:"subject"`
	Body     string `json:"body"`
}

var customerChannels = []string{gorgias.ChannelEmail, gorgias.ChannelChat, gorgias.ChannelSMS, gorgias.ChannelAPI}

// ErrNoTicket says the ticket a simulated customer, agent or button press
// names does not exist in the account.
var ErrNoTicket = errors.New("gorgiastest: no ticket")

// WriteAsCustomer posts a customer's message, on a new ticket or as a
// reply (which reopens a closed ticket), firing the triggers Gorgias would.
// It returns the ticket with its messages.
func (e *Emulator) WriteAsCustomer(domain string, m CustomerMessage) (gorgias.Ticket, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.accounts[domain]
	if a == nil {
		return gorgias.Ticket{}, fmt.Errorf("gorgiastest: no account %q", domain)
	}
	channel := cmp.Or(m.Channel, gorgias.ChannelEmail)
	if !slices.Contains(customerChannels, channel) {
		return gorgias.Ticket{}, fmt.Errorf("gorgiastest: channel %q is not one of %v", channel, customerChannels)
	}
	if m.Body == "" {
		return gorgias.Ticket{}, fmt.Errorf("gorgiastest: the message has no body")
	}
	msg := gorgias.MessageInput{Channel: channel, Via: channel, BodyText: m.Body, Subject: m.Subject}
	if m.Email != "" {
		msg.Sender = &gorgias.Ref{Email: m.Email, Name: m.Name}
	}
	if m.TicketID == 0 {
		if m.Email == "" {
			return gorgias.Ticket{}, fmt.Errorf("gorgiastest: a new ticket needs the customer's e-mail")
		}
		t, err := e.createTicket(a, gorgias.TicketInput{
			Customer: &gorgias.Ref{Email: m.Email, Name: m.Name}, Channel: channel, Via: channel,
			Subject: m.Subject, Messages: []gorgias.MessageInput{msg},
		}, 0)
		if err != nil {
			return gorgias.Ticket{}, asError(err)
		}
		return a.ticketOut(t, true), nil
	}
	t := a.tickets[m.TicketID]
	if t == nil {
		return gorgias.Ticket{}, fmt.Errorf("%w %d", ErrNoTicket, m.TicketID)
	}
	if _, err := e.addMessage(a, t, msg, 0, true); err != nil {
		return gorgias.Ticket{}, asError(err)
	}
	return a.ticketOut(t, true), nil
}

// AgentReply is a human agent answering in the Gorgias app.
type AgentReply struct {
	TicketID int64  `json:"ticket_id"`
	UserID   int64  `json:"user_id"` // 0 means the account's admin
	Body     string `json:"body"`
	Internal bool   `json:"internal"` // an internal note rather than a reply to the customer
}

// ReplyAsAgent posts an agent's reply or note (via "helpdesk").
func (e *Emulator) ReplyAsAgent(domain string, r AgentReply) (gorgias.Message, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, t, err := e.accountTicket(domain, r.TicketID)
	if err != nil {
		return gorgias.Message{}, err
	}
	channel := t.t.Channel
	if r.Internal {
		channel = gorgias.ChannelInternalNote
	}
	m, aerr := e.addMessage(a, t, gorgias.MessageInput{
		Channel: channel, Via: gorgias.ViaHelpdesk, FromAgent: true,
		Sender: &gorgias.Ref{ID: cmp.Or(r.UserID, a.adminID)}, BodyText: r.Body,
	}, cmp.Or(r.UserID, a.adminID), true)
	if aerr != nil {
		return gorgias.Message{}, asError(aerr)
	}
	return *m, nil
}

// TagAsAgent adds and removes tags by name, as an agent in the app does
// (unknown names are created).
func (e *Emulator) TagAsAgent(domain string, ticketID int64, add, remove []string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, t, err := e.accountTicket(domain, ticketID)
	if err != nil {
		return err
	}
	var refs []gorgias.Ref
	for _, n := range add {
		refs = append(refs, gorgias.Ref{Name: n})
	}
	addIDs, aerr := a.resolveTags(refs)
	if aerr != nil {
		return asError(aerr)
	}
	var removeIDs []int64
	for _, n := range remove {
		if tag := a.tagByName(n); tag != nil {
			removeIDs = append(removeIDs, tag.ID)
		}
	}
	e.changeTags(a, t, addIDs, removeIDs, a.adminID)
	return nil
}

// AssignAsAgent assigns the ticket to a user, or unassigns it with 0.
func (e *Emulator) AssignAsAgent(domain string, ticketID, userID int64) error {
	u := gorgias.Null[gorgias.Ref]()
	if userID != 0 {
		u = gorgias.Set(gorgias.Ref{ID: userID})
	}
	return e.updateAsAgent(domain, ticketID, gorgias.TicketUpdate{AssigneeUser: u})
}

// CloseAsAgent closes the ticket.
func (e *Emulator) CloseAsAgent(domain string, ticketID int64) error {
	return e.updateAsAgent(domain, ticketID, gorgias.TicketUpdate{Status: gorgias.Set(gorgias.StatusClosed)})
}

func (e *Emulator) updateAsAgent(domain string, ticketID int64, u gorgias.TicketUpdate) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, t, err := e.accountTicket(domain, ticketID)
	if err != nil {
		return err
	}
	return asError(e.updateTicket(a, t, u, a.adminID))
}

// Tickets returns an account's tickets, newest first, each with its
// customer (and integration data), tags, assignee and messages.
func (e *Emulator) Tickets(domain string) ([]gorgias.Ticket, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.accounts[domain]
	if a == nil {
		return nil, fmt.Errorf("gorgiastest: no account %q", domain)
	}
	out := []gorgias.Ticket{}
	for _, id := range ordered(sortedIDs(a.tickets), true) {
		out = append(out, a.ticketOut(a.tickets[id], true))
	}
	return out, nil
}

func (e *Emulator) accountTicket(domain string, ticketID int64) (*account, *ticket, error) {
	a := e.accounts[domain]
	if a == nil {
		return nil, nil, fmt.Errorf("gorgiastest: no account %q", domain)
	}
	t := a.tickets[ticketID]
	if t == nil {
		return nil, nil, fmt.Errorf("%w %d", ErrNoTicket, ticketID)
	}
	return a, t, nil
}

// Customers returns an account's customers, oldest first.
func (e *Emulator) Customers(domain string) ([]gorgias.Customer, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.accounts[domain]
	if a == nil {
		return nil, fmt.Errorf("gorgiastest: no account %q", domain)
	}
	out := []gorgias.Customer{}
	for _, id := range sortedIDs(a.customers) {
		out = append(out, *a.customerOut(id))
	}
	return out, nil
}

// Users returns an account's users (agents, admins, bots), oldest first.
func (e *Emulator) Users(domain string) ([]gorgias.User, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.accounts[domain]
	if a == nil {
		return nil, fmt.Errorf("gorgiastest: no account %q", domain)
	}
	out := []gorgias.User{}
	for _, id := range sortedIDs(a.users) {
		out = append(out, *a.users[id])
	}
	return out, nil
}

// Widgets returns an account's sidebar widgets.
func (e *Emulator) Widgets(domain string) ([]gorgias.Widget, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.accounts[domain]
	if a == nil {
		return nil, fmt.Errorf("gorgiastest: no account %q", domain)
	}
	out := []gorgias.Widget{}
	for _, id := range sortedIDs(a.widgets) {
		out = append(out, *a.widgets[id])
	}
	return out, nil
}

package gorgiastest

import (
	"cmp"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/deskmate/deskmate/gorgias"
)

func listMessages(c *call) {
	q := c.r.URL.Query()
	var ids []int64
	if s := q.Get("ticket_id"); s != "" {
		id, _ := strconv.ParseInt(s, 10, 64)
		t, ok := c.a.tickets[id]
		if !ok {
			c.invalid("ticket_id", "Unknown ticket.")
			return
		}
		ids = append(ids, t.messageIDs...)
	} else {
		ids = sortedIDs(c.a.messages)
	}
	var out []gorgias.Message
	for _, id := range ordered(ids, descending(c)) {
		if m, ok := c.a.messages[id]; ok {
			out = append(out, *m)
		}
	}
	page(c, out, 30)
}

func listTicketMessages(c *call) {
	t, ok := c.ticket()
	if !ok {
		return
	}
	page(c, c.a.ticketMessages(t), 30)
}

func getMessage(c *call) {
	t, ok := c.ticket()
	if !ok {
		return
	}
	mid, ok := c.id("message_id")
	if !ok {
		return
	}
	m, found := c.a.messages[mid]
	if !found || m.TicketID != t.t.ID {
		c.notFound()
		return
	}
	c.json(http.StatusOK, m)
}

func (e *Emulator) postMessage(c *call) {
	t, ok := c.ticket()
	if !ok {
		return
	}
	var in gorgias.MessageInput
	if !c.decode(&in) {
		return
	}
	if err := validateMessage(in); err != nil {
		c.failErr(err)
		return
	}
	m, err := e.addMessage(c.a, t, in, c.userID, true)
	if err != nil {
		c.failErr(err)
		return
	}
	c.json(http.StatusCreated, m)
}

// validateMessage checks what Gorgias requires of a new message.
func validateMessage(in gorgias.MessageInput) *apiError {
	switch {
	case in.Channel == "":
		return invalid("channel", missing)
	case in.BodyText == "" && in.BodyHTML == "":
		return invalid("body_text", "A body_text or a body_html is required.")
	}
	return nil
}

// addMessage stores a message on a ticket and updates the ticket: its
// dates, unread flag, and status (a customer message reopens a closed
// ticket). An outgoing public message gets its sent_datetime after
// SendDelay. With fire, ticket-message-created is fired.
func (e *Emulator) addMessage(a *account, t *ticket, in gorgias.MessageInput, actor int64, fire bool) (*gorgias.Message, *apiError) {
	customer := a.customers[t.customerID]
	created := in.CreatedDatetime
	if created.IsZero() {
		created = now()
	}
	id := a.newID()
	m := &gorgias.Message{
		ID: id, URI: fmt.Sprintf("/api/tickets/%d/messages/%d/", t.t.ID, id), TicketID: t.t.ID,
		ExternalID: in.ExternalID, Public: in.Channel != gorgias.ChannelInternalNote,
		Channel: in.Channel, Via: cmp.Or(in.Via, gorgias.ViaAPI), FromAgent: in.FromAgent,
		Subject: cmp.Or(in.Subject, t.t.Subject), BodyText: in.BodyText, BodyHTML: in.BodyHTML,
		Attachments: in.Attachments, IntegrationID: in.IntegrationID, Meta: in.Meta,
		Source: in.Source, CreatedDatetime: created,
	}
	if m.BodyText == "" {
		m.BodyText = htmlText(in.BodyHTML)
	}
	if m.BodyHTML == "" {
		m.BodyHTML = "<div>" + html.EscapeString(in.BodyText) + "</div>"
	}
	m.StrippedText, m.Text = m.BodyText, m.BodyText
	if m.Attachments == nil {
		m.Attachments = []gorgias.Attachment{}
	}

	sender, err := a.messageSender(in, customer, actor)
	if err != nil {
		return nil, err
	}
	m.Sender = sender
	if in.FromAgent && m.Public && customer != nil {
		m.Receiver = customerPerson(customer)
		if in.Receiver != nil && in.Receiver.ID != 0 {
			if rc, ok := a.customers[in.Receiver.ID]; ok {
				m.Receiver = customerPerson(rc)
			}
		}
	}
	if m.Channel == gorgias.ChannelEmail {
		if m.IntegrationID == 0 {
			m.IntegrationID = a.emailIntegrationID
		}
		m.MessageID = fmt.Sprintf("<%d.emulator@%s>", id, a.domain+".example")
	}
	if m.Source == nil {
		m.Source = a.defaultSource(m)
	}

	switch {
	case !in.SentDatetime.IsZero():
		m.SentDatetime, m.Imported = in.SentDatetime, true
	case in.FromAgent && m.Public:
		e.after(e.opts.SendDelay, func() {
			if cur, ok := a.messages[id]; ok && cur.SentDatetime.IsZero() {
				cur.SentDatetime = now()
			}
		})
	default:
		m.SentDatetime = created
	}
	a.messages[id] = m
	t.messageIDs = append(t.messageIDs, id)

	tt := &t.t
	tt.UpdatedDatetime, tt.LastMessageDatetime = created, created
	if !in.FromAgent {
		tt.LastReceivedMessageDatetime = created
		tt.IsUnread = true
		if tt.Status == gorgias.StatusClosed {
			a.setStatus(t, gorgias.StatusOpen, actor)
		}
	}
	a.event("ticket-message-created", "TicketMessage", id, actor, map[string]any{"ticket_id": t.t.ID, "channel": m.Channel, "via": m.Via})
	if fire {
		e.fire(a, gorgias.TriggerTicketMessageCreated, t, m)
	}
	out := *m
	return &out, nil
}

// messageSender resolves the sender: a user for agent messages (by default
// the caller), a customer otherwise (by default the ticket's).
func (a *account) messageSender(in gorgias.MessageInput, customer *gorgias.Customer, actor int64) (*gorgias.Person, *apiError) {
	ref := in.Sender
	if in.FromAgent {
		if ref == nil {
			ref = &gorgias.Ref{ID: actor}
		}
		u, err := a.resolveUser(*ref, "sender")
		if err != nil {
			return nil, err
		}
		return userPerson(u), nil
	}
	switch {
	case ref == nil && customer != nil:
		return customerPerson(customer), nil
	case ref != nil && ref.ID != 0:
		if cu, ok := a.customers[ref.ID]; ok {
			return customerPerson(cu), nil
		}
		return nil, invalid("sender", "Unknown customer.")
	case ref != nil && ref.Email != "":
		return customerPerson(a.findOrAddCustomer(ref.Email, ref.Name)), nil
	}
	return nil, invalid("sender", missing)
}

// defaultSource fills the addresses of a message that came without them:
// the support address on the account's side, the sender or receiver on
// the other.
func (a *account) defaultSource(m *gorgias.Message) *gorgias.Source {
	support := &gorgias.Address{Name: strings.ToUpper(a.domain[:1]) + a.domain[1:] + " Support", Address: a.supportAddress()}
	src := &gorgias.Source{Type: m.Channel}
	switch {
	case m.Channel == gorgias.ChannelInternalNote:
		src.Type = gorgias.ChannelInternalNote
	case m.FromAgent && m.Receiver != nil:
		src.From = support
		src.To = []gorgias.Address{{Name: m.Receiver.Name, Address: m.Receiver.Email}}
	case !m.FromAgent && m.Sender != nil:
		src.From = &gorgias.Address{Name: m.Sender.Name, Address: m.Sender.Email}
		src.To = []gorgias.Address{*support}
	}
	return src
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// htmlText is a plain-text rendering of a small HTML body.
func htmlText(s string) string {
	s = strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n", "</p>", "\n", "</div>", "\n").Replace(s)
	return strings.TrimSpace(html.UnescapeString(htmlTag.ReplaceAllString(s, "")))
}

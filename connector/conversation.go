package connector

import (
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/gorgias"
)

// conversationKey names a ticket's conversation for the agent.
func conversationKey(ticketID int64) string { return "gorgias:" + strconv.FormatInt(ticketID, 10) }

// conversation is what the agent reads of a ticket: its messages up to and
// including index upTo (later ones are not the agent's business yet), the
// internal notes apart, the customer with their Shopify orders, the tags,
// the assignee and the agents' instructions for the ticket.
func conversation(t gorgias.Ticket, upTo int, botUserID int64, instructions []string) agent.Conversation {
	conv := agent.Conversation{Key: conversationKey(t.ID), TicketID: strconv.FormatInt(t.ID, 10), Channel: t.Channel,
		Subject: t.Subject, Instructions: instructions}
	for i, m := range t.Messages {
		if i > upTo {
			break
		}
		text := messageText(m)
		if text == "" {
			continue
		}
		msg := agent.Message{ID: strconv.FormatInt(m.ID, 10), Text: text, At: m.CreatedDatetime.Time}
		switch {
		case isNote(m):
			msg.Role = agent.RoleAgent
			conv.Notes = append(conv.Notes, msg)
			continue
		case !m.FromAgent:
			msg.Role = agent.RoleCustomer
		case m.Sender != nil && m.Sender.ID == botUserID:
			msg.Role = agent.RoleBot
		default:
			msg.Role = agent.RoleAgent
		}
		conv.Messages = append(conv.Messages, msg)
	}
	if c := t.Customer; c != nil {
		conv.Customer = agent.Customer{Name: customerName(*c), Email: c.Email, Note: c.Note, Orders: orders(*c)}
	}
	for _, tag := range t.Tags {
		conv.Tags = append(conv.Tags, tag.Name)
	}
	switch {
	case t.AssigneeUser != nil:
		conv.Assignee = t.AssigneeUser.Email
	case t.AssigneeTeam != nil:
		conv.Assignee = "team:" + t.AssigneeTeam.Name
	}
	return conv
}

func customerName(c gorgias.Customer) string {
	if c.Name != "" {
		return c.Name
	}
	return strings.TrimSpace(c.Firstname + " " + c.Lastname)
}

// orders are the customer's Shopify orders, newest first, as the agent
// reads them: the latest shipment's status and tracking.
func orders(c gorgias.Customer) []agent.Order {
	var out []agent.Order
	for _, o := range c.ShopifyOrders() {
		ord := agent.Order{Number: o.Name, CreatedAt: o.CreatedAt, FinancialStatus: o.FinancialStatus,
			FulfillmentStatus: o.FulfillmentStatus}
		if ord.Number == "" && o.OrderNumber != 0 {
			ord.Number = "#" + strconv.FormatInt(o.OrderNumber, 10)
		}
		if !o.CancelledAt.IsZero() {
			at := o.CancelledAt
			ord.CancelledAt = &at
		}
		if n := len(o.Fulfillments); n > 0 {
			f := o.Fulfillments[n-1]
			ord.ShipmentStatus, ord.TrackingCompany = f.ShipmentStatus, f.TrackingCompany
			if len(f.TrackingNumbers) > 0 {
				ord.TrackingNumber = f.TrackingNumbers[0]
			}
			if len(f.TrackingURLs) > 0 {
				ord.TrackingURL = f.TrackingURLs[0]
			}
		}
		for _, li := range o.LineItems {
			ord.Items = append(ord.Items, li.Title)
		}
		out = append(out, ord)
		if len(out) == 20 {
			break
		}
	}
	return out
}

// isNote reports whether a message is an internal note.
func isNote(m gorgias.Message) bool { return !m.Public || m.Channel == gorgias.ChannelInternalNote }

var (
	tagRe     = regexp.MustCompile(`(?s)<[^>]*>`)
	breakRe   = regexp.MustCompile(`(?i)<br\s*/?>|</p>|</div>|</li>`)
	spacesRe  = regexp.MustCompile(`[ \t]+`)
	newlineRe = regexp.MustCompile(`\n{3,}`)
)

// messageText is a message's own text: without the quoted history and the
// signature when Gorgias stripped them, from the HTML when there is no text.
func messageText(m gorgias.Message) string {
	for _, t := range []string{m.StrippedText, m.BodyText, m.Text} {
		if t = strings.TrimSpace(t); t != "" {
			return clip(t, 10000)
		}
	}
	h := m.StrippedHTML
	if h == "" {
		h = m.BodyHTML
	}
	t := breakRe.ReplaceAllString(h, "\n")
	t = html.UnescapeString(tagRe.ReplaceAllString(t, ""))
	t = newlineRe.ReplaceAllString(spacesRe.ReplaceAllString(t, " "), "\n\n")
	return clip(strings.TrimSpace(t), 10000)
}

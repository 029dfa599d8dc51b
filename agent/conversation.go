package agent

import "time"

// Roles of the people in a conversation.
const (
	RoleCustomer = "customer"
	RoleAgent    = "agent" // a person of the support team
	RoleBot      = "bot"   // Deskmate
)

// Conversation is everything the pipeline reads about a ticket.
type Conversation struct {
	// Key identifies the conversation across runs: "gorgias:<ticket id>",
	// "playground:<id>".
	Key      string    `json:"key"`
	TicketID string    `json:"ticket_id,omitempty"`
	Channel  string    `json:"channel"` // email, chat, sms, ...
	Subject  string    `json:"subject,omitempty"`
	Messages []Message `json:"messages"`
	// Notes are the internal notes of the team (never shown to the customer).
	Notes    []Message `json:"notes,omitempty"`
	Customer Customer  `json:"customer"`
	Tags     []string  `json:"tags,omitempty"`
	// Assignee is the user or team the ticket is assigned to ("" for none).
	Assignee string `json:"assignee,omitempty"`
	// Instructions are the per-ticket instructions agents left.
	Instructions []string `json:"instructions,omitempty"`
	// Now is when the decision is taken (business hours); zero means now.
	Now time.Time `json:"now,omitzero"`
	// Open says whether the team is at work, when the caller decides it
	// (the playground's switch); nil reads the workspace's business hours.
	Open *bool `json:"open,omitempty"`
}

// Message is one message of a conversation, oldest first.
type Message struct {
	ID   string    `json:"id,omitempty"`
	Role string    `json:"role"` // customer, agent or bot
	Text string    `json:"text"`
	At   time.Time `json:"at,omitzero"`
}

// Customer is who the conversation is with.
type Customer struct {
	Name   string  `json:"name,omitempty"`
	Email  string  `json:"email,omitempty"`
	Note   string  `json:"note,omitempty"`
	Orders []Order `json:"orders,omitempty"`
}

// FirstName is the customer's first name, "" when unknown.
func (c Customer) FirstName() string {
	for _, f := range splitWords(c.Name) {
		return f
	}
	return ""
}

// Order is a customer's order as the shop (Shopify, through Gorgias's
// customer integrations) reports it; every field may be empty.
type Order struct {
	Number            string     `json:"number"` // "#1001"
	CreatedAt         time.Time  `json:"created_at,omitzero"`
	FinancialStatus   string     `json:"financial_status,omitempty"`   // paid, refunded, ...
	FulfillmentStatus string     `json:"fulfillment_status,omitempty"` // "" (unfulfilled), partial, fulfilled
	CancelledAt       *time.Time `json:"cancelled_at,omitempty"`
	// ShipmentStatus is the carrier's status of the latest fulfillment:
	// in_transit, out_for_delivery, delivered, ...
	ShipmentStatus  string   `json:"shipment_status,omitempty"`
	TrackingCompany string   `json:"tracking_company,omitempty"`
	TrackingNumber  string   `json:"tracking_number,omitempty"`
	TrackingURL     string   `json:"tracking_url,omitempty"`
	Items           []string `json:"items,omitempty"`
}

// current is the last customer message and its index, or -1.
func (c Conversation) current() (Message, int) {
	for i := len(c.Messages) - 1; i >= 0; i-- {
		if c.Messages[i].Role == RoleCustomer {
			return c.Messages[i], i
		}
	}
	return Message{}, -1
}

// customerMessages are the customer's messages, oldest first.
func (c Conversation) customerMessages() []Message {
	var out []Message
	for _, m := range c.Messages {
		if m.Role == RoleCustomer {
			out = append(out, m)
		}
	}
	return out
}

// botReplies counts Deskmate's replies.
func (c Conversation) botReplies() int {
	n := 0
	for _, m := range c.Messages {
		if m.Role == RoleBot {
			n++
		}
	}
	return n
}

package gorgias

import (
	"encoding/json"
	"errors"
	"fmt"
)

// WebhookContext is what an HTTP integration with "form": "{{context}}"
// posts: the ticket (with its customer, messages oldest first, first and
// last message, and account domain) and, for ticket-message-created, the
// new message. No trigger name and no delivery id are included.
type WebhookContext struct {
	Ticket  Ticket   `json:"ticket"`
	Message *Message `json:"message,omitempty"`
}

// ParseWebhook reads an HTTP-integration body. It is tolerant: unknown
// fields are ignored, null stands for empty, datetimes may lack an offset,
// odd meta or integration data reads as nil, the older "requester" stands
// in for a missing "customer", and messages missing from the list are
// filled from first_message and last_message. It fails only on a body that
// is not JSON or holds no ticket id.
func ParseWebhook(body []byte) (WebhookContext, error) {
	var w WebhookContext
	if err := json.Unmarshal(body, &w); err != nil {
		return WebhookContext{}, fmt.Errorf("gorgias: webhook body: %w", err)
	}
	if w.Ticket.ID == 0 {
		return WebhookContext{}, errors.New("gorgias: webhook body: no ticket id")
	}
	t := &w.Ticket
	if t.Customer == nil {
		t.Customer = t.Requester
	}
	if len(t.Messages) == 0 {
		if t.FirstMessage != nil {
			t.Messages = append(t.Messages, *t.FirstMessage)
		}
		if t.LastMessage != nil && (t.FirstMessage == nil || t.LastMessage.ID != t.FirstMessage.ID) {
			t.Messages = append(t.Messages, *t.LastMessage)
		}
	}
	if w.Message != nil && w.Message.TicketID == 0 {
		w.Message.TicketID = t.ID
	}
	return w, nil
}

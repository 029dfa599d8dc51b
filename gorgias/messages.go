package gorgias

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// Message channels and via values Deskmate uses (both enums are open).
const (
	ChannelEmail        = "email"
	ChannelChat         = "chat"
	ChannelSMS          = "sms"
	ChannelAPI          = "api"
	ChannelInternalNote = "internal-note"

	ViaAPI      = "api"
	ViaHelpdesk = "helpdesk" // typed by an agent in the Gorgias app
	ViaRule     = "rule"
)

// Message is one message of a ticket: a customer message, a public reply or
// an internal note (Public false). SentDatetime is filled once Gorgias has
// delivered an outgoing message. Empty strings stand for null.
type Message struct {
	ID                int64           `json:"id"`
	URI               string          `json:"uri,omitempty"`
	TicketID          int64           `json:"ticket_id"`
	MessageID         string          `json:"message_id,omitempty"`
	ExternalID        string          `json:"external_id"`
	Public            bool            `json:"public"`
	Channel           string          `json:"channel"`
	Via               string          `json:"via"`
	FromAgent         bool            `json:"from_agent"`
	Sender            *Person         `json:"sender"`
	Receiver          *Person         `json:"receiver"`
	Source            *Source         `json:"source"`
	Subject           string          `json:"subject"`
	BodyText          string          `json:"body_text"`
	BodyHTML          string          `json:"body_html"`
	StrippedText      string          `json:"stripped_text"`
	StrippedHTML      string          `json:"stripped_html,omitempty"`
	StrippedSignature string          `json:"stripped_signature,omitempty"`
	Text              string          `json:"text,omitempty"`
	Attachments       []Attachment    `json:"attachments"`
	IntegrationID     int64           `json:"integration_id,omitempty"`
	RuleID            int64           `json:"rule_id,omitempty"`
	Headers           json.RawMessage `json:"headers,omitempty"`
	Actions           json.RawMessage `json:"actions,omitempty"`
	Intents           json.RawMessage `json:"intents,omitempty"`
	Sentiments        json.RawMessage `json:"sentiments,omitempty"`
	LastSendingError  json.RawMessage `json:"last_sending_error,omitempty"`
	Meta              Object          `json:"meta"`
	Imported          bool            `json:"imported,omitempty"`

	CreatedDatetime   Time `json:"created_datetime"`
	SentDatetime      Time `json:"sent_datetime"`
	FailedDatetime    Time `json:"failed_datetime"`
	OpenedDatetime    Time `json:"opened_datetime,omitzero"`
	DeletedDatetime   Time `json:"deleted_datetime,omitzero"`
	ProcessedDatetime Time `json:"processed_datetime,omitzero"`
}

// Source holds a message's addresses: e-mail addresses, phone numbers or
// social ids, depending on the channel.
type Source struct {
	Type  string         `json:"type"`
	From  *Address       `json:"from,omitempty"`
	To    []Address      `json:"to,omitempty"`
	Cc    []Address      `json:"cc,omitempty"`
	Bcc   []Address      `json:"bcc,omitempty"`
	Extra map[string]any `json:"extra,omitempty"`
}

// Address is one named address of a Source.
type Address struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

// Attachment is a file attached to a message.
type Attachment struct {
	URL         string `json:"url"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	Public      bool   `json:"public"`
}

// MessageInput creates a message. Leave SentDatetime zero for Gorgias to
// send it through the channel; set it to import a message already sent.
// An internal note is Channel "internal-note", FromAgent true and Sender the
// user it is attributed to.
type MessageInput struct {
	Channel         string       `json:"channel"`
	Via             string       `json:"via,omitempty"` // default "api"
	FromAgent       bool         `json:"from_agent"`
	Sender          *Ref         `json:"sender,omitempty"`
	Receiver        *Ref         `json:"receiver,omitempty"`
	Source          *Source      `json:"source,omitempty"`
	Subject         string       `json:"subject,omitempty"`
	BodyText        string       `json:"body_text,omitempty"`
	BodyHTML        string       `json:"body_html,omitempty"`
	ExternalID      string       `json:"external_id,omitempty"`
	Meta            Object       `json:"meta,omitempty"`
	IntegrationID   int64        `json:"integration_id,omitempty"`
	MentionIDs      []int64      `json:"mention_ids,omitempty"`
	Attachments     []Attachment `json:"attachments,omitempty"`
	SentDatetime    Time         `json:"sent_datetime,omitzero"`
	CreatedDatetime Time         `json:"created_datetime,omitzero"`
}

func messagesPath(ticketID int64) string { return ticketPath(ticketID) + "/messages" }

// Messages returns every message of a ticket, oldest first
// (GET /api/messages?ticket_id=…, all pages).
func (c *Client) Messages(ctx context.Context, ticketID int64) ([]Message, error) {
	q := url.Values{"ticket_id": {strconv.FormatInt(ticketID, 10)}, "order_by": {"created_datetime:asc"}}
	return collect[Message](ctx, c, "/api/messages", q)
}

// CreateMessage adds a message to a ticket (POST → 201). Via defaults to
// "api". Gorgias has no idempotency key: with an ExternalID, a POST whose
// answer was lost (5xx, timeout) is followed by a lookup of that
// external_id, and sent again only when the message is not there; without
// one it is not retried after such a failure.
func (c *Client) CreateMessage(ctx context.Context, ticketID int64, in MessageInput) (Message, error) {
	if in.Via == "" {
		in.Via = ViaAPI
	}
	var m Message
	var recover recoverFunc
	if in.ExternalID != "" {
		recover = func(ctx context.Context) (bool, error) {
			found, ok, err := c.FindMessageByExternalID(ctx, ticketID, in.ExternalID)
			if ok {
				m = found
			}
			return ok, err
		}
	}
	err := c.do(ctx, Request{Method: http.MethodPost, Path: messagesPath(ticketID), Body: in}, &m, recover)
	return m, err
}

// FindMessageByExternalID looks through a ticket's messages for one with
// that external_id.
func (c *Client) FindMessageByExternalID(ctx context.Context, ticketID int64, externalID string) (Message, bool, error) {
	q := url.Values{"ticket_id": {strconv.FormatInt(ticketID, 10)}, "order_by": {"created_datetime:desc"}}
	for m, err := range each[Message](ctx, c, "/api/messages", q) {
		if err != nil {
			return Message{}, false, err
		}
		if m.ExternalID == externalID {
			return m, true, nil
		}
	}
	return Message{}, false, nil
}

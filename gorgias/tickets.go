package gorgias

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// Ticket statuses.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Ticket is a conversation with a customer. A single-ticket GET includes
// Messages; lists carry Excerpt and MessagesCount instead. Account,
// Requester, FirstMessage and LastMessage appear only in the context an
// HTTP integration receives. Empty strings stand for null.
type Ticket struct {
	ID                 int64                  `json:"id"`
	URI                string                 `json:"uri"`
	ExternalID         string                 `json:"external_id"`
	Status             string                 `json:"status"`
	Priority           string                 `json:"priority"`
	Channel            string                 `json:"channel"`
	Via                string                 `json:"via"`
	FromAgent          bool                   `json:"from_agent"`
	Spam               bool                   `json:"spam"`
	IsUnread           bool                   `json:"is_unread"`
	Language           string                 `json:"language"`
	Subject            string                 `json:"subject"`
	Excerpt            string                 `json:"excerpt,omitempty"`
	Account            *TicketAccount         `json:"account,omitempty"`
	Customer           *Customer              `json:"customer"`
	Requester          *Customer              `json:"requester,omitempty"`
	AssigneeUser       *User                  `json:"assignee_user"`
	AssigneeUserID     *int64                 `json:"assignee_user_id"`
	AssigneeTeam       *Team                  `json:"assignee_team"`
	AssigneeTeamID     *int64                 `json:"assignee_team_id"`
	Tags               []Tag                  `json:"tags"`
	CustomFields       json.RawMessage        `json:"custom_fields,omitempty"`
	Meta               Object                 `json:"meta"`
	Summary            json.RawMessage        `json:"summary,omitempty"`
	ReplyOptions       map[string]ReplyOption `json:"reply_options,omitempty"`
	SatisfactionSurvey json.RawMessage        `json:"satisfaction_survey"`
	Messages           []Message              `json:"messages,omitempty"`
	MessagesCount      int                    `json:"messages_count,omitempty"`
	FirstMessage       *Message               `json:"first_message,omitempty"`
	LastMessage        *Message               `json:"last_message,omitempty"`

	CreatedDatetime             Time `json:"created_datetime"`
	UpdatedDatetime             Time `json:"updated_datetime"`
	OpenedDatetime              Time `json:"opened_datetime"`
	LastMessageDatetime         Time `json:"last_message_datetime"`
	LastReceivedMessageDatetime Time `json:"last_received_message_datetime"`
	ClosedDatetime              Time `json:"closed_datetime"`
	SnoozeDatetime              Time `json:"snooze_datetime"`
	TrashedDatetime             Time `json:"trashed_datetime"`
}

// TicketAccount is the context's {"domain": "acme"}.
type TicketAccount struct {
	Domain string `json:"domain"`
}

// ReplyOption says whether a channel can be used to answer the ticket.
type ReplyOption struct {
	Answerable bool `json:"answerable"`
}

// HasTag reports whether the ticket carries the tag (names are
// case-sensitive).
func (t Ticket) HasTag(name string) bool {
	for _, tag := range t.Tags {
		if tag.Name == name {
			return true
		}
	}
	return false
}

// TicketInput creates a ticket; Messages needs at least one message.
type TicketInput struct {
	Customer        *Ref           `json:"customer,omitempty"`
	Channel         string         `json:"channel"`
	Via             string         `json:"via,omitempty"`
	FromAgent       bool           `json:"from_agent"`
	Status          string         `json:"status,omitempty"`
	Subject         string         `json:"subject,omitempty"`
	ExternalID      string         `json:"external_id,omitempty"`
	Language        string         `json:"language,omitempty"`
	Tags            []Ref          `json:"tags,omitempty"`
	AssigneeUser    *Ref           `json:"assignee_user,omitempty"`
	AssigneeTeam    *Ref           `json:"assignee_team,omitempty"`
	Meta            Object         `json:"meta,omitempty"`
	Messages        []MessageInput `json:"messages"`
	CreatedDatetime Time           `json:"created_datetime,omitzero"`
}

// TicketUpdate is a partial update (PUT /api/tickets/{id}): only the fields
// that are set are sent. Null clears: AssigneeUser: Null[Ref]() unassigns,
// SnoozeDatetime: Null[Time]() unsnoozes. Tags replaces the ticket's tags.
type TicketUpdate struct {
	Status          Optional[string] `json:"status,omitzero"`
	Priority        Optional[string] `json:"priority,omitzero"`
	Subject         Optional[string] `json:"subject,omitzero"`
	Language        Optional[string] `json:"language,omitzero"`
	ExternalID      Optional[string] `json:"external_id,omitzero"`
	Spam            Optional[bool]   `json:"spam,omitzero"`
	IsUnread        Optional[bool]   `json:"is_unread,omitzero"`
	AssigneeUser    Optional[Ref]    `json:"assignee_user,omitzero"`
	AssigneeTeam    Optional[Ref]    `json:"assignee_team,omitzero"`
	SnoozeDatetime  Optional[Time]   `json:"snooze_datetime,omitzero"`
	TrashedDatetime Optional[Time]   `json:"trashed_datetime,omitzero"`
	Meta            Optional[Object] `json:"meta,omitzero"`
	Tags            Optional[[]Ref]  `json:"tags,omitzero"`
}

// TicketListOptions select a page of tickets.
type TicketListOptions struct {
	ListOptions
	CustomerID int64
	ExternalID string
	ViewID     int64
}

func (o TicketListOptions) values() url.Values {
	q := o.ListOptions.values()
	if o.CustomerID != 0 {
		q.Set("customer_id", strconv.FormatInt(o.CustomerID, 10))
	}
	if o.ExternalID != "" {
		q.Set("external_id", o.ExternalID)
	}
	if o.ViewID != 0 {
		q.Set("view_id", strconv.FormatInt(o.ViewID, 10))
	}
	return q
}

func ticketPath(id int64) string { return "/api/tickets/" + strconv.FormatInt(id, 10) }

// Ticket returns one ticket with its messages.
func (c *Client) Ticket(ctx context.Context, id int64) (Ticket, error) {
	var t Ticket
	err := c.Do(ctx, Request{Method: http.MethodGet, Path: ticketPath(id)}, &t)
	return t, err
}

// Tickets returns one page of tickets.
func (c *Client) Tickets(ctx context.Context, opts TicketListOptions) (Page[Ticket], error) {
	return getPage[Ticket](ctx, c, "/api/tickets", opts.values())
}

// EachTicket yields every ticket from opts' cursor on, reading pages of 100
// unless opts.Limit says otherwise.
func (c *Client) EachTicket(ctx context.Context, opts TicketListOptions) iter.Seq2[Ticket, error] {
	return each[Ticket](ctx, c, "/api/tickets", opts.values())
}

// AllTickets returns every ticket from opts' cursor on.
func (c *Client) AllTickets(ctx context.Context, opts TicketListOptions) ([]Ticket, error) {
	return collect[Ticket](ctx, c, "/api/tickets", opts.values())
}

// CreateTicket creates a ticket (POST /api/tickets → 201). With an
// ExternalID the POST is retried after an ambiguous failure once a lookup
// by external_id has found no ticket; without one it is not.
func (c *Client) CreateTicket(ctx context.Context, in TicketInput) (Ticket, error) {
	for i := range in.Messages {
		if in.Messages[i].Via == "" {
			in.Messages[i].Via = "api"
		}
	}
	var t Ticket
	var recover recoverFunc
	if in.ExternalID != "" {
		recover = func(ctx context.Context) (bool, error) {
			page, err := c.Tickets(ctx, TicketListOptions{ExternalID: in.ExternalID})
			if err != nil || len(page.Data) == 0 {
				return false, err
			}
			t, err = c.Ticket(ctx, page.Data[0].ID)
			return err == nil, err
		}
	}
	err := c.do(ctx, Request{Method: http.MethodPost, Path: "/api/tickets", Body: in}, &t, recover)
	return t, err
}

// UpdateTicket changes the fields set in u and returns the ticket.
func (c *Client) UpdateTicket(ctx context.Context, id int64, u TicketUpdate) (Ticket, error) {
	var t Ticket
	err := c.Do(ctx, Request{Method: http.MethodPut, Path: ticketPath(id), Body: u}, &t)
	return t, err
}

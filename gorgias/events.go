package gorgias

import (
	"context"
	"encoding/json"
	"strconv"
)

// Event is an entry of the account's audit log (ticket-created,
// action-executed, …; the set of types is open).
type Event struct {
	ID              int64           `json:"id"`
	URI             string          `json:"uri,omitempty"`
	Type            string          `json:"type"`
	ObjectType      string          `json:"object_type"`
	ObjectID        int64           `json:"object_id"`
	UserID          int64           `json:"user_id,omitempty"`
	Context         string          `json:"context,omitempty"`
	Data            json.RawMessage `json:"data"`
	CreatedDatetime Time            `json:"created_datetime"`
}

// EventListOptions select a page of events.
type EventListOptions struct {
	ListOptions
	Types      []string
	ObjectType string // "Ticket", …
	ObjectID   int64
}

// Events returns one page of events.
func (c *Client) Events(ctx context.Context, opts EventListOptions) (Page[Event], error) {
	q := opts.values()
	for _, t := range opts.Types {
		q.Add("types", t)
	}
	if opts.ObjectType != "" {
		q.Set("object_type", opts.ObjectType)
	}
	if opts.ObjectID != 0 {
		q.Set("object_id", strconv.FormatInt(opts.ObjectID, 10))
	}
	return getPage[Event](ctx, c, "/api/events", q)
}

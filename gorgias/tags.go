package gorgias

import (
	"context"
	"net/http"
	"strconv"
)

// Tag is a ticket label. Names are case-sensitive and unique.
type Tag struct {
	ID              int64  `json:"id"`
	URI             string `json:"uri,omitempty"`
	Name            string `json:"name"`
	Description     string `json:"description,omitempty"`
	Decoration      Object `json:"decoration"`
	Usage           int    `json:"usage,omitempty"`
	CreatedDatetime Time   `json:"created_datetime,omitzero"`
	DeletedDatetime Time   `json:"deleted_datetime,omitzero"`
}

// TagInput creates a tag. Decoration holds {"color": "#RRGGBB"}.
type TagInput struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Decoration  Object `json:"decoration,omitempty"`
}

// TicketTags is the body of the ticket-tag endpoints: tags by id and/or
// name.
type TicketTags struct {
	IDs   []int64  `json:"ids,omitempty"`
	Names []string `json:"names,omitempty"`
}

// Tags returns every tag (GET /api/tags, all pages).
func (c *Client) Tags(ctx context.Context) ([]Tag, error) {
	return collect[Tag](ctx, c, "/api/tags", nil)
}

// CreateTag creates a tag (→ 201); a name already taken is ErrConflict or a
// validation error, depending on Gorgias.
func (c *Client) CreateTag(ctx context.Context, in TagInput) (Tag, error) {
	var t Tag
	err := c.Do(ctx, Request{Method: http.MethodPost, Path: "/api/tags", Body: in}, &t)
	return t, err
}

// DeleteTag deletes a tag (→ 204).
func (c *Client) DeleteTag(ctx context.Context, id int64) error {
	return c.Do(ctx, Request{Method: http.MethodDelete, Path: "/api/tags/" + strconv.FormatInt(id, 10)}, nil)
}

func ticketTagsPath(ticketID int64) string { return ticketPath(ticketID) + "/tags" }

// TicketTags returns a ticket's tags.
func (c *Client) TicketTags(ctx context.Context, ticketID int64) ([]Tag, error) {
	return collect[Tag](ctx, c, ticketTagsPath(ticketID), nil)
}

// AddTicketTags adds tags by name to a ticket (POST → 201); Gorgias creates
// names it does not know. Adding to a set is harmless twice, so the POST is
// retried like a PUT.
func (c *Client) AddTicketTags(ctx context.Context, ticketID int64, names ...string) error {
	return c.Do(ctx, Request{Method: http.MethodPost, Path: ticketTagsPath(ticketID), Body: TicketTags{Names: names}, RetrySafe: true}, nil)
}

// RemoveTicketTags removes tags by name from a ticket (DELETE with a body →
// 204).
func (c *Client) RemoveTicketTags(ctx context.Context, ticketID int64, names ...string) error {
	return c.Do(ctx, Request{Method: http.MethodDelete, Path: ticketTagsPath(ticketID), Body: TicketTags{Names: names}}, nil)
}

// SetTicketTags replaces a ticket's tags (PUT → 202).
func (c *Client) SetTicketTags(ctx context.Context, ticketID int64, names ...string) error {
	if names == nil {
		names = []string{}
	}
	return c.Do(ctx, Request{Method: http.MethodPut, Path: ticketTagsPath(ticketID), Body: setTags{Names: names}}, nil)
}

// setTags always sends "names", so an empty list clears the tags.
type setTags struct {
	Names []string `json:"names"`
}

package gorgias

import (
	"context"
	"net/http"
	"strconv"
	"strings"
)

// View is a saved ticket list. Filters is Gorgias' JavaScript-like filter
// text, e.g. "containsAny(ticket.tags.name, ['ai-drafted'])".
type View struct {
	ID                  int64    `json:"id,omitempty"`
	URI                 string   `json:"uri,omitempty"`
	Slug                string   `json:"slug"`
	Name                string   `json:"name"`
	Category            string   `json:"category,omitempty"`
	Type                string   `json:"type"`
	Visibility          string   `json:"visibility,omitempty"`
	Filters             string   `json:"filters"`
	Search              string   `json:"search,omitempty"`
	OrderBy             string   `json:"order_by,omitempty"`
	OrderDir            string   `json:"order_dir,omitempty"`
	Fields              []string `json:"fields,omitempty"`
	SharedWithUsers     []int64  `json:"shared_with_users,omitempty"`
	SharedWithTeams     []int64  `json:"shared_with_teams,omitempty"`
	Decoration          Object   `json:"decoration,omitempty"`
	CreatedDatetime     Time     `json:"created_datetime,omitzero"`
	DeactivatedDatetime Time     `json:"deactivated_datetime,omitzero"`
}

func viewPath(id int64) string { return "/api/views/" + strconv.FormatInt(id, 10) }

// Views returns every view.
func (c *Client) Views(ctx context.Context) ([]View, error) {
	return collect[View](ctx, c, "/api/views", nil)
}

// CreateView creates a view (→ 201). Type defaults to "ticket-list" and Slug
// (deprecated, still required) to one made from Name.
func (c *Client) CreateView(ctx context.Context, in View) (View, error) {
	if in.Type == "" {
		in.Type = "ticket-list"
	}
	if in.Slug == "" {
		in.Slug = slug(in.Name)
	}
	var v View
	err := c.Do(ctx, Request{Method: http.MethodPost, Path: "/api/views", Body: in}, &v)
	return v, err
}

// DeleteView deletes a view (→ 204).
func (c *Client) DeleteView(ctx context.Context, id int64) error {
	return c.Do(ctx, Request{Method: http.MethodDelete, Path: viewPath(id)}, nil)
}

func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

package gorgias

import "context"

// Team is a group of users tickets can be assigned to.
type Team struct {
	ID              int64    `json:"id"`
	URI             string   `json:"uri,omitempty"`
	Name            string   `json:"name"`
	Description     string   `json:"description,omitempty"`
	Decoration      Object   `json:"decoration"`
	Members         []Person `json:"members,omitempty"`
	CreatedDatetime Time     `json:"created_datetime,omitzero"`
}

// Teams returns every team (GET /api/teams, all pages).
func (c *Client) Teams(ctx context.Context) ([]Team, error) {
	return collect[Team](ctx, c, "/api/teams", nil)
}

package gorgias

import (
	"context"
	"net/http"
	"strconv"
)

// User roles. Only the human roles can be created through the API.
const (
	RoleAdmin         = "admin"
	RoleAgent         = "agent"
	RoleBasicAgent    = "basic-agent"
	RoleLiteAgent     = "lite-agent"
	RoleObserverAgent = "observer-agent"
	RoleBot           = "bot"
)

// User is a helpdesk user (agent, admin or bot); customers are separate.
type User struct {
	ID                  int64     `json:"id"`
	URI                 string    `json:"uri,omitempty"`
	Active              bool      `json:"active"`
	Email               string    `json:"email"`
	Name                string    `json:"name"`
	Firstname           string    `json:"firstname"`
	Lastname            string    `json:"lastname"`
	Bio                 string    `json:"bio"`
	Country             string    `json:"country,omitempty"`
	Language            string    `json:"language,omitempty"`
	Timezone            string    `json:"timezone,omitempty"`
	ExternalID          string    `json:"external_id,omitempty"`
	Role                *UserRole `json:"role,omitempty"`
	Meta                Object    `json:"meta"`
	CreatedDatetime     Time      `json:"created_datetime,omitzero"`
	UpdatedDatetime     Time      `json:"updated_datetime,omitzero"`
	DeactivatedDatetime Time      `json:"deactivated_datetime,omitzero"`
}

// UserRole is {"name": "agent"}.
type UserRole struct {
	Name string `json:"name"`
}

// UserInput creates a user.
type UserInput struct {
	Email     string   `json:"email"`
	Name      string   `json:"name,omitempty"`
	Firstname string   `json:"firstname,omitempty"`
	Lastname  string   `json:"lastname,omitempty"`
	Role      UserRole `json:"role"`
}

// Users returns every user (GET /api/users, all pages).
func (c *Client) Users(ctx context.Context) ([]User, error) {
	return collect[User](ctx, c, "/api/users", nil)
}

// User returns one user.
func (c *Client) User(ctx context.Context, id int64) (User, error) {
	var u User
	err := c.Do(ctx, Request{Method: http.MethodGet, Path: "/api/users/" + strconv.FormatInt(id, 10)}, &u)
	return u, err
}

// CreateUser creates a user (POST /api/users → 201).
func (c *Client) CreateUser(ctx context.Context, in UserInput) (User, error) {
	var u User
	err := c.Do(ctx, Request{Method: http.MethodPost, Path: "/api/users", Body: in}, &u)
	return u, err
}

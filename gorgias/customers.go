package gorgias

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// Customer is a person who writes to the helpdesk.
type Customer struct {
	ID           int64             `json:"id"`
	URI          string            `json:"uri,omitempty"`
	Email        string            `json:"email"`
	Name         string            `json:"name"`
	Firstname    string            `json:"firstname"`
	Lastname     string            `json:"lastname"`
	ExternalID   string            `json:"external_id,omitempty"`
	Language     string            `json:"language,omitempty"`
	Timezone     string            `json:"timezone,omitempty"`
	Channels     []CustomerChannel `json:"channels"`
	Note         string            `json:"note"`
	Data         json.RawMessage   `json:"data"`
	Meta         Object            `json:"meta"`
	Integrations IntegrationData   `json:"integrations"`
	// Timestamps are absent from the compact customer inside a ticket.
	CreatedDatetime Time `json:"created_datetime,omitzero"`
	UpdatedDatetime Time `json:"updated_datetime,omitzero"`
}

// CustomerChannel is one of a customer's addresses (e-mail, phone, social
// id).
type CustomerChannel struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Address   string `json:"address"`
	Preferred bool   `json:"preferred"`
}

// Customer returns one customer, with its integration data.
func (c *Client) Customer(ctx context.Context, id int64) (Customer, error) {
	var cu Customer
	err := c.Do(ctx, Request{Method: http.MethodGet, Path: "/api/customers/" + strconv.FormatInt(id, 10)}, &cu)
	return cu, err
}

// CustomersByEmail returns the customers with that e-mail address.
func (c *Client) CustomersByEmail(ctx context.Context, email string) ([]Customer, error) {
	return collect[Customer](ctx, c, "/api/customers", url.Values{"email": {email}})
}

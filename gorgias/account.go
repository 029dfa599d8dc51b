package gorgias

import (
	"context"
	"encoding/json"
	"net/http"
)

// Account is the Gorgias account (helpdesk) the client talks to; Domain is
// its subdomain, "acme" for acme.gorgias.com.
type Account struct {
	Domain              string          `json:"domain"`
	Status              *AccountStatus  `json:"status,omitempty"`
	Settings            json.RawMessage `json:"settings,omitempty"`
	CreatedDatetime     Time            `json:"created_datetime"`
	DeactivatedDatetime Time            `json:"deactivated_datetime"`
}

// AccountStatus is {"status": "active"}.
type AccountStatus struct {
	Status string `json:"status"`
}

// Account returns the account (GET /api/account).
func (c *Client) Account(ctx context.Context) (Account, error) {
	var a Account
	err := c.Do(ctx, Request{Method: http.MethodGet, Path: "/api/account"}, &a)
	return a, err
}

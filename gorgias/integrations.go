package gorgias

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Integration types Deskmate deals with.
const (
	IntegrationHTTP    = "http"
	IntegrationEmail   = "email"
	IntegrationShopify = "shopify"
)

// HTTP-integration triggers (Gorgias sends the hyphenated keys; old
// documents show underscores).
const (
	TriggerTicketCreated        = "ticket-created"
	TriggerTicketUpdated        = "ticket-updated"
	TriggerTicketMessageCreated = "ticket-message-created"
)

// FormContext is the form template that posts the whole context,
// {"ticket": …, "message": …}.
const FormContext = "{{context}}"

// Integration connects the account to something else. HTTP integrations are
// Gorgias' webhooks; e-mail integrations are the addresses replies go out
// from (Meta["address"]). Its zero fields are left out of a create body.
type Integration struct {
	ID                  int64            `json:"id,omitempty"`
	URI                 string           `json:"uri,omitempty"`
	Type                string           `json:"type"`
	Name                string           `json:"name"`
	Description         string           `json:"description,omitempty"`
	ApplicationID       json.RawMessage  `json:"application_id,omitempty"`
	Managed             bool             `json:"managed,omitempty"`
	Meta                Object           `json:"meta,omitempty"`
	HTTP                *HTTPIntegration `json:"http,omitempty"`
	CreatedDatetime     Time             `json:"created_datetime,omitzero"`
	UpdatedDatetime     Time             `json:"updated_datetime,omitzero"`
	DeactivatedDatetime Time             `json:"deactivated_datetime,omitzero"`
}

// Active reports whether the integration is not deactivated.
func (i Integration) Active() bool { return i.DeactivatedDatetime.IsZero() }

// HTTPIntegration is what Gorgias calls when a trigger fires: URL, Headers
// and Form are templates ({{ticket.id}}, {{context}}); Form is a template
// string or an object of key → template.
type HTTPIntegration struct {
	ID                  int64             `json:"id,omitempty"`
	URL                 string            `json:"url"`
	Method              string            `json:"method"`
	Headers             map[string]string `json:"headers"`
	RequestContentType  string            `json:"request_content_type"`
	ResponseContentType string            `json:"response_content_type,omitempty"`
	Form                any               `json:"form"`
	Triggers            map[string]bool   `json:"triggers"`
}

// Triggered reports whether the trigger is on, under its hyphenated or
// underscored key.
func (h HTTPIntegration) Triggered(trigger string) bool {
	return h.Triggers[strings.ReplaceAll(trigger, "_", "-")] || h.Triggers[strings.ReplaceAll(trigger, "-", "_")]
}

// IntegrationUpdate is a partial update. HTTP replaces the whole "http"
// object; DeactivatedDatetime deactivates, Null[Time]() reactivates.
type IntegrationUpdate struct {
	Name                Optional[string]          `json:"name,omitzero"`
	Description         Optional[string]          `json:"description,omitzero"`
	HTTP                Optional[HTTPIntegration] `json:"http,omitzero"`
	DeactivatedDatetime Optional[Time]            `json:"deactivated_datetime,omitzero"`
}

func integrationPath(id int64) string { return "/api/integrations/" + strconv.FormatInt(id, 10) }

// Integrations returns every integration of a type ("" for all).
func (c *Client) Integrations(ctx context.Context, typ string) ([]Integration, error) {
	q := url.Values{}
	if typ != "" {
		q.Set("type", typ)
	}
	return collect[Integration](ctx, c, "/api/integrations", q)
}

// Integration returns one integration.
func (c *Client) Integration(ctx context.Context, id int64) (Integration, error) {
	var i Integration
	err := c.Do(ctx, Request{Method: http.MethodGet, Path: integrationPath(id)}, &i)
	return i, err
}

// CreateIntegration creates an integration (→ 201).
func (c *Client) CreateIntegration(ctx context.Context, in Integration) (Integration, error) {
	var i Integration
	err := c.Do(ctx, Request{Method: http.MethodPost, Path: "/api/integrations", Body: in}, &i)
	return i, err
}

// UpdateIntegration changes the fields set in u.
func (c *Client) UpdateIntegration(ctx context.Context, id int64, u IntegrationUpdate) (Integration, error) {
	var i Integration
	err := c.Do(ctx, Request{Method: http.MethodPut, Path: integrationPath(id), Body: u}, &i)
	return i, err
}

// DeleteIntegration deletes an integration (→ 204).
func (c *Client) DeleteIntegration(ctx context.Context, id int64) error {
	return c.Do(ctx, Request{Method: http.MethodDelete, Path: integrationPath(id)}, nil)
}

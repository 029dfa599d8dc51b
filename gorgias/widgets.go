package gorgias

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
)

// Widget contexts and template node types.
const (
	WidgetContextTicket   = "ticket"
	WidgetContextCustomer = "customer"

	NodeWrapper = "wrapper"
	NodeCard    = "card"
	NodeList    = "list"
	NodeText    = "text"
)

// Widget tells the Gorgias sidebar how to show an integration's data (for
// an HTTP integration: the JSON it answered with). Its zero fields are left
// out of a create body.
type Widget struct {
	ID                  int64           `json:"id,omitempty"`
	URI                 string          `json:"uri,omitempty"`
	Type                string          `json:"type"`
	Context             string          `json:"context"`
	IntegrationID       int64           `json:"integration_id,omitempty"`
	AppID               json.RawMessage `json:"app_id,omitempty"`
	Order               int             `json:"order"`
	Template            WidgetNode      `json:"template"`
	CreatedDatetime     Time            `json:"created_datetime,omitzero"`
	UpdatedDatetime     Time            `json:"updated_datetime,omitzero"`
	DeactivatedDatetime Time            `json:"deactivated_datetime,omitzero"`
}

// WidgetNode is one node of a widget template: the "wrapper" root, a
// "card", a "list" or a "text" leaf. Path is a dotted path into the
// integration data (empty for the root object).
type WidgetNode struct {
	Type    string       `json:"type"`
	Path    string       `json:"path,omitempty"`
	Title   string       `json:"title,omitempty"`
	Meta    *WidgetMeta  `json:"meta,omitempty"`
	Widgets []WidgetNode `json:"widgets,omitempty"`
}

// WidgetMeta holds a card's custom links and buttons. Other keys the
// Gorgias editor may add are not kept.
type WidgetMeta struct {
	Custom *CustomActions `json:"custom,omitempty"`
}

// CustomActions are a card's links (opened in a new tab) and buttons (an
// HTTP request Gorgias makes from its servers).
type CustomActions struct {
	Links   []CustomLink   `json:"links"`
	Buttons []CustomButton `json:"buttons"`
}

// CustomLink is a card link; URL may hold templates.
type CustomLink struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// CustomButton is a card button and the request it makes.
type CustomButton struct {
	Label  string       `json:"label"`
	Action ButtonAction `json:"action"`
}

// ButtonAction is a button's request. Every value may hold templates
// ({{ticket.id}}, {{current_user.email}}); editable parameters are asked of
// the agent when the button is clicked.
type ButtonAction struct {
	Method  string        `json:"method"`
	URL     string        `json:"url"`
	Headers []ActionParam `json:"headers"`
	Params  []ActionParam `json:"params"`
	Body    ActionBody    `json:"body"`
}

// ActionBody is a button's body: a JSON object or form fields, picked by
// ContentType. Gorgias keeps both members.
type ActionBody struct {
	ContentType string         `json:"contentType"`
	JSON        map[string]any `json:"application/json"`
	Form        []ActionParam  `json:"application/x-www-form-urlencoded"`
}

// Button content types.
const (
	ContentTypeJSON = "application/json"
	ContentTypeForm = "application/x-www-form-urlencoded"
)

// ActionParam is a header, query parameter or form field of a button. Type
// "text" or "dropdown" (choices in Options) with Editable asks the agent
// for the value.
type ActionParam struct {
	Key       string   `json:"key"`
	Value     string   `json:"value"`
	Label     string   `json:"label,omitempty"`
	Type      string   `json:"type,omitempty"`
	Editable  bool     `json:"editable,omitempty"`
	Mandatory bool     `json:"mandatory,omitempty"`
	Options   []string `json:"options,omitempty"`
}

// Parameter types.
const (
	ParamText     = "text"
	ParamDropdown = "dropdown"
)

// UnmarshalJSON also reads dropdown choices under "values" (the key name is
// not settled).
func (p *ActionParam) UnmarshalJSON(b []byte) error {
	type plain ActionParam
	var v struct {
		plain
		Values []string `json:"values"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = ActionParam(v.plain)
	if len(p.Options) == 0 {
		p.Options = v.Values
	}
	return nil
}

// Button finds a button by label anywhere in the template.
func (n WidgetNode) Button(label string) (CustomButton, bool) {
	if n.Meta != nil && n.Meta.Custom != nil {
		for _, b := range n.Meta.Custom.Buttons {
			if b.Label == label {
				return b, true
			}
		}
	}
	for _, child := range n.Widgets {
		if b, ok := child.Button(label); ok {
			return b, true
		}
	}
	return CustomButton{}, false
}

func widgetPath(id int64) string { return "/api/widgets/" + strconv.FormatInt(id, 10) }

// Widgets returns every widget.
func (c *Client) Widgets(ctx context.Context) ([]Widget, error) {
	return collect[Widget](ctx, c, "/api/widgets", nil)
}

// CreateWidget creates a widget (→ 201).
func (c *Client) CreateWidget(ctx context.Context, in Widget) (Widget, error) {
	var w Widget
	err := c.Do(ctx, Request{Method: http.MethodPost, Path: "/api/widgets", Body: in}, &w)
	return w, err
}

// UpdateWidget writes a widget's type, context, integration, order and
// template.
func (c *Client) UpdateWidget(ctx context.Context, id int64, in Widget) (Widget, error) {
	in.ID, in.URI = 0, ""
	in.CreatedDatetime, in.UpdatedDatetime = Time{}, Time{}
	var w Widget
	err := c.Do(ctx, Request{Method: http.MethodPut, Path: widgetPath(id), Body: in}, &w)
	return w, err
}

// DeleteWidget deletes a widget (→ 204).
func (c *Client) DeleteWidget(ctx context.Context, id int64) error {
	return c.Do(ctx, Request{Method: http.MethodDelete, Path: widgetPath(id)}, nil)
}

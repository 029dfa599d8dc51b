package gorgiastest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/deskmate/deskmate/gorgias"
)

// ActionRequest is the body of POST /{account}/api/actions/execute/, what
// the Gorgias app sends when an agent clicks a widget button: the request
// to make, its templates already filled in.
type ActionRequest struct {
	ActionName    string        `json:"action_name"` // "customHttpAction"
	ActionLabel   string        `json:"action_label"`
	TicketID      int64         `json:"ticket_id"`
	UserID        int64         `json:"user_id"` // the ticket's customer
	IntegrationID int64         `json:"integration_id"`
	Payload       ActionPayload `json:"payload"`
}

// ActionPayload is the request a button makes.
type ActionPayload struct {
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	Headers     map[string]string `json:"headers"`
	Params      map[string]string `json:"params"`
	Form        map[string]string `json:"form,omitempty"`
	JSON        any               `json:"json,omitempty"`
	ContentType string            `json:"content_type"`
}

// ActionResult is how a button's request went.
type ActionResult struct {
	Status     string `json:"status"` // success or error
	StatusCode int    `json:"status_code"`
	Body       string `json:"body"`
	Error      string `json:"error,omitempty"`
}

// executeAction makes a button's request from the emulator and logs an
// action-executed event. It answers 200 with the ActionResult.
func (e *Emulator) executeAction(w http.ResponseWriter, r *http.Request) {
	c := r.Context().Value(callKey{}).(*call)
	var in ActionRequest
	if !c.decode(&in) {
		return
	}
	res, err := e.execute(r.Context(), c.domain, c.userID, in)
	if err != nil {
		c.failErr(err)
		return
	}
	c.json(http.StatusOK, res)
}

// execute performs an action request as user and logs it on the ticket.
func (e *Emulator) execute(ctx context.Context, domain string, userID int64, in ActionRequest) (ActionResult, *apiError) {
	p := in.Payload
	if u, err := url.Parse(p.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ActionResult{}, invalid("payload.url", "Not a valid URL.")
	}
	e.mu.Lock()
	a := e.accounts[domain]
	_, known := a.tickets[in.TicketID]
	e.mu.Unlock()
	if !known {
		return ActionResult{}, invalid("ticket_id", "Unknown ticket.")
	}
	q := url.Values{}
	for k, v := range p.Params {
		q.Set(k, v)
	}
	var body []byte
	contentType := cmp.Or(p.ContentType, gorgias.ContentTypeJSON)
	switch {
	case contentType == gorgias.ContentTypeForm:
		f := url.Values{}
		for k, v := range p.Form {
			f.Set(k, v)
		}
		body = []byte(f.Encode())
	case p.JSON != nil:
		body = mustJSON(p.JSON)
	}
	method := strings.ToUpper(cmp.Or(p.Method, http.MethodPost))
	if method == http.MethodGet || method == http.MethodHead {
		body = nil
	}
	res := e.callOut(ctx, method, withQuery(p.URL, q), p.Headers, contentType, body)

	e.mu.Lock()
	if a := e.accounts[domain]; a != nil {
		a.event("action-executed", "Ticket", in.TicketID, userID, map[string]any{
			"action_name": in.ActionName, "action_label": in.ActionLabel, "integration_id": in.IntegrationID,
			"payload":  p,
			"response": map[string]any{"status_code": res.StatusCode, "body": res.Body},
			"status":   res.Status,
		})
	}
	e.mu.Unlock()
	return res, nil
}

// callOut makes a button's request within the delivery timeout.
func (e *Emulator) callOut(ctx context.Context, method, target string, headers map[string]string, contentType string, body []byte) ActionResult {
	ctx, cancel := context.WithTimeout(ctx, e.opts.Delivery.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return ActionResult{Status: "error", Error: err.Error()}
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "Gorgias-Emulator")
	resp, err := e.hc.Do(req)
	if err != nil {
		return ActionResult{Status: "error", Error: err.Error()}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	res := ActionResult{Status: "success", StatusCode: resp.StatusCode, Body: string(data)}
	if resp.StatusCode >= 300 {
		res.Status = "error"
	}
	return res
}

// ButtonClick is an agent clicking a widget button on a ticket.
type ButtonClick struct {
	Account  string `json:"-"`
	TicketID int64  `json:"ticket_id"`
	WidgetID int64  `json:"widget_id"` // 0 looks through every widget
	Label    string `json:"label"`     // the button's label
	UserID   int64  `json:"user_id"`   // the agent; 0 means the account's admin
	// Params holds values for the button's editable parameters, by key;
	// the others keep their configured values.
	Params map[string]string `json:"params"`
}

// ClickButton does what the Gorgias app does when an agent clicks a widget
// button: it fills the button's templates ({{ticket.*}}, {{customer.*}},
// {{current_user.*}} and the card's integration data; unknown variables stay
// as written), takes the agent's values for editable parameters (checking
// mandatory ones and dropdown choices), and executes the request through
// the actions endpoint's logic.
func (e *Emulator) ClickButton(ctx context.Context, click ButtonClick) (ActionResult, error) {
	req, userID, err := e.resolveClick(click)
	if err != nil {
		return ActionResult{}, err
	}
	res, aerr := e.execute(ctx, click.Account, userID, req)
	if aerr != nil {
		return ActionResult{}, fmt.Errorf("gorgiastest: %s", aerr.msg)
	}
	return res, nil
}

// resolveClick builds the action request of a click.
func (e *Emulator) resolveClick(click ButtonClick) (ActionRequest, int64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.accounts[click.Account]
	if a == nil {
		return ActionRequest{}, 0, fmt.Errorf("gorgiastest: no account %q", click.Account)
	}
	t := a.tickets[click.TicketID]
	if t == nil {
		return ActionRequest{}, 0, fmt.Errorf("%w %d", ErrNoTicket, click.TicketID)
	}
	user := a.users[cmp.Or(click.UserID, a.adminID)]
	if user == nil {
		return ActionRequest{}, 0, fmt.Errorf("gorgiastest: no user %d", click.UserID)
	}
	widget, button, ok := a.findButton(click.WidgetID, click.Label)
	if !ok {
		return ActionRequest{}, 0, fmt.Errorf("gorgiastest: no button %q", click.Label)
	}
	vars := map[string]any{}
	if w := widget; w.IntegrationID != 0 {
		if cu := a.customers[t.customerID]; cu != nil {
			for k, v := range gorgias.TemplateData(cu.Integrations[fmt.Sprint(w.IntegrationID)]) {
				vars[k] = v
			}
		}
	}
	vars["ticket"] = gorgias.TemplateData(a.contextOut(t))
	vars["customer"] = gorgias.TemplateData(a.customerOut(t.customerID))
	vars["current_user"] = gorgias.TemplateData(user)
	vars["user"] = vars["current_user"]

	act := button.Action
	used := map[string]bool{}
	headers, err := fillParams(act.Headers, vars, click.Params, used)
	if err != nil {
		return ActionRequest{}, 0, err
	}
	params, err := fillParams(act.Params, vars, click.Params, used)
	if err != nil {
		return ActionRequest{}, 0, err
	}
	p := ActionPayload{
		Method: cmp.Or(act.Method, http.MethodPost), URL: gorgias.RenderKnown(act.URL, vars),
		Headers: headers, Params: params, ContentType: cmp.Or(act.Body.ContentType, gorgias.ContentTypeJSON),
	}
	if p.ContentType == gorgias.ContentTypeForm {
		if p.Form, err = fillParams(act.Body.Form, vars, click.Params, used); err != nil {
			return ActionRequest{}, 0, err
		}
	} else if act.Body.JSON != nil {
		p.JSON = renderJSON(act.Body.JSON, vars)
	}
	var unknown []string
	for k := range click.Params {
		if !used[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return ActionRequest{}, 0, fmt.Errorf("gorgiastest: button %q has no editable parameter %s", click.Label, strings.Join(unknown, ", "))
	}
	return ActionRequest{
		ActionName: "customHttpAction", ActionLabel: button.Label, TicketID: t.t.ID,
		UserID: t.customerID, IntegrationID: widget.IntegrationID, Payload: p,
	}, user.ID, nil
}

// findButton finds a button by label, in one widget or in any.
func (a *account) findButton(widgetID int64, label string) (*gorgias.Widget, gorgias.CustomButton, bool) {
	for _, id := range sortedIDs(a.widgets) {
		if widgetID != 0 && id != widgetID {
			continue
		}
		if b, ok := a.widgets[id].Template.Button(label); ok {
			return a.widgets[id], b, true
		}
	}
	return nil, gorgias.CustomButton{}, false
}

// fillParams renders parameters and applies the agent's values to the
// editable ones.
func fillParams(params []gorgias.ActionParam, vars map[string]any, given map[string]string, used map[string]bool) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range params {
		v := gorgias.RenderKnown(p.Value, vars)
		if p.Editable || p.Type == gorgias.ParamDropdown {
			if g, ok := given[p.Key]; ok {
				v, used[p.Key] = g, true
			}
			if p.Mandatory && strings.TrimSpace(v) == "" {
				return nil, fmt.Errorf("gorgiastest: parameter %q is mandatory", p.Key)
			}
			if p.Type == gorgias.ParamDropdown && len(p.Options) > 0 && !slices.Contains(p.Options, v) {
				return nil, fmt.Errorf("gorgiastest: %q is not a choice of parameter %q (%s)", v, p.Key, strings.Join(p.Options, ", "))
			}
		}
		out[p.Key] = v
	}
	return out, nil
}

// renderJSON fills the templates in every string of a JSON value.
func renderJSON(v any, vars map[string]any) any {
	switch x := v.(type) {
	case string:
		return gorgias.RenderKnown(x, vars)
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			out[k] = renderJSON(val, vars)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = renderJSON(val, vars)
		}
		return out
	}
	return v
}

// asError turns a nil *apiError into a nil error.
func asError(err *apiError) error {
	if err == nil {
		return nil
	}
	return errors.New("gorgiastest: " + err.msg + detail(err.data))
}

func detail(data map[string]any) string {
	if len(data) == 0 {
		return ""
	}
	return " " + string(mustJSON(data))
}

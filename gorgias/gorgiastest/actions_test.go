package gorgiastest_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
)

// sidebar installs Deskmate's integration and widget, pointing at recv.
func (s setup) sidebar(t *testing.T, recv *receiver) gorgias.Widget {
	t.Helper()
	hook := s.hook(t, recv.URL+"/sidebar", map[string]bool{gorgias.TriggerTicketCreated: true}, nil)
	w, err := s.c.CreateWidget(s.ctx, gorgias.Widget{
		Type: gorgias.IntegrationHTTP, Context: gorgias.WidgetContextTicket, IntegrationID: hook.ID,
		Template: gorgias.SidebarTemplate(gorgias.SidebarWidget{
			DraftURL: recv.URL + "/actions/draft", InstructionsURL: recv.URL + "/actions/instruct",
			TranslateURL: recv.URL + "/actions/translate", SummarizeURL: recv.URL + "/actions/summarize",
			Secret: "s3cr3t", Languages: []string{"en", "fr"},
		}),
	})
	require.NoError(t, err)
	return w
}

func TestClickButtonWithAnEditableParameter(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	recv := newReceiver(t, `{"status": "idle"}`)
	widget := s.sidebar(t, recv)
	tk, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", Body: "Refund please"})
	require.NoError(t, err)
	recv.next(t) // the sidebar integration's delivery
	s.flush(t)

	res, err := s.emu.ClickButton(s.ctx, gorgiastest.ButtonClick{
		Account: "acme", TicketID: tk.ID, WidgetID: widget.ID, Label: gorgias.ButtonInstructions,
		Params: map[string]string{gorgias.ParamInstructions: "Offer a refund & apologise"},
	})
	require.NoError(t, err)
	require.Equal(t, "success", res.Status)
	require.Equal(t, 200, res.StatusCode)

	h := recv.next(t)
	require.Equal(t, "POST", h.Method)
	require.Equal(t, "/actions/instruct", h.Path)
	q, err := url.ParseQuery(h.Query)
	require.NoError(t, err)
	require.Equal(t, "Offer a refund & apologise", q.Get(gorgias.ParamInstructions))
	require.Equal(t, "s3cr3t", h.Header.Get(gorgias.DefaultSecretHeader))
	var body gorgias.ButtonRequest
	require.NoError(t, json.Unmarshal(h.Body, &body))
	require.Equal(t, gorgias.ButtonRequest{TicketID: tk.ID, AgentEmail: s.acme.Email}, body)

	page, err := s.c.Events(s.ctx, gorgias.EventListOptions{Types: []string{"action-executed"}, ObjectID: tk.ID})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	require.Equal(t, s.acme.AdminUserID, page.Data[0].UserID)
	var data struct {
		ActionLabel string                    `json:"action_label"`
		Payload     gorgiastest.ActionPayload `json:"payload"`
		Response    struct {
			StatusCode int `json:"status_code"`
		} `json:"response"`
	}
	require.NoError(t, json.Unmarshal(page.Data[0].Data, &data))
	require.Equal(t, gorgias.ButtonInstructions, data.ActionLabel)
	require.Equal(t, 200, data.Response.StatusCode)
	require.Equal(t, strconv.FormatInt(tk.ID, 10), data.Payload.JSON.(map[string]any)["ticket_id"])
}

func TestClickButtonChecksParameters(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{Accounts: []gorgiastest.AccountOptions{{Domain: "acme"}}})
	recv := newReceiver(t, `{}`)
	s.sidebar(t, recv)
	tk, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", Body: "Bonjour"})
	require.NoError(t, err)
	recv.next(t)
	agent, err := s.c.CreateUser(s.ctx, gorgias.UserInput{Email: "sam@acme.example", Name: "Sam Agent", Role: gorgias.UserRole{Name: gorgias.RoleAgent}})
	require.NoError(t, err)

	click := func(label string, params map[string]string) error {
		_, err := s.emu.ClickButton(context.Background(), gorgiastest.ButtonClick{Account: "acme", TicketID: tk.ID, Label: label, UserID: agent.ID, Params: params})
		return err
	}
	require.ErrorContains(t, click(gorgias.ButtonInstructions, nil), `parameter "instructions" is mandatory`)
	require.ErrorContains(t, click(gorgias.ButtonTranslate, map[string]string{gorgias.ParamLanguage: "xx"}), `"xx" is not a choice`)
	require.ErrorContains(t, click(gorgias.ButtonDraft, map[string]string{"tone": "warm"}), "no editable parameter tone")
	require.ErrorContains(t, click("Launch rockets", nil), `no button "Launch rockets"`)
	recv.none(t)

	require.NoError(t, click(gorgias.ButtonTranslate, map[string]string{gorgias.ParamLanguage: "fr"}))
	h := recv.next(t)
	require.Equal(t, "/actions/translate", h.Path)
	require.Equal(t, "language=fr", h.Query)
	var body gorgias.ButtonRequest
	require.NoError(t, json.Unmarshal(h.Body, &body))
	require.Equal(t, "sam@acme.example", body.AgentEmail, "current_user is the agent clicking")

	require.NoError(t, click(gorgias.ButtonSummarize, nil))
	require.Equal(t, "/actions/summarize", recv.next(t).Path)
}

func TestActionsExecuteEndpoint(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	recv := newReceiver(t, `{"ok": true}`, 202)
	tk, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", Body: "Hello"})
	require.NoError(t, err)

	var res gorgiastest.ActionResult
	err = s.c.Do(s.ctx, gorgias.Request{Method: "POST", Path: "/api/actions/execute/", Body: gorgiastest.ActionRequest{
		ActionName: "customHttpAction", ActionLabel: "Notify", TicketID: tk.ID,
		Payload: gorgiastest.ActionPayload{
			Method: "POST", URL: recv.URL + "/notify", Headers: map[string]string{"X-Key": "k"},
			Params: map[string]string{"a": "1"}, Form: map[string]string{"note": "hi there"},
			ContentType: gorgias.ContentTypeForm,
		},
	}}, &res)
	require.NoError(t, err)
	require.Equal(t, gorgiastest.ActionResult{Status: "success", StatusCode: 202, Body: `{"ok": true}`}, res)
	h := recv.next(t)
	require.Equal(t, "a=1", h.Query)
	require.Equal(t, "k", h.Header.Get("X-Key"))
	require.Equal(t, "note=hi+there", string(h.Body))

	err = s.c.Do(s.ctx, gorgias.Request{Method: "POST", Path: "/api/actions/execute/", Body: gorgiastest.ActionRequest{
		TicketID: 1, Payload: gorgiastest.ActionPayload{URL: recv.URL}}}, nil)
	require.ErrorIs(t, err, gorgias.ErrInvalid)
	require.ErrorContains(t, err, "ticket_id")
}

func TestButtonTemplatesReadTheCardDataAndKeepUnknownVariables(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	recv := newReceiver(t, `{"status": "idle"}`)
	hook := s.hook(t, recv.URL+"/sidebar", map[string]bool{gorgias.TriggerTicketCreated: true}, nil)
	_, err := s.c.CreateWidget(s.ctx, gorgias.Widget{
		Type: gorgias.IntegrationHTTP, Context: gorgias.WidgetContextTicket, IntegrationID: hook.ID,
		Template: gorgias.WidgetNode{Type: gorgias.NodeWrapper, Widgets: []gorgias.WidgetNode{{
			Type: gorgias.NodeCard, Title: "Custom",
			Meta: &gorgias.WidgetMeta{Custom: &gorgias.CustomActions{Buttons: []gorgias.CustomButton{{
				Label: "Go", Action: gorgias.ButtonAction{Method: "GET", URL: recv.URL + "/go/{{status}}/{{ticket.customer.email}}/{{nope}}",
					Params: []gorgias.ActionParam{{Key: "who", Value: "{{current_user.firstname}}"}}},
			}}}},
		}}},
	})
	require.NoError(t, err)
	tk, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", Body: "Hi"})
	require.NoError(t, err)
	recv.next(t)
	s.flush(t)
	_, err = s.emu.ClickButton(s.ctx, gorgiastest.ButtonClick{Account: "acme", TicketID: tk.ID, Label: "Go"})
	require.NoError(t, err)
	h := recv.next(t)
	require.Equal(t, "GET", h.Method)
	require.Equal(t, "/go/idle/jane@example.com/{{nope}}", h.Path)
	require.Equal(t, "who=Acme", h.Query)
}

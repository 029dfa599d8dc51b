package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
	"github.com/deskmate/deskmate/workspace"
)

// secret is the workspace's webhook and widget secret (as installed in
// Gorgias).
func (d *desk) secret(ws int64) string {
	d.t.Helper()
	s, err := d.a.ws.Secret(context.Background(), ws, workspace.SecretGorgiasWebhook)
	require.NoError(d.t, err)
	return s.Reveal()
}

// post sends a request to Deskmate as Gorgias would, with the secret header
// unless secret is "".
func (d *desk) post(method, path, secret, contentType string, body []byte) (int, string) {
	d.t.Helper()
	req, err := http.NewRequest(method, d.url+path, bytes.NewReader(body))
	require.NoError(d.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if secret != "" {
		req.Header.Set(gorgias.DefaultSecretHeader, secret)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(d.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (d *desk) click(ticketID int64, label string, params map[string]string) gorgiastest.ActionResult {
	d.t.Helper()
	res, err := d.emu.ClickButton(context.Background(), gorgiastest.ButtonClick{Account: "acme", TicketID: ticketID,
		Label: label, Params: params})
	require.NoError(d.t, err)
	return res
}

// waitNote waits for the ticket's n-th note by Deskmate and returns it.
func (d *desk) waitNote(ticketID int64, n int) gorgias.Message {
	d.t.Helper()
	var notes []gorgias.Message
	d.waitFor("a note", func() bool { _, notes = d.fromDeskmate(ticketID); return len(notes) >= n })
	return notes[n-1]
}

func TestWidgetShowsDeskmateAndItsButtonsPostNotes(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, nil)
	d.a.startJobs()
	d.trainAutomations()
	tk := d.write("jane@example.com", 0, "What are your opening hours? Also my jacket is too small.")
	d.waitFor("a reply", func() bool { r, _ := d.fromDeskmate(tk.ID); return len(r) == 1 })
	d.settle()

	// Opening the ticket: Gorgias asks Deskmate for the sidebar's data.
	opened, err := d.emu.OpenTicket("acme", tk.ID)
	require.NoError(t, err)
	var data gorgias.SidebarData
	found := false
	for _, raw := range opened.Customer.Integrations {
		if json.Unmarshal(raw, &data) == nil && data.Status != "" {
			found = true
			break
		}
	}
	require.True(t, found, "the sidebar data is on the customer: %v", opened.Customer.Integrations)
	require.Equal(t, "Deskmate answers this ticket", data.Status)
	require.Equal(t, "reply", data.LastDecision)
	require.Contains(t, data.TraceURL, d.url+"/conversations/")

	res := d.click(tk.ID, gorgias.ButtonSummarize, nil)
	require.Equal(t, "success", res.Status, "%+v", res)
	note := d.waitNote(tk.ID, 1)
	require.Contains(t, note.BodyText, "Deskmate summary")
	require.Contains(t, note.BodyText, "opening hours")

	res = d.click(tk.ID, gorgias.ButtonTranslate, map[string]string{gorgias.ParamLanguage: "fr"})
	require.Equal(t, "success", res.Status, "%+v", res)
	note = d.waitNote(tk.ID, 2)
	require.Contains(t, note.BodyText, "Deskmate cannot translate", "the built-in provider says it does not translate")

	res = d.click(tk.ID, gorgias.ButtonInstructions, map[string]string{gorgias.ParamInstructions: "Offer a free exchange for the jacket."})
	require.Equal(t, "success", res.Status, "%+v", res)
	note = d.waitNote(tk.ID, 3)
	require.Contains(t, note.BodyText, "Deskmate")
	var stored []string
	require.NoError(t, d.a.db.Pool.QueryRow(ctx(t), `SELECT instructions FROM gorgias_tickets WHERE ticket_id = $1`, tk.ID).Scan(&stored))
	require.Equal(t, []string{"Offer a free exchange for the jacket."}, stored)

	res = d.click(tk.ID, gorgias.ButtonDraft, nil)
	require.Equal(t, "success", res.Status, "%+v", res)
	d.waitNote(tk.ID, 4)
	d.settle()
	replies, notes := d.fromDeskmate(tk.ID)
	require.Len(t, replies, 1, "buttons never write to the customer")
	require.Len(t, notes, 4)
}

func TestGorgiasCallsNeedTheWorkspaceSecretAndItsOwnTickets(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, nil)
	d.a.startJobs()
	secret := d.secret(d.ws)
	tk := d.write("jane@example.com", 0, "Hello")
	d.settle()
	ws := itoa(d.ws)

	status, _ := d.post("GET", "/gorgias/widget/"+ws+"?ticket_id="+itoa(tk.ID), "", "", nil)
	require.Equal(t, 401, status, "no secret")
	status, _ = d.post("GET", "/gorgias/widget/"+ws+"?ticket_id="+itoa(tk.ID), "forged-"+secret, "", nil)
	require.Equal(t, 401, status, "a forged secret")
	status, _ = d.post("GET", "/gorgias/widget/"+ws+"?ticket_id="+itoa(tk.ID), secret, "", nil)
	require.Equal(t, 200, status)
	status, _ = d.post("GET", "/gorgias/widget/"+itoa(d.ws+100)+"?ticket_id="+itoa(tk.ID), secret, "", nil)
	require.Equal(t, 401, status, "another workspace id: its secret is not this one")

	button := []byte(`{"ticket_id": "` + itoa(tk.ID) + `", "agent_email": "agent@acme.example"}`)
	status, _ = d.post("POST", "/gorgias/widget/"+ws+"/summarize", "", "application/json", button)
	require.Equal(t, 401, status)
	status, _ = d.post("POST", "/gorgias/widget/"+ws+"/summarize", "x"+secret[1:], "application/json", button)
	require.Equal(t, 401, status)
	status, body := d.post("POST", "/gorgias/widget/"+ws+"/summarize", secret, "application/json",
		[]byte(`{"ticket_id": "987654", "agent_email": "agent@acme.example"}`))
	require.Equal(t, 404, status, "a ticket that is not in the workspace's Gorgias account: %s", body)
	status, _ = d.post("POST", "/gorgias/widget/"+ws+"/steal", secret, "application/json", button)
	require.Equal(t, 422, status, "unknown action")
	status, _ = d.post("POST", "/gorgias/widget/"+ws+"/summarize", secret, "application/json", button)
	require.Equal(t, 202, status)
	d.waitNote(tk.ID, 1)
	d.settle()

	// Webhooks: secret, shape, size and encoding.
	ctxBody, _ := json.Marshal(map[string]any{"ticket": map[string]any{"id": tk.ID}})
	before := d.events(tk.ID)
	status, _ = d.post("POST", "/gorgias/webhook/"+ws+"/ticket-updated", "forged", "application/json", ctxBody)
	require.Equal(t, 401, status)
	require.Equal(t, before, d.events(tk.ID), "nothing stored for a forged delivery")
	status, _ = d.post("POST", "/gorgias/webhook/"+ws+"/ticket-updated", secret, "application/json", []byte(`{"not": "a ticket"}`))
	require.Equal(t, 422, status)
	status, _ = d.post("POST", "/gorgias/webhook/"+ws+"/ticket-deleted", secret, "application/json", ctxBody)
	require.Equal(t, 422, status, "unknown trigger")
	status, _ = d.post("POST", "/gorgias/webhook/"+ws+"/ticket-updated", secret, "application/json",
		[]byte(`{"ticket": {"id": `+itoa(tk.ID)+`, "subject": "`+strings.Repeat("x", 5<<20)+`"}}`))
	require.Equal(t, 413, status)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(ctxBody)
	_ = zw.Close()
	req, _ := http.NewRequest("POST", d.url+"/gorgias/webhook/"+ws+"/ticket-updated", &gz)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set(gorgias.DefaultSecretHeader, secret)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, 415, res.StatusCode)
	status, _ = d.post("POST", "/gorgias/webhook/"+ws+"/ticket-updated", secret, "application/json", ctxBody)
	require.Equal(t, 200, status)
	require.Equal(t, before+1, d.events(tk.ID))
}

func TestWebhooksAnswer5xxWhenTheDatabaseCannotStoreThem(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, nil)
	secret := d.secret(d.ws)
	// The events table refuses writes: Gorgias must hear an error and retry.
	d.exec(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`)
	d.exec(`CREATE TRIGGER refuse BEFORE INSERT ON gorgias_events FOR EACH ROW EXECUTE FUNCTION refuse()`)
	body, _ := json.Marshal(map[string]any{"ticket": map[string]any{"id": 5}, "message": map[string]any{"id": 6, "public": true}})
	status, resp := d.post("POST", "/gorgias/webhook/"+itoa(d.ws)+"/ticket-message-created", secret, "application/json", body)
	require.Equal(t, 500, status, resp)
	require.NotContains(t, resp, "disk full", "internals stay in the log")
	d.exec(`DROP TRIGGER refuse ON gorgias_events`)
	status, _ = d.post("POST", "/gorgias/webhook/"+itoa(d.ws)+"/ticket-message-created", secret, "application/json", body)
	require.Equal(t, 200, status, "the retry is stored")
	require.Equal(t, 1, d.jobs("gorgias_process_ticket"))
}

func TestDisconnectRemovesEverythingDeskmateCreated(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, nil)
	d.a.startJobs()
	var conn struct {
		Installed struct {
			Integrations []int64 `json:"integrations"`
			Widgets      []int64 `json:"widgets"`
			Tags         []int64 `json:"tags"`
			Views        []int64 `json:"views"`
		} `json:"installed"`
		Status string `json:"status"`
	}
	d.owner.must(200, "GET", wsPath(d.ws, "/gorgias/connection"), nil).JSON(t, &conn)
	require.Len(t, conn.Installed.Integrations, 4, "three webhooks and the sidebar")
	require.Len(t, conn.Installed.Widgets, 1)
	require.NotEmpty(t, conn.Installed.Tags)
	require.Len(t, conn.Installed.Views, 3)
	widgets, err := d.emu.Widgets("acme")
	require.NoError(t, err)
	require.Len(t, widgets, 1)
	secret := d.secret(d.ws)
	tk := d.write("jane@example.com", 0, "Hello")
	d.settle()
	hook := "/gorgias/webhook/" + itoa(d.ws) + "/ticket-message-created"
	status, _ := d.post("POST", hook, secret, "application/json", webhookBody(1))
	require.Equal(t, 200, status)

	d.owner.must(200, "POST", wsPath(d.ws, "/gorgias/disconnect"), map[string]any{"purge": true}).JSON(t, &conn)
	status, _ = d.post("POST", hook, secret, "application/json", webhookBody(2))
	require.Equal(t, 401, status, "a webhook with the old secret is refused at once, though one was accepted a moment ago")
	require.Equal(t, "disconnected", conn.Status)
	widgets, err = d.emu.Widgets("acme")
	require.NoError(t, err)
	require.Empty(t, widgets)
	cl := d.client()
	integrations, err := cl.Integrations(context.Background(), gorgias.IntegrationHTTP)
	require.NoError(t, err)
	require.Empty(t, integrations, "every HTTP integration Deskmate made is gone")
	tags, err := cl.Tags(context.Background())
	require.NoError(t, err)
	for _, tag := range tags {
		require.NotEqual(t, "agent-required", tag.Name, "Deskmate's tags are gone")
	}
	views, err := cl.Views(context.Background())
	require.NoError(t, err)
	for _, v := range views {
		require.NotContains(t, v.Name, "Deskmate")
	}
	require.Zero(t, d.events(tk.ID), "purged")
	status, _ = d.post("GET", "/gorgias/widget/"+itoa(d.ws)+"?ticket_id="+itoa(tk.ID), secret, "", nil)
	require.Equal(t, 401, status, "the old secret opens nothing")
}

func TestConnectionSettingsAndAddressAreChecked(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, nil)
	admin := d.owner.member(d.ws, "ad@acme.test", "admin")
	editor := d.owner.member(d.ws, "ed@acme.test", "editor")

	r := admin.call("PUT", wsPath(d.ws, "/gorgias/settings"), map[string]any{"channels": []string{"email", "fax"},
		"mode": "yolo", "reply_delay_seconds": 99999, "quiet_seconds": -1, "handover_user_id": 1, "handover_team_id": 2,
		"auto_close_minutes": map[string]int{"email": -5, "pigeon": 10}, "signature": strings.Repeat("x", 2001)})
	require.Equal(t, 422, r.Status, string(r.Body))
	require.Equal(t, map[string]string{"channels[1]": "must be one of email, chat, contact_form, sms, facebook-messenger, instagram-direct-message, whatsapp, api",
		"mode": "must be one of draft, autopilot", "reply_delay_seconds": "must be from 0 to 3600",
		"quiet_seconds": "must be from 0 to 300", "handover_team_id": "choose a user or a team, not both",
		"auto_close_minutes.email":  "must be from 0 to 43200 minutes (30 days)",
		"auto_close_minutes.pigeon": "is not a channel Deskmate answers on", "signature": r.Fields(t)["signature"]}, r.Fields(t))
	require.NotEmpty(t, r.Fields(t)["signature"])
	require.Equal(t, 403, editor.call("PUT", wsPath(d.ws, "/gorgias/settings"), map[string]any{"mode": "autopilot"}).Status)

	// Only the instance owner points a connection elsewhere, and only at
	// addresses the URL guard allows.
	require.Equal(t, 403, admin.call("PUT", wsPath(d.ws, "/gorgias/base-url"), map[string]any{"base_url": d.acme.BaseURL}).Status)
	for _, bad := range []string{"http://127.0.0.1:5432/", "http://169.254.169.254/latest", "file:///etc/passwd", "http://[::1]:8080/"} {
		r := d.owner.call("PUT", wsPath(d.ws, "/gorgias/base-url"), map[string]any{"base_url": bad})
		require.Equal(t, 422, r.Status, "%s: %s", bad, r.Body)
		require.Contains(t, r.Fields(t), "base_url")
	}
	var conn struct {
		BaseURL string `json:"base_url"`
	}
	d.owner.must(200, "GET", wsPath(d.ws, "/gorgias/connection"), nil).JSON(t, &conn)
	require.Equal(t, d.acme.BaseURL, conn.BaseURL, "nothing changed")
}

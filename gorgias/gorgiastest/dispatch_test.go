package gorgiastest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
)

func TestDeliveryCarriesTheContextAndRenderedHeaders(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	recv := newReceiver(t, `{}`)
	s.hook(t, recv.URL+"/hooks/{{ticket.account.domain}}/message-created?ticket={{ticket.id}}",
		map[string]bool{"ticket_message_created": true}, // the old underscore spelling
		map[string]string{"X-Deskmate-Secret": "s3cr3t", "X-Customer": "{{ticket.customer.email}}"})

	tk, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", Name: "Jane Doe", Subject: "Order", Body: "Where is my order?"})
	require.NoError(t, err)
	first := recv.next(t)
	require.Equal(t, "POST", first.Method)
	require.Equal(t, "/hooks/acme/message-created", first.Path)
	require.Equal(t, "ticket="+strconv.FormatInt(tk.ID, 10), first.Query)
	require.Equal(t, "s3cr3t", first.Header.Get("X-Deskmate-Secret"))
	require.Equal(t, "jane@example.com", first.Header.Get("X-Customer"))
	require.Equal(t, "application/json", first.Header.Get("Content-Type"))

	_, err = s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", TicketID: tk.ID, Body: "Any update?"})
	require.NoError(t, err)
	second := recv.next(t)

	var body map[string]map[string]any
	require.NoError(t, json.Unmarshal(second.Body, &body))
	require.Len(t, body, 2, "ticket and message")
	for _, key := range []string{"id", "uri", "account", "status", "priority", "channel", "via", "from_agent", "spam",
		"is_unread", "language", "subject", "meta", "external_id", "customer", "requester", "assignee_user",
		"assignee_user_id", "assignee_team", "assignee_team_id", "tags", "reply_options", "first_message",
		"last_message", "messages", "satisfaction_survey", "created_datetime", "updated_datetime",
		"last_message_datetime", "last_received_message_datetime", "opened_datetime", "closed_datetime",
		"snooze_datetime", "trashed_datetime"} {
		require.Contains(t, body["ticket"], key)
	}
	for _, key := range []string{"id", "ticket_id", "channel", "via", "from_agent", "public", "sender", "receiver",
		"source", "body_text", "body_html", "stripped_text", "text", "attachments", "integration_id", "created_datetime", "sent_datetime"} {
		require.Contains(t, body["message"], key)
	}
	require.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$`, body["ticket"]["created_datetime"])

	w, err := gorgias.ParseWebhook(second.Body)
	require.NoError(t, err)
	require.Equal(t, tk.ID, w.Ticket.ID)
	require.Equal(t, "acme", w.Ticket.Account.Domain)
	require.Equal(t, "jane@example.com", w.Ticket.Requester.Email)
	require.Len(t, w.Ticket.Messages, 2)
	require.Equal(t, "Where is my order?", w.Ticket.Messages[0].BodyText, "oldest first")
	require.Equal(t, "Any update?", w.Ticket.LastMessage.BodyText)
	require.Equal(t, w.Ticket.Messages[1].ID, w.Message.ID)
	require.Equal(t, "email", w.Message.Via)
	require.False(t, w.Message.FromAgent)
	recv.none(t)
}

func TestTriggersFireForAPIWritesToo(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	created := newReceiver(t, `{}`)
	updated := newReceiver(t, `{}`)
	messages := newReceiver(t, `{}`)
	s.hook(t, created.URL, map[string]bool{gorgias.TriggerTicketCreated: true}, nil)
	updates := s.hook(t, updated.URL, map[string]bool{gorgias.TriggerTicketUpdated: true}, nil)
	require.Equal(t, map[string]bool{"ticket-updated": true}, updates.HTTP.Triggers)
	s.hook(t, messages.URL, map[string]bool{gorgias.TriggerTicketMessageCreated: true, gorgias.TriggerTicketUpdated: false}, nil)

	tk, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", Body: "Hello"})
	require.NoError(t, err)
	require.Equal(t, tk.ID, ticketOf(t, created.next(t)).Ticket.ID)
	require.Equal(t, tk.Messages[0].ID, ticketOf(t, messages.next(t)).Message.ID, "a new ticket's message fires too")

	note, err := s.c.CreateMessage(s.ctx, tk.ID, gorgias.MessageInput{Channel: gorgias.ChannelInternalNote, FromAgent: true, BodyText: "draft", ExternalID: "deskmate:1"})
	require.NoError(t, err)
	w := ticketOf(t, messages.next(t))
	require.Equal(t, note.ID, w.Message.ID)
	require.Equal(t, "deskmate:1", w.Message.ExternalID)
	require.Equal(t, "api", w.Message.Via)

	require.NoError(t, s.c.AddTicketTags(s.ctx, tk.ID, "ai-drafted"))
	require.True(t, ticketOf(t, updated.next(t)).Ticket.HasTag("ai-drafted"))
	require.NoError(t, s.c.AddTicketTags(s.ctx, tk.ID, "ai-drafted"))
	_, err = s.c.UpdateTicket(s.ctx, tk.ID, gorgias.TicketUpdate{AssigneeUser: gorgias.Set(gorgias.Ref{ID: s.acme.AdminUserID})})
	require.NoError(t, err)
	w = ticketOf(t, updated.next(t))
	require.Equal(t, s.acme.AdminUserID, w.Ticket.AssigneeUser.ID, "the tag already there fired nothing; the assignment did")
	require.Nil(t, w.Message)

	s.flush(t)
	created.none(t)
	updated.none(t)
	messages.none(t)
}

func ticketOf(t *testing.T, h hit) gorgias.WebhookContext {
	t.Helper()
	w, err := gorgias.ParseWebhook(h.Body)
	require.NoError(t, err)
	return w
}

func TestDeliveryRetriesAndStoresTheAnswer(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{Delivery: gorgiastest.DeliveryOptions{Attempts: 3, Backoff: time.Millisecond}})
	recv := newReceiver(t, `{"status": "drafted", "summary": "late parcel", "order_id": 5001002003004005}`, 500, 500, 200)
	hook := s.hook(t, recv.URL, map[string]bool{gorgias.TriggerTicketMessageCreated: true}, nil)

	tk, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", Body: "Hello"})
	require.NoError(t, err)
	a, b, c := recv.next(t), recv.next(t), recv.next(t)
	require.Equal(t, a.Body, b.Body, "the same delivery again")
	require.Equal(t, a.Body, c.Body)
	s.flush(t)

	var statuses []int
	for _, d := range s.emu.Deliveries() {
		statuses = append(statuses, d.Status)
		require.Equal(t, hook.ID, d.IntegrationID)
		require.Equal(t, gorgias.TriggerTicketMessageCreated, d.Trigger)
	}
	require.Equal(t, []int{500, 500, 200}, statuses)

	cu, err := s.c.Customer(s.ctx, tk.Customer.ID)
	require.NoError(t, err)
	raw := cu.Integrations[strconv.FormatInt(hook.ID, 10)]
	require.JSONEq(t, `{"__integration_type__": "http", "status": "drafted", "summary": "late parcel", "order_id": 5001002003004005}`, string(raw))
	require.Equal(t, "http", cu.Integrations.Type(strconv.FormatInt(hook.ID, 10)))
}

func TestDeliveryGivesUpAndDeactivatesAfterAHundredFailures(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{Delivery: gorgiastest.DeliveryOptions{Attempts: 10, Backoff: time.Microsecond}})
	recv := newReceiver(t, `{}`, http.StatusBadGateway)
	hook := s.hook(t, recv.URL, map[string]bool{gorgias.TriggerTicketMessageCreated: true}, nil)
	tk, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", Body: "1"})
	require.NoError(t, err)
	for i := range 10 {
		_, err = s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", TicketID: tk.ID, Body: strconv.Itoa(i)})
		require.NoError(t, err)
	}
	s.flush(t)
	require.Len(t, s.emu.Deliveries(), 100, "10 attempts each until the 100th failure")
	got, err := s.c.Integration(s.ctx, hook.ID)
	require.NoError(t, err)
	require.False(t, got.Active())

	_, err = s.c.UpdateIntegration(s.ctx, hook.ID, gorgias.IntegrationUpdate{DeactivatedDatetime: gorgias.Null[gorgias.Time]()})
	require.NoError(t, err)
	got, err = s.c.Integration(s.ctx, hook.ID)
	require.NoError(t, err)
	require.True(t, got.Active(), "reactivated")
}

func TestDeliveryTimesOutAndRetries(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{Delivery: gorgiastest.DeliveryOptions{Attempts: 2, Timeout: 50 * time.Millisecond, Backoff: time.Millisecond}})
	answered := make(chan struct{}, 2)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body) // the server notices a client that gives up only once the body is read
		if calls.Add(1) == 1 {
			<-r.Context().Done()
			return
		}
		answered <- struct{}{}
	}))
	t.Cleanup(srv.Close)
	s.hook(t, srv.URL, map[string]bool{gorgias.TriggerTicketCreated: true}, nil)
	_, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", Body: "Hello"})
	require.NoError(t, err)
	select {
	case <-answered:
	case <-time.After(10 * time.Second):
		t.Fatal("the delivery was not retried")
	}
	s.flush(t)
	d := s.emu.Deliveries()
	require.Len(t, d, 2)
	require.Equal(t, 0, d[0].Status)
	require.Contains(t, d[0].Error, "deadline exceeded")
	require.Equal(t, 200, d[1].Status)
}

func TestChaosDuplicateAndReorder(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	recv := newReceiver(t, `{}`)
	s.hook(t, recv.URL, map[string]bool{gorgias.TriggerTicketMessageCreated: true}, nil)
	tk, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", Body: "first"})
	require.NoError(t, err)
	require.Equal(t, "first", ticketOf(t, recv.next(t)).Message.BodyText)

	s.emu.SetChaos(gorgiastest.Chaos{Duplicate: true})
	_, err = s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{TicketID: tk.ID, Body: "twice"})
	require.NoError(t, err)
	a, b := recv.next(t), recv.next(t)
	require.Equal(t, a.Body, b.Body)
	require.Equal(t, "twice", ticketOf(t, a).Message.BodyText)

	s.emu.SetChaos(gorgiastest.Chaos{Reorder: true})
	for _, body := range []string{"A", "B"} {
		_, err = s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{TicketID: tk.ID, Body: body})
		require.NoError(t, err)
	}
	require.Equal(t, "B", ticketOf(t, recv.next(t)).Message.BodyText, "the newer delivery first")
	require.Equal(t, "A", ticketOf(t, recv.next(t)).Message.BodyText)

	_, err = s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{TicketID: tk.ID, Body: "alone"})
	require.NoError(t, err)
	s.flush(t)
	require.Equal(t, "alone", ticketOf(t, recv.next(t)).Message.BodyText, "Flush releases a held delivery")
	s.emu.SetChaos(gorgiastest.Chaos{})
	recv.none(t)
}

func TestFormObjectsAndGETIntegrations(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	recv := newReceiver(t, `{"summary": "from GET"}`)
	_, err := s.c.CreateIntegration(s.ctx, gorgias.Integration{Type: "http", Name: "form", HTTP: &gorgias.HTTPIntegration{
		URL: recv.URL + "/form", Method: "POST", RequestContentType: gorgias.ContentTypeForm,
		Form:     map[string]any{"ticket_id": "{{ticket.id}}", "text": "{{message.body_text}}"},
		Triggers: map[string]bool{gorgias.TriggerTicketMessageCreated: true},
	}})
	require.NoError(t, err)
	_, err = s.c.CreateIntegration(s.ctx, gorgias.Integration{Type: "http", Name: "sidebar", HTTP: &gorgias.HTTPIntegration{
		URL: recv.URL + "/sidebar", Method: "GET",
		Form:     map[string]any{"email": "{{ticket.customer.email}}"},
		Triggers: map[string]bool{gorgias.TriggerTicketMessageCreated: true},
	}})
	require.NoError(t, err)
	tk, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", Body: "a & b"})
	require.NoError(t, err)

	form := recv.next(t)
	require.Equal(t, "/form", form.Path)
	require.Equal(t, gorgias.ContentTypeForm, form.Header.Get("Content-Type"))
	values, err := url.ParseQuery(string(form.Body))
	require.NoError(t, err)
	require.Equal(t, strconv.FormatInt(tk.ID, 10), values.Get("ticket_id"))
	require.Equal(t, "a & b", values.Get("text"))

	get := recv.next(t)
	require.Equal(t, "GET", get.Method)
	require.Equal(t, "email=jane%40example.com", get.Query)
	require.Empty(t, get.Body)
}

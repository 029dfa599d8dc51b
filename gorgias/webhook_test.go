package gorgias

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A message-created body as Gorgias posts it for "form": "{{context}}".
const messageCreatedBody = `{
  "ticket": {
    "id": 86538410, "uri": "/api/tickets/86538410/", "account": {"domain": "acme"},
    "status": "open", "priority": "normal", "channel": "email", "via": "helpdesk",
    "from_agent": true, "spam": false, "is_unread": false, "language": null,
    "subject": "test", "meta": null, "external_id": null,
    "customer": {"id": 387705374, "email": "test@sample.com", "name": null, "firstname": "",
                 "lastname": "", "note": null, "data": null, "integrations": {},
                 "channels": [{"id": 457649605, "type": "email", "address": "test@sample.com", "preferred": true}],
                 "meta": {"name_set_via": "email"}},
    "requester": {"id": 387705374, "email": "test@sample.com"},
    "assignee_user": {"id": 387654483, "email": "agent@acme.com", "name": "Test User",
                      "firstname": "Test", "lastname": "User", "bio": null, "meta": {}},
    "assignee_user_id": 387654483, "assignee_team": null, "assignee_team_id": null,
    "tags": [],
    "reply_options": {"email": {"answerable": true}, "internal-note": {"answerable": true}},
    "first_message": {"id": 1, "body_text": "Hello"},
    "last_message": {"id": 2, "body_text": "Any update?"},
    "messages": [{"id": 1, "body_text": "Hello"}, {"id": 2, "body_text": "Any update?"}],
    "satisfaction_survey": null,
    "created_datetime": "2024-02-14T21:31:12.367230+00:00",
    "updated_datetime": "2024-02-14T21:39:57.410619",
    "last_message_datetime": "2024-02-14T21:31:12.367230+00:00",
    "last_received_message_datetime": null, "opened_datetime": null, "closed_datetime": null,
    "snooze_datetime": null, "trashed_datetime": null
  },
  "message": {"id": 2, "channel": "email", "via": "email", "from_agent": false, "public": true,
              "sender": {"id": 387705374, "email": "test@sample.com"}, "receiver": null,
              "source": {"type": "email", "from": {"name": "", "address": "test@sample.com"},
                         "to": [{"name": "Acme", "address": "support@acme.com"}]},
              "body_text": "Any update?", "stripped_text": "Any update?", "text": "Any update?",
              "attachments": [], "integration_id": 12, "rule_id": null, "headers": {"X-A": ["b"]},
              "sentiments": [], "intents": [{"name": "order/status"}],
              "created_datetime": "2024-02-14T21:31:12.367230+00:00", "sent_datetime": null}
}`

func TestParseWebhook(t *testing.T) {
	w, err := ParseWebhook([]byte(messageCreatedBody))
	require.NoError(t, err)
	require.Equal(t, int64(86538410), w.Ticket.ID)
	require.Equal(t, "acme", w.Ticket.Account.Domain)
	require.Equal(t, int64(387654483), *w.Ticket.AssigneeUserID)
	require.Nil(t, w.Ticket.AssigneeTeamID)
	require.Len(t, w.Ticket.Messages, 2)
	require.Equal(t, "Any update?", w.Ticket.LastMessage.BodyText)
	require.Equal(t, 39, w.Ticket.UpdatedDatetime.Minute(), "a datetime without offset")
	require.NotNil(t, w.Message)
	require.Equal(t, int64(2), w.Message.ID)
	require.Equal(t, int64(86538410), w.Message.TicketID, "filled from the ticket")
	require.Equal(t, "support@acme.com", w.Message.Source.To[0].Address)
	require.Equal(t, int64(12), w.Message.IntegrationID)
	require.False(t, w.Message.FromAgent)
}

func TestParseWebhookTolerates(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, w WebhookContext)
	}{
		{"a ticket event has no message", `{"ticket": {"id": 1, "messages": [{"id": 3}]}}`,
			func(t *testing.T, w WebhookContext) { require.Nil(t, w.Message) }},
		{"requester stands in for customer", `{"ticket": {"id": 1, "requester": {"id": 9, "email": "a@b.c"}}}`,
			func(t *testing.T, w WebhookContext) { require.Equal(t, "a@b.c", w.Ticket.Customer.Email) }},
		{"odd meta and integrations read as nil", `{"ticket": {"id": 1, "meta": [], "customer": {"id": 2, "integrations": [], "meta": "x"}}}`,
			func(t *testing.T, w WebhookContext) {
				require.Nil(t, w.Ticket.Meta)
				require.Nil(t, w.Ticket.Customer.Integrations)
			}},
		{"first and last message fill a missing list", `{"ticket": {"id": 1, "first_message": {"id": 3}, "last_message": {"id": 4}}}`,
			func(t *testing.T, w WebhookContext) { require.Len(t, w.Ticket.Messages, 2) }},
		{"unknown fields", `{"ticket": {"id": 1, "brand_new": {"x": 1}}, "extra": true}`,
			func(t *testing.T, w WebhookContext) { require.Equal(t, int64(1), w.Ticket.ID) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := ParseWebhook([]byte(tt.body))
			require.NoError(t, err)
			tt.check(t, w)
		})
	}
	_, err := ParseWebhook([]byte(`{"ticket": {}}`))
	require.ErrorContains(t, err, "no ticket id")
	_, err = ParseWebhook([]byte(`ticket=1`))
	require.Error(t, err)
}

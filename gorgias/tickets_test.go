package gorgias

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTicketUpdateSendsOnlyWhatIsSet(t *testing.T) {
	snooze := NewTime(time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC))
	tests := []struct {
		name string
		in   TicketUpdate
		want string
	}{
		{"nothing", TicketUpdate{}, `{}`},
		{"assign", TicketUpdate{AssigneeUser: Set(Ref{ID: 5})}, `{"assignee_user":{"id":5}}`},
		{"unassign", TicketUpdate{AssigneeUser: Null[Ref]()}, `{"assignee_user":null}`},
		{"close and snooze", TicketUpdate{Status: Set(StatusClosed), SnoozeDatetime: Set(snooze)},
			`{"status":"closed","snooze_datetime":"2024-03-01T09:00:00.000000+00:00"}`},
		{"unsnooze", TicketUpdate{SnoozeDatetime: Null[Time]()}, `{"snooze_datetime":null}`},
		{"false is a value", TicketUpdate{IsUnread: Set(false)}, `{"is_unread":false}`},
		{"meta and tags", TicketUpdate{Meta: Set(Object{"deskmate": "x"}), Tags: Set([]Ref{{Name: "refund"}, {ID: 12}})},
			`{"meta":{"deskmate":"x"},"tags":[{"name":"refund"},{"id":12}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.in)
			require.NoError(t, err)
			require.JSONEq(t, tt.want, string(got))
		})
	}
}

func TestTicketUpdateDecodingTellsAbsentFromNull(t *testing.T) {
	var u TicketUpdate
	require.NoError(t, json.Unmarshal([]byte(`{"assignee_user": null, "status": "open"}`), &u))
	require.True(t, u.AssigneeUser.IsNull())
	s, ok := u.Status.Get()
	require.True(t, ok)
	require.Equal(t, "open", s)
	require.True(t, u.AssigneeTeam.IsZero(), "absent stays unset")
	_, ok = u.AssigneeUser.Get()
	require.False(t, ok)
}

// The ticket example of the reference reads into Ticket with every field.
func TestTicketReadsGorgiasExample(t *testing.T) {
	body := `{
	  "id": 86538410, "uri": "/api/tickets/86538410/", "external_id": null, "status": "open",
	  "priority": "normal", "channel": "email", "via": "email", "from_agent": false, "spam": false,
	  "language": "en", "subject": "Where is my order?",
	  "customer": {"id": 387705374, "email": "jane@example.com", "name": "Jane Doe",
	               "firstname": "Jane", "lastname": "Doe", "meta": {"name_set_via": "email"}},
	  "assignee_user": {"id": 387654483, "email": "alex@acme.com", "name": "Alex Agent",
	                    "firstname": "Alex", "lastname": "Agent", "bio": null, "meta": {}},
	  "assignee_team": null,
	  "tags": [{"id": 10, "name": "order-status", "decoration": {"color": "#2980B9"}}],
	  "custom_fields": {}, "meta": null, "is_unread": true,
	  "reply_options": {"email": {"answerable": true}, "internal-note": {"answerable": true}},
	  "satisfaction_survey": null,
	  "messages": [ { "id": 208822529, "ticket_id": 86538410, "channel": "email", "via": "email",
	                  "from_agent": false, "public": true, "body_text": "Hi, where is my order?" } ],
	  "created_datetime": "2024-02-14T21:31:12.367230+00:00",
	  "updated_datetime": "2024-02-14T21:39:57.410619+00:00",
	  "opened_datetime": null,
	  "last_message_datetime": "2024-02-14T21:31:12.367230+00:00",
	  "last_received_message_datetime": "2024-02-14T21:31:12.367230+00:00",
	  "closed_datetime": null, "snooze_datetime": null, "trashed_datetime": null
	}`
	var tk Ticket
	require.NoError(t, json.Unmarshal([]byte(body), &tk))
	require.Equal(t, int64(86538410), tk.ID)
	require.Equal(t, "jane@example.com", tk.Customer.Email)
	require.Equal(t, int64(387654483), tk.AssigneeUser.ID)
	require.Nil(t, tk.AssigneeTeam)
	require.True(t, tk.HasTag("order-status"))
	require.True(t, tk.ReplyOptions["internal-note"].Answerable)
	require.Equal(t, "Hi, where is my order?", tk.Messages[0].BodyText)
	require.Equal(t, 2024, tk.UpdatedDatetime.Year())
	require.True(t, tk.ClosedDatetime.IsZero())
}

package gorgias

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

const templateContext = `{
  "ticket": {
    "id": 86538410,
    "subject": "Where is my order?",
    "from_agent": false,
    "account": {"domain": "acme"},
    "customer": {"email": "jane@example.com", "firstname": "Jane", "data": null,
      "integrations": {
        "731": {"__integration_type__": "http", "summary": "late parcel"},
        "6": {"__integration_type__": "shopify", "orders": [{"name": "#1002"}, {"name": "#1001"}]}
      }},
    "tags": [{"name": "vip"}],
    "messages": [
      {"body_text": "first", "body_html": "<p>first</p>"},
      {"body_text": "second"},
      {"body_text": "latest"}
    ]
  },
  "message": {"id": 5, "body_text": "latest"}
}`

func TestRender(t *testing.T) {
	data := TemplateData(json.RawMessage(templateContext))
	tests := []struct {
		tmpl, want string
	}{
		{"{{ticket.id}}", "86538410"},
		{"https://erp.example.com/c?email={{ticket.customer.email}}&t={{ ticket.id }}", "https://erp.example.com/c?email=jane@example.com&t=86538410"},
		{"{{ticket.messages[0].body_html}}", "<p>first</p>"},
		{"{{ticket.messages[-1].body_text}}", "latest"},
		{"{{ticket.messages[-2].body_text}}", "second"},
		{"{{ticket.messages[3].body_text}}", ""},
		{"{{ticket.messages[-4].body_text}}", ""},
		{"{{ticket.nothing.here}}", ""},
		{"{{ticket.customer.data}}", ""},
		{"{{ticket.from_agent}}", "false"},
		{"{{ticket.account.domain}}", "acme"},
		{"{{ticket.tags}}", `[{"name":"vip"}]`},
		{"{{ticket.customer.integrations.shopify.orders[0].name}}", "#1002"},
		{"{{ticket.customer.integrations['731'].summary}}", "late parcel"},
		{`{{ticket.created_datetime|datetime_format("YYYY")}}`, ""},
		{`{{ticket.subject | upper}}`, "Where is my order?"},
		{"{{ticket.messages[x]}}", ""},
		{"no templates", "no templates"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Render(tt.tmpl, data), tt.tmpl)
	}
}

func TestRenderContextIsTheWholeDataAsJSON(t *testing.T) {
	data := TemplateData(json.RawMessage(templateContext))
	out := Render("{{context}}", data)
	var back, want map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &back))
	require.NoError(t, json.Unmarshal([]byte(templateContext), &want))
	require.Equal(t, want, back)
	require.Contains(t, out, `"body_html":"<p>first</p>"`, "HTML is not escaped")
	require.Contains(t, out, `86538410`, "ids stay whole numbers")
}

func TestRenderKnownLeavesUnresolvedVariables(t *testing.T) {
	data := map[string]any{"ticket": map[string]any{"id": json.Number("7")}}
	require.Equal(t, "t=7&u={{current_user.email}}", RenderKnown("t={{ticket.id}}&u={{current_user.email}}", data))
	require.Equal(t, "t=7&u=", Render("t={{ticket.id}}&u={{current_user.email}}", data))
}

package automation_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/automation"
)

func TestRenderFillsVariablesWithFallbacks(t *testing.T) {
	tpl := "Hi {{customer.first_name}}, order {{ order.number }} (ticket {{ticket.id}})."
	require.Equal(t, "Hi Ana, order #1001 (ticket 42).", automation.Render(tpl, map[string]string{
		"customer.first_name": "Ana", "order.number": "#1001", "ticket.id": "42"}))
	require.Equal(t, "Hi there, order  (ticket ).", automation.Render(tpl, map[string]string{"customer.first_name": "  "}))
	require.Equal(t, "No variables.", automation.Render("No variables.", nil))
}

func TestCheckTemplate(t *testing.T) {
	require.Empty(t, automation.CheckTemplate("Hi {{customer.first_name}}, about {{order.number}} and {{ticket.id}}"))
	require.Contains(t, automation.CheckTemplate("Hi {{customer.email}}"), "unknown variable {{customer.email}}")
	require.Contains(t, automation.CheckTemplate("Hi {{customer.first_name"), "without a matching }}")
}

func TestParseCSVGroupsRowsAndNamesLines(t *testing.T) {
	items, err := automation.ParseCSV([]byte("\xef\xbb\xbfphrase,automation,tags,response\n" +
		"where is my order,Orders,shipping|ai,\"Hi {{customer.first_name}},\nit is on its way.\"\n" +
		"track my parcel,orders,,\n" +
		"\n" +
		"refund please,Refunds,,\n"))
	require.NoError(t, err)
	require.Len(t, items, 2)
	require.Equal(t, "Orders", *items[0].Input.Name)
	require.Equal(t, []string{"where is my order", "track my parcel"}, *items[0].Input.Phrases)
	require.Equal(t, "Hi {{customer.first_name}},\nit is on its way.", *items[0].Input.Response)
	require.Equal(t, []string{"shipping", "ai"}, *items[0].Input.Tags)
	require.Nil(t, items[1].Input.Response)

	_, err = automation.ParseCSV([]byte("automation,phrase,response\nA,\"x\ny\",\nA,,\n"))
	require.ErrorContains(t, err, "line 4: phrase is empty")
	_, err = automation.ParseCSV([]byte("automation,phrase,response,extra\n"))
	require.ErrorContains(t, err, `line 1: unknown column "extra"`)
	_, err = automation.ParseCSV([]byte("automation,phrase,response\nA,\"unclosed\n"))
	require.ErrorContains(t, err, "line 2")
}

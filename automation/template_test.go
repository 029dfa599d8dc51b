package automation_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/store"
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

// Exported cells that a spreadsheet would run as formulas are made plain
// text, and an import of the export gives the same automations back.
func TestCSVExportEscapesFormulasAndRoundTrips(t *testing.T) {
	a := store.Automation{Name: "=Orders", Phrases: []string{`=HYPERLINK("http://evil.test","click")`, "+1 where is it", "-2 refund", "@vip order", "normal phrase"},
		Response: "+Thanks {{customer.first_name}}", Tags: []string{"@urgent", "shipping"}}
	var buf bytes.Buffer
	require.NoError(t, automation.ExportCSV(&buf, []store.Automation{a}))
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	require.NoError(t, err)
	for _, row := range rows[1:] {
		for _, cell := range row {
			require.False(t, cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])), "cell %q starts like a formula", cell)
		}
	}
	require.Equal(t, "'=HYPERLINK(\"http://evil.test\",\"click\")", rows[1][1])
	require.Equal(t, "normal phrase", rows[5][1])

	items, err := automation.ParseCSV(buf.Bytes())
	require.NoError(t, err)
	require.Len(t, items, 1)
	require.Equal(t, a.Name, *items[0].Input.Name)
	require.Equal(t, a.Phrases, *items[0].Input.Phrases)
	require.Equal(t, a.Response, *items[0].Input.Response)
	require.Equal(t, a.Tags, *items[0].Input.Tags)
}

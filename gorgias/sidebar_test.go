package gorgias

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSidebarTemplateShape(t *testing.T) {
	tmpl := SidebarTemplate(SidebarWidget{
		DraftURL: "https://dm.example/a/draft", InstructionsURL: "https://dm.example/a/instruct",
		TranslateURL: "https://dm.example/a/translate", SummarizeURL: "https://dm.example/a/summarize",
		Secret: "s3cr3t", Languages: []string{"fr", "de"},
	})
	raw, err := json.Marshal(tmpl)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))

	require.Equal(t, "wrapper", doc["type"])
	card := doc["widgets"].([]any)[0].(map[string]any)
	require.Equal(t, "card", card["type"])
	var paths []any
	for _, w := range card["widgets"].([]any) {
		require.Equal(t, "text", w.(map[string]any)["type"])
		paths = append(paths, w.(map[string]any)["path"])
	}
	require.Equal(t, []any{"status", "last_decision", "reason", "summary", "trace_url"}, paths)

	custom := card["meta"].(map[string]any)["custom"].(map[string]any)
	require.Equal(t, []any{}, custom["links"])
	buttons := custom["buttons"].([]any)
	require.Len(t, buttons, 4)
	var labels []any
	for _, b := range buttons {
		bm := b.(map[string]any)
		labels = append(labels, bm["label"])
		action := bm["action"].(map[string]any)
		require.Equal(t, "POST", action["method"])
		require.Equal(t, []any{map[string]any{"key": "X-Deskmate-Secret", "value": "s3cr3t"}}, action["headers"])
		body := action["body"].(map[string]any)
		require.Equal(t, "application/json", body["contentType"])
		require.Equal(t, map[string]any{"ticket_id": "{{ticket.id}}", "agent_email": "{{current_user.email}}"}, body["application/json"])
		require.Equal(t, []any{}, body["application/x-www-form-urlencoded"])
	}
	require.Equal(t, []any{"Draft reply", "Instructions", "Translate", "Summarize"}, labels)

	instructions := buttons[1].(map[string]any)["action"].(map[string]any)["params"].([]any)[0].(map[string]any)
	require.Equal(t, map[string]any{"key": "instructions", "value": "", "label": "What should the reply say?",
		"type": "text", "editable": true, "mandatory": true}, instructions)
	translate := buttons[2].(map[string]any)["action"].(map[string]any)["params"].([]any)[0].(map[string]any)
	require.Equal(t, "dropdown", translate["type"])
	require.Equal(t, []any{"fr", "de"}, translate["options"])
	require.Equal(t, "fr", translate["value"])

	var back WidgetNode
	require.NoError(t, json.Unmarshal(raw, &back))
	b, ok := back.Button("Translate")
	require.True(t, ok)
	require.Equal(t, "https://dm.example/a/translate", b.Action.URL)
	_, ok = back.Button("Nope")
	require.False(t, ok)
}

func TestActionParamReadsValuesAsOptions(t *testing.T) {
	var p ActionParam
	require.NoError(t, json.Unmarshal([]byte(`{"key": "lang", "type": "dropdown", "values": ["en", "fr"]}`), &p))
	require.Equal(t, []string{"en", "fr"}, p.Options)
}

func TestButtonRequestReadsTheRenderedTicketID(t *testing.T) {
	var r ButtonRequest
	require.NoError(t, json.Unmarshal([]byte(`{"ticket_id": "123", "agent_email": "a@acme.com"}`), &r))
	require.Equal(t, int64(123), r.TicketID)
}

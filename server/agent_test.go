package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/netguard"
)

type playgroundJSON struct {
	Run struct {
		ID       int64  `json:"id"`
		Source   string `json:"source"`
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	} `json:"run"`
	Decision struct {
		Kind      string   `json:"kind"`
		Reason    string   `json:"reason"`
		Reply     string   `json:"reply"`
		Tags      []string `json:"tags"`
		Citations []struct {
			Title string `json:"title"`
		} `json:"citations"`
	} `json:"decision"`
	Trace struct {
		ConfigVersion string `json:"config_version"`
		Signals       []struct {
			Name  string `json:"name"`
			Fired bool   `json:"fired"`
		} `json:"signals"`
		Chunks []struct {
			Title string `json:"title"`
			Used  bool   `json:"used"`
		} `json:"chunks"`
	} `json:"trace"`
	State string `json:"state"`
}

// shippingKB creates a knowledge base with one article and waits for it.
func shippingKB(t *testing.T, owner *user, ws int64) {
	var kb struct {
		ID int64 `json:"id"`
	}
	owner.must(201, "POST", wsPath(ws, "/knowledge-bases"), map[string]any{"name": "Help center"}).JSON(t, &kb)
	owner.must(201, "POST", wsPath(ws, "/knowledge-bases/"+itoa(kb.ID)+"/documents"), map[string]any{"kind": "text",
		"title": "Shipping times", "text": "Standard shipping takes 3 to 5 business days within the EU. " +
			"Express shipping arrives the next business day when you order before 2 pm."})
	owner.waitKnowledge(ws, kb.ID)
}

func TestPlaygroundRunsAndTraces(t *testing.T) {
	a := newAPI(t, guards{})
	a.startJobs()
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	shippingKB(t, owner, w.ID)
	viewer := owner.member(w.ID, "vera@acme.test", "viewer")

	msgs := []map[string]any{{"role": "customer", "text": "How long does standard shipping take?"}}
	body := map[string]any{"conversation_id": "c1", "channel": "chat", "customer": map[string]any{"name": "Ana Silva", "email": "ana@example.com"},
		"messages": msgs}
	require.Equal(t, 403, viewer.call("POST", wsPath(w.ID, "/playground/messages"), body).Status, "runs are for editors")
	var first playgroundJSON
	owner.must(200, "POST", wsPath(w.ID, "/playground/messages"), body).JSON(t, &first)
	require.Equal(t, "reply", first.Decision.Kind)
	require.Contains(t, first.Decision.Reply, "3 to 5 business days")
	require.Equal(t, "Shipping times", first.Decision.Citations[0].Title)
	require.True(t, first.Trace.Chunks[0].Used)
	require.Equal(t, "playground", first.Run.Source)
	require.Equal(t, "bot", first.State)

	msgs = append(msgs, map[string]any{"role": "bot", "text": first.Decision.Reply},
		map[string]any{"role": "customer", "text": "I want to talk to a real person"})
	body["messages"] = msgs
	var second playgroundJSON
	owner.must(200, "POST", wsPath(w.ID, "/playground/messages"), body).JSON(t, &second)
	require.Equal(t, "handover", second.Decision.Kind)
	require.Equal(t, "requested", second.Decision.Reason)
	require.Equal(t, "handed_over", second.State)
	fired := map[string]bool{}
	for _, s := range second.Trace.Signals {
		fired[s.Name] = s.Fired
	}
	require.True(t, fired["requested"])

	// Handed over: the next message is left alone until returned.
	msgs = append(msgs, map[string]any{"role": "customer", "text": "How long does express shipping take?"})
	body["messages"] = msgs
	var third playgroundJSON
	owner.must(200, "POST", wsPath(w.ID, "/playground/messages"), body).JSON(t, &third)
	require.Equal(t, "nothing", third.Decision.Kind)
	owner.must(204, "POST", wsPath(w.ID, "/playground/conversations/c1/return"), nil)
	owner.must(200, "POST", wsPath(w.ID, "/playground/messages"), body).JSON(t, &third)
	require.Equal(t, "reply", third.Decision.Kind)

	// Runs: listed newest first, filtered, and readable by a viewer with their trace.
	var runs []struct {
		ID       int64  `json:"id"`
		Key      string `json:"conversation_key"`
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
		Trace    any    `json:"trace"`
	}
	viewer.must(200, "GET", wsPath(w.ID, "/runs"), nil).JSON(t, &runs)
	require.Len(t, runs, 4)
	require.Equal(t, third.Run.ID, runs[0].ID)
	require.Nil(t, runs[0].Trace, "lists carry no traces")
	require.Equal(t, "playground:c1", runs[0].Key)
	viewer.must(200, "GET", wsPath(w.ID, "/runs?decision=handover&reason=requested"), nil).JSON(t, &runs)
	require.Len(t, runs, 1)
	require.Equal(t, second.Run.ID, runs[0].ID)
	viewer.must(200, "GET", wsPath(w.ID, "/runs?limit=1&before="+itoa(third.Run.ID)), nil).JSON(t, &runs)
	require.Len(t, runs, 1)
	require.Equal(t, "nothing", runs[0].Decision)
	r := viewer.call("GET", wsPath(w.ID, "/runs?decision=maybe"), nil)
	require.Equal(t, 422, r.Status)

	var full struct {
		ID    int64           `json:"id"`
		Trace json.RawMessage `json:"trace"`
		Input json.RawMessage `json:"input"`
	}
	viewer.must(200, "GET", wsPath(w.ID, "/runs/"+itoa(first.Run.ID)), nil).JSON(t, &full)
	require.Contains(t, string(full.Trace), `"retrieval"`)
	require.Contains(t, string(full.Input), "How long does standard shipping take?")

	var replay struct {
		Original struct {
			ID int64 `json:"id"`
		} `json:"original"`
		Replay struct {
			ReplayOf *int64 `json:"replay_of"`
			Decision string `json:"decision"`
		} `json:"replay"`
	}
	owner.must(200, "POST", wsPath(w.ID, "/runs/"+itoa(first.Run.ID)+"/replay"), nil).JSON(t, &replay)
	require.Equal(t, first.Run.ID, replay.Original.ID)
	require.Equal(t, first.Run.ID, *replay.Replay.ReplayOf)
	require.Equal(t, "reply", replay.Replay.Decision)

	// Another workspace sees none of it.
	other := owner.createWorkspace("other", nil)
	require.Equal(t, 404, owner.call("GET", wsPath(other.ID, "/runs/"+itoa(first.Run.ID)), nil).Status)
	owner.must(200, "GET", wsPath(other.ID, "/runs"), nil).JSON(t, &runs)
	require.Empty(t, runs)

	// Start over forgets the conversation's state.
	owner.must(204, "DELETE", wsPath(w.ID, "/playground/conversations/c1"), nil)
}

func TestPlaygroundRejectsBadConversations(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	path := wsPath(w.ID, "/playground/messages")
	r := owner.call("POST", path, map[string]any{"conversation_id": "", "channel": "pigeon", "business_hours": "never",
		"messages": []map[string]any{{"role": "boss", "text": ""}}})
	require.Equal(t, 422, r.Status)
	fields := r.Fields(t)
	for _, f := range []string{"conversation_id", "channel", "business_hours", "messages[0].role", "messages[0].text"} {
		require.Contains(t, fields, f)
	}
	r = owner.call("POST", path, map[string]any{"conversation_id": "c", "messages": []map[string]any{}})
	require.Equal(t, 422, r.Status)
	require.Contains(t, r.Fields(t), "messages")
	r = owner.call("POST", path, map[string]any{"conversation_id": "c", "messages": []map[string]any{{"role": "customer", "text": "hi"}},
		"secret": "x"})
	require.Equal(t, 422, r.Status)
	require.Equal(t, map[string]string{"secret": "is not a known field"}, r.Fields(t))
}

func TestAgentSettingsAPI(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	editor := owner.member(w.ID, "ed@acme.test", "editor")
	path := wsPath(w.ID, "/agent-settings")

	var s map[string]any
	editor.must(200, "GET", path, nil).JSON(t, &s)
	require.Equal(t, "auto", s["pii_masking"])
	require.NotEmpty(t, s["sensitive"])

	require.Equal(t, 403, editor.call("PUT", path, s).Status, "only admins change how Deskmate hands over")

	s["hours"] = map[string]any{"time_zone": "Mars/Olympus", "week": [][]string{{"9-5"}, {}, {}, {}, {}, {}, {}}, "holidays": []string{"xmas"}}
	s["pii_masking"] = "sometimes"
	r := owner.call("PUT", path, s)
	require.Equal(t, 422, r.Status)
	fields := r.Fields(t)
	for _, f := range []string{"hours.time_zone", "hours.week[0][0]", "hours.holidays[0]", "pii_masking"} {
		require.Contains(t, fields, f)
	}

	s["hours"] = map[string]any{"time_zone": "Europe/Paris", "week": [][]string{{"09:00-12:00", "14:00-18:00"}, {}, {}, {}, {}, {}, {}},
		"holidays": []string{"2026-12-25"}}
	s["pii_masking"] = "on"
	s["handover_closed"] = "We are closed and back {next_open}."
	owner.must(200, "PUT", path, s)
	var got map[string]any
	editor.must(200, "GET", path, nil).JSON(t, &got)
	require.Equal(t, "on", got["pii_masking"])
	require.Equal(t, "Europe/Paris", got["hours"].(map[string]any)["time_zone"])
}

func TestCheckChatAndCopilot(t *testing.T) {
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"x","object":"chat.completion","model":"tiny","choices":[{"index":0,` +
			`"message":{"role":"assistant","content":"{\"ok\":true}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3}}`))
	}))
	t.Cleanup(model.Close)
	guard, err := netguard.New([]string{"127.0.0.1"}, netguard.WithAllowListName("DESKMATE_MODEL_ALLOWLIST"))
	require.NoError(t, err)
	a := newAPI(t, guards{model: guard})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)

	// The built-in provider has no chat model and cannot translate.
	var check map[string]any
	owner.must(200, "POST", wsPath(w.ID, "/model-settings/check-chat"), nil).JSON(t, &check)
	require.Equal(t, false, check["ok"])
	require.Contains(t, check["error"], "built-in")
	r := owner.call("POST", wsPath(w.ID, "/copilot/translate"), map[string]any{"text": "Hola", "to": "en"})
	require.Equal(t, 409, r.Status)
	require.Equal(t, "translation_unavailable", r.ErrorCode(t))

	owner.must(200, "PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "openai", "base_url": model.URL + "/v1",
		"chat_model": "tiny", "api_key": "sk-test"})
	owner.must(200, "POST", wsPath(w.ID, "/model-settings/check-chat"), nil).JSON(t, &check)
	require.Equal(t, true, check["ok"], check)
	require.Equal(t, "openai/tiny", check["chat_model"])

	// Summaries work offline too; drafts change no conversation state.
	conv := map[string]any{"conversation_id": "t-1", "channel": "email", "messages": []map[string]any{
		{"role": "customer", "text": "My parcel arrived damaged. I sent photos yesterday."},
		{"role": "agent", "text": "Sorry about that, we are checking with the carrier."},
		{"role": "customer", "text": "Can I get a replacement instead of a refund?"}}}
	owner.must(200, "PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "builtin"})
	var sum struct {
		Text string `json:"text"`
	}
	owner.must(200, "POST", wsPath(w.ID, "/copilot/summarize"), conv).JSON(t, &sum)
	require.Contains(t, sum.Text, "replacement")
	var draft playgroundJSON
	owner.must(200, "POST", wsPath(w.ID, "/copilot/draft"), conv).JSON(t, &draft)
	require.Equal(t, "draft", draft.Run.Source)
}

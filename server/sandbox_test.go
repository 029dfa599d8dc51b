package server_test

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/sandbox"
)

// newSandboxAPI serves Deskmate over real HTTP with the sandbox's emulator,
// as `deskmate serve` does with DESKMATE_SANDBOX=true.
func newSandboxAPI(t *testing.T) (*api, *gorgiastest.Emulator) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	emu := gorgiastest.New(gorgiastest.Options{Accounts: []gorgiastest.AccountOptions{{Domain: sandbox.Domain, Bot: true}},
		Seed: true, RateLimit: gorgiastest.DefaultRateLimit()})
	require.NoError(t, emu.Start())
	t.Cleanup(emu.Close)
	guard, err := netguard.New(netguard.ParseAllowList(strings.TrimPrefix(emu.URL(), "http://")))
	require.NoError(t, err)
	a := newAPI(t, guards{gorgias: guard, emulator: emu, publicURL: "http://" + ln.Addr().String()})
	go func() { _ = a.srv.Serve(ln) }()
	t.Cleanup(func() { _ = a.srv.Shutdown(5 * time.Second) })
	return a, emu
}

type sandboxStatus struct {
	Available   bool   `json:"available"`
	WorkspaceID *int64 `json:"workspace_id"`
	Reason      string `json:"reason"`
}

func TestSandboxWorkspaceAnswersInItsInbox(t *testing.T) {
	a, _ := newSandboxAPI(t)
	a.startJobs()
	owner := a.owner()
	other := owner.createWorkspace("acme", nil)
	editor := owner.member(other.ID, "ed@acme.test", "editor")

	var st sandboxStatus
	owner.must(200, "GET", "/api/sandbox", nil).JSON(t, &st)
	require.True(t, st.Available)
	require.Nil(t, st.WorkspaceID)
	require.Equal(t, 403, editor.call("POST", "/api/sandbox", nil).Status, "the instance owner creates it")
	var created struct {
		WorkspaceID int64 `json:"workspace_id"`
	}
	owner.must(201, "POST", "/api/sandbox", nil).JSON(t, &created)
	owner.must(200, "GET", "/api/sandbox", nil).JSON(t, &st)
	require.Equal(t, created.WorkspaceID, *st.WorkspaceID)
	var again struct {
		WorkspaceID int64 `json:"workspace_id"`
	}
	owner.must(201, "POST", "/api/sandbox", nil).JSON(t, &again)
	require.Equal(t, created.WorkspaceID, again.WorkspaceID, "one sandbox workspace")
	editor.must(200, "GET", "/api/sandbox", nil).JSON(t, &st)
	require.Nil(t, st.WorkspaceID, "not a member: not shown")
	ws := created.WorkspaceID

	var conn struct {
		Status   string `json:"status"`
		Sandbox  bool   `json:"sandbox"`
		Settings struct {
			Mode string `json:"mode"`
		} `json:"settings"`
	}
	owner.must(200, "GET", wsPath(ws, "/gorgias/connection"), nil).JSON(t, &conn)
	require.Equal(t, "connected", conn.Status)
	require.True(t, conn.Sandbox)
	require.Equal(t, "draft", conn.Settings.Mode, "a new connection drafts first")

	var customers []sandbox.Customer
	owner.must(200, "GET", wsPath(ws, "/sandbox/customers"), nil).JSON(t, &customers)
	require.NotEmpty(t, customers)
	require.Equal(t, "jane@example.com", customers[0].Email)
	require.Positive(t, customers[0].Orders)

	var tk gorgias.Ticket
	owner.must(201, "POST", wsPath(ws, "/sandbox/messages"), map[string]any{"email": "jane@example.com", "name": "Jane Doe",
		"channel": "chat", "body": "Where is my order?"}).JSON(t, &tk)
	var note gorgias.Message
	require.Eventually(t, func() bool {
		var ts []gorgias.Ticket
		owner.must(200, "GET", wsPath(ws, "/sandbox/tickets"), nil).JSON(t, &ts)
		for _, got := range ts {
			if got.ID != tk.ID {
				continue
			}
			for _, m := range got.Messages {
				if m.Channel == gorgias.ChannelInternalNote && strings.HasPrefix(m.ExternalID, "deskmate:") {
					note = m
					return true
				}
			}
		}
		return false
	}, 60*time.Second, 100*time.Millisecond)
	require.Contains(t, note.BodyText, "ups.com", "the draft gives Jane's tracking link")

	var w sandbox.Widget
	owner.must(200, "GET", wsPath(ws, "/sandbox/tickets/"+itoa(tk.ID)+"/widget"), nil).JSON(t, &w)
	require.NotNil(t, w.Data, "the sidebar's data came from Deskmate")
	require.Equal(t, "reply", w.Data.LastDecision)
	labels := []string{}
	for _, b := range w.Buttons {
		labels = append(labels, b.Label)
	}
	require.ElementsMatch(t, []string{"Draft reply", "Instructions", "Translate", "Summarize"}, labels)
	var res gorgiastest.ActionResult
	owner.must(200, "POST", wsPath(ws, "/sandbox/tickets/"+itoa(tk.ID)+"/clicks"), map[string]any{"label": "Summarize"}).JSON(t, &res)
	require.Equal(t, "success", res.Status, "%+v", res)

	// Agents act in the inbox.
	owner.must(204, "POST", wsPath(ws, "/sandbox/tickets/"+itoa(tk.ID)+"/tags"), map[string]any{"add": []string{"vip"}})
	owner.must(204, "PUT", wsPath(ws, "/sandbox/tickets/"+itoa(tk.ID)+"/assignee"), map[string]any{"user_id": nil})
	owner.must(201, "POST", wsPath(ws, "/sandbox/tickets/"+itoa(tk.ID)+"/replies"), map[string]any{"body": "On its way!"})
	owner.must(204, "POST", wsPath(ws, "/sandbox/tickets/"+itoa(tk.ID)+"/close"), nil)
	r := owner.call("POST", wsPath(ws, "/sandbox/messages"), map[string]any{"email": "not-an-email", "body": ""})
	require.Equal(t, 422, r.Status)
	require.Equal(t, 404, owner.call("GET", wsPath(ws, "/sandbox/tickets/999999/widget"), nil).Status)

	// Another workspace has no sandbox inbox; outsiders see nothing.
	require.Equal(t, 409, owner.call("GET", wsPath(other.ID, "/sandbox/tickets"), nil).Status)
	require.Equal(t, 404, editor.call("GET", wsPath(ws, "/sandbox/tickets"), nil).Status)

	// The checklist shows the connection.
	var steps struct {
		Steps []struct {
			Key  string `json:"key"`
			Done bool   `json:"done"`
		} `json:"steps"`
	}
	owner.must(200, "GET", wsPath(ws, "/getting-started"), nil).JSON(t, &steps)
	done := map[string]bool{}
	for _, s := range steps.Steps {
		done[s.Key] = s.Done
	}
	require.True(t, done["gorgias"])
	require.True(t, done["drafts"])
	require.False(t, done["knowledge"])
	require.False(t, done["autopilot"])
}

func TestSandboxStartsAfreshAfterARestart(t *testing.T) {
	a, emu := newSandboxAPI(t)
	a.startJobs()
	owner := a.owner()
	var created struct {
		WorkspaceID int64 `json:"workspace_id"`
	}
	owner.must(201, "POST", "/api/sandbox", nil).JSON(t, &created)
	ws := created.WorkspaceID
	draftOn := func(id int64) bool {
		var ts []gorgias.Ticket
		owner.must(200, "GET", wsPath(ws, "/sandbox/tickets"), nil).JSON(t, &ts)
		for _, got := range ts {
			for _, m := range got.Messages {
				if got.ID == id && strings.HasPrefix(m.ExternalID, "deskmate:") {
					return true
				}
			}
		}
		return false
	}
	body := map[string]any{"email": "jane@example.com", "channel": "chat", "body": "Where is my order?"}
	var tk gorgias.Ticket
	owner.must(201, "POST", wsPath(ws, "/sandbox/messages"), body).JSON(t, &tk)
	require.Eventually(t, func() bool { return draftOn(tk.ID) }, 60*time.Second, 100*time.Millisecond)

	// A restart: the emulator forgets everything (its ids start again) and
	// Deskmate reconnects the workspace.
	emu.Reset()
	require.NoError(t, a.deps.Sandbox.Restore(ctx(t)))
	var again gorgias.Ticket
	owner.must(201, "POST", wsPath(ws, "/sandbox/messages"), body).JSON(t, &again)
	require.Equal(t, tk.ID, again.ID, "the same ids as before the restart")
	require.Eventually(t, func() bool { return draftOn(again.ID) }, 60*time.Second, 100*time.Millisecond,
		"answered: nothing kept from before the restart stands in the way")
}

func TestSandboxOffSaysHowToTurnItOn(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	var st sandboxStatus
	owner.must(200, "GET", "/api/sandbox", nil).JSON(t, &st)
	require.False(t, st.Available)
	require.Contains(t, st.Reason, "DESKMATE_SANDBOX=true")
	r := owner.call("POST", "/api/sandbox", nil)
	require.Equal(t, 409, r.Status)
}

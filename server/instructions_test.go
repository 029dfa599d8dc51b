package server_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

type instructionResp struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Text     string `json:"text"`
	Enabled  bool   `json:"enabled"`
	Position int    `json:"position"`
	Version  int    `json:"version"`
}

func TestInstructions(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	path := func(p string) string { return wsPath(w.ID, p) }

	var tone, refunds instructionResp
	owner.must(201, "POST", path("/instructions"), map[string]any{"title": "Tone", "text": "Be warm and brief."}).JSON(t, &tone)
	require.True(t, tone.Enabled)
	require.Equal(t, 1, tone.Version)
	owner.must(201, "POST", path("/instructions"), map[string]any{"title": "Refunds", "text": "Never promise a refund."}).JSON(t, &refunds)
	r := owner.must(422, "POST", path("/instructions"), map[string]any{"title": "", "text": string(make([]byte, 2001))})
	require.Equal(t, "is required", r.Fields(t)["title"])
	require.Contains(t, r.Fields(t)["text"], "at most 2000")

	// Each save is a new version; the history keeps every one.
	owner.must(200, "PATCH", path("/instructions/"+itoa(tone.ID)), map[string]any{"text": "Be warm."}).JSON(t, &tone)
	require.Equal(t, 2, tone.Version)
	owner.must(200, "PATCH", path("/instructions/"+itoa(tone.ID)), map[string]any{"enabled": false}).JSON(t, &tone)
	require.Equal(t, 3, tone.Version)
	var revs []struct {
		Version int    `json:"version"`
		Text    string `json:"text"`
		Enabled bool   `json:"enabled"`
		SavedBy string `json:"saved_by"`
	}
	owner.must(200, "GET", path("/instructions/"+itoa(tone.ID)+"/revisions"), nil).JSON(t, &revs)
	require.Len(t, revs, 3)
	require.Equal(t, 3, revs[0].Version)
	require.False(t, revs[0].Enabled)
	require.Equal(t, "Be warm and brief.", revs[2].Text)
	require.Equal(t, "owner@deskmate.test", revs[2].SavedBy)

	// Order.
	var list []instructionResp
	owner.must(200, "GET", path("/instructions"), nil).JSON(t, &list)
	require.Equal(t, []int64{tone.ID, refunds.ID}, []int64{list[0].ID, list[1].ID})
	owner.must(200, "PUT", path("/instructions/order"), map[string]any{"ids": []int64{refunds.ID, tone.ID}}).JSON(t, &list)
	require.Equal(t, []int64{refunds.ID, tone.ID}, []int64{list[0].ID, list[1].ID})
	owner.must(200, "GET", path("/instructions"), nil).JSON(t, &list)
	require.Equal(t, refunds.ID, list[0].ID)
	r = owner.must(422, "PUT", path("/instructions/order"), map[string]any{"ids": []int64{refunds.ID}})
	require.Contains(t, r.Fields(t)["ids"], "every instruction")

	// Per-ticket instructions.
	var ti struct {
		ID       int64  `json:"id"`
		TicketID string `json:"ticket_id"`
		Text     string `json:"text"`
	}
	owner.must(201, "POST", path("/tickets/48213/instructions"), map[string]any{"text": "Offer a 10% voucher."}).JSON(t, &ti)
	require.Equal(t, "48213", ti.TicketID)
	owner.must(422, "POST", path("/tickets/48213/instructions"), map[string]any{"text": "  "})
	var tlist []struct{ Text string }
	owner.must(200, "GET", path("/tickets/48213/instructions"), nil).JSON(t, &tlist)
	require.Len(t, tlist, 1)
	owner.must(200, "GET", path("/tickets/99/instructions"), nil).JSON(t, &tlist)
	require.Empty(t, tlist)

	owner.must(204, "DELETE", path("/instructions/"+itoa(tone.ID)), nil)
	owner.must(404, "GET", path("/instructions/"+itoa(tone.ID)+"/revisions"), nil)
}

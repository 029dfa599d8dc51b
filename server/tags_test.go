package server_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

type tagConfig struct {
	Managed  []string `json:"managed"`
	Excluded []string `json:"excluded"`
	System   []struct {
		Key, Name, Default string
	} `json:"system"`
	Smart []struct {
		ID         int64  `json:"id"`
		Name       string `json:"name"`
		PostAction string `json:"post_action"`
	} `json:"smart"`
}

func (c tagConfig) systemName(key string) string {
	for _, s := range c.System {
		if s.Key == key {
			return s.Name
		}
	}
	return ""
}

func TestTagConfiguration(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", map[string]any{"managed_tags": []string{"deskmate"}})
	path := func(p string) string { return wsPath(w.ID, p) }

	var cfg tagConfig
	owner.must(200, "GET", path("/tags"), nil).JSON(t, &cfg)
	require.Equal(t, []string{"deskmate"}, cfg.Managed)
	require.Empty(t, cfg.Excluded)
	require.Len(t, cfg.System, 10)
	require.Equal(t, "ai-handled", cfg.systemName("handled_by"))
	require.Equal(t, "need-human-help", cfg.systemName("need_human_help"))

	// Managed and excluded never overlap, whichever is saved second.
	r := owner.must(422, "PUT", path("/tags/excluded"), map[string]any{"tags": []string{"spam", "DeskMate"}})
	require.Equal(t, `tag "DeskMate" is managed by this workspace: a tag cannot be both managed and excluded`, r.Fields(t)["excluded"])
	owner.must(200, "PUT", path("/tags/excluded"), map[string]any{"tags": []string{"spam", "vip-block", "Spam"}}).JSON(t, &cfg)
	require.Equal(t, []string{"spam", "vip-block"}, cfg.Excluded)
	r = owner.must(422, "PATCH", wsPath(w.ID, ""), map[string]any{"managed_tags": []string{"deskmate", "VIP-BLOCK"}})
	require.Equal(t, `tag "VIP-BLOCK" is excluded in this workspace: a tag cannot be both managed and excluded`, r.Fields(t)["managed_tags"])
	owner.must(200, "PATCH", wsPath(w.ID, ""), map[string]any{"managed_tags": []string{"deskmate", "returns"}})
	owner.must(200, "PATCH", wsPath(w.ID, ""), map[string]any{"name": "Acme EU"})

	// Names are unique across excluded, system and smart tags.
	r = owner.must(422, "POST", path("/tags/smart"), map[string]any{"name": "VIP-block"})
	require.Equal(t, `"VIP-block" is already the name of excluded tag "vip-block"`, r.Fields(t)["name"])
	r = owner.must(422, "POST", path("/tags/smart"), map[string]any{"name": "AI-handled"})
	require.Equal(t, `"AI-handled" is already the name of system tag handled_by ("ai-handled")`, r.Fields(t)["name"])
	var smart struct {
		ID         int64  `json:"id"`
		Name       string `json:"name"`
		PostAction string `json:"post_action"`
	}
	owner.must(201, "POST", path("/tags/smart"), map[string]any{"name": "refund-request",
		"description": "The customer asks for a refund", "instructions": "Ask for the order number.", "post_action": "handover"}).JSON(t, &smart)
	require.Equal(t, "handover", smart.PostAction)
	r = owner.must(422, "POST", path("/tags/smart"), map[string]any{"name": "Refund-Request"})
	require.Contains(t, r.Fields(t)["name"], `smart tag "refund-request"`)
	r = owner.must(422, "POST", path("/tags/smart"), map[string]any{"name": "x", "post_action": "delete"})
	require.Contains(t, r.Fields(t)["post_action"], "must be one of")

	r = owner.must(422, "PUT", path("/tags/system"), map[string]any{"names": map[string]string{"handled_by": "Refund-Request"}})
	require.Equal(t, `"Refund-Request" is already the name of smart tag "refund-request"`, r.Fields(t)["names.handled_by"])
	r = owner.must(422, "PUT", path("/tags/system"), map[string]any{"names": map[string]string{"handled_by": "need-human-help"}})
	require.Contains(t, r.Fields(t)["names.handled_by"], "system tag need_human_help")
	r = owner.must(422, "PUT", path("/tags/system"), map[string]any{"names": map[string]string{"handled_by": "spam"}})
	require.Contains(t, r.Fields(t)["names.handled_by"], `excluded tag "spam"`)
	r = owner.must(422, "PUT", path("/tags/system"), map[string]any{"names": map[string]string{"made_up": "x"}})
	require.Contains(t, r.Fields(t)["names.made_up"], "is not a system tag")
	owner.must(200, "PUT", path("/tags/system"), map[string]any{"names": map[string]string{"handled_by": "deskmate-done"}}).JSON(t, &cfg)
	require.Equal(t, "deskmate-done", cfg.systemName("handled_by"))
	r = owner.must(422, "PUT", path("/tags/excluded"), map[string]any{"tags": []string{"Deskmate-Done"}})
	require.Contains(t, r.Fields(t)["excluded"], "system tag handled_by")
	// The old default name is free again.
	owner.must(200, "PATCH", path("/tags/smart/"+itoa(smart.ID)), map[string]any{"name": "ai-handled"}).JSON(t, &smart)
	require.Equal(t, "ai-handled", smart.Name)
	require.Equal(t, "handover", smart.PostAction)
	// Renaming a smart tag to its own name (other case) is fine.
	owner.must(200, "PATCH", path("/tags/smart/"+itoa(smart.ID)), map[string]any{"name": "AI-Handled"})

	var list []struct{ Name string }
	owner.must(200, "GET", path("/tags/smart"), nil).JSON(t, &list)
	require.Len(t, list, 1)
	owner.must(204, "DELETE", path("/tags/smart/"+itoa(smart.ID)), nil)
	owner.must(404, "PATCH", path("/tags/smart/"+itoa(smart.ID)), map[string]any{"name": "x"})
	owner.must(200, "GET", path("/tags"), nil).JSON(t, &cfg)
	require.Empty(t, cfg.Smart)
	require.Equal(t, []string{"deskmate", "returns"}, cfg.Managed)
}

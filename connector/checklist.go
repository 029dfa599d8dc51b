package connector

import (
	"context"
	"fmt"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/store"
)

// ChecklistStep is one step of getting started, as the workspace stands.
type ChecklistStep struct {
	Key    string `json:"key"`
	Done   bool   `json:"done"`
	Detail string `json:"detail"`
}

// Checklist is the getting-started checklist of a workspace, in order:
// knowledge, automations, the playground, a Gorgias (or sandbox)
// connection, first tickets in draft mode, then auto-pilot.
func (s *Service) Checklist(ctx context.Context, actor account.Actor) ([]ChecklistStep, error) {
	n, err := store.ChecklistCountsOf(ctx, s.db.Pool, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	c, set, err := s.connection(ctx, s.db.Pool, actor.WorkspaceID)
	if err != nil {
		return nil, err
	}
	conn := "not connected"
	switch {
	case c.Status != "disconnected" && c.Sandbox:
		conn = "connected to the sandbox (" + c.Status + ")"
	case c.Status != "disconnected":
		conn = "connected (" + c.Status + ")"
	}
	trained := fmt.Sprintf("%d active automations", n.Automations)
	if n.Automations > 0 && !n.Trained {
		trained += ", not trained yet"
	}
	autopilot := set.Mode == ModeAutopilot && c.Status == "connected"
	return []ChecklistStep{
		{Key: "knowledge", Done: n.Documents > 0, Detail: plural(n.Documents, "document") + " ready"},
		{Key: "automations", Done: n.Automations > 0 && n.Trained, Detail: trained},
		{Key: "playground", Done: n.PlaygroundRuns > 0, Detail: plural(n.PlaygroundRuns, "playground message") + " answered"},
		{Key: "gorgias", Done: c.Status != "disconnected", Detail: conn},
		{Key: "drafts", Done: n.Drafts > 0, Detail: plural(n.Drafts, "draft") + " posted on " + plural(n.TicketRuns, "ticket decision")},
		{Key: "autopilot", Done: autopilot && n.PublicReplies > 0,
			Detail: map[bool]string{true: "auto-pilot on", false: "draft mode"}[autopilot] + ", " + plural(n.PublicReplies, "reply") + " sent"},
	}, nil
}

func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if word == "reply" {
		return fmt.Sprintf("%d replies", n)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

package connector

import (
	"context"
	"errors"
	"fmt"

	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/store"
)

// ProcessTicket answers one customer message (the job queued by its
// webhook, after the quiet period): it re-reads the ticket, checks that
// Deskmate should act, runs the agent and carries out its decision.
func (s *Service) ProcessTicket(ctx context.Context, task TicketTask) error {
	c, set, err := s.connection(ctx, s.db.Pool, task.WorkspaceID)
	if err != nil || c.Status != "connected" {
		return err // paused or disconnected since: nothing to do
	}
	cause := MessageCause(task.MessageID)
	// A job run again after its decision was taken carries the stored plan
	// out instead of deciding again.
	if done, err := store.GorgiasActionsOfCause(ctx, s.db.Pool, task.WorkspaceID, task.TicketID, cause); err != nil {
		return err
	} else if len(done) > 0 {
		if delayedPlan(done, set) {
			return nil // its own job sends it when the delay is over
		}
		return s.sendPlan(ctx, PlanTask{WorkspaceID: task.WorkspaceID, TicketID: task.TicketID, Cause: cause}, false)
	}
	cl, err := s.client(ctx, c)
	if err != nil {
		return s.noteError(ctx, task.WorkspaceID, err)
	}
	t, err := cl.Ticket(ctx, task.TicketID)
	if errors.Is(err, gorgias.ErrNotFound) {
		return nil // deleted
	}
	if err != nil {
		return s.noteError(ctx, task.WorkspaceID, fmt.Errorf("read ticket %d: %w", task.TicketID, err))
	}
	actor := systemActor(task.WorkspaceID)
	tags, err := s.automations.TagConfig(ctx, actor)
	if err != nil {
		return err
	}
	// An agent may have given the ticket back without Gorgias telling
	// Deskmate (no ticket-updated delivery): the ticket says so.
	if err := s.returnIfGivenBack(ctx, t, c, tags); err != nil {
		return err
	}
	idx, why := eligible(t, task.MessageID, c, set, tags)
	if why != "" {
		return store.NoteGorgiasDecision(ctx, s.db.Pool, task.WorkspaceID, task.TicketID, nil, "nothing", why)
	}
	rec, err := store.GorgiasTicketOf(ctx, s.db.Pool, task.WorkspaceID, task.TicketID)
	if err != nil {
		return err
	}
	conv := conversation(t, idx, botID(c), rec.Instructions)
	res, err := s.agent.Decide(ctx, actor, conv, agent.RunOptions{Source: agent.SourceTicket})
	if err != nil {
		return err
	}
	if err := store.NoteGorgiasDecision(ctx, s.db.Pool, task.WorkspaceID, task.TicketID, &res.Run.ID,
		string(res.Decision.Kind), res.Decision.Reason); err != nil {
		return err
	}
	p := plan(res.Decision, t, t.Messages[idx], c, set, tags)
	return s.carryOut(ctx, task.WorkspaceID, task.TicketID, cause, res.Run.ID, p, set)
}

// eligible finds the message to answer in the ticket and says why Deskmate
// leaves it alone ("" when it does not): only a customer's latest message,
// not yet answered, on a channel Deskmate answers on, on a ticket that is
// not a person's, not spam, without the not-involved tag.
func eligible(t gorgias.Ticket, messageID int64, c store.GorgiasConnection, set Settings, tags automation.TagConfig) (int, string) {
	idx := -1
	for i, m := range t.Messages {
		if m.ID == messageID {
			idx = i
		}
	}
	if idx < 0 {
		return -1, "the message is no longer on the ticket"
	}
	m := t.Messages[idx]
	switch {
	case m.FromAgent || isNote(m):
		return idx, "not a customer message"
	case m.Sender != nil && t.Customer != nil && m.Sender.ID != 0 && t.Customer.ID != 0 && m.Sender.ID != t.Customer.ID:
		return idx, "not written by the ticket's customer"
	case t.Spam:
		return idx, "spam"
	}
	for _, later := range t.Messages[idx+1:] {
		switch {
		case isNote(later):
		case !later.FromAgent:
			return idx, "a newer customer message follows: it is answered instead"
		default:
			return idx, "already answered (by an agent, a rule, a macro or Deskmate)"
		}
	}
	if !set.answers(t.Channel) {
		return idx, "Deskmate does not answer on the " + t.Channel + " channel"
	}
	bot := botID(c)
	assignee := int64(0)
	if t.AssigneeUser != nil {
		assignee = t.AssigneeUser.ID
	} else if t.AssigneeUserID != nil {
		assignee = *t.AssigneeUserID
	}
	switch {
	case assignee != 0 && assignee != bot:
		return idx, "assigned to a person"
	case assignee == 0 && !set.HandleUnassigned:
		return idx, "not assigned to Deskmate"
	}
	if t.HasTag(systemTag(tags, "not_involved")) {
		return idx, "an agent keeps Deskmate out (not-involved tag)"
	}
	return idx, ""
}

// botID is the bot user's id, 0 when none is chosen.
func botID(c store.GorgiasConnection) int64 {
	if c.BotUserID == nil {
		return 0
	}
	return *c.BotUserID
}

// systemTag is a system tag's name in the workspace.
func systemTag(tags automation.TagConfig, key string) string {
	for _, t := range tags.System {
		if t.Key == key {
			return t.Name
		}
	}
	return automation.DefaultSystemTagName(key)
}

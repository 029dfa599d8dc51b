package connector

import (
	"context"
	"errors"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/store"
)

// systemActor is Deskmate acting on a workspace's tickets.
func systemActor(workspaceID int64) account.Actor { return account.System(workspaceID, "gorgias") }

// CheckTicket looks at a ticket an agent changed (the job of ticket-updated
// events): a ticket Deskmate handed over goes back to it when an agent
// removed the agent-required tag and assigned it to the bot user. Deskmate
// then answers the customer's next message.
func (s *Service) CheckTicket(ctx context.Context, task TicketTask) error {
	c, _, err := s.connection(ctx, s.db.Pool, task.WorkspaceID)
	if err != nil || c.Status != "connected" || c.BotUserID == nil {
		return err
	}
	key := conversationKey(task.TicketID)
	conv, err := store.ConversationByKey(ctx, s.db.Pool, task.WorkspaceID, key)
	if errors.Is(err, store.ErrNotFound) || (err == nil && conv.State == "bot") {
		return nil
	}
	if err != nil {
		return err
	}
	cl, err := s.client(ctx, c)
	if err != nil {
		return s.noteError(ctx, task.WorkspaceID, err)
	}
	t, err := cl.Ticket(ctx, task.TicketID)
	if errors.Is(err, gorgias.ErrNotFound) {
		return nil
	}
	if err != nil {
		return s.noteError(ctx, task.WorkspaceID, err)
	}
	actor := systemActor(task.WorkspaceID)
	tags, err := s.automations.TagConfig(ctx, actor)
	if err != nil {
		return err
	}
	return s.returnIfGivenBack(ctx, t, c, tags)
}

// returnIfGivenBack gives a handed-over conversation back to Deskmate when
// the ticket no longer has the agent-required tag and is assigned to the
// bot user.
func (s *Service) returnIfGivenBack(ctx context.Context, t gorgias.Ticket, c store.GorgiasConnection, tags automation.TagConfig) error {
	if c.BotUserID == nil || t.HasTag(systemTag(tags, "agent_required")) || t.AssigneeUser == nil || t.AssigneeUser.ID != *c.BotUserID {
		return nil
	}
	key := conversationKey(t.ID)
	conv, err := store.ConversationByKey(ctx, s.db.Pool, c.WorkspaceID, key)
	if errors.Is(err, store.ErrNotFound) || (err == nil && conv.State == "bot") {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.agent.ReturnToBot(ctx, systemActor(c.WorkspaceID), key); err != nil {
		return err
	}
	return store.NoteGorgiasDecision(ctx, s.db.Pool, c.WorkspaceID, t.ID, nil, "returned", "an agent gave the ticket back to Deskmate")
}

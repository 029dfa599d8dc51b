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
	if handed, err := s.handedOver(ctx, task.WorkspaceID, task.TicketID); err != nil || !handed {
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
	tags, err := s.automations.TagConfig(ctx, systemActor(task.WorkspaceID))
	if err != nil || !givenBack(t, c, tags) {
		return err
	}
	return s.returnToBot(ctx, c.WorkspaceID, t.ID)
}

// returnIfGivenBack gives a handed-over conversation back to Deskmate when
// an agent gave its ticket back (givenBack).
func (s *Service) returnIfGivenBack(ctx context.Context, t gorgias.Ticket, c store.GorgiasConnection, tags automation.TagConfig) error {
	if !givenBack(t, c, tags) {
		return nil
	}
	if handed, err := s.handedOver(ctx, c.WorkspaceID, t.ID); err != nil || !handed {
		return err
	}
	return s.returnToBot(ctx, c.WorkspaceID, t.ID)
}

// givenBack says whether the ticket no longer has the agent-required tag
// and is assigned to the bot user.
func givenBack(t gorgias.Ticket, c store.GorgiasConnection, tags automation.TagConfig) bool {
	return c.BotUserID != nil && !t.HasTag(systemTag(tags, "agent_required")) && t.AssigneeUser != nil &&
		t.AssigneeUser.ID == *c.BotUserID
}

// handedOver says whether Deskmate handed the ticket's conversation over
// (or suspended it) and does not have it back yet.
func (s *Service) handedOver(ctx context.Context, workspaceID, ticketID int64) (bool, error) {
	conv, err := s.agent.ConversationState(ctx, systemActor(workspaceID), conversationKey(ticketID))
	return err == nil && conv.State != "bot", err
}

// returnToBot gives the ticket's conversation back to Deskmate and says so
// on the ticket's record.
func (s *Service) returnToBot(ctx context.Context, workspaceID, ticketID int64) error {
	if err := s.agent.ReturnToBot(ctx, systemActor(workspaceID), conversationKey(ticketID)); err != nil {
		return err
	}
	return store.NoteGorgiasDecision(ctx, s.db.Pool, workspaceID, ticketID, nil, "returned", "an agent gave the ticket back to Deskmate")
}

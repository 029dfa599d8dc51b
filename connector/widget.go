package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/lang"
	"github.com/deskmate/deskmate/store"
)

// The sidebar widget: Gorgias reads Deskmate's data for a ticket through
// the sidebar integration, and its buttons post here. A button's answer is
// not shown to the agent, so its work runs as a job and its result arrives
// as an internal note on the ticket.

// Widget actions.
const (
	ActionDraft        = "draft"
	ActionInstructions = "instructions"
	ActionTranslate    = "translate"
	ActionSummarize    = "summarize"
)

// ErrTicketNotFound says a ticket is not one of the workspace's.
var ErrTicketNotFound = errors.New("no such ticket in this workspace's Gorgias account")

// WidgetData is what the sidebar shows for a ticket.
func (s *Service) WidgetData(ctx context.Context, workspaceID int64, secret string, ticketID int64) (gorgias.SidebarData, error) {
	c, err := s.Authenticate(ctx, workspaceID, secret)
	if err != nil {
		return gorgias.SidebarData{}, err
	}
	rec, err := store.GorgiasTicketOf(ctx, s.db.Pool, workspaceID, ticketID)
	if err != nil {
		return gorgias.SidebarData{}, err
	}
	out := gorgias.SidebarData{LastDecision: rec.LastDecision, Reason: rec.LastReason, Summary: rec.Summary,
		Status: "Deskmate answers this ticket"}
	if rec.LastRunID != nil {
		out.TraceURL = s.publicURL + "/conversations/" + strconv.FormatInt(*rec.LastRunID, 10)
	}
	conv, err := store.ConversationByKey(ctx, s.db.Pool, workspaceID, conversationKey(ticketID))
	switch {
	case c.Status == "paused":
		out.Status = "Deskmate is paused"
	case err == nil && conv.State == "handed_over":
		out.Status = "Handed over to a person (" + conv.HandoverReason + ")"
	case err == nil && conv.State == "suspended":
		out.Status = "Deskmate is suspended on this ticket"
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return out, err
	}
	return out, nil
}

// Button is a sidebar button press.
type Button struct {
	Action     string
	TicketID   int64
	AgentEmail string
	Text       string // Instructions
	Language   string // Translate
}

// PressButton checks a button press (the workspace's secret, a ticket of
// its account, the button's fields) and queues its work.
func (s *Service) PressButton(ctx context.Context, workspaceID int64, secret string, b Button) error {
	c, err := s.Authenticate(ctx, workspaceID, secret)
	if err != nil {
		return err
	}
	v := validate.Errors{}
	v.OneOf("action", b.Action, ActionDraft, ActionInstructions, ActionTranslate, ActionSummarize)
	if b.TicketID <= 0 {
		v.Add("ticket_id", "is required")
	}
	b.Text = strings.TrimSpace(b.Text)
	if b.Action == ActionInstructions {
		v.Length(gorgias.ParamInstructions, b.Text, 1, 2000)
	}
	if b.Action == ActionTranslate && lang.Name(b.Language) == "" {
		v.Add(gorgias.ParamLanguage, "must be a language code such as en, fr or de")
	}
	v.Length("agent_email", b.AgentEmail, 0, 320)
	if err := v.Err(); err != nil {
		return err
	}
	if c.Status == "disconnected" {
		return ErrNotConnected
	}
	cl, err := s.client(ctx, c)
	if err != nil {
		return err
	}
	if _, err := cl.Ticket(ctx, b.TicketID); errors.Is(err, gorgias.ErrNotFound) {
		return ErrTicketNotFound
	} else if err != nil {
		return s.noteError(ctx, workspaceID, err)
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		if b.Action == ActionInstructions {
			if err := store.AddGorgiasInstruction(ctx, tx, workspaceID, b.TicketID, b.Text); err != nil {
				return err
			}
		}
		return s.queue.WidgetAction(ctx, tx, WidgetTask{WorkspaceID: workspaceID, TicketID: b.TicketID, Action: b.Action,
			Text: b.Text, Language: b.Language, AgentEmail: b.AgentEmail, Cause: "w" + randomHex(8)})
	})
}

// RunWidgetAction does a button's work and posts its result as an
// internal note (the job).
func (s *Service) RunWidgetAction(ctx context.Context, task WidgetTask) error {
	c, _, err := s.connection(ctx, s.db.Pool, task.WorkspaceID)
	if err != nil || c.Status == "disconnected" {
		return err
	}
	rows, err := store.GorgiasActionsOfCause(ctx, s.db.Pool, task.WorkspaceID, task.TicketID, task.Cause)
	if err != nil {
		return err
	}
	cl, err := s.client(ctx, c)
	if err != nil {
		return s.noteError(ctx, task.WorkspaceID, err)
	}
	if len(rows) == 0 {
		text, err := s.widgetNote(ctx, cl, c, task)
		if errors.Is(err, gorgias.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		st := step{Action: stepMessage, Message: note(text, botID(c))}
		detail, err := json.Marshal(st)
		if err != nil {
			return err
		}
		if err := store.ClaimGorgiasAction(ctx, s.db.Pool, store.GorgiasAction{WorkspaceID: task.WorkspaceID,
			TicketID: task.TicketID, Cause: task.Cause, Action: stepMessage,
			ExternalID: externalID(task.TicketID, task.Cause, stepMessage), Detail: detail}); err != nil {
			return err
		}
	}
	return s.sendPlan(ctx, PlanTask{WorkspaceID: task.WorkspaceID, TicketID: task.TicketID, Cause: task.Cause}, false)
}

// widgetNote computes a button's note.
func (s *Service) widgetNote(ctx context.Context, cl *gorgias.Client, c store.GorgiasConnection, task WidgetTask) (string, error) {
	t, err := cl.Ticket(ctx, task.TicketID)
	if err != nil {
		return "", err
	}
	rec, err := store.GorgiasTicketOf(ctx, s.db.Pool, task.WorkspaceID, task.TicketID)
	if err != nil {
		return "", err
	}
	conv := conversation(t, len(t.Messages)-1, botID(c), rec.Instructions)
	if len(conv.Messages) == 0 {
		return "Deskmate found no message to work on in this ticket.", nil
	}
	actor := systemActor(task.WorkspaceID)
	switch task.Action {
	case ActionSummarize:
		sum, err := s.agent.Summarize(ctx, actor, conv)
		if err != nil {
			return "", err
		}
		if err := store.SetGorgiasSummary(ctx, s.db.Pool, task.WorkspaceID, task.TicketID, sum.Text()); err != nil {
			return "", err
		}
		return "Deskmate summary\n\n" + sum.Text(), nil
	case ActionTranslate:
		last := conv.Messages[len(conv.Messages)-1]
		for _, m := range conv.Messages {
			if m.Role == agent.RoleCustomer {
				last = m
			}
		}
		out, err := s.agent.Translate(ctx, actor, last.Text, task.Language)
		if errors.Is(err, agent.ErrNoTranslation) {
			return "Deskmate cannot translate: " + err.Error(), nil
		}
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Deskmate translation into %s of the customer's last message\n\n%s", lang.Name(task.Language), out), nil
	default: // draft, and a draft after new instructions
		res, err := s.agent.Draft(ctx, actor, conv)
		if err != nil {
			return "", err
		}
		if err := store.NoteGorgiasDecision(ctx, s.db.Pool, task.WorkspaceID, task.TicketID, &res.Run.ID,
			string(res.Decision.Kind), res.Decision.Reason); err != nil {
			return "", err
		}
		if res.Decision.Kind == agent.Nothing {
			return "Deskmate has no draft: " + res.Decision.Explanation, nil
		}
		return draftNote(res.Decision), nil
	}
}

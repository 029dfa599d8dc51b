package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/store"
)

// carryOut stores a plan under its cause and carries it out now, or at the
// end of the reply delay when it sends something to the customer.
func (s *Service) carryOut(ctx context.Context, workspaceID, ticketID int64, cause string, runID int64, steps []step, set Settings) error {
	if len(steps) == 0 {
		return nil
	}
	delay := time.Duration(set.ReplyDelaySeconds) * time.Second
	delayed := delay > 0 && steps[0].Action == stepMessage && steps[0].Public
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		for _, st := range steps {
			detail, err := json.Marshal(st)
			if err != nil {
				return err
			}
			if err := store.ClaimGorgiasAction(ctx, tx, store.GorgiasAction{WorkspaceID: workspaceID, TicketID: ticketID,
				Cause: cause, Action: st.Action, ExternalID: externalID(ticketID, cause, st.Action), RunID: &runID,
				Detail: detail}); err != nil {
				return err
			}
		}
		if !delayed {
			return nil
		}
		return s.queue.SendPlan(ctx, tx, PlanTask{WorkspaceID: workspaceID, TicketID: ticketID, Cause: cause,
			At: time.Now().Add(delay)})
	})
	if err != nil || delayed {
		return err
	}
	return s.sendPlan(ctx, PlanTask{WorkspaceID: workspaceID, TicketID: ticketID, Cause: cause}, false)
}

// delayedPlan reports whether stored actions wait for the reply delay (a
// plan that starts with a public message, with a delay set).
func delayedPlan(rows []store.GorgiasAction, set Settings) bool {
	if set.ReplyDelaySeconds == 0 || len(rows) == 0 || rows[0].Action != stepMessage {
		return false
	}
	var st step
	return json.Unmarshal(rows[0].Detail, &st) == nil && st.Public
}

// externalID marks what Deskmate posts in Gorgias, so that a retried post
// finds the one already made, and Deskmate's own messages are recognised.
func externalID(ticketID int64, cause, action string) string {
	return "deskmate:" + strconv.FormatInt(ticketID, 10) + ":" + cause + ":" + action
}

// SendPlan carries out a delayed plan (the job), unless an agent replied to
// the customer or took the ticket meanwhile: then it is cancelled.
func (s *Service) SendPlan(ctx context.Context, task PlanTask) error {
	return s.sendPlan(ctx, task, true)
}

func (s *Service) sendPlan(ctx context.Context, task PlanTask, recheck bool) error {
	c, _, err := s.connection(ctx, s.db.Pool, task.WorkspaceID)
	if err != nil {
		return err
	}
	rows, err := store.GorgiasActionsOfCause(ctx, s.db.Pool, task.WorkspaceID, task.TicketID, task.Cause)
	if err != nil {
		return err
	}
	if c.Status != "connected" {
		return s.cancel(ctx, rows, "Deskmate was paused or disconnected before the plan was carried out")
	}
	cl, err := s.client(ctx, c)
	if err != nil {
		return s.noteError(ctx, task.WorkspaceID, err)
	}
	if recheck {
		t, err := cl.Ticket(ctx, task.TicketID)
		if errors.Is(err, gorgias.ErrNotFound) {
			return s.cancel(ctx, rows, "the ticket was deleted")
		}
		if err != nil {
			return s.noteError(ctx, task.WorkspaceID, err)
		}
		if why := overtaken(t, task.Cause, botID(c)); why != "" {
			return s.cancel(ctx, rows, why)
		}
	}
	for _, row := range rows {
		if row.Status != "pending" {
			continue
		}
		if err := s.runStep(ctx, cl, c, row); err != nil {
			return s.noteError(ctx, task.WorkspaceID, fmt.Errorf("ticket %d, %s: %w", task.TicketID, row.Action, err))
		}
	}
	return nil
}

// overtaken says why a delayed plan must not go out: an agent wrote to the
// customer after the message that caused it, or the ticket is now a
// person's. "" when it may go.
func overtaken(t gorgias.Ticket, cause string, bot int64) string {
	id, _ := strconv.ParseInt(strings.TrimPrefix(cause, "m"), 10, 64)
	after := false
	for _, m := range t.Messages {
		if m.ID == id {
			after = true
			continue
		}
		if after && m.FromAgent && !isNote(m) && (m.Sender == nil || m.Sender.ID != bot) {
			return "an agent replied first"
		}
	}
	if t.AssigneeUser != nil && t.AssigneeUser.ID != 0 && t.AssigneeUser.ID != bot {
		return "an agent took the ticket"
	}
	return ""
}

// cancel marks every pending action of a plan cancelled.
func (s *Service) cancel(ctx context.Context, rows []store.GorgiasAction, why string) error {
	detail, _ := json.Marshal(map[string]string{"cancelled": why})
	for _, r := range rows {
		if r.Status != "pending" {
			continue
		}
		if err := store.FinishGorgiasAction(ctx, s.db.Pool, r.ID, "cancelled", nil, detail); err != nil {
			return err
		}
	}
	return nil
}

// runStep carries out one stored step and records its outcome.
func (s *Service) runStep(ctx context.Context, cl *gorgias.Client, c store.GorgiasConnection, row store.GorgiasAction) error {
	var st step
	if err := json.Unmarshal(row.Detail, &st); err != nil {
		return fmt.Errorf("action %d: %w", row.ID, err)
	}
	switch st.Action {
	case stepMessage:
		return s.sendMessage(ctx, cl, row, st)
	case stepTags:
		if err := cl.AddTicketTags(ctx, row.TicketID, st.Tags...); err != nil {
			return err
		}
	case stepAssign:
		u := gorgias.TicketUpdate{AssigneeUser: gorgias.Null[gorgias.Ref](), AssigneeTeam: gorgias.Null[gorgias.Ref]()}
		if st.UserID != nil {
			u.AssigneeUser = gorgias.Set(gorgias.Ref{ID: *st.UserID})
		}
		if st.TeamID != nil {
			u.AssigneeTeam = gorgias.Set(gorgias.Ref{ID: *st.TeamID})
		}
		if _, err := cl.UpdateTicket(ctx, row.TicketID, u); err != nil {
			return err
		}
	case stepClose:
		if err := s.close(ctx, cl, row.TicketID, st.CloseTag); err != nil {
			return err
		}
	case stepAutoClose:
		return s.scheduleAutoClose(ctx, row, st)
	default:
		return fmt.Errorf("unknown action %q", st.Action)
	}
	return store.FinishGorgiasAction(ctx, s.db.Pool, row.ID, "done", nil, nil)
}

// sendMessage posts a reply or a note once: a run that finds the step
// already attempted looks for the message (by its external id) before
// posting it again.
func (s *Service) sendMessage(ctx context.Context, cl *gorgias.Client, row store.GorgiasAction, st step) error {
	if st.Message == nil {
		return errors.New("a message step without a message")
	}
	if st.Attempted {
		if m, found, err := cl.FindMessageByExternalID(ctx, row.TicketID, row.ExternalID); err != nil {
			return err
		} else if found {
			return s.messageSent(ctx, row, st, m.ID)
		}
	} else if err := store.MergeGorgiasActionDetail(ctx, s.db.Pool, row.ID, json.RawMessage(`{"attempted":true}`)); err != nil {
		return err
	}
	in := *st.Message
	in.ExternalID = row.ExternalID
	m, err := cl.CreateMessage(ctx, row.TicketID, in)
	if err != nil {
		return err
	}
	return s.messageSent(ctx, row, st, m.ID)
}

func (s *Service) messageSent(ctx context.Context, row store.GorgiasAction, st step, messageID int64) error {
	if err := store.FinishGorgiasAction(ctx, s.db.Pool, row.ID, "done", &messageID, nil); err != nil {
		return err
	}
	if st.Public {
		return store.NoteGorgiasReply(ctx, s.db.Pool, row.WorkspaceID)
	}
	return nil
}

// close closes a ticket and tags it as closed by Deskmate.
func (s *Service) close(ctx context.Context, cl *gorgias.Client, ticketID int64, tag string) error {
	if tag != "" {
		if err := cl.AddTicketTags(ctx, ticketID, tag); err != nil {
			return err
		}
	}
	_, err := cl.UpdateTicket(ctx, ticketID, gorgias.TicketUpdate{Status: gorgias.Set(gorgias.StatusClosed)})
	return err
}

// scheduleAutoClose queues the ticket's closing after the plan's reply.
func (s *Service) scheduleAutoClose(ctx context.Context, row store.GorgiasAction, st step) error {
	rows, err := store.GorgiasActionsOfCause(ctx, s.db.Pool, row.WorkspaceID, row.TicketID, row.Cause)
	if err != nil {
		return err
	}
	var after int64
	for _, r := range rows {
		if r.Action == stepMessage && r.GorgiasMessageID != nil {
			after = *r.GorgiasMessageID
		}
	}
	if after == 0 {
		return store.FinishGorgiasAction(ctx, s.db.Pool, row.ID, "cancelled", nil, json.RawMessage(`{"cancelled":"no reply was sent"}`))
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		if err := s.queue.AutoClose(ctx, tx, CloseTask{WorkspaceID: row.WorkspaceID, TicketID: row.TicketID,
			AfterMessageID: after, At: time.Now().Add(time.Duration(st.Minutes) * time.Minute)}); err != nil {
			return err
		}
		return store.FinishGorgiasAction(ctx, tx, row.ID, "done", nil, nil)
	})
}

// AutoClose closes a ticket Deskmate answered when the customer did not
// write after the answer (the job). A closed, reopened-by-agent or
// taken ticket is left as it is.
func (s *Service) AutoClose(ctx context.Context, task CloseTask) error {
	c, _, err := s.connection(ctx, s.db.Pool, task.WorkspaceID)
	if err != nil || c.Status != "connected" {
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
	if t.Status == gorgias.StatusClosed {
		return nil
	}
	after := false
	for _, m := range t.Messages {
		if m.ID == task.AfterMessageID {
			after = true
			continue
		}
		if after && !isNote(m) {
			return nil // the conversation went on
		}
	}
	if !after {
		return nil // our reply is gone
	}
	if t.AssigneeUser != nil && t.AssigneeUser.ID != 0 && t.AssigneeUser.ID != botID(c) {
		return nil
	}
	tags, err := s.automations.TagConfig(ctx, systemActor(task.WorkspaceID))
	if err != nil {
		return err
	}
	if err := s.close(ctx, cl, task.TicketID, systemTag(tags, "closed_by_ai")); err != nil {
		return s.noteError(ctx, task.WorkspaceID, err)
	}
	return nil
}

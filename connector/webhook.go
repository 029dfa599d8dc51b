package connector

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// A webhook is acknowledged once it is stored with the job that handles
// it, in one transaction: an acknowledged event is never lost, and one that
// could not be stored gets an error so that Gorgias sends it again. Nothing
// slower happens before the answer: the job re-reads the ticket, checks
// whether Deskmate should act at all, and runs the agent.

// ErrBadSecret says a call did not carry the workspace's secret.
var ErrBadSecret = errors.New("missing or wrong Deskmate secret")

// MaxWebhookBytes bounds a webhook body: a ticket context with its whole
// conversation.
const MaxWebhookBytes = 4 << 20

// dedupeWindow is how long a delivery is remembered to drop its repeats.
const dedupeWindow = 24 * time.Hour

// Authenticate checks a secret sent with a webhook or a widget call against
// the workspace's, in constant time. An unknown workspace and a wrong secret
// look the same.
func (s *Service) Authenticate(ctx context.Context, workspaceID int64, secret string) (store.GorgiasConnection, error) {
	c, err := store.GorgiasConnectionOf(ctx, s.db.Pool, workspaceID)
	if err != nil {
		return c, err
	}
	if !secretMatches(c.WebhookSecretHash, secret) {
		return c, ErrBadSecret
	}
	return c, nil
}

// ReceiveWebhook stores one delivery of an HTTP integration and queues
// what handles it.
func (s *Service) ReceiveWebhook(ctx context.Context, workspaceID int64, secret, trigger string, body []byte) error {
	c, set, err := s.hookConnection(ctx, workspaceID, secret)
	if err != nil {
		return err
	}
	if !slices.Contains(webhookTriggers, trigger) {
		return validate.Field("trigger", "must be one of ticket-created, ticket-message-created, ticket-updated")
	}
	wc, err := gorgias.ParseWebhook(body)
	if err != nil {
		return validate.Field("body", "is not the ticket context of a Gorgias HTTP integration")
	}
	ev := store.GorgiasEvent{WorkspaceID: workspaceID, Trigger: trigger, TicketID: wc.Ticket.ID, Payload: body}
	msg := customerMessage(wc)
	ev.DedupeKey, ev.MessageID = dedupeKey(trigger, wc, msg)
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		id, fresh, err := store.InsertGorgiasEvent(ctx, tx, ev)
		if err != nil || !fresh {
			return err // a repeat is acknowledged and dropped
		}
		if c.Status != "connected" {
			return nil // paused: stored, not acted on
		}
		task := TicketTask{WorkspaceID: workspaceID, TicketID: wc.Ticket.ID, EventID: id, At: time.Now()}
		if trigger == gorgias.TriggerTicketUpdated {
			return s.queue.CheckTicket(ctx, tx, task)
		}
		if msg == nil {
			return nil // not a customer's message: nothing to answer
		}
		task.MessageID = msg.ID
		task.At = time.Now().Add(time.Duration(set.QuietSeconds) * time.Second)
		return s.queue.ProcessTicket(ctx, tx, task)
	})
	if err != nil {
		return err
	}
	s.noteWebhook(ctx, workspaceID)
	return nil
}

// dedupeKey names a delivery: the message for message events (the first
// message of a new ticket arrives with ticket-created and with
// ticket-message-created: one is enough), the ticket's update time for
// updates. msg is the customer message of the delivery (customerMessage).
func dedupeKey(trigger string, wc gorgias.WebhookContext, msg *gorgias.Message) (string, *int64) {
	if msg != nil && trigger != gorgias.TriggerTicketUpdated {
		id := msg.ID
		return "message:" + strconv.FormatInt(msg.ID, 10), &id
	}
	if wc.Message != nil && wc.Message.ID != 0 {
		id := wc.Message.ID
		return "message:" + strconv.FormatInt(id, 10), &id
	}
	return fmt.Sprintf("%s:%d:%s", trigger, wc.Ticket.ID, wc.Ticket.UpdatedDatetime.UTC().Format(time.RFC3339Nano)), nil
}

// customerMessage is the customer message an event is about: the new
// message of ticket-message-created, or the last message of a new ticket.
// It is nil for anything written by the company (agents, rules, Deskmate)
// and for internal notes.
func customerMessage(wc gorgias.WebhookContext) *gorgias.Message {
	m := wc.Message
	if m == nil {
		m = wc.Ticket.LastMessage
		if m == nil && len(wc.Ticket.Messages) > 0 {
			m = &wc.Ticket.Messages[len(wc.Ticket.Messages)-1]
		}
	}
	if m == nil || m.ID == 0 || m.FromAgent || !m.Public || m.Channel == gorgias.ChannelInternalNote {
		return nil
	}
	return m
}

// PruneEvents deletes deliveries older than the dedupe window.
func (s *Service) PruneEvents(ctx context.Context) (int64, error) {
	return store.DeleteGorgiasEventsBefore(ctx, s.db.Pool, time.Now().Add(-dedupeWindow))
}

package connector

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/deskmate/deskmate/store"
)

// MessageCause names the actions a customer message caused.
func MessageCause(messageID int64) string { return "m" + strconv.FormatInt(messageID, 10) }

// GiveUp records that the job carrying out a cause's actions failed for
// the last time (jobErr): what is still pending is marked failed with the
// error, so that the action log says so instead of showing it pending for
// ever. It runs even when the job's own context has expired.
func (s *Service) GiveUp(ctx context.Context, workspaceID, ticketID int64, cause string, jobErr error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	msg := jobErr.Error()
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	detail, err := json.Marshal(map[string]string{"failed": msg})
	if err != nil {
		s.logger.Warn("could not record a ticket's failed actions", "workspace_id", workspaceID, "ticket_id", ticketID, "error", err)
		return
	}
	n, err := store.FailPendingGorgiasActions(ctx, s.db.Pool, workspaceID, ticketID, cause, detail)
	if err != nil {
		s.logger.Warn("could not record a ticket's failed actions", "workspace_id", workspaceID, "ticket_id", ticketID, "error", err)
		return
	}
	if n > 0 {
		s.logger.Warn("gave up on a ticket's actions", "workspace_id", workspaceID, "ticket_id", ticketID, "cause", cause,
			"actions", n, "error", jobErr)
	}
}

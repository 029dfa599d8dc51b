package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// GorgiasConnection is a workspace's connection to Gorgias.
type GorgiasConnection struct {
	WorkspaceID       int64           `db:"workspace_id"`
	Status            string          `db:"status"`    // disconnected, connected, paused
	AuthKind          string          `db:"auth_kind"` // api_key, oauth
	BaseURL           string          `db:"base_url"`
	Sandbox           bool            `db:"sandbox"`
	BotUserID         *int64          `db:"bot_user_id"`
	BotUserEmail      string          `db:"bot_user_email"`
	Settings          json.RawMessage `db:"settings"`
	WebhookSecretHash []byte          `db:"webhook_secret_hash"`
	OAuthExpiresAt    *time.Time      `db:"oauth_expires_at"`
	Installed         json.RawMessage `db:"installed"`
	LastWebhookAt     *time.Time      `db:"last_webhook_at"`
	LastReplyAt       *time.Time      `db:"last_reply_at"`
	LastError         string          `db:"last_error"`
	LastErrorAt       *time.Time      `db:"last_error_at"`
	RateLimitedUntil  *time.Time      `db:"rate_limited_until"`
	CreatedAt         time.Time       `db:"created_at"`
	UpdatedAt         time.Time       `db:"updated_at"`
}

const gorgiasConnectionColumns = `workspace_id, status, auth_kind, base_url, sandbox, bot_user_id, bot_user_email, settings,
	webhook_secret_hash, oauth_expires_at, installed, last_webhook_at, last_reply_at, last_error, last_error_at,
	rate_limited_until, created_at, updated_at`

// GorgiasConnectionOf returns a workspace's connection; a workspace that
// never connected gets a disconnected one (not stored).
func GorgiasConnectionOf(ctx context.Context, q Querier, workspaceID int64) (GorgiasConnection, error) {
	c, err := queryOne(ctx, q, pgx.RowToStructByName[GorgiasConnection],
		`SELECT `+gorgiasConnectionColumns+` FROM gorgias_connections WHERE workspace_id = $1`, workspaceID)
	if errors.Is(err, ErrNotFound) {
		return GorgiasConnection{WorkspaceID: workspaceID, Status: "disconnected", AuthKind: "api_key",
			Settings: json.RawMessage(`{}`), Installed: json.RawMessage(`{}`)}, nil
	}
	return c, wrap("gorgias connection", err)
}

// LockGorgiasConnection reads a workspace's connection FOR UPDATE, creating
// it first: changes to one connection are made one at a time.
func LockGorgiasConnection(ctx context.Context, tx pgx.Tx, workspaceID int64) (GorgiasConnection, error) {
	if _, err := tx.Exec(ctx, `INSERT INTO gorgias_connections (workspace_id) VALUES ($1) ON CONFLICT DO NOTHING`, workspaceID); err != nil {
		return GorgiasConnection{}, wrap("lock gorgias connection", err)
	}
	c, err := queryOne(ctx, tx, pgx.RowToStructByName[GorgiasConnection],
		`SELECT `+gorgiasConnectionColumns+` FROM gorgias_connections WHERE workspace_id = $1 FOR UPDATE`, workspaceID)
	return c, wrap("lock gorgias connection", err)
}

// SaveGorgiasConnection writes every field an admin or the installer
// changes (health fields have their own statements).
func SaveGorgiasConnection(ctx context.Context, q Querier, c GorgiasConnection) error {
	return wrap("save gorgias connection", mustAffect(q.Exec(ctx, `
		UPDATE gorgias_connections SET status = $2, auth_kind = $3, base_url = $4, sandbox = $5, bot_user_id = $6,
			bot_user_email = $7, settings = $8, webhook_secret_hash = $9, oauth_expires_at = $10, installed = $11,
			updated_at = now()
		WHERE workspace_id = $1`, c.WorkspaceID, c.Status, c.AuthKind, c.BaseURL, c.Sandbox, c.BotUserID, c.BotUserEmail,
		c.Settings, c.WebhookSecretHash, c.OAuthExpiresAt, c.Installed)))
}

// OAuthConnectionsExpiring lists the workspaces connected through OAuth
// whose access token expires before until.
func OAuthConnectionsExpiring(ctx context.Context, q Querier, until time.Time) ([]int64, error) {
	ids, err := queryAll(ctx, q, pgx.RowTo[int64], `SELECT workspace_id FROM gorgias_connections
		WHERE status <> 'disconnected' AND auth_kind = 'oauth' AND (oauth_expires_at IS NULL OR oauth_expires_at < $1)
		ORDER BY workspace_id`, until)
	return ids, wrap("expiring oauth connections", err)
}

// NoteGorgiasWebhook records that a webhook arrived (at most every few
// seconds, so that bursts do not queue on the row).
func NoteGorgiasWebhook(ctx context.Context, q Querier, workspaceID int64) error {
	_, err := q.Exec(ctx, `UPDATE gorgias_connections SET last_webhook_at = now()
		WHERE workspace_id = $1 AND (last_webhook_at IS NULL OR last_webhook_at < now() - interval '5 seconds')`, workspaceID)
	return wrap("note gorgias webhook", err)
}

// NoteGorgiasReply records that a reply went out.
func NoteGorgiasReply(ctx context.Context, q Querier, workspaceID int64) error {
	_, err := q.Exec(ctx, `UPDATE gorgias_connections SET last_reply_at = now() WHERE workspace_id = $1`, workspaceID)
	return wrap("note gorgias reply", err)
}

// NoteGorgiasError records the last error talking to Gorgias, and until
// when its rate limit holds Deskmate back (nil when it does not).
func NoteGorgiasError(ctx context.Context, q Querier, workspaceID int64, msg string, rateLimitedUntil *time.Time) error {
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	_, err := q.Exec(ctx, `UPDATE gorgias_connections SET last_error = $2, last_error_at = now(),
		rate_limited_until = coalesce($3, rate_limited_until) WHERE workspace_id = $1`, workspaceID, msg, rateLimitedUntil)
	return wrap("note gorgias error", err)
}

// GorgiasEvent is one webhook delivery.
type GorgiasEvent struct {
	ID          int64           `db:"id"`
	WorkspaceID int64           `db:"workspace_id"`
	Trigger     string          `db:"trigger"`
	DedupeKey   string          `db:"dedupe_key"`
	TicketID    int64           `db:"ticket_id"`
	MessageID   *int64          `db:"message_id"`
	Payload     json.RawMessage `db:"payload"`
	ReceivedAt  time.Time       `db:"received_at"`
}

// InsertGorgiasEvent stores a delivery unless one with its dedupe key is
// already stored; it reports whether it was new.
func InsertGorgiasEvent(ctx context.Context, q Querier, e GorgiasEvent) (int64, bool, error) {
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO gorgias_events (workspace_id, trigger, dedupe_key, ticket_id, message_id, payload)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id, dedupe_key) DO NOTHING RETURNING id`,
		e.WorkspaceID, e.Trigger, e.DedupeKey, e.TicketID, e.MessageID, e.Payload).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, wrap("insert gorgias event", err)
}

// DeleteGorgiasEventsBefore deletes deliveries received before t.
func DeleteGorgiasEventsBefore(ctx context.Context, q Querier, t time.Time) (int64, error) {
	tag, err := q.Exec(ctx, `DELETE FROM gorgias_events WHERE received_at < $1`, t)
	return tag.RowsAffected(), wrap("delete gorgias events", err)
}

// GorgiasAction is one thing Deskmate does to a ticket because of one
// cause (a customer message, a widget call).
type GorgiasAction struct {
	ID               int64           `db:"id"`
	WorkspaceID      int64           `db:"workspace_id"`
	TicketID         int64           `db:"ticket_id"`
	Cause            string          `db:"cause"`
	Action           string          `db:"action"`
	Status           string          `db:"status"` // pending, done, cancelled, failed
	ExternalID       string          `db:"external_id"`
	GorgiasMessageID *int64          `db:"gorgias_message_id"`
	RunID            *int64          `db:"run_id"`
	Detail           json.RawMessage `db:"detail"`
	CreatedAt        time.Time       `db:"created_at"`
	DoneAt           *time.Time      `db:"done_at"`
}

const gorgiasActionColumns = `id, workspace_id, ticket_id, cause, action, status, external_id, gorgias_message_id, run_id,
	detail, created_at, done_at`

// ClaimGorgiasAction stores the action for (ticket, cause, action) pending
// when it is new; a retried job keeps the row it stored before.
func ClaimGorgiasAction(ctx context.Context, q Querier, a GorgiasAction) error {
	if a.Detail == nil {
		a.Detail = json.RawMessage(`{}`)
	}
	_, err := q.Exec(ctx, `
		INSERT INTO gorgias_actions (workspace_id, ticket_id, cause, action, external_id, run_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (workspace_id, ticket_id, cause, action) DO NOTHING`,
		a.WorkspaceID, a.TicketID, a.Cause, a.Action, a.ExternalID, a.RunID, a.Detail)
	return wrap("claim gorgias action", err)
}

// FinishGorgiasAction sets an action's outcome (done, cancelled, failed).
func FinishGorgiasAction(ctx context.Context, q Querier, id int64, status string, messageID *int64, detail json.RawMessage) error {
	if detail == nil {
		detail = json.RawMessage(`{}`)
	}
	return wrap("finish gorgias action", mustAffect(q.Exec(ctx, `UPDATE gorgias_actions SET status = $2,
		gorgias_message_id = coalesce($3, gorgias_message_id), detail = detail || $4, done_at = now() WHERE id = $1`,
		id, status, messageID, detail)))
}

// FailPendingGorgiasActions marks a cause's actions that are still
// pending failed, with detail merged in, and says how many there were.
func FailPendingGorgiasActions(ctx context.Context, q Querier, workspaceID, ticketID int64, cause string, detail json.RawMessage) (int64, error) {
	tag, err := q.Exec(ctx, `UPDATE gorgias_actions SET status = 'failed', detail = detail || $4, done_at = now()
		WHERE workspace_id = $1 AND ticket_id = $2 AND cause = $3 AND status = 'pending'`, workspaceID, ticketID, cause, detail)
	return tag.RowsAffected(), wrap("fail gorgias actions", err)
}

// GorgiasActions lists a workspace's latest actions, for a ticket when
// ticketID is not 0.
func GorgiasActions(ctx context.Context, q Querier, workspaceID, ticketID int64, limit int) ([]GorgiasAction, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[GorgiasAction], `SELECT `+gorgiasActionColumns+`
		FROM gorgias_actions WHERE workspace_id = $1 AND ($2 = 0 OR ticket_id = $2) ORDER BY id DESC LIMIT $3`,
		workspaceID, ticketID, limit)
	return out, wrap("gorgias actions", err)
}

// GorgiasTicket is what Deskmate keeps about one ticket.
type GorgiasTicket struct {
	WorkspaceID  int64     `db:"workspace_id"`
	TicketID     int64     `db:"ticket_id"`
	Instructions []string  `db:"instructions"`
	LastRunID    *int64    `db:"last_run_id"`
	LastDecision string    `db:"last_decision"`
	LastReason   string    `db:"last_reason"`
	Summary      string    `db:"summary"`
	UpdatedAt    time.Time `db:"updated_at"`
}

const gorgiasTicketColumns = `workspace_id, ticket_id, instructions, last_run_id, last_decision, last_reason, summary,
	updated_at`

// GorgiasTicketOf returns what Deskmate keeps about a ticket (an empty
// record when nothing yet).
func GorgiasTicketOf(ctx context.Context, q Querier, workspaceID, ticketID int64) (GorgiasTicket, error) {
	t, err := queryOne(ctx, q, pgx.RowToStructByName[GorgiasTicket], `SELECT `+gorgiasTicketColumns+`
		FROM gorgias_tickets WHERE workspace_id = $1 AND ticket_id = $2`, workspaceID, ticketID)
	if errors.Is(err, ErrNotFound) {
		return GorgiasTicket{WorkspaceID: workspaceID, TicketID: ticketID, Instructions: []string{}}, nil
	}
	return t, wrap("gorgias ticket", err)
}

// NoteGorgiasDecision records a ticket's latest decision.
func NoteGorgiasDecision(ctx context.Context, q Querier, workspaceID, ticketID int64, runID *int64, decision, reason string) error {
	_, err := q.Exec(ctx, `INSERT INTO gorgias_tickets (workspace_id, ticket_id, last_run_id, last_decision, last_reason)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, ticket_id) DO UPDATE SET
		last_run_id = coalesce(EXCLUDED.last_run_id, gorgias_tickets.last_run_id), last_decision = EXCLUDED.last_decision,
		last_reason = EXCLUDED.last_reason, updated_at = now()`, workspaceID, ticketID, runID, decision, reason)
	return wrap("note gorgias decision", err)
}

// AddGorgiasInstruction appends an agent's instruction for a ticket (at
// most the last 20 are kept).
func AddGorgiasInstruction(ctx context.Context, q Querier, workspaceID, ticketID int64, text string) error {
	_, err := q.Exec(ctx, `INSERT INTO gorgias_tickets (workspace_id, ticket_id, instructions) VALUES ($1, $2, ARRAY[$3])
		ON CONFLICT (workspace_id, ticket_id) DO UPDATE SET
		instructions = (gorgias_tickets.instructions || ARRAY[$3])[greatest(1, cardinality(gorgias_tickets.instructions) - 18):],
		updated_at = now()`, workspaceID, ticketID, text)
	return wrap("add gorgias instruction", err)
}

// SetGorgiasSummary stores a ticket's latest summary.
func SetGorgiasSummary(ctx context.Context, q Querier, workspaceID, ticketID int64, summary string) error {
	if len(summary) > 4000 {
		summary = summary[:4000]
	}
	_, err := q.Exec(ctx, `INSERT INTO gorgias_tickets (workspace_id, ticket_id, summary) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id, ticket_id) DO UPDATE SET summary = EXCLUDED.summary, updated_at = now()`,
		workspaceID, ticketID, summary)
	return wrap("set gorgias summary", err)
}

// PurgeGorgiasData deletes what Deskmate keeps about a workspace's Gorgias
// tickets: deliveries, actions, ticket records and conversations.
func PurgeGorgiasData(ctx context.Context, tx pgx.Tx, workspaceID int64) error {
	for _, sql := range []string{
		`DELETE FROM gorgias_events WHERE workspace_id = $1`,
		`DELETE FROM gorgias_actions WHERE workspace_id = $1`,
		`DELETE FROM gorgias_tickets WHERE workspace_id = $1`,
		`DELETE FROM agent_runs WHERE workspace_id = $1 AND source = 'ticket'`,
		`DELETE FROM conversations WHERE workspace_id = $1 AND key LIKE 'gorgias:%'`,
	} {
		if _, err := tx.Exec(ctx, sql, workspaceID); err != nil {
			return wrap("purge gorgias data", err)
		}
	}
	return nil
}

// GorgiasActionsOfCause lists the actions one cause brought on a ticket, in
// the order they were planned.
func GorgiasActionsOfCause(ctx context.Context, q Querier, workspaceID, ticketID int64, cause string) ([]GorgiasAction, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[GorgiasAction], `SELECT `+gorgiasActionColumns+`
		FROM gorgias_actions WHERE workspace_id = $1 AND ticket_id = $2 AND cause = $3 ORDER BY id`,
		workspaceID, ticketID, cause)
	return out, wrap("gorgias actions of cause", err)
}

// MergeGorgiasActionDetail merges keys into an action's detail.
func MergeGorgiasActionDetail(ctx context.Context, q Querier, id int64, detail json.RawMessage) error {
	return wrap("merge gorgias action detail", mustAffect(q.Exec(ctx,
		`UPDATE gorgias_actions SET detail = detail || $2 WHERE id = $1`, id, detail)))
}

// SandboxWorkspaces lists the workspaces whose connection is the sandbox's.
func SandboxWorkspaces(ctx context.Context, q Querier) ([]int64, error) {
	ids, err := queryAll(ctx, q, pgx.RowTo[int64], `SELECT workspace_id FROM gorgias_connections WHERE sandbox ORDER BY workspace_id`)
	return ids, wrap("sandbox workspaces", err)
}

// DeletePendingTicketJobs deletes a workspace's ticket jobs that have not
// run yet (the sandbox's, when its emulator starts anew: they name tickets
// that no longer exist, whose ids now belong to others).
func DeletePendingTicketJobs(ctx context.Context, q Querier, workspaceID int64) error {
	_, err := q.Exec(ctx, `DELETE FROM river_job WHERE queue = 'tickets' AND (args->>'workspace_id')::bigint = $1
		AND state IN ('available', 'scheduled', 'retryable', 'pending')`, workspaceID)
	return wrap("delete pending ticket jobs", err)
}

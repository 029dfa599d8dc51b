package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
)

// Actor is who made a change: a user, an API token or Deskmate itself.
type Actor struct {
	Kind  string // "user", "token" or "system"
	ID    int64
	Label string // email or token name, as it was at the time
}

// AuditEntry is one recorded configuration change.
type AuditEntry struct {
	ID          int64
	WorkspaceID *int64
	Actor       Actor
	Action      string
	Target      string
	Summary     map[string]any
	At          time.Time
}

// Audit records a change; call it in the same transaction as the change.
func Audit(ctx context.Context, q Querier, workspaceID *int64, actor Actor, action, target string, summary map[string]any) error {
	if summary == nil {
		summary = map[string]any{}
	}
	b, err := json.Marshal(summary)
	if err != nil {
		return err
	}
	var actorID *int64
	if actor.ID != 0 {
		actorID = &actor.ID
	}
	_, err = q.Exec(ctx, `
		INSERT INTO audit_log (workspace_id, actor_kind, actor_id, actor_label, action, target, summary)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, workspaceID, actor.Kind, actorID, actor.Label, action, target, b)
	return wrap("audit", err)
}

// auditRow is an audit_log row; the actor's columns become an Actor.
type auditRow struct {
	ID          int64          `db:"id"`
	WorkspaceID *int64         `db:"workspace_id"`
	ActorKind   string         `db:"actor_kind"`
	ActorID     int64          `db:"actor_id"`
	ActorLabel  string         `db:"actor_label"`
	Action      string         `db:"action"`
	Target      string         `db:"target"`
	Summary     map[string]any `db:"summary"`
	At          time.Time      `db:"at"`
}

// AuditLog lists a workspace's entries newest first, before an id (0: from the newest).
func AuditLog(ctx context.Context, q Querier, workspaceID, before int64, limit int) ([]AuditEntry, error) {
	rows, err := queryAll(ctx, q, pgx.RowToStructByName[auditRow], `
		SELECT id, workspace_id, actor_kind, coalesce(actor_id, 0) AS actor_id, actor_label, action, target, summary, at
		FROM audit_log WHERE workspace_id = $1 AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3`,
		workspaceID, before, limit)
	if err != nil {
		return nil, wrap("audit log", err)
	}
	out := make([]AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = AuditEntry{ID: r.ID, WorkspaceID: r.WorkspaceID, Actor: Actor{Kind: r.ActorKind, ID: r.ActorID, Label: r.ActorLabel},
			Action: r.Action, Target: r.Target, Summary: r.Summary, At: r.At}
	}
	return out, nil
}

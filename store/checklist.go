package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// ChecklistCounts are what the getting-started checklist reads of a
// workspace.
type ChecklistCounts struct {
	Documents      int64 `db:"documents"`       // ready knowledge documents
	Automations    int64 `db:"automations"`     // enabled automations
	Trained        bool  `db:"trained"`         // an active intent model is ready
	PlaygroundRuns int64 `db:"playground_runs"` // playground decisions
	TicketRuns     int64 `db:"ticket_runs"`     // decisions on Gorgias tickets
	Drafts         int64 `db:"drafts"`          // internal-note drafts posted on tickets
	PublicReplies  int64 `db:"public_replies"`  // replies sent to customers
}

// ChecklistCountsOf counts a workspace's progress.
func ChecklistCountsOf(ctx context.Context, q Querier, workspaceID int64) (ChecklistCounts, error) {
	c, err := queryOne(ctx, q, pgx.RowToStructByName[ChecklistCounts], `SELECT
		(SELECT count(*) FROM knowledge_documents WHERE workspace_id = $1 AND status = 'ready') AS documents,
		(SELECT count(*) FROM automations WHERE workspace_id = $1 AND active) AS automations,
		EXISTS (SELECT 1 FROM intent_models WHERE workspace_id = $1 AND active AND status = 'ready') AS trained,
		(SELECT count(*) FROM agent_runs WHERE workspace_id = $1 AND source = 'playground') AS playground_runs,
		(SELECT count(*) FROM agent_runs WHERE workspace_id = $1 AND source = 'ticket') AS ticket_runs,
		(SELECT count(*) FROM gorgias_actions WHERE workspace_id = $1 AND action = 'message' AND status = 'done'
			AND cause LIKE 'm%' AND NOT coalesce((detail->>'public')::boolean, false)) AS drafts,
		(SELECT count(*) FROM gorgias_actions WHERE workspace_id = $1 AND action = 'message' AND status = 'done'
			AND coalesce((detail->>'public')::boolean, false)) AS public_replies`, workspaceID)
	return c, wrap("checklist counts", err)
}

package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Limit is how many of something a workspace (or one of its knowledge bases)
// may hold. The limits keep one workspace from filling the database by
// accident or on purpose; they are far above what a support team curates.
type Limit struct {
	What  string
	Max   int
	count string // SQL counting the rows; $1 is the workspace, $2 the scope id if any
}

// Deskmate's limits.
var (
	LimitKnowledgeBases = Limit{"knowledge bases in a workspace", 100,
		`SELECT count(*) FROM knowledge_bases WHERE workspace_id = $1`}
	// LimitDocuments counts a knowledge base's sources; the pages of a sitemap
	// or crawl are bounded by its own page limit.
	LimitDocuments = Limit{"documents in a knowledge base", 10_000,
		`SELECT count(*) FROM knowledge_documents WHERE workspace_id = $1 AND knowledge_base_id = $2 AND parent_id IS NULL`}
	LimitAutomations = Limit{"automations in a workspace", 1_000,
		`SELECT count(*) FROM automations WHERE workspace_id = $1`}
	LimitInstructions = Limit{"instructions in a workspace", 200,
		`SELECT count(*) FROM instructions WHERE workspace_id = $1`}
	LimitSmartTags = Limit{"smart tags in a workspace", 200,
		`SELECT count(*) FROM smart_tags WHERE workspace_id = $1`}
	LimitTicketInstructions = Limit{"instructions on one ticket", 50,
		`SELECT count(*) FROM ticket_instructions WHERE workspace_id = $1 AND ticket_id = $2`}
)

// LimitError says that adding would take a workspace past a limit.
type LimitError struct {
	Limit Limit
	Have  int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("limit reached: at most %d %s (there are %d)", e.Limit.Max, e.Limit.What, e.Have)
}

// CheckLimit locks the workspace row, so that concurrent additions count one
// after the other, and returns a *LimitError when adding more rows would pass
// l. scope is the knowledge base or ticket the limit counts in, if any.
func CheckLimit(ctx context.Context, tx pgx.Tx, l Limit, workspaceID int64, adding int, scope ...any) error {
	if err := LockWorkspace(ctx, tx, workspaceID); err != nil {
		return err
	}
	var n int
	args := append([]any{workspaceID}, scope...)
	if err := tx.QueryRow(ctx, l.count, args...).Scan(&n); err != nil {
		return wrap("count "+l.What, err)
	}
	if n+adding > l.Max {
		return &LimitError{Limit: l, Have: n}
	}
	return nil
}

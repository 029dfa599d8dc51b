package server_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/store"
)

// Each limit is reached through the API: the workspace is filled up to the
// limit by SQL (fast), the next addition answers 409 limit_reached naming
// the limit, and after deleting one row the same request succeeds.
func TestWorkspaceLimits(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	other := owner.createWorkspace("other", nil)
	ctx := context.Background()
	fill := func(sql string, args ...any) {
		t.Helper()
		_, err := a.db.Pool.Exec(ctx, sql, args...)
		require.NoError(t, err)
	}
	limited := func(l store.Limit, method, path string, body any) {
		t.Helper()
		r := owner.call(method, path, body)
		require.Equal(t, 409, r.Status, string(r.Body))
		require.Equal(t, "limit_reached", r.ErrorCode(t))
		require.Contains(t, string(r.Body), l.What)
	}

	// Knowledge bases; another workspace's do not count.
	fill(`INSERT INTO knowledge_bases (workspace_id, name) SELECT $1, 'kb ' || i FROM generate_series(1, $2) i`,
		w.ID, store.LimitKnowledgeBases.Max)
	limited(store.LimitKnowledgeBases, "POST", wsPath(w.ID, "/knowledge-bases"), map[string]any{"name": "one more"})
	owner.must(201, "POST", wsPath(other.ID, "/knowledge-bases"), map[string]any{"name": "fine"})
	var kb int64
	require.NoError(t, a.db.Pool.QueryRow(ctx, `SELECT min(id) FROM knowledge_bases WHERE workspace_id = $1`, w.ID).Scan(&kb))
	fill(`DELETE FROM knowledge_bases WHERE id = (SELECT max(id) FROM knowledge_bases WHERE workspace_id = $1)`, w.ID)
	owner.must(201, "POST", wsPath(w.ID, "/knowledge-bases"), map[string]any{"name": "one more"})

	// Documents of a knowledge base: text, and an upload of two files when one place is left.
	docs := wsPath(w.ID, "/knowledge-bases/"+itoa(kb)+"/documents")
	fill(`INSERT INTO knowledge_documents (workspace_id, knowledge_base_id, source_type, title, status)
		SELECT $1, $2, 'text', 'doc ' || i, 'ready' FROM generate_series(1, $3) i`, w.ID, kb, store.LimitDocuments.Max-1)
	r := owner.upload(wsPath(w.ID, "/knowledge-bases/"+itoa(kb)+"/uploads"), [2]string{"a.md", "# A\n\nText."}, [2]string{"b.md", "# B\n\nText."})
	require.Equal(t, 409, r.Status, string(r.Body))
	require.Equal(t, "limit_reached", r.ErrorCode(t))
	owner.must(201, "POST", docs, map[string]any{"kind": "text", "title": "Last", "text": "The last one that fits."})
	limited(store.LimitDocuments, "POST", docs, map[string]any{"kind": "text", "title": "Too many", "text": "No room."})
	var n int
	require.NoError(t, a.db.Pool.QueryRow(ctx, `SELECT count(*) FROM knowledge_documents WHERE knowledge_base_id = $1`, kb).Scan(&n))
	require.Equal(t, store.LimitDocuments.Max, n, "refused additions left nothing behind")

	// Automations, one by one and by import.
	fill(`INSERT INTO automations (workspace_id, name) SELECT $1, 'automation ' || i FROM generate_series(1, $2) i`,
		w.ID, store.LimitAutomations.Max-1)
	owner.must(201, "POST", wsPath(w.ID, "/automations"), map[string]any{"name": "Last one"})
	limited(store.LimitAutomations, "POST", wsPath(w.ID, "/automations"), map[string]any{"name": "Too many"})
	limited(store.LimitAutomations, "POST", wsPath(w.ID, "/automations/import"),
		map[string]any{"automations": []map[string]any{{"name": "Imported"}}})
	// Updating existing automations by import still works at the limit.
	owner.must(200, "POST", wsPath(w.ID, "/automations/import"),
		map[string]any{"automations": []map[string]any{{"name": "Last one", "response": "Updated."}}})

	// Instructions, smart tags, instructions on one ticket.
	fill(`INSERT INTO instructions (workspace_id, title, text) SELECT $1, 'i' || i, 'text' FROM generate_series(1, $2) i`,
		w.ID, store.LimitInstructions.Max)
	limited(store.LimitInstructions, "POST", wsPath(w.ID, "/instructions"), map[string]any{"title": "More", "text": "More."})
	fill(`INSERT INTO smart_tags (workspace_id, name) SELECT $1, 'tag-' || i FROM generate_series(1, $2) i`,
		w.ID, store.LimitSmartTags.Max)
	limited(store.LimitSmartTags, "POST", wsPath(w.ID, "/tags/smart"), map[string]any{"name": "one-more"})
	fill(`INSERT INTO ticket_instructions (workspace_id, ticket_id, text) SELECT $1, '42', 'note ' || i FROM generate_series(1, $2) i`,
		w.ID, store.LimitTicketInstructions.Max)
	limited(store.LimitTicketInstructions, "POST", wsPath(w.ID, "/tickets/42/instructions"), map[string]any{"text": "More."})
	owner.must(201, "POST", wsPath(w.ID, "/tickets/43/instructions"), map[string]any{"text": "Another ticket has room."})
}

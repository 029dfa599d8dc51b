package knowledge

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/store"
)

// ResyncDue queues the web sources whose re-sync interval has passed (the
// work of the periodic re-sync job), in one run per knowledge base, and
// returns how many it queued.
func (s *Service) ResyncDue(ctx context.Context) (int, error) {
	due, err := store.DueWebDocuments(ctx, s.db.Pool, 500)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	q := s.queue
	type base struct{ ws, kb int64 }
	groups := map[base][]int64{}
	var order []base
	for _, d := range due {
		b := base{d.WorkspaceID, d.KnowledgeBaseID}
		if _, ok := groups[b]; !ok {
			order = append(order, b)
		}
		groups[b] = append(groups[b], d.DocumentID)
	}
	for _, b := range order {
		ids := groups[b]
		err := s.db.InTx(ctx, func(tx pgx.Tx) error {
			run, err := store.CreateKnowledgeRun(ctx, tx, b.ws, b.kb, "schedule", len(ids))
			if err != nil {
				return err
			}
			if err := store.QueueKnowledgeDocuments(ctx, tx, b.ws, ids, run); err != nil {
				return err
			}
			tasks := make([]IngestTask, len(ids))
			for i, id := range ids {
				tasks[i] = IngestTask{WorkspaceID: b.ws, DocumentID: id, RunID: run}
			}
			return q.Ingest(ctx, tx, tasks)
		})
		if err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

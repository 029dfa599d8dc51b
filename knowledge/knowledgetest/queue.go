package knowledgetest

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/knowledge"
)

// Queue keeps the ingest tasks instead of queueing jobs: the benchmarks
// ingest themselves.
type Queue struct {
	mu    sync.Mutex
	tasks []knowledge.IngestTask
}

func (q *Queue) Ingest(_ context.Context, _ pgx.Tx, t []knowledge.IngestTask) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.tasks = append(q.tasks, t...)
	return nil
}
func (q *Queue) Reembed(context.Context, pgx.Tx, int64, string) error   { return nil }
func (q *Queue) Relanguage(context.Context, pgx.Tx, int64, int64) error { return nil }

// Take returns the tasks queued since the last call.
func (q *Queue) Take() []knowledge.IngestTask {
	q.mu.Lock()
	defer q.mu.Unlock()
	t := q.tasks
	q.tasks = nil
	return t
}

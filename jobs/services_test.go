package jobs_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// services builds the domain services as the deskmate command does, their
// jobs queued through an insert-only client.
func services(t *testing.T, db *store.DB) (jobs.Services, jobs.Queue) {
	t.Helper()
	key, err := secret.GenerateKey()
	require.NoError(t, err)
	queue, err := jobs.NewQueue(db)
	require.NoError(t, err)
	ws, err := workspace.New(workspace.Options{DB: db, Box: secret.NewBox(key)})
	require.NoError(t, err)
	kn, err := knowledge.New(knowledge.Options{DB: db, Models: ws, Queue: queue})
	require.NoError(t, err)
	au, err := automation.New(automation.Options{DB: db, Queue: queue, Embedders: kn})
	require.NoError(t, err)
	return jobs.Services{Knowledge: kn, Automations: au}, queue
}

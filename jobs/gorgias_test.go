package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/connector"
	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/jobs"
)

// Every ticket job inserts (River accepts its options), in the tickets
// queue, and a repeated message job or plan is stored once.
func TestTicketJobsInsertOnceInTheirQueue(t *testing.T) {
	db := testdb.New(t)
	q, err := jobs.NewQueue(db)
	require.NoError(t, err)
	ctx := context.Background()
	task := connector.TicketTask{WorkspaceID: 1, TicketID: 2, MessageID: 3, EventID: 4}
	later := time.Now().Add(time.Hour)
	for i := 0; i < 2; i++ {
		require.NoError(t, db.InTx(ctx, func(tx pgx.Tx) error {
			if err := q.ProcessTicket(ctx, tx, task); err != nil {
				return err
			}
			if err := q.CheckTicket(ctx, tx, task); err != nil {
				return err
			}
			if err := q.SendPlan(ctx, tx, connector.PlanTask{WorkspaceID: 1, TicketID: 2, Cause: "m3", At: later}); err != nil {
				return err
			}
			if err := q.AutoClose(ctx, tx, connector.CloseTask{WorkspaceID: 1, TicketID: 2, AfterMessageID: 5, At: later}); err != nil {
				return err
			}
			return q.WidgetAction(ctx, tx, connector.WidgetTask{WorkspaceID: 1, TicketID: 2, Action: "summarize", Cause: "w1"})
		}))
	}
	counts := map[string]int{}
	rows, err := db.Pool.Query(ctx, `SELECT kind, queue, count(*) FROM river_job GROUP BY kind, queue`)
	require.NoError(t, err)
	for rows.Next() {
		var kind, queue string
		var n int
		require.NoError(t, rows.Scan(&kind, &queue, &n))
		require.Equal(t, jobs.QueueTickets, queue, kind)
		counts[kind] = n
	}
	require.Equal(t, map[string]int{"gorgias_process_ticket": 1, "gorgias_check_ticket": 2, "gorgias_send_plan": 1,
		"gorgias_auto_close": 1, "gorgias_widget_action": 2}, counts)
}

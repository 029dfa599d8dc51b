package jobs

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/deskmate/deskmate/connector"
	"github.com/deskmate/deskmate/gorgias"
)

// QueueTickets is the River queue of the Gorgias connector's jobs: tickets
// get workers of their own, so that a long knowledge ingestion never makes
// a customer wait.
const QueueTickets = "tickets"

// ticketAttempts: Gorgias may rate-limit or fail for a while; a reply still
// goes out later (River waits longer after each attempt).
const ticketAttempts = 20

// ticketRetry is when a failed ticket job runs again: soon at first (a
// blip at Gorgias), then less often, every 15 minutes at most.
func ticketRetry(attempt int) time.Time {
	wait := 15 * time.Minute
	if attempt < 10 {
		wait = min(wait, time.Duration(1<<attempt)*time.Second)
	}
	return time.Now().Add(wait)
}

// waitForBudget turns "Gorgias has no room for this call yet" (a 429, or
// the account's budget full until past the job's deadline) into a snooze
// until there is room: the job runs again then without spending one of its
// attempts, so a backlog longer than the retries would last still gets
// every reply out. A little jitter keeps snoozed jobs from waking together.
func waitForBudget(err error) error {
	d, ok := gorgias.RetryAfter(err)
	if !ok {
		return err
	}
	d = max(d, time.Second)
	return river.JobSnooze(d + rand.N(d/10+time.Second))
}

// ticketOutcome is what River does after a ticket job's work that carries
// out the actions of cause: Gorgias' budget becomes a snooze
// (waitForBudget), and a failure on the last attempt marks the actions
// still pending failed, since nothing will carry them out any more.
func ticketOutcome(ctx context.Context, c *connector.Service, job *rivertype.JobRow, workspaceID, ticketID int64, cause string, err error) error {
	err = waitForBudget(err)
	var snooze *river.JobSnoozeError
	if err != nil && !errors.As(err, &snooze) && job.Attempt >= job.MaxAttempts {
		c.GiveUp(ctx, workspaceID, ticketID, cause, err)
	}
	return err
}

// pendingStates are the states in which a job still has to run.
var pendingStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled}

// ProcessTicketArgs answers one customer message.
type ProcessTicketArgs struct {
	connector.TicketTask
}

// Kind is the stable River job kind.
func (ProcessTicketArgs) Kind() string { return "gorgias_process_ticket" }

// InsertOpts: one job per customer message, whatever the deliveries.
func (ProcessTicketArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueTickets, MaxAttempts: ticketAttempts,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: append(pendingStates, rivertype.JobStateRunning, rivertype.JobStateCompleted)}}
}

// ProcessTicketWorker runs the connector's ProcessTicket.
type ProcessTicketWorker struct {
	river.WorkerDefaults[ProcessTicketArgs]
	Connector *connector.Service
}

// Timeout leaves room for a chat model's answer and Gorgias' rate limit.
func (w *ProcessTicketWorker) Timeout(*river.Job[ProcessTicketArgs]) time.Duration {
	return 5 * time.Minute
}

// NextRetry retries soon, then less often.
func (w *ProcessTicketWorker) NextRetry(job *river.Job[ProcessTicketArgs]) time.Time {
	return ticketRetry(job.Attempt)
}

// Work answers the message.
func (w *ProcessTicketWorker) Work(ctx context.Context, job *river.Job[ProcessTicketArgs]) error {
	err := w.Connector.ProcessTicket(ctx, job.Args.TicketTask)
	return ticketOutcome(ctx, w.Connector, job.JobRow, job.Args.WorkspaceID, job.Args.TicketID,
		connector.MessageCause(job.Args.MessageID), err)
}

// CheckTicketArgs looks at a ticket an agent changed.
type CheckTicketArgs struct {
	connector.TicketTask
}

// Kind is the stable River job kind.
func (CheckTicketArgs) Kind() string { return "gorgias_check_ticket" }

// InsertOpts: every change is looked at (a check that already runs may
// have read the ticket before it); a check costs nothing unless Deskmate
// handed the ticket over.
func (CheckTicketArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueTickets, MaxAttempts: ticketAttempts}
}

// CheckTicketWorker runs the connector's CheckTicket.
type CheckTicketWorker struct {
	river.WorkerDefaults[CheckTicketArgs]
	Connector *connector.Service
}

// NextRetry retries soon, then less often.
func (w *CheckTicketWorker) NextRetry(job *river.Job[CheckTicketArgs]) time.Time {
	return ticketRetry(job.Attempt)
}

// Work checks the ticket.
func (w *CheckTicketWorker) Work(ctx context.Context, job *river.Job[CheckTicketArgs]) error {
	return waitForBudget(w.Connector.CheckTicket(ctx, job.Args.TicketTask))
}

// SendPlanArgs carries out a delayed plan.
type SendPlanArgs struct {
	connector.PlanTask
}

// Kind is the stable River job kind.
func (SendPlanArgs) Kind() string { return "gorgias_send_plan" }

// InsertOpts: one job per plan.
func (SendPlanArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueTickets, MaxAttempts: ticketAttempts,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: append(pendingStates, rivertype.JobStateRunning)}}
}

// SendPlanWorker runs the connector's SendPlan.
type SendPlanWorker struct {
	river.WorkerDefaults[SendPlanArgs]
	Connector *connector.Service
}

// NextRetry retries soon, then less often.
func (w *SendPlanWorker) NextRetry(job *river.Job[SendPlanArgs]) time.Time {
	return ticketRetry(job.Attempt)
}

// Work sends the plan unless an agent stepped in.
func (w *SendPlanWorker) Work(ctx context.Context, job *river.Job[SendPlanArgs]) error {
	err := w.Connector.SendPlan(ctx, job.Args.PlanTask)
	return ticketOutcome(ctx, w.Connector, job.JobRow, job.Args.WorkspaceID, job.Args.TicketID, job.Args.Cause, err)
}

// AutoCloseArgs closes a ticket Deskmate answered.
type AutoCloseArgs struct {
	connector.CloseTask
}

// Kind is the stable River job kind.
func (AutoCloseArgs) Kind() string { return "gorgias_auto_close" }

// InsertOpts: one job per answer.
func (AutoCloseArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueTickets, MaxAttempts: ticketAttempts,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: append(pendingStates, rivertype.JobStateRunning)}}
}

// AutoCloseWorker runs the connector's AutoClose.
type AutoCloseWorker struct {
	river.WorkerDefaults[AutoCloseArgs]
	Connector *connector.Service
}

// NextRetry retries soon, then less often.
func (w *AutoCloseWorker) NextRetry(job *river.Job[AutoCloseArgs]) time.Time {
	return ticketRetry(job.Attempt)
}

// Work closes the ticket unless the customer wrote again.
func (w *AutoCloseWorker) Work(ctx context.Context, job *river.Job[AutoCloseArgs]) error {
	return waitForBudget(w.Connector.AutoClose(ctx, job.Args.CloseTask))
}

// WidgetActionArgs runs a sidebar button's work.
type WidgetActionArgs struct {
	connector.WidgetTask
}

// Kind is the stable River job kind.
func (WidgetActionArgs) Kind() string { return "gorgias_widget_action" }

// InsertOpts: a button's work is worth a few attempts.
func (WidgetActionArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueTickets, MaxAttempts: 5}
}

// WidgetActionWorker runs the connector's RunWidgetAction.
type WidgetActionWorker struct {
	river.WorkerDefaults[WidgetActionArgs]
	Connector *connector.Service
}

// Timeout leaves room for a chat model's answer.
func (w *WidgetActionWorker) Timeout(*river.Job[WidgetActionArgs]) time.Duration {
	return 5 * time.Minute
}

// NextRetry retries soon, then less often.
func (w *WidgetActionWorker) NextRetry(job *river.Job[WidgetActionArgs]) time.Time {
	return ticketRetry(job.Attempt)
}

// Work posts the button's note.
func (w *WidgetActionWorker) Work(ctx context.Context, job *river.Job[WidgetActionArgs]) error {
	err := w.Connector.RunWidgetAction(ctx, job.Args.WidgetTask)
	return ticketOutcome(ctx, w.Connector, job.JobRow, job.Args.WorkspaceID, job.Args.TicketID, job.Args.Cause, err)
}

// GorgiasMaintenanceArgs refreshes OAuth tokens and forgets old deliveries.
type GorgiasMaintenanceArgs struct{}

// Kind is the stable River job kind.
func (GorgiasMaintenanceArgs) Kind() string { return "gorgias_maintenance" }

// GorgiasMaintenanceInterval is how often tokens and deliveries are looked at.
const GorgiasMaintenanceInterval = 15 * time.Minute

// GorgiasMaintenanceWorker runs the connector's periodic work.
type GorgiasMaintenanceWorker struct {
	river.WorkerDefaults[GorgiasMaintenanceArgs]
	Connector *connector.Service
}

// Work refreshes tokens that expire within the hour and prunes deliveries.
func (w *GorgiasMaintenanceWorker) Work(ctx context.Context, _ *river.Job[GorgiasMaintenanceArgs]) error {
	if _, err := w.Connector.PruneEvents(ctx); err != nil {
		return err
	}
	return w.Connector.RefreshExpiringTokens(ctx)
}

// The connector's queue.
var _ connector.Queue = Queue{}

func scheduled(at time.Time) *river.InsertOpts {
	if at.IsZero() || !at.After(time.Now()) {
		return nil
	}
	return &river.InsertOpts{ScheduledAt: at}
}

// ProcessTicket implements connector.Queue.
func (q Queue) ProcessTicket(ctx context.Context, tx pgx.Tx, t connector.TicketTask) error {
	_, err := q.Client.InsertTx(ctx, tx, ProcessTicketArgs{t}, scheduled(t.At))
	return err
}

// CheckTicket implements connector.Queue.
func (q Queue) CheckTicket(ctx context.Context, tx pgx.Tx, t connector.TicketTask) error {
	_, err := q.Client.InsertTx(ctx, tx, CheckTicketArgs{connector.TicketTask{WorkspaceID: t.WorkspaceID, TicketID: t.TicketID}},
		scheduled(t.At))
	return err
}

// SendPlan implements connector.Queue.
func (q Queue) SendPlan(ctx context.Context, tx pgx.Tx, t connector.PlanTask) error {
	_, err := q.Client.InsertTx(ctx, tx, SendPlanArgs{t}, scheduled(t.At))
	return err
}

// AutoClose implements connector.Queue.
func (q Queue) AutoClose(ctx context.Context, tx pgx.Tx, t connector.CloseTask) error {
	_, err := q.Client.InsertTx(ctx, tx, AutoCloseArgs{t}, scheduled(t.At))
	return err
}

// WidgetAction implements connector.Queue.
func (q Queue) WidgetAction(ctx context.Context, tx pgx.Tx, t connector.WidgetTask) error {
	_, err := q.Client.InsertTx(ctx, tx, WidgetActionArgs{t}, nil)
	return err
}

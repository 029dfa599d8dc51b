package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
	"github.com/deskmate/deskmate/jobs"
)

// The connector end to end: the emulator delivers webhooks to Deskmate's
// HTTP server, River works the jobs, Deskmate calls the emulator's API.

func TestLearnedIntentGetsAPublicReplyByTheBot(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, nil)
	d.a.startJobs()
	d.trainAutomations()

	tk := d.write("new.customer@example.com", 0, "What are your opening hours?")
	d.waitFor("a reply", func() bool { r, _ := d.fromDeskmate(tk.ID); return len(r) == 1 })
	d.settle()
	replies, notes := d.fromDeskmate(tk.ID)
	require.Len(t, replies, 1)
	require.Empty(t, notes)
	r := replies[0]
	require.Equal(t, d.acme.BotUserID, r.Sender.ID, "sent as the bot user")
	require.True(t, r.FromAgent)
	require.Equal(t, "email", r.Channel)
	require.Equal(t, "new.customer@example.com", r.Receiver.Email, "to the customer")
	require.Contains(t, r.BodyText, "We are open 9–17")
	require.Contains(t, r.BodyHTML, "The Acme team", "the signature ends e-mails")
	require.True(t, d.ticket(tk.ID).HasTag("ai-handled"), "tags: %+v", d.ticket(tk.ID).Tags)

	// The health panel and the action log say what happened.
	var conn struct {
		Status string `json:"status"`
		Health struct {
			LastWebhookAt *time.Time `json:"last_webhook_at"`
			LastReplyAt   *time.Time `json:"last_reply_at"`
		} `json:"health"`
	}
	d.owner.must(200, "GET", wsPath(d.ws, "/gorgias/connection"), nil).JSON(t, &conn)
	require.Equal(t, "connected", conn.Status)
	require.NotNil(t, conn.Health.LastWebhookAt)
	require.NotNil(t, conn.Health.LastReplyAt)
	var actions []struct {
		Action string `json:"action"`
		Status string `json:"status"`
		RunID  *int64 `json:"run_id"`
	}
	d.owner.must(200, "GET", wsPath(d.ws, "/gorgias/actions?ticket_id="+itoa(tk.ID)), nil).JSON(t, &actions)
	require.NotEmpty(t, actions)
	for _, a := range actions {
		require.Equal(t, "done", a.Status, "%+v", a)
		require.NotNil(t, a.RunID, "every action links to the decision's trace")
	}
}

func TestDraftModePostsAnInternalNoteOnly(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, map[string]any{"mode": "draft"})
	d.a.startJobs()
	d.trainAutomations()

	tk := d.write("new.customer@example.com", 0, "When are you open?")
	d.waitFor("a draft", func() bool { _, n := d.fromDeskmate(tk.ID); return len(n) == 1 })
	d.settle()
	replies, notes := d.fromDeskmate(tk.ID)
	require.Empty(t, replies, "nothing reaches the customer in draft mode")
	require.Len(t, notes, 1)
	require.Contains(t, notes[0].BodyText, "We are open 9–17")
	require.Equal(t, gorgias.ChannelInternalNote, notes[0].Channel)
	require.False(t, notes[0].Public)
}

func TestTalkToAHumanHandsOverForGood(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, map[string]any{"handover_user_id": int64(0)})
	d.a.startJobs()
	set := map[string]any{"channels": []string{"email"}, "mode": "autopilot", "quiet_seconds": 0, "handle_unassigned": true,
		"handover_user_id": d.acme.AdminUserID}
	d.owner.must(200, "PUT", wsPath(d.ws, "/gorgias/settings"), set)

	tk := d.write("new.customer@example.com", 0, "I want to talk to a human, please")
	d.waitFor("the hand-over", func() bool { return d.ticket(tk.ID).HasTag("agent-required") })
	d.settle()
	got := d.ticket(tk.ID)
	replies, _ := d.fromDeskmate(tk.ID)
	require.Len(t, replies, 1, "a final reply tells the customer a person takes over")
	require.NotNil(t, got.AssigneeUser)
	require.Equal(t, d.acme.AdminUserID, got.AssigneeUser.ID, "reassigned to the hand-over user")

	// Never processed again: even unassigned and asking something Deskmate knows.
	require.NoError(t, d.emu.AssignAsAgent("acme", tk.ID, 0))
	d.write("new.customer@example.com", tk.ID, "How long does shipping take?")
	d.settle()
	replies, _ = d.fromDeskmate(tk.ID)
	require.Len(t, replies, 1, "no new reply after a hand-over")
	var reason string
	require.NoError(t, d.a.db.Pool.QueryRow(ctx(t), `SELECT last_reason FROM gorgias_tickets WHERE ticket_id = $1`, tk.ID).Scan(&reason))
	require.Equal(t, "handed_over", reason)
}

func TestAgentMessagesAndInternalNotesAreIgnored(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, nil)
	d.a.startJobs()
	d.trainAutomations()

	// An agent opens a ticket for a customer and writes a note: Deskmate
	// sees both deliveries and queues nothing.
	tk := d.write("new.customer@example.com", 0, "What are your opening hours?")
	d.waitFor("the reply", func() bool { r, _ := d.fromDeskmate(tk.ID); return len(r) == 1 })
	d.settle()
	before := d.jobs("gorgias_process_ticket")
	_, err := d.emu.ReplyAsAgent("acme", gorgiastest.AgentReply{TicketID: tk.ID, Body: "Anything else I can do?"})
	require.NoError(t, err)
	_, err = d.emu.ReplyAsAgent("acme", gorgiastest.AgentReply{TicketID: tk.ID, Body: "note to self", Internal: true})
	require.NoError(t, err)
	d.settle()
	require.Equal(t, before, d.jobs("gorgias_process_ticket"), "agents' messages and notes queue nothing")
	replies, notes := d.fromDeskmate(tk.ID)
	require.Len(t, replies, 1)
	require.Empty(t, notes)
	require.GreaterOrEqual(t, d.events(tk.ID), 3, "the deliveries were received and stored")
}

func TestDuplicateDeliveriesGetOneReply(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{Chaos: gorgiastest.Chaos{Duplicate: true}}, nil)
	d.a.startJobs()
	d.trainAutomations()

	tk := d.write("new.customer@example.com", 0, "What are your opening hours?")
	d.waitFor("a reply", func() bool { r, _ := d.fromDeskmate(tk.ID); return len(r) == 1 })
	d.settle()
	replies, _ := d.fromDeskmate(tk.ID)
	require.Len(t, replies, 1)
	require.Equal(t, 1, d.jobs("gorgias_process_ticket"), "one job for the message, whatever the deliveries")
}

func TestABurstOfMessagesGetsOneReply(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, map[string]any{"quiet_seconds": 2})
	d.a.startJobs()
	d.trainAutomations()

	tk := d.write("new.customer@example.com", 0, "hello")
	d.write("new.customer@example.com", tk.ID, "I have a question")
	d.write("new.customer@example.com", tk.ID, "what are your opening hours?")
	d.waitFor("a reply", func() bool { r, _ := d.fromDeskmate(tk.ID); return len(r) == 1 })
	time.Sleep(500 * time.Millisecond)
	d.settle()
	replies, _ := d.fromDeskmate(tk.ID)
	require.Len(t, replies, 1, "the burst is answered once")
	require.Contains(t, replies[0].BodyText, "We are open 9–17", "the answer is to the last message")
}

func TestReplyDelayIsCancelledByAnAgentReply(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, map[string]any{"reply_delay_seconds": 3})
	d.a.startJobs()
	d.trainAutomations()

	tk := d.write("new.customer@example.com", 0, "What are your opening hours?")
	d.waitFor("the delayed plan", func() bool { return d.jobs("gorgias_send_plan") == 1 })
	_, err := d.emu.ReplyAsAgent("acme", gorgiastest.AgentReply{TicketID: tk.ID, Body: "We open at nine."})
	require.NoError(t, err)
	d.waitFor("the plan cancelled", func() bool { return d.actionStatus(tk.ID, "message") == "cancelled" })
	d.settle()
	replies, _ := d.fromDeskmate(tk.ID)
	require.Empty(t, replies, "an agent replied first: Deskmate says nothing")

	// Without an agent, the delayed reply goes out.
	tk2 := d.write("other.customer@example.com", 0, "What are your opening hours?")
	d.waitFor("the delayed reply", func() bool { r, _ := d.fromDeskmate(tk2.ID); return len(r) == 1 })
}

func TestAutoCloseAfterTheQuietTimeUnlessTheCustomerWritesAgain(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, map[string]any{"auto_close_minutes": map[string]int{"email": 30}})
	d.a.startJobs()
	d.trainAutomations()

	quiet := d.write("quiet.customer@example.com", 0, "What are your opening hours?")
	talky := d.write("talky.customer@example.com", 0, "What are your opening hours?")
	for _, id := range []int64{quiet.ID, talky.ID} {
		d.waitFor("a reply", func() bool { r, _ := d.fromDeskmate(id); return len(r) == 1 })
	}
	d.waitFor("auto-close scheduled", func() bool { return d.jobs("gorgias_auto_close") == 2 })
	var at time.Time
	require.NoError(t, d.a.db.Pool.QueryRow(ctx(t), `SELECT min(scheduled_at) FROM river_job WHERE kind = 'gorgias_auto_close'`).Scan(&at))
	require.WithinDuration(t, time.Now().Add(30*time.Minute), at, time.Minute)
	require.Equal(t, gorgias.StatusOpen, d.ticket(quiet.ID).Status)

	// The customer of one ticket writes again: a new question in a
	// language the built-in cannot serve, so Deskmate does not answer it.
	d.write("talky.customer@example.com", talky.ID, "Merci, mais j'ai encore une question sur ma facture.")
	d.settle()
	// Thirty minutes later (the clock moved on):
	d.exec(`UPDATE river_job SET scheduled_at = now() WHERE kind = 'gorgias_auto_close'`)
	d.waitFor("the quiet ticket closed", func() bool { return d.ticket(quiet.ID).Status == gorgias.StatusClosed })
	d.settle()
	require.True(t, d.ticket(quiet.ID).HasTag("closed-by-ai"))
	require.Equal(t, gorgias.StatusOpen, d.ticket(talky.ID).Status, "the customer wrote again: not closed")
}

func TestReturnToBotResumesOnTheNextMessage(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, nil)
	d.a.startJobs()
	d.trainAutomations()

	tk := d.write("new.customer@example.com", 0, "I want to speak to a human agent")
	d.waitFor("the hand-over", func() bool { return d.ticket(tk.ID).HasTag("agent-required") })
	d.settle()
	// An agent gives the ticket back: removes the tag and assigns the bot.
	require.NoError(t, d.emu.TagAsAgent("acme", tk.ID, nil, []string{"agent-required"}))
	require.NoError(t, d.emu.AssignAsAgent("acme", tk.ID, d.acme.BotUserID))
	d.settle()
	var state string
	d.waitFor("the conversation returned", func() bool {
		_ = d.a.db.Pool.QueryRow(ctx(t), `SELECT state FROM conversations WHERE key = $1`, "gorgias:"+itoa(tk.ID)).Scan(&state)
		return state == "bot"
	})
	d.write("new.customer@example.com", tk.ID, "OK thanks. What are your opening hours?")
	d.waitFor("a reply after the return", func() bool {
		r, _ := d.fromDeskmate(tk.ID)
		return len(r) == 2 && strings.Contains(r[1].BodyText, "We are open 9–17")
	})
}

func TestExcludedTagAndPauseLeaveTicketsAlone(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, map[string]any{"quiet_seconds": 2})
	d.a.startJobs()
	d.trainAutomations()
	d.owner.must(200, "PUT", wsPath(d.ws, "/tags/excluded"), map[string]any{"tags": []string{"vip"}})

	// An agent tags the ticket while Deskmate waits for the customer to
	// finish writing.
	vip := d.write("vip.customer@example.com", 0, "What are your opening hours?")
	require.NoError(t, d.emu.TagAsAgent("acme", vip.ID, []string{"vip"}, nil))
	time.Sleep(2500 * time.Millisecond)
	d.settle()
	replies, notes := d.fromDeskmate(vip.ID)
	require.Empty(t, replies, "excluded tag: untouched")
	require.Empty(t, notes)
	require.True(t, d.ticket(vip.ID).HasTag("not-involved"), "agents see that Deskmate stays out")

	d.owner.must(200, "POST", wsPath(d.ws, "/gorgias/pause"), nil)
	paused := d.write("new.customer@example.com", 0, "What are your opening hours?")
	time.Sleep(2500 * time.Millisecond)
	d.settle()
	replies, notes = d.fromDeskmate(paused.ID)
	require.Empty(t, replies, "paused: untouched")
	require.Empty(t, notes)
	require.Positive(t, d.events(paused.ID), "a paused workspace still stores what arrives")

	d.owner.must(200, "POST", wsPath(d.ws, "/gorgias/resume"), nil)
	d.write("new.customer@example.com", paused.ID, "What are your opening hours, please?")
	d.waitFor("a reply after resuming", func() bool { r, _ := d.fromDeskmate(paused.ID); return len(r) == 1 })
}

// The webhook endpoint keeps what it read of the connection for a moment;
// a pause made through Deskmate applies to the very next delivery.
func TestAWebhookSeesAPauseAtOnce(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, nil)
	secret := d.secret(d.ws)
	hook := "/gorgias/webhook/" + itoa(d.ws) + "/ticket-message-created"
	jobs := func(ticketID int64) int {
		var n int
		require.NoError(t, d.a.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job
			WHERE kind = 'gorgias_process_ticket' AND (args->>'ticket_id')::bigint = $1`, ticketID).Scan(&n))
		return n
	}
	status, _ := d.post("POST", hook, secret, "application/json", webhookBody(1))
	require.Equal(t, 200, status)
	require.Equal(t, 1, jobs(1_000_001), "connected: the message is queued")

	d.owner.must(200, "POST", wsPath(d.ws, "/gorgias/pause"), nil)
	status, _ = d.post("POST", hook, secret, "application/json", webhookBody(2))
	require.Equal(t, 200, status)
	require.Equal(t, 1, d.events(1_000_002), "stored")
	require.Zero(t, jobs(1_000_002), "paused: not queued")
}

// A ticket job that fails for the last time marks what it could not carry
// out failed, with the error, instead of leaving it pending for ever;
// before its last attempt the actions stay pending for the retry.
func TestAReplyThatCannotBeSentIsMarkedFailedAfterTheLastAttempt(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, nil)
	ctx := context.Background()
	// Nothing to answer from: the agent hands over with a final reply.
	tk := d.write("new.customer@example.com", 0, "Can you help me with something odd?")
	require.NoError(t, d.emu.Flush(ctx))
	var args jobs.ProcessTicketArgs
	require.NoError(t, d.a.db.Pool.QueryRow(ctx, `SELECT args FROM river_job
		WHERE kind = 'gorgias_process_ticket' AND (args->>'ticket_id')::bigint = $1`, tk.ID).Scan(&args))
	d.emu.InjectFault(gorgiastest.Fault{Method: "POST", Path: "/api/tickets/*/messages", Count: 1000, Status: 500})
	w := &jobs.ProcessTicketWorker{Connector: d.a.deps.Connector}
	work := func(attempt int) error {
		return w.Work(ctx, &river.Job[jobs.ProcessTicketArgs]{JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 20}, Args: args})
	}
	statuses := func() map[string]string {
		out := map[string]string{}
		rows, err := d.a.db.Pool.Query(ctx, `SELECT action, status, coalesce(detail->>'failed', '') FROM gorgias_actions WHERE ticket_id = $1`, tk.ID)
		require.NoError(t, err)
		defer rows.Close()
		for rows.Next() {
			var action, status, failed string
			require.NoError(t, rows.Scan(&action, &status, &failed))
			out[action] = status
			if failed != "" {
				require.Contains(t, failed, "500", "the error is kept")
			}
		}
		require.NoError(t, rows.Err())
		return out
	}

	require.Error(t, work(1))
	before := statuses()
	require.Equal(t, "pending", before["message"], "retried later: %v", before)
	require.Error(t, work(20))
	after := statuses()
	require.Equal(t, "failed", after["message"], "%v", after)
	for action, status := range after {
		require.NotEqual(t, "pending", status, "%s is not left pending", action)
	}
	replies, _ := d.fromDeskmate(tk.ID)
	require.Empty(t, replies)
}

func TestRateLimitStormsAndServerErrorsStillSendEveryReplyOnce(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{RateLimit: &gorgiastest.RateLimit{BasicRequests: 6, OAuthRequests: 12, Window: 2 * time.Second}}, nil)
	d.a.startJobs()
	d.trainAutomations()
	d.emu.InjectFault(gorgiastest.Fault{Account: "acme", Method: "POST", Path: "/api/tickets/*/messages", Count: 4, Status: 502})
	d.emu.InjectFault(gorgiastest.Fault{Account: "acme", Method: "GET", Path: "/api/tickets/*", Count: 3, Status: 429, RetryAfter: 1})

	var ids []int64
	for i := 0; i < 6; i++ {
		ids = append(ids, d.write("storm"+itoa(int64(i))+"@example.com", 0, "What are your opening hours?").ID)
	}
	for _, id := range ids {
		d.waitFor("every reply", func() bool { r, _ := d.fromDeskmate(id); return len(r) >= 1 })
	}
	d.settle()
	for _, id := range ids {
		replies, _ := d.fromDeskmate(id)
		require.Len(t, replies, 1, "ticket %d", id)
	}
	limited := 0
	for _, r := range d.emu.Requests() {
		if r.Status == 429 {
			limited++
		}
	}
	require.Positive(t, limited, "the emulator did rate-limit Deskmate")
}

func TestWorkerKilledMidJobSendsExactlyOneReplyAfterRestart(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, nil)
	d.trainAutomationsWithWorker()
	// The reply reaches Gorgias, then the worker dies before it hears back.
	d.emu.InjectFault(gorgiastest.Fault{Account: "acme", Method: "POST", Path: "/api/tickets/*/messages", AfterWrite: true, Hang: true})
	first := d.worker(0)
	tk := d.write("new.customer@example.com", 0, "What are your opening hours?")
	d.waitFor("the reply posted", func() bool { r, _ := d.fromDeskmate(tk.ID); return len(r) == 1 })
	stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, first.StopAndCancel(stopCtx))
	// As a killed process leaves it: the job still marked running.
	d.exec(`UPDATE river_job SET state = 'running', attempted_at = now() - interval '1 hour', finalized_at = NULL
		WHERE kind = 'gorgias_process_ticket'`)

	d.worker(time.Second) // a new process rescues the job
	d.waitFor("the job done", func() bool { return d.actionStatus(tk.ID, "message") == "done" })
	d.settle()
	replies, _ := d.fromDeskmate(tk.ID)
	require.Len(t, replies, 1, "exactly one reply")
	require.Equal(t, 1, d.emu.CountRequests("POST", "/api/tickets/*/messages"), "the retry found the reply instead of posting it again")
}

func TestWhereIsMyOrderRepliesWithTheTrackingLink(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, nil)
	d.a.startJobs()

	tk := d.write("jane@example.com", 0, "Hi, where is my order?")
	d.waitFor("a reply", func() bool { r, _ := d.fromDeskmate(tk.ID); return len(r) == 1 })
	replies, _ := d.fromDeskmate(tk.ID)
	require.Contains(t, replies[0].BodyText, "https://www.ups.com/track?tracknum=1Z999AA10123456784")
	require.Contains(t, replies[0].BodyText, "#1002", "the newest order")

	// A customer without orders is asked for the number.
	tk2 := d.write("nobody@example.com", 0, "Where is my order?")
	d.waitFor("a question", func() bool { r, _ := d.fromDeskmate(tk2.ID); return len(r) == 1 })
	replies, _ = d.fromDeskmate(tk2.ID)
	require.Contains(t, strings.ToLower(replies[0].BodyText), "order number")
}

func TestReturnToBotIsNoticedWithoutATicketUpdatedDelivery(t *testing.T) {
	d := newDesk(t, gorgiastest.Options{}, nil)
	d.a.startJobs()
	d.trainAutomations()
	// Gorgias may not tell Deskmate about tag changes: drop that integration.
	cl := d.client()
	hooks, err := cl.Integrations(context.Background(), gorgias.IntegrationHTTP)
	require.NoError(t, err)
	for _, h := range hooks {
		if h.HTTP != nil && h.HTTP.Triggered(gorgias.TriggerTicketUpdated) && h.HTTP.Method == "POST" {
			require.NoError(t, cl.DeleteIntegration(context.Background(), h.ID))
		}
	}
	tk := d.write("new.customer@example.com", 0, "I want to speak to a human agent")
	d.waitFor("the hand-over", func() bool { return d.ticket(tk.ID).HasTag("agent-required") })
	d.settle()
	require.NoError(t, d.emu.TagAsAgent("acme", tk.ID, nil, []string{"agent-required"}))
	require.NoError(t, d.emu.AssignAsAgent("acme", tk.ID, d.acme.BotUserID))
	d.write("new.customer@example.com", tk.ID, "What are your opening hours?")
	d.waitFor("a reply after the return", func() bool { r, _ := d.fromDeskmate(tk.ID); return len(r) == 2 })
}

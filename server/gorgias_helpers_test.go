package server_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/store"
)

// desk is Deskmate serving real HTTP, with its jobs worked, and a Gorgias
// emulator whose account "acme" is connected to workspace ws through the
// API, as an admin would connect it.
type desk struct {
	t     testing.TB
	a     *api
	emu   *gorgiastest.Emulator
	owner *user
	ws    int64
	acme  gorgiastest.AccountInfo
	url   string
}

// newDesk starts the emulator (opts may add rate limits), Deskmate and its
// workers; settings are merged over the defaults before connecting.
func newDesk(t testing.TB, opts gorgiastest.Options, settings map[string]any) *desk {
	t.Helper()
	return newDeskOn(t, nil, opts, settings)
}

// newDeskOn is newDesk on the database given (nil: a test database).
func newDeskOn(t testing.TB, db *store.DB, opts gorgiastest.Options, settings map[string]any) *desk {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	opts.Accounts = []gorgiastest.AccountOptions{{Domain: "acme", Bot: true}}
	opts.Seed = true
	if opts.Delivery.Backoff == 0 {
		opts.Delivery.Backoff = 50 * time.Millisecond
	}
	emu := gorgiastest.New(opts)
	require.NoError(t, emu.Start())
	t.Cleanup(emu.Close)
	guard, err := netguard.New(netguard.ParseAllowList(strings.TrimPrefix(emu.URL(), "http://")))
	require.NoError(t, err)
	a := newAPI(t, guards{gorgias: guard, emulator: emu, publicURL: "http://" + ln.Addr().String(), db: db})
	go func() { _ = a.srv.Serve(ln) }()
	t.Cleanup(func() { _ = a.srv.Shutdown(5 * time.Second) })
	d := &desk{t: t, a: a, emu: emu, url: "http://" + ln.Addr().String()}
	d.acme, _ = emu.Account("acme")
	d.owner = a.owner()
	d.ws = d.owner.createWorkspace("acme", map[string]any{"gorgias_domain": "acme"}).ID
	d.connect(settings)
	return d
}

// connect enters the credentials, points the connection at the emulator,
// picks the bot user, saves settings and installs Deskmate.
func (d *desk) connect(settings map[string]any) {
	d.t.Helper()
	o := d.owner
	o.must(200, "PUT", wsPath(d.ws, "/gorgias"), map[string]any{"domain": "acme", "api_user": d.acme.Email, "api_key": d.acme.APIKey})
	o.must(200, "PUT", wsPath(d.ws, "/gorgias/base-url"), map[string]any{"base_url": d.acme.BaseURL})
	o.must(200, "PUT", wsPath(d.ws, "/gorgias/bot-user"), map[string]any{"user_id": d.acme.BotUserID})
	set := map[string]any{"channels": []string{"email", "chat"}, "mode": "autopilot", "reply_delay_seconds": 0,
		"quiet_seconds": 0, "handle_unassigned": true, "auto_close_minutes": map[string]int{}, "signature": "The Acme team"}
	for k, v := range settings {
		set[k] = v
	}
	o.must(200, "PUT", wsPath(d.ws, "/gorgias/settings"), set)
	o.must(200, "POST", wsPath(d.ws, "/gorgias/connect"), nil)
}

// trainAutomations creates the support automations and trains them.
func (d *desk) trainAutomations() {
	d.t.Helper()
	for _, a := range supportAutomations() {
		a["active"] = true
		d.owner.must(201, "POST", wsPath(d.ws, "/automations"), a)
	}
	d.owner.must(202, "POST", wsPath(d.ws, "/automations/train"), nil)
	st := d.owner.waitTrained(d.ws)
	require.Equal(d.t, "ready", st.Latest.Status, "training: %+v", st.Latest)
}

// write posts a customer message (a new ticket when ticketID is 0).
func (d *desk) write(email string, ticketID int64, body string) gorgias.Ticket {
	d.t.Helper()
	tk, err := d.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: email, TicketID: ticketID,
		Subject: "Question", Body: body})
	require.NoError(d.t, err)
	return tk
}

// ticket reads a ticket from the emulator.
func (d *desk) ticket(id int64) gorgias.Ticket {
	d.t.Helper()
	ts, err := d.emu.Tickets("acme")
	require.NoError(d.t, err)
	for _, t := range ts {
		if t.ID == id {
			return t
		}
	}
	d.t.Fatalf("no ticket %d", id)
	return gorgias.Ticket{}
}

// fromDeskmate are the ticket's messages Deskmate wrote: public replies by
// the bot user and internal notes.
func (d *desk) fromDeskmate(id int64) (replies, notes []gorgias.Message) {
	for _, m := range d.ticket(id).Messages {
		if !strings.HasPrefix(m.ExternalID, "deskmate:") {
			continue
		}
		if m.Channel == gorgias.ChannelInternalNote || !m.Public {
			notes = append(notes, m)
		} else {
			replies = append(replies, m)
		}
	}
	return replies, notes
}

// waitFor polls until cond holds (jobs and deliveries run in the
// background).
func (d *desk) waitFor(what string, cond func() bool) {
	d.t.Helper()
	require.Eventually(d.t, cond, 60*time.Second, 50*time.Millisecond, what)
}

// settle waits until the emulator delivered everything and Deskmate's
// ticket jobs that are due are done.
func (d *desk) settle() {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		require.NoError(d.t, d.emu.Flush(ctx))
		var busy int
		require.NoError(d.t, d.a.db.Pool.QueryRow(ctx, `SELECT count(*) FROM river_job
			WHERE queue = 'tickets' AND (state IN ('available', 'running', 'retryable', 'pending')
				AND scheduled_at < now() + interval '2 seconds'
				-- due, but not yet made available by River's scheduler
				OR state = 'scheduled' AND scheduled_at <= now())`).Scan(&busy))
		if busy == 0 {
			require.NoError(d.t, d.emu.Flush(ctx))
			return
		}
		select {
		case <-ctx.Done():
			d.t.Fatalf("ticket jobs still busy: %d", busy)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// jobs counts the River jobs of a kind.
func (d *desk) jobs(kind string) int {
	var n int
	require.NoError(d.t, d.a.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = $1`, kind).Scan(&n))
	return n
}

// events counts the deliveries stored for a ticket.
func (d *desk) events(ticketID int64) int {
	var n int
	require.NoError(d.t, d.a.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM gorgias_events WHERE ticket_id = $1`,
		ticketID).Scan(&n))
	return n
}

// actionStatus is the status of a ticket's latest action of a kind.
func (d *desk) actionStatus(ticketID int64, action string) string {
	var s string
	_ = d.a.db.Pool.QueryRow(context.Background(), `SELECT status FROM gorgias_actions WHERE ticket_id = $1 AND action = $2
		ORDER BY id DESC LIMIT 1`, ticketID, action).Scan(&s)
	return s
}

func (d *desk) exec(sql string) {
	d.t.Helper()
	_, err := d.a.db.Pool.Exec(context.Background(), sql)
	require.NoError(d.t, err)
}

// worker starts a River client of its own (a process), rescuing jobs left
// running for longer than rescue (0: the default).
func (d *desk) worker(rescue time.Duration) *river.Client[pgx.Tx] {
	d.t.Helper()
	opts := jobs.Options{Periodic: []*river.PeriodicJob{}, Services: jobs.Services{Knowledge: d.a.deps.Knowledge,
		Automations: d.a.deps.Automations, Connector: d.a.deps.Connector}}
	if rescue > 0 {
		opts.JobTimeout, opts.RescueStuckJobsAfter = rescue/2, rescue
	}
	c, err := jobs.NewClient(d.a.db, opts)
	require.NoError(d.t, err)
	require.NoError(d.t, c.Start(context.Background()))
	d.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = c.StopAndCancel(ctx)
	})
	return c
}

// trainAutomationsWithWorker trains with a worker that stops afterwards.
func (d *desk) trainAutomationsWithWorker() {
	d.t.Helper()
	c := d.worker(0)
	d.trainAutomations()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(d.t, c.Stop(ctx))
}

// client talks to the emulator's acme account as an admin would.
func (d *desk) client() *gorgias.Client {
	d.t.Helper()
	c, err := d.acme.Client()
	require.NoError(d.t, err)
	return c
}

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/deskmate/deskmate/config"
	"github.com/deskmate/deskmate/connector"
	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
	"github.com/deskmate/deskmate/internal/app"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/knowledge/knowledgetest"
	"github.com/deskmate/deskmate/store"
)

// BenchmarkWebhookAck measures how long Gorgias waits for Deskmate to
// acknowledge a webhook (HTTP in, secret checked, the raw event and its
// job stored in one transaction, 200 out) at 200 deliveries a second, on
// the embedded PostgreSQL configured as `deskmate serve` runs it (durable
// commits) with the workers running, and at the same time a bare River
// insert-and-commit loop at the same rate; then both again while a 3,000-row
// FAQ is ingested over and over. Each phase lasts DESKMATE_BENCH_SECONDS
// (default 60). Run it with
//
//	go test -run '^$' -bench WebhookAck -benchtime 1x ./server/
func BenchmarkWebhookAck(b *testing.B) {
	secs := 60
	if v, err := strconv.Atoi(os.Getenv("DESKMATE_BENCH_SECONDS")); err == nil && v > 0 {
		secs = v
	}
	phase := time.Duration(secs) * time.Second
	const rate = 200
	// The product's quiet time (tests use none): each message's job runs
	// a few seconds after its acknowledgement, as it would in production.
	quiet := map[string]any{"quiet_seconds": connector.DefaultSettings().QuietSeconds}
	d := newDeskOn(b, productDatabase(b), gorgiastest.Options{}, quiet)
	// DESKMATE_BENCH_WORKERS=off works no jobs, to see what the workers'
	// own load adds to the acknowledgements (nothing is then ingested in
	// the second half).
	if os.Getenv("DESKMATE_BENCH_WORKERS") != "off" {
		d.a.startJobs()
	}
	secret := d.secret(d.ws)
	queue, err := jobs.NewQueue(d.a.db)
	must(b, err)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 30 * time.Second}
	var seq atomic.Int64
	ack := func(ctx context.Context) error {
		n := seq.Add(1)
		status, err := postWebhook(ctx, hc, d.url+"/gorgias/webhook/"+itoa(d.ws)+"/ticket-message-created", secret, webhookBody(n))
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("status %d", status)
		}
		return err
	}
	bare := func(ctx context.Context) error {
		tx, err := d.a.db.Pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }()
		if _, err := queue.Client.InsertTx(ctx, tx, benchArgs{N: seq.Add(1)}, nil); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}
	// Both paths are warmed up (pool connections, HTTP keep-alives), then
	// run side by side so that both see the same background work.
	load(b, rate, 2*time.Second, ack)
	load(b, rate, 2*time.Second, bare)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		idleAck, idleBare := together(b, rate, phase, ack, bare)
		stop := d.ingestForever(b)
		busyAck, busyBare := together(b, rate, phase, ack, bare)
		rounds, chunks := stop()
		report(b, "idle", idleAck, idleBare)
		report(b, "ingest", busyAck, busyBare)
		b.ReportMetric(float64(chunks)/phase.Seconds(), "ingest_chunks/s")
		b.Logf("ingestion during the busy phases: %d rounds of 3,000 rows, %d chunks", rounds, chunks)
	}
}

// together runs a and b at rate each for d, at the same time, so that
// both see the same background work (the workers answering the
// acknowledged deliveries included), and returns each one's latencies.
func together(tb *testing.B, rate int, d time.Duration, a, b func(context.Context) error) (la, lb []time.Duration) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		lb = load(tb, rate, d, b)
	}()
	la = load(tb, rate, d, a)
	wg.Wait()
	return la, lb
}

// productDatabase starts the embedded PostgreSQL exactly as `deskmate
// serve` does without a DATABASE_URL (durable commits, the product's pool),
// in a temporary data directory, and migrates it. Tests use a faster
// server without fsync; an acknowledgement is only worth measuring with
// the durability it promises.
func productDatabase(b *testing.B) *store.DB {
	dir := b.TempDir()
	cfg, err := config.Load(func(name string) (string, bool) {
		switch name {
		case "DESKMATE_DATA_DIR":
			return dir, true
		case "DATABASE_URL":
			return "", false
		}
		return os.LookupEnv(name)
	})
	must(b, err)
	rt, err := app.Open(context.Background(), cfg, slog.New(slog.DiscardHandler), app.ApplyMigrations)
	must(b, err)
	b.Cleanup(func() { _ = rt.Close(context.Background()) })
	return rt.DB
}

func must(b testing.TB, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

// benchArgs is the bare loop's job: inserted, never worked.
type benchArgs struct {
	N int64 `json:"n"`
}

func (benchArgs) Kind() string { return "bench_bare_insert" }

func (benchArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: "bench"} }

// webhookBody is a ticket-message-created delivery with a three-message
// conversation (about 3 KB, like a real one).
func webhookBody(n int64) []byte {
	text := strings.Repeat("Hello, I ordered a rain jacket last week and it has not arrived yet. ", 6)
	msg := func(id int64, fromAgent bool) map[string]any {
		return map[string]any{"id": id, "channel": "email", "via": "email", "public": true, "from_agent": fromAgent,
			"body_text": text, "sender": map[string]any{"id": 77, "email": "jane@example.com"},
			"created_datetime": time.Now().UTC().Format(time.RFC3339)}
	}
	last := msg(3*n+2, false)
	body, _ := json.Marshal(map[string]any{
		"ticket": map[string]any{"id": 1_000_000 + n, "channel": "email", "status": "open", "subject": "Where is my jacket?",
			"customer": map[string]any{"id": 77, "email": "jane@example.com", "name": "Jane Doe"},
			"messages": []any{msg(3*n, false), msg(3*n+1, true), last}, "tags": []any{},
			"updated_datetime": time.Now().UTC().Format(time.RFC3339)},
		"message": last,
	})
	return body
}

func postWebhook(ctx context.Context, hc *http.Client, url, secret string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(gorgias.DefaultSecretHeader, secret)
	res, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	return res.StatusCode, nil
}

// load calls fn at rate per second for d (open loop: a slow call does not
// delay the next) and returns each call's latency.
func load(b *testing.B, rate int, d time.Duration, fn func(context.Context) error) []time.Duration {
	ctx := context.Background()
	total := int(d.Seconds() * float64(rate))
	lat := make([]time.Duration, total)
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < total; i++ {
		time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))))
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			t0 := time.Now()
			if err := fn(ctx); err != nil {
				failed.Add(1)
				b.Logf("call %d: %v", i, err)
			}
			lat[i] = time.Since(t0)
		}(i)
	}
	wg.Wait()
	if failed.Load() > 0 {
		b.Fatalf("%d of %d calls failed", failed.Load(), total)
	}
	return lat
}

func pct(l []time.Duration, p float64) float64 {
	s := append([]time.Duration(nil), l...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return float64(s[int(p*float64(len(s)-1))]) / float64(time.Millisecond)
}

func report(b *testing.B, name string, ack, bare []time.Duration) {
	b.ReportMetric(pct(ack, 0.5), name+"_ack_p50_ms")
	b.ReportMetric(pct(ack, 0.99), name+"_ack_p99_ms")
	b.ReportMetric(pct(bare, 0.5), name+"_bare_p50_ms")
	b.ReportMetric(pct(bare, 0.99), name+"_bare_p99_ms")
	b.ReportMetric(pct(ack, 0.99)/pct(bare, 0.99), name+"_p99_ratio")
}

// ingestForever ingests a 3,000-row FAQ through the jobs, deletes it and
// starts again, until the returned stop is called; stop reports how many
// rounds finished and how many chunks they stored.
func (d *desk) ingestForever(b *testing.B) (stop func() (rounds, chunks int)) {
	var kb struct {
		ID int64 `json:"id"`
	}
	d.owner.must(201, "POST", wsPath(d.ws, "/knowledge-bases"), map[string]any{"name": "FAQ"}).JSON(b, &kb)
	text := knowledgetest.NewText(3)
	var csv strings.Builder
	csv.WriteString("question,answer\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&csv, "%q,%q\n", fmt.Sprintf("Question %d: %s", i, text.Sentence()), text.Paragraph())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan [2]int)
	go func() {
		rounds, chunks := 0, 0
		defer func() { done <- [2]int{rounds, chunks} }()
		base := wsPath(d.ws, "/knowledge-bases/"+itoa(kb.ID))
		for ctx.Err() == nil {
			r := d.owner.upload(base+"/uploads", [2]string{"faq.csv", csv.String()})
			var up struct {
				Documents []docJSON `json:"documents"`
			}
			if r.Status >= 300 || json.Unmarshal(r.Body, &up) != nil || len(up.Documents) == 0 {
				b.Errorf("upload: %d %s", r.Status, r.Body)
				return
			}
			for ctx.Err() == nil {
				var doc docJSON
				if err := json.Unmarshal(d.owner.call("GET", base+"/documents/"+itoa(up.Documents[0].ID), nil).Body, &doc); err != nil {
					b.Errorf("document: %v", err)
					return
				}
				if doc.Status == "ready" || doc.Status == "failed" {
					rounds++
					chunks += doc.ChunkCount
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			d.owner.call("DELETE", base+"/documents/"+itoa(up.Documents[0].ID), nil)
		}
	}()
	return func() (int, int) {
		cancel()
		r := <-done
		return r[0], r[1]
	}
}

package gorgiastest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/deskmate/deskmate/gorgias"
)

// DeliveryOptions tune HTTP-integration deliveries.
type DeliveryOptions struct {
	Attempts int           // per delivery; default 3
	Timeout  time.Duration // per attempt; default 5 s
	Backoff  time.Duration // before the second attempt, then doubling; default 500 ms
}

func (o DeliveryOptions) withDefaults() DeliveryOptions {
	if o.Attempts <= 0 {
		o.Attempts = 3
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Backoff <= 0 {
		o.Backoff = 500 * time.Millisecond
	}
	return o
}

// Chaos switches make deliveries misbehave the way Gorgias' may.
type Chaos struct {
	Duplicate bool          // send every delivery twice
	Reorder   bool          // hold deliveries in pairs and send the newer first
	Delay     time.Duration // wait this long before each delivery
}

// SetChaos turns the chaos switches on or off.
func (e *Emulator) SetChaos(c Chaos) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.chaos = c
	if !c.Reorder {
		e.releaseHeld()
	}
}

// failureLimit is how many failed requests in a row deactivate an HTTP
// integration.
const failureLimit = 100

// reorderHold is how long a lone delivery waits for a second one to swap
// with.
const reorderHold = time.Second

// DeliveryRecord is one attempt of an HTTP-integration delivery.
type DeliveryRecord struct {
	Account       string
	IntegrationID int64
	Trigger       string
	Method        string
	URL           string
	Attempt       int
	Status        int    // 0 when no answer came
	Error         string // the transport error, if any
}

// Deliveries returns every delivery attempt so far.
func (e *Emulator) Deliveries() []DeliveryRecord {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]DeliveryRecord(nil), e.deliveries...)
}

// delivery is one rendered request of an HTTP integration.
type delivery struct {
	domain        string
	integrationID int64
	customerID    int64
	trigger       string
	method, url   string
	header        http.Header
	body          []byte
}

// fire queues a delivery for every active HTTP integration with the
// trigger, rendered with the ticket's context as it is now; e.mu is held.
func (e *Emulator) fire(a *account, trigger string, t *ticket, m *gorgias.Message) {
	var hooks []*integration
	for _, id := range sortedIDs(a.integrations) {
		i := a.integrations[id]
		if i.Type == gorgias.IntegrationHTTP && i.HTTP != nil && i.Active() && i.HTTP.Triggered(trigger) {
			hooks = append(hooks, i)
		}
	}
	if len(hooks) == 0 || e.closed {
		return
	}
	ctx := gorgias.WebhookContext{Ticket: a.contextOut(t)}
	if m != nil {
		msg := *m
		ctx.Message = &msg
	}
	data := gorgias.TemplateData(ctx)
	for _, i := range hooks {
		e.enqueue(newDelivery(a.domain, i, trigger, t.customerID, data))
	}
}

// newDelivery renders an integration's URL, headers and form. A form
// string ("{{context}}") is the body as rendered; a form object becomes a
// JSON object or form fields by the content type, or query parameters for
// GET, HEAD and DELETE.
func newDelivery(domain string, i *integration, trigger string, customerID int64, data map[string]any) *delivery {
	h := i.HTTP
	d := &delivery{
		domain: domain, integrationID: i.ID, customerID: customerID, trigger: trigger,
		method: h.Method, url: gorgias.Render(h.URL, data), header: http.Header{},
	}
	for k, v := range h.Headers {
		d.header.Set(k, gorgias.Render(v, data))
	}
	contentType := cmp.Or(h.RequestContentType, gorgias.ContentTypeJSON)
	noBody := h.Method == http.MethodGet || h.Method == http.MethodHead || h.Method == http.MethodDelete
	switch form := h.Form.(type) {
	case string:
		if strings.TrimSpace(form) != "" && !noBody {
			d.body = []byte(gorgias.Render(form, data))
		}
	case map[string]any:
		fields := url.Values{}
		for k, v := range form {
			s, ok := v.(string)
			if !ok {
				s = string(mustJSON(v))
			}
			fields.Set(k, gorgias.Render(s, data))
		}
		switch {
		case noBody:
			d.url = withQuery(d.url, fields)
		case contentType == gorgias.ContentTypeForm:
			d.body = []byte(fields.Encode())
		default:
			obj := map[string]string{}
			for k := range fields {
				obj[k] = fields.Get(k)
			}
			d.body = mustJSON(obj)
		}
	}
	if d.body != nil {
		d.header.Set("Content-Type", contentType)
	}
	d.header.Set("User-Agent", "Gorgias-Emulator")
	return d
}

func withQuery(raw string, q url.Values) string {
	if len(q) == 0 {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	all := u.Query()
	for k, vs := range q {
		for _, v := range vs {
			all.Add(k, v)
		}
	}
	u.RawQuery = all.Encode()
	return u.String()
}

// enqueue hands a delivery to the dispatcher, or holds it for the reorder
// switch; e.mu is held.
func (e *Emulator) enqueue(d *delivery) {
	copies := 1
	if e.chaos.Duplicate {
		copies = 2
	}
	for range copies {
		dup := *d
		e.begin()
		if !e.chaos.Reorder {
			e.queue = append(e.queue, &dup)
			continue
		}
		e.held = append(e.held, &dup)
		if len(e.held) >= 2 {
			e.releaseHeld()
		} else if e.heldTimer == nil {
			e.heldTimer = time.AfterFunc(reorderHold, func() {
				e.mu.Lock()
				defer e.mu.Unlock()
				e.heldTimer = nil
				if !e.closed {
					e.releaseHeld()
				}
			})
		}
	}
	e.cond.Broadcast()
}

// releaseHeld queues held deliveries, newest first; e.mu is held.
func (e *Emulator) releaseHeld() {
	if e.heldTimer != nil {
		e.heldTimer.Stop()
		e.heldTimer = nil
	}
	for i := len(e.held) - 1; i >= 0; i-- {
		e.queue = append(e.queue, e.held[i])
	}
	e.held = nil
	e.cond.Broadcast()
}

// dispatchLoop sends queued deliveries one at a time, in order.
func (e *Emulator) dispatchLoop() {
	defer e.wg.Done()
	e.mu.Lock()
	defer e.mu.Unlock()
	for {
		for len(e.queue) == 0 && !e.closed {
			e.cond.Wait()
		}
		if e.closed {
			return
		}
		d := e.queue[0]
		e.queue = e.queue[1:]
		e.mu.Unlock()
		e.deliver(d)
		e.mu.Lock()
		e.finish()
	}
}

// deliver sends d, again after a failure (5xx, 429, timeout, connection
// error) while attempts are left, and stores a JSON answer as the
// customer's integration data.
func (e *Emulator) deliver(d *delivery) {
	e.mu.Lock()
	delay := e.chaos.Delay
	e.mu.Unlock()
	if delay > 0 && !sleep(e.ctx, delay) {
		return
	}
	opts := e.opts.Delivery
	for attempt := 1; attempt <= opts.Attempts; attempt++ {
		if !e.hookActive(d) {
			return
		}
		status, body, err := e.send(d, opts.Timeout)
		ok := err == nil && status < 300
		e.afterAttempt(d, attempt, status, body, err)
		if ok || e.ctx.Err() != nil || (err == nil && status < 500 && status != http.StatusTooManyRequests) {
			return
		}
		if attempt < opts.Attempts && !sleep(e.ctx, opts.Backoff<<(attempt-1)) {
			return
		}
	}
}

func (e *Emulator) hookActive(d *delivery) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if a := e.accounts[d.domain]; a != nil {
		i := a.integrations[d.integrationID]
		return i != nil && i.Active()
	}
	return false
}

func (e *Emulator) send(d *delivery, timeout time.Duration) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(e.ctx, timeout)
	defer cancel()
	var body io.Reader
	if d.body != nil {
		body = bytes.NewReader(d.body)
	}
	req, err := http.NewRequestWithContext(ctx, d.method, d.url, body)
	if err != nil {
		return 0, nil, err
	}
	req.Header = d.header.Clone()
	resp, err := e.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, data, err
}

// afterAttempt logs an attempt, counts failures (deactivating the
// integration at the limit) and stores a successful JSON answer.
func (e *Emulator) afterAttempt(d *delivery, attempt, status int, body []byte, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec := DeliveryRecord{Account: d.domain, IntegrationID: d.integrationID, Trigger: d.trigger, Method: d.method, URL: d.url, Attempt: attempt, Status: status}
	if err != nil {
		rec.Error = err.Error()
	}
	e.deliveries = append(e.deliveries, rec)
	a := e.accounts[d.domain]
	if a == nil {
		return
	}
	i := a.integrations[d.integrationID]
	if i == nil {
		return
	}
	if err == nil && status < 300 {
		i.failures = 0
		a.storeIntegrationData(d.customerID, d.integrationID, body)
		return
	}
	e.log.Warn("gorgias emulator: delivery failed", "account", d.domain, "integration_id", d.integrationID, "status", status, "error", rec.Error)
	i.failures++
	if i.failures >= failureLimit && i.Active() {
		i.DeactivatedDatetime = now()
		a.event("integration-deactivated", "Integration", i.ID, 0, map[string]any{"consecutive_failures": i.failures})
	}
}

// storeIntegrationData keeps a JSON object answer under the customer's
// integrations[<integration id>], marked as HTTP-integration data.
func (a *account) storeIntegrationData(customerID, integrationID int64, body []byte) {
	cu := a.customers[customerID]
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if cu == nil || dec.Decode(&obj) != nil || obj == nil {
		return
	}
	obj["__integration_type__"] = gorgias.IntegrationHTTP
	if cu.Integrations == nil {
		cu.Integrations = gorgias.IntegrationData{}
	}
	cu.Integrations[strconv.FormatInt(integrationID, 10)] = mustJSON(obj)
}

// sleep waits d unless ctx ends first; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// OpenTicket does what Gorgias does when an agent opens a ticket: it calls
// the account's active GET integrations for the ticket's context at once
// (one attempt each) and keeps their answers as the customer's integration
// data, then returns the ticket.
func (e *Emulator) OpenTicket(domain string, ticketID int64) (gorgias.Ticket, error) {
	e.mu.Lock()
	a, t, err := e.accountTicket(domain, ticketID)
	if err != nil {
		e.mu.Unlock()
		return gorgias.Ticket{}, err
	}
	data := gorgias.TemplateData(gorgias.WebhookContext{Ticket: a.contextOut(t)})
	var calls []*delivery
	for _, id := range sortedIDs(a.integrations) {
		i := a.integrations[id]
		if i.Type == gorgias.IntegrationHTTP && i.HTTP != nil && i.Active() && i.HTTP.Method == http.MethodGet {
			calls = append(calls, newDelivery(a.domain, i, "ticket-opened", t.customerID, data))
		}
	}
	e.mu.Unlock()
	for _, d := range calls {
		status, body, err := e.send(d, e.opts.Delivery.Timeout)
		e.afterAttempt(d, 1, status, body, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return a.ticketOut(t, true), nil
}

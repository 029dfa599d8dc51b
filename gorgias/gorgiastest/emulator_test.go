package gorgiastest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
)

// raw sends a request with the account's API key and returns the answer.
func (s setup) raw(t *testing.T, method, path, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.emu.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	req.SetBasicAuth(s.acme.Email, s.acme.APIKey)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestWireDetails(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{MaxBodyBytes: 1024})
	tk, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "jane@example.com", Body: "Hello"})
	require.NoError(t, err)
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string
		beforeAPI                bool // refused before the API: no usage header
	}{
		{"unknown ticket", "GET", "/acme/api/tickets/1", "", 404, `{"error":{"msg":"Resource not found."}}`, false},
		{"unknown path", "GET", "/acme/api/nothing", "", 404, `{"error":{"msg":"Resource not found."}}`, false},
		{"unknown account", "GET", "/globex/api/account", "", 404, `{"error":{"msg":"Resource not found."}}`, true},
		{"trailing slash", "GET", "/acme/api/tickets/" + itoa(tk.ID) + "/", "", 200, "", false},
		{"limit over 100", "GET", "/acme/api/tickets?limit=101", "", 400, `{"error":{"msg":"Failed to validate request.","data":{"limit":["Must be between 1 and 100."]}}}`, false},
		{"bad cursor", "GET", "/acme/api/tickets?cursor=%21%21", "", 400, "", false},
		{"missing channel", "POST", "/acme/api/tickets/" + itoa(tk.ID) + "/messages", `{"from_agent": true, "body_text": "x"}`, 400,
			`{"error":{"msg":"Failed to validate request.","data":{"channel":["Missing data for required field."]}}}`, false},
		{"not JSON", "POST", "/acme/api/tags", `name=vip`, 400, "", false},
		{"too large", "POST", "/acme/api/tags", `{"name": "` + strings.Repeat("x", 2000) + `"}`, 413, "", true},
		{"bot users cannot be created", "POST", "/acme/api/users", `{"email": "bot@x.y", "role": {"name": "bot"}}`, 400, "", false},
		{"ticket tags replaced", "PUT", "/acme/api/tickets/" + itoa(tk.ID) + "/tags", `{"names": ["a"]}`, 202, "{}\n", false},
		{"tags added", "POST", "/acme/api/tickets/" + itoa(tk.ID) + "/tags", `{"names": ["b"]}`, 201, "{}\n", false},
		{"tags removed", "DELETE", "/acme/api/tickets/" + itoa(tk.ID) + "/tags", `{"names": ["a"]}`, 204, "", false},
		{"customer data", "PUT", "/acme/api/customers/" + itoa(tk.Customer.ID) + "/data", `{"data": {"vip": true}, "version": "2024-01-01T00:00:00"}`, 202, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.raw(t, tt.method, tt.path, tt.body)
			require.Equal(t, tt.status, resp.StatusCode, body)
			require.Equal(t, !tt.beforeAPI, resp.Header.Get("X-Gorgias-Account-Api-Call-Limit") != "")
			if tt.want != "" {
				require.Equal(t, tt.want, strings.TrimSpace(body)+map[bool]string{true: "\n"}[strings.HasSuffix(tt.want, "\n")])
			}
		})
	}
	req, _ := http.NewRequest("GET", s.emu.URL()+"/acme/api/account", nil)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 401, resp.StatusCode, "no credentials")
}

func itoa(id int64) string { return strings.TrimSpace(string(mustJSON(id))) }

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestRateLimitRefusesABurst(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{RateLimit: &gorgiastest.RateLimit{BasicRequests: 5, OAuthRequests: 10, Window: 10 * time.Second}})
	var statuses []int
	var limits, retryAfter []string
	for range 8 {
		resp, _ := s.raw(t, "GET", "/acme/api/account", "")
		statuses = append(statuses, resp.StatusCode)
		limits = append(limits, resp.Header.Get("X-Gorgias-Account-Api-Call-Limit"))
		retryAfter = append(retryAfter, resp.Header.Get("Retry-After"))
	}
	require.Equal(t, []int{200, 200, 200, 200, 200, 429, 429, 429}, statuses)
	require.Equal(t, []string{"1/5", "2/5", "3/5", "4/5", "5/5", "5/5", "5/5", "5/5"}, limits)
	require.Equal(t, "", retryAfter[0])
	require.Equal(t, "2", retryAfter[5], "one slot drains in 2 s")

	other, err := gorgias.New(gorgias.Options{BaseURL: s.acme.BaseURL, Auth: gorgias.BasicAuth{Email: s.acme.Email, APIKey: "wrong"}})
	require.NoError(t, err)
	_, err = other.Account(s.ctx)
	require.ErrorIs(t, err, gorgias.ErrUnauthorized, "credentials are checked before the budget")
}

func TestRateLimitIsOffByDefault(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	for range 60 {
		resp, _ := s.raw(t, "GET", "/acme/api/account", "")
		require.Equal(t, 200, resp.StatusCode)
		require.Regexp(t, `^\d+/40$`, resp.Header.Get("X-Gorgias-Account-Api-Call-Limit"))
	}
}

func TestFaults(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	s.emu.InjectFault(gorgiastest.Fault{Method: "GET", Path: "/api/users/", Count: 2, Status: 502})
	s.emu.InjectFault(gorgiastest.Fault{Account: "globex", Status: 500})
	resp, _ := s.raw(t, "GET", "/acme/api/account", "")
	require.Equal(t, 200, resp.StatusCode, "the path does not match")
	for _, want := range []int{502, 502, 200} {
		resp, _ = s.raw(t, "GET", "/acme/api/users", "")
		require.Equal(t, want, resp.StatusCode)
	}

	s.emu.InjectFault(gorgiastest.Fault{Path: "/api/account", Hang: true})
	c, err := gorgias.New(gorgias.Options{
		BaseURL: s.acme.BaseURL, Auth: gorgias.BasicAuth{Email: s.acme.Email, APIKey: s.acme.APIKey},
		Timeout: 100 * time.Millisecond, Limiter: gorgias.NewLimiter(100, time.Second),
	})
	require.NoError(t, err)
	a, err := c.Account(s.ctx)
	require.NoError(t, err, "the client gave up on the hanging request and tried again")
	require.Equal(t, "acme", a.Domain)
	require.Equal(t, 3, s.emu.CountRequests("GET", "/api/account"))
	require.Equal(t, 3, s.emu.CountRequests("", "/api/users"))
}

func TestAgentAndCustomerSimulation(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{SendDelay: time.Millisecond})
	tk, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "sam@example.com", Name: "Sam Lee", Channel: "chat", Subject: "Sizes", Body: "Do you have size 42?"})
	require.NoError(t, err)
	require.Equal(t, "chat", tk.Channel)
	require.Equal(t, "Sam Lee", tk.Customer.Name)
	require.Equal(t, "chat", tk.Messages[0].Via)

	reply, err := s.emu.ReplyAsAgent("acme", gorgiastest.AgentReply{TicketID: tk.ID, Body: "Yes we do."})
	require.NoError(t, err)
	require.Equal(t, "helpdesk", reply.Via)
	require.Equal(t, "chat", reply.Channel)
	require.True(t, reply.FromAgent)
	note, err := s.emu.ReplyAsAgent("acme", gorgiastest.AgentReply{TicketID: tk.ID, Body: "VIP", Internal: true})
	require.NoError(t, err)
	require.False(t, note.Public)

	require.NoError(t, s.emu.TagAsAgent("acme", tk.ID, []string{"vip", "sizes"}, nil))
	require.NoError(t, s.emu.TagAsAgent("acme", tk.ID, nil, []string{"sizes"}))
	require.NoError(t, s.emu.AssignAsAgent("acme", tk.ID, s.acme.AdminUserID))
	require.NoError(t, s.emu.CloseAsAgent("acme", tk.ID))
	s.flush(t)

	got, err := s.c.Ticket(s.ctx, tk.ID)
	require.NoError(t, err)
	require.Equal(t, gorgias.StatusClosed, got.Status)
	require.Equal(t, []string{"vip"}, []string{got.Tags[0].Name})
	require.Len(t, got.Tags, 1)
	require.Equal(t, s.acme.AdminUserID, got.AssigneeUser.ID)
	require.False(t, got.Messages[1].SentDatetime.IsZero(), "the reply was sent")

	_, err = s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{TicketID: tk.ID, Channel: "chat", Body: "Thanks! One more thing"})
	require.NoError(t, err)
	got, err = s.c.Ticket(s.ctx, tk.ID)
	require.NoError(t, err)
	require.Equal(t, gorgias.StatusOpen, got.Status, "a customer message reopens the ticket")
	require.True(t, got.ClosedDatetime.IsZero())
	require.True(t, got.LastReceivedMessageDatetime.Equal(got.Messages[3].CreatedDatetime.Time))

	require.NoError(t, s.emu.AssignAsAgent("acme", tk.ID, 0))
	list, err := s.emu.Tickets("acme")
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Nil(t, list[0].AssigneeUser)
	require.Len(t, list[0].Messages, 4)

	page, err := s.c.Events(s.ctx, gorgias.EventListOptions{Types: []string{"ticket-closed", "ticket-reopened"}, ObjectID: tk.ID})
	require.NoError(t, err)
	require.Len(t, page.Data, 2)

	require.Error(t, s.emu.CloseAsAgent("acme", 1))
	_, err = s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "x@example.com", Channel: "fax", Body: "hi"})
	require.Error(t, err)

	s.emu.Reset()
	list, err = s.emu.Tickets("acme")
	require.NoError(t, err)
	require.Empty(t, list)
	require.Empty(t, s.emu.Requests())
}

func TestSandboxEndpoints(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	post := func(method, path, body string) (int, []byte) {
		req, err := http.NewRequest(method, s.emu.URL()+"/_emulator"+path, bytes.NewReader([]byte(body)))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	status, body := post("POST", "/acme/customer-messages", `{"email": "jane@example.com", "name": "Jane Doe", "subject": "Order", "body": "Where is it?"}`)
	require.Equal(t, 200, status, string(body))
	var tk gorgias.Ticket
	require.NoError(t, json.Unmarshal(body, &tk))
	id := itoa(tk.ID)

	status, body = post("POST", "/acme/tickets/"+id+"/replies", `{"body": "On its way", "internal": false}`)
	require.Equal(t, 200, status, string(body))
	status, _ = post("POST", "/acme/tickets/"+id+"/tags", `{"add": ["vip"]}`)
	require.Equal(t, 204, status)
	status, _ = post("PUT", "/acme/tickets/"+id+"/assignee", `{"user_id": `+itoa(s.acme.AdminUserID)+`}`)
	require.Equal(t, 204, status)
	status, _ = post("POST", "/acme/tickets/"+id+"/close", ``)
	require.Equal(t, 204, status)
	status, body = post("POST", "/acme/tickets/"+id+"/clicks", `{"label": "Draft reply"}`)
	require.Equal(t, 400, status)
	require.Contains(t, string(body), `no button`)

	status, body = post("GET", "/acme/tickets", "")
	require.Equal(t, 200, status)
	var list []gorgias.Ticket
	require.NoError(t, json.Unmarshal(body, &list))
	require.Len(t, list, 1)
	require.Equal(t, gorgias.StatusClosed, list[0].Status)
	require.True(t, list[0].HasTag("vip"))
	require.Equal(t, "helpdesk", list[0].Messages[1].Via)

	status, body = post("GET", "/acme/users", "")
	require.Equal(t, 200, status)
	require.Contains(t, string(body), s.acme.Email)
	status, body = post("GET", "/accounts", "")
	require.Equal(t, 200, status)
	require.JSONEq(t, `[{"domain": "acme", "base_path": "/acme", "email": "`+s.acme.Email+`"}]`, string(body))
	require.NotContains(t, string(body), s.acme.APIKey)

	status, _ = post("POST", "/reset", "")
	require.Equal(t, 204, status)
	status, body = post("GET", "/acme/tickets", "")
	require.Equal(t, 200, status)
	require.Equal(t, "[]\n", string(body))
	status, _ = post("GET", "/nowhere/tickets", "")
	require.Equal(t, 400, status)
}

func TestSeedData(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{Seed: true, Accounts: []gorgiastest.AccountOptions{{Domain: "acme", Bot: true}}})
	require.NotZero(t, s.acme.BotUserID)
	list, err := s.emu.Tickets("acme")
	require.NoError(t, err)
	require.Len(t, list, 1)
	jane := list[0].Customer
	orders := jane.ShopifyOrders()
	require.Len(t, orders, 2)
	require.Equal(t, "#1002", orders[0].Name, "newest first")
	require.Equal(t, "in_transit", orders[0].Fulfillments[0].ShipmentStatus)
	require.Contains(t, orders[0].Fulfillments[0].TrackingURLs[0], "ups.com")
	require.Equal(t, "delivered", orders[1].Fulfillments[0].ShipmentStatus)

	customers, err := s.c.CustomersByEmail(s.ctx, "sam@example.com")
	require.NoError(t, err)
	require.Len(t, customers, 1)
	sam := customers[0].ShopifyOrders()
	require.Len(t, sam, 1)
	require.Equal(t, "", sam[0].FulfillmentStatus, "unfulfilled")
	require.Empty(t, sam[0].Fulfillments)

	users, err := s.c.Users(s.ctx)
	require.NoError(t, err)
	require.Len(t, users, 2)
	require.Equal(t, gorgias.RoleBot, users[1].Role.Name)
	teams, err := s.c.Teams(s.ctx)
	require.NoError(t, err)
	require.Equal(t, "Support", teams[0].Name)
	emails, err := s.c.Integrations(s.ctx, gorgias.IntegrationEmail)
	require.NoError(t, err)
	require.Len(t, emails, 1)
	require.Equal(t, s.acme.SupportAddress, emails[0].Meta["address"])
	shops, err := s.c.Integrations(s.ctx, gorgias.IntegrationShopify)
	require.NoError(t, err)
	require.Len(t, shops, 1)
}

func TestWidgetsViewsAndEvents(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	hook := s.hook(t, "https://dm.example/hooks", map[string]bool{gorgias.TriggerTicketCreated: true}, nil)
	w, err := s.c.CreateWidget(s.ctx, gorgias.Widget{Type: "http", Context: "ticket", IntegrationID: hook.ID,
		Template: gorgias.SidebarTemplate(gorgias.SidebarWidget{Secret: "x"})})
	require.NoError(t, err)
	require.NotZero(t, w.ID)
	w.Order = 3
	w.Template = gorgias.SidebarTemplate(gorgias.SidebarWidget{Title: "Deskmate AI", Secret: "y"})
	updated, err := s.c.UpdateWidget(s.ctx, w.ID, w)
	require.NoError(t, err)
	require.Equal(t, 3, updated.Order)
	require.Equal(t, "Deskmate AI", updated.Template.Widgets[0].Title)
	widgets, err := s.c.Widgets(s.ctx)
	require.NoError(t, err)
	require.Len(t, widgets, 1)
	b, ok := widgets[0].Template.Button(gorgias.ButtonDraft)
	require.True(t, ok)
	require.Equal(t, "y", b.Action.Headers[0].Value)
	_, err = s.c.CreateWidget(s.ctx, gorgias.Widget{Type: "http", Context: "ticket", IntegrationID: 1, Template: w.Template})
	require.ErrorIs(t, err, gorgias.ErrInvalid)
	require.NoError(t, s.c.DeleteWidget(s.ctx, w.ID))

	view, err := s.c.CreateView(s.ctx, gorgias.View{Name: "AI drafted", Filters: "containsAny(ticket.tags.name, ['ai-drafted'])"})
	require.NoError(t, err)
	a, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "a@example.com", Body: "a"})
	require.NoError(t, err)
	_, err = s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "b@example.com", Body: "b"})
	require.NoError(t, err)
	require.NoError(t, s.c.AddTicketTags(s.ctx, a.ID, "ai-drafted"))
	inView, err := s.c.AllTickets(s.ctx, gorgias.TicketListOptions{ViewID: view.ID})
	require.NoError(t, err)
	require.Len(t, inView, 1)
	require.Equal(t, a.ID, inView[0].ID)
	views, err := s.c.Views(s.ctx)
	require.NoError(t, err)
	require.Equal(t, "ai-drafted", views[0].Slug)
	require.NoError(t, s.c.DeleteView(s.ctx, view.ID))
	require.ErrorIs(t, s.c.DeleteView(s.ctx, view.ID), gorgias.ErrNotFound)

	require.NoError(t, s.c.DeleteIntegration(s.ctx, hook.ID))
	page, err := s.c.Events(s.ctx, gorgias.EventListOptions{ObjectType: "Integration", ListOptions: gorgias.ListOptions{OrderBy: "created_datetime:desc"}})
	require.NoError(t, err)
	var types []string
	for _, e := range page.Data {
		types = append(types, e.Type)
	}
	require.Equal(t, []string{"integration-deleted", "integration-created"}, types)
}

func TestConcurrentUse(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	recv := newReceiver(t, `{"status": "ok"}`)
	s.hook(t, recv.URL, map[string]bool{gorgias.TriggerTicketMessageCreated: true}, nil)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			tk, err := s.emu.WriteAsCustomer("acme", gorgiastest.CustomerMessage{Email: "c" + itoa(int64(i)) + "@example.com", Body: "hi"})
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := s.c.CreateMessage(s.ctx, tk.ID, gorgias.MessageInput{Channel: "internal-note", FromAgent: true, BodyText: "n"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	s.flush(t)
	require.Len(t, s.emu.Deliveries(), 16)
}

// A long-running emulator remembers only its latest requests.
func TestKeepRequestsBoundsTheRequestLog(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{KeepRequests: 3})
	for i := 0; i < 10; i++ {
		_, err := s.c.Ticket(s.ctx, int64(1000+i))
		require.Error(t, err, "no such ticket")
	}
	reqs := s.emu.Requests()
	require.GreaterOrEqual(t, len(reqs), 3)
	require.Less(t, len(reqs), 6)
	require.Equal(t, "/api/tickets/1009", reqs[len(reqs)-1].Path, "the latest is kept")
}

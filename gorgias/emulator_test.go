package gorgias_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
)

type setup struct {
	emu  *gorgiastest.Emulator
	acme gorgiastest.AccountInfo
	c    *gorgias.Client
	ctx  context.Context
}

func newSetup(t *testing.T, opts gorgiastest.Options) setup {
	t.Helper()
	emu := gorgiastest.New(opts)
	require.NoError(t, emu.Start())
	t.Cleanup(emu.Close)
	acme, ok := emu.Account("acme")
	require.True(t, ok)
	c, err := acme.Client()
	require.NoError(t, err)
	return setup{emu: emu, acme: acme, c: c, ctx: context.Background()}
}

func (s setup) ticket(t *testing.T, email, body string) gorgias.Ticket {
	t.Helper()
	tk, err := s.c.CreateTicket(s.ctx, gorgias.TicketInput{
		Customer: &gorgias.Ref{Email: email}, Channel: gorgias.ChannelEmail, Via: gorgias.ChannelEmail, Subject: "Help",
		Messages: []gorgias.MessageInput{{Channel: gorgias.ChannelEmail, Via: gorgias.ChannelEmail, Sender: &gorgias.Ref{Email: email}, BodyText: body}},
	})
	require.NoError(t, err)
	return tk
}

func TestEmulatorAuth(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	a, err := s.c.Account(s.ctx)
	require.NoError(t, err)
	require.Equal(t, "acme", a.Domain)

	wrong, err := gorgias.New(gorgias.Options{BaseURL: s.acme.BaseURL, Auth: gorgias.BasicAuth{Email: s.acme.Email, APIKey: "wrong-key-123"}})
	require.NoError(t, err)
	_, err = wrong.Account(s.ctx)
	require.ErrorIs(t, err, gorgias.ErrUnauthorized)
	require.ErrorContains(t, err, "401 Invalid credentials.")
	require.NotContains(t, err.Error(), "wrong-key-123")

	other, err := gorgias.New(gorgias.Options{BaseURL: s.emu.URL() + "/globex", Auth: gorgias.BasicAuth{Email: s.acme.Email, APIKey: s.acme.APIKey}})
	require.NoError(t, err)
	_, err = other.Account(s.ctx)
	require.ErrorIs(t, err, gorgias.ErrNotFound)
}

func TestPaginationOverMoreThanAHundredTickets(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	for i := range 250 {
		s.ticket(t, fmt.Sprintf("c%d@example.com", i%7), fmt.Sprintf("message %d", i))
	}
	before := s.emu.CountRequests("GET", "/api/tickets")
	all, err := s.c.AllTickets(s.ctx, gorgias.TicketListOptions{})
	require.NoError(t, err)
	require.Len(t, all, 250)
	require.Equal(t, 3, s.emu.CountRequests("GET", "/api/tickets")-before, "pages of 100")
	seen := map[int64]bool{}
	for _, tk := range all {
		require.False(t, seen[tk.ID], "ticket %d twice", tk.ID)
		seen[tk.ID] = true
		require.Equal(t, 1, tk.MessagesCount)
		require.Empty(t, tk.Messages, "lists carry no messages")
	}

	first, err := s.c.Tickets(s.ctx, gorgias.TicketListOptions{})
	require.NoError(t, err)
	require.Len(t, first.Data, 30, "the default page")
	require.NotEmpty(t, first.NextCursor)
	second, err := s.c.Tickets(s.ctx, gorgias.TicketListOptions{ListOptions: gorgias.ListOptions{Cursor: first.NextCursor, Limit: 30}})
	require.NoError(t, err)
	require.Equal(t, all[30].ID, second.Data[0].ID)
	require.NotEmpty(t, second.PrevCursor)

	n := 0
	for tk, err := range s.c.EachTicket(s.ctx, gorgias.TicketListOptions{CustomerID: all[0].Customer.ID}) {
		require.NoError(t, err)
		require.Equal(t, all[0].Customer.ID, tk.Customer.ID)
		n++
	}
	require.Equal(t, 36, n, "250 tickets over 7 customers: the first has 36")
}

func TestPartialUpdateWithNullAssignee(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	tk := s.ticket(t, "jane@example.com", "Where is my order?")
	require.Nil(t, tk.AssigneeUser)

	got, err := s.c.UpdateTicket(s.ctx, tk.ID, gorgias.TicketUpdate{AssigneeUser: gorgias.Set(gorgias.Ref{ID: s.acme.AdminUserID})})
	require.NoError(t, err)
	require.Equal(t, s.acme.AdminUserID, got.AssigneeUser.ID)
	require.Equal(t, s.acme.AdminUserID, *got.AssigneeUserID)

	got, err = s.c.UpdateTicket(s.ctx, tk.ID, gorgias.TicketUpdate{Status: gorgias.Set(gorgias.StatusClosed), Meta: gorgias.Set(gorgias.Object{"deskmate": map[string]any{"run": 1}})})
	require.NoError(t, err)
	require.Equal(t, gorgias.StatusClosed, got.Status)
	require.False(t, got.ClosedDatetime.IsZero())
	require.NotNil(t, got.AssigneeUser, "a field not sent does not change")

	got, err = s.c.UpdateTicket(s.ctx, tk.ID, gorgias.TicketUpdate{AssigneeUser: gorgias.Null[gorgias.Ref]()})
	require.NoError(t, err)
	require.Nil(t, got.AssigneeUser)
	require.Nil(t, got.AssigneeUserID)
	require.Equal(t, gorgias.StatusClosed, got.Status)
	require.Equal(t, map[string]any{"run": float64(1)}, got.Meta["deskmate"])

	_, err = s.c.UpdateTicket(s.ctx, tk.ID, gorgias.TicketUpdate{AssigneeUser: gorgias.Set(gorgias.Ref{ID: 999999})})
	require.ErrorIs(t, err, gorgias.ErrInvalid)
	require.ErrorContains(t, err, "assignee_user")
	_, err = s.c.UpdateTicket(s.ctx, 424242, gorgias.TicketUpdate{Status: gorgias.Set("open")})
	require.ErrorIs(t, err, gorgias.ErrNotFound)
}

func TestTicketTags(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	tk := s.ticket(t, "jane@example.com", "hello")
	_, err := s.c.CreateTag(s.ctx, gorgias.TagInput{Name: "vip", Decoration: gorgias.Object{"color": "#8E44AD"}})
	require.NoError(t, err)
	_, err = s.c.CreateTag(s.ctx, gorgias.TagInput{Name: "vip"})
	require.ErrorIs(t, err, gorgias.ErrConflict)

	require.NoError(t, s.c.AddTicketTags(s.ctx, tk.ID, "vip", "ai-drafted"))
	tags, err := s.c.TicketTags(s.ctx, tk.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"vip", "ai-drafted"}, tagNames(tags))
	all, err := s.c.Tags(s.ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"vip", "ai-drafted"}, tagNames(all), "an unknown name is created")

	require.NoError(t, s.c.RemoveTicketTags(s.ctx, tk.ID, "vip"))
	got, err := s.c.Ticket(s.ctx, tk.ID)
	require.NoError(t, err)
	require.False(t, got.HasTag("vip"))
	require.True(t, got.HasTag("ai-drafted"))

	require.NoError(t, s.c.SetTicketTags(s.ctx, tk.ID))
	tags, err = s.c.TicketTags(s.ctx, tk.ID)
	require.NoError(t, err)
	require.Empty(t, tags)

	require.NoError(t, s.c.DeleteTag(s.ctx, all[0].ID))
	require.ErrorIs(t, s.c.DeleteTag(s.ctx, all[0].ID), gorgias.ErrNotFound)
}

func tagNames(tags []gorgias.Tag) []string {
	var names []string
	for _, t := range tags {
		names = append(names, t.Name)
	}
	return names
}

func TestMessagesAndExternalIDs(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{SendDelay: time.Millisecond})
	tk := s.ticket(t, "jane@example.com", "Where is my order?")
	note, err := s.c.CreateMessage(s.ctx, tk.ID, gorgias.MessageInput{
		Channel: gorgias.ChannelInternalNote, FromAgent: true, Sender: &gorgias.Ref{ID: s.acme.AdminUserID},
		BodyText: "AI draft: it ships today", ExternalID: "deskmate:draft:1", Meta: gorgias.Object{"generated_by": "deskmate"},
	})
	require.NoError(t, err)
	require.False(t, note.Public)
	require.Equal(t, "api", note.Via)
	reply, err := s.c.CreateMessage(s.ctx, tk.ID, gorgias.MessageInput{
		Channel: gorgias.ChannelEmail, FromAgent: true, Sender: &gorgias.Ref{ID: s.acme.AdminUserID},
		BodyText: "Hi Jane, it ships today.", ExternalID: "deskmate:reply:1",
	})
	require.NoError(t, err)
	require.True(t, reply.Public)
	require.True(t, reply.SentDatetime.IsZero(), "sent later, as Gorgias does")
	require.Equal(t, "jane@example.com", reply.Receiver.Email)
	require.Equal(t, s.acme.SupportAddress, reply.Source.From.Address)
	require.Equal(t, s.acme.EmailIntegrationID, reply.IntegrationID)

	found, ok, err := s.c.FindMessageByExternalID(s.ctx, tk.ID, "deskmate:draft:1")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, note.ID, found.ID)
	_, ok, err = s.c.FindMessageByExternalID(s.ctx, tk.ID, "deskmate:draft:2")
	require.NoError(t, err)
	require.False(t, ok)

	require.NoError(t, s.emu.Flush(s.ctx))
	msgs, err := s.c.Messages(s.ctx, tk.ID)
	require.NoError(t, err)
	require.Len(t, msgs, 3)
	require.Equal(t, []int64{tk.Messages[0].ID, note.ID, reply.ID}, []int64{msgs[0].ID, msgs[1].ID, msgs[2].ID}, "oldest first")
	require.False(t, msgs[2].SentDatetime.IsZero())

	_, err = s.c.CreateMessage(s.ctx, tk.ID, gorgias.MessageInput{Channel: gorgias.ChannelEmail, FromAgent: true})
	require.ErrorIs(t, err, gorgias.ErrInvalid)
}

func TestCreateMessageThroughAServerError(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	tk := s.ticket(t, "jane@example.com", "hello")
	note := gorgias.MessageInput{Channel: gorgias.ChannelInternalNote, FromAgent: true, BodyText: "draft"}

	s.emu.InjectFault(gorgiastest.Fault{Method: "POST", Path: "/api/tickets/*/messages", Status: 500})
	_, err := s.c.CreateMessage(s.ctx, tk.ID, note)
	require.ErrorIs(t, err, gorgias.ErrServer)
	require.Equal(t, 1, s.emu.CountRequests("POST", "/api/tickets/*/messages"), "no external_id: not sent again")

	s.emu.InjectFault(gorgiastest.Fault{Method: "POST", Path: "/api/tickets/*/messages", Status: 503})
	note.ExternalID = "deskmate:draft:7"
	m, err := s.c.CreateMessage(s.ctx, tk.ID, note)
	require.NoError(t, err)
	require.Equal(t, "deskmate:draft:7", m.ExternalID)
	require.Equal(t, 3, s.emu.CountRequests("POST", "/api/tickets/*/messages"))
	msgs, err := s.c.Messages(s.ctx, tk.ID)
	require.NoError(t, err)
	require.Len(t, msgs, 2, "created once")
}

func TestOAuthFlow(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	id, secret := s.emu.OAuthClient()
	cfg := gorgias.OAuthConfig{ClientID: id, ClientSecret: secret, RedirectURL: "https://dm.example/oauth/callback?account=acme",
		Scopes: []string{"openid", "email", "offline", "tickets:read", "tickets:write"}}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	resp, err := noRedirect.Get(cfg.AuthorizeURL(s.acme.BaseURL, "st4te", "n0nce"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "dm.example", back.Host)
	require.Equal(t, "st4te", back.Query().Get("state"))
	require.Equal(t, "acme", back.Query().Get("account"), "the redirect URI's own query is kept")
	code := back.Query().Get("code")
	require.NotEmpty(t, code)

	tok, err := cfg.Exchange(s.ctx, nil, s.acme.BaseURL, code)
	require.NoError(t, err)
	require.Equal(t, s.acme.AdminUserID, tok.UserID, "sub is the installing user")
	require.WithinDuration(t, time.Now().Add(24*time.Hour), tok.ExpiresAt, time.Minute)
	require.NotEmpty(t, tok.RefreshToken)
	require.NotEmpty(t, tok.IDToken)
	_, err = cfg.Exchange(s.ctx, nil, s.acme.BaseURL, code)
	require.ErrorIs(t, err, gorgias.ErrInvalidGrant, "a code works once")

	api, err := gorgias.New(gorgias.Options{BaseURL: s.acme.BaseURL, Auth: gorgias.Bearer{Source: gorgias.StaticToken(tok.AccessToken)}})
	require.NoError(t, err)
	tk := s.ticket(t, "jane@example.com", "hello")
	_, err = api.Ticket(s.ctx, tk.ID)
	require.NoError(t, err)
	_, err = api.Users(s.ctx)
	require.ErrorIs(t, err, gorgias.ErrForbidden, "users:read was not granted")
	require.Equal(t, gorgias.AuthOAuth, s.emu.Requests()[len(s.emu.Requests())-1].Auth)

	refreshed, err := cfg.Refresh(s.ctx, nil, s.acme.BaseURL, tok.RefreshToken)
	require.NoError(t, err)
	require.Equal(t, tok.RefreshToken, refreshed.RefreshToken, "kept: the emulator does not rotate")
	require.NotEqual(t, tok.AccessToken, refreshed.AccessToken)

	require.NoError(t, cfg.Revoke(s.ctx, nil, s.acme.BaseURL, tok.RefreshToken))
	_, err = cfg.Refresh(s.ctx, nil, s.acme.BaseURL, tok.RefreshToken)
	require.ErrorIs(t, err, gorgias.ErrInvalidGrant)
	_, err = api.Ticket(s.ctx, tk.ID)
	require.NoError(t, err, "an access token already issued works until it expires")

	bad := cfg
	bad.ClientSecret = "nope"
	_, err = bad.Refresh(s.ctx, nil, s.acme.BaseURL, tok.RefreshToken)
	require.ErrorContains(t, err, "invalid_client")
	forged, err := gorgias.New(gorgias.Options{BaseURL: s.acme.BaseURL, Auth: gorgias.Bearer{Source: gorgias.StaticToken(tok.AccessToken + "x")}})
	require.NoError(t, err)
	_, err = forged.Ticket(s.ctx, tk.ID)
	require.ErrorIs(t, err, gorgias.ErrUnauthorized)
}

func TestRetryAfterFromTheEmulator(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	s.emu.InjectFault(gorgiastest.Fault{Path: "/api/account", Status: 429, RetryAfter: 1})
	start := time.Now()
	_, err := s.c.Account(s.ctx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, time.Since(start), time.Second, "Retry-After: 1 was waited out")
	require.Equal(t, 2, s.emu.CountRequests("GET", "/api/account"))
}

func TestCreateTicketThroughAServerError(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	s.emu.InjectFault(gorgiastest.Fault{Method: "POST", Path: "/api/tickets", Status: 502})
	in := gorgias.TicketInput{
		Customer: &gorgias.Ref{Email: "jane@example.com"}, Channel: gorgias.ChannelAPI, ExternalID: "conv-42",
		Messages: []gorgias.MessageInput{{Channel: gorgias.ChannelAPI, Sender: &gorgias.Ref{Email: "jane@example.com"}, BodyText: "Does the jacket run small?"}},
	}
	tk, err := s.c.CreateTicket(s.ctx, in)
	require.NoError(t, err)
	require.Equal(t, "conv-42", tk.ExternalID)
	require.Equal(t, "api", tk.Messages[0].Via)
	require.Equal(t, 2, s.emu.CountRequests("POST", "/api/tickets"))
	require.Equal(t, 1, s.emu.CountRequests("GET", "/api/tickets"), "looked up by external_id first")
	all, err := s.c.AllTickets(s.ctx, gorgias.TicketListOptions{ExternalID: "conv-42"})
	require.NoError(t, err)
	require.Len(t, all, 1, "the lookup found nothing, so the POST was sent again, once")
}

func TestUninstallRevokesEveryRefreshToken(t *testing.T) {
	s := newSetup(t, gorgiastest.Options{})
	id, secret := s.emu.OAuthClient()
	cfg := gorgias.OAuthConfig{ClientID: id, ClientSecret: secret, RedirectURL: "https://dm.example/cb", Scopes: []string{"offline", "write:all"}}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(cfg.AuthorizeURL(s.acme.BaseURL, "s", ""))
	require.NoError(t, err)
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	tok, err := cfg.Exchange(s.ctx, nil, s.acme.BaseURL, back.Query().Get("code"))
	require.NoError(t, err)
	_, err = cfg.Refresh(s.ctx, nil, s.acme.BaseURL, tok.RefreshToken)
	require.NoError(t, err)

	s.emu.RevokeApp("acme")
	_, err = cfg.Refresh(s.ctx, nil, s.acme.BaseURL, tok.RefreshToken)
	require.ErrorIs(t, err, gorgias.ErrInvalidGrant)
}

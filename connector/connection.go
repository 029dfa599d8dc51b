package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// Connection is a workspace's Gorgias connection as the app shows it.
type Connection struct {
	Status         string    `json:"status"`    // disconnected, connected, paused
	AuthKind       string    `json:"auth_kind"` // api_key, oauth
	Domain         string    `json:"domain"`
	BaseURL        string    `json:"base_url"` // "" for https://{domain}.gorgias.com
	Sandbox        bool      `json:"sandbox"`
	APIUser        string    `json:"api_user"`
	APIKeySet      bool      `json:"api_key_set"`
	OAuthAvailable bool      `json:"oauth_available"`
	BotUser        *BotUser  `json:"bot_user"`
	Settings       Settings  `json:"settings"`
	WebhookURL     string    `json:"webhook_url"`
	Installed      Installed `json:"installed"`
	Health         Health    `json:"health"`
}

// BotUser is the Gorgias user Deskmate writes as.
type BotUser struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
}

// Installed is what Deskmate created in Gorgias, to remove on disconnect.
type Installed struct {
	Integrations []int64 `json:"integrations"`
	Widgets      []int64 `json:"widgets"`
	Tags         []int64 `json:"tags"`
	Views        []int64 `json:"views"`
}

// Health says how the connection is doing.
type Health struct {
	LastWebhookAt    *time.Time `json:"last_webhook_at"`
	LastReplyAt      *time.Time `json:"last_reply_at"`
	LastError        string     `json:"last_error"`
	LastErrorAt      *time.Time `json:"last_error_at"`
	RateLimitedUntil *time.Time `json:"rate_limited_until"`
}

// Connection returns a workspace's connection.
func (s *Service) Connection(ctx context.Context, actor account.Actor) (Connection, error) {
	c, set, err := s.connection(ctx, s.db.Pool, actor.WorkspaceID)
	if err != nil {
		return Connection{}, err
	}
	g, err := s.workspaces.Gorgias(ctx, actor.WorkspaceID)
	if err != nil {
		return Connection{}, err
	}
	var inst Installed
	_ = json.Unmarshal(c.Installed, &inst)
	out := Connection{Status: c.Status, AuthKind: c.AuthKind, Domain: g.Domain, BaseURL: c.BaseURL, Sandbox: c.Sandbox,
		APIUser: g.APIUser, APIKeySet: g.APIKeySet, OAuthAvailable: s.OAuthAvailable(), Settings: set, Installed: inst,
		WebhookURL: s.webhookURL(actor.WorkspaceID, gorgias.TriggerTicketMessageCreated),
		Health: Health{LastWebhookAt: c.LastWebhookAt, LastReplyAt: c.LastReplyAt, LastError: c.LastError,
			LastErrorAt: c.LastErrorAt, RateLimitedUntil: c.RateLimitedUntil}}
	if c.BotUserID != nil {
		out.BotUser = &BotUser{ID: *c.BotUserID, Email: c.BotUserEmail}
	}
	return out, nil
}

// PutSettings changes how Deskmate works on the workspace's tickets (admins).
func (s *Service) PutSettings(ctx context.Context, actor account.Actor, in Settings) (Connection, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return Connection{}, err
	}
	if err := in.Check(); err != nil {
		return Connection{}, err
	}
	err := s.changeConnection(ctx, actor.WorkspaceID, func(tx pgx.Tx) error {
		c, err := store.LockGorgiasConnection(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		if c.Settings, err = json.Marshal(in); err != nil {
			return err
		}
		if err := store.SaveGorgiasConnection(ctx, tx, c); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "gorgias.settings", "",
			map[string]any{"mode": in.Mode, "channels": in.Channels})
	})
	if err != nil {
		return Connection{}, err
	}
	return s.Connection(ctx, actor)
}

// SetBaseURL points the connection at another Gorgias address: an emulator
// or a proxy (instance owners only; the URL guard applies, so an address
// on this machine or a private network must be allowed first).
func (s *Service) SetBaseURL(ctx context.Context, actor account.Actor, raw string) (Connection, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return Connection{}, err
	}
	if !actor.InstanceOwner() {
		return Connection{}, fmt.Errorf("%w: only the instance owner may point a connection at another Gorgias address", account.ErrForbidden)
	}
	base := ""
	if raw != "" {
		u, err := s.guard.CheckURL(ctx, raw)
		if err != nil {
			return Connection{}, validate.Field("base_url", err.Error())
		}
		base = u.String()
	}
	err := s.changeConnection(ctx, actor.WorkspaceID, func(tx pgx.Tx) error {
		c, err := store.LockGorgiasConnection(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		old := c.BaseURL
		c.BaseURL, c.Sandbox = base, false
		if err := store.SaveGorgiasConnection(ctx, tx, c); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "gorgias.base_url", "",
			map[string]any{"base_url": []string{old, base}})
	})
	if err != nil {
		return Connection{}, err
	}
	return s.Connection(ctx, actor)
}

// TestResult is what a credentials test found.
type TestResult struct {
	Domain string         `json:"domain"`
	Users  []gorgias.User `json:"users"`
	Teams  []gorgias.Team `json:"teams"`
}

// Test checks the credentials by reading the account, its users and teams
// (admins): the users and teams fill the bot-user and hand-over choices.
func (s *Service) Test(ctx context.Context, actor account.Actor) (TestResult, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return TestResult{}, err
	}
	c, _, err := s.connection(ctx, s.db.Pool, actor.WorkspaceID)
	if err != nil {
		return TestResult{}, err
	}
	cl, err := s.client(ctx, c)
	if err != nil {
		return TestResult{}, err
	}
	acc, err := cl.Account(ctx)
	if err != nil {
		return TestResult{}, s.noteError(ctx, actor.WorkspaceID, fmt.Errorf("the credentials were refused by Gorgias: %w", err))
	}
	users, err := cl.Users(ctx)
	if err != nil {
		return TestResult{}, s.noteError(ctx, actor.WorkspaceID, err)
	}
	teams, err := cl.Teams(ctx)
	if err != nil {
		return TestResult{}, s.noteError(ctx, actor.WorkspaceID, err)
	}
	return TestResult{Domain: acc.Domain, Users: users, Teams: teams}, nil
}

// BotInput picks the Gorgias user Deskmate writes as: an existing one, or
// a new agent user Deskmate creates.
type BotInput struct {
	UserID *int64 `json:"user_id"`
	Create *struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"create"`
}

// SetBotUser chooses or creates the bot user (admins).
func (s *Service) SetBotUser(ctx context.Context, actor account.Actor, in BotInput) (Connection, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return Connection{}, err
	}
	if (in.UserID == nil) == (in.Create == nil) {
		return Connection{}, validate.Field("user_id", "choose an existing user or create one")
	}
	c, _, err := s.connection(ctx, s.db.Pool, actor.WorkspaceID)
	if err != nil {
		return Connection{}, err
	}
	cl, err := s.client(ctx, c)
	if err != nil {
		return Connection{}, err
	}
	var u gorgias.User
	if in.UserID != nil {
		if u, err = cl.User(ctx, *in.UserID); errors.Is(err, gorgias.ErrNotFound) {
			return Connection{}, validate.Field("user_id", "no such user in Gorgias")
		}
	} else {
		v := validate.Errors{}
		v.Length("create.name", in.Create.Name, 1, 100)
		v.Email("create.email", in.Create.Email)
		if err := v.Err(); err != nil {
			return Connection{}, err
		}
		u, err = cl.CreateUser(ctx, gorgias.UserInput{Email: in.Create.Email, Name: in.Create.Name,
			Role: gorgias.UserRole{Name: gorgias.RoleAgent}})
	}
	if err != nil {
		return Connection{}, s.noteError(ctx, actor.WorkspaceID, err)
	}
	err = s.changeConnection(ctx, actor.WorkspaceID, func(tx pgx.Tx) error {
		c, err := store.LockGorgiasConnection(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		c.BotUserID, c.BotUserEmail = &u.ID, u.Email
		if err := store.SaveGorgiasConnection(ctx, tx, c); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "gorgias.bot_user", strconv.FormatInt(u.ID, 10),
			map[string]any{"email": u.Email, "created": in.Create != nil})
	})
	if err != nil {
		return Connection{}, err
	}
	return s.Connection(ctx, actor)
}

// Pause stops Deskmate acting on tickets and keeps everything else;
// Resume starts it again (admins).
func (s *Service) Pause(ctx context.Context, actor account.Actor, paused bool) (Connection, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return Connection{}, err
	}
	err := s.changeConnection(ctx, actor.WorkspaceID, func(tx pgx.Tx) error {
		c, err := store.LockGorgiasConnection(ctx, tx, actor.WorkspaceID)
		if err != nil {
			return err
		}
		if c.Status == "disconnected" {
			return fmt.Errorf("%w: connect first", ErrNotConnected)
		}
		c.Status = "connected"
		action := "gorgias.resume"
		if paused {
			c.Status, action = "paused", "gorgias.pause"
		}
		if err := store.SaveGorgiasConnection(ctx, tx, c); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), action, "", nil)
	})
	if err != nil {
		return Connection{}, err
	}
	return s.Connection(ctx, actor)
}

// Action is one thing Deskmate did (or will do, or gave up) on a ticket.
type Action struct {
	ID               int64           `json:"id"`
	TicketID         int64           `json:"ticket_id"`
	Cause            string          `json:"cause"`
	Action           string          `json:"action"`
	Status           string          `json:"status"`
	GorgiasMessageID *int64          `json:"gorgias_message_id"`
	RunID            *int64          `json:"run_id"`
	Detail           json.RawMessage `json:"detail"`
	CreatedAt        time.Time       `json:"created_at"`
	DoneAt           *time.Time      `json:"done_at"`
}

// Actions lists the latest actions on the workspace's tickets (on one
// ticket when ticketID is not 0), newest first. Message bodies are left out
// of the details: the ticket in Gorgias has them.
func (s *Service) Actions(ctx context.Context, actor account.Actor, ticketID int64, limit int) ([]Action, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := store.GorgiasActions(ctx, s.db.Pool, actor.WorkspaceID, ticketID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Action, 0, len(rows))
	for _, r := range rows {
		var detail map[string]any
		_ = json.Unmarshal(r.Detail, &detail)
		delete(detail, "message")
		d, _ := json.Marshal(detail)
		out = append(out, Action{ID: r.ID, TicketID: r.TicketID, Cause: r.Cause, Action: r.Action, Status: r.Status,
			GorgiasMessageID: r.GorgiasMessageID, RunID: r.RunID, Detail: d, CreatedAt: r.CreatedAt, DoneAt: r.DoneAt})
	}
	return out, nil
}

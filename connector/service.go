package connector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// Queue puts the connector's work on the job queue, in the caller's
// transaction.
type Queue interface {
	// ProcessTicket answers a customer message at task.At.
	ProcessTicket(ctx context.Context, tx pgx.Tx, task TicketTask) error
	// CheckTicket looks at a ticket an agent changed (return to the bot).
	CheckTicket(ctx context.Context, tx pgx.Tx, task TicketTask) error
	// SendPlan carries out a decision at task.At (a delayed reply).
	SendPlan(ctx context.Context, tx pgx.Tx, task PlanTask) error
	// AutoClose closes a ticket at task.At unless the customer wrote again.
	AutoClose(ctx context.Context, tx pgx.Tx, task CloseTask) error
	// WidgetAction runs a sidebar button's work (a draft, a summary, …).
	WidgetAction(ctx context.Context, tx pgx.Tx, task WidgetTask) error
}

// TicketTask is a ticket to look at, because of one event.
type TicketTask struct {
	WorkspaceID int64     `json:"workspace_id"`
	TicketID    int64     `json:"ticket_id"`
	MessageID   int64     `json:"message_id"`
	EventID     int64     `json:"event_id"`
	At          time.Time `json:"-"`
}

// PlanTask carries out the actions decided for a customer message.
type PlanTask struct {
	WorkspaceID int64     `json:"workspace_id"`
	TicketID    int64     `json:"ticket_id"`
	Cause       string    `json:"cause"`
	At          time.Time `json:"-"`
}

// CloseTask closes a ticket unless the customer wrote after message
// AfterMessageID.
type CloseTask struct {
	WorkspaceID    int64     `json:"workspace_id"`
	TicketID       int64     `json:"ticket_id"`
	AfterMessageID int64     `json:"after_message_id"`
	At             time.Time `json:"-"`
}

// WidgetTask is a sidebar button pressed on a ticket.
type WidgetTask struct {
	WorkspaceID int64  `json:"workspace_id"`
	TicketID    int64  `json:"ticket_id"`
	Action      string `json:"action"` // draft, instructions, translate, summarize
	Text        string `json:"text,omitempty"`
	Language    string `json:"language,omitempty"`
	AgentEmail  string `json:"agent_email,omitempty"`
	// Cause names the press, so a retried job acts once.
	Cause string `json:"cause"`
}

// Options are what a Service needs.
type Options struct {
	DB          *store.DB
	Workspaces  *workspace.Service
	Automations *automation.Service
	Agent       *agent.Service
	Queue       Queue
	// Guard checks every request to Gorgias (the account's base URL; a
	// sandbox emulator on this machine must be allowed).
	Guard *netguard.Guard
	// PublicURL is where Gorgias reaches Deskmate (DESKMATE_PUBLIC_URL).
	PublicURL string
	// OAuth is the Gorgias app registration; nil offers API keys only.
	OAuth *gorgias.OAuthConfig
	// Limiters share each account's rate-limit budget; nil makes one.
	Limiters *gorgias.Limiters
	Logger   *slog.Logger
}

// Service connects workspaces to Gorgias and carries out the agent's
// decisions on their tickets.
type Service struct {
	db          *store.DB
	workspaces  *workspace.Service
	automations *automation.Service
	agent       *agent.Service
	queue       Queue
	http        *http.Client
	guard       *netguard.Guard
	publicURL   string
	oauth       *gorgias.OAuthConfig
	limiters    *gorgias.Limiters
	logger      *slog.Logger
	hooks       *hookCache
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.DB == nil || o.Workspaces == nil || o.Automations == nil || o.Agent == nil || o.Queue == nil {
		return nil, errors.New("connector: DB, Workspaces, Automations, Agent and Queue are required")
	}
	if o.Guard == nil {
		g, err := netguard.New(nil)
		if err != nil {
			return nil, err
		}
		o.Guard = g
	}
	if o.Limiters == nil {
		o.Limiters = gorgias.NewLimiters()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{db: o.DB, workspaces: o.Workspaces, automations: o.Automations, agent: o.Agent, queue: o.Queue,
		http: o.Guard.Client(0), guard: o.Guard, publicURL: strings.TrimRight(o.PublicURL, "/"), oauth: o.OAuth,
		limiters: o.Limiters, logger: o.Logger, hooks: newHookCache()}, nil
}

// ErrNotConnected says the workspace has no usable Gorgias connection.
var ErrNotConnected = errors.New("the workspace is not connected to Gorgias")

// baseURL is where a workspace's Gorgias API is.
func (s *Service) baseURL(ctx context.Context, c store.GorgiasConnection) (string, error) {
	if c.BaseURL != "" {
		return c.BaseURL, nil
	}
	w, err := store.WorkspaceByID(ctx, s.db.Pool, c.WorkspaceID)
	if err != nil {
		return "", err
	}
	return apiBase(c, w.GorgiasDomain)
}

// apiBase is the connection's base URL, else the account's at Gorgias.
func apiBase(c store.GorgiasConnection, domain string) (string, error) {
	if c.BaseURL != "" {
		return c.BaseURL, nil
	}
	if domain == "" {
		return "", fmt.Errorf("%w: set the Gorgias domain first", ErrNotConnected)
	}
	return "https://" + domain + ".gorgias.com", nil
}

// client is a Gorgias client for a workspace's connection.
func (s *Service) client(ctx context.Context, c store.GorgiasConnection) (*gorgias.Client, error) {
	var base string
	var auth gorgias.Auth
	switch c.AuthKind {
	case "oauth":
		b, err := s.baseURL(ctx, c)
		if err != nil {
			return nil, err
		}
		base, auth = b, gorgias.Bearer{Source: &tokenSource{s: s, workspaceID: c.WorkspaceID}}
	default:
		// The workspace's Gorgias settings carry its domain: no second read
		// for the base URL.
		g, err := s.workspaces.Gorgias(ctx, c.WorkspaceID)
		if err != nil {
			return nil, err
		}
		if base, err = apiBase(c, g.Domain); err != nil {
			return nil, err
		}
		key, err := s.workspaces.Secret(ctx, c.WorkspaceID, workspace.SecretGorgiasAPIKey)
		if err != nil {
			return nil, err
		}
		if g.APIUser == "" || key == "" {
			return nil, fmt.Errorf("%w: enter the API user (e-mail) and API key", ErrNotConnected)
		}
		auth = gorgias.BasicAuth{Email: g.APIUser, APIKey: key.Reveal()}
	}
	return gorgias.New(gorgias.Options{BaseURL: base, Auth: auth, HTTPClient: s.http,
		Limiter: s.limiters.For(base, auth.Kind()), Logger: s.logger})
}

// connection reads a workspace's connection and its settings.
func (s *Service) connection(ctx context.Context, q store.Querier, workspaceID int64) (store.GorgiasConnection, Settings, error) {
	c, err := store.GorgiasConnectionOf(ctx, q, workspaceID)
	if err != nil {
		return c, Settings{}, err
	}
	set, err := decodeSettings(c.Settings)
	return c, set, err
}

// noteError records a failure to talk to Gorgias on the connection (for
// the health panel) and returns err.
func (s *Service) noteError(ctx context.Context, workspaceID int64, err error) error {
	var until *time.Time
	var ae *gorgias.APIError
	if errors.As(err, &ae) && ae.RetryAfter > 0 {
		t := time.Now().Add(ae.RetryAfter)
		until = &t
	}
	if nerr := store.NoteGorgiasError(context.WithoutCancel(ctx), s.db.Pool, workspaceID, err.Error(), until); nerr != nil {
		s.logger.Warn("could not record a Gorgias error", "workspace_id", workspaceID, "error", nerr)
	}
	return err
}

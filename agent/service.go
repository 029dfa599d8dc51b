package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/llm"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// Sources of runs.
const (
	SourcePlayground = "playground"
	SourceTicket     = "ticket"
	SourceDraft      = "draft"
	SourceReplay     = "replay"
	SourceEval       = "eval"
)

// ChatFactory builds a workspace's chat model from its model settings.
type ChatFactory func(ctx context.Context, workspaceID int64, m workspace.ModelSettings) (llm.Chat, error)

// Options are what a Service needs.
type Options struct {
	DB          *store.DB
	Automations *automation.Service
	Knowledge   *knowledge.Service
	Workspaces  *workspace.Service
	// ModelGuard checks every request to chat models
	// (DESKMATE_MODEL_ALLOWLIST); nil refuses every internal address.
	ModelGuard *netguard.Guard
	// Chats overrides how chat models are built (tests).
	Chats  ChatFactory
	Logger *slog.Logger
}

// Service runs the pipeline for a workspace and keeps its runs.
type Service struct {
	db          *store.DB
	automations *automation.Service
	knowledge   *knowledge.Service
	workspaces  *workspace.Service
	chats       ChatFactory
	modelHTTP   *http.Client
	logger      *slog.Logger
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.DB == nil || o.Automations == nil || o.Knowledge == nil || o.Workspaces == nil {
		return nil, errors.New("agent: DB, Automations, Knowledge and Workspaces are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.ModelGuard == nil {
		g, err := netguard.New(nil, netguard.WithAllowListName("DESKMATE_MODEL_ALLOWLIST"))
		if err != nil {
			return nil, err
		}
		o.ModelGuard = g
	}
	s := &Service{db: o.DB, automations: o.Automations, knowledge: o.Knowledge, workspaces: o.Workspaces,
		chats: o.Chats, modelHTTP: o.ModelGuard.Client(0), logger: o.Logger}
	if s.chats == nil {
		s.chats = s.defaultChat
	}
	return s, nil
}

// defaultChat builds the chat model of the model settings, through the model
// guard, with the workspace's API key for OpenAI-compatible servers.
func (s *Service) defaultChat(ctx context.Context, workspaceID int64, m workspace.ModelSettings) (llm.Chat, error) {
	key := ""
	if m.Provider == "openai" {
		k, err := s.workspaces.Secret(ctx, workspaceID, workspace.SecretLLMAPIKey)
		if err != nil {
			return nil, fmt.Errorf("read the API key: %w", err)
		}
		key = k.Reveal()
	}
	return llm.NewChat(llm.ChatSettings{Provider: m.Provider, BaseURL: m.BaseURL, Model: m.ChatModel, APIKey: key,
		HTTPClient: s.modelHTTP, Timeout: 2 * time.Minute})
}

// Result is one run: the decision, its trace and the stored run.
type Result struct {
	Run      store.AgentRun
	Decision Decision
	Trace    *Trace
}

// RunOptions change what a run may do and how it is recorded.
type RunOptions struct {
	Source string // playground, ticket, draft, replay, eval
	// ReplayOf is the run a replay repeats.
	ReplayOf *int64
}

// Decide runs the pipeline on a conversation with the workspace's current
// configuration and records the run. Playground and ticket runs also keep
// the conversation's state: a hand-over sticks until the conversation is
// returned to the bot. Drafts, replays and evaluations change no state.
func (s *Service) Decide(ctx context.Context, actor account.Actor, conv Conversation, o RunOptions) (Result, error) {
	if o.Source == "" {
		o.Source = SourcePlayground
	}
	// A run is recorded and may cost model tokens: editors and Deskmate itself.
	if err := actor.Require(account.RoleEditor); err != nil {
		return Result{}, err
	}
	if err := checkConversation(conv); err != nil {
		return Result{}, err
	}
	start := time.Now()
	cfg, err := s.Config(ctx, actor, conv.TicketID)
	if err != nil {
		return Result{}, err
	}
	keepsState := o.Source == SourcePlayground || o.Source == SourceTicket
	var st state
	var convID *int64
	if keepsState {
		c, err := store.EnsureConversation(ctx, s.db.Pool, actor.WorkspaceID, conv.Key, conv.Channel)
		if err != nil {
			return Result{}, err
		}
		st = state{handedOver: c.State == "handed_over", suspended: c.State == "suspended", botReplies: c.BotReplies}
		convID = &c.ID
	}
	d, trace := decide(ctx, conv, cfg, boundSources{s: s, actor: actor}, st,
		flags{draft: o.Source == SourceDraft || o.Source == SourceReplay})
	run := s.runRow(actor, conv, cfg, d, trace, o, convID, time.Since(start))
	var out store.AgentRun
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		if out, err = store.InsertAgentRun(ctx, tx, run); err != nil {
			return err
		}
		if convID == nil {
			return nil
		}
		switch d.Kind {
		case Handover:
			return store.HandOverConversation(ctx, tx, actor.WorkspaceID, *convID, d.Reason)
		case Reply, Clarify:
			if err := store.CountBotReply(ctx, tx, actor.WorkspaceID, *convID); err != nil {
				return err
			}
			switch d.PostAction {
			case "suspend":
				return store.SuspendConversation(ctx, tx, actor.WorkspaceID, *convID)
			case "handover":
				return store.HandOverConversation(ctx, tx, actor.WorkspaceID, *convID, ReasonAutomation)
			}
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return Result{Run: out, Decision: d, Trace: trace}, nil
}

// runRow is the stored form of a run.
func (s *Service) runRow(actor account.Actor, conv Conversation, cfg Config, d Decision, t *Trace, o RunOptions,
	convID *int64, took time.Duration) store.AgentRun {
	input, _ := json.Marshal(conv)
	tr, _ := json.Marshal(t)
	r := store.AgentRun{WorkspaceID: actor.WorkspaceID, ConversationID: convID, Source: o.Source, TicketID: conv.TicketID,
		Channel: conv.Channel, Decision: string(d.Kind), Reason: d.Reason, AutomationID: d.AutomationID,
		Language: t.Language.Reply, ConfigVersion: cfg.Version, Reply: d.Reply, Input: input, Trace: tr, ReplayOf: o.ReplayOf,
		DurationMS: float64(took.Microseconds()) / 1000}
	if g := t.Generation; g != nil {
		r.Model, r.TokensIn, r.TokensOut, r.CostUSD = g.Model, g.TokensIn, g.TokensOut, g.CostUSD
	}
	return r
}

// checkConversation validates what callers send.
func checkConversation(c Conversation) error {
	v := validate.Errors{}
	if strings.TrimSpace(c.Key) == "" || len(c.Key) > 200 {
		v.Add("conversation_id", "must have 1 to 200 characters")
	}
	if len(c.Messages) == 0 || len(c.Messages) > 500 {
		v.Add("messages", "send 1 to 500 messages")
	}
	for i, m := range c.Messages {
		if m.Role != RoleCustomer && m.Role != RoleAgent && m.Role != RoleBot {
			v.Add(fmt.Sprintf("messages[%d].role", i), "must be customer, agent or bot")
		}
	}
	return v.Err()
}

// Config loads a workspace's configuration for one run.
func (s *Service) Config(ctx context.Context, actor account.Actor, ticketID string) (Config, error) {
	var cfg Config
	var err error
	if cfg.Settings, err = s.settings(ctx, actor.WorkspaceID); err != nil {
		return cfg, err
	}
	if cfg.Tags, err = s.automations.TagConfig(ctx, actor); err != nil {
		return cfg, err
	}
	if cfg.Guidance, err = s.automations.ActiveInstructions(ctx, actor, ticketID); err != nil {
		return cfg, err
	}
	m, err := s.workspaces.ModelSettings(ctx, actor.WorkspaceID)
	if err != nil {
		return cfg, err
	}
	if m.Provider != "" && m.Provider != "builtin" && m.ChatModel != "" {
		if cfg.Chat, err = s.chats(ctx, actor.WorkspaceID, m); err != nil {
			return cfg, fmt.Errorf("chat model: %w", err)
		}
		cfg.Provider = m.Provider
		cfg.Mask = maskFor(cfg.Settings.PIIMasking, m.BaseURL)
	}
	bases, err := s.knowledge.Bases(ctx, actor)
	if err != nil {
		return cfg, err
	}
	cfg.Language = "en"
	for _, b := range bases {
		if l := isoOf(b.Language); b.Enabled && l != "" {
			cfg.Language = l
			break
		}
	}
	modelVersion := 0
	if _, v, err := store.ActiveIntentModelRef(ctx, s.db.Pool, actor.WorkspaceID); err == nil {
		modelVersion = v
	}
	cfg.Version = configVersion(cfg, m, modelVersion)
	return cfg, nil
}

// configVersion names a configuration: runs with the same version decided
// with the same settings, tags, instructions, model and matcher.
func configVersion(cfg Config, m workspace.ModelSettings, intentVersion int) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	_ = enc.Encode(cfg.Settings)
	_ = enc.Encode(cfg.Tags)
	for _, g := range cfg.Guidance.Workspace {
		fmt.Fprintf(h, "%d/%d/%s\n", g.ID, g.Version, g.UpdatedAt)
	}
	for _, g := range cfg.Guidance.Ticket {
		fmt.Fprintf(h, "t%d\n", g.ID)
	}
	fmt.Fprintf(h, "%s|%s|%s|%s|%d|%s|%v", m.Provider, m.BaseURL, m.ChatModel, m.EmbeddingModel, intentVersion, cfg.Language, cfg.Mask)
	return "cfg-" + hex.EncodeToString(h.Sum(nil))[:12]
}

// maskFor decides PII masking: auto masks for a model that is neither on
// this machine nor on a private network.
func maskFor(setting, baseURL string) bool {
	switch setting {
	case "on":
		return true
	case "off":
		return false
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return true
	}
	host := u.Hostname()
	if host == "localhost" || !strings.Contains(host, ".") {
		return false // localhost, or a name on the local network ("ollama")
	}
	if ip := net.ParseIP(host); ip != nil {
		return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast())
	}
	return !strings.HasSuffix(host, ".local") && !strings.HasSuffix(host, ".internal") && !strings.HasSuffix(host, ".lan")
}

// isoOf maps a text search configuration to its language code.
func isoOf(searchLanguage string) string {
	return map[string]string{"english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it",
		"portuguese": "pt", "dutch": "nl", "swedish": "sv", "danish": "da", "norwegian": "no", "finnish": "fi",
		"russian": "ru", "turkish": "tr", "hungarian": "hu", "romanian": "ro"}[searchLanguage]
}

// boundSources are the matcher and the search of one actor's workspace.
type boundSources struct {
	s     *Service
	actor account.Actor
}

func (b boundSources) match(ctx context.Context, message string, vars map[string]string) (automation.Match, error) {
	return b.s.automations.Match(ctx, b.actor, message, vars)
}

func (b boundSources) search(ctx context.Context, query string) (knowledge.SearchResponse, error) {
	return b.s.knowledge.Search(ctx, b.actor, query, knowledge.SearchOptions{Limit: 8})
}

func (b boundSources) terms(ctx context.Context) (*knowledge.TermStats, error) {
	return b.s.knowledge.TermStats(ctx, b.actor)
}

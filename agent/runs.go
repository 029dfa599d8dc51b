package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/llm"
	"github.com/deskmate/deskmate/store"
)

// settingKey is where a workspace's agent settings are stored.
const settingKey = "agent"

// settings reads a workspace's agent settings, the defaults until saved.
func (s *Service) settings(ctx context.Context, workspaceID int64) (Settings, error) {
	out := DefaultSettings()
	err := store.WorkspaceSetting(ctx, s.db.Pool, workspaceID, settingKey, &out)
	if errors.Is(err, store.ErrNotFound) {
		err = nil
	}
	return out, err
}

// Settings returns the workspace's agent settings.
func (s *Service) Settings(ctx context.Context, actor account.Actor) (Settings, error) {
	return s.settings(ctx, actor.WorkspaceID)
}

// PutSettings saves the workspace's agent settings (admins). They apply to
// the next run.
func (s *Service) PutSettings(ctx context.Context, actor account.Actor, in Settings) (Settings, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return Settings{}, err
	}
	if in.Sensitive == nil {
		in.Sensitive = []Topic{}
	}
	if err := in.Check(); err != nil {
		return Settings{}, err
	}
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.PutWorkspaceSetting(ctx, tx, actor.WorkspaceID, settingKey, in); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "agent_settings.update", "agent",
			map[string]any{"sensitive_topics": len(in.Sensitive), "max_bot_replies": in.MaxBotReplies, "pii_masking": in.PIIMasking})
	})
	if err != nil {
		return Settings{}, err
	}
	return in, nil
}

// Runs lists the workspace's runs, newest first.
func (s *Service) Runs(ctx context.Context, actor account.Actor, f store.AgentRunFilter) ([]store.AgentRun, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	return store.AgentRuns(ctx, s.db.Pool, actor.WorkspaceID, f)
}

// Run returns one run with its trace.
func (s *Service) Run(ctx context.Context, actor account.Actor, id int64) (store.AgentRun, error) {
	return store.AgentRunByID(ctx, s.db.Pool, actor.WorkspaceID, id)
}

// Replay runs a past run's conversation again with the current
// configuration (editors), without changing the conversation's state.
func (s *Service) Replay(ctx context.Context, actor account.Actor, id int64) (Result, store.AgentRun, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return Result{}, store.AgentRun{}, err
	}
	orig, err := store.AgentRunByID(ctx, s.db.Pool, actor.WorkspaceID, id)
	if err != nil {
		return Result{}, orig, err
	}
	var conv Conversation
	if err := json.Unmarshal(orig.Input, &conv); err != nil {
		return Result{}, orig, fmt.Errorf("run %d: its conversation cannot be read: %w", id, err)
	}
	conv.Now = time.Time{} // now: business hours as they are today
	res, err := s.Decide(ctx, actor, conv, RunOptions{Source: SourceReplay, ReplayOf: &orig.ID})
	return res, orig, err
}

// ReturnToBot gives a handed-over conversation back to Deskmate (editors).
func (s *Service) ReturnToBot(ctx context.Context, actor account.Actor, key string) error {
	if err := actor.Require(account.RoleEditor); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		c, err := store.ConversationByKey(ctx, tx, actor.WorkspaceID, key)
		if err != nil {
			return err
		}
		if err := store.ReturnConversation(ctx, tx, actor.WorkspaceID, c.ID); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "conversation.return", key, nil)
	})
}

// Forget deletes a conversation's state (the playground's "start over").
func (s *Service) Forget(ctx context.Context, actor account.Actor, key string) error {
	if err := actor.Require(account.RoleEditor); err != nil {
		return err
	}
	return store.DeleteConversation(ctx, s.db.Pool, actor.WorkspaceID, key)
}

// ConversationState is a conversation's state, "bot" when it never ran.
func (s *Service) ConversationState(ctx context.Context, actor account.Actor, key string) (store.Conversation, error) {
	c, err := store.ConversationByKey(ctx, s.db.Pool, actor.WorkspaceID, key)
	if errors.Is(err, store.ErrNotFound) {
		return store.Conversation{WorkspaceID: actor.WorkspaceID, Key: key, State: "bot"}, nil
	}
	return c, err
}

// ChatCheck is what CheckChat found.
type ChatCheck struct {
	Model string
	Took  time.Duration
}

// ErrNoChatModel says the workspace uses the built-in provider, which has
// no chat model.
var ErrNoChatModel = errors.New("the built-in provider has no chat model: Deskmate answers from automations and extracts answers from the knowledge; choose Ollama or an OpenAI-compatible server to have replies written")

// CheckChat sends the saved chat model a tiny request (admins).
func (s *Service) CheckChat(ctx context.Context, actor account.Actor) (ChatCheck, error) {
	if err := actor.Require(account.RoleAdmin); err != nil {
		return ChatCheck{}, err
	}
	m, err := s.workspaces.ModelSettings(ctx, actor.WorkspaceID)
	if err != nil {
		return ChatCheck{}, err
	}
	if m.Provider == "" || m.Provider == "builtin" || m.ChatModel == "" {
		return ChatCheck{}, ErrNoChatModel
	}
	chat, err := s.chats(ctx, actor.WorkspaceID, m)
	if err != nil {
		return ChatCheck{}, err
	}
	model, took, err := llm.CheckChat(ctx, chat)
	return ChatCheck{Model: model, Took: took}, err
}

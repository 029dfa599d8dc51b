package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
)

// AgentRun is one decision of the agent with its trace.
type AgentRun struct {
	ID             int64           `db:"id"`
	WorkspaceID    int64           `db:"workspace_id"`
	ConversationID *int64          `db:"conversation_id"`
	Source         string          `db:"source"`
	TicketID       string          `db:"ticket_id"`
	Channel        string          `db:"channel"`
	Decision       string          `db:"decision"`
	Reason         string          `db:"reason"`
	AutomationID   *int64          `db:"automation_id"`
	Language       string          `db:"language"`
	ConfigVersion  string          `db:"config_version"`
	Model          string          `db:"model"`
	TokensIn       int             `db:"tokens_in"`
	TokensOut      int             `db:"tokens_out"`
	CostUSD        float64         `db:"cost_usd"`
	DurationMS     float64         `db:"duration_ms"`
	Reply          string          `db:"reply"`
	Input          json.RawMessage `db:"input"`
	Trace          json.RawMessage `db:"trace"`
	ReplayOf       *int64          `db:"replay_of"`
	CreatedAt      time.Time       `db:"created_at"`
	// ConversationKey is the run's conversation ("gorgias:123", "playground:…").
	ConversationKey string `db:"conversation_key"`
}

const agentRunColumns = `id, workspace_id, conversation_id, source, ticket_id, channel, decision, reason, automation_id,
	language, config_version, model, tokens_in, tokens_out, cost_usd, duration_ms, reply, input, trace, replay_of, created_at,
	` + conversationKeyColumn

// conversationKeyColumn is the key of a run's conversation.
const conversationKeyColumn = `coalesce((SELECT c.key FROM conversations c WHERE c.id = agent_runs.conversation_id), '') AS conversation_key`

// InsertAgentRun stores a run.
func InsertAgentRun(ctx context.Context, q Querier, r AgentRun) (AgentRun, error) {
	out, err := queryOne(ctx, q, pgx.RowToStructByName[AgentRun], `
		INSERT INTO agent_runs (workspace_id, conversation_id, source, ticket_id, channel, decision, reason, automation_id,
			language, config_version, model, tokens_in, tokens_out, cost_usd, duration_ms, reply, input, trace, replay_of)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		RETURNING `+agentRunColumns,
		r.WorkspaceID, r.ConversationID, r.Source, r.TicketID, r.Channel, r.Decision, r.Reason, r.AutomationID,
		r.Language, r.ConfigVersion, r.Model, r.TokensIn, r.TokensOut, r.CostUSD, r.DurationMS, r.Reply, r.Input, r.Trace, r.ReplayOf)
	return out, wrap("insert agent run", err)
}

// AgentRunByID returns one run of a workspace.
func AgentRunByID(ctx context.Context, q Querier, workspaceID, id int64) (AgentRun, error) {
	r, err := queryOne(ctx, q, pgx.RowToStructByName[AgentRun],
		`SELECT `+agentRunColumns+` FROM agent_runs WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
	return r, wrap("agent run", err)
}

// AgentRunFilter narrows a list of runs; zero fields do not filter.
type AgentRunFilter struct {
	Decision     string
	Reason       string
	Channel      string
	Source       string
	AutomationID int64
	Before       int64 // runs with a smaller id (paging)
	Limit        int
}

// AgentRuns lists a workspace's runs, newest first, without input and trace.
func AgentRuns(ctx context.Context, q Querier, workspaceID int64, f AgentRunFilter) ([]AgentRun, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	runs, err := queryAll(ctx, q, pgx.RowToStructByName[AgentRun], `
		SELECT id, workspace_id, conversation_id, source, ticket_id, channel, decision, reason, automation_id,
			language, config_version, model, tokens_in, tokens_out, cost_usd, duration_ms, reply,
			'null'::jsonb AS input, 'null'::jsonb AS trace, replay_of, created_at, `+conversationKeyColumn+`
		FROM agent_runs
		WHERE workspace_id = $1 AND ($2 = '' OR decision = $2) AND ($3 = '' OR reason = $3) AND ($4 = '' OR channel = $4)
			AND ($5 = '' OR source = $5) AND ($6 = 0 OR automation_id = $6) AND ($7 = 0 OR id < $7)
		ORDER BY id DESC LIMIT $8`,
		workspaceID, f.Decision, f.Reason, f.Channel, f.Source, f.AutomationID, f.Before, f.Limit)
	return runs, wrap("agent runs", err)
}

// ConversationRuns lists a conversation's runs, oldest first.
func ConversationRuns(ctx context.Context, q Querier, workspaceID, conversationID int64) ([]AgentRun, error) {
	runs, err := queryAll(ctx, q, pgx.RowToStructByName[AgentRun],
		`SELECT `+agentRunColumns+` FROM agent_runs WHERE workspace_id = $1 AND conversation_id = $2 ORDER BY id`,
		workspaceID, conversationID)
	return runs, wrap("conversation runs", err)
}

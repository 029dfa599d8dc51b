package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// Conversation is one ticket's (or playground chat's) state for the agent.
type Conversation struct {
	ID             int64      `db:"id"`
	WorkspaceID    int64      `db:"workspace_id"`
	Key            string     `db:"key"`
	Channel        string     `db:"channel"`
	State          string     `db:"state"` // bot, handed_over or suspended
	HandoverReason string     `db:"handover_reason"`
	HandedOverAt   *time.Time `db:"handed_over_at"`
	BotReplies     int        `db:"bot_replies"`
	CreatedAt      time.Time  `db:"created_at"`
	UpdatedAt      time.Time  `db:"updated_at"`
}

const conversationColumns = `id, workspace_id, key, channel, state, handover_reason, handed_over_at, bot_replies, created_at, updated_at`

// EnsureConversation returns a workspace's conversation by key, creating it
// (state bot) on first use. Concurrent callers all get the one row.
func EnsureConversation(ctx context.Context, q Querier, workspaceID int64, key, channel string) (Conversation, error) {
	c, err := queryOne(ctx, q, pgx.RowToStructByName[Conversation], `
		INSERT INTO conversations (workspace_id, key, channel) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id, key) DO NOTHING RETURNING `+conversationColumns, workspaceID, key, channel)
	if errors.Is(err, ErrNotFound) {
		c, err = ConversationByKey(ctx, q, workspaceID, key)
	}
	return c, wrap("ensure conversation", err)
}

// ConversationByKey returns a workspace's conversation by key.
func ConversationByKey(ctx context.Context, q Querier, workspaceID int64, key string) (Conversation, error) {
	c, err := queryOne(ctx, q, pgx.RowToStructByName[Conversation],
		`SELECT `+conversationColumns+` FROM conversations WHERE workspace_id = $1 AND key = $2`, workspaceID, key)
	return c, wrap("conversation", err)
}

// LockConversation reads a conversation FOR UPDATE: decisions on one
// conversation are taken one at a time.
func LockConversation(ctx context.Context, tx pgx.Tx, workspaceID, id int64) (Conversation, error) {
	c, err := queryOne(ctx, tx, pgx.RowToStructByName[Conversation],
		`SELECT `+conversationColumns+` FROM conversations WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, workspaceID, id)
	return c, wrap("lock conversation", err)
}

// HandOverConversation marks a conversation handed over to a person.
func HandOverConversation(ctx context.Context, q Querier, workspaceID, id int64, reason string) error {
	return wrap("hand over conversation", mustAffect(q.Exec(ctx, `
		UPDATE conversations SET state = 'handed_over', handover_reason = $3, handed_over_at = now(), updated_at = now()
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id, reason)))
}

// ReturnConversation gives a handed-over conversation back to the bot.
func ReturnConversation(ctx context.Context, q Querier, workspaceID, id int64) error {
	return wrap("return conversation", mustAffect(q.Exec(ctx, `
		UPDATE conversations SET state = 'bot', handover_reason = '', handed_over_at = NULL, bot_replies = 0, updated_at = now()
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id)))
}

// SuspendConversation marks a conversation suspended: Deskmate leaves it
// alone, without handing it to a person, until it is returned.
func SuspendConversation(ctx context.Context, q Querier, workspaceID, id int64) error {
	return wrap("suspend conversation", mustAffect(q.Exec(ctx, `
		UPDATE conversations SET state = 'suspended', updated_at = now() WHERE workspace_id = $1 AND id = $2`, workspaceID, id)))
}

// CountBotReply records one more reply by Deskmate in a conversation.
func CountBotReply(ctx context.Context, q Querier, workspaceID, id int64) error {
	return wrap("count bot reply", mustAffect(q.Exec(ctx, `
		UPDATE conversations SET bot_replies = bot_replies + 1, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
		workspaceID, id)))
}

// DeleteConversation forgets a conversation (its runs stay, unlinked).
func DeleteConversation(ctx context.Context, q Querier, workspaceID int64, key string) error {
	_, err := q.Exec(ctx, `DELETE FROM conversations WHERE workspace_id = $1 AND key = $2`, workspaceID, key)
	return wrap("delete conversation", err)
}

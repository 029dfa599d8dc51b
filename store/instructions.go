package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Instruction is a workspace-wide piece of guidance for the agent.
type Instruction struct {
	ID          int64     `db:"id"`
	WorkspaceID int64     `db:"workspace_id"`
	Title       string    `db:"title"`
	Text        string    `db:"text"`
	Enabled     bool      `db:"enabled"`
	Position    int       `db:"position"`
	Version     int       `db:"version"`
	CreatedAt   time.Time `db:"created_at"`
	UpdatedAt   time.Time `db:"updated_at"`
}

// InstructionRevision is one saved version of an instruction.
type InstructionRevision struct {
	Version int       `db:"version"`
	Title   string    `db:"title"`
	Text    string    `db:"text"`
	Enabled bool      `db:"enabled"`
	SavedBy string    `db:"saved_by"`
	SavedAt time.Time `db:"saved_at"`
}

// TicketInstruction is guidance for one Gorgias ticket.
type TicketInstruction struct {
	ID        int64     `db:"id"`
	TicketID  string    `db:"ticket_id"`
	Text      string    `db:"text"`
	CreatedBy string    `db:"created_by"`
	CreatedAt time.Time `db:"created_at"`
}

const instructionColumns = `id, workspace_id, title, text, enabled, position, version, created_at, updated_at`

const ticketInstructionColumns = `id, ticket_id, text, created_by, created_at`

// CreateInstruction inserts an instruction at the end of the workspace's list
// and records its first revision.
func CreateInstruction(ctx context.Context, q Querier, in Instruction, savedBy string) (Instruction, error) {
	out, err := queryOne(ctx, q, pgx.RowToStructByName[Instruction], `
		INSERT INTO instructions (workspace_id, title, text, enabled, position)
		VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position), 0) + 1 FROM instructions WHERE workspace_id = $1))
		RETURNING `+instructionColumns, in.WorkspaceID, in.Title, in.Text, in.Enabled)
	if err != nil {
		return out, wrap("create instruction", err)
	}
	return out, addRevision(ctx, q, out, savedBy)
}

// UpdateInstruction saves a new version of an instruction and its revision.
func UpdateInstruction(ctx context.Context, q Querier, in Instruction, savedBy string) (Instruction, error) {
	out, err := queryOne(ctx, q, pgx.RowToStructByName[Instruction], `
		UPDATE instructions SET title = $3, text = $4, enabled = $5, version = version + 1, updated_at = now()
		WHERE workspace_id = $1 AND id = $2 RETURNING `+instructionColumns, in.WorkspaceID, in.ID, in.Title, in.Text, in.Enabled)
	if err != nil {
		return out, wrap("update instruction", err)
	}
	return out, addRevision(ctx, q, out, savedBy)
}

func addRevision(ctx context.Context, q Querier, in Instruction, savedBy string) error {
	_, err := q.Exec(ctx, `
		INSERT INTO instruction_revisions (workspace_id, instruction_id, version, title, text, enabled, saved_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, in.WorkspaceID, in.ID, in.Version, in.Title, in.Text, in.Enabled, savedBy)
	return wrap("instruction revision", err)
}

// InstructionByID returns one instruction of a workspace.
func InstructionByID(ctx context.Context, q Querier, workspaceID, id int64) (Instruction, error) {
	i, err := queryOne(ctx, q, pgx.RowToStructByName[Instruction], `SELECT `+instructionColumns+` FROM instructions
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
	return i, wrap("instruction", err)
}

// Instructions lists a workspace's instructions in order; onlyEnabled keeps the enabled ones.
func Instructions(ctx context.Context, q Querier, workspaceID int64, onlyEnabled bool) ([]Instruction, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[Instruction], `SELECT `+instructionColumns+` FROM instructions
		WHERE workspace_id = $1 AND (enabled OR NOT $2) ORDER BY position, id`, workspaceID, onlyEnabled)
	return out, wrap("instructions", err)
}

// InstructionRevisions lists an instruction's saved versions, newest first.
func InstructionRevisions(ctx context.Context, q Querier, workspaceID, id int64) ([]InstructionRevision, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[InstructionRevision], `
		SELECT version, title, text, enabled, saved_by, saved_at FROM instruction_revisions
		WHERE workspace_id = $1 AND instruction_id = $2 ORDER BY version DESC`, workspaceID, id)
	return out, wrap("instruction revisions", err)
}

// SetInstructionPosition moves one instruction of a workspace.
func SetInstructionPosition(ctx context.Context, q Querier, workspaceID, id int64, position int) error {
	return wrap("order instructions", mustAffect(q.Exec(ctx,
		`UPDATE instructions SET position = $3 WHERE workspace_id = $1 AND id = $2`, workspaceID, id, position)))
}

// DeleteInstruction removes an instruction and its history.
func DeleteInstruction(ctx context.Context, q Querier, workspaceID, id int64) error {
	return wrap("delete instruction", mustAffect(q.Exec(ctx,
		`DELETE FROM instructions WHERE workspace_id = $1 AND id = $2`, workspaceID, id)))
}

// AddTicketInstruction stores guidance for one ticket.
func AddTicketInstruction(ctx context.Context, q Querier, workspaceID int64, ticketID, text, createdBy string) (TicketInstruction, error) {
	t, err := queryOne(ctx, q, pgx.RowToStructByName[TicketInstruction], `
		INSERT INTO ticket_instructions (workspace_id, ticket_id, text, created_by) VALUES ($1, $2, $3, $4)
		RETURNING `+ticketInstructionColumns, workspaceID, ticketID, text, createdBy)
	return t, wrap("add ticket instruction", err)
}

// TicketInstructions lists a ticket's instructions, oldest first.
func TicketInstructions(ctx context.Context, q Querier, workspaceID int64, ticketID string) ([]TicketInstruction, error) {
	out, err := queryAll(ctx, q, pgx.RowToStructByName[TicketInstruction], `SELECT `+ticketInstructionColumns+`
		FROM ticket_instructions WHERE workspace_id = $1 AND ticket_id = $2 ORDER BY id`, workspaceID, ticketID)
	return out, wrap("ticket instructions", err)
}

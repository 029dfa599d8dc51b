package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Instruction is a workspace-wide piece of guidance for the agent.
type Instruction struct {
	ID          int64
	WorkspaceID int64
	Title       string
	Text        string
	Enabled     bool
	Position    int
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// InstructionRevision is one saved version of an instruction.
type InstructionRevision struct {
	Version int
	Title   string
	Text    string
	Enabled bool
	SavedBy string
	SavedAt time.Time
}

// TicketInstruction is guidance for one Gorgias ticket.
type TicketInstruction struct {
	ID        int64
	TicketID  string
	Text      string
	CreatedBy string
	CreatedAt time.Time
}

const instructionColumns = `id, workspace_id, title, text, enabled, position, version, created_at, updated_at`

func scanInstruction(row pgx.Row) (Instruction, error) {
	var i Instruction
	err := row.Scan(&i.ID, &i.WorkspaceID, &i.Title, &i.Text, &i.Enabled, &i.Position, &i.Version, &i.CreatedAt, &i.UpdatedAt)
	return i, mapErr(err)
}

// CreateInstruction inserts an instruction at the end of the workspace's list
// and records its first revision.
func CreateInstruction(ctx context.Context, q Querier, in Instruction, savedBy string) (Instruction, error) {
	out, err := scanInstruction(q.QueryRow(ctx, `
		INSERT INTO instructions (workspace_id, title, text, enabled, position)
		VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position), 0) + 1 FROM instructions WHERE workspace_id = $1))
		RETURNING `+instructionColumns, in.WorkspaceID, in.Title, in.Text, in.Enabled))
	if err != nil {
		return out, wrap("create instruction", err)
	}
	return out, addRevision(ctx, q, out, savedBy)
}

// UpdateInstruction saves a new version of an instruction and its revision.
func UpdateInstruction(ctx context.Context, q Querier, in Instruction, savedBy string) (Instruction, error) {
	out, err := scanInstruction(q.QueryRow(ctx, `
		UPDATE instructions SET title = $3, text = $4, enabled = $5, version = version + 1, updated_at = now()
		WHERE workspace_id = $1 AND id = $2 RETURNING `+instructionColumns, in.WorkspaceID, in.ID, in.Title, in.Text, in.Enabled))
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
	i, err := scanInstruction(q.QueryRow(ctx, `SELECT `+instructionColumns+` FROM instructions
		WHERE workspace_id = $1 AND id = $2`, workspaceID, id))
	return i, wrap("instruction", err)
}

// Instructions lists a workspace's instructions in order; onlyEnabled keeps the enabled ones.
func Instructions(ctx context.Context, q Querier, workspaceID int64, onlyEnabled bool) ([]Instruction, error) {
	rows, err := q.Query(ctx, `SELECT `+instructionColumns+` FROM instructions
		WHERE workspace_id = $1 AND (enabled OR NOT $2) ORDER BY position, id`, workspaceID, onlyEnabled)
	if err != nil {
		return nil, wrap("instructions", err)
	}
	defer rows.Close()
	out := []Instruction{}
	for rows.Next() {
		i, err := scanInstruction(rows)
		if err != nil {
			return nil, wrap("instructions", err)
		}
		out = append(out, i)
	}
	return out, wrap("instructions", rows.Err())
}

// InstructionRevisions lists an instruction's saved versions, newest first.
func InstructionRevisions(ctx context.Context, q Querier, workspaceID, id int64) ([]InstructionRevision, error) {
	rows, err := q.Query(ctx, `SELECT version, title, text, enabled, saved_by, saved_at FROM instruction_revisions
		WHERE workspace_id = $1 AND instruction_id = $2 ORDER BY version DESC`, workspaceID, id)
	if err != nil {
		return nil, wrap("instruction revisions", err)
	}
	defer rows.Close()
	out := []InstructionRevision{}
	for rows.Next() {
		var r InstructionRevision
		if err := rows.Scan(&r.Version, &r.Title, &r.Text, &r.Enabled, &r.SavedBy, &r.SavedAt); err != nil {
			return nil, wrap("instruction revisions", err)
		}
		out = append(out, r)
	}
	return out, wrap("instruction revisions", rows.Err())
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
	var t TicketInstruction
	err := q.QueryRow(ctx, `
		INSERT INTO ticket_instructions (workspace_id, ticket_id, text, created_by) VALUES ($1, $2, $3, $4)
		RETURNING id, ticket_id, text, created_by, created_at`, workspaceID, ticketID, text, createdBy).
		Scan(&t.ID, &t.TicketID, &t.Text, &t.CreatedBy, &t.CreatedAt)
	return t, wrap("add ticket instruction", err)
}

// TicketInstructions lists a ticket's instructions, oldest first.
func TicketInstructions(ctx context.Context, q Querier, workspaceID int64, ticketID string) ([]TicketInstruction, error) {
	rows, err := q.Query(ctx, `SELECT id, ticket_id, text, created_by, created_at FROM ticket_instructions
		WHERE workspace_id = $1 AND ticket_id = $2 ORDER BY id`, workspaceID, ticketID)
	if err != nil {
		return nil, wrap("ticket instructions", err)
	}
	defer rows.Close()
	out := []TicketInstruction{}
	for rows.Next() {
		var t TicketInstruction
		if err := rows.Scan(&t.ID, &t.TicketID, &t.Text, &t.CreatedBy, &t.CreatedAt); err != nil {
			return nil, wrap("ticket instructions", err)
		}
		out = append(out, t)
	}
	return out, wrap("ticket instructions", rows.Err())
}

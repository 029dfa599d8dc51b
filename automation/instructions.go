package automation

import (
	"context"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// InstructionInput is an instruction create or update; nil fields are left as
// they are (enabled defaults to true).
type InstructionInput struct {
	Title   *string `json:"title"`
	Text    *string `json:"text"`
	Enabled *bool   `json:"enabled"`
}

// Guidance is every instruction that applies to one ticket, read fresh for
// each pipeline run.
type Guidance struct {
	Workspace []store.Instruction       // enabled, in order
	Ticket    []store.TicketInstruction // oldest first
}

// ActiveInstructions reads the instructions for a ticket from the database on
// every call, so a saved instruction applies to the very next run. ticketID
// may be "" for workspace-wide instructions only.
func (s *Service) ActiveInstructions(ctx context.Context, actor account.Actor, ticketID string) (Guidance, error) {
	var g Guidance
	var err error
	if g.Workspace, err = store.Instructions(ctx, s.db.Pool, actor.WorkspaceID, true); err != nil {
		return g, err
	}
	g.Ticket = []store.TicketInstruction{}
	if ticketID != "" {
		g.Ticket, err = store.TicketInstructions(ctx, s.db.Pool, actor.WorkspaceID, ticketID)
	}
	return g, err
}

// Instructions lists a workspace's instructions in order.
func (s *Service) Instructions(ctx context.Context, actor account.Actor) ([]store.Instruction, error) {
	return store.Instructions(ctx, s.db.Pool, actor.WorkspaceID, false)
}

// InstructionRevisions lists an instruction's saved versions, newest first.
func (s *Service) InstructionRevisions(ctx context.Context, actor account.Actor, id int64) ([]store.InstructionRevision, error) {
	if _, err := store.InstructionByID(ctx, s.db.Pool, actor.WorkspaceID, id); err != nil {
		return nil, err
	}
	return store.InstructionRevisions(ctx, s.db.Pool, actor.WorkspaceID, id)
}

func applyInstruction(i *store.Instruction, in InstructionInput, v validate.Errors) {
	if in.Title != nil {
		i.Title = strings.TrimSpace(*in.Title)
		v.Length("title", i.Title, 1, 100)
	}
	if in.Text != nil {
		i.Text = strings.TrimSpace(*in.Text)
		v.Length("text", i.Text, 1, 2000)
	}
	if in.Enabled != nil {
		i.Enabled = *in.Enabled
	}
}

// CreateInstruction adds an instruction at the end of the list (editors).
func (s *Service) CreateInstruction(ctx context.Context, actor account.Actor, in InstructionInput) (store.Instruction, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return store.Instruction{}, err
	}
	i := store.Instruction{WorkspaceID: actor.WorkspaceID, Enabled: true}
	v := validate.Errors{}
	if in.Title == nil {
		v.Add("title", "is required")
	}
	if in.Text == nil {
		v.Add("text", "is required")
	}
	applyInstruction(&i, in, v)
	if err := v.Err(); err != nil {
		return i, err
	}
	var out store.Instruction
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.CheckLimit(ctx, tx, store.LimitInstructions, actor.WorkspaceID, 1); err != nil {
			return err
		}
		var err error
		if out, err = store.CreateInstruction(ctx, tx, i, actor.Audit().Label); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "instruction.create", out.Title, map[string]any{"id": out.ID})
	})
	return out, err
}

// UpdateInstruction saves a new version of an instruction (editors).
func (s *Service) UpdateInstruction(ctx context.Context, actor account.Actor, id int64, in InstructionInput) (store.Instruction, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return store.Instruction{}, err
	}
	var out store.Instruction
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		old, err := store.InstructionByID(ctx, tx, actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		i := old
		v := validate.Errors{}
		applyInstruction(&i, in, v)
		if err := v.Err(); err != nil {
			return err
		}
		if i.Title == old.Title && i.Text == old.Text && i.Enabled == old.Enabled {
			out = old
			return nil
		}
		if out, err = store.UpdateInstruction(ctx, tx, i, actor.Audit().Label); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "instruction.update", out.Title,
			map[string]any{"id": id, "version": out.Version, "enabled": out.Enabled})
	})
	return out, err
}

// DeleteInstruction removes an instruction and its history (editors).
func (s *Service) DeleteInstruction(ctx context.Context, actor account.Actor, id int64) error {
	if err := actor.Require(account.RoleEditor); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		i, err := store.InstructionByID(ctx, tx, actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		if err := store.DeleteInstruction(ctx, tx, actor.WorkspaceID, id); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "instruction.delete", i.Title, map[string]any{"id": id})
	})
}

// ReorderInstructions sets the order of a workspace's instructions; ids must
// list each of them exactly once (editors).
func (s *Service) ReorderInstructions(ctx context.Context, actor account.Actor, ids []int64) ([]store.Instruction, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return nil, err
	}
	var out []store.Instruction
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.LockWorkspace(ctx, tx, actor.WorkspaceID); err != nil {
			return err
		}
		cur, err := store.Instructions(ctx, tx, actor.WorkspaceID, false)
		if err != nil {
			return err
		}
		have := make([]int64, len(cur))
		for i, in := range cur {
			have[i] = in.ID
		}
		want := slices.Clone(ids)
		slices.Sort(have)
		slices.Sort(want)
		if !slices.Equal(have, want) {
			return validate.Field("ids", "must list the id of every instruction of the workspace exactly once")
		}
		for pos, id := range ids {
			if err := store.SetInstructionPosition(ctx, tx, actor.WorkspaceID, id, pos+1); err != nil {
				return err
			}
		}
		if out, err = store.Instructions(ctx, tx, actor.WorkspaceID, false); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "instruction.reorder", "", map[string]any{"ids": ids})
	})
	return out, err
}

// TicketInstructions lists the instructions written for one ticket.
func (s *Service) TicketInstructions(ctx context.Context, actor account.Actor, ticketID string) ([]store.TicketInstruction, error) {
	return store.TicketInstructions(ctx, s.db.Pool, actor.WorkspaceID, ticketID)
}

// AddTicketInstruction stores guidance for one ticket (editors).
func (s *Service) AddTicketInstruction(ctx context.Context, actor account.Actor, ticketID, text string) (store.TicketInstruction, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return store.TicketInstruction{}, err
	}
	text = strings.TrimSpace(text)
	v := validate.Errors{}
	v.Length("ticket_id", ticketID, 1, 100)
	v.Length("text", text, 1, 2000)
	if err := v.Err(); err != nil {
		return store.TicketInstruction{}, err
	}
	var out store.TicketInstruction
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		if err := store.CheckLimit(ctx, tx, store.LimitTicketInstructions, actor.WorkspaceID, 1, ticketID); err != nil {
			return err
		}
		var err error
		if out, err = store.AddTicketInstruction(ctx, tx, actor.WorkspaceID, ticketID, text, actor.Audit().Label); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "ticket_instruction.create", "ticket "+ticketID, map[string]any{"id": out.ID})
	})
	return out, err
}

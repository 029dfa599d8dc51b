package automation_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/automation"
	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/store"
)

func TestActiveInstructionsSeeTheLatestSave(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	w, err := store.CreateWorkspace(ctx, db.Pool, store.Workspace{Slug: "acme", Name: "Acme", ManagedTags: []string{}})
	require.NoError(t, err)
	queue, err := jobs.NewQueue(db)
	require.NoError(t, err)
	svc, err := automation.New(automation.Options{DB: db, Queue: queue})
	require.NoError(t, err)
	p := account.Principal{User: store.User{ID: 1, Email: "ed@acme.test"}}
	str := func(s string) *string { return &s }

	g, err := svc.ActiveInstructions(ctx, w.ID, "1001")
	require.NoError(t, err)
	require.Empty(t, g.Workspace)
	require.Empty(t, g.Ticket)

	tone, err := svc.CreateInstruction(ctx, p, account.RoleEditor, w.ID, automation.InstructionInput{Title: str("Tone"), Text: str("Be warm.")})
	require.NoError(t, err)
	g, err = svc.ActiveInstructions(ctx, w.ID, "1001")
	require.NoError(t, err)
	require.Len(t, g.Workspace, 1)
	require.Equal(t, "Be warm.", g.Workspace[0].Text)

	_, err = svc.UpdateInstruction(ctx, p, account.RoleEditor, w.ID, tone.ID, automation.InstructionInput{Text: str("Be warm and brief.")})
	require.NoError(t, err)
	_, err = svc.AddTicketInstruction(ctx, p, account.RoleEditor, w.ID, "1001", "Offer a voucher.")
	require.NoError(t, err)
	g, err = svc.ActiveInstructions(ctx, w.ID, "1001")
	require.NoError(t, err)
	require.Equal(t, "Be warm and brief.", g.Workspace[0].Text, "the very next call sees the save")
	require.Len(t, g.Ticket, 1)
	require.Equal(t, "Offer a voucher.", g.Ticket[0].Text)

	off := false
	_, err = svc.UpdateInstruction(ctx, p, account.RoleEditor, w.ID, tone.ID, automation.InstructionInput{Enabled: &off})
	require.NoError(t, err)
	g, err = svc.ActiveInstructions(ctx, w.ID, "2002")
	require.NoError(t, err)
	require.Empty(t, g.Workspace, "disabled instructions stop applying at once")
	require.Empty(t, g.Ticket, "ticket instructions belong to their ticket")

	_, err = svc.CreateInstruction(ctx, p, account.RoleViewer, w.ID, automation.InstructionInput{Title: str("x"), Text: str("y")})
	require.ErrorIs(t, err, account.ErrForbidden)
}

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

	g, err := svc.ActiveInstructions(ctx, account.System(w.ID, "test"), "1001")
	require.NoError(t, err)
	require.Empty(t, g.Workspace)
	require.Empty(t, g.Ticket)

	tone, err := svc.CreateInstruction(ctx, account.Actor{Principal: p, WorkspaceID: w.ID, Role: account.RoleEditor}, automation.InstructionInput{Title: str("Tone"), Text: str("Be warm.")})
	require.NoError(t, err)
	g, err = svc.ActiveInstructions(ctx, account.System(w.ID, "test"), "1001")
	require.NoError(t, err)
	require.Len(t, g.Workspace, 1)
	require.Equal(t, "Be warm.", g.Workspace[0].Text)

	_, err = svc.UpdateInstruction(ctx, account.Actor{Principal: p, WorkspaceID: w.ID, Role: account.RoleEditor}, tone.ID, automation.InstructionInput{Text: str("Be warm and brief.")})
	require.NoError(t, err)
	_, err = svc.AddTicketInstruction(ctx, account.Actor{Principal: p, WorkspaceID: w.ID, Role: account.RoleEditor}, "1001", "Offer a voucher.")
	require.NoError(t, err)
	g, err = svc.ActiveInstructions(ctx, account.System(w.ID, "test"), "1001")
	require.NoError(t, err)
	require.Equal(t, "Be warm and brief.", g.Workspace[0].Text, "the very next call sees the save")
	require.Len(t, g.Ticket, 1)
	require.Equal(t, "Offer a voucher.", g.Ticket[0].Text)

	off := false
	_, err = svc.UpdateInstruction(ctx, account.Actor{Principal: p, WorkspaceID: w.ID, Role: account.RoleEditor}, tone.ID, automation.InstructionInput{Enabled: &off})
	require.NoError(t, err)
	g, err = svc.ActiveInstructions(ctx, account.System(w.ID, "test"), "2002")
	require.NoError(t, err)
	require.Empty(t, g.Workspace, "disabled instructions stop applying at once")
	require.Empty(t, g.Ticket, "ticket instructions belong to their ticket")

	_, err = svc.CreateInstruction(ctx, account.Actor{Principal: p, WorkspaceID: w.ID, Role: account.RoleViewer}, automation.InstructionInput{Title: str("x"), Text: str("y")})
	require.ErrorIs(t, err, account.ErrForbidden)
}

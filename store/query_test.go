package store_test

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/store"
)

// Rows map onto structs by column name; these run the queries whose select
// lists carry aliases, joins or converted columns, and check that no row is
// ErrNotFound and a taken name a *ConflictError, as before.
func TestAccountRowsMapByName(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	q := db.Pool

	w, err := store.CreateWorkspace(ctx, q, store.Workspace{Slug: "acme", Name: "Acme", ManagedTags: []string{}})
	require.NoError(t, err)
	require.NotNil(t, w.ManagedTags)
	_, err = store.CreateWorkspace(ctx, q, store.Workspace{Slug: "acme", Name: "Again", ManagedTags: []string{}})
	var conflict *store.ConflictError
	require.ErrorAs(t, err, &conflict)
	_, err = store.WorkspaceByID(ctx, q, w.ID+1000)
	require.ErrorIs(t, err, store.ErrNotFound)

	u, err := store.CreateUser(ctx, q, "ann@example.com", "Ann", "hash", "member")
	require.NoError(t, err)
	got, err := store.UserByEmail(ctx, q, "ANN@example.com")
	require.NoError(t, err)
	require.Equal(t, u, got)
	require.NoError(t, store.AddMember(ctx, q, w.ID, u.ID, "owner"))
	members, err := store.Members(ctx, q, w.ID)
	require.NoError(t, err)
	require.Equal(t, []store.Member{{UserID: u.ID, Email: u.Email, Name: "Ann", Role: "owner"}}, members)
	roles, err := store.ListWorkspacesForUser(ctx, q, u.ID, false)
	require.NoError(t, err)
	require.Len(t, roles, 1)
	require.Equal(t, store.WorkspaceRole{Workspace: w, Role: "owner"}, roles[0])
	owners, err := store.CountOwners(ctx, q, w.ID)
	require.NoError(t, err)
	require.Equal(t, 1, owners)

	hash := sha256.Sum256([]byte("cookie"))
	s, err := store.CreateSession(ctx, q, hash[:], u.ID, "csrf", "127.0.0.1", "test", time.Now().Add(time.Hour))
	require.NoError(t, err)
	gotS, gotU, err := store.SessionByTokenHash(ctx, q, hash[:])
	require.NoError(t, err)
	require.Equal(t, s.ID, gotS.ID)
	require.Equal(t, u.ID, gotS.UserID)
	require.Equal(t, "csrf", gotS.CSRFToken)
	require.Equal(t, u, gotU)
	_, _, err = store.SessionByTokenHash(ctx, q, []byte("nope"))
	require.ErrorIs(t, err, store.ErrNotFound)

	inv, err := store.CreateInvitation(ctx, q, store.Invitation{WorkspaceID: w.ID, Email: "bo@example.com", Role: "admin",
		ExpiresAt: time.Now().Add(time.Hour)}, []byte("inv"), u.ID)
	require.NoError(t, err)
	pending, err := store.PendingInvitations(ctx, q, w.ID)
	require.NoError(t, err)
	require.Len(t, pending, 1)
	require.Equal(t, "Acme", pending[0].WorkspaceName)
	deleted, err := store.DeleteInvitation(ctx, q, w.ID, inv.ID)
	require.NoError(t, err)
	require.Equal(t, "bo@example.com", deleted.Email)
	_, err = store.DeleteInvitation(ctx, q, w.ID, inv.ID)
	require.ErrorIs(t, err, store.ErrNotFound)

	tok, err := store.CreateAPIToken(ctx, q, store.APIToken{WorkspaceID: w.ID, Name: "ci", Role: "admin", Prefix: "dm_abc"}, []byte("tok"), u.ID)
	require.NoError(t, err)
	revoked, err := store.RevokeAPIToken(ctx, q, w.ID, tok.ID)
	require.NoError(t, err)
	require.Equal(t, "ci", revoked.Name)
	require.NotNil(t, revoked.RevokedAt)
	_, err = store.RevokeAPIToken(ctx, q, w.ID, tok.ID)
	require.ErrorIs(t, err, store.ErrNotFound)

	require.NoError(t, store.Audit(ctx, q, &w.ID, store.Actor{Kind: "user", ID: u.ID, Label: u.Email}, "a.one", "x", map[string]any{"n": 1}))
	require.NoError(t, store.Audit(ctx, q, &w.ID, store.Actor{Kind: "system"}, "a.two", "y", nil))
	log, err := store.AuditLog(ctx, q, w.ID, 0, 10)
	require.NoError(t, err)
	require.Len(t, log, 2)
	require.Equal(t, store.Actor{Kind: "system"}, log[0].Actor)
	require.Equal(t, map[string]any{}, log[0].Summary)
	require.Equal(t, store.Actor{Kind: "user", ID: u.ID, Label: u.Email}, log[1].Actor)
	require.Equal(t, map[string]any{"n": float64(1)}, log[1].Summary)

	ts, err := store.TagSettingsOf(ctx, q, w.ID)
	require.NoError(t, err)
	require.Equal(t, store.TagSettings{Excluded: []string{}, System: map[string]string{}}, ts, "defaults when never saved")
	require.NoError(t, store.PutTagSettings(ctx, q, w.ID, store.TagSettings{Excluded: []string{"spam"}, System: map[string]string{"handled": "done"}}))
	ts, err = store.TagSettingsOf(ctx, q, w.ID)
	require.NoError(t, err)
	require.Equal(t, store.TagSettings{Excluded: []string{"spam"}, System: map[string]string{"handled": "done"}}, ts)

	for range 2 {
		_, err = store.RecordLoginAttempt(ctx, q, "ann@example.com", "10.0.0.1")
		require.NoError(t, err)
	}
	_, err = store.RecordLoginAttempt(ctx, q, "bo@example.com", "10.0.0.1")
	require.NoError(t, err)
	byEmail, byIP, err := store.LoginFailures(ctx, q, "Ann@example.com", "10.0.0.1", time.Now().Add(-time.Hour))
	require.NoError(t, err)
	require.Equal(t, 2, byEmail.Count)
	require.Equal(t, 3, byIP.Count)
	require.False(t, byEmail.Oldest.IsZero())

	automations, err := store.Automations(ctx, q, w.ID, false)
	require.NoError(t, err)
	require.NotNil(t, automations, "an empty list is not nil")
}

func TestKnowledgeRowsMapByName(t *testing.T) {
	ctx := context.Background()
	db := testdb.New(t)
	q := db.Pool

	w, err := store.CreateWorkspace(ctx, q, store.Workspace{Slug: "kb", Name: "KB", ManagedTags: []string{}})
	require.NoError(t, err)
	en, err := store.CreateKnowledgeBase(ctx, q, store.KnowledgeBase{WorkspaceID: w.ID, Name: "English", ChunkSize: 1200,
		ChunkOverlap: 100, Language: "english", Enabled: true, ResyncIntervalHours: 24})
	require.NoError(t, err)
	fr, err := store.CreateKnowledgeBase(ctx, q, store.KnowledgeBase{WorkspaceID: w.ID, Name: "French", ChunkSize: 1200,
		ChunkOverlap: 100, Language: "french", Enabled: true, ResyncIntervalHours: 24})
	require.NoError(t, err)
	run, err := store.CreateKnowledgeRun(ctx, q, w.ID, en.ID, "add", 2)
	require.NoError(t, err)

	doc, err := store.InsertKnowledgeDocument(ctx, q, store.KnowledgeDocument{WorkspaceID: w.ID, KnowledgeBaseID: en.ID,
		SourceType: "file", Title: "Guide", Filename: "guide.txt", Raw: []byte("raw bytes"), RunID: &run})
	require.NoError(t, err)
	require.Nil(t, doc.Raw, "raw is read only for ingestion")
	forIngest, err := store.KnowledgeDocumentForIngest(ctx, q, w.ID, doc.ID)
	require.NoError(t, err)
	require.Equal(t, []byte("raw bytes"), forIngest.Raw)
	require.Equal(t, doc.Title, forIngest.Title)

	site, err := store.InsertKnowledgeDocument(ctx, q, store.KnowledgeDocument{WorkspaceID: w.ID, KnowledgeBaseID: en.ID,
		SourceType: "sitemap", URL: "https://example.com/sitemap.xml", RunID: &run})
	require.NoError(t, err)
	_, err = store.UpsertKnowledgePages(ctx, q, site, run, []store.KnowledgePage{{URL: "https://example.com/a"}, {URL: "https://example.com/b"}})
	require.NoError(t, err)
	site, err = store.KnowledgeDocumentByID(ctx, q, w.ID, en.ID, site.ID)
	require.NoError(t, err)
	require.Equal(t, store.PageCounts{Total: 2}, site.Pages)

	chunks := []store.KnowledgeChunk{
		{WorkspaceID: w.ID, KnowledgeBaseID: en.ID, DocumentID: doc.ID, Ord: 0, TitlePath: "Guide › Returns", Content: "Returns are free within thirty days.", ContentHash: []byte{1}, Language: "english"},
		{WorkspaceID: w.ID, KnowledgeBaseID: en.ID, DocumentID: doc.ID, Ord: 1, TitlePath: "Guide › Shipping", Content: "Shipping takes three days.", ContentHash: []byte{2}, Language: "english"},
	}
	require.NoError(t, db.InTx(ctx, func(tx pgx.Tx) error {
		ok, err := store.ApplyChunkChanges(ctx, tx, doc.ID, run, store.ChunkChanges{Insert: chunks})
		require.True(t, ok)
		return err
	}))
	refs, err := store.DocumentChunkRefs(ctx, q, doc.ID)
	require.NoError(t, err)
	require.Len(t, refs, 2)
	require.Equal(t, []byte{2}, refs[1].ContentHash)

	bases, err := store.KnowledgeBases(ctx, q, w.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"English", "French"}, []string{bases[0].Name, bases[1].Name})
	require.Equal(t, 4, bases[0].DocumentCount)
	require.Equal(t, 2, bases[0].ChunkCount)

	targets, off, err := store.SearchTargets(ctx, q, w.ID, nil)
	require.NoError(t, err)
	require.Equal(t, map[string][]int64{"english": {en.ID}, "french": {fr.ID}}, targets)
	require.Equal(t, []int64{}, off)

	var embs []store.Embedding
	for i, r := range refs {
		for _, model := range []string{"m1", "m2"} {
			v := []float32{1, 0}
			if i == 1 {
				v = []float32{0, 1}
			}
			embs = append(embs, store.Embedding{ChunkID: r.ID, WorkspaceID: w.ID, KnowledgeBaseID: en.ID, DocumentID: doc.ID, Model: model, Vector: v})
		}
	}
	require.NoError(t, store.CopyEmbeddings(ctx, q, embs))
	scope := store.SearchScope{WorkspaceID: w.ID, KnowledgeBaseIDs: []int64{en.ID}}
	vec, err := store.VectorCandidates(ctx, q, scope, "m1", 2, []float32{1, 0}, 5)
	require.NoError(t, err)
	require.Equal(t, []store.SearchCandidate{{ChunkID: refs[0].ID, Score: 1}, {ChunkID: refs[1].ID, Score: 0}}, vec)
	text, err := store.TextCandidates(ctx, q, scope, "english", "returns", 5)
	require.NoError(t, err)
	require.Len(t, text, 1)
	require.Equal(t, refs[0].ID, text[0].ChunkID)
	require.Greater(t, text[0].Score, 0.0)
	hits, err := store.ChunkHits(ctx, q, w.ID, []int64{refs[0].ID})
	require.NoError(t, err)
	require.Equal(t, "Guide", hits[refs[0].ID].DocumentTitle)
	require.Equal(t, "Guide › Returns", hits[refs[0].ID].TitlePath)

	removed, err := store.DeleteOtherEmbeddings(ctx, q, w.ID, []string{"m1"}, 100)
	require.NoError(t, err)
	require.Equal(t, map[store.ModelDims]int{{Model: "m2", Dims: 2}: 2}, removed)

	spec := store.EmbedderSpec{Provider: "builtin", Model: "m1"}
	state, err := store.EnsureKnowledgeEmbedder(ctx, q, w.ID, "m1", spec)
	require.NoError(t, err)
	require.Equal(t, store.EmbedderState{WorkspaceID: w.ID, ActiveModel: "m1", ActiveSpec: spec}, state, "no target is an empty one")
	target := store.EmbedderSpec{Provider: "ollama", BaseURL: "http://ollama:11434", Model: "m3"}
	require.NoError(t, store.SetEmbedderTarget(ctx, q, w.ID, "m3", target))
	state, err = store.KnowledgeEmbedder(ctx, q, w.ID)
	require.NoError(t, err)
	require.Equal(t, "m3", state.TargetModel)
	require.Equal(t, target, state.TargetSpec)

	progress, err := store.KnowledgeBaseProgress(ctx, q, w.ID, en.ID)
	require.NoError(t, err)
	require.Equal(t, store.KnowledgeProgress{DocumentsTotal: 4, Pending: 4}, progress)
	runs, err := store.KnowledgeRuns(ctx, q, w.ID, en.ID, 10)
	require.NoError(t, err)
	require.Len(t, runs, 1)
	require.Equal(t, run, runs[0].ID)
}

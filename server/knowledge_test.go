package server_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/store"
)

// upload sends files as multipart/form-data in the field "file".
func (u *user) upload(path string, files ...[2]string) resp {
	t := u.a.t
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, f := range files {
		part, err := w.CreateFormFile("file", f[0])
		require.NoError(t, err)
		_, err = part.Write([]byte(f[1]))
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if u.cookie != "" {
		req.Header.Set("Cookie", "deskmate_session="+u.cookie)
		req.Header.Set("X-CSRF-Token", u.csrf)
	}
	if u.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+u.bearer)
	}
	res, err := u.a.srv.Test(req)
	require.NoError(t, err)
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

func knowledgeFixture(t *testing.T, name string) string {
	b, err := os.ReadFile(filepath.Join("..", "knowledge", "parser", "testdata", name))
	require.NoError(t, err)
	return string(b)
}

// startJobs works the API's River jobs until the test ends.
func (a *api) startJobs() {
	require.NoError(a.t, a.river.Start(context.Background()))
	a.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = a.river.StopAndCancel(ctx)
	})
}

type progressJSON struct {
	Documents struct{ Done, Total, Failed int } `json:"documents"`
	Chunks    struct{ Done, Total int }         `json:"chunks"`
	Running   bool                              `json:"running"`
	Run       *struct {
		Kind      string                            `json:"kind"`
		Documents struct{ Done, Total, Failed int } `json:"documents"`
	} `json:"run"`
}

func (u *user) waitKnowledge(ws, kb int64) progressJSON {
	t := u.a.t
	t.Helper()
	var p progressJSON
	require.Eventually(t, func() bool {
		u.must(200, "GET", wsPath(ws, "/knowledge-bases/"+itoa(kb)+"/progress"), nil).JSON(t, &p)
		return !p.Running
	}, 60*time.Second, 25*time.Millisecond)
	return p
}

type docJSON struct {
	ID         int64   `json:"id"`
	SourceType string  `json:"source_type"`
	Title      string  `json:"title"`
	Filename   string  `json:"filename"`
	Status     string  `json:"status"`
	Error      string  `json:"error"`
	ChunkCount int     `json:"chunk_count"`
	Enabled    bool    `json:"enabled"`
	Text       *string `json:"text"`
}

func TestKnowledgeAPI(t *testing.T) {
	a := newAPI(t, guards{})
	a.startJobs()
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	kbs := wsPath(w.ID, "/knowledge-bases")

	r := owner.call("POST", kbs, map[string]any{"chunk_size": 100, "chunk_overlap": 80, "language": "klingon", "color": "red"})
	require.Equal(t, 422, r.Status)
	require.Equal(t, map[string]string{"color": "is not a known field"}, r.Fields(t))
	r = owner.call("POST", kbs, map[string]any{"chunk_size": 100, "chunk_overlap": 80, "language": "klingon"})
	require.Equal(t, 422, r.Status)
	require.Equal(t, map[string]string{"name": "is required", "chunk_size": "must be from 200 to 8000 characters",
		"chunk_overlap": "must be from 0 to half the chunk size",
		"language":      "must be one of simple, english, french, german, spanish, italian, portuguese, dutch, danish, swedish, norwegian, finnish, russian, turkish"},
		r.Fields(t))

	var kb struct {
		ID                  int64  `json:"id"`
		Name                string `json:"name"`
		ChunkSize           int    `json:"chunk_size"`
		ChunkOverlap        int    `json:"chunk_overlap"`
		Language            string `json:"language"`
		Enabled             bool   `json:"enabled"`
		ResyncIntervalHours int    `json:"resync_interval_hours"`
		DocumentCount       int    `json:"document_count"`
		ChunkCount          int    `json:"chunk_count"`
	}
	owner.must(201, "POST", kbs, map[string]any{"name": "Help center", "description": "Public articles"}).JSON(t, &kb)
	require.Equal(t, "Help center", kb.Name)
	require.Equal(t, 1200, kb.ChunkSize)
	require.Equal(t, 150, kb.ChunkOverlap)
	require.Equal(t, "english", kb.Language)
	require.True(t, kb.Enabled)
	require.Equal(t, 24, kb.ResyncIntervalHours)
	base := kbs + "/" + itoa(kb.ID)

	var text docJSON
	owner.must(201, "POST", base+"/documents", map[string]any{"kind": "text", "title": "Opening hours",
		"text": "We answer Monday to Friday, 9 to 18.\n\n## Holidays\n\nClosed on public holidays."}).JSON(t, &text)
	require.Equal(t, "pending", text.Status)
	require.Equal(t, "We answer Monday", (*text.Text)[:16])
	r = owner.call("POST", base+"/documents", map[string]any{"kind": "url", "url": "http://127.0.0.1:9/", "title": "x"})
	require.Equal(t, 422, r.Status)
	require.Contains(t, r.Fields(t)["url"], "loopback address: not allowed")
	require.Equal(t, "url documents take a url, not title or text", r.Fields(t)["kind"])
	r = owner.call("POST", base+"/documents", map[string]any{"kind": "crawl", "url": "https://help.example.com", "max_pages": 5000, "max_depth": 11})
	require.Equal(t, 422, r.Status)
	require.Equal(t, "must be from 1 to 1000", r.Fields(t)["max_pages"])
	require.Equal(t, "must be from 0 to 10", r.Fields(t)["max_depth"])
	require.Equal(t, 422, owner.call("POST", base+"/documents", map[string]any{"kind": "video"}).Status)

	var up struct {
		Documents []docJSON `json:"documents"`
		Rejected  []struct {
			Filename, Error string
		} `json:"rejected"`
	}
	owner.upload(base+"/uploads", [2]string{"guide.pdf", knowledgeFixture(t, "guide.pdf")},
		[2]string{"broken.pdf", knowledgeFixture(t, "broken.pdf")}, [2]string{"faq.csv", knowledgeFixture(t, "faq.csv")},
		[2]string{"image.txt", "\x89PNG\r\n\x1a\n\x00\x00"}).JSON(t, &up)
	require.Len(t, up.Documents, 3)
	require.Len(t, up.Rejected, 1)
	require.Equal(t, "image.txt", up.Rejected[0].Filename)
	require.Contains(t, up.Rejected[0].Error, "is not a text file")
	r = owner.upload(base+"/uploads", [2]string{"slides.pptx", "x"})
	require.Equal(t, 422, r.Status)
	require.Contains(t, r.Fields(t)["file"], "slides.pptx: .pptx files are not supported")
	require.Equal(t, 415, owner.call("POST", base+"/uploads", map[string]any{"file": "x"}).Status)

	p := owner.waitKnowledge(w.ID, kb.ID)
	require.Equal(t, 4, p.Documents.Total)
	require.Equal(t, 3, p.Documents.Done)
	require.Equal(t, 1, p.Documents.Failed)
	require.Equal(t, p.Chunks.Total, p.Chunks.Done)
	require.Equal(t, 2+3+3, p.Chunks.Total)
	require.Equal(t, "upload", p.Run.Kind)

	var docs []docJSON
	owner.must(200, "GET", base+"/documents", nil).JSON(t, &docs)
	require.Len(t, docs, 4)
	byName := map[string]docJSON{}
	for _, d := range docs {
		byName[d.Title] = d
		require.Nil(t, d.Text, "lists leave the text out")
	}
	require.Equal(t, "ready", byName["Returns and Refunds Guide"].Status)
	require.Equal(t, "failed", byName["broken"].Status)
	require.Contains(t, byName["broken"].Error, "could not be read as a PDF")

	// Retry (only failed ones), re-sync (only web sources).
	require.Equal(t, 409, owner.call("POST", base+"/documents/"+itoa(text.ID)+"/retry", nil).Status)
	require.Equal(t, 409, owner.call("POST", base+"/documents/"+itoa(text.ID)+"/resync", nil).Status)
	owner.must(202, "POST", base+"/documents/"+itoa(byName["broken"].ID)+"/retry", nil)
	owner.waitKnowledge(w.ID, kb.ID)

	// Edit a text document and find the new text.
	var edited docJSON
	owner.must(200, "PATCH", base+"/documents/"+itoa(text.ID), map[string]any{
		"text": "We answer Monday to Saturday, 9 to 18.\n\n## Holidays\n\nClosed on public holidays."}).JSON(t, &edited)
	require.Equal(t, "pending", edited.Status)
	owner.waitKnowledge(w.ID, kb.ID)
	owner.must(200, "GET", base+"/documents/"+itoa(text.ID), nil).JSON(t, &edited)
	require.Equal(t, "ready", edited.Status)
	require.Contains(t, *edited.Text, "Saturday")
	r = owner.call("PATCH", base+"/documents/"+itoa(byName["faq"].ID), map[string]any{"text": "x"})
	require.Equal(t, 422, r.Status)

	var found struct {
		Results []struct {
			ChunkID         int64   `json:"chunk_id"`
			DocumentID      int64   `json:"document_id"`
			KnowledgeBaseID int64   `json:"knowledge_base_id"`
			Title           string  `json:"title"`
			TitlePath       string  `json:"title_path"`
			URL             string  `json:"url"`
			Text            string  `json:"text"`
			Score           float64 `json:"score"`
			VectorScore     float64 `json:"vector_score"`
			TextScore       float64 `json:"text_score"`
			VectorRank      int     `json:"vector_rank"`
			TextRank        int     `json:"text_rank"`
		} `json:"results"`
		TookMS *float64 `json:"took_ms"`
	}
	owner.must(200, "POST", wsPath(w.ID, "/knowledge/search"), map[string]any{"query": "are you open on saturday", "limit": 3}).JSON(t, &found)
	require.Len(t, found.Results, 3)
	require.NotNil(t, found.TookMS)
	top := found.Results[0]
	require.Equal(t, text.ID, top.DocumentID)
	require.Equal(t, kb.ID, top.KnowledgeBaseID)
	require.Equal(t, "Opening hours", top.Title)
	require.Equal(t, "Opening hours", top.TitlePath)
	require.Contains(t, top.Text, "Saturday")
	require.Greater(t, top.Score, 0.0)
	require.Equal(t, 1, top.VectorRank)
	require.Equal(t, 1, top.TextRank)
	r = owner.call("POST", wsPath(w.ID, "/knowledge/search"), map[string]any{"query": "", "limit": 500})
	require.Equal(t, map[string]string{"query": "is required", "limit": "must be from 1 to 50"}, r.Fields(t))

	// Disable, delete.
	owner.must(200, "PATCH", base+"/documents/"+itoa(text.ID), map[string]any{"enabled": false})
	owner.must(200, "POST", wsPath(w.ID, "/knowledge/search"), map[string]any{"query": "are you open on saturday"}).JSON(t, &found)
	for _, res := range found.Results {
		require.NotEqual(t, text.ID, res.DocumentID)
	}
	owner.must(204, "DELETE", base+"/documents/"+itoa(text.ID), nil)
	owner.must(404, "GET", base+"/documents/"+itoa(text.ID), nil)
	owner.must(200, "PATCH", base, map[string]any{"name": "Help", "chunk_size": 600}).JSON(t, &kb)
	require.Equal(t, 600, kb.ChunkSize)
	p = owner.waitKnowledge(w.ID, kb.ID)
	require.Equal(t, "rechunk", p.Run.Kind)
	owner.must(200, "GET", base, nil).JSON(t, &kb)
	require.Equal(t, 3, kb.DocumentCount)

	var runs []struct {
		Kind    string `json:"kind"`
		Running bool   `json:"running"`
	}
	owner.must(200, "GET", base+"/runs?limit=2", nil).JSON(t, &runs)
	require.Len(t, runs, 2)
	require.Equal(t, "rechunk", runs[0].Kind)

	owner.must(204, "DELETE", base, nil)
	owner.must(404, "GET", base, nil)

	entries, err := store.AuditLog(ctx(t), a.db.Pool, w.ID, 0, 100)
	require.NoError(t, err)
	actions := map[string]int{}
	for _, e := range entries {
		actions[e.Action]++
	}
	for action, n := range map[string]int{"knowledge_base.create": 1, "knowledge_base.update": 1, "knowledge_base.delete": 1,
		"document.add": 4, "document.update": 2, "document.delete": 1, "document.retry": 1} {
		require.Equal(t, n, actions[action], action)
	}
}

func TestKnowledgeRoles(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	v := newVictim(t, owner, "acme")
	editor := owner.member(v.ws.ID, "ed@acme.test", "editor")
	viewer := owner.member(v.ws.ID, "vi@acme.test", "viewer")
	for _, e := range workspaceEndpoints() {
		if len(e.path) < 10 || e.path[:10] != "/knowledge" {
			continue
		}
		r := viewer.call(e.method, v.path(e), e.body)
		if e.method == "GET" || e.path == "/knowledge/search" {
			require.Equal(t, 200, r.Status, "viewers read and search: %s %s: %s", e.method, e.path, r.Body)
			continue
		}
		require.Equal(t, 403, r.Status, "%s %s: %s", e.method, e.path, r.Body)
		require.Equal(t, "forbidden", r.ErrorCode(t))
	}
	var kb struct{ ID int64 }
	editor.must(201, "POST", wsPath(v.ws.ID, "/knowledge-bases"), map[string]any{"name": "Drafts"}).JSON(t, &kb)
	editor.must(201, "POST", wsPath(v.ws.ID, "/knowledge-bases/"+itoa(kb.ID)+"/documents"), map[string]any{"kind": "text", "title": "T", "text": "x"})
	editor.must(200, "PATCH", wsPath(v.ws.ID, "/knowledge-bases/"+itoa(v.kb)+"/documents/"+itoa(v.doc)), map[string]any{"enabled": false})
	editor.must(204, "DELETE", wsPath(v.ws.ID, "/knowledge-bases/"+itoa(kb.ID)), nil)
	// A document id from another knowledge base of the same workspace is not found.
	editor.must(404, "GET", wsPath(v.ws.ID, "/knowledge-bases/"+itoa(kb.ID)+"/documents/"+itoa(v.doc)), nil)
}

func TestChangingTheEmbeddingModelQueuesReembedding(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	_, err := store.EnsureKnowledgeEmbedder(ctx(t), a.db.Pool, w.ID, "builtin-hash-v1", store.EmbedderSpec{Provider: "builtin"})
	require.NoError(t, err)
	owner.must(200, "PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "ollama", "base_url": "http://127.0.0.1:11434",
		"chat_model": "llama3.2", "embedding_model": "nomic-embed-text"})
	st, err := store.KnowledgeEmbedder(ctx(t), a.db.Pool, w.ID)
	require.NoError(t, err)
	require.Equal(t, "builtin-hash-v1", st.ActiveModel, "search keeps the old model until re-embedding is done")
	require.Equal(t, "ollama/nomic-embed-text", st.TargetModel)
	var n int
	require.NoError(t, a.db.Pool.QueryRow(ctx(t), `SELECT count(*) FROM river_job WHERE kind = 'knowledge_reembed'
		AND args->>'workspace_id' = $1 AND args->>'model' = 'ollama/nomic-embed-text'`, itoa(w.ID)).Scan(&n))
	require.Equal(t, 1, n)
	// Changing only the chat model queues nothing more.
	owner.must(200, "PUT", wsPath(w.ID, "/model-settings"), map[string]any{"provider": "ollama", "base_url": "http://127.0.0.1:11434",
		"chat_model": "qwen3", "embedding_model": "nomic-embed-text"})
	require.NoError(t, a.db.Pool.QueryRow(ctx(t), `SELECT count(*) FROM river_job WHERE kind = 'knowledge_reembed'`).Scan(&n))
	require.Equal(t, 1, n)
}

func TestDocumentChunksShowWhatWasStored(t *testing.T) {
	a := newAPI(t, guards{})
	a.startJobs()
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	var kb struct {
		ID int64 `json:"id"`
	}
	owner.must(201, "POST", wsPath(w.ID, "/knowledge-bases"), map[string]any{"name": "Help"}).JSON(t, &kb)
	base := wsPath(w.ID, "/knowledge-bases/"+itoa(kb.ID))
	var d docJSON
	owner.must(201, "POST", base+"/documents", map[string]any{"kind": "text", "title": "Policies",
		"text": "Intro line.\n\n## Returns\n\nReturn unworn items within 30 days.\n\n## Shipping\n\nParcels leave Lyon daily."}).JSON(t, &d)
	owner.waitKnowledge(w.ID, kb.ID)

	type chunk struct {
		Ord       int    `json:"ord"`
		TitlePath string `json:"title_path"`
		Text      string `json:"text"`
	}
	var chunks []chunk
	owner.must(200, "GET", base+"/documents/"+itoa(d.ID)+"/chunks", nil).JSON(t, &chunks)
	require.Equal(t, []chunk{
		{0, "Policies", "Intro line."},
		{1, "Policies › Returns", "Return unworn items within 30 days."},
		{2, "Policies › Shipping", "Parcels leave Lyon daily."},
	}, chunks)
	owner.must(200, "GET", base+"/documents/"+itoa(d.ID)+"/chunks?limit=1&offset=2", nil).JSON(t, &chunks)
	require.Equal(t, []chunk{{2, "Policies › Shipping", "Parcels leave Lyon daily."}}, chunks)

	r := owner.must(422, "GET", base+"/documents/"+itoa(d.ID)+"/chunks?limit=0&offset=-1", nil)
	require.Equal(t, map[string]string{"limit": "must be from 1 to 1000", "offset": "must be 0 or more"}, r.Fields(t))
	owner.must(404, "GET", base+"/documents/999999/chunks", nil)
}

// A web source's URL is stored in the form the outbound guard checked (its
// escaped, canonical form), and that form must fit the guard's limit: a URL
// short in bytes but long once escaped is refused, not stored to fail later.
func TestWebSourceURLsAreStoredAsChecked(t *testing.T) {
	a := newAPI(t, guards{})
	owner := a.owner()
	w := owner.createWorkspace("acme", nil)
	var kb struct {
		ID int64 `json:"id"`
	}
	owner.must(201, "POST", wsPath(w.ID, "/knowledge-bases"), map[string]any{"name": "Help"}).JSON(t, &kb)
	docs := wsPath(w.ID, "/knowledge-bases/"+itoa(kb.ID)+"/documents")

	for in, want := range map[string]string{
		"http://93.184.216.34/help center/caf\u00e9?q=a b#top": "http://93.184.216.34/help%20center/caf%C3%A9?q=a b",
		"HTTP://93.184.216.34:80":                              "http://93.184.216.34/",
	} {
		var d struct {
			URL string `json:"url"`
		}
		owner.must(201, "POST", docs, map[string]any{"kind": "url", "url": in}).JSON(t, &d)
		require.Equal(t, want, d.URL, in)
	}

	// 700 bytes of "é" are 2,100 characters once escaped.
	r := owner.call("POST", docs, map[string]any{"kind": "url", "url": "http://93.184.216.34/" + strings.Repeat("\u00e9", 350)})
	require.Equal(t, 422, r.Status, string(r.Body))
	require.Contains(t, r.Fields(t)["url"], "longer than 2048 characters: not allowed")
}

package server

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/internal/account"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/jobs"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
)

// knowledgeRoutes adds knowledge bases, their documents and search under a
// workspace. Viewers read and search; editors change content.
func (s *Server) knowledgeRoutes(ws fiber.Router) {
	if s.deps.Knowledge == nil && s.deps.DB != nil && s.deps.Workspaces != nil {
		if kn, err := knowledge.New(knowledge.Options{DB: s.deps.DB, Models: s.deps.Workspaces, Logger: s.deps.Logger}); err == nil {
			if s.deps.River != nil {
				kn.SetQueue(jobs.Queue{Client: s.deps.River})
			}
			s.deps.Knowledge = kn
		}
	}
	ws.Get("/knowledge-bases", s.listKnowledgeBases)
	ws.Post("/knowledge-bases", s.createKnowledgeBase)
	ws.Get("/knowledge-bases/:kb", s.getKnowledgeBase)
	ws.Patch("/knowledge-bases/:kb", s.patchKnowledgeBase)
	ws.Delete("/knowledge-bases/:kb", s.deleteKnowledgeBase)
	ws.Get("/knowledge-bases/:kb/progress", s.knowledgeProgress)
	ws.Get("/knowledge-bases/:kb/runs", s.knowledgeRuns)
	ws.Get("/knowledge-bases/:kb/documents", s.listDocuments)
	ws.Post("/knowledge-bases/:kb/documents", s.addDocument)
	ws.Post("/knowledge-bases/:kb/uploads", s.uploadDocuments)
	ws.Get("/knowledge-bases/:kb/documents/:doc", s.getDocument)
	ws.Patch("/knowledge-bases/:kb/documents/:doc", s.patchDocument)
	ws.Delete("/knowledge-bases/:kb/documents/:doc", s.deleteDocument)
	ws.Post("/knowledge-bases/:kb/documents/:doc/resync", s.resyncDocument)
	ws.Post("/knowledge-bases/:kb/documents/:doc/retry", s.retryDocument)
	ws.Get("/knowledge-bases/:kb/documents/:doc/chunks", s.documentChunks)
	ws.Post("/knowledge/search", s.searchKnowledge)
}

// kn returns the knowledge service, 503 when this server has none.
func (s *Server) kn() (*knowledge.Service, error) {
	if s.deps.Knowledge == nil {
		return nil, &APIError{Status: fiber.StatusServiceUnavailable, Code: "unavailable", Message: "knowledge is not available on this server"}
	}
	return s.deps.Knowledge, nil
}

// knowledgeErr gives knowledge state conflicts their status.
func knowledgeErr(err error) error {
	var ce *knowledge.ConflictError
	if errors.As(err, &ce) {
		return &APIError{Status: fiber.StatusConflict, Code: "conflict", Message: ce.Msg}
	}
	return err
}

// knowledgeAccess checks the role and returns the service, caller and workspace.
func (s *Server) knowledgeAccess(c *fiber.Ctx, min account.Role) (*knowledge.Service, account.Principal, int64, error) {
	p, id, _, err := access(c, min)
	if err != nil {
		return nil, p, 0, err
	}
	kn, err := s.kn()
	return kn, p, id, err
}

type knowledgeBaseJSON struct {
	ID                  int64     `json:"id"`
	Name                string    `json:"name"`
	Description         string    `json:"description"`
	ChunkSize           int       `json:"chunk_size"`
	ChunkOverlap        int       `json:"chunk_overlap"`
	Language            string    `json:"language"`
	Enabled             bool      `json:"enabled"`
	ResyncIntervalHours int       `json:"resync_interval_hours"`
	DocumentCount       int       `json:"document_count"`
	ChunkCount          int       `json:"chunk_count"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
}

func toKnowledgeBaseJSON(k store.KnowledgeBase) knowledgeBaseJSON {
	return knowledgeBaseJSON{ID: k.ID, Name: k.Name, Description: k.Description, ChunkSize: k.ChunkSize,
		ChunkOverlap: k.ChunkOverlap, Language: k.Language, Enabled: k.Enabled, ResyncIntervalHours: k.ResyncIntervalHours,
		DocumentCount: k.DocumentCount, ChunkCount: k.ChunkCount, CreatedAt: k.CreatedAt, UpdatedAt: k.UpdatedAt}
}

type knowledgeBaseReq struct {
	Name                *string `json:"name"`
	Description         *string `json:"description"`
	ChunkSize           *int    `json:"chunk_size"`
	ChunkOverlap        *int    `json:"chunk_overlap"`
	Language            *string `json:"language"`
	Enabled             *bool   `json:"enabled"`
	ResyncIntervalHours *int    `json:"resync_interval_hours"`
}

func (r knowledgeBaseReq) input() knowledge.BaseInput {
	return knowledge.BaseInput{Name: r.Name, Description: r.Description, ChunkSize: r.ChunkSize, ChunkOverlap: r.ChunkOverlap,
		Language: r.Language, Enabled: r.Enabled, ResyncIntervalHours: r.ResyncIntervalHours}
}

func (s *Server) listKnowledgeBases(c *fiber.Ctx) error {
	kn, _, ws, err := s.knowledgeAccess(c, account.RoleViewer)
	if err != nil {
		return err
	}
	list, err := kn.Bases(c.UserContext(), ws)
	if err != nil {
		return err
	}
	out := make([]knowledgeBaseJSON, len(list))
	for i, k := range list {
		out[i] = toKnowledgeBaseJSON(k)
	}
	return c.JSON(out)
}

func (s *Server) createKnowledgeBase(c *fiber.Ctx) error {
	kn, p, ws, err := s.knowledgeAccess(c, account.RoleEditor)
	if err != nil {
		return err
	}
	var req knowledgeBaseReq
	if err := decode(c, &req); err != nil {
		return err
	}
	k, err := kn.CreateBase(c.UserContext(), p.Actor(), ws, req.input())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toKnowledgeBaseJSON(k))
}

func (s *Server) getKnowledgeBase(c *fiber.Ctx) error {
	kn, _, ws, err := s.knowledgeAccess(c, account.RoleViewer)
	if err != nil {
		return err
	}
	id, err := idParam(c, "kb")
	if err != nil {
		return err
	}
	k, err := kn.Base(c.UserContext(), ws, id)
	if err != nil {
		return err
	}
	return c.JSON(toKnowledgeBaseJSON(k))
}

func (s *Server) patchKnowledgeBase(c *fiber.Ctx) error {
	kn, p, ws, err := s.knowledgeAccess(c, account.RoleEditor)
	if err != nil {
		return err
	}
	id, err := idParam(c, "kb")
	if err != nil {
		return err
	}
	var req knowledgeBaseReq
	if err := decode(c, &req); err != nil {
		return err
	}
	k, err := kn.UpdateBase(c.UserContext(), p.Actor(), ws, id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(toKnowledgeBaseJSON(k))
}

func (s *Server) deleteKnowledgeBase(c *fiber.Ctx) error {
	kn, p, ws, err := s.knowledgeAccess(c, account.RoleEditor)
	if err != nil {
		return err
	}
	id, err := idParam(c, "kb")
	if err != nil {
		return err
	}
	if err := kn.DeleteBase(c.UserContext(), p.Actor(), ws, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type countsJSON struct {
	Done   int `json:"done"`
	Total  int `json:"total"`
	Failed int `json:"failed"`
}

type chunkCountsJSON struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

type runJSON struct {
	ID         int64           `json:"id"`
	Kind       string          `json:"kind"`
	Documents  countsJSON      `json:"documents"`
	Chunks     chunkCountsJSON `json:"chunks"`
	Running    bool            `json:"running"`
	CreatedAt  time.Time       `json:"created_at"`
	FinishedAt *time.Time      `json:"finished_at"`
}

func toRunJSON(r store.KnowledgeRun) runJSON {
	return runJSON{ID: r.ID, Kind: r.Kind, Running: r.FinishedAt == nil, CreatedAt: r.CreatedAt, FinishedAt: r.FinishedAt,
		Documents: countsJSON{Done: r.DocumentsDone, Total: r.DocumentsTotal, Failed: r.DocumentsFailed},
		Chunks:    chunkCountsJSON{Done: r.ChunksDone, Total: r.ChunksTotal}}
}

func (s *Server) knowledgeProgress(c *fiber.Ctx) error {
	kn, _, ws, err := s.knowledgeAccess(c, account.RoleViewer)
	if err != nil {
		return err
	}
	id, err := idParam(c, "kb")
	if err != nil {
		return err
	}
	p, err := kn.Progress(c.UserContext(), ws, id)
	if err != nil {
		return err
	}
	var run *runJSON
	if p.Run != nil {
		r := toRunJSON(*p.Run)
		run = &r
	}
	return c.JSON(fiber.Map{
		"documents": countsJSON{Done: p.DocumentsDone, Total: p.DocumentsTotal, Failed: p.DocumentsFailed},
		"chunks":    chunkCountsJSON{Done: p.ChunksDone, Total: p.ChunksTotal},
		"running":   p.Running,
		"run":       run,
	})
}

func (s *Server) knowledgeRuns(c *fiber.Ctx) error {
	kn, _, ws, err := s.knowledgeAccess(c, account.RoleViewer)
	if err != nil {
		return err
	}
	id, err := idParam(c, "kb")
	if err != nil {
		return err
	}
	limit, _ := strconv.Atoi(c.Query("limit", "20"))
	runs, err := kn.Runs(c.UserContext(), ws, id, min(max(limit, 1), 100))
	if err != nil {
		return err
	}
	out := make([]runJSON, len(runs))
	for i, r := range runs {
		out[i] = toRunJSON(r)
	}
	return c.JSON(out)
}

type pagesJSON struct {
	Total  int `json:"total"`
	Ready  int `json:"ready"`
	Failed int `json:"failed"`
}

type documentJSON struct {
	ID              int64      `json:"id"`
	KnowledgeBaseID int64      `json:"knowledge_base_id"`
	ParentID        *int64     `json:"parent_id"`
	SourceType      string     `json:"source_type"`
	Title           string     `json:"title"`
	URL             string     `json:"url"`
	Filename        string     `json:"filename"`
	Format          string     `json:"format"`
	Status          string     `json:"status"`
	Error           string     `json:"error"`
	Enabled         bool       `json:"enabled"`
	ChunkCount      int        `json:"chunk_count"`
	ChunksEmbedded  int        `json:"chunks_embedded"`
	MaxPages        int        `json:"max_pages,omitempty"`
	MaxDepth        int        `json:"max_depth,omitempty"`
	Pages           *pagesJSON `json:"pages,omitempty"`
	LastSyncedAt    *time.Time `json:"last_synced_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	Text            *string    `json:"text,omitempty"`
}

func toDocumentJSON(d store.KnowledgeDocument, withText bool) documentJSON {
	out := documentJSON{ID: d.ID, KnowledgeBaseID: d.KnowledgeBaseID, ParentID: d.ParentID, SourceType: d.SourceType,
		Title: d.Title, URL: d.URL, Filename: d.Filename, Format: d.Format, Status: d.Status, Error: d.Error, Enabled: d.Enabled,
		ChunkCount: d.ChunkCount, ChunksEmbedded: d.ChunksEmbedded, MaxPages: d.MaxPages, MaxDepth: d.MaxDepth,
		LastSyncedAt: d.LastSyncedAt, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if d.SourceType == knowledge.KindSitemap || d.SourceType == knowledge.KindCrawl {
		out.Pages = &pagesJSON{Total: d.Pages.Total, Ready: d.Pages.Ready, Failed: d.Pages.Failed}
	}
	if withText && d.SourceType == knowledge.KindText {
		text := d.Body
		out.Text = &text
	}
	return out
}

func (s *Server) listDocuments(c *fiber.Ctx) error {
	kn, _, ws, err := s.knowledgeAccess(c, account.RoleViewer)
	if err != nil {
		return err
	}
	kb, err := idParam(c, "kb")
	if err != nil {
		return err
	}
	v := validate.Errors{}
	var parent *int64
	if raw := c.Query("parent_id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			v.Add("parent_id", "must be a document id")
		}
		parent = &id
	}
	limit, offset := readPage(c, v, 500, 1000)
	if err := v.Err(); err != nil {
		return err
	}
	docs, err := kn.Documents(c.UserContext(), ws, kb, parent, limit, offset)
	if err != nil {
		return err
	}
	out := make([]documentJSON, len(docs))
	for i, d := range docs {
		out[i] = toDocumentJSON(d, false)
	}
	return c.JSON(out)
}

func (s *Server) addDocument(c *fiber.Ctx) error {
	kn, p, ws, err := s.knowledgeAccess(c, account.RoleEditor)
	if err != nil {
		return err
	}
	kb, err := idParam(c, "kb")
	if err != nil {
		return err
	}
	var req struct {
		Kind     string `json:"kind"`
		Title    string `json:"title"`
		Text     string `json:"text"`
		URL      string `json:"url"`
		MaxPages *int   `json:"max_pages"`
		MaxDepth *int   `json:"max_depth"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := kn.AddDocument(c.UserContext(), p.Actor(), ws, kb, knowledge.DocumentInput{Kind: req.Kind, Title: req.Title,
		Text: req.Text, URL: req.URL, MaxPages: req.MaxPages, MaxDepth: req.MaxDepth})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toDocumentJSON(d, true))
}

// uploadDocuments takes multipart/form-data with one or more "file" parts.
func (s *Server) uploadDocuments(c *fiber.Ctx) error {
	kn, p, ws, err := s.knowledgeAccess(c, account.RoleEditor)
	if err != nil {
		return err
	}
	kb, err := idParam(c, "kb")
	if err != nil {
		return err
	}
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		return &APIError{Status: fiber.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "send files as multipart/form-data in the field \"file\""}
	}
	form, err := c.MultipartForm()
	if err != nil {
		return &APIError{Status: fiber.StatusBadRequest, Code: "bad_request", Message: "malformed multipart body: " + err.Error()}
	}
	var files []knowledge.Upload
	for _, fh := range form.File["file"] {
		if fh.Size > knowledge.MaxDocumentBytes {
			files = append(files, knowledge.Upload{Filename: fh.Filename, Size: fh.Size})
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(f, knowledge.MaxDocumentBytes+1))
		f.Close()
		if err != nil {
			return err
		}
		files = append(files, knowledge.Upload{Filename: fh.Filename, Data: data})
	}
	docs, rejected, err := kn.UploadFiles(c.UserContext(), p.Actor(), ws, kb, files)
	if err != nil {
		return err
	}
	type rejectedJSON struct {
		Filename string `json:"filename"`
		Error    string `json:"error"`
	}
	out := struct {
		Documents []documentJSON `json:"documents"`
		Rejected  []rejectedJSON `json:"rejected"`
	}{Documents: make([]documentJSON, len(docs)), Rejected: make([]rejectedJSON, len(rejected))}
	for i, d := range docs {
		out.Documents[i] = toDocumentJSON(d, false)
	}
	for i, r := range rejected {
		out.Rejected[i] = rejectedJSON{r.Filename, r.Error}
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// documentParams reads the knowledge base and document ids of the path.
// documentRequest is what a document endpoint acts on: the caller, the
// workspace and the document named by the path.
type documentRequest struct {
	kn     *knowledge.Service
	p      account.Principal
	ws, kb int64
	id     int64
}

// documentAccess checks the caller's role and reads the document's path ids.
func (s *Server) documentAccess(c *fiber.Ctx, min account.Role) (documentRequest, error) {
	var r documentRequest
	var err error
	if r.kn, r.p, r.ws, err = s.knowledgeAccess(c, min); err != nil {
		return r, err
	}
	if r.kb, err = idParam(c, "kb"); err != nil {
		return r, err
	}
	r.id, err = idParam(c, "doc")
	return r, err
}

func (s *Server) getDocument(c *fiber.Ctx) error {
	r, err := s.documentAccess(c, account.RoleViewer)
	if err != nil {
		return err
	}
	d, err := r.kn.Document(c.UserContext(), r.ws, r.kb, r.id)
	if err != nil {
		return err
	}
	return c.JSON(toDocumentJSON(d, true))
}

func (s *Server) patchDocument(c *fiber.Ctx) error {
	r, err := s.documentAccess(c, account.RoleEditor)
	if err != nil {
		return err
	}
	var req struct {
		Title   *string `json:"title"`
		Text    *string `json:"text"`
		Enabled *bool   `json:"enabled"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := r.kn.UpdateDocument(c.UserContext(), r.p.Actor(), r.ws, r.kb, r.id, knowledge.DocumentPatch{Title: req.Title, Text: req.Text, Enabled: req.Enabled})
	if err != nil {
		return err
	}
	return c.JSON(toDocumentJSON(d, true))
}

func (s *Server) deleteDocument(c *fiber.Ctx) error {
	r, err := s.documentAccess(c, account.RoleEditor)
	if err != nil {
		return err
	}
	if err := r.kn.DeleteDocument(c.UserContext(), r.p.Actor(), r.ws, r.kb, r.id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) resyncDocument(c *fiber.Ctx) error {
	r, err := s.documentAccess(c, account.RoleEditor)
	if err != nil {
		return err
	}
	d, err := r.kn.Resync(c.UserContext(), r.p.Actor(), r.ws, r.kb, r.id)
	if err != nil {
		return knowledgeErr(err)
	}
	return c.Status(fiber.StatusAccepted).JSON(toDocumentJSON(d, false))
}

func (s *Server) retryDocument(c *fiber.Ctx) error {
	r, err := s.documentAccess(c, account.RoleEditor)
	if err != nil {
		return err
	}
	d, err := r.kn.Retry(c.UserContext(), r.p.Actor(), r.ws, r.kb, r.id)
	if err != nil {
		return knowledgeErr(err)
	}
	return c.Status(fiber.StatusAccepted).JSON(toDocumentJSON(d, false))
}

type chunkJSON struct {
	ID        int64  `json:"id"`
	Ord       int    `json:"ord"`
	TitlePath string `json:"title_path"`
	URL       string `json:"url"`
	Text      string `json:"text"`
}

// documentChunks lists a document's chunks (?limit=, default 200, at most
// 1000; ?offset=).
func (s *Server) documentChunks(c *fiber.Ctx) error {
	r, err := s.documentAccess(c, account.RoleViewer)
	if err != nil {
		return err
	}
	v := validate.Errors{}
	limit, offset := readPage(c, v, 200, 1000)
	if err := v.Err(); err != nil {
		return err
	}
	chunks, err := r.kn.DocumentChunks(c.UserContext(), r.ws, r.kb, r.id, limit, offset)
	if err != nil {
		return err
	}
	out := make([]chunkJSON, len(chunks))
	for i, ch := range chunks {
		out[i] = chunkJSON{ID: ch.ID, Ord: ch.Ord, TitlePath: ch.TitlePath, URL: ch.URL, Text: ch.Content}
	}
	return c.JSON(out)
}

type searchResultJSON struct {
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
}

// searchKnowledge is a read: viewers may search.
func (s *Server) searchKnowledge(c *fiber.Ctx) error {
	kn, _, ws, err := s.knowledgeAccess(c, account.RoleViewer)
	if err != nil {
		return err
	}
	var req struct {
		Query            string  `json:"query"`
		KnowledgeBaseIDs []int64 `json:"knowledge_base_ids"`
		Limit            int     `json:"limit"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := kn.Search(c.UserContext(), ws, req.Query, knowledge.SearchOptions{KnowledgeBaseIDs: req.KnowledgeBaseIDs, Limit: req.Limit})
	if err != nil {
		return err
	}
	out := make([]searchResultJSON, len(r.Results))
	for i, x := range r.Results {
		out[i] = searchResultJSON{ChunkID: x.ChunkID, DocumentID: x.DocumentID, KnowledgeBaseID: x.KnowledgeBaseID, Title: x.Title,
			TitlePath: x.TitlePath, URL: x.URL, Text: x.Text, Score: x.Score, VectorScore: x.VectorScore, TextScore: x.TextScore,
			VectorRank: x.VectorRank, TextRank: x.TextRank}
	}
	return c.JSON(fiber.Map{"results": out, "took_ms": float64(r.Took.Microseconds()) / 1000, "model": r.Model})
}

package server

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
)

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
	r, err := s.baseAccess(c)
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
	docs, err := r.kn.Documents(c.UserContext(), r.actor, r.kb, parent, limit, offset)
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
	r, err := s.baseAccess(c)
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
	d, err := r.kn.AddDocument(c.UserContext(), r.actor, r.kb, knowledge.DocumentInput{Kind: req.Kind, Title: req.Title,
		Text: req.Text, URL: req.URL, MaxPages: req.MaxPages, MaxDepth: req.MaxDepth})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toDocumentJSON(d, true))
}

// uploadDocuments takes multipart/form-data with one or more "file" parts.
func (s *Server) uploadDocuments(c *fiber.Ctx) error {
	r, err := s.baseAccess(c)
	if err != nil {
		return err
	}
	// Refuse before the files are read.
	if err := r.kn.MayEdit(r.actor); err != nil {
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
	docs, rejected, err := r.kn.UploadFiles(c.UserContext(), r.actor, r.kb, files)
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

func (s *Server) getDocument(c *fiber.Ctx) error {
	r, err := s.documentAccess(c)
	if err != nil {
		return err
	}
	d, err := r.kn.Document(c.UserContext(), r.actor, r.kb, r.id)
	if err != nil {
		return err
	}
	return c.JSON(toDocumentJSON(d, true))
}

func (s *Server) patchDocument(c *fiber.Ctx) error {
	r, err := s.documentAccess(c)
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
	d, err := r.kn.UpdateDocument(c.UserContext(), r.actor, r.kb, r.id, knowledge.DocumentPatch{Title: req.Title, Text: req.Text, Enabled: req.Enabled})
	if err != nil {
		return err
	}
	return c.JSON(toDocumentJSON(d, true))
}

func (s *Server) deleteDocument(c *fiber.Ctx) error {
	r, err := s.documentAccess(c)
	if err != nil {
		return err
	}
	if err := r.kn.DeleteDocument(c.UserContext(), r.actor, r.kb, r.id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) resyncDocument(c *fiber.Ctx) error {
	r, err := s.documentAccess(c)
	if err != nil {
		return err
	}
	d, err := r.kn.Resync(c.UserContext(), r.actor, r.kb, r.id)
	if err != nil {
		return knowledgeErr(err)
	}
	return c.Status(fiber.StatusAccepted).JSON(toDocumentJSON(d, false))
}

func (s *Server) retryDocument(c *fiber.Ctx) error {
	r, err := s.documentAccess(c)
	if err != nil {
		return err
	}
	d, err := r.kn.Retry(c.UserContext(), r.actor, r.kb, r.id)
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
	r, err := s.documentAccess(c)
	if err != nil {
		return err
	}
	v := validate.Errors{}
	limit, offset := readPage(c, v, 200, 1000)
	if err := v.Err(); err != nil {
		return err
	}
	chunks, err := r.kn.DocumentChunks(c.UserContext(), r.actor, r.kb, r.id, limit, offset)
	if err != nil {
		return err
	}
	out := make([]chunkJSON, len(chunks))
	for i, ch := range chunks {
		out[i] = chunkJSON{ID: ch.ID, Ord: ch.Ord, TitlePath: ch.TitlePath, URL: ch.URL, Text: ch.Content}
	}
	return c.JSON(out)
}

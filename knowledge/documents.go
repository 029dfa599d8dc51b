package knowledge

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/knowledge/parser"
	"github.com/deskmate/deskmate/knowledge/web"
	"github.com/deskmate/deskmate/store"
)

// Document kinds a user adds (uploads are files).
const (
	KindText    = "text"
	KindURL     = "url"
	KindSitemap = "sitemap"
	KindCrawl   = "crawl"
)

// Limits on document input.
const (
	MaxTextLength       = 1_000_000
	MaxTitleLength      = 500
	DefaultSitemapPages = 200
)

// DocumentInput adds one document: pasted text (Title, Text), a web page
// (URL), a sitemap (URL, MaxPages) or a site crawl (URL, MaxPages, MaxDepth).
type DocumentInput struct {
	Kind     string
	Title    string
	Text     string
	URL      string
	MaxPages *int
	MaxDepth *int
}

// AddDocument validates and stores a document and queues its ingestion.
func (s *Service) AddDocument(ctx context.Context, actor account.Actor, baseID int64, in DocumentInput) (store.KnowledgeDocument, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return store.KnowledgeDocument{}, err
	}
	q := s.queue
	var err error
	d := store.KnowledgeDocument{WorkspaceID: actor.WorkspaceID, KnowledgeBaseID: baseID, SourceType: in.Kind, Enabled: true}
	v := validate.Errors{}
	switch in.Kind {
	case KindText:
		d.Title = strings.TrimSpace(in.Title)
		d.Body = strings.TrimSpace(parser.NormalizeNewlines(in.Text))
		d.Format = parser.FormatMarkdown
		v.Length("title", d.Title, 1, MaxTitleLength)
		v.Length("text", d.Body, 1, MaxTextLength)
		if in.URL != "" || in.MaxPages != nil || in.MaxDepth != nil {
			v.Add("kind", "text documents take only title and text")
		}
	case KindURL, KindSitemap, KindCrawl:
		d.URL = s.checkURL(ctx, v, in.URL)
		if in.Title != "" || in.Text != "" {
			v.Add("kind", in.Kind+" documents take a url, not title or text")
		}
		switch in.Kind {
		case KindURL:
			if in.MaxPages != nil || in.MaxDepth != nil {
				v.Add("kind", "url documents are one page: use sitemap or crawl for more")
			}
		case KindSitemap:
			d.MaxPages = intOr(in.MaxPages, DefaultSitemapPages)
			checkRange(v, "max_pages", d.MaxPages, 1, web.MaxMaxPages)
			if in.MaxDepth != nil {
				v.Add("max_depth", "applies to crawls only")
			}
		case KindCrawl:
			d.MaxPages = intOr(in.MaxPages, web.DefaultMaxPages)
			d.MaxDepth = intOr(in.MaxDepth, web.DefaultMaxDepth)
			checkRange(v, "max_pages", d.MaxPages, 1, web.MaxMaxPages)
			checkRange(v, "max_depth", d.MaxDepth, 0, web.MaxMaxDepth)
		}
	default:
		v.Add("kind", "must be one of text, url, sitemap, crawl (upload files to /uploads)")
	}
	if err := v.Err(); err != nil {
		return store.KnowledgeDocument{}, err
	}
	var out store.KnowledgeDocument
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := store.KnowledgeBaseByID(ctx, tx, actor.WorkspaceID, baseID); err != nil {
			return err
		}
		if err := store.CheckLimit(ctx, tx, store.LimitDocuments, actor.WorkspaceID, 1, baseID); err != nil {
			return err
		}
		run, err := store.CreateKnowledgeRun(ctx, tx, actor.WorkspaceID, baseID, "add", 1)
		if err != nil {
			return err
		}
		d.RunID = &run
		if out, err = store.InsertKnowledgeDocument(ctx, tx, d); err != nil {
			return err
		}
		summary := map[string]any{"id": out.ID, "source_type": out.SourceType}
		if out.URL != "" {
			summary["url"] = out.URL
		}
		if err := store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "document.add", documentLabel(out), summary); err != nil {
			return err
		}
		return q.Ingest(ctx, tx, []IngestTask{{WorkspaceID: actor.WorkspaceID, DocumentID: out.ID, RunID: run}})
	})
	return out, err
}

// checkURL validates a web source's URL with the URL guard and returns it
// normalised (without fragment), in the form the guard checked: what is
// stored and web.Fetched is never the raw input, whose bytes String() may
// escape (and lengthen past the guard's limit).
func (s *Service) checkURL(ctx context.Context, v validate.Errors, raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		v.Add("url", "is required")
		return ""
	}
	u, err := s.guard.CheckURL(ctx, raw)
	if err == nil {
		// Normalising may change the URL (a "/" path added): check that form.
		if n := web.NormalizeURL(u).String(); n != u.String() {
			u, err = s.guard.CheckURL(ctx, n)
		}
	}
	if err != nil {
		var be *netguard.BlockedError
		if errors.As(err, &be) {
			v.Add("url", be.Error())
		} else {
			v.Add("url", err.Error())
		}
		return ""
	}
	return u.String()
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func checkRange(v validate.Errors, field string, n, lo, hi int) {
	if n < lo || n > hi {
		v.Add(field, fmt.Sprintf("must be from %d to %d", lo, hi))
	}
}

func documentLabel(d store.KnowledgeDocument) string {
	switch {
	case d.Title != "":
		return d.Title
	case d.Filename != "":
		return d.Filename
	}
	return d.URL
}

// Upload is one uploaded file.
type Upload struct {
	Filename string
	Data     []byte
	// Size is the size announced by the client, when the data was not read
	// because it is too large (0: len(Data)).
	Size int64
}

// Rejected is an uploaded file that was not accepted, and why.
type Rejected struct {
	Filename string
	Error    string
}

// UploadFiles stores the acceptable files as documents, queued for
// ingestion, and reports the others (unsupported type, content that does not
// match the extension, too large). Content that turns out to be damaged fails
// its own document later, never the others.
func (s *Service) UploadFiles(ctx context.Context, actor account.Actor, baseID int64, files []Upload) ([]store.KnowledgeDocument, []Rejected, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return nil, nil, err
	}
	q := s.queue
	var err error
	if len(files) == 0 {
		return nil, nil, validate.Field("file", "is required: send one or more files in the multipart field \"file\"")
	}
	var accepted []store.KnowledgeDocument
	rejected := []Rejected{}
	for _, f := range files {
		if len(f.Filename) > MaxFilenameBytes {
			rejected = append(rejected, Rejected{cleanFilename(f.Filename[:MaxFilenameBytes]),
				fmt.Sprintf("the file name is longer than %d bytes: rename the file", MaxFilenameBytes)})
			continue
		}
		name := cleanFilename(f.Filename)
		if int64(len(f.Data)) > MaxDocumentBytes || f.Size > MaxDocumentBytes {
			rejected = append(rejected, Rejected{name, fmt.Sprintf("%s is larger than %s", name, mib(MaxDocumentBytes))})
			continue
		}
		format, err := parser.DetectFormat(name, f.Data)
		if err != nil {
			rejected = append(rejected, Rejected{name, err.Error()})
			continue
		}
		accepted = append(accepted, store.KnowledgeDocument{WorkspaceID: actor.WorkspaceID, KnowledgeBaseID: baseID, SourceType: "file",
			Title: strings.TrimSuffix(name, path.Ext(name)), Filename: name, Format: format, Raw: f.Data, Enabled: true})
	}
	if len(accepted) == 0 {
		msgs := make([]string, len(rejected))
		for i, r := range rejected {
			msgs[i] = r.Error
		}
		return nil, rejected, validate.Field("file", strings.Join(msgs, "; "))
	}
	out := make([]store.KnowledgeDocument, 0, len(accepted))
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := store.KnowledgeBaseByID(ctx, tx, actor.WorkspaceID, baseID); err != nil {
			return err
		}
		if err := store.CheckLimit(ctx, tx, store.LimitDocuments, actor.WorkspaceID, len(accepted), baseID); err != nil {
			return err
		}
		run, err := store.CreateKnowledgeRun(ctx, tx, actor.WorkspaceID, baseID, "upload", len(accepted))
		if err != nil {
			return err
		}
		tasks := make([]IngestTask, 0, len(accepted))
		for _, d := range accepted {
			d.RunID = &run
			saved, err := store.InsertKnowledgeDocument(ctx, tx, d)
			if err != nil {
				return err
			}
			if err := store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "document.add", saved.Filename, map[string]any{
				"id": saved.ID, "source_type": "file", "format": saved.Format, "bytes": len(d.Raw)}); err != nil {
				return err
			}
			out = append(out, saved)
			tasks = append(tasks, IngestTask{WorkspaceID: actor.WorkspaceID, DocumentID: saved.ID, RunID: run})
		}
		return q.Ingest(ctx, tx, tasks)
	})
	if err != nil {
		return nil, nil, err
	}
	return out, rejected, nil
}

// MaxDocumentBytes bounds an uploaded file (and a document fetched from a URL).
const MaxDocumentBytes = parser.MaxDocumentBytes

// MaxFilenameBytes is the longest uploaded file name accepted; longer ones
// are refused, names over 255 bytes are shortened.
const MaxFilenameBytes = 1024

// cleanFilename keeps the base name of an uploaded file, without control
// characters, at most 255 bytes: a longer name loses the end of its stem
// (cut once, at a UTF-8 boundary) and keeps its extension.
func cleanFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = strings.TrimSpace(path.Base(name))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, "\uFFFD"))
	if name == "" || name == "." || name == ".." || name == "/" {
		name = "upload"
	}
	if len(name) <= 255 {
		return name
	}
	ext := path.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	stem := strings.TrimSuffix(name, ext)
	cut := 255 - len(ext)
	for cut > 0 && !utf8.RuneStart(stem[cut]) {
		cut--
	}
	return stem[:cut] + ext
}

// Documents lists a knowledge base's top-level documents, or the pages of a
// sitemap or crawl (parentID).
func (s *Service) Documents(ctx context.Context, actor account.Actor, baseID int64, parentID *int64, limit, offset int) ([]store.KnowledgeDocument, error) {
	if _, err := store.KnowledgeBaseByID(ctx, s.db.Pool, actor.WorkspaceID, baseID); err != nil {
		return nil, err
	}
	return store.KnowledgeDocuments(ctx, s.db.Pool, actor.WorkspaceID, baseID, parentID, limit, offset)
}

// Document returns one document of a knowledge base.
func (s *Service) Document(ctx context.Context, actor account.Actor, baseID, id int64) (store.KnowledgeDocument, error) {
	return store.KnowledgeDocumentByID(ctx, s.db.Pool, actor.WorkspaceID, baseID, id)
}

// DocumentChunks lists a document's chunks as stored and searched, in
// document order: what Deskmate made of the source.
func (s *Service) DocumentChunks(ctx context.Context, actor account.Actor, baseID, id int64, limit, offset int) ([]store.ChunkView, error) {
	if _, err := store.KnowledgeDocumentByID(ctx, s.db.Pool, actor.WorkspaceID, baseID, id); err != nil {
		return nil, err
	}
	return store.DocumentChunkViews(ctx, s.db.Pool, actor.WorkspaceID, id, limit, offset)
}

// DocumentPatch changes a document; nil fields stay.
type DocumentPatch struct {
	Title   *string
	Text    *string
	Enabled *bool
}

// UpdateDocument changes a document: the title of text and file documents,
// the text of text documents (both re-ingest it; only changed chunks are
// embedded again), and whether it is used at all.
func (s *Service) UpdateDocument(ctx context.Context, actor account.Actor, baseID, id int64, in DocumentPatch) (store.KnowledgeDocument, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return store.KnowledgeDocument{}, err
	}
	q := s.queue
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		old, err := store.KnowledgeDocumentByID(ctx, tx, actor.WorkspaceID, baseID, id)
		if err != nil {
			return err
		}
		d := old
		v := validate.Errors{}
		if in.Title != nil {
			d.Title = strings.TrimSpace(*in.Title)
			v.Length("title", d.Title, 1, MaxTitleLength)
			if d.SourceType != KindText && d.SourceType != "file" {
				v.Add("title", "comes from the web page and cannot be changed")
			}
		}
		if in.Text != nil {
			d.Body = strings.TrimSpace(parser.NormalizeNewlines(*in.Text))
			v.Length("text", d.Body, 1, MaxTextLength)
			if d.SourceType != KindText {
				v.Add("text", "only text documents can be edited; re-sync web pages, upload files again")
			}
		}
		if in.Enabled != nil {
			d.Enabled = *in.Enabled
		}
		if err := v.Err(); err != nil {
			return err
		}
		diff := map[string]any{}
		if d.Title != old.Title {
			diff["title"] = []string{old.Title, d.Title}
		}
		if d.Body != old.Body {
			diff["text"] = "changed"
		}
		if d.Enabled != old.Enabled {
			diff["enabled"] = []bool{old.Enabled, d.Enabled}
		}
		if len(diff) == 0 {
			return nil
		}
		if err := store.UpdateKnowledgeDocument(ctx, tx, d); err != nil {
			return err
		}
		if d.Title != old.Title || d.Body != old.Body {
			if err := s.requeue(ctx, tx, q, d, "edit"); err != nil {
				return err
			}
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "document.update", documentLabel(d), diff)
	})
	if err != nil {
		return store.KnowledgeDocument{}, err
	}
	return store.KnowledgeDocumentByID(ctx, s.db.Pool, actor.WorkspaceID, baseID, id)
}

// requeue puts a document in a new run of kind and queues its job.
func (s *Service) requeue(ctx context.Context, tx pgx.Tx, q Queue, d store.KnowledgeDocument, kind string) error {
	run, err := store.CreateKnowledgeRun(ctx, tx, d.WorkspaceID, d.KnowledgeBaseID, kind, 1)
	if err != nil {
		return err
	}
	if err := store.QueueKnowledgeDocuments(ctx, tx, d.WorkspaceID, []int64{d.ID}, run); err != nil {
		return err
	}
	return q.Ingest(ctx, tx, []IngestTask{{WorkspaceID: d.WorkspaceID, DocumentID: d.ID, RunID: run}})
}

// DeleteDocument removes a document (with its pages), its chunks and vectors.
func (s *Service) DeleteDocument(ctx context.Context, actor account.Actor, baseID, id int64) error {
	if err := actor.Require(account.RoleEditor); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		d, err := store.KnowledgeDocumentByID(ctx, tx, actor.WorkspaceID, baseID, id)
		if err != nil {
			return err
		}
		if err := store.DeleteKnowledgeDocument(ctx, tx, actor.WorkspaceID, baseID, id); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "document.delete", documentLabel(d), map[string]any{
			"id": id, "source_type": d.SourceType})
	})
}

// Resync fetches a web source again now (a URL, a page, or a whole sitemap or
// crawl); only content that changed is embedded again.
func (s *Service) Resync(ctx context.Context, actor account.Actor, baseID, id int64) (store.KnowledgeDocument, error) {
	return s.again(ctx, actor, baseID, id, "resync", func(d store.KnowledgeDocument) error {
		switch d.SourceType {
		case KindURL, KindSitemap, KindCrawl, "page":
			return nil
		}
		return &ConflictError{Msg: "only web sources (url, sitemap, crawl) can be re-synced; edit text documents, upload files again"}
	})
}

// Retry processes a failed document again.
func (s *Service) Retry(ctx context.Context, actor account.Actor, baseID, id int64) (store.KnowledgeDocument, error) {
	return s.again(ctx, actor, baseID, id, "retry", func(d store.KnowledgeDocument) error {
		if d.Status != "failed" {
			return &ConflictError{Msg: "the document has not failed (status " + d.Status + ")"}
		}
		return nil
	})
}

func (s *Service) again(ctx context.Context, actor account.Actor, baseID, id int64, kind string, check func(store.KnowledgeDocument) error) (store.KnowledgeDocument, error) {
	if err := actor.Require(account.RoleEditor); err != nil {
		return store.KnowledgeDocument{}, err
	}
	q := s.queue
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		d, err := store.KnowledgeDocumentByID(ctx, tx, actor.WorkspaceID, baseID, id)
		if err != nil {
			return err
		}
		if err := check(d); err != nil {
			return err
		}
		if err := s.requeue(ctx, tx, q, d, kind); err != nil {
			return err
		}
		return store.Audit(ctx, tx, &actor.WorkspaceID, actor.Audit(), "document."+kind, documentLabel(d), map[string]any{"id": id})
	})
	if err != nil {
		return store.KnowledgeDocument{}, err
	}
	return store.KnowledgeDocumentByID(ctx, s.db.Pool, actor.WorkspaceID, baseID, id)
}

// Progress is where a knowledge base's ingestion stands.
type Progress struct {
	store.KnowledgeProgress
	Running bool
	// Run is the latest ingestion run, nil before the first.
	Run *store.KnowledgeRun
}

// Progress adds up a knowledge base's documents and chunks, with its latest run.
func (s *Service) Progress(ctx context.Context, actor account.Actor, baseID int64) (Progress, error) {
	if _, err := store.KnowledgeBaseByID(ctx, s.db.Pool, actor.WorkspaceID, baseID); err != nil {
		return Progress{}, err
	}
	p, err := store.KnowledgeBaseProgress(ctx, s.db.Pool, actor.WorkspaceID, baseID)
	if err != nil {
		return Progress{}, err
	}
	runs, err := store.KnowledgeRuns(ctx, s.db.Pool, actor.WorkspaceID, baseID, 1)
	if err != nil {
		return Progress{}, err
	}
	out := Progress{KnowledgeProgress: p, Running: p.Pending > 0}
	if len(runs) > 0 {
		out.Run = &runs[0]
		out.Running = out.Running || runs[0].FinishedAt == nil
	}
	return out, nil
}

// Runs lists a knowledge base's latest ingestion runs.
func (s *Service) Runs(ctx context.Context, actor account.Actor, baseID int64, limit int) ([]store.KnowledgeRun, error) {
	if _, err := store.KnowledgeBaseByID(ctx, s.db.Pool, actor.WorkspaceID, baseID); err != nil {
		return nil, err
	}
	return store.KnowledgeRuns(ctx, s.db.Pool, actor.WorkspaceID, baseID, limit)
}

// pageTitle is a page's title when it has none: its URL's last path segment.
func pageTitle(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if b := path.Base(u.Path); b != "/" && b != "." {
		return b
	}
	return u.Host
}

// mib writes a byte count in MiB.
func mib(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }

package knowledge

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/knowledge/parser"
	"github.com/deskmate/deskmate/knowledge/web"
	"github.com/deskmate/deskmate/llm"
	"github.com/deskmate/deskmate/store"
)

// errSuperseded stops work on a document that a newer run took over (or
// that was deleted).
var errSuperseded = errors.New("document superseded")

// Ingest processes one document of a run (the work of the ingest job): read
// the source, split it into chunks, store them (unchanged chunks keep their
// vectors) and embed the new ones. A sitemap or crawl instead finds its pages
// and queues them. A content problem fails the document at once; other
// errors are returned for the job to retry, and fail the document on the
// last attempt.
func (s *Service) Ingest(ctx context.Context, t IngestTask, lastAttempt bool) error {
	doc, err := store.KnowledgeDocumentForIngest(ctx, s.db.Pool, t.WorkspaceID, t.DocumentID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if doc.RunID == nil || *doc.RunID != t.RunID || (doc.Status != "pending" && doc.Status != "processing") {
		return nil
	}
	if ok, err := store.StartKnowledgeDocument(ctx, s.db.Pool, doc.ID, t.RunID); err != nil || !ok {
		return err
	}
	kb, err := store.KnowledgeBaseByID(ctx, s.db.Pool, t.WorkspaceID, doc.KnowledgeBaseID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	out, err := s.process(ctx, doc, kb, t)
	switch {
	case errors.Is(err, errSuperseded):
		return nil
	case err != nil && ctx.Err() != nil:
		return err // shutting down or timed out: the job runs again
	case err != nil:
		var pe *parser.ParseError
		var fe *web.FetchError
		permanent := errors.As(err, &pe) || (errors.As(err, &fe) && fe.Permanent)
		if !permanent && !lastAttempt {
			s.logger.Warn("knowledge document failed, will retry", "document_id", doc.ID, "error", err)
			return err
		}
		return store.FinishKnowledgeDocument(ctx, s.db.Pool, doc.ID, t.RunID,
			store.DocumentOutcome{Failed: true, Error: failureMessage(err), KeepRaw: doc.SourceType == "file"})
	}
	return store.FinishKnowledgeDocument(ctx, s.db.Pool, doc.ID, t.RunID, out)
}

// failureMessage is what a user sees for a failed document.
func failureMessage(err error) string {
	msg := strings.ToValidUTF8(err.Error(), "\uFFFD")
	if short := truncateRunes(msg, 1000); short != msg {
		return short + "…"
	}
	return msg
}

func (s *Service) process(ctx context.Context, doc store.KnowledgeDocument, kb store.KnowledgeBase, t IngestTask) (store.DocumentOutcome, error) {
	if doc.SourceType == KindSitemap || doc.SourceType == KindCrawl {
		return s.discover(ctx, doc, t)
	}
	src, err := s.load(ctx, doc, t.Force)
	if err != nil || src.unchanged {
		return src.outcome, err
	}
	if !src.parsed.HasText() {
		return src.outcome, parser.Errorf("no text found in %s", documentLabel(doc))
	}
	title := doc.Title
	switch {
	case doc.SourceType == KindURL || doc.SourceType == "page":
		title = src.parsed.Title
		if title == "" {
			title = pageTitle(doc.URL)
		}
		src.outcome.Title = truncateRunes(cleanText(title), MaxTitleLength)
	case doc.SourceType == "file" && doc.ContentHash == nil && src.parsed.Title != "" &&
		doc.Title == strings.TrimSuffix(doc.Filename, path.Ext(doc.Filename)):
		// First ingestion of a file whose title the user kept: use the one inside.
		title = truncateRunes(cleanText(src.parsed.Title), MaxTitleLength)
		src.outcome.Title = title
	}
	if pt := src.parsed.Title; pt != "" && !strings.EqualFold(pt, title) && (doc.SourceType == KindText || doc.SourceType == "file") {
		// The document's own first heading differs from the title it was given: keep it in the path.
		for i := range src.parsed.Sections {
			src.parsed.Sections[i].Headings = append([]string{pt}, src.parsed.Sections[i].Headings...)
		}
	}
	chunks := Split(src.parsed, title, doc.URL, ChunkOptions{Size: kb.ChunkSize, Overlap: kb.ChunkOverlap})
	if len(chunks) == 0 {
		return src.outcome, parser.Errorf("no text found in %s", documentLabel(doc))
	}
	if err := s.storeChunks(ctx, doc, kb, t.RunID, chunks); err != nil {
		return src.outcome, err
	}
	if err := s.embedDocument(ctx, doc, t.RunID, len(chunks)); err != nil {
		return src.outcome, err
	}
	return src.outcome, nil
}

func truncateRunes(s string, n int) string {
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n])
	}
	return s
}

// source is a document's content, read and parsed.
type source struct {
	parsed    parser.Parsed
	unchanged bool // a web source that did not change since its last ingestion
	outcome   store.DocumentOutcome
}

// load reads a document's content: its text, its uploaded file, the page a
// crawl web.Fetched, or its URL (conditionally, with the validators of the last
// fetch, unless forced).
func (s *Service) load(ctx context.Context, doc store.KnowledgeDocument, force bool) (source, error) {
	out := source{outcome: store.DocumentOutcome{Synced: doc.SourceType == KindURL || doc.SourceType == "page"}}
	switch doc.SourceType {
	case KindText:
		out.parsed = parser.ParseMarkdown(doc.Body)
		return out, nil
	case "file":
		out.outcome.KeepRaw = true
		if doc.Raw == nil {
			return out, parser.Errorf("the uploaded file is no longer stored: upload it again")
		}
		sum := sha256.Sum256(doc.Raw)
		out.outcome.ContentHash = sum[:]
		p, err := parser.Parse(ctx, doc.Format, doc.Filename, doc.Raw)
		out.parsed = p
		return out, err
	}
	ingested := doc.ContentHash != nil && doc.ChunkCount > 0 && !force
	body, format := doc.Raw, doc.Format
	if body == nil {
		o := web.FetchOptions{Accept: web.AcceptDocument, Types: web.DocumentTypes, MaxBytes: MaxDocumentBytes}
		if ingested {
			o.ETag, o.LastModified = doc.ETag, doc.LastModified
		}
		f, err := s.fetch.Get(ctx, doc.URL, o)
		if err != nil {
			return out, err
		}
		out.outcome.ETag, out.outcome.LastModified = f.ETag, f.LastModified
		if f.NotModified {
			out.unchanged = true
			out.outcome.ETag, out.outcome.LastModified = doc.ETag, doc.LastModified
			return out, nil
		}
		if format, err = web.FormatOf(f); err != nil {
			return out, err
		}
		body = f.Body
	}
	sum := sha256.Sum256(body)
	out.outcome.ContentHash = sum[:]
	out.outcome.Format = format
	if ingested && string(sum[:]) == string(doc.ContentHash) {
		out.unchanged = true
		return out, nil
	}
	p, err := parser.Parse(ctx, format, path.Base(doc.URL), body)
	out.parsed = p
	return out, err
}

// storeChunks replaces a document's chunks with new ones: chunks whose
// embedded text did not change are kept (with their vectors) and renumbered,
// others deleted, new ones inserted.
func (s *Service) storeChunks(ctx context.Context, doc store.KnowledgeDocument, kb store.KnowledgeBase, runID int64, chunks []Chunk) error {
	refs, err := store.DocumentChunkRefs(ctx, s.db.Pool, doc.ID)
	if err != nil {
		return err
	}
	byHash := map[string][]store.ChunkRef{}
	for _, r := range refs {
		byHash[string(r.ContentHash)] = append(byHash[string(r.ContentHash)], r)
	}
	var ch store.ChunkChanges
	for _, c := range chunks {
		if rs := byHash[string(c.Hash)]; len(rs) > 0 {
			byHash[string(c.Hash)] = rs[1:]
			ch.Keep = append(ch.Keep, store.ChunkRef{ID: rs[0].ID, Ord: c.Ord, URL: c.URL})
			continue
		}
		ch.Insert = append(ch.Insert, store.KnowledgeChunk{WorkspaceID: doc.WorkspaceID, KnowledgeBaseID: doc.KnowledgeBaseID,
			DocumentID: doc.ID, Ord: c.Ord, TitlePath: c.TitlePath, URL: c.URL, Content: c.Text, ContentHash: c.Hash, Language: kb.Language})
	}
	for _, rs := range byHash {
		for _, r := range rs {
			ch.Delete = append(ch.Delete, r.ID)
		}
	}
	var ok bool
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		ok, err = store.ApplyChunkChanges(ctx, tx, doc.ID, runID, ch)
		return err
	})
	if err == nil && !ok {
		return errSuperseded
	}
	return err
}

// embedDocument gives a document's chunks vectors from the workspace's
// active model and, while a re-embed is under way, from its target model
// (a failure there is left to the re-embed job).
func (s *Service) embedDocument(ctx context.Context, doc store.KnowledgeDocument, runID int64, total int) error {
	st, err := s.embedState(ctx, doc.WorkspaceID)
	if err != nil {
		return err
	}
	done, err := store.DocumentVectorCount(ctx, s.db.Pool, doc.ID, st.ActiveModel)
	if err != nil {
		return err
	}
	if err := store.SetDocumentChunkCounts(ctx, s.db.Pool, doc.ID, runID, total, done); err != nil {
		return err
	}
	emb, err := s.embedders(ctx, doc.WorkspaceID, st.ActiveSpec)
	if err != nil {
		return err
	}
	dims, err := s.embedChunks(ctx, doc, runID, emb, st.ActiveModel, true)
	if err != nil {
		return err
	}
	if dims > 0 && dims != st.ActiveDims {
		if err := store.SetActiveDims(ctx, s.db.Pool, doc.WorkspaceID, st.ActiveModel, dims); err != nil {
			return err
		}
	}
	if st.TargetModel != "" {
		if temb, err := s.embedders(ctx, doc.WorkspaceID, st.TargetSpec); err != nil {
			s.logger.Warn("cannot embed with the new model yet", "document_id", doc.ID, "model", st.TargetModel, "error", err)
		} else if _, err := s.embedChunks(ctx, doc, runID, temb, st.TargetModel, false); err != nil && !errors.Is(err, errSuperseded) {
			s.logger.Warn("cannot embed with the new model yet", "document_id", doc.ID, "model", st.TargetModel, "error", err)
		}
	}
	return nil
}

// embedChunks embeds, batch by batch, the document's chunks without a vector
// from model; progress counts them when they are from the active model.
func (s *Service) embedChunks(ctx context.Context, doc store.KnowledgeDocument, runID int64, emb llm.Embedder, model string, progress bool) (int, error) {
	if emb.Model() != model {
		return 0, fmt.Errorf("the workspace's embedding settings name %s, but its knowledge uses %s: wait for the re-embedding to finish", emb.Model(), model)
	}
	after := int64(0)
	dims := 0
	for {
		chunks, err := store.DocumentChunksWithoutVector(ctx, s.db.Pool, doc.ID, model, after, s.batch)
		if err != nil || len(chunks) == 0 {
			return dims, err
		}
		d, err := s.vectorBatch(ctx, doc.WorkspaceID, emb, model, chunks)
		var ce *store.ConflictError
		if errors.Is(err, store.ErrNotFound) || errors.As(err, &ce) {
			// Chunks deleted or embedded by another job meanwhile.
			if still, serr := store.StillInRun(ctx, s.db.Pool, doc.ID, runID); serr == nil && !still {
				return dims, errSuperseded
			}
		}
		if err != nil {
			return dims, err
		}
		dims = d
		after = chunks[len(chunks)-1].ID
		if progress {
			if err := store.AddDocumentEmbedded(ctx, s.db.Pool, doc.ID, runID, len(chunks)); err != nil {
				return dims, err
			}
		}
	}
}

package knowledge

import (
	"context"
	"crypto/sha256"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/knowledge/web"
	"github.com/deskmate/deskmate/store"
)

// discover runs a sitemap or crawl document: it fetches the pages one at a
// time, stores each as a page document of this run and queues its job.
// Pages whose content did not change stay as they are; pages no longer found
// are deleted.
func (s *Service) discover(ctx context.Context, doc store.KnowledgeDocument, t IngestTask) (store.DocumentOutcome, error) {
	q := s.queue
	var err error
	var seen []string
	onPage := func(p web.Page) error {
		seen = append(seen, p.URL)
		page := store.KnowledgePage{URL: p.URL}
		if p.Body != nil {
			format, err := web.FormatOf(web.Fetched{URL: web.ParseURL(p.URL), ContentType: p.ContentType, Body: p.Body})
			if err == nil {
				sum := sha256.Sum256(p.Body)
				page.Raw, page.ContentHash, page.Format = p.Body, sum[:], format
			}
		}
		return s.db.InTx(ctx, func(tx pgx.Tx) error {
			if still, err := store.StillInRun(ctx, tx, doc.ID, t.RunID); err != nil || !still {
				if err == nil {
					err = errSuperseded
				}
				return err
			}
			ids, err := store.UpsertKnowledgePages(ctx, tx, doc, t.RunID, []store.KnowledgePage{page})
			if err != nil || len(ids) == 0 {
				return err
			}
			tasks := make([]IngestTask, len(ids))
			for i, id := range ids {
				tasks[i] = IngestTask{WorkspaceID: doc.WorkspaceID, DocumentID: id, RunID: t.RunID, Force: t.Force}
			}
			return q.Ingest(ctx, tx, tasks)
		})
	}
	c := web.NewCrawler(s.fetch, s.guard, s.crawlDelay)
	if doc.SourceType == KindSitemap {
		err = c.Sitemap(ctx, doc.URL, max(doc.MaxPages, 1), onPage)
	} else {
		err = c.Crawl(ctx, doc.URL, max(doc.MaxPages, 1), doc.MaxDepth, onPage)
	}
	if err != nil {
		return store.DocumentOutcome{}, err
	}
	if _, err := store.DeleteKnowledgePagesExcept(ctx, s.db.Pool, doc.WorkspaceID, doc.ID, seen); err != nil {
		return store.DocumentOutcome{}, err
	}
	return store.DocumentOutcome{Synced: true, Title: web.ParseURL(doc.URL).Host}, nil
}

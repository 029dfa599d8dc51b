package knowledge

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/store"
)

// Search defaults, tuned on `deskmate eval retrieval`.
const (
	DefaultSearchLimit = 10
	MaxSearchLimit     = 50
	MaxQueryLength     = 2000
	// DefaultRRFK is reciprocal rank fusion's k: larger values flatten the
	// advantage of the first ranks.
	DefaultRRFK = 60
	// DefaultVectorWeight and DefaultTextWeight weigh the two rankings: with
	// the built-in embedder the full-text ranking is the stronger one.
	DefaultVectorWeight = 0.7
	DefaultTextWeight   = 1.0
	// DefaultEfSearch is the HNSW candidate list size of a query. On the
	// 10k-chunk benchmark (built-in vectors, embedded database) recall@10
	// against exact search is 0.75 at 40, 0.88 at 100, 0.95 at 200 and 1.0 at
	// 400, for 4.9, 6.8, 9.5 and 38 ms per vector query.
	DefaultEfSearch = 200
	// minCandidates is how many chunks each retriever contributes at least.
	minCandidates = 50
)

// SearchOptions narrows and tunes a search. Zero values take the defaults.
type SearchOptions struct {
	// KnowledgeBaseIDs limits the search to these knowledge bases (nil: all).
	KnowledgeBaseIDs []int64
	Limit            int
	// VectorWeight and TextWeight weigh the two rankings in the fusion; a
	// negative weight leaves that retriever out.
	VectorWeight float64
	TextWeight   float64
	RRFK         float64
	EfSearch     int
	// Candidates is how many chunks each retriever returns before fusion.
	Candidates int
}

// SearchResult is one chunk found, with its scores: cosine similarity
// (vector), ts_rank (text), the fused score and the rank in each list
// (0 when the chunk was not in it).
type SearchResult struct {
	ChunkID         int64
	DocumentID      int64
	KnowledgeBaseID int64
	Title           string
	TitlePath       string
	URL             string
	Text            string
	Score           float64
	VectorScore     float64
	TextScore       float64
	VectorRank      int
	TextRank        int
}

// SearchResponse is a search's results and how long it took.
type SearchResponse struct {
	Results []SearchResult
	Took    time.Duration
	// Model is the embedding model used ("" when the search was by text only).
	Model string
}

// Search finds the chunks of a workspace's enabled knowledge that best answer
// query: nearest neighbours of its embedding (HNSW index of the workspace's
// active model) and full-text matches, fused by reciprocal rank. If the
// query cannot be embedded (a provider is down), text results still come.
func (s *Service) Search(ctx context.Context, actor account.Actor, query string, o SearchOptions) (SearchResponse, error) {
	start := time.Now()
	query = strings.TrimSpace(query)
	o, err := searchOptions(query, o)
	if err != nil {
		return SearchResponse{}, err
	}
	// Embed the query before opening the transaction: no connection is held
	// while a provider answers.
	var qvec []float32
	var model string
	var dims int
	if o.VectorWeight > 0 {
		qvec, model, dims = s.queryVector(ctx, actor.WorkspaceID, query)
	}
	bases, scope, err := s.searchScope(ctx, actor.WorkspaceID, o.KnowledgeBaseIDs)
	if err != nil {
		return SearchResponse{}, err
	}
	if len(scope.KnowledgeBaseIDs) == 0 {
		return SearchResponse{Results: []SearchResult{}, Took: time.Since(start), Model: model}, nil
	}

	tx, err := store.BeginSearch(ctx, s.db, o.EfSearch, s.iterativeScan(ctx))
	if err != nil {
		return SearchResponse{}, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var vec, text []store.SearchCandidate
	if qvec != nil {
		if vec, err = vectorCandidates(ctx, tx, scope, model, dims, qvec, o.Candidates); err != nil {
			return SearchResponse{}, err
		}
	}
	if o.TextWeight > 0 {
		if text, err = textCandidates(ctx, tx, scope, bases, query, o.Candidates); err != nil {
			return SearchResponse{}, err
		}
	}
	fused := fuse(vec, text, o)
	if len(fused) > o.Limit {
		fused = fused[:o.Limit]
	}
	results, err := withChunks(ctx, tx, actor.WorkspaceID, fused)
	if err != nil {
		return SearchResponse{}, err
	}
	return SearchResponse{Results: results, Model: model, Took: time.Since(start)}, nil
}

// searchOptions checks the query and the options and fills in the defaults.
func searchOptions(query string, o SearchOptions) (SearchOptions, error) {
	v := validate.Errors{}
	v.Length("query", query, 1, MaxQueryLength)
	if o.Limit == 0 {
		o.Limit = DefaultSearchLimit
	}
	if o.Limit < 1 || o.Limit > MaxSearchLimit {
		v.Add("limit", "must be from 1 to "+strconv.Itoa(MaxSearchLimit))
	}
	if len(o.KnowledgeBaseIDs) > 100 {
		v.Add("knowledge_base_ids", "at most 100")
	}
	if err := v.Err(); err != nil {
		return o, err
	}
	o.VectorWeight = fusionWeight(o.VectorWeight, DefaultVectorWeight)
	o.TextWeight = fusionWeight(o.TextWeight, DefaultTextWeight)
	if o.RRFK == 0 {
		o.RRFK = DefaultRRFK
	}
	if o.EfSearch == 0 {
		o.EfSearch = DefaultEfSearch
	}
	if o.Candidates == 0 {
		o.Candidates = max(minCandidates, 5*o.Limit)
	}
	o.EfSearch = max(o.EfSearch, o.Candidates)
	return o, nil
}

// searchScope returns the knowledge bases searched, by language, and the
// scope of the search: those bases without their disabled documents.
func (s *Service) searchScope(ctx context.Context, workspaceID int64, ids []int64) (map[string][]int64, store.SearchScope, error) {
	bases, off, err := store.SearchTargets(ctx, s.db.Pool, workspaceID, ids)
	if err != nil {
		return nil, store.SearchScope{}, err
	}
	scope := store.SearchScope{WorkspaceID: workspaceID, ExcludeDocumentIDs: off}
	for _, ids := range bases {
		scope.KnowledgeBaseIDs = append(scope.KnowledgeBaseIDs, ids...)
	}
	return bases, scope, nil
}

// vectorCandidates returns the nearest chunks to qvec, most similar first.
func vectorCandidates(ctx context.Context, q store.Querier, scope store.SearchScope, model string, dims int, qvec []float32, limit int) ([]store.SearchCandidate, error) {
	vec, err := store.VectorCandidates(ctx, q, scope, model, dims, qvec, limit)
	if err != nil {
		return nil, err
	}
	// The relaxed iterative scan may return neighbours slightly out of order.
	sort.SliceStable(vec, func(i, j int) bool { return vec[i].Score > vec[j].Score })
	return vec, nil
}

// textCandidates returns the best full-text matches, each knowledge base
// searched with its language's configuration, best first.
func textCandidates(ctx context.Context, q store.Querier, scope store.SearchScope, bases map[string][]int64, query string, limit int) ([]store.SearchCandidate, error) {
	var text []store.SearchCandidate
	for lang, ids := range bases {
		langScope := scope
		langScope.KnowledgeBaseIDs = ids
		c, err := store.TextCandidates(ctx, q, langScope, lang, query, limit)
		if err != nil {
			return nil, err
		}
		text = append(text, c...)
	}
	if len(bases) > 1 {
		sort.SliceStable(text, func(i, j int) bool { return text[i].Score > text[j].Score })
		text = text[:min(len(text), limit)]
	}
	return text, nil
}

// withChunks fills in the document and text of each result, dropping those
// whose chunk is gone.
func withChunks(ctx context.Context, q store.Querier, workspaceID int64, fused []SearchResult) ([]SearchResult, error) {
	ids := make([]int64, len(fused))
	for i, r := range fused {
		ids[i] = r.ChunkID
	}
	hits, err := store.ChunkHits(ctx, q, workspaceID, ids)
	if err != nil {
		return nil, err
	}
	results := make([]SearchResult, 0, len(fused))
	for _, r := range fused {
		h, ok := hits[r.ChunkID]
		if !ok {
			continue
		}
		r.DocumentID, r.KnowledgeBaseID, r.Title, r.TitlePath, r.URL, r.Text =
			h.DocumentID, h.KnowledgeBaseID, h.DocumentTitle, h.TitlePath, h.URL, h.Content
		results = append(results, r)
	}
	return results, nil
}

// fusionWeight is w, or def when w is 0, or 0 (left out) when w is negative.
func fusionWeight(w, def float64) float64 {
	switch {
	case w == 0:
		return def
	case w < 0:
		return 0
	}
	return w
}

// queryVector embeds the query with the workspace's active model; nil when
// the workspace has no vectors yet or the embedder fails (logged).
func (s *Service) queryVector(ctx context.Context, workspaceID int64, query string) ([]float32, string, int) {
	st, err := store.KnowledgeEmbedder(ctx, s.db.Pool, workspaceID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.logger.Warn("knowledge search without vectors", "workspace_id", workspaceID, "error", err)
		}
		return nil, "", 0
	}
	if st.ActiveDims == 0 {
		return nil, "", 0
	}
	emb, err := s.embedders(ctx, workspaceID, st.ActiveSpec)
	if err == nil && emb.Model() != st.ActiveModel {
		return nil, "", 0
	}
	var vs [][]float32
	if err == nil {
		vs, err = emb.Embed(ctx, []string{query})
	}
	if err != nil || len(vs) != 1 || len(vs[0]) != st.ActiveDims {
		s.logger.Warn("knowledge search by text only: the query could not be embedded", "workspace_id", workspaceID,
			"model", st.ActiveModel, "error", err)
		return nil, "", 0
	}
	return vs[0], st.ActiveModel, st.ActiveDims
}

// iterativeScan reports whether pgvector supports iterative index scans (0.8+).
func (s *Service) iterativeScan(ctx context.Context) bool {
	s.iterative.once.Do(func() {
		v, err := store.VectorExtensionVersion(ctx, s.db.Pool)
		if err != nil {
			return
		}
		parts := strings.SplitN(v, ".", 3)
		if len(parts) < 2 {
			return
		}
		major, _ := strconv.Atoi(parts[0])
		minor, _ := strconv.Atoi(parts[1])
		s.iterative.ok = major > 0 || minor >= 8
	})
	return s.iterative.ok
}

// fuse merges the two rankings by weighted reciprocal rank fusion:
// score = wv/(k+rank_vector) + wt/(k+rank_text). Ties go to the better vector score.
func fuse(vec, text []store.SearchCandidate, o SearchOptions) []SearchResult {
	by := map[int64]*SearchResult{}
	get := func(id int64) *SearchResult {
		r, ok := by[id]
		if !ok {
			r = &SearchResult{ChunkID: id}
			by[id] = r
		}
		return r
	}
	for i, c := range vec {
		r := get(c.ChunkID)
		r.VectorRank, r.VectorScore = i+1, c.Score
		r.Score += o.VectorWeight / (o.RRFK + float64(i+1))
	}
	for i, c := range text {
		r := get(c.ChunkID)
		if r.TextRank != 0 {
			continue
		}
		r.TextRank, r.TextScore = i+1, c.Score
		r.Score += o.TextWeight / (o.RRFK + float64(i+1))
	}
	out := make([]SearchResult, 0, len(by))
	for _, r := range by {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if out[i].VectorScore != out[j].VectorScore {
			return out[i].VectorScore > out[j].VectorScore
		}
		return out[i].ChunkID < out[j].ChunkID
	})
	return out
}

package knowledge_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/knowledge/knowledgetest"
	"github.com/deskmate/deskmate/llm"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

// Benchmarks measure; they assert nothing. Run them with
//
//	go test -run '^$' -bench . -benchtime 1x ./knowledge/
//
// The 100k-chunk search benchmark takes many minutes on the embedded
// database; it runs only with DESKMATE_BENCH_100K=1.

type benchEnv struct {
	ctx  context.Context
	db   *store.DB
	svc  *knowledge.Service
	q    *knowledgetest.Queue
	ws   int64
	kb   int64
	text *knowledgetest.Text
}

func benchSetup(b *testing.B) *benchEnv {
	b.Helper()
	ctx := context.Background()
	db := testdb.New(b)
	key, err := secret.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	q := &knowledgetest.Queue{}
	models, err := workspace.New(workspace.Options{DB: db, Box: secret.NewBox(key)})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := knowledge.New(knowledge.Options{DB: db, Models: models, Queue: q})
	if err != nil {
		b.Fatal(err)
	}
	w, err := store.CreateWorkspace(ctx, db.Pool, store.Workspace{Slug: "bench", Name: "Bench", ManagedTags: []string{}})
	if err != nil {
		b.Fatal(err)
	}
	name := "Bench"
	kb, err := svc.CreateBase(ctx, account.System(w.ID, "bench"), knowledge.BaseInput{Name: &name})
	if err != nil {
		b.Fatal(err)
	}
	return &benchEnv{ctx: ctx, db: db, svc: svc, q: q, ws: w.ID, kb: kb.ID, text: knowledgetest.NewText(42)}
}

// ingest adds n articles through the service and ingests them as the job
// would, returning the chunks stored.
func (e *benchEnv) ingest(b *testing.B, n int) int {
	b.Helper()
	for i := 0; i < n; i++ {
		_, err := e.svc.AddDocument(e.ctx, account.System(e.ws, "bench"), e.kb, knowledge.DocumentInput{
			Kind: knowledge.KindText, Title: strings.TrimSuffix(e.text.Sentence(), "."), Text: e.text.Article()})
		if err != nil {
			b.Fatal(err)
		}
	}
	for _, t := range e.q.Take() {
		if err := e.svc.Ingest(e.ctx, t, true); err != nil {
			b.Fatal(err)
		}
	}
	var chunks int
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM knowledge_chunks WHERE workspace_id = $1`, e.ws).Scan(&chunks); err != nil {
		b.Fatal(err)
	}
	return chunks
}

// BenchmarkIngest measures documents through the whole pipeline: parse,
// chunk, embed (built-in), COPY chunks and vectors, with the HNSW index in
// place (it is created by the first document).
func BenchmarkIngest(b *testing.B) {
	e := benchSetup(b)
	e.ingest(b, 5) // creates the index
	start0 := e.ingest(b, 0)
	b.ResetTimer()
	start := time.Now()
	total := e.ingest(b, 100*b.N)
	b.StopTimer()
	chunks := total - start0
	b.ReportMetric(float64(chunks)/time.Since(start).Seconds(), "chunks/s")
	b.ReportMetric(float64(chunks)/float64(b.N), "chunks/op")
}

func BenchmarkSearch10k(b *testing.B) { benchmarkSearch(b, 10_000) }

func BenchmarkSearch100k(b *testing.B) {
	if os.Getenv("DESKMATE_BENCH_100K") == "" {
		b.Skip("set DESKMATE_BENCH_100K=1: building 100k chunks takes many minutes on the embedded database")
	}
	benchmarkSearch(b, 100_000)
}

// benchmarkSearch loads a knowledge base of n chunks in bulk (COPY of
// chunks and built-in vectors, then the HNSW index built by the same code
// the ingest job uses), then measures hybrid search latency through
// Service.Search and the recall@10 of the index against an exact scan.
func benchmarkSearch(b *testing.B, n int) {
	e := benchSetup(b)
	e.bulkLoad(b, n)
	queries := make([]string, 200)
	for i := range queries {
		queries[i] = e.text.Query()
	}
	emb := llm.NewBuiltin()

	b.ResetTimer()
	var lat []float64
	for i := 0; i < b.N; i++ {
		for _, q := range queries {
			t0 := time.Now()
			if _, err := e.svc.Search(e.ctx, account.System(e.ws, "bench"), q, knowledge.SearchOptions{}); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
		}
	}
	b.StopTimer()

	// Recall@10 of the index against exact search, at the production
	// ef_search and around it; and the latency of each retriever alone.
	scope := store.SearchScope{WorkspaceID: e.ws, KnowledgeBaseIDs: []int64{e.kb}}
	exact := map[string]map[int64]bool{}
	var exactLat, textLat []float64
	for _, q := range queries[:100] {
		t0 := time.Now()
		want := map[int64]bool{}
		for _, c := range vectorTop(b, e, scope, emb.Vector(q), 0) {
			want[c.ChunkID] = true
		}
		exactLat = append(exactLat, float64(time.Since(t0).Microseconds())/1000)
		exact[q] = want
		t0 = time.Now()
		textTop(b, e, scope, q)
		textLat = append(textLat, float64(time.Since(t0).Microseconds())/1000)
	}
	for _, ef := range []int{40, 100, 200, 400} {
		var hit, all int
		var annLat []float64
		for _, q := range queries[:100] {
			t0 := time.Now()
			for _, c := range vectorTop(b, e, scope, emb.Vector(q), ef) {
				if exact[q][c.ChunkID] {
					hit++
				}
			}
			annLat = append(annLat, float64(time.Since(t0).Microseconds())/1000)
			all += len(exact[q])
		}
		suffix := fmt.Sprintf("_ef%d", ef)
		b.ReportMetric(float64(hit)/float64(max(all, 1)), "recall@10"+suffix)
		b.ReportMetric(pct(annLat, 50), "hnsw_p50_ms"+suffix)
	}
	b.ReportMetric(float64(n), "chunks")
	b.ReportMetric(pct(lat, 50), "p50_ms")
	b.ReportMetric(pct(lat, 99), "p99_ms")
	b.ReportMetric(pct(exactLat, 50), "exact_p50_ms")
	b.ReportMetric(pct(textLat, 50), "text_p50_ms")
	b.ReportMetric(pct(textLat, 99), "text_p99_ms")
}

// textTop runs the full-text retriever alone.
func textTop(b *testing.B, e *benchEnv, scope store.SearchScope, q string) {
	tx, err := store.BeginSearch(e.ctx, e.db, knowledge.DefaultEfSearch, true)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback(e.ctx)
	if _, err := store.TextCandidates(e.ctx, tx, scope, "english", q, 50); err != nil {
		b.Fatal(err)
	}
}

// bulkLoad writes n chunks with built-in vectors (knowledgetest.BulkLoad).
func (e *benchEnv) bulkLoad(b *testing.B, n int) {
	b.Helper()
	l, err := knowledgetest.BulkLoad(e.ctx, e.db, e.svc, e.q, e.ws, e.kb, e.text, n)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d chunks loaded in %s, HNSW index built in %s", n, l.Load.Round(time.Millisecond), l.IndexBy.Round(time.Millisecond))
}

// vectorTop returns the 10 nearest chunks through the HNSW index with
// ef_search ef or, with ef 0, by an exact sequential scan (index scans off).
func vectorTop(b *testing.B, e *benchEnv, scope store.SearchScope, v []float32, ef int) []store.SearchCandidate {
	tx, err := store.BeginSearch(e.ctx, e.db, max(ef, 10), true)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback(e.ctx)
	if ef == 0 {
		if _, err := tx.Exec(e.ctx, `SET LOCAL enable_indexscan = off`); err != nil {
			b.Fatal(err)
		}
	}
	out, err := store.VectorCandidates(e.ctx, tx, scope, llm.BuiltinModel, llm.BuiltinDimensions, v, 10)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

func pct(xs []float64, p float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	return s[min(len(s)-1, int(float64(len(s))*p/100))]
}

package knowledge_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/internal/testdb"
	"github.com/deskmate/deskmate/knowledge"
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

// recordQueue keeps the ingest tasks instead of queueing jobs: the
// benchmarks call Ingest themselves.
type recordQueue struct {
	mu    sync.Mutex
	tasks []knowledge.IngestTask
}

func (q *recordQueue) Ingest(_ context.Context, _ pgx.Tx, t []knowledge.IngestTask) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.tasks = append(q.tasks, t...)
	return nil
}
func (q *recordQueue) Reembed(context.Context, pgx.Tx, int64, string) error   { return nil }
func (q *recordQueue) Relanguage(context.Context, pgx.Tx, int64, int64) error { return nil }

func (q *recordQueue) take() []knowledge.IngestTask {
	q.mu.Lock()
	defer q.mu.Unlock()
	t := q.tasks
	q.tasks = nil
	return t
}

type benchEnv struct {
	ctx  context.Context
	db   *store.DB
	svc  *knowledge.Service
	q    *recordQueue
	ws   int64
	kb   int64
	text *textGen
}

func benchSetup(b *testing.B) *benchEnv {
	b.Helper()
	ctx := context.Background()
	db := testdb.New(b)
	key, err := secret.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	q := &recordQueue{}
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
	return &benchEnv{ctx: ctx, db: db, svc: svc, q: q, ws: w.ID, kb: kb.ID, text: newTextGen(42)}
}

// textGen writes support-article-like text: each document is about one of
// a few hundred topics, whose words make up part of its sentences; the rest
// is drawn from a shared vocabulary with a Zipf distribution. Queries are a
// few words of a sentence about a topic, as a user would type them.
type textGen struct {
	r      *rand.Rand
	zipf   *rand.Zipf
	vocab  []string
	topics [][]string
	topic  int
}

func newTextGen(seed uint64) *textGen {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	common := strings.Fields(`the a to of and you your is in for on can it with this be order account
		if we our are will from at or by as not have when please any after before within into its more`)
	domain := strings.Fields(`refund return shipping delivery parcel tracking invoice payment card password login
		subscription plan upgrade downgrade cancel warranty repair replacement exchange size colour discount coupon
		gift voucher points loyalty address courier customs duty tax receipt email notification app mobile browser
		cookie privacy data export import integration webhook api token workspace team member role admin billing
		trial renewal charge declined fraud chargeback dispute store pickup locker stock backorder preorder bundle`)
	vocab := append([]string{}, common...)
	vocab = append(vocab, domain...)
	syll := []string{"ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "sa", "do", "fi", "gu", "ha", "je", "ko"}
	seen := map[string]bool{}
	for len(vocab) < 8000 {
		n := 2 + r.IntN(3)
		var w strings.Builder
		for i := 0; i < n; i++ {
			w.WriteString(syll[r.IntN(len(syll))])
		}
		if !seen[w.String()] {
			seen[w.String()] = true
			vocab = append(vocab, w.String())
		}
	}
	g := &textGen{r: r, zipf: rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1)), vocab: vocab}
	for i := 0; i < 400; i++ {
		words := make([]string, 30)
		for j := range words {
			words[j] = vocab[len(common)+r.IntN(len(vocab)-len(common))]
		}
		g.topics = append(g.topics, words)
	}
	return g
}

// newTopic picks the topic of the next document or query.
func (g *textGen) newTopic() { g.topic = g.r.IntN(len(g.topics)) }

func (g *textGen) sentence() string {
	n := 8 + g.r.IntN(14)
	words := make([]string, n)
	for i := range words {
		if g.r.IntN(10) < 4 {
			t := g.topics[g.topic]
			words[i] = t[g.r.IntN(len(t))]
		} else {
			words[i] = g.vocab[g.zipf.Uint64()]
		}
	}
	words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
	return strings.Join(words, " ") + "."
}

func (g *textGen) paragraph() string {
	n := 3 + g.r.IntN(4)
	s := make([]string, n)
	for i := range s {
		s[i] = g.sentence()
	}
	return strings.Join(s, " ")
}

// article is Markdown with a few sections of one or two paragraphs, on a new topic.
func (g *textGen) article() string {
	g.newTopic()
	var b strings.Builder
	for i := 0; i < 3+g.r.IntN(4); i++ {
		fmt.Fprintf(&b, "## %s\n\n", strings.TrimSuffix(g.sentence(), "."))
		for j := 0; j < 1+g.r.IntN(2); j++ {
			b.WriteString(g.paragraph() + "\n\n")
		}
	}
	return b.String()
}

// query is a few words of a sentence about some topic.
func (g *textGen) query() string {
	g.newTopic()
	w := strings.Fields(strings.TrimSuffix(g.sentence(), "."))
	return strings.Join(w[:min(len(w), 4+g.r.IntN(4))], " ")
}

// ingest adds n articles through the service and ingests them as the job
// would, returning the chunks stored.
func (e *benchEnv) ingest(b *testing.B, n int) int {
	b.Helper()
	for i := 0; i < n; i++ {
		_, err := e.svc.AddDocument(e.ctx, account.System(e.ws, "bench"), e.kb, knowledge.DocumentInput{
			Kind: knowledge.KindText, Title: strings.TrimSuffix(e.text.sentence(), "."), Text: e.text.article()})
		if err != nil {
			b.Fatal(err)
		}
	}
	for _, t := range e.q.take() {
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
		queries[i] = e.text.query()
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

// bulkLoad writes n chunks (documents of about 20 sections) with built-in
// vectors by COPY, without the vector index, then builds it.
func (e *benchEnv) bulkLoad(b *testing.B, n int) {
	b.Helper()
	start := time.Now()
	if err := store.DropEmbeddingIndexIfUnused(e.ctx, e.db, llm.BuiltinModel, llm.BuiltinDimensions); err != nil {
		b.Fatal(err)
	}
	emb := llm.NewBuiltin()
	for done := 0; done < n; {
		e.text.newTopic()
		d, err := e.svc.AddDocument(e.ctx, account.System(e.ws, "bench"), e.kb, knowledge.DocumentInput{
			Kind: knowledge.KindText, Title: strings.TrimSuffix(e.text.sentence(), "."), Text: "bulk"})
		if err != nil {
			b.Fatal(err)
		}
		task := e.q.take()[0]
		var chunks []store.KnowledgeChunk
		for i := 0; i < min(20, n-done); i++ {
			text := e.text.paragraph()
			path := d.Title + knowledge.TitleSeparator + strings.TrimSuffix(e.text.sentence(), ".")
			h := sha256.Sum256([]byte(path + "\n\n" + text))
			chunks = append(chunks, store.KnowledgeChunk{WorkspaceID: e.ws, KnowledgeBaseID: e.kb, DocumentID: d.ID, Ord: i,
				TitlePath: path, Content: text, ContentHash: h[:], Language: "english"})
		}
		err = e.db.InTx(e.ctx, func(tx pgx.Tx) error {
			_, err := store.ApplyChunkChanges(e.ctx, tx, d.ID, task.RunID, store.ChunkChanges{Insert: chunks})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		cs, err := store.DocumentChunksWithoutVector(e.ctx, e.db.Pool, d.ID, llm.BuiltinModel, 0, 1000)
		if err != nil {
			b.Fatal(err)
		}
		rows := make([]store.Embedding, len(cs))
		for i, c := range cs {
			rows[i] = store.Embedding{ChunkID: c.ID, WorkspaceID: e.ws, KnowledgeBaseID: c.KnowledgeBaseID, DocumentID: c.DocumentID,
				Model: llm.BuiltinModel, Vector: emb.Vector(c.TitlePath + "\n\n" + c.Content)}
		}
		if err := store.CopyEmbeddings(e.ctx, e.db.Pool, rows); err != nil {
			b.Fatal(err)
		}
		if err := store.FinishKnowledgeDocument(e.ctx, e.db.Pool, d.ID, task.RunID, store.DocumentOutcome{}); err != nil {
			b.Fatal(err)
		}
		done += len(chunks)
	}
	loaded := time.Since(start)
	t0 := time.Now()
	if _, err := store.EnsureEmbeddingIndex(e.ctx, e.db, llm.BuiltinModel, llm.BuiltinDimensions); err != nil {
		b.Fatal(err)
	}
	if _, err := store.EnsureKnowledgeEmbedder(e.ctx, e.db.Pool, e.ws, llm.BuiltinModel, store.EmbedderSpec{Provider: "builtin"}); err != nil {
		b.Fatal(err)
	}
	if err := store.SetActiveDims(e.ctx, e.db.Pool, e.ws, llm.BuiltinModel, llm.BuiltinDimensions); err != nil {
		b.Fatal(err)
	}
	if _, err := e.db.Pool.Exec(e.ctx, `ANALYZE knowledge_chunks, knowledge_embeddings, knowledge_documents`); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d chunks loaded in %s, HNSW index built in %s", n, loaded.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
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

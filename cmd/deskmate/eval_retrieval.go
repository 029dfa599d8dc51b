package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/config"
	"github.com/deskmate/deskmate/internal/app"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
	"github.com/deskmate/deskmate/workspace"
)

func init() {
	evalCommands["retrieval"] = evalCommand{summary: "knowledge search quality: hit@1, recall@5, MRR and latency on an FAQ set", run: evalRetrieval}
}

// retrievalScores are the numbers `deskmate eval retrieval --json` prints.
type retrievalScores struct {
	HitAt1    float64 `json:"hit_at_1"`
	RecallAt5 float64 `json:"recall_at_5"`
	MRR       float64 `json:"mrr"`
	P50MS     float64 `json:"p50_ms"`
	P99MS     float64 `json:"p99_ms"`
	NQueries  int     `json:"n_queries"`
}

type evalArticle struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

type evalQuery struct {
	Query      string   `json:"query"`
	ArticleIDs []string `json:"article_ids"`
}

// retrievalFlags are the command line of `deskmate eval retrieval`.
type retrievalFlags struct {
	articlesPath, queriesPath      string
	asJSON                         bool
	limit, chunkSize               int
	vectorWeight, textWeight, rrfK float64
	model                          evalModel
}

// retrievalIngest is what loading the articles produced.
type retrievalIngest struct {
	// docArticle maps a knowledge document to the id of its article.
	docArticle map[int64]string
	chunks     int
	took       time.Duration
}

// evalRetrieval loads articles into a temporary workspace and knowledge base
// of the database Deskmate uses (DATABASE_URL, or the embedded one), through
// the product's own ingestion jobs and search, runs every query and scores
// the articles found. The workspace is deleted at the end, also after an
// error or an interrupt.
func evalRetrieval(ctx context.Context, cfg *config.Config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	f, err := parseRetrievalFlags(args, stderr)
	if err != nil {
		return err
	}
	articles, queries, err := readRetrievalSet(f)
	if err != nil {
		return err
	}
	model, _, err := f.model.resolve(ctx, cfg)
	if err != nil {
		return fmt.Errorf("eval retrieval: %w", err)
	}

	env, err := openEvalWorkspace(ctx, cfg, logger, stderr, "retrieval")
	if err != nil {
		return err
	}
	defer env.close()
	kn, actor := env.svc.knowledge, env.actor
	check, err := setEvalModel(ctx, env, model)
	if err != nil {
		return fmt.Errorf("eval retrieval: %w", err)
	}

	ingest, err := ingestArticles(ctx, kn, actor, articles, f.chunkSize)
	if err != nil {
		return err
	}
	opts, err := f.searchOptions()
	if err != nil {
		return err
	}
	s, err := runRetrievalQueries(ctx, kn, actor, opts, queries, ingest.docArticle)
	if err != nil {
		return err
	}
	return printRetrieval(stdout, f, len(articles), ingest, env.rt.DB.Version(), check, s)
}

// parseRetrievalFlags reads and checks the command line.
func parseRetrievalFlags(args []string, stderr io.Writer) (retrievalFlags, error) {
	var f retrievalFlags
	fs := flag.NewFlagSet("eval retrieval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.articlesPath, "articles", "", "JSONL file of articles: {\"id\", \"title\", \"body\"} a line")
	fs.StringVar(&f.queriesPath, "queries", "", "JSONL file of queries: {\"query\", \"article_ids\": [...]} a line")
	fs.BoolVar(&f.asJSON, "json", false, "end with one line of JSON")
	fs.IntVar(&f.limit, "limit", 20, "chunks retrieved per query")
	fs.Float64Var(&f.vectorWeight, "vector-weight", knowledge.DefaultVectorWeight, "weight of the vector ranking in the fusion (0: text only)")
	fs.Float64Var(&f.textWeight, "text-weight", knowledge.DefaultTextWeight, "weight of the full-text ranking in the fusion (0: vectors only)")
	fs.Float64Var(&f.rrfK, "rrf-k", knowledge.DefaultRRFK, "reciprocal rank fusion k")
	fs.IntVar(&f.chunkSize, "chunk-size", knowledge.DefaultChunkSize, "knowledge base chunk size (characters)")
	f.model.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: deskmate eval retrieval --articles FILE --queries FILE [--json] [--provider builtin|openai|ollama --base-url URL --embedding-model NAME]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("eval retrieval: unexpected argument %q", fs.Arg(0))
	}
	if f.articlesPath == "" || f.queriesPath == "" {
		fs.Usage()
		return f, errors.New("eval retrieval: --articles and --queries are required")
	}
	if f.limit < 5 || f.limit > knowledge.MaxSearchLimit {
		return f, fmt.Errorf("eval retrieval: --limit must be from 5 to %d", knowledge.MaxSearchLimit)
	}
	if err := f.model.check("--provider"); err != nil {
		return f, fmt.Errorf("eval retrieval: %w", err)
	}
	return f, nil
}

// register adds --provider, --base-url and --embedding-model, which set the
// temporary workspace's model settings.
func (m *evalModel) register(fs *flag.FlagSet) {
	fs.StringVar(&m.provider, "provider", "builtin", "model provider of the temporary workspace: builtin (offline), openai (any OpenAI-compatible API) or ollama")
	fs.StringVar(&m.baseURL, "base-url", "", "with --provider openai or ollama: the provider's base URL, e.g. http://127.0.0.1:8000/v1 (add its host:port to DESKMATE_MODEL_ALLOWLIST)")
	fs.StringVar(&m.embeddingModel, "embedding-model", "", "with --provider openai or ollama: the embedding model knowledge is embedded and searched with")
}

// setEvalModel gives the temporary workspace the model settings of the
// flags, with no chat model (answers stay the offline ones), and embeds a
// short text with them, so that an unreachable provider stops the run
// before any ingestion. It returns what the check found.
func setEvalModel(ctx context.Context, env *evalWorkspace, m evalModel) (knowledge.EmbedderCheck, error) {
	if !m.builtin() {
		settings := workspace.ModelSettings{Provider: m.provider, BaseURL: m.baseURL, EmbeddingModel: m.embeddingModel}
		if err := store.PutWorkspaceSetting(ctx, env.rt.DB.Pool, env.ws.ID, "model", settings); err != nil {
			return knowledge.EmbedderCheck{}, err
		}
	}
	check, err := env.svc.knowledge.CheckEmbedder(ctx, env.actor)
	if err != nil {
		return check, fmt.Errorf("embedding model: %w", err)
	}
	return check, nil
}

// searchOptions turns the fusion flags into search options. Here 0 leaves a
// retriever out; in SearchOptions that is a negative weight.
func (f retrievalFlags) searchOptions() (knowledge.SearchOptions, error) {
	if f.vectorWeight <= 0 && f.textWeight <= 0 {
		return knowledge.SearchOptions{}, errors.New("eval retrieval: --vector-weight and --text-weight cannot both be 0")
	}
	opts := knowledge.SearchOptions{Limit: f.limit, VectorWeight: f.vectorWeight, TextWeight: f.textWeight, RRFK: f.rrfK}
	if opts.VectorWeight == 0 {
		opts.VectorWeight = -1
	}
	if opts.TextWeight == 0 {
		opts.TextWeight = -1
	}
	return opts, nil
}

// readRetrievalSet reads the articles and the queries, neither may be empty.
func readRetrievalSet(f retrievalFlags) ([]evalArticle, []evalQuery, error) {
	articles, err := readJSONL[evalArticle](f.articlesPath)
	if err != nil {
		return nil, nil, fmt.Errorf("eval retrieval: %w", err)
	}
	queries, err := readJSONL[evalQuery](f.queriesPath)
	if err != nil {
		return nil, nil, fmt.Errorf("eval retrieval: %w", err)
	}
	if len(articles) == 0 || len(queries) == 0 {
		return nil, nil, errors.New("eval retrieval: no articles or no queries")
	}
	return articles, queries, nil
}

// evalWorkspace is a temporary workspace on the configured database, with
// the services and their job queue running.
type evalWorkspace struct {
	rt    *app.Runtime
	svc   *services
	ws    store.Workspace
	actor account.Actor
	close func()
}

// openEvalWorkspace opens the database, starts the services and creates a
// temporary workspace; close deletes it and stops everything.
func openEvalWorkspace(ctx context.Context, cfg *config.Config, logger *slog.Logger, stderr io.Writer, what string) (*evalWorkspace, error) {
	rt, err := app.Open(ctx, cfg, logger, app.ApplyMigrations)
	if err != nil {
		return nil, err
	}
	svc, err := startEvalServices(ctx, cfg, rt.DB, logger, stderr)
	if err != nil {
		rt.Close(context.Background())
		return nil, err
	}
	ws, err := store.CreateWorkspace(ctx, rt.DB.Pool, store.Workspace{Slug: "eval-" + randomSuffix(),
		Name: strings.ToUpper(what[:1]) + what[1:] + " eval (temporary)", ManagedTags: []string{}})
	if err != nil {
		stopRiver(svc.river, 10*time.Second, logger)
		rt.Close(context.Background())
		return nil, err
	}
	e := &evalWorkspace{rt: rt, svc: svc, ws: ws, actor: account.System(ws.ID, "deskmate eval "+what)}
	e.close = func() {
		deleteEvalWorkspace(ctx, rt.DB.Pool, ws, logger)
		stopRiver(svc.river, 10*time.Second, logger)
		rt.Close(context.Background())
	}
	return e, nil
}

// startEvalServices wires the services and starts the job queue that runs
// the ingestion jobs; the caller stops it.
func startEvalServices(ctx context.Context, cfg *config.Config, db *store.DB, logger *slog.Logger, stderr io.Writer) (*services, error) {
	// A throwaway key: the temporary workspace keeps no secrets.
	key, err := secret.GenerateKey()
	if err != nil {
		return nil, err
	}
	svc, err := wire(cfg, db, wireOptions{box: secret.NewBox(key), logger: logger, workers: max(cfg.Workers, 2),
		riverLog: newLogger(cfg, stderr, max(cfg.LogLevel, slog.LevelWarn)).With("component", "river"), periodic: []*river.PeriodicJob{}})
	if err != nil {
		return nil, err
	}
	if err := svc.river.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, err
	}
	return svc, nil
}

func randomSuffix() string {
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	return hex.EncodeToString(suffix)
}

// deleteEvalWorkspace drops the temporary workspace with all it holds. It
// runs after an interrupt too: ctx is cancelled by then.
func deleteEvalWorkspace(ctx context.Context, pool *pgxpool.Pool, ws store.Workspace, logger *slog.Logger) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := store.DeleteWorkspace(cctx, pool, ws.ID); err != nil {
		logger.Error("could not delete the temporary workspace", "workspace_id", ws.ID, "slug", ws.Slug, "error", err)
	}
}

// ingestArticles adds every article as a document of a new knowledge base
// and waits for the ingestion jobs to finish.
func ingestArticles(ctx context.Context, kn *knowledge.Service, actor account.Actor, articles []evalArticle, chunkSize int) (retrievalIngest, error) {
	name := "Eval articles"
	kb, err := kn.CreateBase(ctx, actor, knowledge.BaseInput{Name: &name, ChunkSize: &chunkSize})
	if err != nil {
		return retrievalIngest{}, err
	}
	start := time.Now()
	docArticle := map[int64]string{}
	for _, a := range articles {
		d, err := kn.AddDocument(ctx, actor, kb.ID, knowledge.DocumentInput{Kind: knowledge.KindText, Title: a.Title, Text: a.Body})
		if err != nil {
			return retrievalIngest{}, fmt.Errorf("eval retrieval: article %s: %w", a.ID, err)
		}
		docArticle[d.ID] = a.ID
	}
	progress, err := waitIngested(ctx, kn, actor, kb.ID)
	if err != nil {
		return retrievalIngest{}, err
	}
	if progress.DocumentsFailed > 0 {
		return retrievalIngest{}, fmt.Errorf("eval retrieval: %d articles failed to ingest", progress.DocumentsFailed)
	}
	return retrievalIngest{docArticle: docArticle, chunks: progress.ChunksTotal, took: time.Since(start)}, nil
}

// waitIngested polls a knowledge base until no ingestion runs.
func waitIngested(ctx context.Context, kn *knowledge.Service, actor account.Actor, baseID int64) (knowledge.Progress, error) {
	for {
		progress, err := kn.Progress(ctx, actor, baseID)
		if err != nil || !progress.Running {
			return progress, err
		}
		select {
		case <-ctx.Done():
			return progress, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// runRetrievalQueries searches every query and scores the articles found,
// with the latency of each search.
func runRetrievalQueries(ctx context.Context, kn *knowledge.Service, actor account.Actor, opts knowledge.SearchOptions,
	queries []evalQuery, docArticle map[int64]string) (retrievalScores, error) {
	var s retrievalScores
	var latencies []float64
	for _, q := range queries {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		t0 := time.Now()
		res, err := kn.Search(ctx, actor, q.Query, opts)
		if err != nil {
			return s, fmt.Errorf("eval retrieval: query %q: %w", q.Query, err)
		}
		latencies = append(latencies, float64(time.Since(t0).Microseconds())/1000)
		scoreRetrieval(&s, rankedArticles(res.Results, docArticle), q.ArticleIDs)
	}
	n := float64(len(queries))
	s.HitAt1, s.RecallAt5, s.MRR, s.NQueries = s.HitAt1/n, s.RecallAt5/n, s.MRR/n, len(queries)
	s.P50MS, s.P99MS = percentile(latencies, 50), percentile(latencies, 99)
	return s, nil
}

// rankedArticles maps chunks to articles, best rank first, each article once.
func rankedArticles(results []knowledge.SearchResult, docArticle map[int64]string) []string {
	var ranked []string
	seen := map[string]bool{}
	for _, r := range results {
		if id := docArticle[r.DocumentID]; id != "" && !seen[id] {
			seen[id] = true
			ranked = append(ranked, id)
		}
	}
	return ranked
}

// printRetrieval writes the report, and with --json the scores as one line.
func printRetrieval(w io.Writer, f retrievalFlags, nArticles int, ingest retrievalIngest, pgVersion string, emb knowledge.EmbedderCheck, s retrievalScores) error {
	fmt.Fprintf(w, "articles: %s, %d articles, %d chunks, ingested in %s (PostgreSQL %s)\n", f.articlesPath, nArticles,
		ingest.chunks, ingest.took.Round(time.Millisecond), pgVersion)
	fmt.Fprintf(w, "embeddings: %s (%d dimensions)\n", emb.Model, emb.Dimensions)
	fmt.Fprintf(w, "queries:  %s, %d queries, top %d chunks each (vector weight %g, text weight %g, k %g)\n",
		f.queriesPath, s.NQueries, f.limit, f.vectorWeight, f.textWeight, f.rrfK)
	fmt.Fprintf(w, "hit@1     %6.2f%%  (the first article found is a right one)\n", 100*s.HitAt1)
	fmt.Fprintf(w, "recall@5  %6.2f%%  (share of the right articles among the first 5 found)\n", 100*s.RecallAt5)
	fmt.Fprintf(w, "MRR       %7.4f\n", s.MRR)
	fmt.Fprintf(w, "latency   p50 %.1f ms, p99 %.1f ms per query\n", s.P50MS, s.P99MS)
	if !f.asJSON {
		return nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, string(b))
	return nil
}

// scoreRetrieval adds one query's hit@1, recall@5 and reciprocal rank to s.
func scoreRetrieval(s *retrievalScores, ranked, relevant []string) {
	if len(relevant) == 0 {
		return
	}
	want := map[string]bool{}
	for _, id := range relevant {
		want[id] = true
	}
	if len(ranked) > 0 && want[ranked[0]] {
		s.HitAt1++
	}
	found := 0
	for _, id := range ranked[:min(5, len(ranked))] {
		if want[id] {
			found++
		}
	}
	for i, id := range ranked {
		if want[id] {
			s.MRR += 1 / float64(i+1)
			break
		}
	}
	s.RecallAt5 += float64(found) / float64(len(want))
}

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return math.Round(s[max(0, min(i, len(s)-1))]*100) / 100
}

// readJSONL reads one JSON object per non-empty line; a T with a check
// method has each line checked.
func readJSONL[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		if c, ok := any(&v).(interface{ check() error }); ok {
			if err := c.check(); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, line, err)
			}
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

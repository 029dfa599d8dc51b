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

	"github.com/riverqueue/river"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/config"
	"github.com/deskmate/deskmate/internal/app"
	"github.com/deskmate/deskmate/internal/secret"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
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

// evalRetrieval loads articles into a temporary workspace and knowledge base
// of the database Deskmate uses (DATABASE_URL, or the embedded one), through
// the product's own ingestion jobs and search, runs every query and scores
// the articles found. The workspace is deleted at the end, also after an
// error or an interrupt.
func evalRetrieval(ctx context.Context, cfg *config.Config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval retrieval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	articlesPath := fs.String("articles", "", "JSONL file of articles: {\"id\", \"title\", \"body\"} a line")
	queriesPath := fs.String("queries", "", "JSONL file of queries: {\"query\", \"article_ids\": [...]} a line")
	asJSON := fs.Bool("json", false, "end with one line of JSON")
	limit := fs.Int("limit", 20, "chunks retrieved per query")
	vectorWeight := fs.Float64("vector-weight", knowledge.DefaultVectorWeight, "weight of the vector ranking in the fusion (0: text only)")
	textWeight := fs.Float64("text-weight", knowledge.DefaultTextWeight, "weight of the full-text ranking in the fusion (0: vectors only)")
	rrfK := fs.Float64("rrf-k", knowledge.DefaultRRFK, "reciprocal rank fusion k")
	chunkSize := fs.Int("chunk-size", knowledge.DefaultChunkSize, "knowledge base chunk size (characters)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: deskmate eval retrieval --articles FILE --queries FILE [--json]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("eval retrieval: unexpected argument %q", fs.Arg(0))
	}
	if *articlesPath == "" || *queriesPath == "" {
		fs.Usage()
		return errors.New("eval retrieval: --articles and --queries are required")
	}
	if *limit < 5 || *limit > knowledge.MaxSearchLimit {
		return fmt.Errorf("eval retrieval: --limit must be from 5 to %d", knowledge.MaxSearchLimit)
	}
	articles, err := readJSONL[evalArticle](*articlesPath)
	if err != nil {
		return fmt.Errorf("eval retrieval: %w", err)
	}
	queries, err := readJSONL[evalQuery](*queriesPath)
	if err != nil {
		return fmt.Errorf("eval retrieval: %w", err)
	}
	if len(articles) == 0 || len(queries) == 0 {
		return errors.New("eval retrieval: no articles or no queries")
	}

	rt, err := app.Open(ctx, cfg, logger, app.ApplyMigrations)
	if err != nil {
		return err
	}
	defer rt.Close(context.Background())

	// A throwaway key: the temporary workspace keeps no secrets.
	key, err := secret.GenerateKey()
	if err != nil {
		return err
	}
	svc, err := wire(cfg, rt.DB, wireOptions{box: secret.NewBox(key), logger: logger, workers: max(cfg.Workers, 2),
		riverLog: newLogger(cfg, stderr, max(cfg.LogLevel, slog.LevelWarn)).With("component", "river"), periodic: []*river.PeriodicJob{}})
	if err != nil {
		return err
	}
	kn, client := svc.knowledge, svc.river
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	defer stopRiver(client, 10*time.Second, logger)

	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	ws, err := store.CreateWorkspace(ctx, rt.DB.Pool, store.Workspace{Slug: "eval-" + hex.EncodeToString(suffix),
		Name: "Retrieval eval (temporary)", ManagedTags: []string{}})
	if err != nil {
		return err
	}
	defer func() {
		// Runs after an interrupt too: ctx is cancelled by then.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := store.DeleteWorkspace(cctx, rt.DB.Pool, ws.ID); err != nil {
			logger.Error("could not delete the temporary workspace", "workspace_id", ws.ID, "slug", ws.Slug, "error", err)
		}
	}()
	actor := account.System(ws.ID, "deskmate eval retrieval")
	name := "Eval articles"
	kb, err := kn.CreateBase(ctx, actor, knowledge.BaseInput{Name: &name, ChunkSize: chunkSize})
	if err != nil {
		return err
	}

	start := time.Now()
	docArticle := map[int64]string{}
	for _, a := range articles {
		d, err := kn.AddDocument(ctx, actor, kb.ID, knowledge.DocumentInput{Kind: knowledge.KindText, Title: a.Title, Text: a.Body})
		if err != nil {
			return fmt.Errorf("eval retrieval: article %s: %w", a.ID, err)
		}
		docArticle[d.ID] = a.ID
	}
	var progress knowledge.Progress
	for {
		if progress, err = kn.Progress(ctx, actor, kb.ID); err != nil {
			return err
		}
		if !progress.Running {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	if progress.DocumentsFailed > 0 {
		return fmt.Errorf("eval retrieval: %d articles failed to ingest", progress.DocumentsFailed)
	}
	ingestTime := time.Since(start)

	if *vectorWeight <= 0 && *textWeight <= 0 {
		return errors.New("eval retrieval: --vector-weight and --text-weight cannot both be 0")
	}
	opts := knowledge.SearchOptions{Limit: *limit, VectorWeight: *vectorWeight, TextWeight: *textWeight, RRFK: *rrfK}
	// Here 0 leaves a retriever out; in SearchOptions that is a negative weight.
	if opts.VectorWeight == 0 {
		opts.VectorWeight = -1
	}
	if opts.TextWeight == 0 {
		opts.TextWeight = -1
	}
	var s retrievalScores
	var latencies []float64
	for _, q := range queries {
		if err := ctx.Err(); err != nil {
			return err
		}
		t0 := time.Now()
		res, err := kn.Search(ctx, actor, q.Query, opts)
		if err != nil {
			return fmt.Errorf("eval retrieval: query %q: %w", q.Query, err)
		}
		latencies = append(latencies, float64(time.Since(t0).Microseconds())/1000)
		// Chunks to articles, best rank first, each article once.
		var ranked []string
		seen := map[string]bool{}
		for _, r := range res.Results {
			if id := docArticle[r.DocumentID]; id != "" && !seen[id] {
				seen[id] = true
				ranked = append(ranked, id)
			}
		}
		scoreRetrieval(&s, ranked, q.ArticleIDs)
	}
	n := float64(len(queries))
	s.HitAt1, s.RecallAt5, s.MRR, s.NQueries = s.HitAt1/n, s.RecallAt5/n, s.MRR/n, len(queries)
	s.P50MS, s.P99MS = percentile(latencies, 50), percentile(latencies, 99)

	fmt.Fprintf(stdout, "articles: %s, %d articles, %d chunks, ingested in %s (PostgreSQL %s)\n", *articlesPath, len(articles),
		progress.ChunksTotal, ingestTime.Round(time.Millisecond), rt.DB.Version())
	fmt.Fprintf(stdout, "queries:  %s, %d queries, top %d chunks each (vector weight %g, text weight %g, k %g)\n",
		*queriesPath, len(queries), *limit, *vectorWeight, *textWeight, *rrfK)
	fmt.Fprintf(stdout, "hit@1     %6.2f%%  (the first article found is a right one)\n", 100*s.HitAt1)
	fmt.Fprintf(stdout, "recall@5  %6.2f%%  (share of the right articles among the first 5 found)\n", 100*s.RecallAt5)
	fmt.Fprintf(stdout, "MRR       %7.4f\n", s.MRR)
	fmt.Fprintf(stdout, "latency   p50 %.1f ms, p99 %.1f ms per query\n", s.P50MS, s.P99MS)
	if *asJSON {
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(b))
	}
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

// readJSONL reads one JSON object per non-empty line.
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
		out = append(out, v)
	}
	return out, sc.Err()
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"github.com/deskmate/deskmate/account"
	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/config"
	"github.com/deskmate/deskmate/knowledge"
)

func init() {
	evalCommands["answers"] = evalCommand{summary: "end-to-end answers: coverage, precision and knowledge-gap hand-overs on an FAQ set", run: evalAnswers}
}

// answerScores are what `deskmate eval answers --json` prints.
type answerScores struct {
	AnswerableCoverage float64 `json:"answerable_coverage"`
	AnswerPrecision    float64 `json:"answer_precision"`
	GapHandoverRate    float64 `json:"gap_handover_rate"`
	P50MS              float64 `json:"p50_ms"`
	P99MS              float64 `json:"p99_ms"`
	Queries            int     `json:"queries"`
	Answerable         int     `json:"answerable"`
	Gaps               int     `json:"gaps"`
	Replies            int     `json:"replies"`
	RightReplies       int     `json:"right_replies"`
	HeldOutArticles    int     `json:"held_out_articles"`
}

// evalAnswers loads an FAQ set into a temporary workspace, holding out a
// share of the articles, and runs every query through the whole pipeline as
// a new email ticket with the workspace's provider (the built-in one unless
// configured otherwise).
func evalAnswers(ctx context.Context, cfg *config.Config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval answers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	articlesPath := fs.String("articles", "", "JSONL file of articles: {\"id\", \"title\", \"body\"} a line")
	queriesPath := fs.String("queries", "", "JSONL file of queries: {\"query\", \"article_ids\": [...]} a line")
	holdout := fs.Float64("holdout", 0.3, "share of articles left out of the knowledge (their queries should be handed over)")
	seed := fs.Uint64("seed", 1, "random seed of the hold-out")
	asJSON := fs.Bool("json", false, "end with one line of JSON")
	details := fs.String("details", "", "write one JSON line per query to this file (features, decision)")
	var model evalModel
	model.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := model.check("--provider"); err != nil {
		return fmt.Errorf("eval answers: %w", err)
	}
	if *articlesPath == "" || *queriesPath == "" {
		return errors.New("eval answers: --articles and --queries are required")
	}
	if *holdout < 0 || *holdout >= 1 {
		return errors.New("eval answers: --holdout must be from 0 to below 1")
	}
	articles, err := readJSONL[evalArticle](*articlesPath)
	if err != nil {
		return fmt.Errorf("eval answers: %w", err)
	}
	queries, err := readJSONL[evalQuery](*queriesPath)
	if err != nil {
		return fmt.Errorf("eval answers: %w", err)
	}
	if len(articles) == 0 || len(queries) == 0 {
		return errors.New("eval answers: no articles or no queries")
	}
	kept, held := splitArticles(articles, *holdout, *seed)
	model, _, err = model.resolve(ctx, cfg)
	if err != nil {
		return fmt.Errorf("eval answers: %w", err)
	}

	env, err := openEvalWorkspace(ctx, cfg, logger, stderr, "answers")
	if err != nil {
		return err
	}
	defer env.close()
	svc, actor := env.svc, env.actor
	check, err := setEvalModel(ctx, env, model)
	if err != nil {
		return fmt.Errorf("eval answers: %w", err)
	}
	ingest, err := ingestArticles(ctx, svc.knowledge, actor, kept, knowledge.DefaultChunkSize)
	if err != nil {
		return err
	}
	var out io.Writer = io.Discard
	if *details != "" {
		f, err := os.Create(*details)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	s, err := runAnswerQueries(ctx, svc.agent, actor, queries, ingest.docArticle, held, out)
	if err != nil {
		return err
	}
	s.HeldOutArticles = len(held)
	fmt.Fprintf(stdout, "articles: %s, %d in the knowledge, %d held out (seed %d); %d queries, %d answerable\n",
		*articlesPath, len(kept), len(held), *seed, s.Queries, s.Answerable)
	fmt.Fprintf(stdout, "embeddings: %s (%d dimensions)\n", check.Model, check.Dimensions)
	fmt.Fprintf(stdout, "answerable coverage %6.2f%%  (answerable questions Deskmate replied to)\n", 100*s.AnswerableCoverage)
	fmt.Fprintf(stdout, "answer precision    %6.2f%%  (replies citing a right article: %d of %d)\n", 100*s.AnswerPrecision, s.RightReplies, s.Replies)
	fmt.Fprintf(stdout, "gap hand-over rate  %6.2f%%  (questions without their article handed over as a knowledge gap)\n", 100*s.GapHandoverRate)
	fmt.Fprintf(stdout, "latency             p50 %.1f ms, p99 %.1f ms per question\n", s.P50MS, s.P99MS)
	if *asJSON {
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(b))
	}
	return nil
}

// splitArticles holds out a share of the articles, chosen by seed.
func splitArticles(articles []evalArticle, share float64, seed uint64) (kept []evalArticle, held map[string]bool) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	order := r.Perm(len(articles))
	n := int(float64(len(articles))*share + 0.5)
	held = map[string]bool{}
	for i, j := range order {
		if i < n {
			held[articles[j].ID] = true
		} else {
			kept = append(kept, articles[j])
		}
	}
	return kept, held
}

type answerDetail struct {
	Query      string             `json:"query"`
	Answerable bool               `json:"answerable"`
	Right      bool               `json:"right"`
	TopRight   bool               `json:"top_right"`
	Decision   string             `json:"decision"`
	Reason     string             `json:"reason"`
	Confidence float64            `json:"confidence"`
	Features   map[string]float64 `json:"features"`
	// Candidates are the chunks found, best first.
	Candidates []answerCandidate `json:"candidates"`
}

// answerCandidate is one document found, with the reranker's features.
type answerCandidate struct {
	Article  string             `json:"article"`
	Right    bool               `json:"right"`
	Rerank   float64            `json:"rerank"`
	Features map[string]float64 `json:"features"`
}

func runAnswerQueries(ctx context.Context, ag *agent.Service, actor account.Actor, queries []evalQuery,
	docArticle map[int64]string, held map[string]bool, details io.Writer) (answerScores, error) {
	var s answerScores
	var latencies []float64
	enc := json.NewEncoder(details)
	for i, q := range queries {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		answerable := false
		gold := map[string]bool{}
		for _, id := range q.ArticleIDs {
			gold[id] = true
			answerable = answerable || !held[id]
		}
		conv := agent.Conversation{Key: "eval:" + strconv.Itoa(i), Channel: "email",
			Messages: []agent.Message{{Role: agent.RoleCustomer, Text: q.Query}}}
		t0 := time.Now()
		res, err := ag.Decide(ctx, actor, conv, agent.RunOptions{Source: agent.SourceEval})
		if err != nil {
			return s, fmt.Errorf("eval answers: query %q: %w", q.Query, err)
		}
		latencies = append(latencies, float64(time.Since(t0).Microseconds())/1000)
		s.Queries++
		d := res.Decision
		right := false
		for _, c := range d.Citations {
			right = right || gold[docArticle[c.DocumentID]]
		}
		detail := answerDetail{Query: q.Query, Answerable: answerable, Right: right, Decision: string(d.Kind), Reason: d.Reason}
		if rt := res.Trace.Retrieval; rt != nil {
			detail.Confidence, detail.Features = rt.Confidence, rt.Features
		}
		if len(res.Trace.Chunks) > 0 {
			detail.TopRight = gold[docArticle[res.Trace.Chunks[0].DocumentID]]
		}
		for _, c := range res.Trace.Chunks {
			if c.Rerank == nil {
				continue
			}
			a := docArticle[c.DocumentID]
			detail.Candidates = append(detail.Candidates, answerCandidate{Article: a, Right: gold[a], Rerank: *c.Rerank, Features: c.Features})
		}
		_ = enc.Encode(detail)
		if answerable {
			s.Answerable++
		} else {
			s.Gaps++
		}
		switch {
		case d.Kind == agent.Reply:
			s.Replies++
			if right {
				s.RightReplies++
			}
			if answerable {
				s.AnswerableCoverage++
			}
		case d.Kind == agent.Handover && d.Reason == agent.ReasonKnowledgeGap && !answerable:
			s.GapHandoverRate++
		}
	}
	if s.Answerable > 0 {
		s.AnswerableCoverage /= float64(s.Answerable)
	}
	if s.Gaps > 0 {
		s.GapHandoverRate /= float64(s.Gaps)
	}
	if s.Replies > 0 {
		s.AnswerPrecision = float64(s.RightReplies) / float64(s.Replies)
	}
	s.P50MS, s.P99MS = percentile(latencies, 50), percentile(latencies, 99)
	return s, nil
}

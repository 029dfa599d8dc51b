package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	"github.com/deskmate/deskmate/config"
	"github.com/deskmate/deskmate/intent"
	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/llm"
	"github.com/deskmate/deskmate/store"
)

func init() {
	evalCommands["intents"] = evalCommand{summary: "intent matching accuracy on a train/test split", run: evalIntents}
}

// intentScores are the numbers `deskmate eval intents --json` prints, as
// fractions.
type intentScores struct {
	Accuracy             float64 `json:"accuracy"`
	InScopeAccuracy      float64 `json:"in_scope_accuracy"`
	OOSPrecision         float64 `json:"oos_precision"`
	OOSRecall            float64 `json:"oos_recall"`
	CoverageAt90         float64 `json:"coverage_at_90"`
	PrecisionAtThreshold float64 `json:"precision_at_threshold"`
	Threshold            float64 `json:"threshold"`
	NTest                int     `json:"n_test"`
	// P50MS and P99MS are the time to match one message, embedding it
	// included; TrainMS the whole training, embedding included.
	P50MS   float64 `json:"p50_ms"`
	P99MS   float64 `json:"p99_ms"`
	TrainMS float64 `json:"train_ms"`
}

// evalIntents trains the intent matcher on the first K phrases per intent of
// a train file and measures it on a test file. Rows with "intent": null are
// messages that match no intent: in the train file they are ignored, in the
// test file the right answer for them is no_match. The thresholds are chosen
// on --val if given, else by cross-validation on the learning phrases; the
// test file is only ever used for measuring. For sets published with a
// train and a val split only (clinc150, banking77-oos), val.jsonl is the test
// file and the thresholds come from cross-validation: val is not split.
//
// With --embedder openai or ollama, the learning phrases, the validation
// messages and then each test message are embedded with that model (through
// the model guard: DESKMATE_MODEL_ALLOWLIST), and its sentence vectors join
// the lexical features, as "Train AI" does for a workspace whose model
// settings name an embedding model.
func evalIntents(ctx context.Context, cfg *config.Config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	f, err := parseIntentFlags(args, stderr)
	if err != nil {
		return err
	}
	trainRows, testRows, err := readIntentSets(f)
	if err != nil {
		return err
	}
	examples := intent.FirstK(trainRows, f.shots)
	opts, err := intentOptions(f)
	if err != nil {
		return err
	}
	emb, err := f.model.embedder(ctx, cfg, "eval intents")
	if err != nil {
		return err
	}

	run := intentRun{nExamples: len(examples)}
	start := time.Now()
	if emb != nil {
		cache := intent.NewCachedEmbedder(emb)
		texts := make([]string, len(examples))
		for i, e := range examples {
			texts[i] = e.Text
		}
		if _, err := cache.Embed(ctx, texts); err != nil {
			return fmt.Errorf("eval intents: embed the learning phrases: %w", err)
		}
		run.embedTime = time.Since(start)
		opts.Embedder, opts.DenseWeight = cache, f.denseWeight
	}
	model, err := intent.Train(ctx, examples, opts)
	if err != nil {
		return fmt.Errorf("eval intents: %s: %w", f.trainPath, err)
	}
	run.trainTime = time.Since(start)
	warnUnknownIntents(logger, model, testRows)

	preds, latencies, err := matchEach(ctx, model, emb, messageTexts(testRows))
	if err != nil {
		return fmt.Errorf("eval intents: %w", err)
	}
	s := scoreIntents(testRows, preds)
	s.Threshold = model.Thresholds().AutoAnswer
	s.P50MS, s.P99MS = percentile(latencies, 50), percentile(latencies, 99)
	s.TrainMS = float64(run.trainTime.Milliseconds())
	return printIntents(stdout, f, model, run, testRows, s)
}

// intentRun is what training measured.
type intentRun struct {
	nExamples            int
	embedTime, trainTime time.Duration
}

// matchEach matches the messages one at a time, as Deskmate matches an
// incoming message, and returns the predictions with the time each took in
// milliseconds.
func matchEach(ctx context.Context, model *intent.Model, emb llm.Embedder, texts []string) ([]intent.Prediction, []float64, error) {
	preds := make([]intent.Prediction, len(texts))
	latencies := make([]float64, len(texts))
	for i, text := range texts {
		t0 := time.Now()
		p, err := model.Match(ctx, text, emb)
		if err != nil {
			return nil, nil, err
		}
		latencies[i] = float64(time.Since(t0).Microseconds()) / 1000
		preds[i] = p
	}
	return preds, latencies, nil
}

// intentFlags are the command line of `deskmate eval intents`.
type intentFlags struct {
	trainPath, testPath, valPath string
	shots                        int
	asJSON                       bool
	model                        evalModel
	denseWeight                  float64
}

// parseIntentFlags reads and checks the command line.
func parseIntentFlags(args []string, stderr io.Writer) (intentFlags, error) {
	var f intentFlags
	fs := flag.NewFlagSet("eval intents", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.trainPath, "train", "", "JSONL file of learning phrases: {\"text\", \"intent\"} a line")
	fs.StringVar(&f.testPath, "test", "", "JSONL file to measure on (\"intent\": null = matches no intent)")
	fs.StringVar(&f.valPath, "val", "", "optional JSONL file to calibrate confidence and choose thresholds on (default: cross-validation on the learning phrases)")
	fs.IntVar(&f.shots, "shots", 0, "keep the first K phrases per intent of the train file, in file order (0: all)")
	fs.BoolVar(&f.asJSON, "json", false, "end with one line of JSON")
	fs.StringVar(&f.model.provider, "embedder", "builtin", "text features: builtin (lexical, offline), or lexical plus sentence vectors from an embedding model served by openai (any OpenAI-compatible API) or ollama")
	fs.StringVar(&f.model.baseURL, "base-url", "", "with --embedder openai or ollama: the provider's base URL, e.g. http://127.0.0.1:8000/v1 or http://127.0.0.1:11434 (add its host:port to DESKMATE_MODEL_ALLOWLIST)")
	fs.StringVar(&f.model.embeddingModel, "embedding-model", "", "with --embedder openai or ollama: the embedding model")
	fs.Float64Var(&f.denseWeight, "dense-weight", intent.DefaultDenseWeight, "with a real embedder: share of the similarity from sentence vectors (0 to 1 exclusive)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: deskmate eval intents --train FILE --test FILE [--val FILE] [--shots K] [--json] [--embedder builtin|openai|ollama --base-url URL --embedding-model NAME]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("eval intents: unexpected argument %q", fs.Arg(0))
	}
	if err := f.model.check("--embedder"); err != nil {
		return f, fmt.Errorf("eval intents: %w", err)
	}
	if !(f.denseWeight > 0 && f.denseWeight < 1) {
		return f, errors.New("eval intents: --dense-weight must be above 0 and below 1")
	}
	if f.trainPath == "" || f.testPath == "" {
		fs.Usage()
		return f, errors.New("eval intents: --train and --test are required")
	}
	if f.shots < 0 {
		return f, errors.New("eval intents: --shots must be 0 (all) or more")
	}
	return f, nil
}

// readIntentSets reads the train and the test file; the test file may not
// be empty.
func readIntentSets(f intentFlags) (train, test []intent.Labeled, err error) {
	train, err = intent.ReadJSONLFile(f.trainPath)
	if err != nil {
		return nil, nil, fmt.Errorf("eval intents: %w", err)
	}
	test, err = intent.ReadJSONLFile(f.testPath)
	if err != nil {
		return nil, nil, fmt.Errorf("eval intents: %w", err)
	}
	if len(test) == 0 {
		return nil, nil, fmt.Errorf("eval intents: %s: no messages", f.testPath)
	}
	return train, test, nil
}

// intentOptions returns the training options: with --val, the messages to
// choose the thresholds on.
func intentOptions(f intentFlags) (intent.Options, error) {
	opts := intent.Options{}
	if f.valPath == "" {
		return opts, nil
	}
	valRows, err := intent.ReadJSONLFile(f.valPath)
	if err != nil {
		return opts, fmt.Errorf("eval intents: %w", err)
	}
	if len(valRows) == 0 {
		return opts, fmt.Errorf("eval intents: %s: no messages", f.valPath)
	}
	for _, r := range valRows {
		opts.Validation = append(opts.Validation, intent.Example(r))
	}
	return opts, nil
}

// warnUnknownIntents warns about test messages of intents the model was not
// trained on: they can only be answered wrong.
func warnUnknownIntents(logger *slog.Logger, model *intent.Model, testRows []intent.Labeled) {
	known := map[string]bool{}
	for _, n := range model.Intents() {
		known[n] = true
	}
	unknown := map[string]int{}
	for _, r := range testRows {
		if r.Intent != "" && !known[r.Intent] {
			unknown[r.Intent]++
		}
	}
	if len(unknown) == 0 {
		return
	}
	names := make([]string, 0, len(unknown))
	for n := range unknown {
		names = append(names, n)
	}
	sort.Strings(names)
	logger.Warn("test messages of intents without learning phrases count as wrong", "intents", names)
}

func messageTexts(rows []intent.Labeled) []string {
	texts := make([]string, len(rows))
	for i, r := range rows {
		texts[i] = r.Text
	}
	return texts
}

// printIntents writes the report, and with --json the scores as one line.
func printIntents(w io.Writer, f intentFlags, model *intent.Model, run intentRun, testRows []intent.Labeled, s intentScores) error {
	th := model.Thresholds()
	cal := model.Calibration()
	fmt.Fprintf(w, "train: %s, %d intents, %d learning phrases (%s), trained in %s\n",
		f.trainPath, len(model.Intents()), run.nExamples, shotsLabel(f.shots), run.trainTime.Round(time.Millisecond))
	if e, ok := model.Embedding(); ok {
		fmt.Fprintf(w, "features: lexical + sentence vectors of %s, weight %.2f; phrases embedded in %s\n",
			e, e.Weight, run.embedTime.Round(time.Millisecond))
	} else {
		fmt.Fprintln(w, "features: lexical (built-in, offline)")
	}
	fmt.Fprintf(w, "test:  %s, %d messages (%d match no intent)\n", f.testPath, s.NTest, countNoMatch(testRows))
	if f.valPath != "" {
		fmt.Fprintf(w, "thresholds chosen on %s (%d messages, %d match no intent)\n", f.valPath, cal.HeldOut, cal.HeldOutNoMatch)
	} else {
		fmt.Fprintf(w, "thresholds chosen by cross-validation on the learning phrases (%d held out, %d of them from intents left out, standing for messages that match none)\n",
			cal.HeldOut, cal.HeldOutNoMatch)
	}
	fmt.Fprintf(w, "  auto_answer at confidence >= %.4f and margin >= %.2f; suggest above %.4f; temperature %.3g\n",
		th.AutoAnswer, th.MinMargin, th.Suggest, cal.Temperature)
	fmt.Fprintf(w, "in-scope accuracy           %6.2f%%  (best intent right, messages of an intent)\n", 100*s.InScopeAccuracy)
	fmt.Fprintf(w, "overall accuracy            %6.2f%%  (intent right and not no_match, or no_match for messages of no intent)\n", 100*s.Accuracy)
	fmt.Fprintf(w, "no-match precision          %6.2f%%\n", 100*s.OOSPrecision)
	fmt.Fprintf(w, "no-match recall             %6.2f%%\n", 100*s.OOSRecall)
	fmt.Fprintf(w, "coverage at 90%% precision   %6.2f%%  (share of all messages answered automatically)\n", 100*s.CoverageAt90)
	fmt.Fprintf(w, "precision at that threshold %6.2f%%  (share of automatic answers that are right)\n", 100*s.PrecisionAtThreshold)
	fmt.Fprintf(w, "threshold                   %.4f\n", s.Threshold)
	fmt.Fprintf(w, "n_test                      %d\n", s.NTest)
	fmt.Fprintf(w, "latency                     p50 %.2f ms, p99 %.2f ms per message (one at a time, embedding included)\n", s.P50MS, s.P99MS)
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

// scoreIntents compares predictions with the labelled rows. A message is
// answered no_match when its decision is no_match; it is answered
// automatically when its decision is auto_answer.
func scoreIntents(rows []intent.Labeled, preds []intent.Prediction) intentScores {
	var s intentScores
	var inScope, inOK, ok, predNone, predNoneRight, none, auto, autoOK int
	for i, r := range rows {
		p := preds[i]
		isNone := p.Decision == intent.NoMatch
		if isNone {
			predNone++
		}
		if r.Intent == "" {
			none++
			if isNone {
				ok++
				predNoneRight++
			}
		} else {
			inScope++
			if p.Intent == r.Intent {
				inOK++
				if !isNone {
					ok++
				}
			}
		}
		if p.Decision == intent.AutoAnswer {
			auto++
			if r.Intent != "" && p.Intent == r.Intent {
				autoOK++
			}
		}
	}
	s.NTest = len(rows)
	s.Accuracy = ratio(ok, len(rows))
	s.InScopeAccuracy = ratio(inOK, inScope)
	s.OOSPrecision = ratio(predNoneRight, predNone)
	s.OOSRecall = ratio(predNoneRight, none)
	s.CoverageAt90 = ratio(auto, len(rows))
	s.PrecisionAtThreshold = ratio(autoOK, auto)
	return s
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func countNoMatch(rows []intent.Labeled) int {
	n := 0
	for _, r := range rows {
		if r.Intent == "" {
			n++
		}
	}
	return n
}

func shotsLabel(k int) string {
	if k == 0 {
		return "all phrases"
	}
	return fmt.Sprintf("first %d per intent", k)
}

// evalModel is a model provider named on an eval command line: builtin, or
// ollama or openai with a base URL and an embedding model.
type evalModel struct {
	provider, baseURL, embeddingModel string
}

func (m evalModel) builtin() bool { return m.provider == "builtin" }

// check validates the flags; providerFlag is the flag naming the provider.
func (m evalModel) check(providerFlag string) error {
	switch m.provider {
	case "builtin":
		if m.baseURL != "" || m.embeddingModel != "" {
			return fmt.Errorf("--base-url and --embedding-model go with %s openai or ollama", providerFlag)
		}
		return nil
	case "openai", "ollama":
	default:
		return fmt.Errorf("%s must be builtin, openai or ollama, not %q", providerFlag, m.provider)
	}
	if m.baseURL == "" || m.embeddingModel == "" {
		return fmt.Errorf("%s %s needs --base-url and --embedding-model", providerFlag, m.provider)
	}
	if !store.ValidModelName(m.embeddingModel) {
		return fmt.Errorf("--embedding-model %q: may hold only letters, digits and . _ : / @ + -", m.embeddingModel)
	}
	return nil
}

// resolve checks the base URL against the model guard (a provider on this
// machine or a private network is refused unless DESKMATE_MODEL_ALLOWLIST
// names it, and the guard's error says which entry to add) and returns the
// flags with the URL in the form Deskmate calls. The guard is returned for
// the requests.
func (m evalModel) resolve(ctx context.Context, cfg *config.Config) (evalModel, *netguard.Guard, error) {
	guard, err := netguard.New(netguard.ParseAllowList(cfg.ModelAllowList), netguard.WithAllowListName("DESKMATE_MODEL_ALLOWLIST"))
	if err != nil {
		return m, nil, fmt.Errorf("DESKMATE_MODEL_ALLOWLIST: %w", err)
	}
	if m.builtin() {
		return m, guard, nil
	}
	u, err := guard.CheckURL(ctx, m.baseURL)
	if err != nil {
		return m, nil, fmt.Errorf("--base-url: %w", err)
	}
	m.baseURL = u.String()
	return m, guard, nil
}

// embedder builds the embedder the flags name, making its requests through
// the model guard; nil for builtin (lexical features only).
func (m evalModel) embedder(ctx context.Context, cfg *config.Config, cmd string) (llm.Embedder, error) {
	if m.builtin() {
		return nil, nil
	}
	m, guard, err := m.resolve(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	emb, err := llm.NewEmbedder(llm.EmbedSettings{Provider: m.provider, BaseURL: m.baseURL, Model: m.embeddingModel,
		HTTPClient: guard.Client(2 * time.Minute)})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	return emb, nil
}

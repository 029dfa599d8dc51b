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
}

// evalIntents trains the intent matcher on the first K phrases per intent of
// a train file and measures it on a test file. Rows with "intent": null are
// messages that match no intent: in the train file they are ignored, in the
// test file the right answer for them is no_match. The thresholds are chosen
// on --val if given, else by cross-validation on the learning phrases; the
// test file is only ever used for measuring. For sets published with a
// train and a val split only (clinc150, banking77-oos), val.jsonl is the test
// file and the thresholds come from cross-validation: val is not split.
func evalIntents(ctx context.Context, _ *config.Config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
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

	start := time.Now()
	model, err := intent.Train(ctx, examples, opts)
	if err != nil {
		return fmt.Errorf("eval intents: %s: %w", f.trainPath, err)
	}
	trainTime := time.Since(start)
	warnUnknownIntents(logger, model, testRows)

	s := scoreIntents(testRows, model.PredictBatch(messageTexts(testRows)))
	s.Threshold = model.Thresholds().AutoAnswer
	return printIntents(stdout, f, model, len(examples), trainTime, testRows, s)
}

// intentFlags are the command line of `deskmate eval intents`.
type intentFlags struct {
	trainPath, testPath, valPath string
	shots                        int
	asJSON                       bool
	embedder                     string
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
	fs.StringVar(&f.embedder, "embedder", "builtin", "text features: builtin (lexical, offline)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: deskmate eval intents --train FILE --test FILE [--val FILE] [--shots K] [--json] [--embedder builtin]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("eval intents: unexpected argument %q", fs.Arg(0))
	}
	if f.embedder != "builtin" {
		return f, fmt.Errorf("eval intents: embedder %s is not available here: only builtin", f.embedder)
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
func printIntents(w io.Writer, f intentFlags, model *intent.Model, nExamples int, trainTime time.Duration, testRows []intent.Labeled, s intentScores) error {
	th := model.Thresholds()
	cal := model.Calibration()
	fmt.Fprintf(w, "train: %s, %d intents, %d learning phrases (%s), trained in %s\n",
		f.trainPath, len(model.Intents()), nExamples, shotsLabel(f.shots), trainTime.Round(time.Millisecond))
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

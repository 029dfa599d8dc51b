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
	fs := flag.NewFlagSet("eval intents", flag.ContinueOnError)
	fs.SetOutput(stderr)
	trainPath := fs.String("train", "", "JSONL file of learning phrases: {\"text\", \"intent\"} a line")
	testPath := fs.String("test", "", "JSONL file to measure on (\"intent\": null = matches no intent)")
	valPath := fs.String("val", "", "optional JSONL file to calibrate confidence and choose thresholds on (default: cross-validation on the learning phrases)")
	shots := fs.Int("shots", 0, "keep the first K phrases per intent of the train file, in file order (0: all)")
	asJSON := fs.Bool("json", false, "end with one line of JSON")
	embedder := fs.String("embedder", "builtin", "text features: builtin (lexical, offline)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: deskmate eval intents --train FILE --test FILE [--val FILE] [--shots K] [--json] [--embedder builtin]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("eval intents: unexpected argument %q", fs.Arg(0))
	}
	if *embedder != "builtin" {
		return fmt.Errorf("eval intents: embedder %s is not available here: only builtin", *embedder)
	}
	if *trainPath == "" || *testPath == "" {
		fs.Usage()
		return errors.New("eval intents: --train and --test are required")
	}
	if *shots < 0 {
		return errors.New("eval intents: --shots must be 0 (all) or more")
	}

	trainRows, err := intent.ReadJSONLFile(*trainPath)
	if err != nil {
		return fmt.Errorf("eval intents: %w", err)
	}
	testRows, err := intent.ReadJSONLFile(*testPath)
	if err != nil {
		return fmt.Errorf("eval intents: %w", err)
	}
	if len(testRows) == 0 {
		return fmt.Errorf("eval intents: %s: no messages", *testPath)
	}
	examples := intent.FirstK(trainRows, *shots)
	opts := intent.Options{}
	if *valPath != "" {
		valRows, err := intent.ReadJSONLFile(*valPath)
		if err != nil {
			return fmt.Errorf("eval intents: %w", err)
		}
		if len(valRows) == 0 {
			return fmt.Errorf("eval intents: %s: no messages", *valPath)
		}
		for _, r := range valRows {
			opts.Validation = append(opts.Validation, intent.Example(r))
		}
	}

	start := time.Now()
	model, err := intent.Train(ctx, examples, opts)
	if err != nil {
		return fmt.Errorf("eval intents: %s: %w", *trainPath, err)
	}
	trainTime := time.Since(start)
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
	if len(unknown) > 0 {
		names := make([]string, 0, len(unknown))
		for n := range unknown {
			names = append(names, n)
		}
		sort.Strings(names)
		logger.Warn("test messages of intents without learning phrases count as wrong", "intents", names)
	}

	texts := make([]string, len(testRows))
	for i, r := range testRows {
		texts[i] = r.Text
	}
	preds := model.PredictBatch(texts)
	s := scoreIntents(testRows, preds)
	th := model.Thresholds()
	cal := model.Calibration()
	s.Threshold = th.AutoAnswer

	fmt.Fprintf(stdout, "train: %s, %d intents, %d learning phrases (%s), trained in %s\n",
		*trainPath, len(model.Intents()), len(examples), shotsLabel(*shots), trainTime.Round(time.Millisecond))
	fmt.Fprintf(stdout, "test:  %s, %d messages (%d match no intent)\n", *testPath, s.NTest, countNoMatch(testRows))
	if *valPath != "" {
		fmt.Fprintf(stdout, "thresholds chosen on %s (%d messages, %d match no intent)\n", *valPath, cal.HeldOut, cal.HeldOutNoMatch)
	} else {
		fmt.Fprintf(stdout, "thresholds chosen by cross-validation on the learning phrases (%d held out, %d of them from intents left out, standing for messages that match none)\n",
			cal.HeldOut, cal.HeldOutNoMatch)
	}
	fmt.Fprintf(stdout, "  auto_answer at confidence >= %.4f and margin >= %.2f; suggest above %.4f; temperature %.3g\n",
		th.AutoAnswer, th.MinMargin, th.Suggest, cal.Temperature)
	fmt.Fprintf(stdout, "in-scope accuracy           %6.2f%%  (best intent right, messages of an intent)\n", 100*s.InScopeAccuracy)
	fmt.Fprintf(stdout, "overall accuracy            %6.2f%%  (intent right and not no_match, or no_match for messages of no intent)\n", 100*s.Accuracy)
	fmt.Fprintf(stdout, "no-match precision          %6.2f%%\n", 100*s.OOSPrecision)
	fmt.Fprintf(stdout, "no-match recall             %6.2f%%\n", 100*s.OOSRecall)
	fmt.Fprintf(stdout, "coverage at 90%% precision   %6.2f%%  (share of all messages answered automatically)\n", 100*s.CoverageAt90)
	fmt.Fprintf(stdout, "precision at that threshold %6.2f%%  (share of automatic answers that are right)\n", 100*s.PrecisionAtThreshold)
	fmt.Fprintf(stdout, "threshold                   %.4f\n", s.Threshold)
	fmt.Fprintf(stdout, "n_test                      %d\n", s.NTest)
	if *asJSON {
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(b))
	}
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

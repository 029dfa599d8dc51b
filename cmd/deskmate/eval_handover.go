package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/deskmate/deskmate/agent"
	"github.com/deskmate/deskmate/config"
)

func init() {
	evalCommands["handover"] = evalCommand{summary: "hand-over request detection: precision, recall and false positives on labelled messages", run: evalHandover}
}

type handoverExample struct {
	Text     string `json:"text"`
	Handover *bool  `json:"handover"`
}

func (e *handoverExample) check() error {
	if e.Handover == nil {
		return errors.New(`"handover" must be true or false`)
	}
	return nil
}

// handoverScores are what `deskmate eval handover --json` prints.
type handoverScores struct {
	Precision         float64 `json:"precision"`
	Recall            float64 `json:"recall"`
	FalsePositiveRate float64 `json:"false_positive_rate"`
	Positives         int     `json:"positives"`
	Negatives         int     `json:"negatives"`
	TruePositives     int     `json:"true_positives"`
	FalsePositives    int     `json:"false_positives"`
}

// evalHandover runs only the detector of requests for a person, with no
// workspace and no model, over labelled messages.
func evalHandover(_ context.Context, _ *config.Config, _ *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval handover", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("messages", "", "JSONL file: {\"text\": \"...\", \"handover\": true|false} a line")
	asJSON := fs.Bool("json", false, "end with one line of JSON")
	errorsOut := fs.Int("show-errors", 0, "print up to this many misclassified messages")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" {
		return errors.New("eval handover: --messages is required")
	}
	examples, err := readJSONL[handoverExample](*path)
	if err != nil {
		return fmt.Errorf("eval handover: %w", err)
	}
	var s handoverScores
	shown := 0
	for _, e := range examples {
		fired := agent.RequestsPerson(e.Text)
		if *e.Handover {
			s.Positives++
		} else {
			s.Negatives++
		}
		switch {
		case fired && *e.Handover:
			s.TruePositives++
		case fired:
			s.FalsePositives++
		}
		if fired != *e.Handover && shown < *errorsOut {
			shown++
			fmt.Fprintf(stdout, "%-6v %q\n", *e.Handover, e.Text)
		}
	}
	if s.Positives == 0 || s.Negatives == 0 {
		return errors.New("eval handover: need messages of both kinds")
	}
	s.Recall = float64(s.TruePositives) / float64(s.Positives)
	if s.TruePositives+s.FalsePositives > 0 {
		s.Precision = float64(s.TruePositives) / float64(s.TruePositives+s.FalsePositives)
	}
	s.FalsePositiveRate = float64(s.FalsePositives) / float64(s.Negatives)
	fmt.Fprintf(stdout, "messages: %s, %d asking for a person, %d not\n", *path, s.Positives, s.Negatives)
	fmt.Fprintf(stdout, "recall              %6.2f%%  (%d of %d requests for a person found)\n", 100*s.Recall, s.TruePositives, s.Positives)
	fmt.Fprintf(stdout, "precision           %6.2f%%\n", 100*s.Precision)
	fmt.Fprintf(stdout, "false positive rate %6.2f%%  (%d of %d other messages)\n", 100*s.FalsePositiveRate, s.FalsePositives, s.Negatives)
	if *asJSON {
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(b))
	}
	return nil
}

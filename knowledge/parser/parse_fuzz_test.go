package parser_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/knowledge/parser"
)

// FuzzParse feeds every parser damaged versions of the committed fixtures:
// whatever the bytes, Parse returns a document or an error, and quickly.
// The uploaded file is hostile input; a parser that hangs would hold an
// ingestion worker. Run with `make fuzz`.
func FuzzParse(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(e.Name(), data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		format, err := parser.DetectFormat(name, data)
		if err != nil {
			return
		}
		type result struct {
			p   parser.Parsed
			err error
		}
		done := make(chan result, 1)
		go func() {
			p, err := parser.Parse(context.Background(), format, name, data)
			done <- result{p, err}
		}()
		var p parser.Parsed
		select {
		case r := <-done:
			p, err = r.p, r.err
		case <-time.After(5 * time.Second):
			t.Fatalf("parsing %d bytes as %s takes more than 5s", len(data), format)
		}
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatalf("error without a message")
			}
			return
		}
		for _, c := range knowledge.Split(p, "Title", "https://example.com/doc", knowledge.ChunkOptions{Size: 200, Overlap: 50}) {
			if c.Text == "" && c.TitlePath == "" {
				t.Fatalf("empty chunk %d", c.Ord)
			}
		}
	})
}

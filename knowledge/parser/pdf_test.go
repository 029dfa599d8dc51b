package parser_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/testpdf"
	"github.com/deskmate/deskmate/knowledge/parser"
)

// parsePDF parses data as a PDF, failing the test when that never ends (the
// old reader looped forever on some of these files).
func parsePDF(t *testing.T, name string, data []byte) (parser.Parsed, error) {
	t.Helper()
	format, err := parser.DetectFormat(name, data)
	require.NoError(t, err)
	require.Equal(t, parser.FormatPDF, format)
	type result struct {
		p   parser.Parsed
		err error
	}
	done := make(chan result, 1)
	go func() {
		p, err := parser.Parse(context.Background(), format, name, data)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		return r.p, r.err
	case <-time.After(2 * time.Minute):
		t.Fatalf("parsing %s never ends", name)
		return parser.Parsed{}, nil
	}
}

func TestBuiltPDFParses(t *testing.T) {
	data := testpdf.OnePage("/Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >>", "BT /F1 12 Tf 72 720 Td (Hello from a built PDF) Tj ET")
	p, err := parsePDF(t, "hello.pdf", data)
	require.NoError(t, err)
	require.Len(t, p.Sections, 1)
	require.Equal(t, "Hello from a built PDF", p.Sections[0].Text)
	require.Equal(t, "page=1", p.Sections[0].Anchor)
}

func TestPDFWhosePageTreeLoopsFailsWithoutWaitingForTheTimeout(t *testing.T) {
	const text = "BT /F1 12 Tf 72 720 Td (Hello) Tj ET"
	for name, data := range map[string][]byte{
		// The page tree's root lists itself among its kids.
		"kids.pdf": testpdf.Build(
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 5 >>",
			"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
			testpdf.Stream("", []byte(text)),
			testpdf.Font,
		),
		// Two branches list each other.
		"branches.pdf": testpdf.Build(
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 3 >>",
			"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 3 >>",
		),
		// A page is its own parent: looking up its fonts climbs forever.
		"parent.pdf": testpdf.OnePage("/Parent 3 0 R", text),
	} {
		_, err := parsePDF(t, name, data)
		require.EqualError(t, err, name+" could not be read: the PDF's page tree loops back on itself")
		var pe *parser.ParseError
		require.ErrorAs(t, err, &pe, "the file's fault: no retry")
	}
}

func TestPDFThatInflatesToGigabytesFailsAndLeavesTheProcessSmall(t *testing.T) {
	data := testpdf.Inflating(1 << 30)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := parsePDF(t, "bomb.pdf", data)
	runtime.ReadMemStats(&after)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20), "the inflating happens in the child")
	require.EqualError(t, err, "bomb.pdf could not be read: its pages' content decompresses to more than 128 MiB (a damaged or deliberately crafted file?)")
}

func TestPDFWithTooManyPagesFails(t *testing.T) {
	objects := []string{"<< /Type /Catalog /Pages 2 0 R >>", ""}
	var kids []string
	for i := range 2001 {
		kids = append(kids, fmt.Sprintf("%d 0 R", i+3))
		objects = append(objects, "<< /Type /Page /Parent 2 0 R >>")
	}
	objects[1] = "<< /Type /Pages /Kids [" + strings.Join(kids, " ") + "] /Count 2001 >>"
	_, err := parsePDF(t, "long.pdf", testpdf.Build(objects...))
	require.EqualError(t, err, "long.pdf has more than 2000 pages: split it into smaller files")
}

package knowledge_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/knowledge"
)

// buildPDF writes a PDF holding objects 1..n (object 1 the catalog) with a
// correct cross-reference table.
func buildPDF(objects ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// pdfStream is a stream object with the given dictionary entries.
func pdfStream(dict string, data []byte) string {
	return fmt.Sprintf("<< /Length %d %s >>\nstream\n%s\nendstream", len(data), dict, data)
}

const pdfFont = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"

// onePagePDF is a PDF whose one page (object 3) has pageDict's entries and
// shows text from the content stream (object 4).
func onePagePDF(pageDict, content string) []byte {
	return buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page "+pageDict+" /MediaBox [0 0 612 792] /Contents 4 0 R >>",
		pdfStream("", []byte(content)),
		pdfFont,
	)
}

// parsePDF parses data as a PDF, failing the test when that never ends (the
// old reader looped forever on some of these files).
func parsePDF(t *testing.T, name string, data []byte) (knowledge.Parsed, error) {
	t.Helper()
	format, err := knowledge.DetectFormat(name, data)
	require.NoError(t, err)
	require.Equal(t, knowledge.FormatPDF, format)
	type result struct {
		p   knowledge.Parsed
		err error
	}
	done := make(chan result, 1)
	go func() {
		p, err := knowledge.Parse(context.Background(), format, name, data)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		return r.p, r.err
	case <-time.After(2 * time.Minute):
		t.Fatalf("parsing %s never ends", name)
		return knowledge.Parsed{}, nil
	}
}

func TestBuiltPDFParses(t *testing.T) {
	data := onePagePDF("/Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >>", "BT /F1 12 Tf 72 720 Td (Hello from a built PDF) Tj ET")
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
		"kids.pdf": buildPDF(
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 5 >>",
			"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
			pdfStream("", []byte(text)),
			pdfFont,
		),
		// Two branches list each other.
		"branches.pdf": buildPDF(
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 3 >>",
			"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 3 >>",
		),
		// A page is its own parent: looking up its fonts climbs forever.
		"parent.pdf": onePagePDF("/Parent 3 0 R", text),
	} {
		_, err := parsePDF(t, name, data)
		require.EqualError(t, err, name+" could not be read: the PDF's page tree loops back on itself")
		var pe *knowledge.ParseError
		require.ErrorAs(t, err, &pe, "the file's fault: no retry")
	}
}

// inflatingPDF is a PDF of a few KB whose page content, a string that never
// ends, inflates to size bytes (FlateDecode twice).
func inflatingPDF(t *testing.T, size int) []byte {
	t.Helper()
	var z bytes.Buffer
	outer, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	require.NoError(t, err)
	inner, err := zlib.NewWriterLevel(outer, zlib.BestSpeed)
	require.NoError(t, err)
	_, err = inner.Write([]byte("BT /F1 12 Tf 72 720 Td ("))
	require.NoError(t, err)
	chunk := bytes.Repeat([]byte("A"), 1<<20)
	for range size >> 20 {
		_, err = inner.Write(chunk)
		require.NoError(t, err)
	}
	require.NoError(t, inner.Close())
	require.NoError(t, outer.Close())
	require.Less(t, z.Len(), 64<<10)
	return buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		pdfStream("/Filter [/FlateDecode /FlateDecode]", z.Bytes()),
		pdfFont,
	)
}

func TestPDFThatInflatesToGigabytesFailsAndLeavesTheProcessSmall(t *testing.T) {
	data := inflatingPDF(t, 1<<30)
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
	_, err := parsePDF(t, "long.pdf", buildPDF(objects...))
	require.EqualError(t, err, "long.pdf has more than 2000 pages: split it into smaller files")
}

func TestHostilePDFsFailAloneInIngestion(t *testing.T) {
	e := setup(t)
	kb := e.base("Manuals")
	loop := buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
	)
	docs, rejected, err := e.svc.UploadFiles(e.ctx, e.actor, e.wsID, kb.ID, []knowledge.Upload{
		{Filename: "loop.pdf", Data: loop},
		{Filename: "bomb.pdf", Data: inflatingPDF(t, 256<<20)},
		{Filename: "guide.pdf", Data: readFixture(t, "guide.pdf")},
	})
	require.NoError(t, err)
	require.Empty(t, rejected)
	require.Len(t, docs, 3)
	p := e.wait(kb.ID)
	require.Equal(t, 1, p.DocumentsDone)
	require.Equal(t, 2, p.DocumentsFailed)
	got := e.docs(kb.ID, nil)
	require.Equal(t, "ready", got["guide.pdf"].Status, got["guide.pdf"].Error)
	require.Equal(t, "failed", got["loop.pdf"].Status)
	require.Equal(t, "loop.pdf could not be read: the PDF's page tree loops back on itself", got["loop.pdf"].Error)
	require.Equal(t, "failed", got["bomb.pdf"].Status)
	require.Contains(t, got["bomb.pdf"].Error, "bomb.pdf could not be read: its pages' content decompresses to more than 128 MiB")
}

package parser

import (
	"bytes"
	"context"
	"testing"

	"github.com/ledongthuc/pdf"
	"github.com/stretchr/testify/require"
)

// The page tree walk finds the pages pdf.Reader.Page finds, and a PDF read
// in the child comes back as it is read in this process.
func TestPDFReadInTheChildIsReadAsBefore(t *testing.T) {
	data := fixture(t, "guide.pdf")
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	pages, err := pdfPages(r, "guide.pdf")
	require.NoError(t, err)
	require.Len(t, pages, r.NumPage())
	for i, p := range pages {
		require.Equal(t, r.Page(i+1).V.String(), p.V.String(), "page %d", i+1)
	}

	inProcess, err := parsePDF("guide.pdf", data)
	require.NoError(t, err)
	sandboxed, err := ParsePDF(context.Background(), "guide.pdf", data)
	require.NoError(t, err)
	require.Equal(t, inProcess, sandboxed)
	require.Equal(t, "Returns and Refunds Guide", sandboxed.Title)
	require.Len(t, sandboxed.Sections, 3)
}

// Package testpdf builds small PDF files for tests: valid ones, and the
// hostile ones Deskmate must survive (page trees that loop, content that
// inflates to gigabytes). Nothing outside tests uses it.
package testpdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
)

// Build writes a PDF holding objects 1..n (object 1 the catalog) with a
// correct cross-reference table.
func Build(objects ...string) []byte {
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

// Stream is a stream object with the given dictionary entries.
func Stream(dict string, data []byte) string {
	return fmt.Sprintf("<< /Length %d %s >>\nstream\n%s\nendstream", len(data), dict, data)
}

// Font is a standard Type 1 font object.
const Font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"

// OnePage is a PDF whose one page (object 3) has pageDict's entries and
// shows text from the content stream (object 4); object 5 is Font.
func OnePage(pageDict, content string) []byte {
	return Build(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page "+pageDict+" /MediaBox [0 0 612 792] /Contents 4 0 R >>",
		Stream("", []byte(content)),
		Font,
	)
}

// Looping is a PDF whose page tree lists itself among its kids.
func Looping() []byte {
	return Build(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
	)
}

// Inflating is a PDF of a few KB whose page content, a string that never
// ends, inflates to size bytes (FlateDecode twice).
func Inflating(size int) []byte {
	var z bytes.Buffer
	outer, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	inner, _ := zlib.NewWriterLevel(outer, zlib.BestSpeed)
	inner.Write([]byte("BT /F1 12 Tf 72 720 Td ("))
	chunk := bytes.Repeat([]byte("A"), 1<<20)
	for range size >> 20 {
		inner.Write(chunk)
	}
	inner.Close()
	outer.Close()
	return Build(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		Stream("/Filter [/FlateDecode /FlateDecode]", z.Bytes()),
		Font,
	)
}

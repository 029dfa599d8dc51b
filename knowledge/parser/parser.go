package parser

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Formats Deskmate reads.
const (
	FormatMarkdown = "markdown"
	FormatText     = "text"
	FormatHTML     = "html"
	FormatPDF      = "pdf"
	FormatCSV      = "csv"
	FormatDOCX     = "docx"
)

// MaxDocumentBytes bounds a document Deskmate reads: an upload, or a
// document fetched from a URL (a PDF, say).
const MaxDocumentBytes = 20 << 20

// Parsed is a document's text split along its structure.
type Parsed struct {
	// Title found in the document (HTML <title>, first heading, PDF or .docx
	// properties); may be empty.
	Title    string
	Sections []Section
}

// Section is a run of text under one heading path.
type Section struct {
	// Headings below the document title, outermost first.
	Headings []string
	// Anchor is the fragment that links to the section ("" when unknown).
	Anchor string
	// Text is paragraphs separated by blank lines.
	Text string
	// Whole keeps the section in one chunk (a question with its answer).
	Whole bool
}

// ParseError is a problem with a document's content, shown to the user as
// the document's error. Retrying without changing the content does not help.
type ParseError struct{ Msg string }

func (e *ParseError) Error() string { return e.Msg }

func Errorf(format string, args ...any) error {
	return &ParseError{Msg: fmt.Sprintf(format, args...)}
}

// Extensions maps file name Extensions to formats.
var Extensions = map[string]string{
	".md": FormatMarkdown, ".markdown": FormatMarkdown, ".txt": FormatText, ".text": FormatText,
	".html": FormatHTML, ".htm": FormatHTML, ".pdf": FormatPDF, ".csv": FormatCSV, ".docx": FormatDOCX,
}

// SupportedExtensions lists the file types uploads accept.
const SupportedExtensions = ".md, .txt, .html, .pdf, .csv or .docx"

// DetectFormat picks a file's format from its name and checks that the
// content looks like it (a PDF starts with %PDF-, a .docx is a zip, text is
// not binary).
func DetectFormat(filename string, data []byte) (string, error) {
	ext := strings.ToLower(path.Ext(filename))
	format, ok := Extensions[ext]
	if !ok {
		hint := ""
		switch ext {
		case ".doc":
			hint = " (save it as .docx)"
		case ".xlsx", ".xls":
			hint = " (export it as .csv)"
		}
		if ext == "" {
			return "", Errorf("%s has no file extension: upload %s", filename, SupportedExtensions)
		}
		return "", Errorf("%s: %s files are not supported%s: upload %s", filename, ext, hint, SupportedExtensions)
	}
	if len(data) == 0 {
		return "", Errorf("%s is empty", filename)
	}
	looks := sniff(data)
	switch format {
	case FormatPDF:
		if !bytes.HasPrefix(bytes.TrimLeft(data[:min(len(data), 1024)], "\x00\t\r\n "), []byte("%PDF-")) {
			return "", Errorf("%s is not a PDF file (its content looks like %s)", filename, looks)
		}
	case FormatDOCX:
		if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
			return "", Errorf("%s is not a .docx file (its content looks like %s)", filename, looks)
		}
	default:
		if binary(data) {
			return "", Errorf("%s is not a text file (its content looks like %s)", filename, looks)
		}
	}
	return format, nil
}

// sniff describes content for error messages.
func sniff(data []byte) string {
	ct := http.DetectContentType(data)
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "a PDF"
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return "a zip archive"
	case strings.HasPrefix(ct, "text/html"):
		return "HTML"
	case strings.HasPrefix(ct, "text/"):
		return "text"
	case strings.HasPrefix(ct, "image/"):
		return "an image (" + ct + ")"
	}
	return ct
}

// binary reports whether data holds NUL bytes or other control characters
// that text never has.
func binary(data []byte) bool {
	sample := data[:min(len(data), 8192)]
	ctrl := 0
	for _, b := range sample {
		if b == 0 {
			return true
		}
		if b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' {
			ctrl++
		}
	}
	return ctrl > len(sample)/100+1
}

// decodeText returns data as UTF-8: a BOM is dropped, and text that is not
// valid UTF-8 is read as Windows-1252 (spreadsheet exports often are).
func decodeText(data []byte) string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return string(data)
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	return string(out)
}

// Parse reads a document of a known format. ctx bounds the formats read in
// a child process (PDF): cancelling it stops the reading.
func Parse(ctx context.Context, format, filename string, data []byte) (p Parsed, err error) {
	defer func() {
		// The PDF and zip readers can panic on hostile input.
		if r := recover(); r != nil {
			p, err = Parsed{}, Errorf("%s could not be read: the file is damaged", displayName(filename, format))
		}
	}()
	switch format {
	case FormatMarkdown:
		return ParseMarkdown(decodeText(data)), nil
	case FormatText:
		return Text(decodeText(data)), nil
	case FormatHTML:
		return ParseHTML(data)
	case FormatPDF:
		return ParsePDF(ctx, filename, data)
	case FormatCSV:
		return ParseCSV(filename, decodeText(data))
	case FormatDOCX:
		return ParseDOCX(filename, data)
	}
	return Parsed{}, Errorf("unknown format %q", format)
}

func displayName(filename, format string) string {
	if filename != "" {
		return filename
	}
	return "the " + format + " document"
}

// Text reads plain text: paragraphs under no heading.
func Text(s string) Parsed {
	s = NormalizeNewlines(s)
	return Parsed{Sections: []Section{{Text: strings.TrimSpace(s)}}}
}

func NormalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// HasText reports whether a parsed document has any text at all.
func (p Parsed) HasText() bool {
	for _, s := range p.Sections {
		if strings.TrimSpace(s.Text) != "" {
			return true
		}
	}
	return false
}

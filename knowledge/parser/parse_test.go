package parser

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func parseFixture(t *testing.T, name string) Parsed {
	t.Helper()
	b := fixture(t, name)
	format, err := DetectFormat(name, b)
	require.NoError(t, err)
	p, err := Parse(context.Background(), format, name, b)
	require.NoError(t, err)
	return p
}

type sectionView struct {
	Path, Anchor, Text string
}

func sections(p Parsed) []sectionView {
	var out []sectionView
	for _, s := range p.Sections {
		out = append(out, sectionView{strings.Join(s.Headings, " › "), s.Anchor, s.Text})
	}
	return out
}

func TestParseEachFileType(t *testing.T) {
	t.Run("pdf", func(t *testing.T) {
		p := parseFixture(t, "guide.pdf")
		require.Equal(t, "Returns and Refunds Guide", p.Title, "from the PDF's Title property")
		require.Equal(t, []sectionView{
			{"", "page=1", "You can return any unworn item within 30 days of delivery. Items must be in their original packaging with the tags attached.\n\n" +
				"Refunds are issued to the original payment method within 5 business days after the returned parcel reaches our warehouse."},
			{"Damaged items", "page=1", "If an item arrived damaged, send a photo to support and we replace it for free."},
			{"Shipping", "page=2", "Standard shipping takes 3 to 5 business days. Express shipping arrives the next day when ordered before 2 pm."},
		}, sections(p))
	})
	t.Run("docx", func(t *testing.T) {
		p := parseFixture(t, "warranty.docx")
		require.Equal(t, "Warranty Handbook", p.Title, "from the Title style")
		require.Equal(t, []sectionView{
			{"", "", "Every Acme kettle comes with a two-year warranty covering defects in materials and workmanship."},
			{"Making a claim", "", "Send the order number and a short description of the fault to support.\n\n- Keep the receipt\n- Describe the fault"},
			{"Making a claim › What is not covered", "", "Damage caused by limescale, drops or use with the wrong voltage is not covered.\n\n" +
				"Product | Warranty\nKettle | 2 years\nToaster | 1 year"},
		}, sections(p), "a localised heading style id is found through styles.xml")
	})
	t.Run("csv", func(t *testing.T) {
		p := parseFixture(t, "faq.csv")
		require.Len(t, p.Sections, 3, "the row without a question is skipped")
		for _, s := range p.Sections {
			require.True(t, s.Whole)
		}
		require.Equal(t, []string{"Do you ship to Canada?"}, p.Sections[2].Headings)
		require.Equal(t, "Do you ship to Canada?\n\nYes, we ship to Canada; delivery takes 7 to 10 business days and duties are included.", p.Sections[2].Text)
	})
	t.Run("markdown", func(t *testing.T) {
		p := parseFixture(t, "shipping.md")
		require.Equal(t, "Shipping policy", p.Title)
		got := sections(p)
		require.Len(t, got, 4)
		require.Equal(t, sectionView{"Delivery times › Express", "express", "Express delivery arrives the next business day when ordered before 2 pm."}, got[2])
		require.Contains(t, got[3].Text, "# this is code, not a heading", "code fences are not headings")
	})
	t.Run("text", func(t *testing.T) {
		p := parseFixture(t, "hours.txt")
		require.Len(t, p.Sections, 1)
		require.Contains(t, p.Sections[0].Text, "\n\nOn public holidays")
	})
	t.Run("html", func(t *testing.T) {
		p := parseFixture(t, "loyalty.html")
		require.Equal(t, "Loyalty program", p.Title, "the h1, not the <title> with the site name")
		got := sections(p)
		require.Equal(t, []sectionView{
			{"", "", "Earn one point for every euro you spend. Points appear in your account once the order ships."},
			{"Redeeming points", "redeem", "Use 100 points for a 5 euro discount at checkout.\n\n- Points cannot be exchanged for cash.\n- Points expire after 12 months."},
			{"Tiers", "tiers", "Tier | Points\nSilver | 500\nGold | 2000"},
		}, got)
		all := ""
		for _, s := range got {
			all += s.Text
		}
		for _, hidden := range []string{"tracking", "Account", "Privacy", "Secret", "color"} {
			require.NotContains(t, all, hidden, "scripts, styles, navigation, footers and hidden elements are left out")
		}
	})
}

func TestDetectFormatRefusesWhatItCannotRead(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"notes.pdf", []byte("just some text"), "notes.pdf is not a PDF file (its content looks like text)"},
		{"letter.docx", []byte("%PDF-1.4 ..."), "letter.docx is not a .docx file (its content looks like a PDF)"},
		{"photo.txt", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "photo.txt is not a text file (its content looks like an image (image/png))"},
		{"old.doc", []byte("x"), "old.doc: .doc files are not supported (save it as .docx): upload .md, .txt, .html, .pdf, .csv or .docx"},
		{"README", []byte("x"), "README has no file extension"},
		{"empty.md", nil, "empty.md is empty"},
	} {
		_, err := DetectFormat(c.name, c.data)
		require.ErrorContains(t, err, c.want, c.name)
		var pe *ParseError
		require.ErrorAs(t, err, &pe)
	}
	f, err := DetectFormat("FAQ.CSV", []byte("q,a\nx,y"))
	require.NoError(t, err)
	require.Equal(t, FormatCSV, f)
}

func TestMalformedContentGivesAClearError(t *testing.T) {
	_, err := Parse(context.Background(), FormatPDF, "broken.pdf", fixture(t, "broken.pdf"))
	require.ErrorContains(t, err, "broken.pdf could not be read as a PDF")

	_, err = Parse(context.Background(), FormatDOCX, "x.docx", []byte("PK\x03\x04 not really a zip"))
	require.ErrorContains(t, err, "x.docx is not a valid .docx file")

	_, err = Parse(context.Background(), FormatCSV, "faq.csv", []byte("name,email\nAna,ana@example.com\n"))
	require.EqualError(t, err, `faq.csv: the first row must name a question and an answer column (question/answer or q/a); found "name, email"`)

	_, err = Parse(context.Background(), FormatCSV, "faq.csv", []byte("Question,Answer\n,\n"))
	require.EqualError(t, err, "faq.csv has no rows with both a question and an answer")
}

func TestCSVHeadersAndEncodings(t *testing.T) {
	// Tab separated, upper-case headers, Windows-1252 text (é = 0xE9).
	p, err := Parse(context.Background(), FormatCSV, "faq.csv", []byte("QUESTION\tANSWER\tNotes\nCaf\xe9 open?\tYes, every day.\tx\n"))
	require.NoError(t, err)
	require.Equal(t, []string{"Café open?"}, p.Sections[0].Headings)
	// A BOM and quoted multi-line answers.
	p, err = Parse(context.Background(), FormatCSV, "faq.csv", []byte("\xef\xbb\xbfquestion,answer\n\"Refund?\",\"Yes.\nWithin 30 days.\"\n"))
	require.NoError(t, err)
	require.Equal(t, "Refund?\n\nYes.\nWithin 30 days.", p.Sections[0].Text)
}

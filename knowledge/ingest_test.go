package knowledge_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/testpdf"
	"github.com/deskmate/deskmate/knowledge"
)

func TestUploadsOfEveryTypeAndAMalformedOneDoNotBlockEachOther(t *testing.T) {
	e := setup(t)
	kb := e.base("Help center")
	var files []knowledge.Upload
	for _, name := range []string{"guide.pdf", "warranty.docx", "faq.csv", "shipping.md", "hours.txt", "loyalty.html", "broken.pdf"} {
		files = append(files, knowledge.Upload{Filename: name, Data: readFixture(t, name)})
	}
	files = append(files,
		knowledge.Upload{Filename: "notes.pdf", Data: []byte("plain text pretending")},
		knowledge.Upload{Filename: "old.doc", Data: []byte("x")})
	docs, rejected, err := e.svc.UploadFiles(e.ctx, e.actor, kb.ID, files)
	require.NoError(t, err)
	require.Len(t, docs, 7)
	require.Equal(t, []knowledge.Rejected{
		{Filename: "notes.pdf", Error: "notes.pdf is not a PDF file (its content looks like text)"},
		{Filename: "old.doc", Error: "old.doc: .doc files are not supported (save it as .docx): upload .md, .txt, .html, .pdf, .csv or .docx"},
	}, rejected)

	p := e.wait(kb.ID)
	require.Equal(t, 7, p.DocumentsTotal)
	require.Equal(t, 6, p.DocumentsDone)
	require.Equal(t, 1, p.DocumentsFailed)
	require.Equal(t, p.ChunksTotal, p.ChunksDone)
	require.NotNil(t, p.Run)
	require.Equal(t, "upload", p.Run.Kind)
	require.Equal(t, 6, p.Run.DocumentsDone)
	require.Equal(t, 1, p.Run.DocumentsFailed)
	require.NotNil(t, p.Run.FinishedAt)

	got := e.docs(kb.ID, nil)
	for name, want := range map[string]struct {
		title  string
		chunks int
	}{
		"guide.pdf": {"Returns and Refunds Guide", 3}, "warranty.docx": {"Warranty Handbook", 3}, "faq.csv": {"faq", 3},
		"shipping.md": {"Shipping policy", 4}, "hours.txt": {"hours", 1}, "loyalty.html": {"Loyalty program", 3},
	} {
		d := got[name]
		require.Equal(t, "ready", d.Status, "%s: %s", name, d.Error)
		require.Equal(t, want.title, d.Title, name)
		require.Equal(t, want.chunks, d.ChunkCount, name)
		require.Equal(t, want.chunks, d.ChunksEmbedded, name)
	}
	broken := got["broken.pdf"]
	require.Equal(t, "failed", broken.Status)
	require.Contains(t, broken.Error, "broken.pdf could not be read as a PDF")

	// Retrying a damaged file fails it again with the same reason; retrying a
	// ready document is refused.
	_, err = e.svc.Retry(e.ctx, e.actor, kb.ID, broken.ID)
	require.NoError(t, err)
	e.wait(kb.ID)
	again := e.docs(kb.ID, nil)["broken.pdf"]
	require.Equal(t, "failed", again.Status)
	require.Equal(t, broken.Error, again.Error)
	_, err = e.svc.Retry(e.ctx, e.actor, kb.ID, got["faq.csv"].ID)
	var ce *knowledge.ConflictError
	require.ErrorAs(t, err, &ce)

	r := e.search("how many days until my refund is issued", knowledge.SearchOptions{})
	require.NotEmpty(t, r.Results)
	require.Equal(t, "Returns and Refunds Guide", r.Results[0].TitlePath)
	require.Equal(t, "builtin-hash-v1", r.Model)
	r = e.search("Do you deliver to Canada?", knowledge.SearchOptions{Limit: 3})
	require.Equal(t, "faq › Do you ship to Canada?", r.Results[0].TitlePath)
	require.Len(t, r.Results, 3)
}

func TestSearchRanksTheRightChunkFirstAndHonoursFilters(t *testing.T) {
	e := setup(t)
	policies := e.base("Policies")
	products := e.base("Products")
	e.addText(policies.ID, "Returns", "# Returns\n\nYou may return unworn items within 30 days for a full refund.\n\n"+
		"## Exchanges\n\nTo exchange a size, start a return and place a new order.\n\n## Damaged parcels\n\nPhotograph the damage and contact us within 48 hours.")
	e.addText(policies.ID, "Payments", "We accept Visa, Mastercard and PayPal. Invoices are emailed after each purchase.\n\n"+
		"## Failed payments\n\nIf your card is declined, check the billing address or try another card.")
	care := e.addText(products.ID, "Kettle care", "Descale the kettle every month with white vinegar.\n\n## Warranty\n\nThe kettle has a two-year warranty.")
	e.wait(policies.ID)
	e.wait(products.ID)

	for query, want := range map[string]string{
		"can I swap my shoes for a bigger size": "Returns › Exchanges",
		"my card was declined":                  "Payments › Failed payments",
		"parcel arrived broken":                 "Returns › Damaged parcels",
		"how do I remove limescale from kettle": "Kettle care",
		"what payment methods are accepted":     "Payments",
		"\"two-year warranty\"":                 "Kettle care › Warranty",
		"refund within 30 days of unworn items": "Returns",
	} {
		r := e.search(query, knowledge.SearchOptions{})
		require.NotEmpty(t, r.Results, query)
		require.Equal(t, want, r.Results[0].TitlePath, "query %q: %+v", query, r.Results[0])
	}
	top := e.search("my card was declined", knowledge.SearchOptions{}).Results[0]
	require.Equal(t, 1, top.VectorRank)
	require.Equal(t, 1, top.TextRank)
	require.Greater(t, top.VectorScore, 0.0)
	require.Greater(t, top.TextScore, 0.0)
	require.Equal(t, "Payments", top.Title)
	require.Contains(t, top.Text, "declined")

	// Limited to one knowledge base.
	r := e.search("warranty", knowledge.SearchOptions{KnowledgeBaseIDs: []int64{policies.ID}})
	for _, res := range r.Results {
		require.Equal(t, policies.ID, res.KnowledgeBaseID)
	}
	// A disabled document, then a disabled knowledge base, are never found.
	off := false
	_, err := e.svc.UpdateDocument(e.ctx, e.actor, products.ID, care.ID, knowledge.DocumentPatch{Enabled: &off})
	require.NoError(t, err)
	for _, res := range e.search("kettle warranty descale", knowledge.SearchOptions{}).Results {
		require.NotEqual(t, care.ID, res.DocumentID)
	}
	on := true
	_, err = e.svc.UpdateDocument(e.ctx, e.actor, products.ID, care.ID, knowledge.DocumentPatch{Enabled: &on})
	require.NoError(t, err)
	require.Equal(t, care.ID, e.search("kettle warranty descale", knowledge.SearchOptions{}).Results[0].DocumentID)
	_, err = e.svc.UpdateBase(e.ctx, e.actor, products.ID, knowledge.BaseInput{Enabled: &off})
	require.NoError(t, err)
	for _, res := range e.search("kettle warranty descale", knowledge.SearchOptions{}).Results {
		require.NotEqual(t, products.ID, res.KnowledgeBaseID)
	}
}

func TestEditingReembedsOnlyChangedChunks(t *testing.T) {
	e := setup(t)
	kb := e.base("Guides")
	text := "# Setup\n\nPlug the router in and wait for the light.\n\n## Wi-Fi\n\nThe password is on the sticker.\n\n## Updates\n\nUpdates install at night."
	d := e.addText(kb.ID, "Router guide", text)
	e.wait(kb.ID)
	require.EqualValues(t, 3, e.embedded.Load())

	// One section changed: one chunk embedded again, two keep their vectors.
	changed := strings.Replace(text, "on the sticker", "on the sticker under the router", 1)
	_, err := e.svc.UpdateDocument(e.ctx, e.actor, kb.ID, d.ID, knowledge.DocumentPatch{Text: &changed})
	require.NoError(t, err)
	e.wait(kb.ID)
	require.EqualValues(t, 4, e.embedded.Load())
	require.Equal(t, 3, e.count(`SELECT count(*) FROM knowledge_chunks WHERE document_id = $1`, d.ID))
	require.Equal(t, 3, e.count(`SELECT count(*) FROM knowledge_embeddings e JOIN knowledge_chunks c ON c.id = e.chunk_id WHERE c.document_id = $1`, d.ID))
	require.Contains(t, e.search("where is the wifi password", knowledge.SearchOptions{}).Results[0].Text, "under the router")
	require.EqualValues(t, 5, e.embedded.Load(), "the query is embedded too")

	// A section added at the top shifts the others: only the new one is embedded.
	moved := "Read this first.\n\n" + changed
	_, err = e.svc.UpdateDocument(e.ctx, e.actor, kb.ID, d.ID, knowledge.DocumentPatch{Text: &moved})
	require.NoError(t, err)
	e.wait(kb.ID)
	require.EqualValues(t, 6, e.embedded.Load())

	// The title is part of every chunk's title path: all are embedded again.
	title := "Router handbook"
	_, err = e.svc.UpdateDocument(e.ctx, e.actor, kb.ID, d.ID, knowledge.DocumentPatch{Title: &title})
	require.NoError(t, err)
	e.wait(kb.ID)
	require.EqualValues(t, 10, e.embedded.Load())
	require.Equal(t, 4, e.count(`SELECT count(*) FROM knowledge_embeddings`))

	// New chunk settings re-chunk every document.
	size := 300
	_, err = e.svc.UpdateBase(e.ctx, e.actor, kb.ID, knowledge.BaseInput{ChunkSize: &size})
	require.NoError(t, err)
	p := e.wait(kb.ID)
	require.Equal(t, "rechunk", p.Run.Kind)
	require.Equal(t, 1, p.DocumentsDone)
}

func TestChangingTheLanguageRebuildsTheTextIndex(t *testing.T) {
	e := setup(t)
	kb := e.base("Aide")
	e.addText(kb.ID, "Cantine", "Nous mangeons des pommes à midi.")
	e.wait(kb.ID)
	// "nous" is a word in English text search, a stopword in French.
	require.Len(t, e.search("nous", knowledge.SearchOptions{VectorWeight: -1, TextWeight: 1}).Results, 1)
	lang := "french"
	_, err := e.svc.UpdateBase(e.ctx, e.actor, kb.ID, knowledge.BaseInput{Language: &lang})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return e.count(`SELECT count(*) FROM knowledge_chunks WHERE language = 'french'::regconfig`) == 1
	}, 30*time.Second, 20*time.Millisecond)
	require.Empty(t, e.search("nous", knowledge.SearchOptions{VectorWeight: -1, TextWeight: 1}).Results)
	r := e.search("pomme", knowledge.SearchOptions{VectorWeight: -1, TextWeight: 1})
	require.Len(t, r.Results, 1)
	require.Equal(t, "Cantine", r.Results[0].Title)
}

func TestHostilePDFsFailAloneInIngestion(t *testing.T) {
	e := setup(t)
	kb := e.base("Manuals")
	loop := testpdf.Looping()
	docs, rejected, err := e.svc.UploadFiles(e.ctx, e.actor, kb.ID, []knowledge.Upload{
		{Filename: "loop.pdf", Data: loop},
		{Filename: "bomb.pdf", Data: testpdf.Inflating(256 << 20)},
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

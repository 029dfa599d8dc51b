package knowledge_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/internal/validate"
	"github.com/deskmate/deskmate/knowledge"
	"github.com/deskmate/deskmate/store"
)

// site is a small help center served on 127.0.0.1.
type site struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[string]string // path → HTML body
	etags map[string]string
	hits  map[string]int
}

func page(title, body string, links ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<html><head><title>%s | Help</title></head><body><main><h1>%s</h1><p>%s</p>", title, title, body)
	for _, l := range links {
		fmt.Fprintf(&b, `<a href="%s">link</a> `, l)
	}
	b.WriteString("</main></body></html>")
	return b.String()
}

func newSite(t *testing.T) *site {
	s := &site{pages: map[string]string{
		"/":               page("Help center", "Welcome to the help center.", "/a", "b", "/private/secret", "http://other.example/x", "/files/manual.pdf", "/redirect-out", "/noindex#top"),
		"/a":              page("Returns", "Return items within 30 days.", "/a/deep"),
		"/a/deep":         page("Return labels", "Print the label from your account.", "/a/deep/deeper"),
		"/a/deep/deeper":  page("Label printers", "Any printer works."),
		"/b":              page("Billing", "Invoices are emailed monthly.", "/"),
		"/private/secret": page("Secret", "Never fetch me."),
		"/noindex":        strings.Replace(page("Hidden", "Not indexed.", "/b"), "<head>", `<head><meta name="robots" content="noindex">`, 1),
		"/guide":          "# Setup guide\n\nConnect the cable.\n\n## Wi-Fi\n\nThe password is on the sticker.\n\n## Updates\n\nUpdates install at night.",
	}, etags: map[string]string{}, hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.hits[r.URL.Path]++
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
			return
		case "/redirect-out":
			_, port, _ := strings.Cut(r.Host, ":")
			http.Redirect(w, r, "http://[::1]:"+port+"/a", http.StatusFound)
			return
		case "/sitemap.xml":
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+
				`<url><loc>%[1]s/a</loc></url><url><loc>%[1]s/b</loc></url><url><loc>%[1]s/private/secret</loc></url>`+
				`<url><loc>http://other.example/page</loc></url><url><loc>%[1]s/missing</loc></url></urlset>`, s.URL)
			return
		case "/guide":
			etag := s.etags["/guide"]
			if etag != "" && r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", etag)
			w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
			fmt.Fprint(w, s.pages["/guide"])
			return
		}
		body, ok := s.pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) set(path, body, etag string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if body == "" {
		delete(s.pages, path)
	} else {
		s.pages[path] = body
	}
	s.etags[path] = etag
}

func (s *site) hitCount(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (e *env) addWeb(kb int64, in knowledge.DocumentInput) store.KnowledgeDocument {
	e.t.Helper()
	d, err := e.svc.AddDocument(e.ctx, e.actor, kb, in)
	require.NoError(e.t, err)
	return d
}

func pathsOf(docs map[string]store.KnowledgeDocument) []string {
	var out []string
	for raw := range docs {
		u, _ := url.Parse(raw)
		out = append(out, u.Path)
	}
	return out
}

func intp(n int) *int { return &n }

func TestCrawlFollowsRobotsLimitsAndTheURLGuard(t *testing.T) {
	s := newSite(t)
	e := setup(t, withAllow("127.0.0.1/32"))
	kb := e.base("Site")
	crawl := e.addWeb(kb.ID, knowledge.DocumentInput{Kind: knowledge.KindCrawl, URL: s.URL + "/#top", MaxPages: intp(10), MaxDepth: intp(2)})
	require.Equal(t, s.URL+"/", crawl.URL, "normalised, without fragment")
	e.wait(kb.ID)

	root := e.docs(kb.ID, nil)[s.URL+"/"]
	require.Equal(t, "ready", root.Status, root.Error)
	require.Equal(t, "crawl", root.SourceType)
	pages := e.docs(kb.ID, &crawl.ID)
	require.ElementsMatch(t, []string{"/", "/a", "/b", "/a/deep"}, pathsOf(pages),
		"depth 2 at most; /noindex is read for links but not kept; the redirect to ::1 and the other host are skipped")
	require.Equal(t, store.PageCounts{Total: 4, Ready: 4}, e.docs(kb.ID, nil)[s.URL+"/"].Pages)
	for _, p := range pages {
		require.Equal(t, "ready", p.Status, p.Error)
		require.Equal(t, "page", p.SourceType)
	}
	require.Equal(t, "Return labels", pages[s.URL+"/a/deep"].Title)
	require.Equal(t, 0, s.hitCount("/private/secret"), "robots.txt disallows /private")
	require.Equal(t, 0, s.hitCount("/a/deep/deeper"), "beyond max_depth")
	require.Equal(t, 1, s.hitCount("/noindex"))

	r := e.search("print a return label", knowledge.SearchOptions{})
	require.Equal(t, "Return labels", r.Results[0].TitlePath)
	require.Equal(t, s.URL+"/a/deep", r.Results[0].URL)

	// Re-sync: a changed page is ingested again, a removed one deleted,
	// unchanged ones keep their chunks and vectors.
	before := e.embedded.Load()
	s.set("/b", page("Billing", "Invoices are emailed every week now.", "/"), "")
	s.set("/a/deep", "", "")
	_, err := e.svc.Resync(e.ctx, e.actor, kb.ID, crawl.ID)
	require.NoError(t, err)
	e.wait(kb.ID)
	pages = e.docs(kb.ID, &crawl.ID)
	require.ElementsMatch(t, []string{"/", "/a", "/b"}, pathsOf(pages))
	require.EqualValues(t, 1, e.embedded.Load()-before, "only the changed page's chunk is embedded")

	// A page limit.
	kb2 := e.base("Small")
	small := e.addWeb(kb2.ID, knowledge.DocumentInput{Kind: knowledge.KindCrawl, URL: s.URL, MaxPages: intp(2)})
	e.wait(kb2.ID)
	require.Len(t, e.docs(kb2.ID, &small.ID), 2)

	// A web page that redirects to a destination the guard refuses fails with the reason.
	out := e.addWeb(kb2.ID, knowledge.DocumentInput{Kind: knowledge.KindURL, URL: s.URL + "/redirect-out"})
	e.wait(kb2.ID)
	failed := e.docs(kb2.ID, nil)[out.URL]
	require.Equal(t, "failed", failed.Status)
	require.Contains(t, failed.Error, "::1")
	require.Contains(t, failed.Error, "not allowed")
}

func TestTheURLGuardRefusesInternalAddresses(t *testing.T) {
	s := newSite(t)
	e := setup(t) // no allow list: 127.0.0.1 is a loopback address
	kb := e.base("Site")
	for _, kind := range []string{knowledge.KindURL, knowledge.KindSitemap, knowledge.KindCrawl} {
		_, err := e.svc.AddDocument(e.ctx, e.actor, kb.ID, knowledge.DocumentInput{Kind: kind, URL: s.URL + "/a"})
		var ve *validate.Error
		require.ErrorAs(t, err, &ve)
		require.Contains(t, ve.Fields["url"], "127.0.0.1, a loopback address: not allowed")
	}
	for _, raw := range []string{"http://169.254.169.254/latest/meta-data/", "file:///etc/passwd", "http://localhost:8080/"} {
		_, err := e.svc.AddDocument(e.ctx, e.actor, kb.ID, knowledge.DocumentInput{Kind: knowledge.KindURL, URL: raw})
		require.Error(t, err, raw)
	}
	require.Equal(t, 0, s.hitCount("/a"))
}

func TestSitemapKeepsTheSameHostAndWhatRobotsAllow(t *testing.T) {
	s := newSite(t)
	e := setup(t, withAllow("127.0.0.1/32"))
	kb := e.base("Site")
	sm := e.addWeb(kb.ID, knowledge.DocumentInput{Kind: knowledge.KindSitemap, URL: s.URL + "/sitemap.xml"})
	e.wait(kb.ID)
	pages := e.docs(kb.ID, &sm.ID)
	require.ElementsMatch(t, []string{"/a", "/b", "/missing"}, pathsOf(pages))
	require.Equal(t, "ready", pages[s.URL+"/a"].Status)
	missing := pages[s.URL+"/missing"]
	require.Equal(t, "failed", missing.Status)
	require.Equal(t, "GET "+s.URL+"/missing: HTTP 404 Not Found", missing.Error)
	require.Equal(t, 0, s.hitCount("/private/secret"))
	container := e.docs(kb.ID, nil)[sm.URL]
	require.Equal(t, store.PageCounts{Total: 3, Ready: 2, Failed: 1}, container.Pages)
}

func TestWebPageResyncReembedsOnlyChangedChunks(t *testing.T) {
	s := newSite(t)
	e := setup(t, withAllow("127.0.0.1/32"))
	kb := e.base("Guides")
	s.set("/guide", s.pages["/guide"], `"v1"`)
	d := e.addWeb(kb.ID, knowledge.DocumentInput{Kind: knowledge.KindURL, URL: s.URL + "/guide"})
	e.wait(kb.ID)
	got := e.docs(kb.ID, nil)[d.URL]
	require.Equal(t, "ready", got.Status, got.Error)
	require.Equal(t, "Setup guide", got.Title)
	require.Equal(t, 3, got.ChunkCount)
	require.EqualValues(t, 3, e.embedded.Load())

	// Unchanged (304 Not Modified): nothing is embedded, the sync time moves.
	_, err := e.svc.Resync(e.ctx, e.actor, kb.ID, d.ID)
	require.NoError(t, err)
	e.wait(kb.ID)
	synced := e.docs(kb.ID, nil)[d.URL]
	require.Equal(t, "ready", synced.Status)
	require.True(t, synced.LastSyncedAt.After(*got.LastSyncedAt))
	require.EqualValues(t, 3, e.embedded.Load())

	// One section changed: one chunk embedded.
	s.set("/guide", strings.Replace(s.pages["/guide"], "on the sticker", "on the back of the box", 1), `"v2"`)
	_, err = e.svc.Resync(e.ctx, e.actor, kb.ID, d.ID)
	require.NoError(t, err)
	e.wait(kb.ID)
	require.EqualValues(t, 4, e.embedded.Load())
	r := e.search("wifi password", knowledge.SearchOptions{})
	require.Equal(t, "Setup guide › Wi-Fi", r.Results[0].TitlePath)
	require.Equal(t, s.URL+"/guide#wi-fi", r.Results[0].URL)
	require.Contains(t, r.Results[0].Text, "back of the box")

	// Scheduled re-sync: due once its interval has passed.
	n, err := e.svc.ResyncDue(e.ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	_, err = e.db.Pool.Exec(e.ctx, `UPDATE knowledge_documents SET last_synced_at = now() - interval '25 hours'`)
	require.NoError(t, err)
	n, err = e.svc.ResyncDue(e.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	p := e.wait(kb.ID)
	require.Equal(t, "schedule", p.Run.Kind)
	require.Equal(t, 1, p.Run.DocumentsDone)
	require.EqualValues(t, 5, e.embedded.Load(), "the search above embedded its query; nothing changed since")
	require.WithinDuration(t, time.Now(), *e.docs(kb.ID, nil)[d.URL].LastSyncedAt, time.Minute)
}

package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/deskmate/deskmate/internal/netguard"
	"github.com/deskmate/deskmate/knowledge/parser"
)

// Crawl and sitemap limits.
const (
	DefaultMaxPages  = 50
	MaxMaxPages      = 1000
	DefaultMaxDepth  = 3
	MaxMaxDepth      = 10
	maxChildSitemaps = 50
)

// Page is a page a crawl or sitemap found. Body is nil when the page
// could not be Fetched: its own job tries again and reports why.
type Page struct {
	URL         string
	Body        []byte
	ContentType string
}

// Crawler walks one site politely: robots.txt is obeyed, one request at a
// time with a delay between requests, only on the starting host.
type Crawler struct {
	f      *Fetcher
	guard  *netguard.Guard
	delay  time.Duration
	robots map[string]*robots
	last   time.Time
}

func NewCrawler(f *Fetcher, guard *netguard.Guard, delay time.Duration) *Crawler {
	return &Crawler{f: f, guard: guard, delay: delay, robots: map[string]*robots{}}
}

// wait spaces requests by the crawl delay (or the site's Crawl-delay, up to 10s).
func (c *Crawler) wait(ctx context.Context, r *robots) error {
	d := max(c.delay, min(r.crawlDelay, maxCrawlDelay))
	if c.last.IsZero() || d <= 0 {
		c.last = time.Now()
		return nil
	}
	t := time.NewTimer(time.Until(c.last.Add(d)))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
	}
	c.last = time.Now()
	return nil
}

// robotsFor fetches and caches the robots.txt of u's origin. A missing file
// (4xx) allows everything; an unreachable one (5xx, network error) allows
// nothing, as RFC 9309 asks.
func (c *Crawler) robotsFor(ctx context.Context, u *url.URL) *robots {
	origin := u.Scheme + "://" + u.Host
	if r, ok := c.robots[origin]; ok {
		return r
	}
	var r *robots
	res, err := c.f.Get(ctx, origin+"/robots.txt", FetchOptions{Accept: "text/plain", MaxBytes: maxRobotsBytes})
	var fe *FetchError
	switch {
	case err == nil:
		r = parseRobots(string(res.Body))
	case errors.As(err, &fe) && fe.Status >= 400 && fe.Status < 500:
		r = allowAll
	default:
		r = &robots{disallowAll: true}
	}
	c.robots[origin] = r
	c.last = time.Now()
	return r
}

// NormalizeURL drops the fragment and default port, lower-cases scheme and
// host, and gives an empty path "/".
func NormalizeURL(u *url.URL) *url.URL {
	n := *u
	n.Scheme = strings.ToLower(n.Scheme)
	n.Host = strings.ToLower(n.Host)
	if (n.Scheme == "http" && strings.HasSuffix(n.Host, ":80")) || (n.Scheme == "https" && strings.HasSuffix(n.Host, ":443")) {
		n.Host = n.Host[:strings.LastIndexByte(n.Host, ':')]
	}
	n.Fragment, n.RawFragment = "", ""
	if n.Path == "" {
		n.Path = "/"
	}
	return &n
}

func sameSite(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

func pathQuery(u *url.URL) string {
	if u.RawQuery != "" {
		return u.EscapedPath() + "?" + u.RawQuery
	}
	return u.EscapedPath()
}

// skipExtensions are links that are not web pages.
var skipExtensions = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".svg": true, ".webp": true, ".ico": true, ".css": true,
	".js": true, ".zip": true, ".gz": true, ".tar": true, ".mp4": true, ".mp3": true, ".woff": true, ".woff2": true,
	".ttf": true, ".pdf": true, ".xml": true, ".json": true, ".exe": true, ".dmg": true, ".avi": true, ".mov": true,
}

// Crawl follows links from start on its host, breadth first, up to maxPages
// pages and maxDepth links away, and hands each HTML page to onPage. It fails
// when the start page cannot be Fetched or robots.txt forbids it; other
// pages that fail are skipped.
func (c *Crawler) Crawl(ctx context.Context, start string, maxPages, maxDepth int, onPage func(Page) error) error {
	u, err := c.guard.CheckURL(ctx, start)
	if err != nil {
		return describeFetchError(start, err)
	}
	root := NormalizeURL(u)
	r := c.robotsFor(ctx, root)
	if !r.allowed(pathQuery(root)) {
		return &FetchError{Msg: fmt.Sprintf("robots.txt of %s does not allow Deskmate to fetch %s", root.Host, pathQuery(root)), Permanent: true}
	}
	type item struct {
		u     *url.URL
		depth int
	}
	queue := []item{{root, 0}}
	seen := map[string]bool{root.String(): true}
	pages := 0
	for len(queue) > 0 && pages < maxPages {
		it := queue[0]
		queue = queue[1:]
		if !r.allowed(pathQuery(it.u)) {
			continue
		}
		if err := c.wait(ctx, r); err != nil {
			return err
		}
		res, err := c.f.Get(ctx, it.u.String(), FetchOptions{Accept: acceptHTML, Types: htmlTypes, MaxBytes: MaxPageBytes})
		if err != nil {
			if it.depth == 0 {
				return err
			}
			continue
		}
		final := NormalizeURL(res.URL)
		if it.depth == 0 && !sameSite(final, root) {
			// The start page moved (http to https, another host): crawl where it lives.
			root = final
			if r = c.robotsFor(ctx, root); !r.allowed(pathQuery(root)) {
				return &FetchError{Msg: fmt.Sprintf("robots.txt of %s does not allow Deskmate to fetch %s", root.Host, pathQuery(root)), Permanent: true}
			}
		}
		if !sameSite(final, root) {
			continue // redirected off the site
		}
		if fs := final.String(); fs != it.u.String() {
			if seen[fs] && it.depth > 0 {
				continue
			}
			seen[fs] = true
		}
		links, noindex, nofollow := parser.Links(final, res.Body, res.RawType)
		if !noindex {
			pages++
			if err := onPage(Page{URL: final.String(), Body: res.Body, ContentType: res.ContentType}); err != nil {
				return err
			}
		}
		if it.depth >= maxDepth || nofollow {
			continue
		}
		for _, l := range links {
			l = NormalizeURL(l)
			if !sameSite(l, root) || skipExtensions[strings.ToLower(path.Ext(l.Path))] || seen[l.String()] ||
				len(l.String()) > netguard.MaxURLLength {
				continue
			}
			seen[l.String()] = true
			queue = append(queue, item{l, it.depth + 1})
		}
	}
	return nil
}

// Sitemap reads the sitemap (or sitemap index) at raw, keeps the URLs on its
// host that robots.txt allows, up to maxPages, fetches each and hands it to
// onPage (without a body when the fetch failed).
func (c *Crawler) Sitemap(ctx context.Context, raw string, maxPages int, onPage func(Page) error) error {
	u, err := c.guard.CheckURL(ctx, raw)
	if err != nil {
		return describeFetchError(raw, err)
	}
	root := NormalizeURL(u)
	r := c.robotsFor(ctx, root)
	var urls []*url.URL
	seen := map[string]bool{}
	queue := []*url.URL{root}
	fetchedMaps := 0
	for len(queue) > 0 && len(urls) < maxPages && fetchedMaps <= maxChildSitemaps {
		sm := queue[0]
		queue = queue[1:]
		first := fetchedMaps == 0
		if err := c.wait(ctx, r); err != nil {
			return err
		}
		res, err := c.f.Get(ctx, sm.String(), FetchOptions{Accept: acceptSitemap, Types: sitemapTypes, MaxBytes: MaxPageBytes})
		fetchedMaps++
		if err != nil {
			if first {
				return err
			}
			continue
		}
		if final := NormalizeURL(res.URL); first && !sameSite(final, root) {
			// The sitemap moved (http to https, another host): its pages live there.
			root, r = final, c.robotsFor(ctx, final)
		}
		locs, children, err := parseSitemap(res)
		if err != nil {
			if first {
				return &FetchError{Msg: fmt.Sprintf("%s is not a sitemap: %v", raw, err), Permanent: true}
			}
			continue
		}
		for _, ch := range children {
			if cu, err := root.Parse(ch); err == nil && sameSite(NormalizeURL(cu), root) && !seen["sitemap "+cu.String()] {
				seen["sitemap "+cu.String()] = true
				queue = append(queue, NormalizeURL(cu))
			}
		}
		for _, l := range locs {
			lu, err := root.Parse(strings.TrimSpace(l))
			if err != nil {
				continue
			}
			lu = NormalizeURL(lu)
			if !sameSite(lu, root) || seen[lu.String()] || !r.allowed(pathQuery(lu)) || len(lu.String()) > netguard.MaxURLLength {
				continue
			}
			seen[lu.String()] = true
			urls = append(urls, lu)
			if len(urls) >= maxPages {
				break
			}
		}
	}
	if len(urls) == 0 {
		return &FetchError{Msg: fmt.Sprintf("the sitemap %s lists no pages on %s that Deskmate may fetch", raw, root.Host), Permanent: true}
	}
	for _, pu := range urls {
		if err := c.wait(ctx, r); err != nil {
			return err
		}
		res, err := c.f.Get(ctx, pu.String(), FetchOptions{Accept: AcceptDocument, Types: DocumentTypes, MaxBytes: parser.MaxDocumentBytes})
		page := Page{URL: pu.String()}
		if err == nil && sameSite(NormalizeURL(res.URL), root) {
			page.Body, page.ContentType = res.Body, res.ContentType
		}
		if err := onPage(page); err != nil {
			return err
		}
	}
	return nil
}

// parseSitemap reads the <loc> entries of a urlset (pages) or sitemapindex
// (child sitemaps), gzip-compressed or not; a plain-text sitemap lists one
// URL per line.
func parseSitemap(res Fetched) (pages, children []string, err error) {
	body := res.Body
	if bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, nil, err
		}
		body, err = io.ReadAll(io.LimitReader(zr, 5*MaxPageBytes))
		if err != nil {
			return nil, nil, err
		}
	}
	trimmed := bytes.TrimSpace(body)
	if res.ContentType == "text/plain" && !bytes.HasPrefix(trimmed, []byte("<")) {
		for _, l := range strings.Split(string(trimmed), "\n") {
			if l = strings.TrimSpace(l); strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") {
				pages = append(pages, l)
			}
		}
		return pages, nil, nil
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	var parent string
	var stack []string
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = t.Name.Local
			}
			stack = append(stack, t.Name.Local)
			if t.Name.Local == "url" || t.Name.Local == "sitemap" {
				parent = t.Name.Local
			}
			if t.Name.Local == "loc" {
				var s string
				if err := dec.DecodeElement(&s, &t); err != nil {
					return nil, nil, err
				}
				stack = stack[:len(stack)-1]
				if parent == "sitemap" {
					children = append(children, strings.TrimSpace(s))
				} else {
					pages = append(pages, strings.TrimSpace(s))
				}
			}
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if root != "urlset" && root != "sitemapindex" {
		return nil, nil, fmt.Errorf("expected <urlset> or <sitemapindex>, found <%s>", root)
	}
	return pages, children, nil
}

// mustParse parses a URL Deskmate built itself.
// ParseURL parses a URL Deskmate stored itself; a malformed one comes back
// as a path, never as an error.
func ParseURL(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		return &url.URL{Path: raw}
	}
	return u
}

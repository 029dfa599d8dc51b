package knowledge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/deskmate/deskmate/internal/buildinfo"
	"github.com/deskmate/deskmate/internal/netguard"
)

// Limits of web fetches.
const (
	// MaxPageBytes bounds an HTML page or sitemap.
	MaxPageBytes = 10 << 20
	// MaxDocumentBytes bounds a document fetched from a URL (a PDF, say) and an upload.
	MaxDocumentBytes = 20 << 20
	maxRobotsBytes   = 512 << 10
	// maxCrawlDelay caps the Crawl-delay a robots.txt may ask for.
	maxCrawlDelay = 10 * time.Second
)

// fetcher makes Deskmate's web requests: every destination and redirect is
// checked by the URL guard, bodies are size-limited and content types checked.
type fetcher struct {
	client    *http.Client
	userAgent string
}

func newFetcher(guard *netguard.Guard, timeout time.Duration) *fetcher {
	return &fetcher{
		client:    guard.Client(timeout),
		userAgent: "Deskmate/" + buildinfo.Version + " (knowledge base fetcher; +https://github.com/deskmate/deskmate)",
	}
}

// fetched is a response worth reading.
type fetched struct {
	URL          *url.URL // after redirects
	Body         []byte
	ContentType  string // media type, lower case, without parameters
	RawType      string // the Content-Type header as sent (for the charset)
	ETag         string
	LastModified string
	NotModified  bool
}

// fetchOptions says what a fetch accepts.
type fetchOptions struct {
	accept   string
	types    map[string]bool // accepted media types; nil: any
	maxBytes int64
	// Conditional request validators from the last fetch.
	etag, lastModified string
}

// FetchError is a failed web request, shown to the user as is.
type FetchError struct {
	Msg string
	// Permanent errors (404, a refused destination, a wrong type) are not
	// retried automatically.
	Permanent bool
	// Status is the HTTP status of a response that was not a success.
	Status int
}

func (e *FetchError) Error() string { return e.Msg }

func (f *fetcher) get(ctx context.Context, raw string, o fetchOptions) (fetched, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return fetched{}, &FetchError{Msg: fmt.Sprintf("%s is not a valid URL", raw), Permanent: true}
	}
	req.Header.Set("User-Agent", f.userAgent)
	if o.accept != "" {
		req.Header.Set("Accept", o.accept)
	}
	if o.etag != "" {
		req.Header.Set("If-None-Match", o.etag)
	}
	if o.lastModified != "" {
		req.Header.Set("If-Modified-Since", o.lastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return fetched{}, describeFetchError(raw, err)
	}
	defer resp.Body.Close()
	out := fetched{URL: resp.Request.URL, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"),
		RawType: resp.Header.Get("Content-Type")}
	if resp.StatusCode == http.StatusNotModified && (o.etag != "" || o.lastModified != "") {
		out.NotModified = true
		return out, nil
	}
	if resp.StatusCode/100 != 2 {
		permanent := resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout
		return out, &FetchError{Msg: fmt.Sprintf("GET %s: HTTP %s", raw, resp.Status), Permanent: permanent, Status: resp.StatusCode}
	}
	mt, _, _ := mime.ParseMediaType(out.RawType)
	out.ContentType = strings.ToLower(mt)
	if o.types != nil && !o.types[out.ContentType] {
		shown := out.ContentType
		if shown == "" {
			shown = "none"
		}
		return out, &FetchError{Msg: fmt.Sprintf("GET %s: content type %s is not supported here", raw, shown), Permanent: true}
	}
	if resp.ContentLength > o.maxBytes {
		return out, &FetchError{Msg: fmt.Sprintf("GET %s: the response is larger than %s", raw, mib(o.maxBytes)), Permanent: true}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, o.maxBytes+1))
	if err != nil {
		return out, describeFetchError(raw, err)
	}
	if int64(len(body)) > o.maxBytes {
		return out, &FetchError{Msg: fmt.Sprintf("GET %s: the response is larger than %s", raw, mib(o.maxBytes)), Permanent: true}
	}
	out.Body = body
	return out, nil
}

func mib(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }

// describeFetchError keeps the guard's refusals as they are (they say what
// to do) and makes network errors readable.
func describeFetchError(raw string, err error) error {
	if errors.Is(err, netguard.ErrBlocked) {
		var be *netguard.BlockedError
		if errors.As(err, &be) {
			return &FetchError{Msg: be.Error(), Permanent: true}
		}
		return &FetchError{Msg: err.Error(), Permanent: true}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return &FetchError{Msg: fmt.Sprintf("GET %s: timed out", raw)}
		}
		return &FetchError{Msg: fmt.Sprintf("GET %s: %v", raw, ue.Err)}
	}
	return &FetchError{Msg: fmt.Sprintf("GET %s: %v", raw, err)}
}

// Media types by use.
var (
	htmlTypes     = map[string]bool{"text/html": true, "application/xhtml+xml": true}
	documentTypes = map[string]bool{"text/html": true, "application/xhtml+xml": true, "text/plain": true,
		"text/markdown": true, "text/x-markdown": true, "application/pdf": true, "text/csv": true,
		"application/octet-stream": true, docxType: true}
	sitemapTypes = map[string]bool{"application/xml": true, "text/xml": true, "text/plain": true,
		"application/gzip": true, "application/x-gzip": true, "application/octet-stream": true}
)

const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

const (
	acceptHTML     = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
	acceptDocument = "text/html,application/xhtml+xml,application/pdf,text/markdown,text/plain;q=0.9,*/*;q=0.1"
	acceptSitemap  = "application/xml,text/xml;q=0.9,*/*;q=0.1"
)

// formatOf picks the format of a fetched document from its media type, or
// for a generic type from its URL's extension.
func formatOf(f fetched) (string, error) {
	switch f.ContentType {
	case "text/html", "application/xhtml+xml":
		return FormatHTML, nil
	case "application/pdf":
		return FormatPDF, nil
	case "text/markdown", "text/x-markdown":
		return FormatMarkdown, nil
	case "text/csv":
		return FormatCSV, nil
	case docxType:
		return DetectFormat("document.docx", f.Body)
	}
	name := path.Base(f.URL.Path)
	if _, ok := extensions[strings.ToLower(path.Ext(name))]; ok {
		return DetectFormat(name, f.Body)
	}
	if f.ContentType == "text/plain" {
		return FormatText, nil
	}
	return "", &FetchError{Msg: fmt.Sprintf("GET %s: content type %s is not supported", f.URL.Redacted(), f.ContentType), Permanent: true}
}

package web

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
	"github.com/deskmate/deskmate/knowledge/parser"
)

// Limits of web fetches.
const (
	// MaxPageBytes bounds an HTML page or sitemap.
	MaxPageBytes   = 10 << 20
	maxRobotsBytes = 512 << 10
	// maxCrawlDelay caps the Crawl-delay a robots.txt may ask for.
	maxCrawlDelay = 10 * time.Second
)

// Fetcher makes Deskmate's web requests: every destination and redirect is
// checked by the URL guard, bodies are size-limited and content types checked.
type Fetcher struct {
	client    *http.Client
	userAgent string
}

func NewFetcher(guard *netguard.Guard, timeout time.Duration) *Fetcher {
	return &Fetcher{
		client:    guard.Client(timeout),
		userAgent: "Deskmate/" + buildinfo.Version + " (knowledge base Fetcher; +https://github.com/deskmate/deskmate)",
	}
}

// Fetched is a response worth reading.
type Fetched struct {
	URL          *url.URL // after redirects
	Body         []byte
	ContentType  string // media type, lower case, without parameters
	RawType      string // the Content-Type header as sent (for the charset)
	ETag         string
	LastModified string
	NotModified  bool
}

// FetchOptions says what a fetch accepts.
type FetchOptions struct {
	Accept   string          // the Accept header
	Types    map[string]bool // accepted media types; nil: any
	MaxBytes int64
	// Conditional request validators from the last fetch.
	ETag, LastModified string
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

func (f *Fetcher) Get(ctx context.Context, raw string, o FetchOptions) (Fetched, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return Fetched{}, &FetchError{Msg: fmt.Sprintf("%s is not a valid URL", raw), Permanent: true}
	}
	req.Header.Set("User-Agent", f.userAgent)
	if o.Accept != "" {
		req.Header.Set("Accept", o.Accept)
	}
	if o.ETag != "" {
		req.Header.Set("If-None-Match", o.ETag)
	}
	if o.LastModified != "" {
		req.Header.Set("If-Modified-Since", o.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return Fetched{}, describeFetchError(raw, err)
	}
	defer resp.Body.Close()
	out := Fetched{URL: resp.Request.URL, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"),
		RawType: resp.Header.Get("Content-Type")}
	if resp.StatusCode == http.StatusNotModified && (o.ETag != "" || o.LastModified != "") {
		out.NotModified = true
		return out, nil
	}
	if resp.StatusCode/100 != 2 {
		permanent := resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout
		return out, &FetchError{Msg: fmt.Sprintf("GET %s: HTTP %s", raw, resp.Status), Permanent: permanent, Status: resp.StatusCode}
	}
	mt, _, _ := mime.ParseMediaType(out.RawType)
	out.ContentType = strings.ToLower(mt)
	if o.Types != nil && !o.Types[out.ContentType] {
		shown := out.ContentType
		if shown == "" {
			shown = "none"
		}
		return out, &FetchError{Msg: fmt.Sprintf("GET %s: content type %s is not supported here", raw, shown), Permanent: true}
	}
	if resp.ContentLength > o.MaxBytes {
		return out, &FetchError{Msg: fmt.Sprintf("GET %s: the response is larger than %s", raw, mib(o.MaxBytes)), Permanent: true}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, o.MaxBytes+1))
	if err != nil {
		return out, describeFetchError(raw, err)
	}
	if int64(len(body)) > o.MaxBytes {
		return out, &FetchError{Msg: fmt.Sprintf("GET %s: the response is larger than %s", raw, mib(o.MaxBytes)), Permanent: true}
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
	DocumentTypes = map[string]bool{"text/html": true, "application/xhtml+xml": true, "text/plain": true,
		"text/markdown": true, "text/x-markdown": true, "application/pdf": true, "text/csv": true,
		"application/octet-stream": true, docxType: true}
	sitemapTypes = map[string]bool{"application/xml": true, "text/xml": true, "text/plain": true,
		"application/gzip": true, "application/x-gzip": true, "application/octet-stream": true}
)

const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

const (
	acceptHTML     = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
	AcceptDocument = "text/html,application/xhtml+xml,application/pdf,text/markdown,text/plain;q=0.9,*/*;q=0.1"
	acceptSitemap  = "application/xml,text/xml;q=0.9,*/*;q=0.1"
)

// FormatOf picks the format of a Fetched document from its media type, or
// for a generic type from its URL's extension.
func FormatOf(f Fetched) (string, error) {
	switch f.ContentType {
	case "text/html", "application/xhtml+xml":
		return parser.FormatHTML, nil
	case "application/pdf":
		return parser.FormatPDF, nil
	case "text/markdown", "text/x-markdown":
		return parser.FormatMarkdown, nil
	case "text/csv":
		return parser.FormatCSV, nil
	case docxType:
		return parser.DetectFormat("document.docx", f.Body)
	}
	name := path.Base(f.URL.Path)
	if _, ok := parser.Extensions[strings.ToLower(path.Ext(name))]; ok {
		return parser.DetectFormat(name, f.Body)
	}
	if f.ContentType == "text/plain" {
		return parser.FormatText, nil
	}
	return "", &FetchError{Msg: fmt.Sprintf("GET %s: content type %s is not supported", f.URL.Redacted(), f.ContentType), Permanent: true}
}

package gorgias

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults for Options fields left zero.
const (
	DefaultMaxResponseBytes = 16 << 20
	DefaultMaxRequestBytes  = 8 << 20
	DefaultAttempts         = 4
	DefaultTimeout          = 30 * time.Second
	DefaultMaxRetryAfter    = time.Minute
)

// Options configure a Client.
type Options struct {
	// BaseURL is the account's address, "https://acme.gorgias.com", or an
	// emulator's "http://127.0.0.1:8090/acme". A trailing "/api" is
	// dropped. It must not hold credentials.
	BaseURL string
	// Auth is BasicAuth or Bearer.
	Auth Auth
	// HTTPClient sends the requests; Deskmate passes its guarded client.
	// Nil means a plain http.Client.
	HTTPClient *http.Client
	// Limiter is the account's shared budget (Limiters.For). Nil gives the
	// client a budget of its own with Gorgias' default for Auth's kind.
	Limiter *Limiter
	// MaxResponseBytes bounds a response body (default 16 MiB).
	MaxResponseBytes int64
	// MaxRequestBytes bounds a request body (default 8 MiB).
	MaxRequestBytes int64
	// Attempts is how many times a request is sent at most (default 4).
	Attempts int
	// Timeout bounds each attempt (default 30 s).
	Timeout time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits out; a
	// longer one fails the call at once so a job can be rescheduled
	// (default 1 min).
	MaxRetryAfter time.Duration
	// Logger gets a debug line per retry; nil discards.
	Logger *slog.Logger
}

// Client calls one Gorgias account's REST API. It is safe for concurrent
// use.
type Client struct {
	base             *url.URL
	auth             Auth
	hc               *http.Client
	limiter          *Limiter
	maxResponse      int64
	maxRequest       int64
	attempts         int
	timeout          time.Duration
	maxRetryAfter    time.Duration
	backoff, backMax time.Duration
	log              *slog.Logger
	// Tests replace these to run without waiting.
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(d time.Duration) time.Duration
}

// New returns a client for the account at opts.BaseURL.
func New(opts Options) (*Client, error) {
	if opts.Auth == nil {
		return nil, errors.New("gorgias: Options.Auth is required")
	}
	u, err := url.Parse(strings.TrimSpace(opts.BaseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("gorgias: BaseURL %q is not an http(s) URL", opts.BaseURL)
	}
	if u.User != nil {
		return nil, errors.New("gorgias: BaseURL must not hold credentials: use Options.Auth")
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api")
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	c := &Client{
		base:          u,
		auth:          opts.Auth,
		hc:            opts.HTTPClient,
		limiter:       opts.Limiter,
		maxResponse:   positive(opts.MaxResponseBytes, DefaultMaxResponseBytes),
		maxRequest:    positive(opts.MaxRequestBytes, DefaultMaxRequestBytes),
		attempts:      int(positive(int64(opts.Attempts), DefaultAttempts)),
		timeout:       positive(opts.Timeout, DefaultTimeout),
		maxRetryAfter: positive(opts.MaxRetryAfter, DefaultMaxRetryAfter),
		backoff:       500 * time.Millisecond,
		backMax:       8 * time.Second,
		log:           opts.Logger,
		sleep:         sleepContext,
		jitter: func(d time.Duration) time.Duration {
			if d <= 0 {
				return 0
			}
			return time.Duration(rand.Int64N(int64(d) + 1))
		},
	}
	if c.hc == nil {
		c.hc = &http.Client{}
	}
	if c.limiter == nil {
		c.limiter = DefaultLimiter(opts.Auth.Kind())
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

func positive[T int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Request is one call to the API, for endpoints the client has no method
// for.
type Request struct {
	Method string     // GET, POST, PUT, DELETE
	Path   string     // "/api/tickets/123"
	Query  url.Values // optional
	Body   any        // sent as JSON when not nil
	// RetrySafe marks a POST that may be sent twice without harm (it adds
	// to a set, or the caller checks for a duplicate). GET, PUT and DELETE
	// are always retry-safe.
	RetrySafe bool
}

// Do sends req and decodes the JSON answer into out (when out is not nil).
//
// Retries: a request is sent again, with exponential backoff and jitter, on
// a 429 (after its Retry-After, during which every client sharing the
// Limiter waits), a 5xx, a timeout or a dropped connection, at most
// Options.Attempts times and never past ctx's deadline. GET, PUT and DELETE
// are retried on all of these. A POST is retried after a 429 or a refused
// connection, which Gorgias never processed, and after the other failures
// only when it is RetrySafe, because Gorgias has no idempotency key and the
// first attempt may have created something.
func (c *Client) Do(ctx context.Context, req Request, out any) error {
	return c.do(ctx, req, out, nil)
}

// recoverFunc looks for the effect of a POST whose answer was lost; found
// means it happened and out holds it.
type recoverFunc func(ctx context.Context) (found bool, err error)

func (c *Client) do(ctx context.Context, req Request, out any, recover recoverFunc) error {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = json.Marshal(req.Body); err != nil {
			return fmt.Errorf("gorgias: %s %s: encode body: %w", req.Method, req.Path, err)
		}
		if int64(len(body)) > c.maxRequest {
			return fmt.Errorf("%w (%s %s: %d bytes)", ErrRequestTooLarge, req.Method, req.Path, len(body))
		}
	}
	path := c.base.Path + req.Path
	for n := 1; ; n++ {
		if err := c.limiter.Wait(ctx); err != nil {
			return err
		}
		data, err := c.attempt(ctx, req, path, body)
		if err == nil {
			return decode(req, data, out)
		}
		if ctx.Err() != nil {
			return err
		}
		wait, retry := c.next(n, req, err)
		if !retry && recover != nil && isAmbiguous(err) {
			retry = true
		}
		if !retry || n >= c.attempts {
			return withAttempts(err, n)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return withAttempts(err, n)
		}
		c.log.DebugContext(ctx, "gorgias: retrying", "method", req.Method, "path", req.Path, "attempt", n, "wait", wait, "error", err.Error())
		if err := c.sleep(ctx, wait); err != nil {
			return err
		}
		if recover != nil && isAmbiguous(err) {
			found, rerr := recover(ctx)
			if rerr != nil {
				return fmt.Errorf("%w (and looking for its effect failed: %v)", err, rerr)
			}
			if found {
				return nil
			}
		}
	}
}

// attempt sends the request once, within the per-attempt timeout, and
// returns the body of a 2xx answer.
func (c *Client) attempt(ctx context.Context, req Request, path string, body []byte) ([]byte, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := *c.base
	u.Path = path
	u.RawQuery = req.Query.Encode()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hreq, err := http.NewRequestWithContext(actx, req.Method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("gorgias: %s %s: %w", req.Method, req.Path, err)
	}
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", "Deskmate")
	if body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	if err := c.auth.Apply(actx, hreq); err != nil {
		return nil, &authError{err}
	}
	resp, err := c.hc.Do(hreq)
	if err != nil {
		if actx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			return nil, &transportError{method: req.Method, path: path, err: fmt.Errorf("no answer within %s", c.timeout), timeout: true}
		}
		return nil, &transportError{method: req.Method, path: path, err: err}
	}
	defer resp.Body.Close()
	c.limiter.observe(resp.Header.Get("X-Gorgias-Account-Api-Call-Limit"))
	if resp.ContentLength > c.maxResponse {
		return nil, fmt.Errorf("%w (%s %s: %d bytes)", ErrResponseTooLarge, req.Method, path, resp.ContentLength)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxResponse+1))
	if err != nil {
		if actx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			return nil, &transportError{method: req.Method, path: path, err: fmt.Errorf("no answer within %s", c.timeout), timeout: true}
		}
		return nil, &transportError{method: req.Method, path: path, err: err}
	}
	if int64(len(data)) > c.maxResponse {
		return nil, fmt.Errorf("%w (%s %s: over %d bytes)", ErrResponseTooLarge, req.Method, path, c.maxResponse)
	}
	if resp.StatusCode >= 300 {
		e := newAPIError(req.Method, path, resp.StatusCode, data)
		if resp.StatusCode == http.StatusTooManyRequests {
			e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			c.limiter.pause(max(e.RetryAfter, time.Second))
		}
		return nil, e
	}
	return data, nil
}

func decode(req Request, data []byte, out any) error {
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("gorgias: %s %s: decode answer: %w", req.Method, req.Path, err)
	}
	return nil
}

// next says whether err after attempt n is worth another attempt of req,
// and how long to wait first.
func (c *Client) next(n int, req Request, err error) (time.Duration, bool) {
	backoff := min(c.backoff<<min(n-1, 20), c.backMax)
	backoff = backoff/2 + c.jitter(backoff/2)
	idempotent := req.Method != http.MethodPost || req.RetrySafe
	var ae *APIError
	var te *transportError
	switch {
	case errors.As(err, &ae) && ae.Status == http.StatusTooManyRequests:
		if ae.RetryAfter > c.maxRetryAfter {
			return 0, false
		}
		if ae.RetryAfter > 0 {
			return ae.RetryAfter, true
		}
		return backoff, true
	case errors.As(err, &ae):
		return backoff, ae.Status >= 500 && idempotent
	case errors.As(err, &te):
		return backoff, (te.retryable() && idempotent) || te.refused()
	}
	return 0, false
}

// isAmbiguous tells failures after which a POST may or may not have taken
// effect: a 5xx, a timeout, a connection lost mid-request.
func isAmbiguous(err error) bool {
	var ae *APIError
	var te *transportError
	switch {
	case errors.As(err, &ae):
		return ae.Status >= 500
	case errors.As(err, &te):
		return te.retryable() && !te.refused()
	}
	return false
}

func withAttempts(err error, n int) error {
	if n > 1 {
		return fmt.Errorf("%w (after %d attempts)", err, n)
	}
	return err
}

// parseRetryAfter reads seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(min(s, 1<<20) * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

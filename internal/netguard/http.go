package netguard

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// MaxRedirects is how many redirects the Client follows.
const MaxRedirects = 5

// Client returns an *http.Client whose transport uses DialContext (no proxy
// from the environment), checks every request URL and every redirect (at
// most 5, no https→http), and has the given overall timeout (0 means none).
// Clients from one Guard share a connection pool.
func (g *Guard) Client(timeout time.Duration) *http.Client {
	return &http.Client{
		Transport:     &guardedTransport{g: g, base: g.transport},
		CheckRedirect: g.checkRedirect,
		Timeout:       timeout,
	}
}

func (g *Guard) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return fmt.Errorf("stopped after %d redirects", MaxRedirects)
	}
	s := urlSubject(req.URL.Redacted())
	if req.URL.Scheme != "https" {
		for _, prev := range via {
			if prev.URL.Scheme == "https" {
				return s.refuse(req.URL.Hostname(), "redirect from https to http is not allowed")
			}
		}
	}
	_, err := g.checkRequestURL(req.URL)
	return err
}

// checkRequestURL runs the checks that need no DNS on a parsed URL, whose
// String() is the form that is sent; the addresses of host names are
// checked when dialing.
func (g *Guard) checkRequestURL(u *url.URL) (hostInfo, error) {
	return g.checkCanonical(u, u.String())
}

// newTransport is the transport shared by a Guard's clients: it dials with
// dial and never takes a proxy from the environment.
func newTransport(dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Transport {
	return &http.Transport{
		Proxy:                  nil, // never take a proxy from the environment
		DialContext:            dial,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 1 << 20,
	}
}

// guardedTransport checks each request URL before handing it to the
// transport, whose dialer checks the addresses.
type guardedTransport struct {
	g    *Guard
	base *http.Transport
}

func (t *guardedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if _, err := t.g.checkRequestURL(req.URL); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return t.base.RoundTrip(req)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// shared transport.
func (t *guardedTransport) CloseIdleConnections() { t.base.CloseIdleConnections() }

package llm

import (
	"fmt"
	"io"
	"net/http"
)

// maxResponseBytes bounds every model provider response Deskmate reads: a
// batch of embeddings is a few megabytes, and a provider (or something posing
// as one) must not make Deskmate hold more.
var maxResponseBytes int64 = 64 << 20

// cappedClient returns a client like c whose response bodies fail with an
// error once they pass max bytes, for clients (such as Ollama's) that read
// whole responses themselves.
func cappedClient(c *http.Client, max int64) *http.Client {
	out := *c
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	out.Transport = cappedTransport{base: base, max: max}
	return &out
}

type cappedTransport struct {
	base http.RoundTripper
	max  int64
}

func (t cappedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &cappedBody{rc: resp.Body, left: t.max}
	return resp, nil
}

// cappedBody reads at most left bytes, then fails.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One more byte tells a body of exactly the cap from a longer one.
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("the response is larger than %d MiB", maxResponseBytes>>20)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

package netguard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// mapResolver resolves names from a fixed table.
func mapResolver(table map[string]string) Resolver {
	return func(_ context.Context, host string) ([]netip.Addr, error) {
		var out []netip.Addr
		for _, s := range strings.Split(table[strings.TrimSuffix(host, ".")], ",") {
			if s != "" {
				out = append(out, netip.MustParseAddr(s))
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("lookup %s: no such host", host)
		}
		return out, nil
	}
}

// dialLog records the addresses the guard dials. Anything but 127.0.0.1
// fails the test instead of touching the network.
type dialLog struct {
	mu    sync.Mutex
	addrs []string
}

func (l *dialLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.addrs...)
}

func recordDials(t *testing.T, g *Guard) *dialLog {
	t.Helper()
	l := &dialLog{}
	real := g.dial
	g.dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		l.mu.Lock()
		l.addrs = append(l.addrs, address)
		l.mu.Unlock()
		if host, _, _ := net.SplitHostPort(address); host != "127.0.0.1" {
			t.Errorf("guard dialed %s, which the test does not allow", address)
			return nil, errors.New("test: refusing to leave 127.0.0.1")
		}
		return real(ctx, network, address)
	}
	return l
}

// countingServer is a loopback HTTP server counting the requests it got.
type countingServer struct {
	*httptest.Server
	hits atomic.Int64
}

func newCountingServer(t *testing.T, h http.HandlerFunc) *countingServer {
	t.Helper()
	s := &countingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		if h != nil {
			h(w, r)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *countingServer) port() string {
	_, p, _ := net.SplitHostPort(s.Listener.Addr().String())
	return p
}

func redirectTo(target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusFound)
	}
}

func get(t *testing.T, c *http.Client, u string) (string, error) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b), nil
}

func TestClientRefusesLoopbackServer(t *testing.T) {
	srv := newCountingServer(t, nil)
	g, err := New(nil, WithResolver(mapResolver(map[string]string{"app.test": "127.0.0.1"})))
	require.NoError(t, err)
	dials := recordDials(t, g)
	c := g.Client(5 * time.Second)

	_, err = get(t, c, srv.URL) // http://127.0.0.1:PORT
	require.ErrorIs(t, err, ErrBlocked)
	require.Contains(t, err.Error(), "127.0.0.1, a loopback address: not allowed")

	// The same server through a host name: refused when dialing.
	_, err = get(t, c, "http://app.test:"+srv.port()+"/")
	require.ErrorIs(t, err, ErrBlocked)
	require.Contains(t, err.Error(), `app.test resolves to 127.0.0.1, a loopback address`)

	// And through the spellings that reach it elsewhere.
	for _, h := range []string{"127.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.0.0.1.", "[::ffff:127.0.0.1]", "localhost"} {
		_, err = get(t, c, "http://"+h+":"+srv.port()+"/")
		require.ErrorIs(t, err, ErrBlocked, h)
	}

	require.Zero(t, srv.hits.Load())
	require.Empty(t, dials.list())
}

func TestClientAllowListedLoopback(t *testing.T) {
	srv := newCountingServer(t, nil)
	g, err := New([]string{"127.0.0.0/8"}, WithResolver(mapResolver(map[string]string{"app.test": "127.0.0.1"})))
	require.NoError(t, err)
	recordDials(t, g)
	c := g.Client(5 * time.Second)
	require.Equal(t, 5*time.Second, c.Timeout)

	body, err := get(t, c, srv.URL)
	require.NoError(t, err)
	require.Equal(t, "ok", body)

	body, err = get(t, c, "http://app.test:"+srv.port()+"/")
	require.NoError(t, err)
	require.Equal(t, "ok", body)
	require.EqualValues(t, 2, srv.hits.Load())
}

func TestClientIgnoresProxyEnvironment(t *testing.T) {
	proxy := newCountingServer(t, nil)
	srv := newCountingServer(t, nil)
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("http_proxy", proxy.URL)
	g, err := New([]string{"app.test"}, WithResolver(mapResolver(map[string]string{"app.test": "127.0.0.1"})))
	require.NoError(t, err)
	recordDials(t, g)

	_, err = get(t, g.Client(5*time.Second), "http://app.test:"+srv.port()+"/")
	require.NoError(t, err)
	require.EqualValues(t, 1, srv.hits.Load())
	require.Zero(t, proxy.hits.Load())
}

func TestClientRefusesBadRequestURLs(t *testing.T) {
	g := newTestGuard(t)
	dials := recordDials(t, g)
	c := g.Client(5 * time.Second)
	for _, u := range []string{"ftp://example.com/", "http://user:pass@example.com/", "http://example.com:0/", "http://metadata.google.internal/", "http://[fe80::1%25lo]/", "http://0x8.8.8.8/"} {
		_, err := get(t, c, u)
		require.ErrorIs(t, err, ErrBlocked, u)
	}
	require.Empty(t, dials.list())
}

// TestClientRefusesBeforeDialing checks that blocked destinations are
// refused without a connection attempt: 10.0.0.1 would hang until the
// timeout if it were dialed.
func TestClientRefusesBeforeDialing(t *testing.T) {
	g := newTestGuard(t)
	dials := recordDials(t, g)
	c := g.Client(30 * time.Second)
	for _, u := range []string{"http://10.0.0.1/", "http://private.test/", "http://mixed.test/", "http://[64:ff9b::10.0.0.1]/", "https://169.254.169.254/"} {
		start := time.Now()
		_, err := get(t, c, u)
		require.ErrorIs(t, err, ErrBlocked, u)
		require.Less(t, time.Since(start), time.Second, u)
	}
	require.Empty(t, dials.list())
}

func TestClientRedirects(t *testing.T) {
	target := newCountingServer(t, nil)
	table := map[string]string{
		"entry.test":  "127.0.0.1", // allow-listed by name
		"other.test":  "127.0.0.1", // allow-listed by name
		"sneaky.test": "127.0.0.1", // not allow-listed
		"intra.test":  "10.0.0.1",
	}
	tp := target.port()

	cases := []struct {
		name     string
		location string
		want     string // error substring; empty means the redirect is followed
	}{
		{"followed to an allowed name", "http://other.test:" + tp + "/", ""},
		{"to loopback literal", "http://127.0.0.1:" + tp + "/", "points to 127.0.0.1, a loopback address"},
		{"to loopback v6", "http://[::1]:" + tp + "/", "points to ::1, the loopback address"},
		{"to loopback spelling", "http://0x7f000001:" + tp + "/", `written as "0x7f000001"`},
		{"to name resolving to loopback", "http://sneaky.test:" + tp + "/", "sneaky.test resolves to 127.0.0.1"},
		{"to private literal", "http://10.0.0.1/", "points to 10.0.0.1, a private address"},
		{"to name resolving to private", "http://intra.test/", "intra.test resolves to 10.0.0.1"},
		{"to metadata", "http://169.254.169.254/latest/meta-data/", "cloud metadata"},
		{"to metadata name", "http://metadata.google.internal/", "cloud metadata service name"},
		{"to localhost", "http://localhost:" + tp + "/", "loopback host name"},
		{"to file", "file:///etc/passwd", `scheme "file"`},
		{"to userinfo", "http://evil@other.test:" + tp + "/", "user names and passwords"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := target.hits.Load()
			entry := newCountingServer(t, redirectTo(tc.location))
			g, err := New([]string{"entry.test", "other.test"}, WithResolver(mapResolver(table)))
			require.NoError(t, err)
			dials := recordDials(t, g)

			start := time.Now()
			body, err := get(t, g.Client(30*time.Second), "http://entry.test:"+entry.port()+"/")
			require.Less(t, time.Since(start), 2*time.Second)
			require.EqualValues(t, 1, entry.hits.Load())
			if tc.want == "" {
				require.NoError(t, err)
				require.Equal(t, "ok", body)
				require.Equal(t, before+1, target.hits.Load())
				return
			}
			require.ErrorIs(t, err, ErrBlocked)
			require.Contains(t, err.Error(), tc.want)
			require.Equal(t, before, target.hits.Load())
			for _, a := range dials.list() {
				require.Equal(t, "127.0.0.1:"+entry.port(), a, "only the entry server may be dialed")
			}
		})
	}
}

func TestClientRedirectLimit(t *testing.T) {
	// /n redirects to /n-1 until /0, which answers.
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		if err != nil || n == 0 {
			_, _ = io.WriteString(w, "ok")
			return
		}
		http.Redirect(w, r, "/"+strconv.Itoa(n-1), http.StatusFound)
	})
	g, err := New([]string{"127.0.0.1/32"})
	require.NoError(t, err)
	recordDials(t, g)
	c := g.Client(5 * time.Second)

	body, err := get(t, c, srv.URL+"/5")
	require.NoError(t, err)
	require.Equal(t, "ok", body)
	require.EqualValues(t, 6, srv.hits.Load())

	_, err = get(t, c, srv.URL+"/6")
	require.ErrorContains(t, err, "stopped after 5 redirects")
	require.EqualValues(t, 12, srv.hits.Load())
}

func TestClientRefusesHTTPSDowngrade(t *testing.T) {
	plain := newCountingServer(t, nil)
	var tlsHits atomic.Int64
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tlsHits.Add(1)
		switch r.URL.Path {
		case "/down":
			http.Redirect(w, r, "http://example.com:"+plain.port()+"/", http.StatusFound)
		case "/up":
			http.Redirect(w, r, "/ok", http.StatusFound)
		default:
			_, _ = io.WriteString(w, "secure")
		}
	}))
	t.Cleanup(tlsSrv.Close)
	_, tlsPort, _ := net.SplitHostPort(tlsSrv.Listener.Addr().String())

	// The test certificate is valid for example.com; point it at loopback.
	g, err := New([]string{"127.0.0.1/32"}, WithResolver(mapResolver(map[string]string{"example.com": "127.0.0.1"})))
	require.NoError(t, err)
	recordDials(t, g)
	g.transport.TLSClientConfig = tlsSrv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	c := g.Client(5 * time.Second)

	body, err := get(t, c, "https://example.com:"+tlsPort+"/up")
	require.NoError(t, err)
	require.Equal(t, "secure", body)

	_, err = get(t, c, "https://example.com:"+tlsPort+"/down")
	require.ErrorIs(t, err, ErrBlocked)
	require.Contains(t, err.Error(), "redirect from https to http is not allowed")
	require.Zero(t, plain.hits.Load())
	require.EqualValues(t, 3, tlsHits.Load())
}

// TestDNSRebinding: the name resolves to a public address when checked and
// to loopback when the connection is made; the dial must refuse it.
func TestDNSRebinding(t *testing.T) {
	srv := newCountingServer(t, nil)
	var calls atomic.Int64
	g, err := New(nil, WithResolver(func(_ context.Context, host string) ([]netip.Addr, error) {
		if host != "rebind.test" {
			return nil, fmt.Errorf("lookup %s: no such host", host)
		}
		if calls.Add(1) == 1 {
			return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
		}
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}))
	require.NoError(t, err)
	dials := recordDials(t, g)

	u, err := g.CheckURL(context.Background(), "http://rebind.test:"+srv.port()+"/")
	require.NoError(t, err)

	_, err = get(t, g.Client(5*time.Second), u.String())
	require.ErrorIs(t, err, ErrBlocked)
	require.Contains(t, err.Error(), "rebind.test resolves to 127.0.0.1, a loopback address")
	var ue *url.Error
	require.ErrorAs(t, err, &ue)
	require.EqualValues(t, 2, calls.Load())
	require.Zero(t, srv.hits.Load())
	require.Empty(t, dials.list())
}

func TestDialContext(t *testing.T) {
	srv := newCountingServer(t, nil)
	g, err := New([]string{"app.test", "127.0.0.1/32"}, WithResolver(mapResolver(map[string]string{
		"app.test":    "127.0.0.1",
		"v6only.test": "2606:4700::1111",
		"mixed.test":  "93.184.216.34,10.0.0.1",
		"meta.test":   "169.254.169.254",
	})))
	require.NoError(t, err)
	dials := recordDials(t, g)
	ctx := context.Background()

	conn, err := g.DialContext(ctx, "tcp", "app.test:"+srv.port())
	require.NoError(t, err)
	require.NoError(t, conn.Close())
	conn, err = g.DialContext(ctx, "tcp4", "127.0.0.1:"+srv.port())
	require.NoError(t, err)
	require.NoError(t, conn.Close())

	for _, tc := range []struct{ network, addr, want string }{
		{"udp", "app.test:53", `network "udp" is not allowed`},
		{"unix", "/var/run/docker.sock", `network "unix" is not allowed`},
		{"tcp", "[::1]:80", "::1 is the loopback address"},
		{"tcp", "127.2:80", `127.0.0.2 (written as "127.2") is a loopback address`},
		{"tcp", "127.1:80", `ambiguous IP address spelling "127.1"`}, // allow-listed, still refused
		{"tcp", "localhost:80", "loopback host name"},
		{"tcp", "mixed.test:80", "mixed.test resolves to 10.0.0.1, a private address"},
		{"tcp", "meta.test:80", "cloud metadata"},
		{"tcp", "app.test:0", `port "0" is not allowed`},
		{"tcp", "app.test", "invalid address"},
		{"tcp", ":80", "missing host"},
		{"tcp", "[fe80::1%eth0]:80", "link-local"},
	} {
		_, err := g.DialContext(ctx, tc.network, tc.addr)
		require.ErrorIs(t, err, ErrBlocked, tc.addr)
		require.Contains(t, err.Error(), tc.want, tc.addr)
		require.True(t, strings.HasPrefix(err.Error(), "connection to "), err.Error())
	}

	_, err = g.DialContext(ctx, "tcp4", "v6only.test:443")
	require.ErrorContains(t, err, "no tcp4 address")
	require.NotErrorIs(t, err, ErrBlocked)

	_, err = g.DialContext(ctx, "tcp", "nowhere.test:80")
	require.ErrorContains(t, err, "cannot resolve")
	require.NotErrorIs(t, err, ErrBlocked)

	require.Equal(t, []string{"127.0.0.1:" + srv.port(), "127.0.0.1:" + srv.port()}, dials.list())
}

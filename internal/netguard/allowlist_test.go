package netguard

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestAllowListEntries(t *testing.T) {
	g, err := New([]string{"127.0.0.1:11434", "ollama:11434", "Ollama.:8080", "[::1]:11434", "[::1]", "10.0.0.0/8",
		"wiki.internal", "wiki2.internal:8443", "[::ffff:127.0.0.2]:80", "192.168.1.9:065535"})
	require.NoError(t, err)
	require.Equal(t, []netip.Prefix{netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("10.0.0.0/8")}, g.allowPrefixes)
	require.Equal(t, map[string]bool{"wiki.internal": true}, g.allowNames)
	require.Equal(t, map[netip.AddrPort]bool{
		netip.MustParseAddrPort("127.0.0.1:11434"):   true,
		netip.MustParseAddrPort("[::1]:11434"):       true,
		netip.MustParseAddrPort("127.0.0.2:80"):      true, // IPv4-mapped entries are stored unmapped
		netip.MustParseAddrPort("192.168.1.9:65535"): true,
	}, g.allowAddrPorts)
	require.Equal(t, map[namePort]bool{{"ollama", 11434}: true, {"ollama", 8080}: true, {"wiki2.internal", 8443}: true}, g.allowNamePorts)

	for _, tc := range []struct{ entry, want string }{
		{"host:0", `port "0" is not allowed`},
		{"host:00", `port "00" is not allowed`},
		{"host:99999", `port "99999" is not allowed`},
		{"host:65536", `port "65536" is not allowed`},
		{"host:", `port "" is not allowed`},
		{"host:+80", `port "+80" is not allowed`},
		{"host:-1", `port "-1" is not allowed`},
		{"host:8o", `port "8o" is not allowed`},
		{"127.0.0.1:0", `port "0" is not allowed`},
		{"[::1]:0", `port "0" is not allowed`},
		{"[::1]:", `port "" is not allowed`},
		{"10.0.0.0/8:80", "a CIDR cannot name a port"},
		{"::1/128:80", "a CIDR cannot name a port"},
		{"[::1]/128", "netip.ParsePrefix"},
		{"[127.0.0.1]:80", "brackets hold an IPv6 address"},
		{"[wiki.internal]:80", "brackets hold an IPv6 address"},
		{"[::1", "missing ]"},
		{"[::1]x", "unexpected text after ]"},
		{"[fe80::1%eth0]:80", "zone identifiers are not supported"},
		{"::1:11434:x", "write an IPv6 address with a port as [::1]:11434"},
		{"ollama:11434:1", "write an IPv6 address with a port as [::1]:11434"},
		{":80", "not a valid host name"},
		{"10.1:80", "ambiguous IP address spelling"},
		{"bad_host!:80", "not a valid host name"},
		{"http://wiki.internal", "not a URL"},
		{"http://wiki.internal:8080", "not a URL"},
	} {
		_, err := New([]string{"wiki.internal", tc.entry})
		require.Error(t, err, tc.entry)
		require.Contains(t, err.Error(), fmt.Sprintf("invalid allow-list entry %q", tc.entry))
		require.Contains(t, err.Error(), tc.want, tc.entry)
		require.NotErrorIs(t, err, ErrBlocked)
	}
}

// TestCheckURLPorts: an entry with a port permits that port only (a URL
// without a port uses 80 or 443); the other ports of that host are refused
// with the entry to add. Entries without a port permit every port.
func TestCheckURLPorts(t *testing.T) {
	hosts := map[string]string{"ollama": "172.18.0.3", "wiki.internal": "10.0.0.7", "localhost": "127.0.0.1",
		"wiki-meta.internal": "169.254.169.254", "public.test": "93.184.216.35"}
	for _, tc := range []struct {
		name  string
		allow []string
		url   string
		want  string // error substring; empty: accepted
	}{
		{"address on its port", []string{"127.0.0.1:11434"}, "http://127.0.0.1:11434/api/tags", ""},
		{"address on its port over https", []string{"127.0.0.1:11434"}, "https://127.0.0.1:11434/", ""},
		{"address on another port", []string{"127.0.0.1:11434"}, "http://127.0.0.1:8080/",
			"127.0.0.1, a loopback address: not allowed (DESKMATE_URL_ALLOWLIST permits 127.0.0.1 on port 11434 only: add 127.0.0.1:8080 to permit port 8080)"},
		{"address on the default port", []string{"127.0.0.1:11434"}, "http://127.0.0.1/",
			"permits 127.0.0.1 on port 11434 only: add 127.0.0.1:80 to permit port 80"},
		{"address with port 80 and no port in the URL", []string{"127.0.0.1:80"}, "http://127.0.0.1/", ""},
		{"address with port 80 and https", []string{"127.0.0.1:80"}, "https://127.0.0.1/", "add 127.0.0.1:443 to permit port 443"},
		{"address on several ports", []string{"127.0.0.1:11434", "127.0.0.1:80"}, "http://127.0.0.1:8080/",
			"permits 127.0.0.1 on ports 80, 11434 only: add 127.0.0.1:8080"},
		{"other address", []string{"127.0.0.1:11434"}, "http://127.0.0.2:11434/",
			"127.0.0.2, a loopback address: not allowed (add 127.0.0.2:11434 to DESKMATE_URL_ALLOWLIST to permit)"},
		{"mapped address on its port", []string{"127.0.0.1:11434"}, "http://[::ffff:127.0.0.1]:11434/", ""},
		{"v6 on its port", []string{"[::1]:11434"}, "http://[::1]:11434/", ""},
		{"v6 on another port", []string{"[::1]:11434"}, "http://[::1]:11435/",
			"::1, the loopback address: not allowed (DESKMATE_URL_ALLOWLIST permits ::1 on port 11434 only: add [::1]:11435 to permit port 11435)"},
		{"v6 without port any port", []string{"[::1]"}, "http://[::1]:11435/", ""},
		{"cidr any port", []string{"10.0.0.0/8"}, "http://10.1.2.3:1/", ""},
		{"cidr any port high", []string{"10.0.0.0/8"}, "https://10.1.2.3:65535/", ""},
		{"cidr any port via name", []string{"10.0.0.0/8"}, "http://wiki.internal:8443/", ""},
		{"name on its port", []string{"ollama:11434"}, "http://ollama:11434/", ""},
		{"name on another port", []string{"ollama:11434"}, "http://ollama:8080/",
			"URL http://ollama:8080/ resolves to 172.18.0.3, a private address: not allowed (DESKMATE_URL_ALLOWLIST permits ollama on port 11434 only: add ollama:8080 to permit port 8080)"},
		{"name on the default port", []string{"ollama:11434"}, "http://OLLAMA./", "add ollama:80 to permit port 80"},
		{"name without port any port", []string{"wiki.internal"}, "http://wiki.internal:8443/", ""},
		{"name with port on default https", []string{"wiki.internal:443"}, "https://wiki.internal/", ""},
		{"name with port on explicit https port", []string{"wiki.internal:443"}, "https://wiki.internal:443/", ""},
		{"name with port on http", []string{"wiki.internal:443"}, "http://wiki.internal/", "add wiki.internal:80 to permit port 80"},
		{"name with port 8443", []string{"wiki.internal:8443"}, "https://wiki.internal:8443/x", ""},
		{"name with port 8443 on 443", []string{"wiki.internal:8443"}, "https://wiki.internal/x", "add wiki.internal:443 to permit port 443"},
		{"name entry does not allow its address", []string{"ollama:11434"}, "http://172.18.0.3:11434/", "add 172.18.0.3:11434 to DESKMATE_URL_ALLOWLIST to permit"},
		{"address entry allows names on that port", []string{"172.18.0.3:11434"}, "http://ollama:11434/", ""},
		{"address entry, name on another port", []string{"172.18.0.3:11434"}, "http://ollama:8080/",
			"permits 172.18.0.3 on port 11434 only: add ollama:8080 to permit port 8080"},
		{"loopback name on its port", []string{"localhost:11434"}, "http://localhost:11434/", ""},
		{"loopback name on another port", []string{"localhost:11434"}, "http://localhost:8080/",
			`host "localhost" is a loopback host name: not allowed (DESKMATE_URL_ALLOWLIST permits localhost on port 11434 only: add localhost:8080 to permit port 8080)`},
		{"loopback name without any entry", nil, "http://localhost:8080/", `(add localhost:8080 to DESKMATE_URL_ALLOWLIST to permit)`},
		{"metadata behind an allowed name and port", []string{"wiki-meta.internal:80"}, "http://wiki-meta.internal/", "cloud metadata service address used by AWS, GCP, Azure and others: not allowed"},
		{"public host on any port", []string{"127.0.0.1:11434"}, "http://public.test:8080/", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := New(tc.allow, WithResolver(mapResolver(hosts)))
			require.NoError(t, err)
			u, err := g.CheckURL(context.Background(), tc.url)
			if tc.want == "" {
				require.NoError(t, err)
				require.NotNil(t, u)
				return
			}
			require.ErrorIs(t, err, ErrBlocked)
			require.Nil(t, u)
			require.Contains(t, err.Error(), tc.want)
			if strings.Contains(tc.want, "metadata") {
				require.NotContains(t, err.Error(), "ALLOWLIST")
			}
		})
	}
}

func TestAllowListNameInMessages(t *testing.T) {
	g, err := New([]string{"127.0.0.1:11434"}, WithResolver(mapResolver(map[string]string{"intra.test": "10.0.0.1"})),
		WithAllowListName("DESKMATE_MODEL_ALLOWLIST"))
	require.NoError(t, err)
	ctx := context.Background()
	for url, want := range map[string]string{
		"http://10.0.0.1:11434":  "(add 10.0.0.1:11434 to DESKMATE_MODEL_ALLOWLIST to permit)",
		"http://10.0.0.1/":       "(add it to DESKMATE_MODEL_ALLOWLIST to permit)",
		"http://intra.test/":     "(add it to DESKMATE_MODEL_ALLOWLIST to permit)",
		"http://localhost/":      "(add the host name to DESKMATE_MODEL_ALLOWLIST to permit)",
		"http://127.0.0.1:8080/": "(DESKMATE_MODEL_ALLOWLIST permits 127.0.0.1 on port 11434 only: add 127.0.0.1:8080 to permit port 8080)",
	} {
		_, err := g.CheckURL(ctx, url)
		require.ErrorIs(t, err, ErrBlocked, url)
		require.Contains(t, err.Error(), want, url)
		require.NotContains(t, err.Error(), "DESKMATE_URL_ALLOWLIST", url)
	}
	_, err = g.DialContext(ctx, "tcp", "127.0.0.1:8080")
	require.ErrorContains(t, err, "connection to 127.0.0.1:8080 refused: 127.0.0.1 is a loopback address: not allowed (DESKMATE_MODEL_ALLOWLIST permits 127.0.0.1 on port 11434 only: add 127.0.0.1:8080 to permit port 8080)")

	// The default names the web sources' setting.
	d, err := New(nil)
	require.NoError(t, err)
	_, err = d.CheckURL(ctx, "http://127.0.0.1:11434/")
	require.ErrorContains(t, err, "(add 127.0.0.1:11434 to DESKMATE_URL_ALLOWLIST to permit)")
}

// TestDialContextPorts: the dialed port is what an entry with a port is
// matched against, for addresses and names.
func TestDialContextPorts(t *testing.T) {
	allowed := newCountingServer(t, nil)
	other := newCountingServer(t, nil)
	g, err := New([]string{"127.0.0.1:" + allowed.port(), "app.test:" + allowed.port()},
		WithResolver(mapResolver(map[string]string{"app.test": "127.0.0.1", "alias.test": "127.0.0.1"})))
	require.NoError(t, err)
	dials := recordDials(t, g)
	ctx := context.Background()

	for _, addr := range []string{"127.0.0.1:" + allowed.port(), "app.test:" + allowed.port(), "alias.test:" + allowed.port()} {
		conn, err := g.DialContext(ctx, "tcp", addr)
		require.NoError(t, err, addr)
		require.NoError(t, conn.Close())
	}
	for addr, want := range map[string]string{
		"127.0.0.1:" + other.port():   "add 127.0.0.1:" + other.port() + " to permit port " + other.port(),
		"app.test:" + other.port():    "permits app.test on port " + allowed.port() + " only: add app.test:" + other.port(),
		"alias.test:" + other.port():  "permits 127.0.0.1 on port " + allowed.port() + " only: add alias.test:" + other.port(),
		"[::1]:" + allowed.port():     "::1 is the loopback address: not allowed (add [::1]:" + allowed.port() + " to DESKMATE_URL_ALLOWLIST to permit)",
		"app.test:+" + allowed.port(): `port "+` + allowed.port() + `" is not allowed`,
	} {
		_, err := g.DialContext(ctx, "tcp", addr)
		require.ErrorIs(t, err, ErrBlocked, addr)
		require.Contains(t, err.Error(), want, addr)
	}
	want := "127.0.0.1:" + allowed.port()
	require.Equal(t, []string{want, want, want}, dials.list())
	require.Zero(t, other.hits.Load())
}

// TestClientPortRedirects: a redirect from an allowed host and port to
// another port of the same host is refused, by address or by name.
func TestClientPortRedirects(t *testing.T) {
	target := newCountingServer(t, nil)
	for _, tc := range []struct {
		name, allow, location, want string
	}{
		{"same port followed", "127.0.0.1:%s", "/ok", ""},
		{"address to another port", "127.0.0.1:%s", "http://127.0.0.1:" + target.port() + "/", "points to 127.0.0.1, a loopback address: not allowed"},
		{"name to another port", "app.test:%s", "http://app.test:" + target.port() + "/", "app.test resolves to 127.0.0.1, a loopback address: not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entry := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/ok" {
					_, _ = io.WriteString(w, "ok")
					return
				}
				http.Redirect(w, r, tc.location, http.StatusFound)
			})
			g, err := New([]string{fmt.Sprintf(tc.allow, entry.port())}, WithResolver(mapResolver(map[string]string{"app.test": "127.0.0.1"})))
			require.NoError(t, err)
			dials := recordDials(t, g)
			host := "127.0.0.1"
			if strings.HasPrefix(tc.allow, "app.test") {
				host = "app.test"
			}
			body, err := get(t, g.Client(10*time.Second), "http://"+net.JoinHostPort(host, entry.port())+"/")
			if tc.want == "" {
				require.NoError(t, err)
				require.Equal(t, "ok", body)
				return
			}
			require.ErrorIs(t, err, ErrBlocked)
			require.Contains(t, err.Error(), tc.want)
			require.Contains(t, err.Error(), "add "+tc.location[len("http://"):len(tc.location)-1]+" to permit")
			require.Zero(t, target.hits.Load())
			for _, a := range dials.list() {
				require.Equal(t, "127.0.0.1:"+entry.port(), a)
			}
		})
	}
}

// canonicalRegression is a URL of MaxURLLength bytes whose String() is
// longer: its five raw 0xff bytes are written out as %FF. CheckURL used to
// accept it and hand back a URL that it refuses, and that fetching or
// storing would have used.
var canonicalRegression = "https://example.com/" + strings.Repeat("\xff", 5) + strings.Repeat("a", MaxURLLength-len("https://example.com/")-5)

func TestCheckURLChecksTheCanonicalForm(t *testing.T) {
	g := newTestGuard(t)
	ctx := context.Background()

	require.Len(t, canonicalRegression, MaxURLLength)
	u, err := g.CheckURL(ctx, canonicalRegression)
	require.ErrorIs(t, err, ErrBlocked)
	require.Nil(t, u)
	require.ErrorContains(t, err, "URL https://example.com/%FF%FF%FF%FF%FFaaa")
	require.ErrorContains(t, err, "longer than 2048 characters: not allowed")

	// Shorter, it is accepted, and what comes back is the escaped form,
	// which passes again unchanged.
	for raw, want := range map[string]string{
		"https://example.com/" + strings.Repeat("\xff", 5) + strings.Repeat("a", MaxURLLength-len("https://example.com/")-15): "https://example.com/%FF%FF%FF%FF%FF" + strings.Repeat("a", MaxURLLength-len("https://example.com/")-15),
		"http://example.com/a b":            "http://example.com/a%20b",
		"http://example.com/caf\u00e9?q=1":  "http://example.com/caf%C3%A9?q=1",
		"HTTP://Example.COM:8443/Path#frag": "http://Example.COM:8443/Path#frag",
	} {
		u, err := g.CheckURL(ctx, raw)
		require.NoError(t, err, raw)
		require.Equal(t, want, u.String())
		require.LessOrEqual(t, len(u.String()), MaxURLLength)
		again, err := g.CheckURL(ctx, u.String())
		require.NoError(t, err)
		require.Equal(t, want, again.String())
	}

	// Multi-byte characters count as their escaped form too.
	long := "http://example.com/" + strings.Repeat("\u00e9", 400) // 819 bytes, 2419 characters escaped
	require.Less(t, len(long), MaxURLLength)
	_, err = g.CheckURL(ctx, long)
	require.ErrorContains(t, err, "longer than 2048 characters")

	// Long messages are cut without splitting a character or echoing raw bytes.
	_, err = g.CheckURL(ctx, "http://example.com/"+strings.Repeat("\u00e9", 2048))
	require.ErrorContains(t, err, "longer than 2048 characters")
	require.True(t, utf8.ValidString(err.Error()), err.Error())
	_, err = g.CheckURL(ctx, "http://user:s3cret@example.com/"+strings.Repeat("a", MaxURLLength))
	require.ErrorContains(t, err, "longer than 2048 characters")
	require.NotContains(t, err.Error(), "s3cret")
}

package netguard

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// testHosts is the fake DNS used by the tests; nothing leaves the machine.
var testHosts = map[string][]string{
	"example.com":              {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"},
	"public.test":              {"93.184.216.35"},
	"public6.test":             {"2606:4700::1111"},
	"mixed.test":               {"93.184.216.34", "10.0.0.1"},
	"mixed6.test":              {"2606:4700::1111", "fd00::1"},
	"private.test":             {"192.168.1.10"},
	"loopback.test":            {"127.0.0.1"},
	"private6.test":            {"fd12:3456::1"},
	"mapped.test":              {"::ffff:127.0.0.1"},
	"metaalias.test":           {"169.254.169.254"},
	"cgnat.test":               {"100.64.1.2"},
	"wiki.internal":            {"10.0.0.7"},
	"other.internal":           {"10.0.0.7"},
	"wiki-meta.internal":       {"169.254.169.254"},
	"nat64.test":               {"64:ff9b::a00:1"},
	"metadata.google.internal": {"169.254.169.254"},
}

func fakeResolver(ctx context.Context, host string) ([]netip.Addr, error) {
	ips, ok := testHosts[strings.TrimSuffix(host, ".")]
	if !ok {
		return nil, fmt.Errorf("lookup %s: no such host", host)
	}
	out := make([]netip.Addr, len(ips))
	for i, s := range ips {
		out[i] = netip.MustParseAddr(s)
	}
	return out, nil
}

func newTestGuard(t testing.TB, allow ...string) *Guard {
	t.Helper()
	g, err := New(allow, WithResolver(fakeResolver))
	require.NoError(t, err)
	return g
}

type urlCase struct {
	name string
	url  string
	// allow is the allow list for this case.
	allow []string
	// want is a substring of the error message; empty means accepted.
	want string
}

// blockedCases are attempts to reach internal destinations; every one must
// be refused with ErrBlocked.
var blockedCases = []urlCase{
	// Plain literals.
	{"loopback v4", "http://127.0.0.1/", nil, "127.0.0.1, a loopback address: not allowed (add it to DESKMATE_URL_ALLOWLIST to permit)"},
	{"loopback other", "http://127.8.9.10:8080/x", nil, "a loopback address"},
	{"private 10", "http://10.0.0.1/", nil, "a private address"},
	{"private 172", "http://172.16.5.4/", nil, "a private address"},
	{"private 192", "https://192.168.0.1/admin", nil, "a private address"},
	{"unspecified", "http://0.0.0.0:8080/", nil, "unspecified"},
	{"zero", "http://0/", nil, "unspecified"},
	{"cgnat", "http://100.64.0.1/", nil, "carrier-grade NAT"},
	{"link-local", "http://169.254.0.1/", nil, "link-local"},
	{"benchmarking", "http://198.18.0.1/", nil, "benchmarking"},
	{"test-net-1", "http://192.0.2.1/", nil, "documentation"},
	{"multicast v4", "http://224.0.0.1/", nil, "multicast"},
	{"reserved v4", "http://240.0.0.1/", nil, "reserved"},
	{"broadcast", "http://255.255.255.255/", nil, "broadcast"},
	{"6to4 relay", "http://192.88.99.1/", nil, "6to4 relay"},

	// Non-canonical IPv4 spellings.
	{"decimal", "http://2130706433/", nil, `127.0.0.1 (written as "2130706433"), a loopback address`},
	{"octal", "http://0177.0.0.1/", nil, `written as "0177.0.0.1"`},
	{"octal dword", "http://017700000001/", nil, "a loopback address"},
	{"hex first octet", "http://0x7f.0.0.1/", nil, "a loopback address"},
	{"hex dword", "http://0x7f000001/", nil, "a loopback address"},
	{"hex upper", "http://0X7F000001/", nil, "a loopback address"},
	{"short form", "http://127.1/", nil, "a loopback address"},
	{"short private", "http://10.1/", nil, "10.0.0.1"},
	{"three parts", "http://192.168.257/", nil, "192.168.1.1"},
	{"mixed hex short", "http://0x7f.1/", nil, "a loopback address"},
	{"mixed octal hex", "http://0177.0x0.0.01/", nil, "a loopback address"},
	{"leading zeros", "http://127.000.000.001/", nil, "a loopback address"},
	{"trailing dot", "http://127.0.0.1./", nil, `written as "127.0.0.1."`},
	{"metadata decimal", "http://2852039166/latest/meta-data/", nil, "cloud metadata"},
	{"metadata hex", "http://0xa9.0xfe.0xa9.0xfe/", nil, "cloud metadata"},
	{"ambiguous public hex", "http://0x8.8.8.8/", nil, `ambiguous IP address spelling "0x8.8.8.8" (means 8.8.8.8; write it as 8.8.8.8)`},
	{"ambiguous public decimal", "http://134744072/", nil, "ambiguous IP address spelling"},
	{"ambiguous public trailing dot", "http://8.8.8.8./", nil, "ambiguous IP address spelling"},
	{"ambiguous allow-listed spelling", "http://10.1/", []string{"10.0.0.0/8"}, "ambiguous IP address spelling"},
	{"five parts", "http://1.2.3.4.5/", nil, "ambiguous IP address spelling"},
	{"bad octal", "http://08.8.8.8/", nil, "ambiguous IP address spelling"},
	{"overflow", "http://4294967296/", nil, "ambiguous IP address spelling"},
	{"numeric tld", "http://foo.123/", nil, "ambiguous IP address spelling"},

	// IPv6 literals and IPv4 embedded in IPv6.
	{"v6 loopback", "http://[::1]/", nil, "the loopback address"},
	{"v6 unspecified", "http://[::]/", nil, "the unspecified address"},
	{"v6 expanded loopback", "http://[0:0:0:0:0:0:0:1]:8080/", nil, "the loopback address"},
	{"mapped dotted", "http://[::ffff:127.0.0.1]/", nil, "IPv4-mapped IPv6 address embedding 127.0.0.1 (a loopback address)"},
	{"mapped hex", "http://[::ffff:7f00:1]/", nil, "embedding 127.0.0.1"},
	{"mapped expanded", "http://[0:0:0:0:0:ffff:a9fe:a9fe]/", nil, "cloud metadata"},
	{"ipv4-compatible", "http://[::127.0.0.1]/", nil, "IPv4-compatible IPv6 address embedding 127.0.0.1"},
	{"ipv4-compatible public", "http://[::8.8.8.8]/", nil, "deprecated IPv4-compatible"},
	{"nat64 private", "http://[64:ff9b::10.0.0.1]/", nil, "NAT64 address embedding 10.0.0.1 (a private address)"},
	{"nat64 metadata", "http://[64:ff9b::a9fe:a9fe]/", nil, "cloud metadata"},
	{"nat64 local-use", "http://[64:ff9b:1::808:808]/", nil, "local-use NAT64"},
	{"6to4 loopback", "http://[2002:7f00:1::]/", nil, "6to4 address embedding 127.0.0.1"},
	{"6to4 metadata", "http://[2002:a9fe:a9fe::1]/", nil, "cloud metadata"},
	{"teredo", "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", nil, "Teredo"},
	{"ietf special", "http://[2001:2::1]/", nil, "IETF protocol assignment"},
	{"v6 documentation", "http://[2001:db8::1]/", nil, "documentation"},
	{"unique local", "http://[fd12:3456::1]/", nil, "unique local"},
	{"unique local fc", "http://[fc00::1]/", nil, "unique local"},
	{"link-local zone", "http://[fe80::1%25eth0]/", nil, "link-local"},
	{"zone on public", "http://[2606:4700::1111%25eth0]/", nil, "zone identifiers are not allowed"},
	{"site-local", "http://[fec0::1]/", nil, "site-local"},
	{"v6 multicast", "http://[ff02::1]/", nil, "multicast"},
	{"discard", "http://[100::1]/", nil, "discard-only"},
	{"non-global v6", "http://[4000::1]/", nil, "non-global"},

	// Cloud metadata.
	{"aws metadata", "http://169.254.169.254/latest/meta-data/", nil, "169.254.169.254, the cloud metadata service address used by AWS, GCP, Azure and others: not allowed"},
	{"aws metadata v6", "http://[fd00:ec2::254]/", nil, "AWS metadata service address (IPv6)"},
	{"alibaba metadata", "http://100.100.100.200/latest/meta-data/", nil, "Alibaba"},
	{"oracle metadata", "http://192.0.0.192/opc/v2/", nil, "Oracle"},
	{"gcp metadata name", "http://metadata.google.internal/computeMetadata/v1/", nil, `host "metadata.google.internal" is a cloud metadata service name: not allowed`},
	{"gcp metadata name trailing dot", "http://metadata.google.internal./", nil, "cloud metadata service name"},
	{"gcp metadata upper", "http://METADATA.Google.Internal/", nil, "cloud metadata service name"},
	{"metadata short name", "http://metadata/", nil, "cloud metadata service name"},
	{"metadata even when allow-listed by name", "http://wiki-meta.internal/", []string{"wiki-meta.internal"}, "cloud metadata"},
	{"metadata name allow-listed still resolves to metadata", "http://metadata.google.internal/", []string{"metadata.google.internal"}, "cloud metadata"},

	// Names.
	{"localhost", "http://localhost:8080/", nil, `host "localhost" is a loopback host name`},
	{"localhost upper trailing dot", "http://LOCALHOST./", nil, "loopback host name"},
	{"sub.localhost", "http://api.localhost/", nil, "loopback host name"},
	{"name resolving to private only", "https://private.test/", nil, "URL https://private.test/ resolves to 192.168.1.10, a private address: not allowed"},
	{"name resolving to loopback", "http://loopback.test/", nil, "loopback"},
	{"name resolving to mix", "http://mixed.test/", nil, "resolves to 10.0.0.1"},
	{"name resolving to v6 mix", "http://mixed6.test/", nil, "fd00::1, a unique local"},
	{"name resolving to private v6", "http://private6.test/", nil, "unique local"},
	{"name resolving to mapped loopback", "http://mapped.test/", nil, "127.0.0.1, a loopback address"},
	{"name resolving to metadata", "http://metaalias.test/", nil, "cloud metadata"},
	{"name resolving to cgnat", "http://cgnat.test/", nil, "carrier-grade NAT"},
	{"name resolving to nat64 private", "http://nat64.test/", nil, "NAT64"},
	{"name not allow-listed", "http://other.internal/", []string{"wiki.internal"}, "private address"},
	{"cidr allow is exact", "http://192.168.1.21/", []string{"192.168.1.20/32"}, "private address"},
	{"fullwidth digits", "http://１２７.０.０.１/", nil, "not ASCII"},
	{"circled letters", "http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/", nil, "not ASCII"},
	{"bad label", "http://-bad.example/", nil, "invalid host name"},
	{"double trailing dot", "http://example.com../", nil, "invalid host name"},

	// Userinfo tricks.
	{"userinfo", "http://user:pass@example.com/", nil, "user names and passwords"},
	{"userinfo redacted", "http://user:s3cret@example.com/", nil, "user:xxxxx@example.com"},
	{"userinfo host confusion", "http://evil.com@127.0.0.1/", nil, "user names and passwords"},
	{"userinfo public target", "http://127.0.0.1@example.com/", nil, "user names and passwords"},
	{"userinfo with port", "http://127.0.0.1:80@example.com/", nil, "user names and passwords"},
	{"empty userinfo", "http://@example.com/", nil, "user names and passwords"},
	{"backslash userinfo", `http://evil.com\@127.0.0.1/`, nil, "not a valid URL"},

	// Schemes.
	{"file", "file:///etc/passwd", nil, `scheme "file" is not allowed (only http and https)`},
	{"file upper", "FILE:///etc/passwd", nil, `scheme "file" is not allowed`},
	{"gopher", "gopher://127.0.0.1:6379/_INFO", nil, `scheme "gopher"`},
	{"ftp", "ftp://example.com/", nil, `scheme "ftp"`},
	{"dict", "dict://127.0.0.1:11211/stats", nil, `scheme "dict"`},
	{"javascript", "javascript:alert(1)", nil, `scheme "javascript"`},
	{"data", "data:text/html,hi", nil, `scheme "data"`},
	{"no scheme", "//127.0.0.1/", nil, "missing scheme"},
	{"bare host", "example.com/path", nil, "missing scheme"},
	{"upper scheme blocked ip", "HTTP://127.0.0.1/", nil, "a loopback address"},
	{"mixed case scheme blocked ip", "hTtPs://[::1]/", nil, "the loopback address"},

	// Structure.
	{"empty", "", nil, "empty URL"},
	{"blank", "  ", nil, "empty URL"},
	{"empty host", "http:///etc/passwd", nil, "missing host"},
	{"empty host with port", "http://:80/", nil, "missing host"},
	{"opaque", "http:127.0.0.1", nil, "not an absolute URL"},
	{"port zero", "http://example.com:0/", nil, `port "0" is not allowed`},
	{"port zero padded", "http://example.com:000/", nil, `port "000" is not allowed`},
	{"port too large", "http://example.com:65536/", nil, "not allowed"},
	{"v6 port zero", "http://[2606:4700::1111]:0/", nil, "not allowed"},
	{"too long", "https://example.com/" + strings.Repeat("a", MaxURLLength), nil, "longer than 2048 characters"},
	{"bad escape", "http://%6c%6fcalhost/", nil, "not a valid URL"},
	{"bad ipv6", "http://[::1/", nil, "not a valid URL"},
	{"bracketed v4", "http://[127.0.0.1]/", nil, "not a valid URL"},
}

// allowedCases must be accepted.
var allowedCases = []urlCase{
	{"public v4", "http://93.184.216.34/", nil, ""},
	{"public v4 with port", "https://93.184.216.34:8443/path?q=1#frag", nil, ""},
	{"public v6", "http://[2606:4700::1111]/", nil, ""},
	{"public v6 port", "https://[2606:4700::1111]:443/", nil, ""},
	{"mapped public", "http://[::ffff:93.184.216.34]/", nil, ""},
	{"nat64 public", "http://[64:ff9b::5db8:d822]/", nil, ""},
	{"6to4 public", "http://[2002:5db8:d822::1]/", nil, ""},
	{"public name", "https://example.com/", nil, ""},
	{"public name trailing dot", "https://example.com./", nil, ""},
	{"upper scheme and host", "HTTPS://Example.COM:8443/Path", nil, ""},
	{"public name v6", "http://public6.test/", nil, ""},
	{"empty port", "http://example.com:/", nil, ""},
	{"just under the limit", "https://example.com/" + strings.Repeat("a", MaxURLLength-len("https://example.com/")), nil, ""},
	{"allow cidr v4", "http://10.1.2.3/", []string{"10.0.0.0/8"}, ""},
	{"allow cidr exact", "http://192.168.1.20:3000/", []string{"192.168.1.20/32"}, ""},
	{"allow bare ip", "http://192.168.1.20/", []string{"192.168.1.20"}, ""},
	{"allow cidr v6 loopback", "http://[::1]:11434/api/tags", []string{"::1/128"}, ""},
	{"allow cidr covers mapped", "http://[::ffff:127.0.0.1]/", []string{"127.0.0.0/8"}, ""},
	{"allow cidr via name", "http://private.test/", []string{"192.168.0.0/16"}, ""},
	{"allow cidr via name mixed", "http://mixed.test/", []string{"10.0.0.1/32"}, ""},
	{"allow host name", "http://wiki.internal/page", []string{"wiki.internal"}, ""},
	{"allow host name any case", "http://WIKI.internal./page", []string{"Wiki.Internal"}, ""},
	{"allow localhost by name", "http://localhost/", []string{"localhost"}, "cannot resolve"}, // passes the name check, fails DNS in the fake resolver
	{"allow metadata cidr explicitly", "http://169.254.169.254/", []string{"169.254.169.254/32"}, ""},
}

func TestCheckURLBlocked(t *testing.T) {
	require.GreaterOrEqual(t, len(blockedCases), 30)
	for _, tc := range blockedCases {
		t.Run(tc.name, func(t *testing.T) {
			g := newTestGuard(t, tc.allow...)
			u, err := g.CheckURL(context.Background(), tc.url)
			require.Error(t, err, "accepted %q as %v", tc.url, u)
			require.Nil(t, u)
			require.ErrorIs(t, err, ErrBlocked)
			var be *BlockedError
			require.ErrorAs(t, err, &be)
			require.Contains(t, err.Error(), tc.want)
			require.NotContains(t, err.Error(), "s3cret")
			require.NotContains(t, err.Error(), "pass@")
		})
	}
}

func TestCheckURLAllowed(t *testing.T) {
	for _, tc := range allowedCases {
		t.Run(tc.name, func(t *testing.T) {
			g := newTestGuard(t, tc.allow...)
			u, err := g.CheckURL(context.Background(), tc.url)
			if tc.want != "" {
				require.Error(t, err)
				require.NotErrorIs(t, err, ErrBlocked)
				require.Contains(t, err.Error(), tc.want)
				return
			}
			require.NoError(t, err)
			want, err := url.Parse(tc.url)
			require.NoError(t, err)
			require.Equal(t, want.String(), u.String())
			require.Contains(t, []string{"http", "https"}, u.Scheme)
		})
	}
}

func TestCheckURLResolverError(t *testing.T) {
	g := newTestGuard(t)
	_, err := g.CheckURL(context.Background(), "https://nowhere.test/")
	require.Error(t, err)
	require.NotErrorIs(t, err, ErrBlocked)
	require.Contains(t, err.Error(), `cannot resolve host "nowhere.test"`)

	empty, err := New(nil, WithResolver(func(context.Context, string) ([]netip.Addr, error) { return nil, nil }))
	require.NoError(t, err)
	_, err = empty.CheckURL(context.Background(), "https://example.com/")
	require.ErrorContains(t, err, "has no IP addresses")
}

func TestBlockedErrorFields(t *testing.T) {
	g, err := New(nil, WithResolver(func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr("10.0.0.5")}, nil
	}))
	require.NoError(t, err)
	_, err = g.CheckURL(context.Background(), "https://x.example/")
	require.EqualError(t, err, "URL https://x.example/ resolves to 10.0.0.5, a private address: not allowed (add it to DESKMATE_URL_ALLOWLIST to permit)")
	var be *BlockedError
	require.True(t, errors.As(err, &be))
	require.Equal(t, "https://x.example/", be.URL)
	require.Equal(t, "x.example", be.Host)
	require.Equal(t, netip.MustParseAddr("10.0.0.5"), be.Addr)
	require.Equal(t, "a private address", be.Reason)

	// Metadata refusals do not suggest the allow list.
	_, err = g.CheckURL(context.Background(), "http://169.254.169.254/")
	require.NotContains(t, err.Error(), "DESKMATE_URL_ALLOWLIST")
}

func TestNewAllowList(t *testing.T) {
	g, err := New([]string{"10.0.0.0/8", " 192.168.1.20/32 ", "::1/128", "wiki.internal", "Ollama.Local.", "", "172.16.5.4", "fd00::5", "10.1.2.3/8"})
	require.NoError(t, err)
	require.Len(t, g.allowPrefixes, 6)
	require.Contains(t, g.allowPrefixes, netip.MustParsePrefix("10.0.0.0/8"))
	require.True(t, g.allowNames["wiki.internal"])
	require.True(t, g.allowNames["ollama.local"])

	for _, bad := range []string{"10.0.0.0/33", "http://wiki.internal", "bad host", "*.internal", "10.1", "0x7f.0.0.1", "fe80::1%eth0", "::1/129", "-x.example", "wiki..internal"} {
		_, err := New([]string{"wiki.internal", bad})
		require.Error(t, err, bad)
		require.Contains(t, err.Error(), fmt.Sprintf("%q", bad))
		require.NotErrorIs(t, err, ErrBlocked)
	}
}

func TestParseAllowList(t *testing.T) {
	require.Empty(t, ParseAllowList(""))
	require.Empty(t, ParseAllowList(" , ,, "))
	require.Equal(t, []string{"10.0.0.0/8", "wiki.internal", "::1/128", "192.168.1.20/32"},
		ParseAllowList(" 10.0.0.0/8, wiki.internal\t::1/128 ,,192.168.1.20/32\n"))
}

func TestParseInetAton(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1":               "127.0.0.1",
		"2130706433":              "127.0.0.1",
		"0177.0.0.1":              "127.0.0.1",
		"0x7f.0.0.1":              "127.0.0.1",
		"0x7f000001":              "127.0.0.1",
		"017700000001":            "127.0.0.1",
		"127.1":                   "127.0.0.1",
		"10.1":                    "10.0.0.1",
		"10.0x10203":              "10.1.2.3",
		"192.168.257":             "192.168.1.1",
		"127.000.000.001":         "127.0.0.1",
		"0x":                      "0.0.0.0",
		"0":                       "0.0.0.0",
		"0xffffffff":              "255.255.255.255",
		"4294967295":              "255.255.255.255",
		"00000000000000177.0.0.1": "127.0.0.1",
	} {
		a, ok := parseInetAton(in)
		require.True(t, ok, in)
		require.Equal(t, want, a.String(), in)
	}
	for _, in := range []string{"", "1.2.3.4.5", "256.0.0.1", "1.256.0.1", "1.2.65536", "4294967296", "08", "0x1g", "1..2", "1.2.3.", "a.b.c.d", "99999999999999999999999"} {
		_, ok := parseInetAton(in)
		require.False(t, ok, in)
	}
}

// TestClassifyTable checks that every range in the table is refused,
// including its first and last address, and that its neighbours outside the
// special ranges are not.
func TestClassifyTable(t *testing.T) {
	for _, r := range blockedRanges {
		if r.embed == embedLow32 || r.embed == embed6to4 {
			continue // judged by the embedded address
		}
		require.True(t, classify(r.prefix.Addr()).blocked, r.prefix.String())
		require.True(t, classify(lastAddr(r.prefix)).blocked, r.prefix.String())
	}
	for _, s := range []string{"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0", "223.255.255.255", "2606:4700::1111", "2a00:1450:4001::1", "2001:4860:4860::8888"} {
		require.False(t, classify(netip.MustParseAddr(s)).blocked, s)
	}
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

package netguard

import (
	"context"
	"hash/fnv"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// specBlocked restates the blocked ranges independently of the package's
// table, so the fuzz invariants do not simply trust it.
var specBlocked = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
		"198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"255.255.255.255/32", "100.100.100.200/32", "192.0.0.192/32",
		"::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
		"fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "fd00:ec2::254/128",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// specIsBlocked reports whether a must never be reached, looking inside the
// IPv6 forms that carry an IPv4 address.
func specIsBlocked(a netip.Addr) bool {
	a = a.WithZone("")
	for _, p := range specBlocked {
		if p.Contains(a) {
			return true
		}
	}
	if !a.Is6() {
		return false
	}
	b := a.As16()
	switch {
	case netip.MustParsePrefix("::ffff:0:0/96").Contains(a),
		netip.MustParsePrefix("64:ff9b::/96").Contains(a):
		return specIsBlocked(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	case netip.MustParsePrefix("2002::/16").Contains(a):
		return specIsBlocked(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
	case netip.MustParsePrefix("::/96").Contains(a):
		return true // IPv4-compatible: deprecated, never accepted
	}
	return false
}

// fuzzAddrs are the answers of the fuzz resolver, public and internal.
var fuzzAddrs = [][]string{
	{"93.184.216.34"},
	{"2606:4700::1111"},
	{"10.0.0.1"},
	{"93.184.216.34", "192.168.1.1"},
	{"127.0.0.1"},
	{"::ffff:169.254.169.254"},
	{"2606:4700::1111", "fe80::1"},
	{"64:ff9b::a00:1"},
}

func fuzzResolve(host string) []netip.Addr {
	h := fnv.New32a()
	h.Write([]byte(strings.TrimSuffix(host, ".")))
	var out []netip.Addr
	for _, s := range fuzzAddrs[h.Sum32()%uint32(len(fuzzAddrs))] {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

func FuzzCheckURL(f *testing.F) {
	for _, tc := range blockedCases {
		f.Add(tc.url)
	}
	for _, tc := range allowedCases {
		f.Add(tc.url)
	}
	for _, s := range []string{"http://a.b/", "https://xn--bcher-kva.example/", "http://[::ffff:8.8.8.8]:8080/", "http://1.1.1.1/?q=%00",
		"http://127.0.0.1:8080/", "http://[::1]:11434/", "https://wiki.test:8443/", "http://wiki.test/"} {
		f.Add(s)
	}

	g, err := New(nil, WithResolver(func(_ context.Context, host string) ([]netip.Addr, error) {
		return fuzzResolve(host), nil
	}))
	if err != nil {
		f.Fatal(err)
	}
	// ports permits a few internal destinations on one port each.
	ports, err := New(fuzzPortAllow, WithResolver(func(_ context.Context, host string) ([]netip.Addr, error) {
		return fuzzResolve(host), nil
	}))
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, raw string) {
		if pu, err := ports.CheckURL(context.Background(), raw); err == nil {
			checkPortAllowed(t, raw, pu)
		}
		u, err := g.CheckURL(context.Background(), raw)
		if err != nil {
			if u != nil {
				t.Fatalf("CheckURL(%q) returned a URL with an error", raw)
			}
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("CheckURL(%q) accepted scheme %q", raw, u.Scheme)
		}
		if u.User != nil {
			t.Fatalf("CheckURL(%q) accepted userinfo", raw)
		}
		if len(raw) > MaxURLLength {
			t.Fatalf("CheckURL accepted a URL of %d bytes", len(raw))
		}
		host := u.Hostname()
		if host == "" {
			t.Fatalf("CheckURL(%q) accepted an empty host", raw)
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				t.Fatalf("CheckURL(%q) accepted port %q", raw, p)
			}
		}
		if a, err := netip.ParseAddr(host); err == nil {
			if specIsBlocked(a) {
				t.Fatalf("CheckURL(%q) accepted blocked address %s", raw, a)
			}
			if a.Zone() != "" {
				t.Fatalf("CheckURL(%q) accepted zone %q", raw, a.Zone())
			}
		} else {
			name := strings.TrimSuffix(strings.ToLower(host), ".")
			if looksLikeIPv4(name) {
				t.Fatalf("CheckURL(%q) accepted numeric host %q that is not a canonical address", raw, host)
			}
			if name == "localhost" || strings.HasSuffix(name, ".localhost") || metadataNames[name] {
				t.Fatalf("CheckURL(%q) accepted host %q", raw, host)
			}
			for _, a := range fuzzResolve(strings.ToLower(host)) {
				if specIsBlocked(a) {
					t.Fatalf("CheckURL(%q) accepted %q, which resolves to %s", raw, host, a)
				}
			}
		}
		// What was accepted is what is used: its String() is within the
		// limit, stays accepted, and comes back unchanged with the same host.
		if len(u.String()) > MaxURLLength {
			t.Fatalf("CheckURL(%q) accepted a URL written out as %d characters", raw, len(u.String()))
		}
		again, err := g.CheckURL(context.Background(), u.String())
		if err != nil {
			t.Fatalf("CheckURL(%q) accepted, but not its String() %q: %v", raw, u.String(), err)
		}
		if again.Host != u.Host {
			t.Fatalf("CheckURL(%q): host %q became %q after re-serializing", raw, u.Host, again.Host)
		}
		if again.String() != u.String() {
			t.Fatalf("CheckURL(%q): %q became %q after re-serializing", raw, u.String(), again.String())
		}
		if _, err := url.Parse(u.String()); err != nil {
			t.Fatalf("accepted URL does not re-parse: %v", err)
		}
	})
}

// fuzzPortAllow is the allow list of the fuzz guard with ports.
var fuzzPortAllow = []string{"127.0.0.1:8080", "[::1]:11434", "wiki.test:8443", "10.0.0.0/8"}

// checkPortAllowed fails when the guard with fuzzPortAllow accepted u although
// one of its addresses is internal and no entry permits it on u's port.
func checkPortAllowed(t *testing.T, raw string, u *url.URL) {
	t.Helper()
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatalf("CheckURL(%q) accepted port %q", raw, port)
	}
	host := u.Hostname()
	var addrs []netip.Addr
	nameAllowed := false
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		name := strings.TrimSuffix(strings.ToLower(host), ".")
		nameAllowed = name == "wiki.test" && n == 8443
		addrs = fuzzResolve(strings.ToLower(host))
	}
	for _, a := range addrs {
		if !specIsBlocked(a) {
			continue
		}
		bare := a.WithZone("").Unmap()
		switch {
		case netip.MustParsePrefix("10.0.0.0/8").Contains(bare):
		case bare == netip.MustParseAddr("127.0.0.1") && n == 8080:
		case bare == netip.MustParseAddr("::1") && n == 11434:
		case nameAllowed && !netip.MustParsePrefix("169.254.0.0/16").Contains(bare):
		default:
			t.Fatalf("CheckURL(%q) with allow list %q accepted %s on port %d", raw, fuzzPortAllow, a, n)
		}
	}
}

package server

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClientAddrReadsForwardedForOnlyFromTrustedProxies(t *testing.T) {
	trusted := trustedProxies{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32")}
	a := netip.MustParseAddr
	for _, tc := range []struct {
		name      string
		peer      string
		forwarded []string
		want      string
	}{
		{"no proxy", "203.0.113.9", nil, "203.0.113.9"},
		{"untrusted peer's header ignored", "203.0.113.9", []string{"198.51.100.1"}, "203.0.113.9"},
		{"one trusted proxy", "127.0.0.1", []string{"198.51.100.1"}, "198.51.100.1"},
		{"client-supplied entry on the left ignored", "127.0.0.1", []string{"1.1.1.1, 198.51.100.1"}, "198.51.100.1"},
		{"chain of trusted proxies skipped", "10.0.0.2", []string{"198.51.100.1, 10.0.0.7", "10.0.0.3"}, "198.51.100.1"},
		{"no header from a trusted proxy", "127.0.0.1", nil, "127.0.0.1"},
		{"malformed entry stops the walk", "127.0.0.1", []string{"198.51.100.1, nonsense, 10.0.0.4"}, "10.0.0.4"},
		{"all hops trusted", "127.0.0.1", []string{"10.0.0.1, 10.0.0.2"}, "10.0.0.1"},
		{"IPv4-mapped IPv6 peer", "::ffff:127.0.0.1", []string{"2001:db8::1"}, "2001:db8::1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, a(tc.want), trusted.clientAddr(a(tc.peer), tc.forwarded))
		})
	}
	require.Equal(t, a("127.0.0.1"), trustedProxies(nil).clientAddr(a("127.0.0.1"), []string{"198.51.100.1"}))
}

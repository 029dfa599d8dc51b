package server_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/deskmate/deskmate/server"
)

// Fiber's test connections come from 0.0.0.0; trusting it stands for a
// reverse proxy in front of Deskmate.
var testPeer = netip.MustParsePrefix("0.0.0.0/32")

func behindProxy() []string {
	return []string{"X-Forwarded-For", "198.51.100.7, 203.0.113.50", "X-Forwarded-Proto", "https",
		"X-Forwarded-Host", "help.example.com", "Origin", "https://help.example.com"}
}

func TestBehindATrustedProxy(t *testing.T) {
	a := newAPI(t, guards{}, func(d *server.Deps) { d.TrustedProxies = []netip.Prefix{testPeer} })
	u := a.anon()
	r := u.call("POST", "/api/setup", map[string]string{"email": "owner@deskmate.test", "name": "Olivia", "password": goodPassword},
		behindProxy()...)
	require.Equal(t, 201, r.Status, string(r.Body))
	// The proxy speaks HTTPS to the browser: the cookie is Secure, and the
	// browser's Origin (the public host) passes the same-origin check.
	require.Contains(t, strings.ToLower(r.Header.Get("Set-Cookie")), "; secure")
	require.NotContains(t, a.logs.String(), "plain HTTP")
	// The client is the address the proxy saw, not the one the client claimed.
	require.Contains(t, a.logs.String(), "remote_ip=203.0.113.50")
	require.NotContains(t, a.logs.String(), "remote_ip=198.51.100.7")
}

func TestForwardedHeadersFromAnUntrustedPeerAreIgnored(t *testing.T) {
	a := newAPI(t, guards{})
	u := a.anon()
	u.host = "deskmate.example.net"
	r := u.call("POST", "/api/setup", map[string]string{"email": "owner@deskmate.test", "name": "Olivia", "password": goodPassword},
		behindProxy()...)
	// X-Forwarded-Host is not believed: the Origin is foreign.
	require.Equal(t, 403, r.Status, string(r.Body))
	r = u.call("POST", "/api/setup", map[string]string{"email": "owner@deskmate.test", "name": "Olivia", "password": goodPassword},
		"X-Forwarded-For", "198.51.100.7", "X-Forwarded-Proto", "https")
	require.Equal(t, 201, r.Status, string(r.Body))
	// Plain HTTP to a public host name: not Secure (the browser would drop
	// it), with a warning; and the logged client is the peer.
	require.NotContains(t, strings.ToLower(r.Header.Get("Set-Cookie")), "secure")
	logs := a.logs.String()
	require.Contains(t, logs, "plain HTTP")
	require.Contains(t, logs, "remote_ip=0.0.0.0")
	require.False(t, strings.Contains(logs, "remote_ip=198.51.100.7"))
}

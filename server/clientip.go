package server

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// trustedProxies decides whose X-Forwarded-* headers count.
type trustedProxies []netip.Prefix

func (t trustedProxies) contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range t {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddr is the address of the client behind the request: the peer,
// or, when the peer is a trusted proxy, the nearest address in
// X-Forwarded-For that is not one of the trusted proxies. Proxies append
// the address they saw, so reading from the right skips only entries our
// own proxies wrote; what the client put at the left cannot be trusted.
func (t trustedProxies) clientAddr(peer netip.Addr, forwardedFor []string) netip.Addr {
	peer = peer.Unmap()
	if !t.contains(peer) {
		return peer
	}
	var hops []string
	for _, h := range forwardedFor {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// A malformed entry: nothing left of it can be believed.
			return client
		}
		client = a.Unmap()
		if !t.contains(client) {
			return client
		}
	}
	return client
}

// proxyList is the prefixes as Fiber's TrustedProxies wants them.
func proxyList(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

const clientIPKey = "deskmate.client_ip"

// middleware records each request's client address for the handlers and the
// access log.
func (t trustedProxies) middleware(c *fiber.Ctx) error {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	var forwarded []string
	if t.contains(peer) {
		for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
			forwarded = append(forwarded, string(v))
		}
	}
	c.Locals(clientIPKey, t.clientAddr(peer, forwarded).String())
	return c.Next()
}

// clientIP is the request's client address (see trustedProxies.clientAddr).
func clientIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(clientIPKey).(string); ok {
		return ip
	}
	return c.IP()
}

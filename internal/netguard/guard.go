package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	// MaxURLLength is the longest URL the guard accepts, in bytes.
	MaxURLLength = 2048
	// MaxRedirects is how many redirects the Client follows.
	MaxRedirects = 5
)

// Resolver looks up the IP addresses of a host name.
type Resolver func(ctx context.Context, host string) ([]netip.Addr, error)

// Option configures a Guard.
type Option func(*Guard)

// WithResolver replaces the DNS resolver (net.DefaultResolver by default),
// e.g. with a fixed table in tests.
func WithResolver(r Resolver) Option {
	return func(g *Guard) {
		if r != nil {
			g.resolve = r
		}
	}
}

// Guard checks outbound destinations. Create it with New; it is safe for
// concurrent use.
type Guard struct {
	allowPrefixes []netip.Prefix
	allowNames    map[string]bool
	resolve       Resolver
	// dial connects to an address the guard has already checked.
	dial      func(ctx context.Context, network, address string) (net.Conn, error)
	transport *http.Transport
}

// New returns a Guard. allow lists destinations that are permitted even
// though they are internal: CIDRs ("10.0.0.0/8", "192.168.1.20/32",
// "::1/128"; a bare address counts as a single-address CIDR) permit those
// addresses whatever the host name, and exact host names ("wiki.internal")
// permit that name whatever it resolves to, except cloud metadata
// addresses. Empty entries are ignored; an invalid entry is an error naming
// it.
func New(allow []string, opts ...Option) (*Guard, error) {
	g := &Guard{
		allowNames: map[string]bool{},
		resolve: func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		},
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	g.dial = dialer.DialContext
	for _, e := range allow {
		if err := g.addAllow(strings.TrimSpace(e)); err != nil {
			return nil, err
		}
	}
	for _, o := range opts {
		o(g)
	}
	g.transport = &http.Transport{
		Proxy:                  nil, // never take a proxy from the environment
		DialContext:            g.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 1 << 20,
	}
	return g, nil
}

func (g *Guard) addAllow(e string) error {
	if e == "" {
		return nil
	}
	bad := func(why string) error {
		return fmt.Errorf("netguard: invalid allow-list entry %q: %s (want a CIDR like 10.0.0.0/8 or a host name like wiki.internal)", e, why)
	}
	if strings.Contains(e, "/") {
		p, err := netip.ParsePrefix(e)
		if err != nil {
			return bad(err.Error())
		}
		g.allowPrefixes = append(g.allowPrefixes, p.Masked())
		return nil
	}
	if strings.Contains(e, ":") {
		a, err := netip.ParseAddr(e)
		if err != nil {
			return bad("not an IP address or host name")
		}
		if a.Zone() != "" {
			return bad("zone identifiers are not supported")
		}
		g.allowPrefixes = append(g.allowPrefixes, netip.PrefixFrom(a, a.BitLen()))
		return nil
	}
	name := strings.ToLower(strings.TrimSuffix(e, "."))
	if looksLikeIPv4(name) {
		a, ok := parseInetAton(name)
		if !ok || a.String() != name {
			return bad("ambiguous IP address spelling")
		}
		g.allowPrefixes = append(g.allowPrefixes, netip.PrefixFrom(a, 32))
		return nil
	}
	if !validHostName(name) {
		return bad("not a valid host name")
	}
	g.allowNames[name] = true
	return nil
}

// ParseAllowList splits a comma/space separated env value
// (DESKMATE_URL_ALLOWLIST) into entries.
func ParseAllowList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}

// CheckURL parses and validates raw (scheme, length, userinfo, host
// spelling) and resolves the host, rejecting it if any address is blocked.
// Returns the parsed URL.
//
// Passing CheckURL does not make a later request safe by itself (DNS can
// change in between): fetch with Client, or a transport using DialContext.
func (g *Guard) CheckURL(ctx context.Context, raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, &BlockedError{Reason: "empty URL", msg: "empty URL: not allowed"}
	}
	if len(raw) > MaxURLLength {
		return nil, &BlockedError{
			Reason: fmt.Sprintf("URL is longer than %d characters", MaxURLLength),
			msg:    fmt.Sprintf("URL %s...: longer than %d characters: not allowed", truncate(raw, 60), MaxURLLength),
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the url.Error would repeat the URL, password included
		}
		return nil, &BlockedError{Reason: "not a valid URL", msg: "not a valid URL: " + err.Error()}
	}
	s := urlSubject(u.Redacted())
	h, err := g.checkStatic(u, s)
	if err != nil {
		return nil, err
	}
	if !h.addr.IsValid() {
		if _, err := g.resolveChecked(ctx, h, s); err != nil {
			return nil, err
		}
	}
	return u, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// hostInfo is a host that passed the syntax checks.
type hostInfo struct {
	name   string     // lower case, without trailing dot; the address for literals
	lookup string     // what to resolve: lower case, as written
	addr   netip.Addr // set for IP literals, which have been checked already
}

// checkStatic runs every check that needs no DNS: scheme, userinfo, host
// syntax and spelling, port, and the address of IP-literal hosts.
func (g *Guard) checkStatic(u *url.URL, s subject) (hostInfo, error) {
	switch u.Scheme {
	case "http", "https":
	case "":
		return hostInfo{}, s.refuse("", "missing scheme (only http and https URLs are allowed)")
	default:
		return hostInfo{}, s.refuse("", fmt.Sprintf("scheme %q is not allowed (only http and https)", u.Scheme))
	}
	if u.Opaque != "" {
		return hostInfo{}, s.refuse("", "not an absolute URL (want http://host/path or https://host/path)")
	}
	if u.User != nil {
		return hostInfo{}, s.refuse("", "user names and passwords in URLs are not allowed")
	}
	host := u.Hostname()
	if host == "" {
		return hostInfo{}, s.refuse("", "missing host")
	}
	if p := u.Port(); p != "" {
		if err := checkPort(p); err != nil {
			return hostInfo{}, s.refuse(host, err.Error())
		}
	}
	return g.checkHost(host, s)
}

func checkPort(p string) error {
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("port %q is not allowed (want 1-65535)", p)
	}
	return nil
}

// checkHost validates a host (IPv6 literals without brackets). IP literals
// are checked against the blocked ranges, names against the names that are
// always internal; resolving names is left to the caller.
func (g *Guard) checkHost(host string, s subject) (hostInfo, error) {
	if strings.Contains(host, ":") {
		a, err := netip.ParseAddr(host)
		if err != nil {
			return hostInfo{}, s.refuse(host, fmt.Sprintf("invalid IPv6 address %q", host))
		}
		if v := g.check(a, false); v.blocked {
			return hostInfo{}, s.refuseAddr(host, true, "", a, v)
		}
		if a.Zone() != "" {
			return hostInfo{}, s.refuse(host, "IPv6 zone identifiers are not allowed")
		}
		return hostInfo{name: a.String(), lookup: a.String(), addr: a}, nil
	}
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			return hostInfo{}, s.refuse(host, fmt.Sprintf("host %q is not ASCII (write internationalized names in their xn-- form)", host))
		}
	}
	lookup := strings.ToLower(host)
	name := strings.TrimSuffix(lookup, ".")
	trailingDot := name != lookup
	if looksLikeIPv4(name) {
		a, ok := parseInetAton(name)
		if !ok {
			return hostInfo{}, s.refuse(host, fmt.Sprintf("ambiguous IP address spelling %q", host))
		}
		if a.String() == name && !trailingDot {
			if v := g.check(a, false); v.blocked {
				return hostInfo{}, s.refuseAddr(host, true, "", a, v)
			}
			return hostInfo{name: name, lookup: name, addr: a}, nil
		}
		if v := g.check(a, false); v.blocked {
			return hostInfo{}, s.refuseAddr(host, true, host, a, v)
		}
		return hostInfo{}, s.refuse(host, fmt.Sprintf("ambiguous IP address spelling %q (means %s; write it as %s)", host, a, a))
	}
	if !validHostName(name) {
		return hostInfo{}, s.refuse(host, fmt.Sprintf("invalid host name %q", host))
	}
	if !g.allowNames[name] {
		if reason, metadata := blockedName(name); reason != "" {
			hint := " (add the host name to DESKMATE_URL_ALLOWLIST to permit)"
			if metadata {
				hint = ""
			}
			return hostInfo{}, s.refuse(host, fmt.Sprintf("host %q is %s: not allowed%s", host, reason, hint))
		}
	}
	return hostInfo{name: name, lookup: lookup}, nil
}

// validHostName reports whether name (lower case, no trailing dot) is a
// syntactically valid DNS name. Underscores are tolerated, as resolvers do.
func validHostName(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// metadataNames are host names of cloud metadata services.
var metadataNames = map[string]bool{
	"metadata":                   true,
	"metadata.google.internal":   true,
	"metadata.goog":              true,
	"instance-data":              true,
	"instance-data.ec2.internal": true,
}

// loopbackNames are names that always mean this machine.
var loopbackNames = map[string]bool{
	"localhost":             true,
	"localhost.localdomain": true,
	"ip6-localhost":         true,
	"ip6-loopback":          true,
}

// blockedName reports why a host name is refused without resolving it.
func blockedName(name string) (reason string, metadata bool) {
	switch {
	case metadataNames[name]:
		return "a cloud metadata service name", true
	case loopbackNames[name] || strings.HasSuffix(name, ".localhost"):
		return "a loopback host name", false
	}
	return "", false
}

// check returns the verdict for a, taking the allow list into account.
// nameAllowed says the address belongs to an allow-listed host name, which
// lets everything through except cloud metadata addresses.
func (g *Guard) check(a netip.Addr, nameAllowed bool) verdict {
	bare := a.WithZone("")
	for _, p := range g.allowPrefixes {
		if p.Contains(bare) || (bare.Is4In6() && p.Contains(bare.Unmap())) {
			return verdict{}
		}
	}
	v := classify(bare)
	if v.blocked && nameAllowed && !v.metadata {
		return verdict{}
	}
	return v
}

// resolveChecked resolves h and checks every address; one blocked address
// refuses the host.
func (g *Guard) resolveChecked(ctx context.Context, h hostInfo, s subject) ([]netip.Addr, error) {
	addrs, err := g.resolve(ctx, h.lookup)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot resolve host %q: %w", s, h.name, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("%s: host %q has no IP addresses", s, h.name)
	}
	nameAllowed := g.allowNames[h.name]
	out := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		a = a.Unmap()
		if v := g.check(a, nameAllowed); v.blocked {
			return nil, s.refuseAddr(h.name, false, "", a, v)
		}
		out = append(out, a)
	}
	return out, nil
}

// DialContext dials only addresses that pass the guard (resolve, check
// every IP, dial the checked IP). It accepts the tcp, tcp4 and tcp6
// networks.
func (g *Guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	s := dialSubject(addr)
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, s.refuse("", fmt.Sprintf("network %q is not allowed (only tcp)", network))
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, s.refuse("", "invalid address: "+err.Error())
	}
	if host == "" {
		return nil, s.refuse("", "missing host")
	}
	if err := checkPort(port); err != nil {
		return nil, s.refuse(host, err.Error())
	}
	h, err := g.checkHost(host, s)
	if err != nil {
		return nil, err
	}
	addrs := []netip.Addr{h.addr}
	if !h.addr.IsValid() {
		if addrs, err = g.resolveChecked(ctx, h, s); err != nil {
			return nil, err
		}
	}
	var lastErr error
	for _, a := range addrs {
		a = a.Unmap()
		if network == "tcp4" && !a.Is4() || network == "tcp6" && !a.Is6() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		conn, err := g.dial(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return conn, nil
		}
		lastErr = err
	}
	if lastErr == nil {
		lastErr = fmt.Errorf("netguard: no %s address for %s", network, host)
	}
	return nil, lastErr
}

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
	return g.checkRequestURL(req.URL)
}

// checkRequestURL runs the checks that need no DNS on a request URL; the
// addresses of host names are checked when dialing.
func (g *Guard) checkRequestURL(u *url.URL) error {
	s := urlSubject(u.Redacted())
	if len(u.String()) > MaxURLLength {
		return &BlockedError{
			Reason: fmt.Sprintf("URL is longer than %d characters", MaxURLLength),
			msg:    fmt.Sprintf("URL %s...: longer than %d characters: not allowed", truncate(u.Redacted(), 60), MaxURLLength),
		}
	}
	_, err := g.checkStatic(u, s)
	return err
}

// guardedTransport checks each request URL before handing it to the
// transport, whose dialer checks the addresses.
type guardedTransport struct {
	g    *Guard
	base *http.Transport
}

func (t *guardedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.g.checkRequestURL(req.URL); err != nil {
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

package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxURLLength is the longest URL the guard accepts, in bytes.
const MaxURLLength = 2048

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
	// Allow-list entries without a port permit any port.
	allowPrefixes []netip.Prefix
	allowNames    map[string]bool
	// Entries with a port permit that port only.
	allowAddrPorts map[netip.AddrPort]bool
	allowNamePorts map[namePort]bool
	// listName is the setting named in refusal messages.
	listName string
	resolve  Resolver
	// dial connects to an address the guard has already checked.
	dial      func(ctx context.Context, network, address string) (net.Conn, error)
	transport *http.Transport
}

// New returns a Guard. allow lists destinations that are permitted even
// though they are internal: CIDRs ("10.0.0.0/8", "192.168.1.20/32",
// "::1/128"; a bare address counts as a single-address CIDR) permit those
// addresses whatever the host name, and exact host names ("wiki.internal")
// permit that name whatever it resolves to, except cloud metadata
// addresses. An address or host name may name a port ("127.0.0.1:11434",
// "[::1]:11434", "ollama:11434"): it then permits that port only. A
// URL's port is the one it names, or 80 for http and 443 for https. Empty
// entries are ignored; an invalid entry is an error naming it.
func New(allow []string, opts ...Option) (*Guard, error) {
	g := &Guard{
		allowNames:     map[string]bool{},
		allowAddrPorts: map[netip.AddrPort]bool{},
		allowNamePorts: map[namePort]bool{},
		listName:       DefaultAllowListName,
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
	g.transport = newTransport(g.DialContext)
	return g, nil
}

// CheckURL parses and validates raw (scheme, length, userinfo, host
// spelling, port) and resolves the host, rejecting it if any address is
// blocked. Returns the parsed URL in its canonical form: use its String()
// to store or fetch, never raw. Every check runs on that form (raw parsed,
// serialized and parsed again), so that what is checked is what is used:
// String() escapes raw bytes and may lengthen the URL past MaxURLLength.
//
// Passing CheckURL does not make a later request safe by itself (DNS can
// change in between): fetch with Client, or a transport using DialContext.
func (g *Guard) CheckURL(ctx context.Context, raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, &BlockedError{Reason: "empty URL", msg: "empty URL: not allowed"}
	}
	if len(raw) > MaxURLLength {
		shown := raw
		if u, err := url.Parse(raw); err == nil {
			shown = u.Redacted()
		}
		return nil, tooLong(shown)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, invalidURL(err)
	}
	canonical := u.String()
	if u, err = url.Parse(canonical); err != nil {
		return nil, invalidURL(err)
	}
	again := u.String()
	if again != canonical {
		return nil, &BlockedError{Reason: "not a valid URL",
			msg: fmt.Sprintf("not a valid URL: %s changes each time it is written out", truncate(u.Redacted(), 60))}
	}
	h, err := g.checkCanonical(u, again)
	if err != nil {
		return nil, err
	}
	if !h.addr.IsValid() {
		if _, err := g.resolveChecked(ctx, h, urlSubject(redacted(u, again))); err != nil {
			return nil, err
		}
	}
	return u, nil
}

func invalidURL(err error) *BlockedError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the url.Error would repeat the URL, password included
	}
	return &BlockedError{Reason: "not a valid URL", msg: "not a valid URL: " + err.Error()}
}

func tooLong(shown string) *BlockedError {
	return &BlockedError{
		Reason: fmt.Sprintf("URL is longer than %d characters", MaxURLLength),
		msg:    fmt.Sprintf("URL %s...: longer than %d characters: not allowed", truncate(shown, 60), MaxURLLength),
	}
}

// truncate cuts s to at most n bytes, never inside a UTF-8 sequence, and
// replaces invalid bytes so that messages stay valid text.
func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n]
		for i := 0; i < utf8.UTFMax && len(s) > 0; i++ {
			if r, size := utf8.DecodeLastRuneInString(s); r != utf8.RuneError || size != 1 {
				break
			}
			s = s[:len(s)-1]
		}
	}
	return strings.ToValidUTF8(s, "\ufffd")
}

// hostInfo is a host that passed the syntax checks, with the port in use.
type hostInfo struct {
	name   string     // lower case, without trailing dot; the address for literals
	lookup string     // what to resolve: lower case, as written
	addr   netip.Addr // set for IP literals, which have been checked already
	port   uint16     // the port named, or the scheme's default
	// explicitPort says the URL or address named the port.
	explicitPort bool
}

// checkStatic runs every check that needs no DNS: scheme, userinfo, host
// syntax and spelling, port, and the address of IP-literal hosts.
func (g *Guard) checkStatic(u *url.URL, s subject) (hostInfo, error) {
	var port uint16
	switch u.Scheme {
	case "http":
		port = 80
	case "https":
		port = 443
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
	explicit := false
	if p := u.Port(); p != "" {
		n, err := parsePort(p)
		if err != nil {
			return hostInfo{}, s.refuse(host, err.Error())
		}
		port, explicit = n, true
	}
	return g.checkHost(host, port, explicit, s)
}

// checkHost validates a host (IPv6 literals without brackets) to be reached
// on port. IP literals are checked against the blocked ranges, names
// against the names that are always internal; resolving names is left to
// the caller.
func (g *Guard) checkHost(host string, port uint16, explicit bool, s subject) (hostInfo, error) {
	h := hostInfo{port: port, explicitPort: explicit}
	if strings.Contains(host, ":") {
		a, err := netip.ParseAddr(host)
		if err != nil {
			return hostInfo{}, s.refuse(host, fmt.Sprintf("invalid IPv6 address %q", host))
		}
		h.name, h.lookup, h.addr = a.String(), a.String(), a
		if v := g.check(a, port, false); v.blocked {
			return hostInfo{}, s.refuseAddr(host, true, "", a, v, g.addrHint(h, a, v))
		}
		if a.Zone() != "" {
			return hostInfo{}, s.refuse(host, "IPv6 zone identifiers are not allowed")
		}
		return h, nil
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
		h.name, h.lookup, h.addr = a.String(), a.String(), a
		if a.String() == name && !trailingDot {
			if v := g.check(a, port, false); v.blocked {
				return hostInfo{}, s.refuseAddr(host, true, "", a, v, g.addrHint(h, a, v))
			}
			return h, nil
		}
		if v := g.check(a, port, false); v.blocked {
			return hostInfo{}, s.refuseAddr(host, true, host, a, v, g.addrHint(h, a, v))
		}
		return hostInfo{}, s.refuse(host, fmt.Sprintf("ambiguous IP address spelling %q (means %s; write it as %s)", host, a, a))
	}
	if !validHostName(name) {
		return hostInfo{}, s.refuse(host, fmt.Sprintf("invalid host name %q", host))
	}
	h.name, h.lookup = name, lookup
	if !g.nameAllowed(name, port) {
		if reason, metadata := blockedName(name); reason != "" {
			hint := ""
			if !metadata {
				hint = g.hint(h, netip.Addr{}, "the host name")
			}
			return hostInfo{}, s.refuse(host, fmt.Sprintf("host %q is %s: not allowed%s", host, reason, hint))
		}
	}
	return h, nil
}

// addrHint is the hint for a refused address: none for cloud metadata
// addresses, which are never meant to be allowed.
func (g *Guard) addrHint(h hostInfo, a netip.Addr, v verdict) string {
	if v.metadata {
		return ""
	}
	return g.hint(h, a, "it")
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

// check returns the verdict for a reached on port, taking the allow list
// into account. nameAllowed says the address belongs to a host name allowed
// on that port, which lets everything through except cloud metadata
// addresses.
func (g *Guard) check(a netip.Addr, port uint16, nameAllowed bool) verdict {
	bare := a.WithZone("")
	if g.addrAllowed(bare, port) {
		return verdict{}
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
	nameAllowed := g.nameAllowed(h.name, h.port)
	out := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		a = a.Unmap()
		if v := g.check(a, h.port, nameAllowed); v.blocked {
			return nil, s.refuseAddr(h.name, false, "", a, v, g.addrHint(h, a, v))
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
	n, err := parsePort(port)
	if err != nil {
		return nil, s.refuse(host, err.Error())
	}
	h, err := g.checkHost(host, n, true, s)
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

// checkCanonical is checkRequestURL given u.String().
func (g *Guard) checkCanonical(u *url.URL, str string) (hostInfo, error) {
	if len(str) > MaxURLLength {
		return hostInfo{}, tooLong(redacted(u, str))
	}
	return g.checkStatic(u, urlSubject(redacted(u, str)))
}

// redacted is u.Redacted() given u.String(), without writing u out again
// when there is no password to hide.
func redacted(u *url.URL, str string) string {
	if _, hasPassword := u.User.Password(); hasPassword {
		return u.Redacted()
	}
	return str
}

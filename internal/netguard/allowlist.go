package netguard

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// DefaultAllowListName is the setting named in refusal messages unless
// WithAllowListName says otherwise.
const DefaultAllowListName = "DESKMATE_URL_ALLOWLIST"

// WithAllowListName names the setting that holds the guard's allow list
// (e.g. DESKMATE_MODEL_ALLOWLIST), so that refusals say where to permit a
// destination. The default is DefaultAllowListName.
func WithAllowListName(name string) Option {
	return func(g *Guard) {
		if name != "" {
			g.listName = name
		}
	}
}

// namePort is a host name allowed on one port only.
type namePort struct {
	name string
	port uint16
}

// addAllow parses one allow-list entry:
//
//	10.0.0.0/8, ::1/128      CIDR: those addresses, any port
//	192.168.1.20, ::1, [::1] one address, any port
//	127.0.0.1:11434          one address, that port only
//	[::1]:11434              one IPv6 address, that port only
//	wiki.internal            that host name, any port
//	ollama:11434             that host name, that port only
//
// A CIDR cannot carry a port ("10.0.0.0/8:80" is refused): list the
// addresses with a port one by one instead.
func (g *Guard) addAllow(e string) error {
	if e == "" {
		return nil
	}
	bad := func(why string) error {
		return fmt.Errorf("netguard: invalid allow-list entry %q: %s (want a CIDR like 10.0.0.0/8, a host name like wiki.internal, "+
			"or an address or host name with a port like 127.0.0.1:11434, [::1]:11434 or ollama:11434)", e, why)
	}
	if strings.Contains(e, "://") {
		return bad("write the host name or address, not a URL")
	}
	if i := strings.IndexByte(e, '/'); i >= 0 {
		if strings.Contains(e[i:], ":") {
			return bad("a CIDR cannot name a port (list single addresses with their port instead, e.g. 10.0.0.5:11434)")
		}
		p, err := netip.ParsePrefix(e)
		if err != nil {
			return bad(err.Error())
		}
		g.allowPrefixes = append(g.allowPrefixes, p.Masked())
		return nil
	}

	host, portText, hasPort := e, "", false
	switch {
	case strings.HasPrefix(e, "["):
		end := strings.IndexByte(e, ']')
		if end < 0 {
			return bad("missing ]")
		}
		host = e[1:end]
		switch rest := e[end+1:]; {
		case rest == "":
		case rest[0] == ':':
			portText, hasPort = rest[1:], true
		default:
			return bad("unexpected text after ]")
		}
		if a, err := netip.ParseAddr(host); err != nil || !a.Is6() {
			return bad("brackets hold an IPv6 address")
		}
	case strings.Count(e, ":") == 1:
		host, portText, _ = strings.Cut(e, ":")
		hasPort = true
	}

	var port uint16
	if hasPort {
		p, err := parsePort(portText)
		if err != nil {
			return bad(err.Error())
		}
		port = p
	}

	if strings.Contains(host, ":") {
		a, err := netip.ParseAddr(host)
		if err != nil {
			return bad("not an IP address or host name (write an IPv6 address with a port as [::1]:11434)")
		}
		if a.Zone() != "" {
			return bad("zone identifiers are not supported")
		}
		g.allowAddr(a, port)
		return nil
	}
	name := strings.ToLower(strings.TrimSuffix(host, "."))
	if looksLikeIPv4(name) {
		a, ok := parseInetAton(name)
		if !ok || a.String() != name {
			return bad("ambiguous IP address spelling")
		}
		g.allowAddr(a, port)
		return nil
	}
	if !validHostName(name) {
		return bad("not a valid host name")
	}
	if port == 0 {
		g.allowNames[name] = true
	} else {
		g.allowNamePorts[namePort{name, port}] = true
	}
	return nil
}

// allowAddr records an address entry; port 0 means any port.
func (g *Guard) allowAddr(a netip.Addr, port uint16) {
	if port == 0 {
		g.allowPrefixes = append(g.allowPrefixes, netip.PrefixFrom(a, a.BitLen()))
		return
	}
	g.allowAddrPorts[netip.AddrPortFrom(a.Unmap(), port)] = true
}

// parsePort parses a port of an allow-list entry, a URL or a dialed
// address: decimal digits only, 1 to 65535.
func parsePort(p string) (uint16, error) {
	bad := fmt.Errorf("port %q is not allowed (want 1-65535)", p)
	n := 0
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return 0, bad
		}
		if n = n*10 + int(p[i]-'0'); n > 65535 {
			return 0, bad
		}
	}
	if n < 1 {
		return 0, bad
	}
	return uint16(n), nil
}

// ParseAllowList splits a comma/space separated env value
// (DESKMATE_URL_ALLOWLIST, DESKMATE_MODEL_ALLOWLIST) into entries.
func ParseAllowList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}

// addrAllowed reports whether an address entry permits a on port.
func (g *Guard) addrAllowed(a netip.Addr, port uint16) bool {
	for _, p := range g.allowPrefixes {
		if p.Contains(a) || (a.Is4In6() && p.Contains(a.Unmap())) {
			return true
		}
	}
	return g.allowAddrPorts[netip.AddrPortFrom(a.Unmap(), port)]
}

// nameAllowed reports whether a host name entry permits name on port.
func (g *Guard) nameAllowed(name string, port uint16) bool {
	return g.allowNames[name] || g.allowNamePorts[namePort{name, port}]
}

// hint tells admins how to permit a refused destination on purpose: the
// entry to add, or, when the name or address is allowed on other ports only,
// which ports those are. a is the refused address (invalid for a refused
// host name); generic is the hint's subject when the URL named no port.
func (g *Guard) hint(h hostInfo, a netip.Addr, generic string) string {
	a = a.WithZone("")
	entry := h.name
	if h.addr.IsValid() || entry == "" {
		entry = a.String()
	}
	target := net.JoinHostPort(entry, strconv.Itoa(int(h.port)))
	var ports []uint16
	who := h.name
	if !h.addr.IsValid() {
		for np := range g.allowNamePorts {
			if np.name == h.name {
				ports = append(ports, np.port)
			}
		}
	}
	if len(ports) == 0 && a.IsValid() {
		who = a.Unmap().String()
		for ap := range g.allowAddrPorts {
			if ap.Addr() == a.Unmap() {
				ports = append(ports, ap.Port())
			}
		}
	}
	if len(ports) > 0 {
		slices.Sort(ports)
		list := make([]string, len(ports))
		for i, p := range ports {
			list[i] = strconv.Itoa(int(p))
		}
		noun := "port "
		if len(ports) > 1 {
			noun = "ports "
		}
		return fmt.Sprintf(" (%s permits %s on %s%s only: add %s to permit port %d)",
			g.listName, who, noun, strings.Join(list, ", "), target, h.port)
	}
	if h.explicitPort {
		return fmt.Sprintf(" (add %s to %s to permit)", target, g.listName)
	}
	return fmt.Sprintf(" (add %s to %s to permit)", generic, g.listName)
}

package netguard

import (
	"fmt"
	"net/netip"
)

// embedding says where a range carries an IPv4 address inside an IPv6 one.
type embedding int

const (
	embedNone    embedding = iota
	embedLow32             // last 32 bits: IPv4-mapped, IPv4-compatible, NAT64 (RFC 6052 /96)
	embed6to4              // bits 16-47: 6to4 (RFC 3056)
	embedBlockV6           // embedded address is checked, but the range is blocked anyway
)

// blockedRange is one entry of the table of refused destinations.
type blockedRange struct {
	prefix netip.Prefix
	// reason is a noun phrase completing "10.0.0.5 is ...".
	reason string
	// metadata marks cloud metadata endpoints; allow-listed host names
	// never reach them.
	metadata bool
	// embed, when set, means the range is judged by the IPv4 address it
	// carries: blocked if that address is blocked, allowed otherwise
	// (except embedBlockV6, which is always blocked).
	embed embedding
	// kind names the embedding in messages.
	kind string
}

func mustPrefix(s string) netip.Prefix {
	p := netip.MustParsePrefix(s)
	if p != p.Masked() {
		panic("netguard: prefix not masked: " + s)
	}
	return p
}

// blockedRanges is checked in order; the first match wins, so the specific
// entries come before the ranges that contain them.
var blockedRanges = []blockedRange{
	// Cloud metadata endpoints.
	{prefix: mustPrefix("169.254.169.254/32"), reason: "the cloud metadata service address used by AWS, GCP, Azure and others", metadata: true},
	{prefix: mustPrefix("169.254.170.2/32"), reason: "the AWS ECS task metadata address", metadata: true},
	{prefix: mustPrefix("100.100.100.200/32"), reason: "the Alibaba Cloud metadata service address", metadata: true},
	{prefix: mustPrefix("192.0.0.192/32"), reason: "the Oracle Cloud metadata service address", metadata: true},
	{prefix: mustPrefix("fd00:ec2::254/128"), reason: "the AWS metadata service address (IPv6)", metadata: true},

	// IPv4 special-purpose ranges (RFC 6890 and friends).
	{prefix: mustPrefix("0.0.0.0/8"), reason: `an unspecified ("this network") address`},
	{prefix: mustPrefix("10.0.0.0/8"), reason: "a private address"},
	{prefix: mustPrefix("100.64.0.0/10"), reason: "a carrier-grade NAT (shared) address"},
	{prefix: mustPrefix("127.0.0.0/8"), reason: "a loopback address"},
	{prefix: mustPrefix("169.254.0.0/16"), reason: "a link-local address, the range of cloud metadata services", metadata: true},
	{prefix: mustPrefix("172.16.0.0/12"), reason: "a private address"},
	{prefix: mustPrefix("192.0.0.0/24"), reason: "an IETF protocol assignment address"},
	{prefix: mustPrefix("192.0.2.0/24"), reason: "a documentation (TEST-NET-1) address"},
	{prefix: mustPrefix("192.88.99.0/24"), reason: "a 6to4 relay anycast address"},
	{prefix: mustPrefix("192.168.0.0/16"), reason: "a private address"},
	{prefix: mustPrefix("198.18.0.0/15"), reason: "a benchmarking address"},
	{prefix: mustPrefix("198.51.100.0/24"), reason: "a documentation (TEST-NET-2) address"},
	{prefix: mustPrefix("203.0.113.0/24"), reason: "a documentation (TEST-NET-3) address"},
	{prefix: mustPrefix("224.0.0.0/4"), reason: "a multicast address"},
	{prefix: mustPrefix("255.255.255.255/32"), reason: "the broadcast address"},
	{prefix: mustPrefix("240.0.0.0/4"), reason: "a reserved address"},

	// IPv6 special-purpose ranges.
	{prefix: mustPrefix("::/128"), reason: "the unspecified address"},
	{prefix: mustPrefix("::1/128"), reason: "the loopback address"},
	{prefix: mustPrefix("::ffff:0:0/96"), embed: embedLow32, kind: "an IPv4-mapped IPv6 address"},
	{prefix: mustPrefix("::/96"), embed: embedBlockV6, kind: "a deprecated IPv4-compatible IPv6 address", reason: "a deprecated IPv4-compatible IPv6 address"},
	{prefix: mustPrefix("64:ff9b::/96"), embed: embedLow32, kind: "a NAT64 address"},
	{prefix: mustPrefix("64:ff9b:1::/48"), reason: "a local-use NAT64 address"},
	{prefix: mustPrefix("100::/64"), reason: "a discard-only address"},
	{prefix: mustPrefix("2001::/32"), reason: "a Teredo tunnel address"},
	{prefix: mustPrefix("2001::/23"), reason: "an IETF protocol assignment address"},
	{prefix: mustPrefix("2001:db8::/32"), reason: "a documentation address"},
	{prefix: mustPrefix("3fff::/20"), reason: "a documentation address"},
	{prefix: mustPrefix("2002::/16"), embed: embed6to4, kind: "a 6to4 address"},
	{prefix: mustPrefix("fc00::/7"), reason: "a unique local (private) address"},
	{prefix: mustPrefix("fe80::/10"), reason: "a link-local address"},
	{prefix: mustPrefix("fec0::/10"), reason: "a deprecated site-local address"},
	{prefix: mustPrefix("ff00::/8"), reason: "a multicast address"},
}

// globalUnicast6 is the only IPv6 space in use on the public internet
// (RFC 4291); addresses outside it are refused unless a table entry above
// allowed them (the IPv4-embedding ranges).
var globalUnicast6 = mustPrefix("2000::/3")

// verdict is the outcome of checking one address.
type verdict struct {
	blocked  bool
	reason   string
	metadata bool
}

// classify reports whether a is a blocked destination, ignoring the allow
// list. Zones are ignored here; callers refuse them separately.
func classify(a netip.Addr) verdict {
	a = a.WithZone("")
	for _, r := range blockedRanges {
		if !r.prefix.Contains(a) {
			continue
		}
		switch r.embed {
		case embedNone:
			return verdict{blocked: true, reason: r.reason, metadata: r.metadata}
		case embedLow32, embedBlockV6:
			b := a.As16()
			inner := classify(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
			if inner.blocked {
				return embeddedVerdict(r.kind, netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), inner)
			}
			if r.embed == embedBlockV6 {
				return verdict{blocked: true, reason: r.reason}
			}
			return verdict{}
		case embed6to4:
			b := a.As16()
			v4 := netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
			if inner := classify(v4); inner.blocked {
				return embeddedVerdict(r.kind, v4, inner)
			}
			return verdict{}
		}
	}
	if a.Is6() && !globalUnicast6.Contains(a) {
		return verdict{blocked: true, reason: "a non-global (reserved) IPv6 address"}
	}
	return verdict{}
}

func embeddedVerdict(kind string, v4 netip.Addr, inner verdict) verdict {
	return verdict{
		blocked:  true,
		reason:   fmt.Sprintf("%s embedding %s (%s)", kind, v4, inner.reason),
		metadata: inner.metadata,
	}
}

package netguard

import (
	"net/netip"
	"strings"
)

// numericLabel reports whether s looks like a number to inet_aton or to the
// WHATWG URL host parser: decimal digits, or 0x/0X followed by hex digits
// (possibly none).
func numericLabel(s string) bool {
	if s == "" {
		return false
	}
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		for i := 2; i < len(s); i++ {
			if !isHex(s[i]) {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// looksLikeIPv4 reports whether a host name (without a trailing dot) would
// be taken for an IPv4 address by browsers, curl or inet_aton: its last
// label is numeric. Such a host is never a DNS name (no top-level domain is
// numeric), so the guard treats it as an address or refuses it.
func looksLikeIPv4(host string) bool {
	last := host
	if i := strings.LastIndexByte(host, '.'); i >= 0 {
		last = host[i+1:]
	}
	return numericLabel(last)
}

// parseInetAton parses s the way inet_aton(3) does: one to four parts
// separated by dots, each decimal, octal (leading 0) or hexadecimal (0x);
// the last part fills all remaining bytes ("127.1" is 127.0.0.1,
// "2130706433" is 127.0.0.1). It reports false when s is not a valid
// address in that syntax.
func parseInetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		v, ok := parseAtonPart(p)
		if !ok {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	// All parts but the last are single bytes; the last one fills the rest.
	var n uint32
	for i, v := range vals[:len(vals)-1] {
		if v > 0xff {
			return netip.Addr{}, false
		}
		n |= uint32(v) << (8 * (3 - i))
	}
	last := vals[len(vals)-1]
	if max := uint64(1)<<(8*(5-len(vals))) - 1; last > max {
		return netip.Addr{}, false
	}
	n |= uint32(last)
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), true
}

// parseAtonPart parses one inet_aton component. Values above 32 bits are
// refused rather than wrapped.
func parseAtonPart(p string) (uint64, bool) {
	if !numericLabel(p) {
		return 0, false
	}
	base := uint64(10)
	digits := p
	switch {
	case len(p) >= 2 && (p[1] == 'x' || p[1] == 'X'):
		base, digits = 16, p[2:]
	case len(p) > 1 && p[0] == '0':
		base, digits = 8, p[1:]
	}
	var v uint64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		var d uint64
		switch {
		case '0' <= c && c <= '9':
			d = uint64(c - '0')
		case 'a' <= c && c <= 'f':
			d = uint64(c-'a') + 10
		case 'A' <= c && c <= 'F':
			d = uint64(c-'A') + 10
		}
		if d >= base {
			return 0, false
		}
		v = v*base + d
		if v > 0xffffffff {
			return 0, false
		}
	}
	return v, true
}

package netguard

import (
	"errors"
	"fmt"
	"net/netip"
)

// ErrBlocked is matched (errors.Is) by every refusal made by the guard.
var ErrBlocked = errors.New("destination not allowed")

// BlockedError is returned for a blocked destination or a URL the guard
// refuses; errors.Is(err, ErrBlocked) is true for it. Its message is meant
// to be shown to admins as is.
type BlockedError struct {
	// URL is the refused URL with any password redacted, or empty when the
	// refusal comes from DialContext.
	URL string
	// Host is the host (name or address) the refusal is about, if any.
	Host string
	// Addr is the refused IP address, when the refusal is about an address.
	Addr netip.Addr
	// Reason says what is wrong, e.g. "a private address" or
	// `scheme "ftp" is not allowed (only http and https)`.
	Reason string

	msg string
}

func (e *BlockedError) Error() string { return e.msg }

// Is makes errors.Is(err, ErrBlocked) true.
func (e *BlockedError) Is(target error) bool { return target == ErrBlocked }

// subject names what is being checked in messages: a URL (CheckURL, the
// Client) or a connection (DialContext).
type subject struct {
	url  string // redacted URL, for URL checks
	dial string // host:port, for DialContext
}

func urlSubject(u string) subject { return subject{url: u} }

func dialSubject(addr string) subject { return subject{dial: addr} }

func (s subject) String() string {
	if s.url != "" || s.dial == "" {
		return "URL " + s.url
	}
	return "connection to " + s.dial + " refused"
}

// refuse builds an error for a refusal that is not about an address.
func (s subject) refuse(host, reason string) *BlockedError {
	return &BlockedError{URL: s.url, Host: host, Reason: reason, msg: s.String() + ": " + reason}
}

// refuseAddr builds an error for a blocked address. literal says the host
// was an IP address (as opposed to a name that resolved to a); spelled is
// the host as written when it was a non-canonical IPv4 spelling; hint says
// how to permit it, if it may be.
func (s subject) refuseAddr(host string, literal bool, spelled string, a netip.Addr, v verdict, hint string) *BlockedError {
	shown := a.String()
	if spelled != "" {
		shown = fmt.Sprintf("%s (written as %q)", a, spelled)
	}
	var msg string
	switch {
	case s.url != "" && literal:
		msg = fmt.Sprintf("URL %s points to %s, %s: not allowed%s", s.url, shown, v.reason, hint)
	case s.url != "":
		msg = fmt.Sprintf("URL %s resolves to %s, %s: not allowed%s", s.url, shown, v.reason, hint)
	case literal:
		msg = fmt.Sprintf("%s: %s is %s: not allowed%s", s, shown, v.reason, hint)
	default:
		msg = fmt.Sprintf("%s: %s resolves to %s, %s: not allowed%s", s, host, shown, v.reason, hint)
	}
	return &BlockedError{URL: s.url, Host: host, Addr: a, Reason: v.reason, msg: msg}
}

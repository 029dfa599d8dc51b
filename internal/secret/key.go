package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"
)

// KeySize is the length of a Deskmate secret key in bytes (AES-256).
const KeySize = 32

// keyIDPrefix separates the key id hash from any other use of SHA-256 over
// the key.
const keyIDPrefix = "deskmate/secret/key-id/v1\x00"

// Key is a 32-byte AES-256 key.
//
// fmt verbs, slog and encoding/json show only the key id, never the key;
// use [Key.String] to write the key to a file or the environment. fmt cannot
// call methods on unexported struct fields, so a Key in an unexported field
// of a struct printed with %v shows its bytes: keep keys out of such structs.
type Key [KeySize]byte

// ParseKey reads a key written as base64 (standard or URL alphabet, padded or
// not) or as 64 hex characters. Surrounding whitespace is ignored. The error
// never contains the input.
func ParseKey(s string) (Key, error) {
	return parseKey(s, "DESKMATE_SECRET_KEY")
}

// parseKey is ParseKey with the name of the key's source in errors.
func parseKey(s, source string) (Key, error) {
	var k Key
	s = strings.TrimSpace(s)
	if s == "" {
		return k, fmt.Errorf("%s is empty: it must be 32 bytes, base64 or hex encoded", source)
	}
	isHex := isHexString(s)
	if isHex && len(s) == 2*KeySize {
		if _, err := hex.Decode(k[:], []byte(s)); err == nil {
			return k, nil
		}
	}
	b64, b64ok := decodeBase64(s)
	if b64ok && len(b64) == KeySize {
		copy(k[:], b64)
		clear(b64)
		return k, nil
	}
	clear(b64)
	switch {
	case isHex && len(s)%2 == 0:
		// All hex digits: most likely a hex key of the wrong length.
		return k, keyLengthError(source, len(s)/2)
	case b64ok:
		return k, keyLengthError(source, len(b64))
	default:
		return k, fmt.Errorf("%s must be 32 bytes, base64 or hex encoded: got %d characters that are neither valid base64 nor hex", source, utf8.RuneCountInString(s))
	}
}

func keyLengthError(source string, n int) error {
	return fmt.Errorf("%s must be 32 bytes, base64 or hex encoded: got %d bytes", source, n)
}

func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// decodeBase64 decodes s in whichever base64 variant it is written in.
func decodeBase64(s string) ([]byte, bool) {
	enc := base64.RawStdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.RawURLEncoding
	}
	s = strings.TrimRight(s, "=")
	b, err := enc.Strict().DecodeString(s)
	if err != nil {
		return nil, false
	}
	return b, true
}

// GenerateKey returns a new random key.
func GenerateKey() (Key, error) {
	var k Key
	if _, err := rand.Read(k[:]); err != nil {
		return Key{}, fmt.Errorf("generate secret key: %w", err)
	}
	return k, nil
}

// String encodes the key as base64 (URL alphabet, no padding), the form
// Deskmate writes to key files and accepts in DESKMATE_SECRET_KEY.
//
// It is the only method that reveals the key: do not log its result.
func (k Key) String() string {
	return base64.RawURLEncoding.EncodeToString(k[:])
}

// ID is a short stable identifier of the key: the first 8 hex characters of
// SHA-256 over a domain-separated prefix and the key. It is stored with each
// ciphertext and is safe to log.
func (k Key) ID() string {
	h := sha256.New()
	h.Write([]byte(keyIDPrefix))
	h.Write(k[:])
	return hex.EncodeToString(h.Sum(nil)[:4])
}

// Format prints the key id instead of the key for every fmt verb, so a key
// that reaches a log line by mistake does not show.
func (k Key) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "secret.Key(id=%s)", k.ID())
}

// GoString prints the key id instead of the key.
func (k Key) GoString() string { return "secret.Key(id=" + k.ID() + ")" }

// LogValue logs the key id instead of the key.
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", k.ID()))
}

// MarshalText encodes the key id instead of the key, so JSON or YAML output
// never contains key material.
func (k Key) MarshalText() ([]byte, error) {
	return []byte("key:" + k.ID()), nil
}

// IsZero reports whether k is all zero bytes, as an unset Key is.
func (k Key) IsZero() bool { return k == Key{} }

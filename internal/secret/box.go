package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

const (
	// version is the prefix of every ciphertext Seal produces.
	version = "v1"
	// keyIDLen is the length of a key id in hex characters.
	keyIDLen = 8
	// nonceSize and tagSize are those of AES-GCM as Deskmate uses it.
	nonceSize = 12
	tagSize   = 16
	// aadPrefix separates Deskmate's associated data from any other use of
	// the key.
	aadPrefix = "deskmate/secret\x00"
)

// Errors returned by [Box.Open] and [KeyIDOf], for use with errors.Is.
var (
	// ErrFormat means the value is not a ciphertext in a format Deskmate
	// knows, such as a plaintext stored by mistake or a newer version.
	ErrFormat = errors.New("not a Deskmate encrypted secret")
	// ErrUnknownKey means the ciphertext was sealed with a key the Box does
	// not hold; errors.As with *UnknownKeyError gives its id.
	ErrUnknownKey = errors.New("secret was encrypted with a key that is not loaded")
	// ErrDecrypt means authentication failed: the ciphertext was altered, or
	// it belongs to another record (different associated data).
	ErrDecrypt = errors.New("secret could not be decrypted: it was altered or belongs to another record")
)

// UnknownKeyError reports a ciphertext sealed with a key the Box does not
// hold. It matches ErrUnknownKey with errors.Is.
type UnknownKeyError struct {
	KeyID string
}

func (e *UnknownKeyError) Error() string {
	return "secret was encrypted with key " + e.KeyID + ", which is not loaded: set the old key or restore it"
}

// Is makes UnknownKeyError match ErrUnknownKey.
func (e *UnknownKeyError) Is(target error) bool { return target == ErrUnknownKey }

// Box seals and opens secrets. It encrypts with its current key and opens
// ciphertexts made with any key it holds, which lets keys be rotated.
//
// A Box is safe for concurrent use.
type Box struct {
	currentID string
	aeads     map[string]cipher.AEAD
}

// NewBox returns a Box that seals with current and opens secrets sealed with
// current or any of older.
func NewBox(current Key, older ...Key) *Box {
	b := &Box{
		currentID: current.ID(),
		aeads:     make(map[string]cipher.AEAD, 1+len(older)),
	}
	b.aeads[b.currentID] = newAEAD(current)
	for _, k := range older {
		id := k.ID()
		if _, ok := b.aeads[id]; !ok {
			b.aeads[id] = newAEAD(k)
		}
	}
	return b
}

func newAEAD(k Key) cipher.AEAD {
	block, err := aes.NewCipher(k[:])
	if err != nil {
		// Unreachable: a Key always has a valid AES-256 length.
		panic("secret: " + err.Error())
	}
	// GCM with a random 12-byte nonce prepended to the ciphertext: exactly
	// the body Deskmate stores.
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		panic("secret: " + err.Error())
	}
	return aead
}

// CurrentID returns the id of the key Seal uses.
func (b *Box) CurrentID() string { return b.currentID }

// Seal encrypts plaintext with the current key, binding it to aad (for
// example "workspace:12/gorgias.api_key") so that a ciphertext copied to
// another record fails to open. The result is
// "v1:" + keyID + ":" + base64url(nonce || ciphertext || tag), with a fresh
// random 12-byte nonce each time.
func (b *Box) Seal(plaintext, aad string) (string, error) {
	aead := b.aeads[b.currentID]
	sealed := aead.Seal(nil, nil, []byte(plaintext), fullAAD(b.currentID, aad))
	return version + ":" + b.currentID + ":" + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Open decrypts a ciphertext made by Seal with the same aad. Errors match
// ErrFormat, ErrUnknownKey or ErrDecrypt, and never contain the plaintext,
// the ciphertext body or key material.
func (b *Box) Open(ciphertext, aad string) (string, error) {
	id, body, err := parse(ciphertext)
	if err != nil {
		return "", err
	}
	aead, ok := b.aeads[id]
	if !ok {
		return "", &UnknownKeyError{KeyID: id}
	}
	plain, err := aead.Open(nil, nil, body, fullAAD(id, aad))
	if err != nil {
		return "", ErrDecrypt
	}
	return string(plain), nil
}

// KeyIDOf returns the id of the key a ciphertext was sealed with, without
// decrypting it; `deskmate rotate-key` uses it to find rows left to
// re-encrypt.
func KeyIDOf(ciphertext string) (string, error) {
	id, _, err := parse(ciphertext)
	return id, err
}

// parse splits a ciphertext into its key id and decoded body.
func parse(ciphertext string) (id string, body []byte, err error) {
	ver, rest, ok := strings.Cut(ciphertext, ":")
	if !ok {
		return "", nil, ErrFormat
	}
	if ver != version {
		if isVersion(ver) {
			return "", nil, fmt.Errorf("%w: unsupported version %q (this build reads %s)", ErrFormat, ver, version)
		}
		return "", nil, ErrFormat
	}
	id, enc, ok := strings.Cut(rest, ":")
	if !ok || !isKeyID(id) {
		return "", nil, fmt.Errorf("%w: malformed key id", ErrFormat)
	}
	// The decoder skips line breaks; a stored secret never has any.
	if strings.ContainsAny(enc, "\r\n") {
		return "", nil, fmt.Errorf("%w: malformed body", ErrFormat)
	}
	body, err = base64.RawURLEncoding.Strict().DecodeString(enc)
	if err != nil {
		return "", nil, fmt.Errorf("%w: malformed body", ErrFormat)
	}
	if len(body) < nonceSize+tagSize {
		return "", nil, fmt.Errorf("%w: body too short", ErrFormat)
	}
	return id, body, nil
}

// fullAAD authenticates the version and key id along with the caller's aad.
func fullAAD(id, aad string) []byte {
	return []byte(aadPrefix + version + "\x00" + id + "\x00" + aad)
}

// isVersion reports whether s looks like a format version ("v" + digits),
// so that it can be named in an error without echoing arbitrary input.
func isVersion(s string) bool {
	if len(s) < 2 || len(s) > 4 || s[0] != 'v' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isKeyID reports whether s is 8 lowercase hex characters.
func isKeyID(s string) bool {
	if len(s) != keyIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

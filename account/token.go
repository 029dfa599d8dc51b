package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// newSecretToken returns a random token (prefix + 32 random bytes, base64url)
// and the SHA-256 that is stored instead of it.
func newSecretToken(prefix string) (token string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("account: no randomness: " + err.Error())
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is how session cookies, invitation tokens and API tokens are
// looked up: by their SHA-256, never stored in clear.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// APITokenPrefix starts every API token, so they are recognisable in secret scanners.
const APITokenPrefix = "dm_"

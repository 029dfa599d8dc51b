// Package secret encrypts Deskmate's third-party credentials at rest
// (Gorgias API keys, OAuth tokens, LLM API keys, webhook secrets) and keeps
// them out of logs and API responses.
//
// # Format
//
// A sealed secret is a printable string:
//
//	v1:<key id>:<base64url(nonce || ciphertext || tag)>
//
// "v1" is the format version. The key id is the first 8 hex characters of
// SHA-256 over a domain-separated prefix and the key (see [Key.ID]); it names
// the key without revealing it. The body is AES-256-GCM with a fresh random
// 12-byte nonce per Seal and a 16-byte tag, encoded with the URL-safe base64
// alphabet without padding.
//
// Every secret is bound to associated data chosen by the caller, typically
// the row and field it belongs to ("workspace:12/gorgias.api_key"). The
// version and key id are authenticated too, so a ciphertext copied to another
// row, or edited in any part, fails to open instead of yielding a secret.
//
// # Key sources
//
// The key is 32 bytes, written as base64 (standard or URL alphabet, padded or
// not) or as 64 hex characters. Deskmate takes it, in order, from:
//
//   - DESKMATE_SECRET_KEY, the key itself ([ParseKey]);
//   - DESKMATE_SECRET_KEY_FILE, a file holding the key ([ReadKeyFile]);
//   - a key file in the data directory, generated on first run
//     ([LoadOrCreateKeyFile]) with mode 0600 in a 0700 directory.
//
// Losing the key makes every stored secret unreadable: back it up together
// with the database, but never in the same place as an unencrypted dump.
//
// [Key] prints only its id through fmt, slog and encoding/json; [Key.String]
// is the one way to get its encoding. [Redacted] does the same for secret
// values once they are decrypted, and [Hint] produces the masked form that
// API responses show.
//
// # Rotation
//
// A [Box] seals with its current key and opens secrets sealed with any key it
// holds, so a new key can be put in service while the old one is still
// loaded. The `deskmate rotate-key` command re-encrypts the stored rows: it
// opens each secret with NewBox(newKey, oldKey) and seals it again, using
// [KeyIDOf] to find rows that still carry the old key id and to report
// progress. Once no row refers to the old key it can be dropped.
//
// A single key must not seal more than 2^32 secrets (random nonces); Deskmate
// stores far fewer, and rotation resets the count.
package secret

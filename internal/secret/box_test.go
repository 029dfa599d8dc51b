package secret

import (
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func mustKey(t *testing.T) Key {
	t.Helper()
	k, err := GenerateKey()
	require.NoError(t, err)
	return k
}

const testAAD = "workspace:12/gorgias.api_key"

func TestSealOpenRoundTrip(t *testing.T) {
	b := NewBox(mustKey(t))
	for _, plain := range []string{"", "x", "sk-live-0123456789abcdef", "pässwörd 🔑", strings.Repeat("long", 10_000)} {
		ct, err := b.Seal(plain, testAAD)
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(ct, "v1:"+b.CurrentID()+":"), ct)
		if len(plain) > 4 {
			require.NotContains(t, ct, plain)
		}
		got, err := b.Open(ct, testAAD)
		require.NoError(t, err)
		require.Equal(t, plain, got)
	}
}

func TestSealFormat(t *testing.T) {
	b := NewBox(mustKey(t))
	ct, err := b.Seal("hello", testAAD)
	require.NoError(t, err)
	parts := strings.Split(ct, ":")
	require.Len(t, parts, 3)
	require.Equal(t, "v1", parts[0])
	require.Equal(t, b.CurrentID(), parts[1])
	body, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	require.Len(t, body, nonceSize+len("hello")+tagSize)
}

func TestSealUsesFreshNonces(t *testing.T) {
	b := NewBox(mustKey(t))
	seen := map[string]bool{}
	nonces := map[string]bool{}
	for range 100 {
		ct, err := b.Seal("same plaintext", testAAD)
		require.NoError(t, err)
		require.False(t, seen[ct], "ciphertext repeated")
		seen[ct] = true
		_, body, err := parse(ct)
		require.NoError(t, err)
		nonce := string(body[:nonceSize])
		require.False(t, nonces[nonce], "nonce repeated")
		nonces[nonce] = true
	}
}

// flipByte returns ciphertext with byte i of its decoded body altered.
func flipByte(t *testing.T, ct string, i int) string {
	t.Helper()
	parts := strings.SplitN(ct, ":", 3)
	body, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	if i < 0 {
		i += len(body)
	}
	body[i] ^= 0x01
	return parts[0] + ":" + parts[1] + ":" + base64.RawURLEncoding.EncodeToString(body)
}

// truncate returns ciphertext with n bytes cut from the end of its body.
func truncate(t *testing.T, ct string, n int) string {
	t.Helper()
	parts := strings.SplitN(ct, ":", 3)
	body, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	return parts[0] + ":" + parts[1] + ":" + base64.RawURLEncoding.EncodeToString(body[:len(body)-n])
}

func TestOpenRejectsTampering(t *testing.T) {
	k := mustKey(t)
	other := mustKey(t)
	b := NewBox(k, other)
	const plain = "sk-live-0123456789abcdef"
	ct, err := b.Seal(plain, testAAD)
	require.NoError(t, err)
	parts := strings.SplitN(ct, ":", 3)

	// A ciphertext by another key in the same Box, relabelled with the
	// current id, must not open either.
	otherCT, err := NewBox(other).Seal(plain, testAAD)
	require.NoError(t, err)
	otherParts := strings.SplitN(otherCT, ":", 3)

	cases := []struct {
		name string
		ct   string
		want error
	}{
		{"version v2", "v2:" + parts[1] + ":" + parts[2], ErrFormat},
		{"version V1", "V1:" + parts[1] + ":" + parts[2], ErrFormat},
		{"no version", parts[1] + ":" + parts[2], ErrFormat},
		{"unknown key id", "v1:00000000:" + parts[2], ErrUnknownKey},
		{"malformed key id", "v1:" + strings.ToUpper(parts[1]) + "x:" + parts[2], ErrFormat},
		{"other loaded key id", "v1:" + other.ID() + ":" + parts[2], ErrDecrypt},
		{"relabelled other key body", "v1:" + k.ID() + ":" + otherParts[2], ErrDecrypt},
		{"nonce first byte", flipByte(t, ct, 0), ErrDecrypt},
		{"nonce last byte", flipByte(t, ct, nonceSize-1), ErrDecrypt},
		{"body first byte", flipByte(t, ct, nonceSize), ErrDecrypt},
		{"body last byte", flipByte(t, ct, nonceSize+len(plain)-1), ErrDecrypt},
		{"tag first byte", flipByte(t, ct, -tagSize), ErrDecrypt},
		{"tag last byte", flipByte(t, ct, -1), ErrDecrypt},
		{"truncated tag", truncate(t, ct, 1), ErrDecrypt},
		{"tag removed", truncate(t, ct, tagSize), ErrDecrypt},
		{"too short", "v1:" + parts[1] + ":" + parts[2][:20], ErrFormat},
		{"appended", ct + "AAAA", ErrDecrypt},
		{"bad base64", ct[:len(ct)-1] + "!", ErrFormat},
		{"padded base64", ct + "=", ErrFormat},
		{"line break", parts[0] + ":" + parts[1] + ":" + parts[2][:10] + "\n" + parts[2][10:], ErrFormat},
		{"empty", "", ErrFormat},
		{"plaintext stored by mistake", plain, ErrFormat},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.NotEqual(t, ct, tc.ct)
			got, err := b.Open(tc.ct, testAAD)
			require.Error(t, err)
			require.ErrorIs(t, err, tc.want)
			require.Empty(t, got)
			require.NotContains(t, err.Error(), plain)
			require.NotContains(t, err.Error(), parts[2])
			require.NotContains(t, err.Error(), k.String())
		})
	}

	// The untouched ciphertext still opens.
	got, err := b.Open(ct, testAAD)
	require.NoError(t, err)
	require.Equal(t, plain, got)
}

func TestOpenLastCharacterTamper(t *testing.T) {
	// Changing any character of the encoded body must fail, including the
	// last one whose low bits are padding in base64.
	b := NewBox(mustKey(t))
	ct, err := b.Seal("abc", testAAD)
	require.NoError(t, err)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := ct[len(ct)-1]
	for i := 0; i < len(alphabet); i++ {
		if alphabet[i] == last {
			continue
		}
		_, err := b.Open(ct[:len(ct)-1]+string(alphabet[i]), testAAD)
		require.Error(t, err, "last character %q", alphabet[i])
	}
}

func TestOpenWrongAAD(t *testing.T) {
	b := NewBox(mustKey(t))
	ct, err := b.Seal("secret-value", "workspace:12/gorgias.api_key")
	require.NoError(t, err)
	for _, aad := range []string{"workspace:13/gorgias.api_key", "workspace:12/openai.api_key", "", "workspace:12/gorgias.api_key "} {
		_, err := b.Open(ct, aad)
		require.ErrorIs(t, err, ErrDecrypt, "aad %q", aad)
		require.NotContains(t, err.Error(), "secret-value")
	}
}

func TestRotation(t *testing.T) {
	a, bKey := mustKey(t), mustKey(t)
	require.NotEqual(t, a.ID(), bKey.ID())
	ct, err := NewBox(a).Seal("token", testAAD)
	require.NoError(t, err)

	rotating := NewBox(bKey, a)
	require.Equal(t, bKey.ID(), rotating.CurrentID())
	got, err := rotating.Open(ct, testAAD)
	require.NoError(t, err)
	require.Equal(t, "token", got)

	// Re-encrypting moves the secret to the new key.
	re, err := rotating.Seal(got, testAAD)
	require.NoError(t, err)
	id, err := KeyIDOf(re)
	require.NoError(t, err)
	require.Equal(t, bKey.ID(), id)

	_, err = NewBox(bKey).Open(ct, testAAD)
	require.ErrorIs(t, err, ErrUnknownKey)
	var uk *UnknownKeyError
	require.True(t, errors.As(err, &uk))
	require.Equal(t, a.ID(), uk.KeyID)
	require.Equal(t, "secret was encrypted with key "+a.ID()+", which is not loaded: set the old key or restore it", err.Error())

	got, err = NewBox(bKey).Open(re, testAAD)
	require.NoError(t, err)
	require.Equal(t, "token", got)
}

func TestNewBoxDuplicateKeys(t *testing.T) {
	k := mustKey(t)
	b := NewBox(k, k, k)
	require.Equal(t, k.ID(), b.CurrentID())
	ct, err := b.Seal("v", testAAD)
	require.NoError(t, err)
	got, err := NewBox(k).Open(ct, testAAD)
	require.NoError(t, err)
	require.Equal(t, "v", got)
}

func TestKeyIDOf(t *testing.T) {
	k := mustKey(t)
	ct, err := NewBox(k).Seal("x", testAAD)
	require.NoError(t, err)
	id, err := KeyIDOf(ct)
	require.NoError(t, err)
	require.Equal(t, k.ID(), id)

	for _, bad := range []string{"", "plain", "v1:", "v1:abc:AAAA", "v2:" + k.ID() + ":" + strings.SplitN(ct, ":", 3)[2], "v1:" + k.ID() + ":"} {
		_, err := KeyIDOf(bad)
		require.ErrorIs(t, err, ErrFormat, "input %q", bad)
	}
}

func TestBoxConcurrentUse(t *testing.T) {
	b := NewBox(mustKey(t))
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for range 50 {
				ct, err := b.Seal("p", testAAD)
				if err != nil {
					t.Error(err)
					return
				}
				got, err := b.Open(ct, testAAD)
				if err != nil || got != "p" {
					t.Errorf("goroutine %d: %q %v", i, got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

package secret

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// testKeyBytes has bytes that need '+' and '/' (or '-' and '_') and padding
// in base64, so every alphabet is exercised.
func testKeyBytes() []byte {
	b := make([]byte, KeySize)
	for i := range b {
		b[i] = byte(0xf8 + i*37)
	}
	return b
}

func TestParseKeyEncodings(t *testing.T) {
	raw := testKeyBytes()
	var want Key
	copy(want[:], raw)

	std := base64.StdEncoding.EncodeToString(raw)
	url := base64.URLEncoding.EncodeToString(raw)
	require.True(t, strings.ContainsAny(std, "+/"), "test key must use the std-only characters")
	require.True(t, strings.ContainsAny(url, "-_"))
	require.True(t, strings.HasSuffix(std, "="))

	inputs := map[string]string{
		"std padded":     std,
		"std raw":        base64.RawStdEncoding.EncodeToString(raw),
		"url padded":     url,
		"url raw":        base64.RawURLEncoding.EncodeToString(raw),
		"hex lower":      hex.EncodeToString(raw),
		"hex upper":      strings.ToUpper(hex.EncodeToString(raw)),
		"trailing space": base64.RawURLEncoding.EncodeToString(raw) + "\n",
		"leading space":  "  " + hex.EncodeToString(raw),
		"String":         want.String(),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			got, err := ParseKey(in)
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
}

func TestParseKeyErrors(t *testing.T) {
	cases := map[string]struct {
		in   string
		want string
	}{
		"empty":            {"", "DESKMATE_SECRET_KEY is empty"},
		"blank":            {"  \n", "DESKMATE_SECRET_KEY is empty"},
		"base64 16 bytes":  {base64.StdEncoding.EncodeToString(make([]byte, 16)), "got 16 bytes"},
		"base64 31 bytes":  {base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 31)), "got 31 bytes"},
		"base64 33 bytes":  {base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 33)), "got 33 bytes"},
		"base64 64 bytes":  {base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 64)), "got 64 bytes"},
		"hex 16 bytes":     {hex.EncodeToString(bytes.Repeat([]byte{0xab}, 16)), "got 16 bytes"},
		"hex 33 bytes":     {hex.EncodeToString(bytes.Repeat([]byte{0xcd}, 33)), "got 33 bytes"},
		"hex 63 chars":     {hex.EncodeToString(bytes.Repeat([]byte{0xcd}, 32))[:63], "DESKMATE_SECRET_KEY must be 32 bytes, base64 or hex encoded"},
		"garbage":          {"this is not a key!!", "neither valid base64 nor hex"},
		"password":         {"correct horse battery staple", "neither valid base64 nor hex"},
		"mixed alphabets":  {"ab+cd-ef/gh_ij" + strings.Repeat("A", 30), "neither valid base64 nor hex"},
		"non-ascii":        {"ключ-ключ-ключ-ключ-ключ-ключ-ключ", "neither valid base64 nor hex"},
		"64 chars not hex": {strings.Repeat("zz", 32), "got 48 bytes"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseKey(tc.in)
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
			require.Contains(t, err.Error(), "DESKMATE_SECRET_KEY")
			if in := strings.TrimSpace(tc.in); len(in) >= 4 {
				require.NotContains(t, err.Error(), in)
				require.NotContains(t, err.Error(), in[:len(in)/2])
			}
		})
	}
	_, err := ParseKey(base64.StdEncoding.EncodeToString(make([]byte, 16)))
	require.EqualError(t, err, "DESKMATE_SECRET_KEY must be 32 bytes, base64 or hex encoded: got 16 bytes")
}

func TestGenerateKey(t *testing.T) {
	a, err := GenerateKey()
	require.NoError(t, err)
	b, err := GenerateKey()
	require.NoError(t, err)
	require.NotEqual(t, a, b)
	require.False(t, a.IsZero())
	require.True(t, Key{}.IsZero())

	s := a.String()
	require.Len(t, s, 43)
	require.NotContains(t, s, "=")
	require.NotContains(t, s, "+")
	require.NotContains(t, s, "/")
	back, err := ParseKey(s)
	require.NoError(t, err)
	require.Equal(t, a, back)
}

func TestKeyID(t *testing.T) {
	var k Key
	copy(k[:], testKeyBytes())
	id := k.ID()
	require.Len(t, id, 8)
	require.True(t, isKeyID(id))
	require.Equal(t, id, k.ID(), "stable")

	// Domain separated: not a prefix of the plain SHA-256 of the key.
	plain := fmt.Sprintf("%x", sha256Sum(k[:]))
	require.NotEqual(t, plain[:8], id)

	other := k
	other[0] ^= 1
	require.NotEqual(t, id, other.ID())
}

func TestKeyDoesNotLeak(t *testing.T) {
	k := mustKey(t)
	enc := k.String()
	hexKey := hex.EncodeToString(k[:])
	check := func(t *testing.T, out string) {
		t.Helper()
		require.NotContains(t, out, enc)
		require.NotContains(t, out, hexKey)
		require.NotContains(t, out, fmt.Sprint(k[0], " ", k[1], " ", k[2]))
		require.Contains(t, out, k.ID())
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		check(t, fmt.Sprintf(verb, k))
	}
	check(t, fmt.Sprintf("%v", struct{ Key Key }{k}))
	check(t, fmt.Sprintf("%+v", &struct{ Key Key }{k}))

	out, err := json.Marshal(map[string]any{"key": k})
	require.NoError(t, err)
	check(t, string(out))

	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("loaded", "key", k)
	check(t, buf.String())
	buf.Reset()
	slog.New(slog.NewTextHandler(&buf, nil)).Info("loaded", "key", k)
	check(t, buf.String())
}

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }

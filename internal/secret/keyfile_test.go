package secret

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")

	k1, created, err := LoadOrCreateKeyFile(path)
	require.NoError(t, err)
	require.True(t, created)
	require.False(t, k1.IsZero())

	info, err := os.Stat(path)
	require.NoError(t, err)
	if runtime.GOOS != "windows" {
		require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, k1.String()+"\n", string(data))

	k2, created, err := LoadOrCreateKeyFile(path)
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, k1, k2)

	// No temporary files are left behind.
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1)
}

func TestLoadOrCreateKeyFileMissingParents(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "data", "keys", "secret.key")
	k, created, err := LoadOrCreateKeyFile(path)
	require.NoError(t, err)
	require.True(t, created)

	if runtime.GOOS != "windows" {
		for _, dir := range []string{filepath.Join(root, "data"), filepath.Join(root, "data", "keys")} {
			info, err := os.Stat(dir)
			require.NoError(t, err)
			require.Equal(t, os.FileMode(0o700), info.Mode().Perm(), dir)
		}
	}
	got, err := ReadKeyFile(path)
	require.NoError(t, err)
	require.Equal(t, k, got)
}

func TestLoadOrCreateKeyFileRefusesOpenPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o602} {
		path := filepath.Join(t.TempDir(), "secret.key")
		k := mustKey(t)
		require.NoError(t, os.WriteFile(path, []byte(k.String()), 0o600))
		require.NoError(t, os.Chmod(path, mode))

		_, created, err := LoadOrCreateKeyFile(path)
		require.Error(t, err, "mode %04o", mode)
		require.False(t, created)
		require.Contains(t, err.Error(), "chmod 600")
		require.Contains(t, err.Error(), path)
		require.NotContains(t, err.Error(), k.String())

		// The file is left alone, not replaced.
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, k.String(), string(data))

		// ReadKeyFile, for operator-supplied files, does not check.
		got, err := ReadKeyFile(path)
		require.NoError(t, err)
		require.Equal(t, k, got)
	}
}

func TestLoadOrCreateKeyFileInvalidContent(t *testing.T) {
	for name, content := range map[string]string{
		"empty":     "",
		"too short": "c2hvcnQ=",
		"garbage":   "my secret password\n",
		"huge":      strings.Repeat("A", 10_000),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "secret.key")
			require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
			_, created, err := LoadOrCreateKeyFile(path)
			require.Error(t, err)
			require.False(t, created)
			require.Contains(t, err.Error(), path)
			if content != "" {
				require.NotContains(t, err.Error(), strings.TrimSpace(content))
			}
			// Never overwritten: the old secrets may still need it.
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, content, string(data))
		})
	}
}

func TestLoadOrCreateKeyFileAcceptsOtherEncodings(t *testing.T) {
	k := mustKey(t)
	path := filepath.Join(t.TempDir(), "secret.key")
	require.NoError(t, os.WriteFile(path, []byte("  "+strings.ToUpper(hexString(k))+"\r\n"), 0o600))
	got, created, err := LoadOrCreateKeyFile(path)
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, k, got)
}

func TestLoadOrCreateKeyFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	_, _, err := LoadOrCreateKeyFile(dir)
	require.Error(t, err)
	require.Contains(t, err.Error(), "not a regular file")
}

func TestLoadOrCreateKeyFileConcurrentFirstRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "secret.key")
	const n = 16
	keys := make([]Key, n)
	created := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			keys[i], created[i], errs[i] = LoadOrCreateKeyFile(path)
		})
	}
	wg.Wait()
	creators := 0
	for i := range n {
		require.NoError(t, errs[i])
		require.Equal(t, keys[0], keys[i])
		if created[i] {
			creators++
		}
	}
	require.Equal(t, 1, creators)
}

func TestWriteKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "secret.key")
	a, b := mustKey(t), mustKey(t)
	require.NoError(t, WriteKeyFile(path, a))
	got, err := ReadKeyFile(path)
	require.NoError(t, err)
	require.Equal(t, a, got)

	// Replaces an existing key, keeping 0600.
	require.NoError(t, WriteKeyFile(path, b))
	got, created, err := LoadOrCreateKeyFile(path)
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, b, got)
	if runtime.GOOS != "windows" {
		info, err := os.Stat(path)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1)
}

func TestReadKeyFileMissing(t *testing.T) {
	_, err := ReadKeyFile(filepath.Join(t.TempDir(), "nope"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func hexString(k Key) string {
	const digits = "0123456789abcdef"
	var sb strings.Builder
	for _, c := range k {
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&0xf])
	}
	return sb.String()
}

package config

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func env(m map[string]string) LookupFunc {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:8080", c.Addr)
	require.True(t, c.Embedded())
	require.Equal(t, filepath.Join("data", "postgres"), c.EmbeddedDBDir)
	require.False(t, c.AutoMigrate)
	require.Equal(t, int64(32<<20), c.BodyLimit)
	require.Equal(t, 30*time.Second, c.ShutdownTimeout)
	require.Equal(t, "text", c.LogFormat)
}

func TestValues(t *testing.T) {
	c, err := Load(env(map[string]string{
		"DESKMATE_ADDR": "0.0.0.0:9000", "DATABASE_URL": "postgres://u:p@db:5432/deskmate",
		"AUTO_MIGRATE": "true", "DESKMATE_DATA_DIR": "/var/lib/deskmate", "DESKMATE_BODY_LIMIT": "1MiB",
		"LOG_FORMAT": "JSON", "LOG_LEVEL": "debug", "DESKMATE_DB_MAX_CONNS": "25",
		"DESKMATE_TRUSTED_PROXIES": " 127.0.0.1, 10.1.2.3/8 ,fd00::/8,::ffff:192.0.2.1",
	}))
	require.NoError(t, err)
	require.False(t, c.Embedded())
	require.True(t, c.AutoMigrate)
	require.Equal(t, "/var/lib/deskmate/postgres", c.EmbeddedDBDir)
	require.Equal(t, int64(1<<20), c.BodyLimit)
	require.Equal(t, "json", c.LogFormat)
	require.Equal(t, 25, c.DBMaxConns)
	require.Equal(t, []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("fd00::/8"), netip.MustParsePrefix("192.0.2.1/32")}, c.TrustedProxies)
}

func TestEveryProblemListedAtOnce(t *testing.T) {
	_, err := Load(env(map[string]string{
		"DESKMATE_ADDR":             "localhost",
		"DATABASE_URL":              "postgres://user:s3cret@host:notaport/db",
		"AUTO_MIGRATE":              "maybe",
		"DESKMATE_DB_MAX_CONNS":     "0",
		"DESKMATE_BODY_LIMIT":       "lots",
		"DESKMATE_SHUTDOWN_TIMEOUT": "soon",
		"LOG_LEVEL":                 "loud",
		"LOG_FORMAT":                "xml",
		"DESKMATE_URL_ALLOWLIST":    "10.0.0.0/33",
		"DESKMATE_ADMIN_EMAIL":      "a@b.test",
		"DESKMATE_TRUSTED_PROXIES":  "127.0.0.1,proxy.internal",
	}))
	var verr *ValidationError
	require.True(t, errors.As(err, &verr), "want *ValidationError, got %v", err)
	want := []string{"DESKMATE_ADDR:", "DATABASE_URL: malformed", "AUTO_MIGRATE:", "DESKMATE_DB_MAX_CONNS:",
		"DESKMATE_BODY_LIMIT:", "DESKMATE_SHUTDOWN_TIMEOUT:", "LOG_LEVEL:", "LOG_FORMAT:", "DESKMATE_URL_ALLOWLIST:",
		"DESKMATE_TRUSTED_PROXIES: \"proxy.internal\" is not an IP address or CIDR", "DESKMATE_ADMIN_EMAIL and DESKMATE_ADMIN_PASSWORD"}
	require.Len(t, verr.Problems, len(want), "problems: %q", verr.Problems)
	for _, w := range want {
		found := false
		for _, p := range verr.Problems {
			found = found || strings.HasPrefix(p, w)
		}
		require.True(t, found, "no problem starting with %q in %q", w, verr.Problems)
	}
	require.NotContains(t, err.Error(), "s3cret", "a password must never be echoed")
}

func TestSecretFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db-url")
	require.NoError(t, os.WriteFile(path, []byte("postgres://u:p@db/deskmate\n"), 0o600))
	c, err := Load(env(map[string]string{"DATABASE_URL_FILE": path}))
	require.NoError(t, err)
	require.Equal(t, "postgres://u:p@db/deskmate", c.DatabaseURL)

	_, err = Load(env(map[string]string{"DATABASE_URL_FILE": path, "DATABASE_URL": "postgres://x@y/z"}))
	require.ErrorContains(t, err, "set either DATABASE_URL or DATABASE_URL_FILE")

	_, err = Load(env(map[string]string{"DATABASE_URL_FILE": filepath.Join(t.TempDir(), "missing")}))
	require.ErrorContains(t, err, "cannot read DATABASE_URL_FILE")
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1024": 1024, "512KiB": 512 << 10, "32MiB": 32 << 20, "1GiB": 1 << 30, "2MB": 2e6} {
		got, err := ParseSize(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "-1", "1.5MiB", "MiB", "10TiB"} {
		_, err := ParseSize(in)
		require.Error(t, err, in)
	}
}

func TestEveryVarDocumented(t *testing.T) {
	// Every variable Load reads must be in Vars (lookupVar panics otherwise),
	// and README.md must list each one.
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	for _, v := range Vars {
		require.NotEmpty(t, v.Doc, v.Name)
		require.Contains(t, string(readme), "`"+v.Name+"`", "README.md configuration table lacks %s", v.Name)
	}
}

func TestAllowLists(t *testing.T) {
	c, err := Load(env(map[string]string{
		"DESKMATE_URL_ALLOWLIST":   "10.0.0.0/8,wiki.internal:8443",
		"DESKMATE_MODEL_ALLOWLIST": "127.0.0.1:11434, ollama:11434 [::1]:11434",
	}))
	require.NoError(t, err)
	require.Equal(t, "10.0.0.0/8,wiki.internal:8443", c.URLAllowList)
	require.Equal(t, "127.0.0.1:11434, ollama:11434 [::1]:11434", c.ModelAllowList)

	_, err = Load(env(map[string]string{"DESKMATE_URL_ALLOWLIST": "10.0.0.0/8:80", "DESKMATE_MODEL_ALLOWLIST": "ollama:0"}))
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	require.Len(t, verr.Problems, 2, "problems: %q", verr.Problems)
	require.True(t, strings.HasPrefix(verr.Problems[0], `DESKMATE_URL_ALLOWLIST: netguard: invalid allow-list entry "10.0.0.0/8:80"`), verr.Problems[0])
	require.True(t, strings.HasPrefix(verr.Problems[1], `DESKMATE_MODEL_ALLOWLIST: netguard: invalid allow-list entry "ollama:0"`), verr.Problems[1])
}

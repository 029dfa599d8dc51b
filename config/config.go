package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/deskmate/deskmate/internal/netguard"
)

// Config is Deskmate's infrastructure configuration. It is built once by Load
// and passed explicitly; nothing reads the environment after that.
type Config struct {
	Addr          string
	DatabaseURL   string
	AutoMigrate   bool
	DataDir       string
	SecretKey     string
	AdminEmail    string
	AdminPassword string
	// URLAllowList is the allow list of web sources (DESKMATE_URL_ALLOWLIST).
	URLAllowList string
	// ModelAllowList is the allow list of model providers
	// (DESKMATE_MODEL_ALLOWLIST).
	ModelAllowList string
	// PublicURL is where Gorgias reaches Deskmate ("" until Load fills in
	// http://Addr).
	PublicURL string
	// GorgiasClientID and GorgiasClientSecret register Deskmate's Gorgias
	// app (OAuth); empty offers API keys only.
	GorgiasClientID     string
	GorgiasClientSecret string
	// GorgiasAllowList is the allow list of Gorgias connection addresses.
	GorgiasAllowList string
	// Sandbox starts the in-process Gorgias emulator.
	Sandbox bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-* headers count.
	TrustedProxies []netip.Prefix
	EmbeddedDBDir  string
	// PostgresDir is where the embedded PostgreSQL is installed ("" = find it).
	PostgresDir     string
	DBMaxConns      int
	Workers         int
	BodyLimit       int64
	ShutdownTimeout time.Duration
	LogLevel        slog.Level
	LogFormat       string
}

// Embedded reports whether Deskmate runs its own embedded database.
func (c *Config) Embedded() bool { return c.DatabaseURL == "" }

// ValidationError lists every configuration problem found, one per line.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	return "invalid configuration:\n  " + strings.Join(e.Problems, "\n  ")
}

// LookupFunc reads one environment variable; os.LookupEnv is the usual one.
type LookupFunc func(name string) (string, bool)

// Load parses the environment into a Config and validates it. On any problem it
// returns a *ValidationError naming all of them.
func Load(lookup LookupFunc) (*Config, error) {
	l := &loader{lookup: lookup}
	c := &Config{
		Addr:                l.str("DESKMATE_ADDR"),
		DatabaseURL:         l.str("DATABASE_URL"),
		AutoMigrate:         l.bool("AUTO_MIGRATE"),
		DataDir:             l.str("DESKMATE_DATA_DIR"),
		SecretKey:           l.str("DESKMATE_SECRET_KEY"),
		AdminEmail:          l.str("DESKMATE_ADMIN_EMAIL"),
		AdminPassword:       l.str("DESKMATE_ADMIN_PASSWORD"),
		URLAllowList:        l.str("DESKMATE_URL_ALLOWLIST"),
		ModelAllowList:      l.str("DESKMATE_MODEL_ALLOWLIST"),
		TrustedProxies:      l.prefixes("DESKMATE_TRUSTED_PROXIES"),
		PublicURL:           strings.TrimRight(l.str("DESKMATE_PUBLIC_URL"), "/"),
		GorgiasClientID:     l.str("DESKMATE_GORGIAS_CLIENT_ID"),
		GorgiasClientSecret: l.str("DESKMATE_GORGIAS_CLIENT_SECRET"),
		GorgiasAllowList:    l.str("DESKMATE_GORGIAS_ALLOWLIST"),
		Sandbox:             l.bool("DESKMATE_SANDBOX"),
		PostgresDir:         l.str("DESKMATE_POSTGRES_DIR"),
		DBMaxConns:          l.int("DESKMATE_DB_MAX_CONNS", 1, 1000),
		Workers:             l.int("DESKMATE_WORKERS", 1, 10000),
		BodyLimit:           l.size("DESKMATE_BODY_LIMIT"),
		ShutdownTimeout:     l.duration("DESKMATE_SHUTDOWN_TIMEOUT"),
		LogFormat:           strings.ToLower(l.str("LOG_FORMAT")),
	}
	c.EmbeddedDBDir = l.str("DESKMATE_EMBEDDED_DB_DIR")
	if c.EmbeddedDBDir == "$DESKMATE_DATA_DIR/postgres" {
		c.EmbeddedDBDir = filepath.Join(c.DataDir, "postgres")
	}
	if err := c.LogLevel.UnmarshalText([]byte(l.str("LOG_LEVEL"))); err != nil {
		l.problem("LOG_LEVEL: must be debug, info, warn or error")
	}
	c.validate(l)
	if len(l.problems) > 0 {
		return nil, &ValidationError{Problems: l.problems}
	}
	return c, nil
}

func (c *Config) validate(l *loader) {
	if host, port, err := net.SplitHostPort(c.Addr); err != nil {
		l.problem("DESKMATE_ADDR: %q is not host:port (e.g. 127.0.0.1:8080)", c.Addr)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		l.problem("DESKMATE_ADDR: port %q is not a number from 0 to 65535", port)
	} else if host != "" && net.ParseIP(host) == nil && host != "localhost" {
		l.problem("DESKMATE_ADDR: host %q must be an IP address or localhost", host)
	}
	if c.DatabaseURL != "" {
		if _, err := pgconn.ParseConfig(c.DatabaseURL); err != nil {
			l.problem("DATABASE_URL: malformed: %s", redactParseError(err))
		}
	}
	if c.DataDir == "" {
		l.problem("DESKMATE_DATA_DIR: must not be empty")
	}
	if c.Embedded() && c.EmbeddedDBDir == "" {
		l.problem("DESKMATE_EMBEDDED_DB_DIR: must not be empty")
	}
	if c.BodyLimit < 1024 && !l.failed("DESKMATE_BODY_LIMIT") {
		l.problem("DESKMATE_BODY_LIMIT: must be at least 1KiB")
	}
	if c.ShutdownTimeout <= 0 && !l.failed("DESKMATE_SHUTDOWN_TIMEOUT") {
		l.problem("DESKMATE_SHUTDOWN_TIMEOUT: must be positive")
	}
	if _, err := netguard.New(netguard.ParseAllowList(c.URLAllowList)); err != nil {
		l.problem("DESKMATE_URL_ALLOWLIST: %v", err)
	}
	if _, err := netguard.New(netguard.ParseAllowList(c.ModelAllowList)); err != nil {
		l.problem("DESKMATE_MODEL_ALLOWLIST: %v", err)
	}
	if _, err := netguard.New(netguard.ParseAllowList(c.GorgiasAllowList)); err != nil {
		l.problem("DESKMATE_GORGIAS_ALLOWLIST: %v", err)
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			l.problem("DESKMATE_PUBLIC_URL: %q is not an http(s) address such as https://deskmate.example.com", c.PublicURL)
		}
	}
	if (c.GorgiasClientID == "") != (c.GorgiasClientSecret == "") {
		l.problem("DESKMATE_GORGIAS_CLIENT_ID and DESKMATE_GORGIAS_CLIENT_SECRET: set both or neither")
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		l.problem("DESKMATE_ADMIN_EMAIL and DESKMATE_ADMIN_PASSWORD: set both or neither")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		l.problem("LOG_FORMAT: must be text or json, not %q", c.LogFormat)
	}
}

// redactParseError keeps pgconn's reason but never the connection string,
// which may hold a password (url.Parse errors quote the whole URL).
func redactParseError(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, "`: "); i >= 0 {
		msg = msg[i+3:]
	}
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) && pe.ConnString != "" {
		msg = strings.ReplaceAll(msg, pe.ConnString, "…")
	}
	return msg
}

type loader struct {
	lookup   LookupFunc
	problems []string
	bad      map[string]bool
}

func (l *loader) problem(format string, args ...any) {
	l.problems = append(l.problems, fmt.Sprintf(format, args...))
}

func (l *loader) fail(name, format string, args ...any) {
	if l.bad == nil {
		l.bad = map[string]bool{}
	}
	l.bad[name] = true
	l.problem(name+": "+format, args...)
}

func (l *loader) failed(name string) bool { return l.bad[name] }

func lookupVar(name string) Var {
	for _, v := range Vars {
		if v.Name == name {
			return v
		}
	}
	panic("config: undocumented variable " + name)
}

// str returns the variable's value, its NAME_FILE contents for secrets, or the
// documented default.
func (l *loader) str(name string) string {
	v := lookupVar(name)
	val, ok := l.lookup(name)
	if v.Secret {
		if path, fok := l.lookup(name + "_FILE"); fok && path != "" {
			if ok && val != "" {
				l.fail(name, "set either %s or %s_FILE, not both", name, name)
				return ""
			}
			b, err := os.ReadFile(path)
			if err != nil {
				l.fail(name, "cannot read %s_FILE: %v", name, err)
				return ""
			}
			return strings.TrimRight(string(b), "\r\n")
		}
	}
	if !ok || strings.TrimSpace(val) == "" {
		return v.Default
	}
	return strings.TrimSpace(val)
}

func (l *loader) int(name string, min, max int) int {
	s := l.str(name)
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		l.fail(name, "must be a whole number from %d to %d, not %q", min, max, s)
		return 0
	}
	return n
}

func (l *loader) bool(name string) bool {
	s := l.str(name)
	b, err := strconv.ParseBool(s)
	if err != nil {
		l.fail(name, "must be true or false, not %q", s)
	}
	return b
}

func (l *loader) duration(name string) time.Duration {
	s := l.str(name)
	d, err := time.ParseDuration(s)
	if err != nil {
		l.fail(name, "must be a duration such as 30s or 2m, not %q", s)
	}
	return d
}

// prefixes reads a comma-separated list of IP addresses and CIDRs.
func (l *loader) prefixes(name string) []netip.Prefix {
	out, err := ParsePrefixes(l.str(name))
	if err != nil {
		l.fail(name, "%v", err)
	}
	return out
}

// ParsePrefixes reads comma-separated IP addresses (as single-address
// prefixes) and CIDRs such as 10.0.0.0/8 or fd00::/8.
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an IP address or CIDR", f)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func (l *loader) size(name string) int64 {
	s := l.str(name)
	n, err := ParseSize(s)
	if err != nil {
		l.fail(name, "%v", err)
	}
	return n
}

// ParseSize reads a byte count such as 1048576, 512KiB, 32MiB or 1GiB.
func ParseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("must be a size such as 32MiB or 1048576, not %q", s)
	}
	return n * mult, nil
}

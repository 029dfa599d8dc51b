package app

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"

	"github.com/deskmate/deskmate/config"
	"github.com/deskmate/deskmate/internal/secret"
)

// Key file names in the data directory. During `deskmate rotate-key` the new
// key is written to KeyFileNext first and the old one kept as KeyFileOld, so
// every stored secret stays readable whatever point a crash interrupts.
const (
	KeyFile     = "secret.key"
	KeyFileNext = "secret.key.next"
	KeyFileOld  = "secret.key.old"
)

// KeySource says where the current key came from.
type KeySource int

const (
	KeyFromEnv KeySource = iota
	KeyFromDataDir
)

// LoadSecretKey returns the current key: DESKMATE_SECRET_KEY[_FILE], or the
// data directory's key file (generated on first start, with a warning).
func LoadSecretKey(cfg *config.Config, logger *slog.Logger) (secret.Key, KeySource, error) {
	if cfg.SecretKey != "" {
		k, err := secret.ParseKey(cfg.SecretKey)
		return k, KeyFromEnv, err
	}
	path := filepath.Join(cfg.DataDir, KeyFile)
	k, created, err := secret.LoadOrCreateKeyFile(path)
	if err != nil {
		return k, KeyFromDataDir, fmt.Errorf("secret key: %w", err)
	}
	if created {
		logger.Warn("generated a new secret key: back it up, stored credentials cannot be decrypted without it; "+
			"or set DESKMATE_SECRET_KEY", "path", path)
	}
	return k, KeyFromDataDir, nil
}

// OpenBox builds the secret box: the current key, plus the rotation files
// found in the data directory so secrets sealed with either stay readable.
func OpenBox(cfg *config.Config, logger *slog.Logger) (*secret.Box, error) {
	current, _, err := LoadSecretKey(cfg, logger)
	if err != nil {
		return nil, err
	}
	var older []secret.Key
	for _, name := range []string{KeyFileNext, KeyFileOld} {
		k, err := secret.ReadKeyFile(filepath.Join(cfg.DataDir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("secret key %s: %w", name, err)
		}
		older = append(older, k)
	}
	return secret.NewBox(current, older...), nil
}

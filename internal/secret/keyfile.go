package secret

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// maxKeyFileSize bounds how much of a key file is read; a key is under 100
// bytes in any accepted encoding.
const maxKeyFileSize = 4096

// LoadOrCreateKeyFile reads the key in path, or creates path (mode 0600,
// missing parent directories 0700) with a new random key when it does not
// exist; created reports which.
//
// An existing file that group or other users can access is refused with an
// error saying to chmod 600 it, and an existing file that does not hold a
// valid key is an error: it is never replaced, since that would make every
// secret sealed with it unreadable.
//
// The file is written atomically (temp file, fsync, then link into place), so
// a crash never leaves a partial key, and concurrent first runs agree on a
// single key.
func LoadOrCreateKeyFile(path string) (k Key, created bool, err error) {
	k, err = readKeyFile(path, true)
	if err == nil {
		return k, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return Key{}, false, err
	}

	k, err = GenerateKey()
	if err != nil {
		return Key{}, false, err
	}
	err = writeKeyFile(path, k, false)
	if errors.Is(err, fs.ErrExist) {
		// Another process created the key first: use its key.
		k, err = readKeyFile(path, true)
		return k, false, err
	}
	if err != nil {
		return Key{}, false, err
	}
	return k, true, nil
}

// ReadKeyFile reads the key in an existing file, such as the one named by
// DESKMATE_SECRET_KEY_FILE. Unlike [LoadOrCreateKeyFile] it does not check
// the file's permissions: files mounted by Docker or Kubernetes secrets are
// often world-readable inside their own restricted mount, and the operator
// owns that choice.
func ReadKeyFile(path string) (Key, error) {
	return readKeyFile(path, false)
}

// WriteKeyFile writes k to path atomically with mode 0600, replacing any
// existing file and creating missing parent directories with mode 0700.
func WriteKeyFile(path string, k Key) error {
	return writeKeyFile(path, k, true)
}

func readKeyFile(path string, checkPerm bool) (Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return Key{}, fmt.Errorf("read secret key file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Key{}, fmt.Errorf("read secret key file: %w", err)
	}
	if !info.Mode().IsRegular() {
		return Key{}, fmt.Errorf("secret key file %s is not a regular file", path)
	}
	if checkPerm && runtime.GOOS != "windows" {
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			return Key{}, fmt.Errorf("secret key file %s has permissions %04o, so other users can access it: run chmod 600 %s", path, perm, path)
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return Key{}, fmt.Errorf("read secret key file: %w", err)
	}
	defer clear(data)
	if len(data) > maxKeyFileSize {
		return Key{}, fmt.Errorf("secret key file %s is too large to hold a key", path)
	}
	return parseKey(string(data), "secret key file "+path)
}

// writeKeyFile writes k to a temporary file in path's directory, syncs it,
// and moves it into place. With replace false it fails with an error matching
// fs.ErrExist when path already exists.
func writeKeyFile(path string, k Key, replace bool) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create secret key directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".deskmate-key-*.tmp")
	if err != nil {
		return fmt.Errorf("write secret key file: %w", err)
	}
	tmpName := tmp.Name()
	defer func() {
		// After a rename this fails harmlessly; after a link it removes the
		// second name.
		_ = os.Remove(tmpName)
	}()

	data := []byte(k.String() + "\n")
	defer clear(data)
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return fmt.Errorf("write secret key file: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write secret key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write secret key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write secret key file: %w", err)
	}

	if replace {
		err = os.Rename(tmpName, path)
	} else {
		// A hard link never replaces an existing file, unlike rename.
		err = os.Link(tmpName, path)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			// The file system has no hard links: fall back to checking
			// existence, then renaming. This loses the guarantee against
			// a concurrent first run, not atomicity.
			if _, statErr := os.Lstat(path); statErr == nil {
				err = fs.ErrExist
			} else {
				err = os.Rename(tmpName, path)
			}
		}
	}
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("write secret key file %s: %w", path, fs.ErrExist)
		}
		return fmt.Errorf("write secret key file: %w", err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes a new directory entry durable. Errors are ignored: some
// platforms and file systems cannot sync directories, and the file itself is
// already synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

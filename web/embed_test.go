package web

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// assetRef matches the script and stylesheet references Vite writes into index.html.
var assetRef = regexp.MustCompile(`(?:src|href)="/(assets/[^"]+)"`)

func TestDistMatchesDisk(t *testing.T) {
	fsys, ok := Dist()
	if fsys == nil {
		t.Fatal("Dist returned a nil file system")
	}

	// The embedded files are taken from the dist directory at compile time,
	// so the answer must agree with what is on disk next to this test.
	_, statErr := os.Stat(filepath.Join("dist", IndexFile))
	onDisk := statErr == nil
	if !onDisk && !errors.Is(statErr, fs.ErrNotExist) {
		t.Fatalf("stat dist/%s: %v", IndexFile, statErr)
	}
	if ok != onDisk {
		t.Fatalf("Dist() reports build present = %v, but dist/%s on disk exists = %v", ok, IndexFile, onDisk)
	}

	if _, err := fs.Stat(fsys, ".gitkeep"); err != nil {
		t.Errorf("dist/.gitkeep placeholder is not embedded: %v", err)
	}

	if !ok {
		if _, err := fs.ReadFile(fsys, IndexFile); err == nil {
			t.Fatalf("Dist() reports no build but %s can be read", IndexFile)
		}
		t.Log("no web build in dist: only the placeholder is embedded (run npm run build in web/ to embed the app)")
		return
	}

	index, err := fs.ReadFile(fsys, IndexFile)
	if err != nil {
		t.Fatalf("read %s: %v", IndexFile, err)
	}
	if !strings.Contains(string(index), `<div id="root">`) {
		t.Errorf("%s has no <div id=\"root\">:\n%s", IndexFile, index)
	}

	refs := assetRef.FindAllStringSubmatch(string(index), -1)
	if len(refs) == 0 {
		t.Fatalf("%s references no files under /assets/:\n%s", IndexFile, index)
	}
	for _, ref := range refs {
		if _, err := fs.Stat(fsys, ref[1]); err != nil {
			t.Errorf("%s references /%s, which is not embedded: %v", IndexFile, ref[1], err)
		}
	}
}

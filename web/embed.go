// Package web holds the Deskmate admin web app, a React single-page app built
// with Vite into the dist directory and embedded into the Deskmate binary.
//
// Run "npm ci && npm run build" in this directory before "go build" to embed a
// real build; without it only the dist/.gitkeep placeholder is embedded and
// [Dist] reports that no app is present.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// IndexFile is the name of the app's entry page inside the [Dist] file system.
const IndexFile = "index.html"

// Dist returns the built app as a file system rooted at the dist directory,
// and whether it holds a real build (that is, whether index.html exists).
// Files under assets/ have content hashes in their names and may be cached
// for as long as wanted; index.html must be revalidated on every load.
func Dist() (fs.FS, bool) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// Unreachable: "dist" is a valid path and is always embedded.
		panic("web: " + err.Error())
	}
	info, err := fs.Stat(sub, IndexFile)
	return sub, err == nil && !info.IsDir()
}

// Package buildinfo holds the version stamped into the deskmate binary.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Version is set at build time with
// -ldflags "-X github.com/deskmate/deskmate/internal/buildinfo.Version=v1.2.3".
var Version = "0.1.0-dev"

// Commit returns the VCS revision the binary was built from, or "" when unknown.
func Commit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && dirty {
		rev += "-dirty"
	}
	return rev
}

// String describes the build in one line, for `deskmate version`.
func String() string {
	s := "deskmate " + Version
	if c := Commit(); c != "" {
		s += " (" + c + ")"
	}
	return s + " " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
}

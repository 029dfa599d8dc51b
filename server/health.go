package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/riverqueue/river"

	"github.com/deskmate/deskmate/internal/buildinfo"
	"github.com/deskmate/deskmate/store"
)

type readyResponse struct {
	Status   string           `json:"status"`
	Version  string           `json:"version"`
	Instance *store.Instance  `json:"instance,omitempty"`
	Checks   map[string]check `json:"checks"`
}

type check struct {
	Status          string     `json:"status"`
	Driver          string     `json:"driver,omitempty"`
	ServerVersion   string     `json:"server_version,omitempty"`
	Embedded        *bool      `json:"embedded,omitempty"`
	Mode            string     `json:"mode,omitempty"`
	LatencyMS       float64    `json:"latency_ms"`
	LastHeartbeatAt *time.Time `json:"last_heartbeat_at,omitempty"`
	Error           string     `json:"error,omitempty"`
}

const checkTimeout = 3 * time.Second

// healthz says the process is up; it touches nothing else.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz says whether Deskmate can do its work: the database answers and
// River can reach its tables. 200 when both are fine, 503 otherwise.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx := c.UserContext()
	resp := readyResponse{Status: "ready", Version: buildinfo.Version, Checks: map[string]check{}}
	if s.deps.Instance.ID != "" {
		in := s.deps.Instance
		resp.Instance = &in
	}

	embedded := s.deps.EmbeddedDB
	db := check{Status: "ok", Driver: "postgres", ServerVersion: s.deps.DB.Version(), Embedded: &embedded}
	db.LatencyMS, db.Error = timed(ctx, s.deps.DB.Ping)
	resp.Checks["database"] = db

	rc := check{Status: "ok", Mode: "listen"}
	rc.LatencyMS, rc.Error = timed(ctx, func(ctx context.Context) error {
		if s.deps.River == nil {
			return errors.New("job queue is not running")
		}
		select {
		case <-s.deps.River.Stopped():
			return errors.New("job queue is stopped")
		default:
		}
		_, err := s.deps.River.JobList(ctx, river.NewJobListParams().First(1))
		return err
	})
	if rc.Error == "" {
		if hb, err := s.deps.DB.LastHeartbeat(ctx); err == nil {
			rc.LastHeartbeatAt = &hb.At
		}
	}
	resp.Checks["river"] = rc

	status := http.StatusOK
	for name, ch := range resp.Checks {
		if ch.Error != "" {
			ch.Status = "error"
			resp.Checks[name] = ch
			resp.Status = "unavailable"
			status = http.StatusServiceUnavailable
		}
	}
	return c.Status(status).JSON(resp)
}

// timed runs fn with a deadline and returns its latency and error text.
func timed(ctx context.Context, fn func(context.Context) error) (float64, string) {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	start := time.Now()
	err := fn(ctx)
	ms := float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return ms, "no answer within " + checkTimeout.String()
		}
		return ms, err.Error()
	}
	return ms, ""
}

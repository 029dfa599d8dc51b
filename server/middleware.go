package server

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

const requestIDHeader = "X-Request-ID"

type localsKey int

const requestIDKey localsKey = iota

// requestIDs gives every request an ID: the caller's X-Request-ID when it is
// short and plain, else a new random one. It is echoed in the response header,
// the error envelope and the access log.
func requestIDs(c *fiber.Ctx) error {
	id := c.Get(requestIDHeader)
	if !validRequestID(id) {
		var b [12]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	} else {
		id = string([]byte(id)) // copy: fiber reuses header memory
	}
	c.Locals(requestIDKey, id)
	c.Set(requestIDHeader, id)
	return c.Next()
}

func validRequestID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestIDKey).(string)
	return id
}

// plainBodies refuses request bodies with a Content-Encoding (gzip, br,
// deflate, …) before anything reads them: Fiber's Body() would decompress
// them without an output cap, and the body limit counts compressed bytes, so a
// few hundred bytes could expand to gigabytes. No Deskmate client compresses
// requests.
func plainBodies(c *fiber.Ctx) error {
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderContentEncoding) {
		for _, enc := range strings.Split(string(v), ",") {
			if e := strings.ToLower(strings.TrimSpace(enc)); e != "" && e != "identity" {
				return &APIError{Status: fiber.StatusUnsupportedMediaType, Code: "unsupported_content_encoding",
					Message: "compressed request bodies are not accepted: send the body without Content-Encoding"}
			}
		}
	}
	return c.Next()
}

// secretPathPrefixes are paths whose next segment is a credential (an
// invitation token): logs show it as [redacted].
var secretPathPrefixes = []string{"/api/invitations/"}

// logPath is the request path with credential segments redacted.
func logPath(c *fiber.Ctx) string {
	p := c.Path()
	for _, prefix := range secretPathPrefixes {
		if rest, ok := strings.CutPrefix(p, prefix); ok && rest != "" {
			_, tail, found := strings.Cut(rest, "/")
			p = prefix + "[redacted]"
			if found {
				p += "/" + tail
			}
		}
	}
	return p
}

// accessLog writes one structured line per request after the error handler
// has settled the status. Health probes log at debug level only.
func accessLog(logger *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		if err := c.Next(); err != nil {
			if herr := writeError(c, logger, err); herr != nil {
				return herr
			}
		}
		level := slog.LevelInfo
		switch c.Path() {
		case "/healthz", "/readyz":
			level = slog.LevelDebug
		}
		logger.Log(c.UserContext(), level, "http request",
			"method", c.Method(),
			"path", logPath(c),
			"status", c.Response().StatusCode(),
			"duration_ms", float64(time.Since(start).Microseconds())/1000,
			"bytes", len(c.Response().Body()),
			"request_id", requestID(c),
			"remote_ip", clientIP(c),
		)
		return nil
	}
}

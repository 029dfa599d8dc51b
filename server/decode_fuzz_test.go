package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// decodeTarget has the field kinds Deskmate's request bodies use.
type decodeTarget struct {
	Name    string            `json:"name"`
	Count   int               `json:"count"`
	Enabled *bool             `json:"enabled"`
	Tags    []string          `json:"tags"`
	Vars    map[string]string `json:"vars"`
	Nested  *struct {
		ID int64 `json:"id"`
	} `json:"nested"`
}

// decodeApp is the request-decoding path of every JSON endpoint: request
// IDs, the access log, the Content-Encoding refusal, the body limit and
// decode, with the error envelope.
func decodeApp() *fiber.App {
	logger := slog.New(slog.DiscardHandler)
	app := fiber.New(fiber.Config{BodyLimit: 4096, DisableStartupMessage: true,
		ErrorHandler: func(c *fiber.Ctx, err error) error { return writeError(c, logger, err) }})
	app.Use(requestIDs, accessLog(logger), plainBodies)
	app.Post("/decode", func(c *fiber.Ctx) error {
		var v decodeTarget
		if err := decode(c, &v); err != nil {
			return err
		}
		return c.JSON(v)
	})
	return app
}

// FuzzRequestDecoding sends arbitrary bodies with arbitrary Content-Type and
// Content-Encoding headers through the decoding path: it must never panic or
// answer 5xx, must refuse every encoding before reading, and must answer
// errors in the one envelope.
func FuzzRequestDecoding(f *testing.F) {
	for _, s := range []struct{ body, ct, ce string }{
		{`{"name":"a","count":1,"tags":["x"],"vars":{"k":"v"},"nested":{"id":2}}`, "application/json", ""},
		{`{"name":1}`, "application/json; charset=utf-8", ""},
		{`{"unknown":true}`, "application/json", ""},
		{`{"name":"a"} {"name":"b"}`, "application/json", ""},
		{`[1,2]`, "application/json", ""},
		{"\x1f\x8b\x08\x00\x00\x00\x00\x00", "application/json", "gzip"},
		{`{}`, "application/json", "identity"},
		{`{}`, "text/plain", ""},
		{`{"count":1e309}`, "application/json", "br, identity"},
		{strings.Repeat(`{"nested":`, 100) + "null" + strings.Repeat("}", 100), "application/json", ""},
		{`{"name":"` + strings.Repeat("x", 16000) + `"}`, "application/json", ""},
	} {
		f.Add([]byte(s.body), s.ct, s.ce)
	}
	app := decodeApp()
	f.Fuzz(func(t *testing.T, body []byte, contentType, contentEncoding string) {
		// Request headers past the server's read buffer (4 KiB) are refused
		// by fasthttp before any handler runs (431); this target is about
		// bodies, so keep the headers within it.
		contentType, contentEncoding = clip(contentType, 1024), clip(contentEncoding, 1024)
		req := httptest.NewRequest("POST", "/decode", bytes.NewReader(body))
		if h := strings.Map(headerSafe, contentType); h != "" {
			req.Header.Set("Content-Type", h)
		}
		ce := strings.Map(headerSafe, contentEncoding)
		if ce != "" {
			req.Header.Set("Content-Encoding", ce)
		}
		res, err := app.Test(req, -1)
		if err != nil && len(body) > 4096 && strings.Contains(err.Error(), "body size exceeds the given limit") {
			// fasthttp refuses a body over the limit while reading it;
			// app.Test reports that as an error where a client gets 413
			// (TestBodyLimit covers the answer over real HTTP).
			return
		}
		if err != nil {
			t.Fatalf("request failed: %v", err)
		}
		out, _ := io.ReadAll(res.Body)
		switch res.StatusCode {
		case 200:
			var v decodeTarget
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("200 with a body that is not the decoded value: %q", out)
			}
		case 400, 413, 415, 422:
			var e errorBody
			if err := json.Unmarshal(out, &e); err != nil || e.Error.Code == "" || e.Error.RequestID == "" {
				t.Fatalf("status %d without the error envelope: %q", res.StatusCode, out)
			}
		default:
			t.Fatalf("unexpected status %d: %q", res.StatusCode, out)
		}
		encoded := false
		for _, part := range strings.Split(strings.TrimSpace(ce), ",") {
			if p := strings.ToLower(strings.TrimSpace(part)); p != "" && p != "identity" {
				encoded = true
			}
		}
		if encoded && res.StatusCode != 415 && res.StatusCode != 413 {
			t.Fatalf("Content-Encoding %q answered %d, want 415", ce, res.StatusCode)
		}
	})
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// headerSafe keeps what an HTTP client can put in a header value.
func headerSafe(r rune) rune {
	if r < 0x20 || r >= 0x7f {
		return -1
	}
	return r
}

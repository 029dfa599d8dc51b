package server

import (
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Deskmate</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>Deskmate</h1><p>UI not built: run <code>make web</code> (or <code>make run</code>, which builds it) and restart.</p>
<p>The API is available under <code>/api/</code>; health at <code>/healthz</code> and <code>/readyz</code>.</p></body></html>`

// spa serves the embedded admin app: real files as they are (hashed assets
// cached for a year), every other GET path the app's index.html so client-side
// routes work on reload.
type spa struct {
	files fs.FS
	built bool
}

func (s *spa) handle(c *fiber.Ctx) error {
	if !s.built {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(fiber.StatusServiceUnavailable).Type("html").SendString(notBuiltPage)
	}
	name := strings.TrimPrefix(path.Clean("/"+c.Path()), "/")
	if name != "" && fs.ValidPath(name) {
		if b, err := fs.ReadFile(s.files, name); err == nil {
			if strings.HasPrefix(name, "assets/") {
				c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
			} else {
				c.Set(fiber.HeaderCacheControl, "no-cache")
			}
			if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
				c.Set(fiber.HeaderContentType, ct)
			}
			return c.Send(b)
		}
		// A missing file with an extension is a broken link, not an app route.
		if path.Ext(name) != "" {
			return fiber.NewError(fiber.StatusNotFound, "file not found: /"+name)
		}
	}
	index, err := fs.ReadFile(s.files, "index.html")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Type("html").Send(index)
}

package gorgiastest

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/deskmate/deskmate/gorgias"
)

// page writes one page of items as Gorgias' list envelope. limit defaults
// to def (30 for most lists) and may not pass 100; cursors are opaque
// base64 of the offset.
func page[T any](c *call, items []T, def int) {
	q := c.r.URL.Query()
	limit := def
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > gorgias.MaxLimit {
			c.invalid("limit", "Must be between 1 and 100.")
			return
		}
		limit = n
	}
	offset := 0
	if s := q.Get("cursor"); s != "" {
		n, ok := decodeCursor(s)
		if !ok {
			c.invalid("cursor", "Invalid cursor.")
			return
		}
		offset = min(n, len(items))
	}
	end := min(offset+limit, len(items))
	body := gorgias.ListBody[T]{Object: "list", URI: c.r.URL.RequestURI(), Data: items[offset:end]}
	if body.Data == nil {
		body.Data = []T{}
	}
	if end < len(items) {
		next := encodeCursor("next", end)
		body.Meta.NextCursor = &next
	}
	if offset > 0 {
		prev := encodeCursor("prev", max(offset-limit, 0))
		body.Meta.PrevCursor = &prev
	}
	c.json(http.StatusOK, body)
}

func encodeCursor(dir string, offset int) string {
	return base64.StdEncoding.EncodeToString([]byte(dir + "__" + strconv.Itoa(offset)))
}

func decodeCursor(s string) (int, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	_, n, ok := strings.Cut(string(b), "__")
	if !ok {
		return 0, false
	}
	offset, err := strconv.Atoi(n)
	return offset, err == nil && offset >= 0
}

// descending reads order_by's direction ("created_datetime:desc").
func descending(c *call) bool {
	return strings.HasSuffix(c.r.URL.Query().Get("order_by"), ":desc")
}

// ordered returns ids in increasing order, or decreasing when desc.
func ordered(ids []int64, desc bool) []int64 {
	if desc {
		slices.Reverse(ids)
	}
	return ids
}

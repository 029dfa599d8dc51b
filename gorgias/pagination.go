package gorgias

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// MaxLimit is the largest page Gorgias serves.
const MaxLimit = 100

// ListOptions select one page of a cursor-paginated list.
type ListOptions struct {
	Cursor  string // from a previous Page; empty for the first page
	Limit   int    // page size, 1–100; 0 means Gorgias' default (30)
	OrderBy string // "created_datetime:desc", …
}

func (o ListOptions) values() url.Values {
	q := url.Values{}
	if o.Cursor != "" {
		q.Set("cursor", o.Cursor)
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(min(o.Limit, MaxLimit)))
	}
	if o.OrderBy != "" {
		q.Set("order_by", o.OrderBy)
	}
	return q
}

// Page is one page of a list and the cursors around it ("" at either end).
type Page[T any] struct {
	Data       []T
	NextCursor string
	PrevCursor string
}

// ListBody is the JSON envelope of every Gorgias list.
type ListBody[T any] struct {
	Object string   `json:"object"`
	URI    string   `json:"uri"`
	Data   []T      `json:"data"`
	Meta   ListMeta `json:"meta"`
}

// ListMeta holds a list's cursors; null ends the list.
type ListMeta struct {
	PrevCursor *string `json:"prev_cursor"`
	NextCursor *string `json:"next_cursor"`
}

// getPage reads one page of path. A bare JSON array (no envelope) reads as
// a single page.
func getPage[T any](ctx context.Context, c *Client, path string, q url.Values) (Page[T], error) {
	var raw json.RawMessage
	if err := c.Do(ctx, Request{Method: http.MethodGet, Path: path, Query: q}, &raw); err != nil {
		return Page[T]{}, err
	}
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		var data []T
		if err := json.Unmarshal(t, &data); err != nil {
			return Page[T]{}, fmt.Errorf("gorgias: GET %s: decode answer: %w", path, err)
		}
		return Page[T]{Data: data}, nil
	}
	var body ListBody[T]
	if err := json.Unmarshal(raw, &body); err != nil {
		return Page[T]{}, fmt.Errorf("gorgias: GET %s: decode answer: %w", path, err)
	}
	p := Page[T]{Data: body.Data}
	if body.Meta.NextCursor != nil {
		p.NextCursor = *body.Meta.NextCursor
	}
	if body.Meta.PrevCursor != nil {
		p.PrevCursor = *body.Meta.PrevCursor
	}
	return p, nil
}

// each yields every item of path, page after page of 100. It stops when a
// cursor repeats, so a server that loops cannot hold it forever.
func each[T any](ctx context.Context, c *Client, path string, q url.Values) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		q := cloneValues(q)
		if q.Get("limit") == "" {
			q.Set("limit", strconv.Itoa(MaxLimit))
		}
		seen := map[string]bool{}
		for {
			page, err := getPage[T](ctx, c, path, q)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page.Data {
				if !yield(item, nil) {
					return
				}
			}
			if page.NextCursor == "" || seen[page.NextCursor] {
				return
			}
			seen[page.NextCursor] = true
			q.Set("cursor", page.NextCursor)
		}
	}
}

// collect reads every item of path.
func collect[T any](ctx context.Context, c *Client, path string, q url.Values) ([]T, error) {
	var all []T
	for item, err := range each[T](ctx, c, path, q) {
		if err != nil {
			return nil, err
		}
		all = append(all, item)
	}
	return all, nil
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

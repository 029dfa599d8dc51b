package gorgiastest

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/deskmate/deskmate/gorgias"
)

// RateLimit is Gorgias' leaky bucket: per account and auth kind, at most
// BasicRequests (API key) or OAuthRequests (OAuth) calls in the bucket,
// which drains at that many per Window.
type RateLimit struct {
	BasicRequests int
	OAuthRequests int
	Window        time.Duration
}

// DefaultRateLimit returns Gorgias' documented limits: 40 and 80 calls per
// 20 seconds.
func DefaultRateLimit() *RateLimit {
	return &RateLimit{BasicRequests: gorgias.DefaultBasicRequests, OAuthRequests: gorgias.DefaultOAuthRequests, Window: gorgias.DefaultWindow}
}

type bucket struct {
	level float64
	last  time.Time
}

// rateLimit counts the call in its account's bucket, sends the usage
// header, and answers 429 when limits are on and the bucket is full.
func (e *Emulator) rateLimit(c *call) bool {
	rl := e.opts.RateLimit
	enforce := rl != nil
	if rl == nil {
		rl = DefaultRateLimit()
	}
	limit := rl.BasicRequests
	if c.auth == gorgias.AuthOAuth {
		limit = rl.OAuthRequests
	}
	window := rl.Window
	if limit <= 0 || window <= 0 {
		limit, window = gorgias.DefaultBasicRequests, gorgias.DefaultWindow
	}
	rate := float64(limit) / window.Seconds()

	e.mu.Lock()
	key := c.domain + "|" + string(c.auth)
	b, ok := e.buckets[key]
	if !ok {
		b = &bucket{last: time.Now()}
		e.buckets[key] = b
	}
	t := time.Now()
	b.level = math.Max(0, b.level-t.Sub(b.last).Seconds()*rate)
	b.last = t
	full := b.level+1 > float64(limit)
	if !full || !enforce {
		b.level = math.Min(b.level+1, float64(limit))
	}
	used := int(math.Ceil(b.level))
	retry := int(math.Max(1, math.Ceil((b.level+1-float64(limit))/rate)))
	e.mu.Unlock()

	c.w.Header().Set("X-Gorgias-Account-Api-Call-Limit", fmt.Sprintf("%d/%d", used, limit))
	if full && enforce {
		c.w.Header().Set("Retry-After", strconv.Itoa(retry))
		c.fail(http.StatusTooManyRequests, "Too many requests. Please retry later.", nil)
		return false
	}
	return true
}

package gorgiastest

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/deskmate/deskmate/gorgias"
)

// Options configure an Emulator. The zero value gives one account, "acme",
// no rate limiting and no sample data.
type Options struct {
	// Accounts to create; default one account with AccountOptions' defaults.
	Accounts []AccountOptions
	// Addr is where Start listens; default 127.0.0.1:0.
	Addr string
	// Seed adds sample customers with Shopify orders and a ticket.
	Seed bool
	// RateLimit refuses calls past Gorgias' leaky bucket (DefaultRateLimit
	// has the documented numbers). Nil refuses nothing; the usage header is
	// sent either way.
	RateLimit *RateLimit
	// HTTPClient sends integration deliveries and button requests; nil
	// means a plain client.
	HTTPClient *http.Client
	// Delivery tunes HTTP-integration deliveries.
	Delivery DeliveryOptions
	// Chaos starts with these switches on (see SetChaos).
	Chaos Chaos
	// SendDelay is how long an outgoing message waits for its
	// sent_datetime; default 50 ms.
	SendDelay time.Duration
	// MaxBodyBytes bounds request bodies; default 4 MiB.
	MaxBodyBytes int64
	// The OAuth app the emulator knows; defaults EmulatorClientID and
	// EmulatorClientSecret.
	OAuthClientID, OAuthClientSecret string
	// AccessTokenTTL is the life of an access token; default 24 h.
	AccessTokenTTL time.Duration
	// Logger gets a line per delivery failure; nil discards.
	Logger *slog.Logger
	// KeepRequests is how many of the latest requests Requests remembers;
	// 0 remembers all (tests). A long-running emulator sets a bound.
	KeepRequests int
}

// AccountOptions describe one emulated account.
type AccountOptions struct {
	Domain string // subdomain; default "acme"
	Email  string // the admin's e-mail, the Basic-auth user; default admin@<domain>.example
	APIKey string // the REST API key; default "<domain>-api-key"
	Bot    bool   // also create a user with role "bot"
}

func (o AccountOptions) withDefaults() AccountOptions {
	if o.Domain == "" {
		o.Domain = "acme"
	}
	o.Domain = strings.ToLower(o.Domain)
	if o.Email == "" {
		o.Email = "admin@" + o.Domain + ".example"
	}
	if o.APIKey == "" {
		o.APIKey = o.Domain + "-api-key"
	}
	return o
}

// The OAuth app the emulator knows unless Options name another.
const (
	EmulatorClientID     = "deskmate-emulator-client"
	EmulatorClientSecret = "deskmate-emulator-secret"
)

// Emulator is an in-memory Gorgias: several accounts, each under its own
// path prefix (/acme/api/…, /acme/oauth/…), with the REST API subset
// Deskmate uses, OAuth, HTTP-integration deliveries, widget button actions,
// rate limits and fault injection, plus helpers that act as a customer or
// an agent (Go methods, and HTTP under /_emulator/). Its methods are safe
// for concurrent use. Close it to stop background work.
type Emulator struct {
	opts    Options
	log     *slog.Logger
	hc      *http.Client
	signKey []byte
	api     http.Handler
	oauth   http.Handler
	sandbox http.Handler

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu         sync.Mutex
	cond       *sync.Cond // signals the dispatcher
	closed     bool
	accounts   map[string]*account
	chaos      Chaos
	faults     []*Fault
	requests   []RequestRecord
	deliveries []DeliveryRecord
	queue      []*delivery
	held       []*delivery
	heldTimer  *time.Timer
	pending    int           // queued, held or running background work
	idle       chan struct{} // closed when pending drops to 0
	buckets    map[string]*bucket
	codes      map[string]*authCode
	grants     map[string]*refreshGrant

	srv *http.Server
	url string
}

// New returns an emulator with its accounts created; serve it with Start or
// through Handler.
func New(opts Options) *Emulator {
	if len(opts.Accounts) == 0 {
		opts.Accounts = []AccountOptions{{}}
	}
	for i := range opts.Accounts {
		opts.Accounts[i] = opts.Accounts[i].withDefaults()
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.SendDelay <= 0 {
		opts.SendDelay = 50 * time.Millisecond
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 4 << 20
	}
	if opts.OAuthClientID == "" {
		opts.OAuthClientID, opts.OAuthClientSecret = EmulatorClientID, EmulatorClientSecret
	}
	if opts.AccessTokenTTL <= 0 {
		opts.AccessTokenTTL = 24 * time.Hour
	}
	opts.Delivery = opts.Delivery.withDefaults()
	e := &Emulator{
		opts:    opts,
		log:     opts.Logger,
		hc:      opts.HTTPClient,
		signKey: make([]byte, 32),
		chaos:   opts.Chaos,
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.hc == nil {
		e.hc = &http.Client{}
	}
	_, _ = rand.Read(e.signKey)
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.cond = sync.NewCond(&e.mu)
	e.api = e.apiRoutes()
	e.oauth = e.oauthRoutes()
	e.sandbox = e.sandboxRoutes()
	e.reset()
	e.wg.Add(1)
	go e.dispatchLoop()
	return e
}

// Start listens on Options.Addr and serves until Close.
func (e *Emulator) Start() error {
	ln, err := net.Listen("tcp", e.opts.Addr)
	if err != nil {
		return err
	}
	e.mu.Lock()
	if e.closed || e.srv != nil {
		e.mu.Unlock()
		ln.Close()
		return errors.New("gorgiastest: emulator already started or closed")
	}
	e.srv = &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	e.url = "http://" + ln.Addr().String()
	srv := e.srv
	e.wg.Add(1)
	e.mu.Unlock()
	go func() {
		defer e.wg.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.log.Error("gorgias emulator: serve", "error", err)
		}
	}()
	return nil
}

// URL is the address Start listens on, "http://127.0.0.1:PORT".
func (e *Emulator) URL() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.url
}

// Close stops the server and background work (deliveries in flight are
// cancelled) and waits for them.
func (e *Emulator) Close() {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	if e.heldTimer != nil {
		e.heldTimer.Stop()
	}
	srv := e.srv
	e.cond.Broadcast()
	e.mu.Unlock()
	e.cancel()
	if srv != nil {
		srv.Close()
	}
	e.wg.Wait()
}

// Flush waits until background work (queued and held deliveries, messages
// waiting for their sent_datetime) is done. Held deliveries (the reorder
// switch) are released first.
func (e *Emulator) Flush(ctx context.Context) error {
	e.mu.Lock()
	e.releaseHeld()
	for e.pending > 0 && !e.closed {
		if e.idle == nil {
			e.idle = make(chan struct{})
		}
		idle := e.idle
		e.mu.Unlock()
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
		e.mu.Lock()
	}
	e.mu.Unlock()
	return nil
}

// begin counts a piece of background work; e.mu is held.
func (e *Emulator) begin() { e.pending++ }

// finish ends one; e.mu is held.
func (e *Emulator) finish() {
	e.pending--
	if e.pending <= 0 {
		e.pending = 0
		if e.idle != nil {
			close(e.idle)
			e.idle = nil
		}
	}
}

// after runs fn under e.mu once d has passed, unless the emulator closes
// first; e.mu is held.
func (e *Emulator) after(d time.Duration, fn func()) {
	if e.closed {
		return
	}
	e.begin()
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-e.ctx.Done():
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.ctx.Err() == nil {
			fn()
		}
		e.finish()
	}()
}

// Reset puts every account back as New made it and clears the logs, faults
// and queued deliveries.
func (e *Emulator) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reset()
}

// reset builds the accounts; e.mu is held (or e is not shared yet).
func (e *Emulator) reset() {
	e.accounts = map[string]*account{}
	for _, o := range e.opts.Accounts {
		e.accounts[o.Domain] = e.newAccount(o, e.opts.Seed)
	}
	for range len(e.queue) + len(e.held) {
		e.finish()
	}
	e.queue, e.held = nil, nil
	e.faults, e.requests, e.deliveries = nil, nil, nil
	e.buckets = map[string]*bucket{}
	e.codes = map[string]*authCode{}
	e.grants = map[string]*refreshGrant{}
}

// AccountInfo is what a test needs to talk to an account.
type AccountInfo struct {
	Domain             string
	BaseURL            string // "" until Start
	Email              string
	APIKey             string
	AdminUserID        int64
	BotUserID          int64 // 0 without AccountOptions.Bot
	EmailIntegrationID int64
	SupportAddress     string
}

// Client returns a client of the account, signed in with its admin's API
// key. Its budget is far above Gorgias' own (40 calls per 20 s), which
// would only slow tests down; the emulator still enforces the limits it was
// given.
func (a AccountInfo) Client() (*gorgias.Client, error) {
	return gorgias.New(gorgias.Options{BaseURL: a.BaseURL, Auth: gorgias.BasicAuth{Email: a.Email, APIKey: a.APIKey},
		Limiter: gorgias.NewLimiter(1000, time.Second)})
}

// Account describes an account, or false when there is none by that name.
func (e *Emulator) Account(domain string) (AccountInfo, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.accounts[domain]
	if !ok {
		return AccountInfo{}, false
	}
	info := AccountInfo{
		Domain: a.domain, Email: a.opts.Email, APIKey: a.opts.APIKey,
		AdminUserID: a.adminID, BotUserID: a.botID,
		EmailIntegrationID: a.emailIntegrationID, SupportAddress: a.supportAddress(),
	}
	if e.url != "" {
		info.BaseURL = e.url + "/" + a.domain
	}
	return info, true
}

// OAuthClient returns the client id and secret of the app the emulator
// knows.
func (e *Emulator) OAuthClient() (id, secret string) {
	return e.opts.OAuthClientID, e.opts.OAuthClientSecret
}

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"regexp"

	"github.com/deskmate/deskmate/gorgias"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
)

// accountName is a Gorgias subdomain.
var accountName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// gorgiasEmulator runs an in-memory Gorgias for one account until ctx ends:
// the REST API, OAuth, HTTP-integration deliveries and widget buttons, plus
// the /_emulator/ endpoints that act as customers and agents. It needs no
// configuration and no database.
func gorgiasEmulator(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gorgias-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8090", "address to listen on")
	account := fs.String("account", "acme", "the account's subdomain (its path prefix)")
	email := fs.String("email", "", "the admin's e-mail, the API-key user (default admin@<account>.example)")
	apiKey := fs.String("api-key", "", "the REST API key (default: a random one, printed)")
	seed := fs.Bool("seed", false, "add sample customers with Shopify orders and a ticket")
	rateLimit := fs.String("rate-limit", "on", "Gorgias' rate limits (40 calls / 20 s with an API key, 80 with OAuth): on or off")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "deskmate: gorgias-emulator: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	case !accountName.MatchString(*account):
		fmt.Fprintf(stderr, "deskmate: gorgias-emulator: --account %q is not a subdomain (lowercase letters, digits, hyphens)\n", *account)
		return exitUsage
	case *rateLimit != "on" && *rateLimit != "off":
		fmt.Fprintf(stderr, "deskmate: gorgias-emulator: --rate-limit is on or off, not %q\n", *rateLimit)
		return exitUsage
	}
	if *apiKey == "" {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		*apiKey = hex.EncodeToString(b)
	}
	opts := gorgiastest.Options{
		Addr:     *addr,
		Accounts: []gorgiastest.AccountOptions{{Domain: *account, Email: *email, APIKey: *apiKey, Bot: true}},
		Seed:     *seed,
		Logger:   slog.New(slog.NewTextHandler(stderr, nil)),
		// A long-running process: remember only recent requests.
		KeepRequests: 1000,
	}
	if *rateLimit == "on" {
		opts.RateLimit = gorgiastest.DefaultRateLimit()
	}
	emu := gorgiastest.New(opts)
	if err := emu.Start(); err != nil {
		emu.Close()
		fmt.Fprintln(stderr, "deskmate: gorgias-emulator: "+err.Error())
		return exitError
	}
	defer emu.Close()
	info, _ := emu.Account(*account)
	clientID, clientSecret := emu.OAuthClient()
	limits := "off"
	if *rateLimit == "on" {
		limits = fmt.Sprintf("on (%d calls per %s with the API key, %d with OAuth)",
			gorgias.DefaultBasicRequests, gorgias.DefaultWindow, gorgias.DefaultOAuthRequests)
	}
	fmt.Fprintf(stdout, `Gorgias emulator listening on %s (stop with Ctrl-C)
  base URL     %s
  e-mail       %s
  API key      %s
  OAuth app    client id %s, secret %s
  sandbox      %s/_emulator/%s/tickets
  rate limits  %s
`, emu.URL(), info.BaseURL, info.Email, info.APIKey, clientID, clientSecret, emu.URL(), *account, limits)
	<-ctx.Done()
	return exitOK
}

package main

import (
	"context"
	"log/slog"

	"github.com/deskmate/deskmate/config"
	"github.com/deskmate/deskmate/gorgias/gorgiastest"
	"github.com/deskmate/deskmate/sandbox"
)

// startSandbox starts the sandbox's in-memory Gorgias on a free loopback
// port when DESKMATE_SANDBOX is on (nil otherwise). It has sample customers
// with Shopify orders, a bot user and Gorgias' rate limits.
func startSandbox(cfg *config.Config, logger *slog.Logger) (*gorgiastest.Emulator, error) {
	if !cfg.Sandbox {
		return nil, nil
	}
	emu := gorgiastest.New(gorgiastest.Options{
		Accounts:  []gorgiastest.AccountOptions{{Domain: sandbox.Domain, Bot: true}},
		Seed:      true,
		RateLimit: gorgiastest.DefaultRateLimit(),
		Logger:    logger.With("component", "sandbox-gorgias"),
		// It runs as long as Deskmate: remember only recent requests.
		KeepRequests: 1000,
	})
	if err := emu.Start(); err != nil {
		return nil, err
	}
	logger.Info("sandbox Gorgias started", "url", emu.URL())
	return emu, nil
}

// restoreSandbox connects the sandbox workspace to this start's emulator
// (or pauses it without one). A failure is logged: the rest of Deskmate
// works without the sandbox.
func restoreSandbox(ctx context.Context, svc *services, logger *slog.Logger) {
	if err := svc.sandbox.Restore(ctx); err != nil {
		logger.Warn("could not reconnect the sandbox workspace", "error", err)
	}
}

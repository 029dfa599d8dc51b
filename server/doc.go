// Package server is Deskmate's HTTP layer (Fiber): routes, the JSON error
// envelope, request IDs, access logs, health checks and the embedded admin app.
// It is the only package that knows HTTP; handlers call domain packages with
// context.Context and plain structs, and no fiber type leaves this package.
package server

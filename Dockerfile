# syntax=docker/dockerfile:1

# Deskmate container image.
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t deskmate .
#   docker run --rm deskmate version
#
# The image runs `deskmate serve` as a non-root user on 0.0.0.0:8080. It has
# no shell and no Node.js, so DATABASE_URL must point at a PostgreSQL server
# with the pgvector extension (see docker-compose.yml).

ARG GO_VERSION=1.26
ARG NODE_VERSION=22

# ---- web: build the single-page app that the binary embeds --------------------
# Assets are the same on every architecture, so build them on the build host.
FROM --platform=$BUILDPLATFORM node:${NODE_VERSION}-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json web/.npmrc ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# ---- build: compile a static binary (cross-compiled for the target platform) ---
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
COPY --from=web /src/web/dist ./web/dist
ARG VERSION=dev
ARG TARGETOS
ARG TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
    go build -trimpath \
      -ldflags "-s -w -X github.com/deskmate/deskmate/internal/buildinfo.Version=${VERSION}" \
      -o /out/deskmate ./cmd/deskmate
# An empty data directory owned by the runtime user, so that a new named volume
# mounted on /data starts out writable by that user.
RUN mkdir -p /out/data

# ---- runtime: static binary on distroless (CA certificates, tzdata, no shell) --
FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="Deskmate" \
      org.opencontainers.image.description="Self-hosted AI support agent" \
      org.opencontainers.image.source="https://github.com/deskmate/deskmate" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/deskmate /usr/local/bin/deskmate
COPY --from=build --chown=65532:65532 /out/data /data
ENV DESKMATE_ADDR=0.0.0.0:8080 \
    DESKMATE_DATA_DIR=/data \
    LOG_FORMAT=json
# Numeric user (distroless "nonroot") so that runAsNonRoot checks can verify it.
USER 65532:65532
EXPOSE 8080
VOLUME ["/data"]
# Ready means the database and the job queue answer. The image has no shell or
# wget, so the binary probes its own /readyz. Adjust the URL if you change the
# port in DESKMATE_ADDR.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["/usr/local/bin/deskmate", "healthcheck", "--url", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["/usr/local/bin/deskmate"]
CMD ["serve"]

# syntax=docker/dockerfile:1
# kinmu: a multi-stage build. The builder compiles the release binary (both
# database backends are always built in, so it needs libpq); the runtime
# image holds only the binary, libpq and CA certificates.

FROM rust:1-bookworm AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Migrations and config/default.toml are embedded at compile time, so the
# whole source tree goes in (.dockerignore keeps target/, data/ and .git out).
COPY . .
# The cache mounts keep downloaded crates and compiled dependencies between
# builds; the binary is copied out of the cached target directory.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked \
    && cp target/release/kinmu /usr/local/bin/kinmu

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 kinmu \
    && useradd --system --uid 10001 --gid kinmu --home-dir /app --shell /usr/sbin/nologin kinmu \
    && mkdir -p /app/data \
    && chown kinmu:kinmu /app/data
COPY --from=builder /usr/local/bin/kinmu /usr/local/bin/kinmu
# Paths in the settings are relative to /app: the default SQLite database is
# /app/data/kinmu.db, and /app/config/local.toml is read when mounted.
WORKDIR /app
ENV KINMU_LISTEN=0.0.0.0:8080
VOLUME ["/app/data"]
EXPOSE 8080
USER kinmu:kinmu
ENTRYPOINT ["kinmu"]
CMD ["serve"]

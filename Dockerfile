# Dynoxide in a container: a static musl binary on an empty image.
#
#   docker build -t dynoxide .
#   docker run --rm -p 8000:8000 dynoxide                                  # in memory
#   docker run --rm -p 8000:8000 -v dynoxide-data:/data dynoxide --db-path /data/app.db
#
# The server runs as nobody (65534): a named volume takes /data's owner from the image; a
# host folder must be writable by that user, or run with --user "$(id -u):$(id -g)".
# Other feature sets: --build-arg FEATURES="--no-default-features --features encrypted-full"
# (then -e DYNOXIDE_ENCRYPTION_KEY=..., or a mode-600 key file mounted and --user set to the
# file's owner so that the server can read it).

FROM rust:1-alpine AS build
# musl-dev links the static binary; perl, make and linux-headers build the OpenSSL that
# SQLCipher vendors (encryption builds).
RUN apk add --no-cache musl-dev perl make linux-headers
WORKDIR /src
COPY . .
ARG FEATURES=""
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked $FEATURES && cp target/release/dynoxide /dynoxide
# scratch has no folders: /tmp for large .db.zst files opened from disk, /data for volumes.
RUN mkdir -p /out/tmp /out/data && chmod 1777 /out/tmp

FROM scratch
COPY --from=build /dynoxide /dynoxide
COPY --from=build /out/tmp /tmp
COPY --from=build --chown=65534:65534 /out/data /data
# In a container the server listens on every interface; the port is the usual one.
ENV DYNOXIDE_HOST=0.0.0.0 DYNOXIDE_PORT=8000 TMPDIR=/tmp
USER 65534:65534
EXPOSE 8000
ENTRYPOINT ["/dynoxide"]

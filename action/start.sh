#!/usr/bin/env bash
# Installs dynoxide, fetches an optional snapshot, starts the server in the background and waits
# until it answers. action.yml runs this; it runs the same way on a developer's machine:
#
#   action/start.sh [--version X.Y.Z|latest] [--snapshot-url URL] [--port N]
#                   [--repository OWNER/NAME] [--work-dir DIR] [--wait-seconds N]
#
# Install order: $DYNOXIDE_BIN if set; a `dynoxide` on PATH of the wanted version (any version for
# `latest`); the release asset dynoxide-<target>.tar.gz of --repository (its .sha256 checked);
# `cargo install --git` of that repository at tag vX.Y.Z (crates.io's `dynoxide` is another
# project's crate). Prints `endpoint=...` and `pid=...`, and appends them to
# $GITHUB_OUTPUT when that is set.
set -euo pipefail

die() {
  echo "dynoxide action: $*" >&2
  exit 1
}

version=latest
snapshot_url=""
port=8000
repository=""
work_dir=""
wait_seconds=30

while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || die "$1 needs a value"
  case "$1" in
    --version) version=$2 ;;
    --snapshot-url) snapshot_url=$2 ;;
    --port) port=$2 ;;
    --repository) repository=$2 ;;
    --work-dir) work_dir=$2 ;;
    --wait-seconds) wait_seconds=$2 ;;
    *) die "unknown option $1 (options: --version --snapshot-url --port --repository --work-dir --wait-seconds)" ;;
  esac
  shift 2
done

# Check every input before anything is downloaded or started.
version=${version#v}
if [ "$version" != latest ] && ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  die "version must be latest or X.Y.Z, not '$version'"
fi
if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" -gt 65535 ]; then
  die "port must be a number from 0 to 65535, not '$port'"
fi
if ! [[ $wait_seconds =~ ^[0-9]+$ ]] || [ "$wait_seconds" -lt 1 ]; then
  die "wait-seconds must be a whole number of seconds, at least 1, not '$wait_seconds'"
fi
# github.action_repository is empty inside composite actions (actions/runner#2525), so a
# release's repository is read off the action's own path: .../_actions/OWNER/NAME/REF/action.
if [ -z "$repository" ] && [[ ${GITHUB_ACTION_PATH:-} =~ /_actions/([^/]+)/([^/]+)/ ]]; then
  repository=${BASH_REMATCH[1]}/${BASH_REMATCH[2]}
fi
if [ -n "$repository" ] && ! [[ $repository =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]]; then
  die "repository must be OWNER/NAME, not '$repository'"
fi
snapshot_name=""
if [ -n "$snapshot_url" ]; then
  # A presigned URL carries a query string after the file name.
  snapshot_path=${snapshot_url%%\?*}
  case "$snapshot_path" in
    *.db.zst) snapshot_name=snapshot.db.zst ;;
    *.db) snapshot_name=snapshot.db ;;
    *) die "snapshot-url must name a .db or .db.zst file: $snapshot_path" ;;
  esac
fi
command -v curl >/dev/null || die "curl is needed"

# A folder of its own per run unless one is named: two servers never share files.
if [ -z "$work_dir" ]; then
  work_dir=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/dynoxide-action.XXXXXX")
fi
mkdir -p "$work_dir"
work_dir=$(cd "$work_dir" && pwd)

# `dynoxide --version` prints "dynoxide X.Y.Z".
version_of() {
  "$1" --version 2>/dev/null | awk '{print $2}'
}

wanted() {
  local have
  have=$(version_of "$1") || return 1
  [ -n "$have" ] && { [ "$version" = latest ] || [ "$have" = "$version" ]; }
}

release_target() {
  case "$(uname -s)/$(uname -m)" in
    Linux/x86_64) echo x86_64-unknown-linux-musl ;;
    Linux/aarch64 | Linux/arm64) echo aarch64-unknown-linux-musl ;;
    Darwin/x86_64) echo x86_64-apple-darwin ;;
    Darwin/arm64) echo aarch64-apple-darwin ;;
    *) return 1 ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | awk '{print $1}'
  else
    shasum -a 256 "$1" | awk '{print $1}'
  fi
}

# Downloads a release asset into $work_dir/bin; fails quietly when there is none, and stops
# the script when it does not match its checksum.
download_release() {
  local target base asset
  [ -n "$repository" ] || return 1
  target=$(release_target) || return 1
  # DYNOXIDE_RELEASES_URL stands in for GitHub's releases (a mirror, or file:// in tests).
  base=${DYNOXIDE_RELEASES_URL:-https://github.com/$repository/releases}
  if [ "$version" = latest ]; then
    base="$base/latest/download"
  else
    base="$base/download/v$version"
  fi
  asset="dynoxide-$target.tar.gz"
  curl -fsSL --retry 3 -o "$work_dir/$asset" "$base/$asset" || return 1
  # Once the release has the binary, nothing unchecked is run: every failure from here stops.
  curl -fsSL --retry 3 -o "$work_dir/$asset.sha256" "$base/$asset.sha256" ||
    die "$asset has no .sha256 to check it against"
  [ "$(sha256_of "$work_dir/$asset")" = "$(awk '{print $1}' "$work_dir/$asset.sha256")" ] ||
    die "$asset does not match its .sha256"
  mkdir -p "$work_dir/bin" || die "cannot create $work_dir/bin"
  tar -xzf "$work_dir/$asset" -C "$work_dir/bin" dynoxide || die "cannot unpack $asset"
}

if [ -n "${DYNOXIDE_BIN:-}" ]; then
  bin=$DYNOXIDE_BIN
  [ -x "$bin" ] || die "DYNOXIDE_BIN=$bin is not an executable file"
elif command -v dynoxide >/dev/null && wanted "$(command -v dynoxide)"; then
  bin=$(command -v dynoxide)
elif [ -x "$work_dir/bin/dynoxide" ] && wanted "$work_dir/bin/dynoxide"; then
  bin=$work_dir/bin/dynoxide
elif download_release; then
  bin=$work_dir/bin/dynoxide
elif [ -n "$repository" ] && command -v cargo >/dev/null; then
  echo "dynoxide action: no release binary to download; building $repository with cargo install" >&2
  # The tag of the version asked for; `latest` builds the default branch.
  tag_args=()
  [ "$version" = latest ] || tag_args=(--tag "v$version")
  cargo install --git "https://github.com/$repository" ${tag_args[@]+"${tag_args[@]}"} \
    --locked --root "$work_dir" dynoxide || die "cargo install of $repository failed"
  bin=$work_dir/bin/dynoxide
else
  if command -v cargo >/dev/null; then
    die "no dynoxide $version found: no release binary, and no repository to build one from with cargo (give --repository)"
  fi
  die "no dynoxide $version found: no release binary for this runner (repository '${repository:-none}') and no cargo to build one"
fi
wanted "$bin" || die "$bin is dynoxide $(version_of "$bin"), not $version"

db_args=()
if [ -n "$snapshot_name" ]; then
  rm -f "$work_dir/$snapshot_name" "$work_dir/$snapshot_name-wal" "$work_dir/$snapshot_name-shm"
  if [[ $snapshot_url =~ ^[A-Za-z][A-Za-z0-9+.-]*:// ]]; then
    curl -fsSL --retry 3 -o "$work_dir/$snapshot_name" "$snapshot_url" ||
      die "could not download the snapshot from $snapshot_path"
  else
    cp "$snapshot_url" "$work_dir/$snapshot_name" || die "could not copy the snapshot $snapshot_url"
  fi
  db_args=(--db-path "$work_dir/$snapshot_name")
fi

log=$work_dir/server.log
# nohup: the server outlives this step. (The array expansion form suits macOS's bash 3.2 too.)
nohup "$bin" --port "$port" ${db_args[@]+"${db_args[@]}"} >"$log" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$work_dir/server.pid"

# The server prints "Dynoxide listening on http://HOST:PORT (...)" once it accepts connections.
endpoint=""
deadline=$((SECONDS + wait_seconds))
while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$log" >&2
    die "the server exited before it answered"
  fi
  if [ -z "$endpoint" ]; then
    endpoint=$(grep -o -m1 'http://[^ ]*' "$log" || true)
  fi
  if [ -n "$endpoint" ] && curl -fsS -o /dev/null -X POST "$endpoint/" \
    -H 'Content-Type: application/x-amz-json-1.0' \
    -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=action/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
    -d '{}' 2>/dev/null; then
    break
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    cat "$log" >&2
    kill "$pid" 2>/dev/null || true
    die "the server did not answer within $wait_seconds s"
  fi
  sleep 0.2
done

echo "endpoint=$endpoint"
echo "pid=$pid"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "endpoint=$endpoint"
    echo "pid=$pid"
  } >>"$GITHUB_OUTPUT"
fi
echo "dynoxide $(version_of "$bin") serving at $endpoint (pid $pid; log $log)" >&2

#!/usr/bin/env bash
# One command to run the standalone host locally: installs Azurite if missing, starts it with its data in the
# git-ignored .azurite/ folder, waits until it answers, then runs the host. Ctrl-C stops both.
#   scripts/run-local.sh [extra host arguments, e.g. --urls http://127.0.0.1:8080]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/install-tools.sh"

BLOB_PORT="${AZURITE_BLOB_PORT:-10000}"
QUEUE_PORT="${AZURITE_QUEUE_PORT:-10001}"
TABLE_PORT="${AZURITE_TABLE_PORT:-10002}"
DATA="$ROOT/.azurite"
mkdir -p "$DATA"

AZURITE_PID=""
HOST_PID=""
stop() { # pid, seconds to wait after SIGTERM before SIGKILL
  local pid="$1" tries=$(( $2 * 10 ))
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( tries-- > 0 )); do sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  trap - INT TERM EXIT
  stop "$HOST_PID" 30   # the host finishes in-flight work and releases its leases
  stop "$AZURITE_PID" 5
}
trap cleanup INT TERM EXIT

if (echo >"/dev/tcp/127.0.0.1/$TABLE_PORT") 2>/dev/null; then
  echo "run-local: something already listens on 127.0.0.1:$TABLE_PORT; using it as the storage emulator"
else
  echo "run-local: starting Azurite (data in $DATA, log in $DATA/azurite.log)"
  "$ROOT/.tools/node_modules/.bin/azurite" --silent --skipApiVersionCheck --disableProductStyleUrl \
    --location "$DATA" --debug "$DATA/azurite.log" \
    --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" \
    --queueHost 127.0.0.1 --queuePort "$QUEUE_PORT" \
    --tableHost 127.0.0.1 --tablePort "$TABLE_PORT" &
  AZURITE_PID=$!
  for _ in $(seq 1 100); do
    if (echo >"/dev/tcp/127.0.0.1/$TABLE_PORT") 2>/dev/null \
      && (echo >"/dev/tcp/127.0.0.1/$QUEUE_PORT") 2>/dev/null \
      && (echo >"/dev/tcp/127.0.0.1/$BLOB_PORT") 2>/dev/null; then
      break
    fi
    if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
      echo "run-local: Azurite exited; see $DATA/azurite.log" >&2
      exit 1
    fi
    sleep 0.1
  done
fi

CONN="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE_PORT/devstoreaccount1;"
export Host__Storage__ConnectionString="${Host__Storage__ConnectionString:-$CONN}"

echo "run-local: building and starting the host on http://127.0.0.1:7071 (Ctrl-C stops the host and Azurite)"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
dotnet build "$ROOT/src/Host/Host.csproj" -c Release -v quiet -nologo
# The built assembly runs directly (not under 'dotnet run') so Ctrl-C and SIGTERM reach the host itself.
dotnet "$ROOT/src/Host/bin/Release/net10.0/Serverless.Host.dll" "$@" &
HOST_PID=$!
wait "$HOST_PID"

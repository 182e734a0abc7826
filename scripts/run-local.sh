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
cleanup() {
  trap - INT TERM EXIT
  if [[ -n "$HOST_PID" ]] && kill -0 "$HOST_PID" 2>/dev/null; then
    kill -TERM "$HOST_PID" 2>/dev/null || true
    wait "$HOST_PID" 2>/dev/null || true
  fi
  if [[ -n "$AZURITE_PID" ]] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill -TERM "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
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

CONN="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTBcHQ==;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE_PORT/devstoreaccount1;"
export Host__Storage__ConnectionString="${Host__Storage__ConnectionString:-$CONN}"

echo "run-local: starting the host (Ctrl-C stops the host and Azurite)"
dotnet run --project "$ROOT/src/Host" -c Release -- "$@" &
HOST_PID=$!
wait "$HOST_PID"
